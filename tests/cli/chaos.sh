#!/bin/sh
# Chaos: a batch of CHAOS_FILES (default 2000) files while random workers are
# killed with SIGKILL and SIGSEGV every 100-300 ms.  Every input ends exactly
# once in the account; each lost file fails with the signal that killed its
# worker; every output that exists decodes; a rerun with --update does the
# rest, and the final tree is byte-identical to a clean run's.
. "$(dirname "$0")/lib.sh"
n=${CHAOS_FILES:-2000}

make_fixtures "$WORK/s"
mkdir "$WORK/in"
i=0
for f in photo.jpg photo-progressive.jpg rgba-soft.png text-edges.png palette.png gray16.png; do
	cp "$WORK/s/$f" "$WORK/base$i.${f##*.}"
	i=$((i + 1))
done
i=0
while [ $i -lt "$n" ]; do
	d=$WORK/in/d$((i % 10))
	[ -d "$d" ] || mkdir "$d"
	b=$((i % 6))
	for src in "$WORK"/base$b.*; do
		cp "$src" "$d/f$i.${src##*.}"
	done
	i=$((i + 1))
done
opts="-r 320x320 -q 80 --compression 1"

"$IMGBATCH" -o "$WORK/out" $opts -j2 --json "$WORK/in" >"$WORK/out.txt" 2>"$WORK/err.txt" &
ib=$!
kills=0
sig=KILL
while kill -0 "$ib" 2>/dev/null; do
	sleep "0.$(( $(od -An -N1 -tu1 /dev/urandom) % 3 + 1 ))"
	victim=$(pgrep -P "$ib" | sed -n "$(( $(od -An -N1 -tu1 /dev/urandom) % 2 + 1 ))p")
	# Once the summary is out the batch is over, and a child may be
	# LeakSanitizer's tracer as the master exits (under ASan): killing it
	# aborts the master.  Looked for after pgrep, so that a summary not yet
	# out means the victim was a worker.
	! grep -q '"type":"summary"' "$WORK/out.txt" || break
	[ -n "$victim" ] || continue
	kill -s "$sig" "$victim" 2>/dev/null && kills=$((kills + 1))
	if [ "$sig" = KILL ]; then sig=SEGV; else sig=KILL; fi
done
set +e
wait "$ib"
code=$?
set -e

total=$(json_summary total)
done_count=$(json_summary done)
failed=$(json_summary failed)
assert_eq "$total" "$n" "inputs in the account"
assert_eq "$(grep -c '"type":"file"' "$WORK/out.txt" | tr -d ' ')" "$n" "one line per input"
assert_eq "$(grep '"type":"file"' "$WORK/out.txt" | sed 's/.*"input":"\([^"]*\)".*/\1/' | sort -u |
	wc -l | tr -d ' ')" "$n" "each input exactly once"
assert_eq "$(json_summary skipped)" 0 "nothing skipped"
assert_eq "$((done_count + failed))" "$n" "done + failed"
[ "$failed" -ge 1 ] || fail "$kills kills but no file lost: the test did not bite"
[ "$failed" -le "$kills" ] || fail "$failed files lost to $kills kills"
assert_eq "$code" 1 "exit code with lost files"
# Under AddressSanitizer a SIGSEGV is reported, then the worker aborts
# (ASAN_OPTIONS=abort_on_error=1) or exits 1.
segv='"reason":"worker killed by signal 11 (SIGSEGV)"'
[ "${IMGBATCH_SANITIZERS:-no}" != yes ] ||
	segv='"reason":"worker \(killed by signal 6 (SIGABRT)\|exited unexpectedly with status 1\)"'
bad=$(grep '"status":"failed"' "$WORK/out.txt" | grep -v \
	-e '"reason":"worker killed by signal 9 (SIGKILL)"' -e "$segv" | head -n 3)
[ -z "$bad" ] || fail "failures not explained by a kill: $bad"
no_temp_files "$WORK/out"
find "$WORK/out" -type f ! -name '.imgbatch-*' >"$WORK/outputs"
# A worker killed after renaming its output into place but before reporting
# it leaves a complete output for a file accounted as failed.
extra=$(( $(wc -l <"$WORK/outputs") - done_count ))
[ "$extra" -ge 0 ] && [ "$extra" -le "$failed" ] ||
	fail "$(wc -l <"$WORK/outputs") outputs for $done_count files done and $failed lost"
while read -r f; do
	"$DECODE" info "$f" >/dev/null || fail "output $f does not decode"
done <"$WORK/outputs"

run_imgbatch 0 -o "$WORK/out" $opts -j2 --update --json "$WORK/in"
assert_eq "$(json_summary done)" "$((failed - extra))" "the rerun did the lost files"
assert_eq "$(json_summary skipped)" "$((done_count + extra))" "and skipped the rest"
run_imgbatch 0 -o "$WORK/clean" $opts -j1 --json "$WORK/in"
diff -r "$WORK/out" "$WORK/clean" >/dev/null || fail "the repaired tree differs from a clean run's"
note "ok ($n files, $kills kills, $failed files lost; $extra of them had their output committed just before the kill; the rest redone)"
