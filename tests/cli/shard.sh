#!/bin/sh
# Scale-out: four shards run at once over one tree, each with its own
# manifest, give exactly the outputs of one unsharded run; imgbatch report
# merges their manifests into the exact account, names the failures, and
# refuses to call the batch covered while a shard has no finished run.
# --shard auto reads Slurm's and Kubernetes' variables.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/s"
mkdir "$WORK/in"
i=0
for f in "$WORK"/s/*; do
	mkdir -p "$WORK/in/d$((i % 3))"
	cp "$f" "$WORK/in/d$((i % 3))/"
	cp "$f" "$WORK/in/d$((i % 3))/copy-$(basename "$f")"
	i=$((i + 1))
done
total=$(find "$WORK/in" -type f | wc -l | tr -d ' ')
opts="-r 96x96 -j1"

run_imgbatch 1 -o "$WORK/all" $opts --json "$WORK/in"
all_done=$(json_summary done) all_skipped=$(json_summary skipped) all_failed=$(json_summary failed)
assert_eq "$(json_summary total)" "$total" "unsharded account"

# Four shards at once into one output tree.
pids=
for k in 0 1 2 3; do
	"$IMGBATCH" -o "$WORK/sharded" $opts --shard "$k/4" --manifest "$WORK/m$k.jsonl" --quiet \
		"$WORK/in" 2>"$WORK/err$k.txt" &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || [ $? = 1 ]; done
diff -r "$WORK/all" "$WORK/sharded" >&2 || fail "sharded outputs differ from one run's"
# every input in exactly one manifest, and each shard did some
cat "$WORK"/m?.jsonl | grep '"type":"file"' | sed 's/.*"input":"\([^"]*\)".*/\1/' | sort >"$WORK/inputs"
assert_eq "$(wc -l <"$WORK/inputs" | tr -d ' ')" "$total" "records over all shards"
assert_eq "$(sort -u "$WORK/inputs" | wc -l | tr -d ' ')" "$total" "each input once"
for k in 0 1 2 3; do
	n=$(grep -c '"type":"file"' "$WORK/m$k.jsonl")
	[ "$n" -gt 0 ] || fail "shard $k/4 had no files"
	assert_contains "$WORK/m$k.jsonl" "\"shard\":$k,\"shards\":4"
done

# The merged report: exact totals, the failures by name, exit 1 for them.
set +e
"$IMGBATCH" report --json "$WORK"/m?.jsonl >"$WORK/report.json"
code=$?
set -e
assert_eq "$code" 1 "report exit code with failed files"
for field in "\"total\":$total" "\"done\":$all_done" "\"skipped\":$all_skipped" \
	"\"failed\":$all_failed" '"covered":true' '"runs":4'; do
	assert_contains "$WORK/report.json" "$field"
done
assert_contains "$WORK/report.json" "\"input\":\"$WORK/in/d1/corrupt.png\",\"reason\":\"PNG: IDAT: invalid distance too far back\""
"$IMGBATCH" report "$WORK"/m?.jsonl >"$WORK/report.txt" || true
assert_contains "$WORK/report.txt" "$total files: $all_done done, $all_skipped skipped, $all_failed failed"

# A shard missing: not covered.
set +e
"$IMGBATCH" report "$WORK/m0.jsonl" "$WORK/m1.jsonl" "$WORK/m3.jsonl" >"$WORK/report.txt"
code=$?
set -e
assert_eq "$code" 1 "report exit code with a shard missing"
assert_contains "$WORK/report.txt" "1 shard without a finished run, so not every input is covered: 2/4"

# Without the corrupt files, and with a shard interrupted then rerun with
# --update into the same manifest: covered, nothing failed, exit 0.
rm "$WORK"/in/d*/corrupt.* "$WORK"/in/d*/copy-corrupt.*
rm -f "$WORK"/m?.jsonl
for k in 0 1 2 3; do
	"$IMGBATCH" -o "$WORK/ok" $opts --shard "$k/4" --manifest "$WORK/m$k.jsonl" --quiet "$WORK/in"
done
printf '{"type":"run","version":"0","host":"h","pid":1,"command":"convert","shard":2,"shards":4,"started":1}\n{"type":"file","status":"failed","input":"x","reas' \
	>"$WORK/m2-crashed.jsonl"   # a run that died mid-line
run_imgbatch 0 report "$WORK"/m?.jsonl "$WORK/m2-crashed.jsonl"
assert_contains "$WORK/out.txt" "1 unreadable line (cut short by a crash?) ignored"
run_imgbatch 1 report "$WORK/m2-crashed.jsonl"
assert_contains "$WORK/out.txt" "not every input is covered: 0/4, 1/4, 2/4, 3/4"
run_imgbatch 2 report "$WORK/nope.jsonl"
assert_contains "$WORK/err.txt" "cannot open $WORK/nope.jsonl"
run_imgbatch 2 report
assert_contains "$WORK/err.txt" "imgbatch report: name the manifests to merge"
run_imgbatch 2 report --frobnicate "$WORK/m0.jsonl"
assert_contains "$WORK/err.txt" "imgbatch report: unknown option --frobnicate"
run_imgbatch 2 -o "$WORK/x" --manifest "$WORK/no/such/dir/m.jsonl" "$WORK/in"
assert_contains "$WORK/err.txt" "cannot open the manifest $WORK/no/such/dir/m.jsonl: No such file or directory"
# An unsharded run that did not finish (interrupted) does not cover its inputs.
printf '%s\n' '{"type":"run","pid":1,"command":"convert","started":1}' \
	'{"type":"summary","interrupted":true,"seconds":1,"scan_complete":false}' >"$WORK/cut.jsonl"
run_imgbatch 1 report "$WORK/cut.jsonl"
assert_contains "$WORK/out.txt" "not every input is covered: the unsharded run"

# A rerun's record wins over the first run's (the last record counts).
printf '%s\n' '{"type":"run","pid":1,"command":"convert","started":10}' \
	'{"type":"file","status":"failed","input":"a.jpg","reason":"worker killed by signal 9 (SIGKILL)"}' \
	'{"type":"file","status":"done","input":"b.jpg"}' \
	'{"type":"summary","interrupted":true,"seconds":1,"scan_complete":false}' \
	'{"type":"run","pid":2,"command":"convert","started":20}' \
	'{"type":"file","status":"done","input":"a.jpg"}' \
	'{"type":"summary","interrupted":false,"seconds":2,"scan_complete":true}' >"$WORK/rerun.jsonl"
run_imgbatch 0 report "$WORK/rerun.jsonl"
assert_contains "$WORK/out.txt" "2 files: 2 done, 0 skipped, 0 failed, 0 not started; 12.00 s from the first start"

# --shard auto: Slurm array variables, Kubernetes' completion index.
SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=4 \
	"$IMGBATCH" -o "$WORK/auto" $opts --shard auto --manifest "$WORK/slurm.jsonl" --quiet "$WORK/in"
assert_contains "$WORK/slurm.jsonl" '"shard":3,"shards":4'
assert_eq "$(grep -c '"type":"file"' "$WORK/slurm.jsonl")" "$(grep -c '"type":"file"' "$WORK/m3.jsonl")" \
	"Slurm task 3 does shard 3/4"
JOB_COMPLETION_INDEX=1 "$IMGBATCH" -o "$WORK/auto" $opts --shard auto --shard-count 4 \
	--manifest "$WORK/k8s.jsonl" --quiet "$WORK/in"
assert_contains "$WORK/k8s.jsonl" '"shard":1,"shards":4'
run_imgbatch 2 -o "$WORK/auto" --shard auto "$WORK/in"
assert_contains "$WORK/err.txt" "not in a Slurm job array"
run_imgbatch 2 -o "$WORK/auto" --shard 4/4 "$WORK/in"
assert_contains "$WORK/err.txt" "invalid --shard '4/4': --shard: shard 4 is not in 0..3"
note "ok ($total files over 4 shards)"
