#!/bin/sh
# Write errors: outputs beyond RLIMIT_FSIZE fail with "File too large", a
# full tmpfs with "No space left on device"; nothing partial is left, the
# outputs that were written decode, and after --max-failures identical
# write errors in a row no more files are started.
. "$(dirname "$0")/lib.sh"
AT_EXIT='umount "$WORK/mnt" 2>/dev/null || true'

make_fixtures "$WORK/s"
mkdir "$WORK/big" "$WORK/mixed"
i=0
while [ $i -lt 40 ]; do
	cp "$WORK/s/photo.jpg" "$WORK/big/p$i.jpg"
	i=$((i + 1))
done
# Outputs of the photo are ~100 KB, those of the palette PNG ~30 KB.
i=0
while [ $i -lt 10 ]; do
	cp "$WORK/s/photo.jpg" "$WORK/mixed/p$i-big.jpg"
	cp "$WORK/s/palette.png" "$WORK/mixed/p$i-small.png"
	i=$((i + 1))
done

# outputs_complete DIR: every file under DIR decodes, no temp file is left.
outputs_complete() {
	find "$1" -type f ! -name '.imgbatch-run-*' | while read -r f; do
		"$DECODE" info "$f" >/dev/null || fail "partial output $f"
	done
	no_temp_files "$1"
}

# Every write fails: the batch stops after --max-failures of them.
set +e
prlimit --fsize=60000 "$IMGBATCH" -o "$WORK/o1" -j1 --chunk 1 --max-failures 5 --json \
	"$WORK/big" >"$WORK/out.txt" 2>"$WORK/err.txt"
code=$?
set -e
assert_eq "$code" 1 "exit code when writes fail"
assert_eq "$(json_summary failed)" 5 "files tried before stopping"
assert_eq "$(json_summary not_started)" 35 "files not started"
assert_eq "$(json_summary skipped)" 0 "not started is not skipped"
assert_eq "$(grep -c '"reason":"writing p[0-9]*.jpg: File too large"' "$WORK/out.txt")" 5 \
	"failures name the errno"
assert_eq "$(grep -c '"status":"not_started".*"reason":"outputs kept failing to be written (--max-failures)"' "$WORK/out.txt")" \
	35 "files not started say why"
assert_contains "$WORK/err.txt" "5 outputs in a row failed to be written (File too large)"
assert_eq "$(find "$WORK/o1" -type f | wc -l | tr -d ' ')" 0 "nothing partial is left"

# Failures that alternate with successes never stop the batch (one worker,
# inputs listed big, small, big, ...).
i=0
while [ $i -lt 10 ]; do
	printf '%s\n' "$WORK/mixed/p$i-big.jpg" "$WORK/mixed/p$i-small.png"
	i=$((i + 1))
done >"$WORK/mixed.list"
set +e
prlimit --fsize=60000 "$IMGBATCH" -o "$WORK/o2" -j1 --chunk 2 --max-failures 2 --json \
	--files-from "$WORK/mixed.list" >"$WORK/out.txt" 2>"$WORK/err.txt"
code=$?
set -e
assert_eq "$code" 1 "exit code with some writes failing"
assert_eq "$(json_summary done)" 10 "the small outputs"
assert_eq "$(json_summary failed)" 10 "the large outputs"
assert_eq "$(grep '"status":"done"' "$WORK/out.txt" | grep -c 'small.png')" 10 "done are the small ones"
outputs_complete "$WORK/o2"
[ -z "$(find "$WORK/o2" -name '*big*')" ] || fail "a large output exists"

# --max-failures 0 never stops.
set +e
prlimit --fsize=60000 "$IMGBATCH" -o "$WORK/o3" -j2 --max-failures 0 --json \
	"$WORK/big" >"$WORK/out.txt" 2>"$WORK/err.txt"
set -e
assert_eq "$(json_summary failed)" 40 "--max-failures 0 tries every file"

# A real full disk, where this machine lets us mount a small tmpfs.
mkdir "$WORK/mnt"
if ! mount -t tmpfs -o size=400k tmpfs "$WORK/mnt" 2>/dev/null; then
	note "SKIP full tmpfs: cannot mount one here (not root, or no CAP_SYS_ADMIN)"
	note "ok"
	exit 0
fi
set +e
"$IMGBATCH" -o "$WORK/mnt/out" -j2 --json "$WORK/big" >"$WORK/out.txt" 2>"$WORK/err.txt"
code=$?
set -e
assert_eq "$code" 1 "exit code on a full disk"
done_count=$(json_summary done)
failed=$(json_summary failed)
[ "$done_count" -ge 1 ] && [ "$done_count" -le 4 ] || fail "$done_count outputs fit in 400 KB"
# chunks already handed out finish (and fail) after the tenth failure
[ "$failed" -ge 10 ] && [ "$(json_summary not_started)" -ge 1 ] ||
	fail "$failed failures, $(json_summary not_started) not started: did it stop?"
assert_eq "$((done_count + failed + $(json_summary not_started)))" 40 "every input accounted"
grep '"status":"failed"' "$WORK/out.txt" | grep -qv 'No space left on device' &&
	fail "a failure without ENOSPC: $(grep '"status":"failed"' "$WORK/out.txt" | grep -v 'No space' | head -1)"
assert_contains "$WORK/err.txt" "(No space left on device); starting no more files (--max-failures 10)"
outputs_complete "$WORK/mnt/out"
assert_eq "$(find "$WORK/mnt/out" -type f | wc -l | tr -d ' ')" "$done_count" "outputs on the full disk"
note "ok ($done_count outputs fit, $failed failed, the rest not started)"
