#!/bin/sh
# Ctrl-C (SIGINT) mid-run: exit 130, a summary, no temp files, every output
# that exists decodes; a rerun with --update then finishes only the rest.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/s"
mkdir "$WORK/in"
i=0
while [ $i -lt 150 ]; do
	cp "$WORK/s/photo.jpg" "$WORK/in/p$i.jpg"
	i=$((i + 1))
done
mkfifo "$WORK/json"
"$IMGBATCH" -o "$WORK/out" -r 1000x1000 -q 95 -j2 --json "$WORK/in" >"$WORK/json" 2>"$WORK/err.txt" &
ib=$!
exec 3<"$WORK/json"
read -r first <&3
kill -INT $ib
cat <&3 >"$WORK/out.txt"
set +e
wait $ib
code=$?
set -e
assert_eq "$code" 130 "exit code after SIGINT"
grep -q '"interrupted":true' "$WORK/out.txt" || fail "summary does not say interrupted"
assert_contains "$WORK/err.txt" "interrupted"
no_temp_files "$WORK/out"
done_count=$(json_summary done)
[ "$done_count" -lt 150 ] || fail "the interrupt came too late to test anything"
# Files never begun are "not started", not skipped, and not in the rate.
not_started=$(json_summary not_started)
[ "$not_started" -gt 0 ] || fail "no file counted as not started"
assert_eq "$(json_summary skipped)" 0 "interrupted files are not skipped"
assert_eq "$(grep -c '"status":"not_started".*"reason":"interrupted"' "$WORK/out.txt")" \
	"$not_started" "each file not started has its line"
assert_contains "$WORK/err.txt" " $not_started not started in "
for f in "$WORK"/out/*; do
	"$DECODE" info "$f" >/dev/null || fail "partial output $f"
done
# Workers are gone with the master.
sleep 0.2
pgrep -f "imgbatch -o $WORK/out" >/dev/null && fail "workers outlived the master"

run_imgbatch 0 -o "$WORK/out" -r 1000x1000 -q 95 --update --json "$WORK/in"
outputs=$(ls "$WORK/out" | wc -l)
assert_eq "$outputs" 150 "outputs after the rerun"
assert_eq "$(json_summary done)" $((150 - $(json_summary skipped))) "rerun did only the rest"
note "ok (first run finished $done_count files)"
