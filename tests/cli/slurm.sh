#!/bin/sh
# A real Slurm job array: a single-node cluster on localhost
# (tests/slurm/cluster.sh: munged, slurmctld, slurmd) runs
# tests/slurm/array.sbatch with --array=0-3 over a tree.  The merged
# manifests account for every file exactly once, and the outputs equal one
# unsharded run's.  Skips, saying why, where Slurm cannot run.
. "$(dirname "$0")/lib.sh"
cluster=$top_srcdir/tests/slurm/cluster.sh
state=$WORK/slurm
AT_EXIT='"$cluster" stop "$state" >/dev/null 2>&1 || true'

set +e
"$cluster" start "$state" >"$WORK/start.txt" 2>&1
code=$?
set -e
if [ "$code" = 77 ]; then
	note "SKIP: $(tail -n 1 "$WORK/start.txt")"
	exit 77
fi
[ "$code" = 0 ] || { cat "$WORK/start.txt" >&2; fail "the Slurm cluster did not start"; }
eval "$("$cluster" env "$state")"

make_fixtures "$WORK/s"
mkdir -p "$WORK/photos/a" "$WORK/photos/b" "$WORK/m"
for f in "$WORK"/s/*.jpg "$WORK"/s/*.png; do
	case $f in *corrupt*) continue ;; esac
	cp "$f" "$WORK/photos/a/"
	cp "$f" "$WORK/photos/b/again-$(basename "$f")"
done
total=$(find "$WORK/photos" -type f | wc -l | tr -d ' ')
run_imgbatch 0 -o "$WORK/reference" -r 200x200 -j1 --quiet "$WORK/photos"

job=$(sbatch --parsable --array=0-3 --cpus-per-task=1 -o "$WORK/task-%a.log" \
	--export=ALL,IMGBATCH="$IMGBATCH",GEOMETRY=200x200,OUT="$WORK/out",MANIFESTS="$WORK/m",PHOTOS="$WORK/photos" \
	"$top_srcdir/tests/slurm/array.sbatch")
[ -n "$job" ] || fail "sbatch gave no job id"
t=0
while [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; do
	[ $t -lt 300 ] || fail "job $job still queued or running after 300 s: $(squeue -j "$job")"
	sleep 1
	t=$((t + 1))
done
for k in 0 1 2 3; do
	[ -s "$WORK/m/$k.jsonl" ] || { cat "$WORK/task-$k.log" >&2 || true; fail "task $k wrote no manifest"; }
	assert_contains "$WORK/m/$k.jsonl" "\"shard\":$k,\"shards\":4"
done
run_imgbatch 0 report "$WORK"/m/*.jsonl
assert_contains "$WORK/out.txt" "4 manifests, 4 runs; $total files: $total done, 0 skipped, 0 failed"
diff -r "$WORK/reference" "$WORK/out" >&2 || fail "the job array's outputs differ from one run's"
note "sbatch --array=0-3 (job $job, $t s): $(head -n 1 "$WORK/out.txt")"
note "ok"
