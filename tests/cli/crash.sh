#!/bin/sh
# A worker killed mid-run costs exactly the one file it was on: that file
# fails with the signal's name, every other input is done, the account is
# exact and the outputs that exist decode.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/s"
mkdir "$WORK/in"
i=0
while [ $i -lt 120 ]; do
	cp "$WORK/s/photo.jpg" "$WORK/in/p$i.jpg"
	i=$((i + 1))
done
mkfifo "$WORK/json"
"$IMGBATCH" -o "$WORK/out" -r 900x900 -j2 --chunk 4 --json "$WORK/in" >"$WORK/json" 2>"$WORK/err.txt" &
ib=$!
exec 3<"$WORK/json"
read -r first <&3
pid=$(echo "$first" | sed -n 's/.*"worker":\([0-9]*\).*/\1/p')
[ -n "$pid" ] || fail "no worker pid in: $first"
kill -KILL "$pid"
cat <&3 >"$WORK/out.txt"
set +e
wait $ib
code=$?
set -e
assert_eq "$code" 1 "exit code after a worker was killed"
assert_eq "$(json_summary total)" 120 "every input in the account"
assert_eq "$(json_summary failed)" 1 "exactly one file lost"
assert_eq "$(json_summary done)" 119 "all the others done"
grep '"status":"failed"' "$WORK/out.txt" | grep -q 'worker killed by signal 9 (SIGKILL)' ||
	fail "the failure does not name SIGKILL"
assert_eq "$(grep -c '"type":"file"' "$WORK/out.txt" | tr -d ' ')" 119 "lines after the first"
for f in "$WORK"/out/*; do
	"$DECODE" info "$f" >/dev/null || fail "$f does not decode"
done
assert_eq "$(ls "$WORK/out" | wc -l)" 119 "outputs"
no_temp_files "$WORK/out"
note "ok"
