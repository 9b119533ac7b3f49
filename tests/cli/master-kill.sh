#!/bin/sh
# The master killed with SIGKILL: its workers follow within a second, no
# partial file sits at a destination, and the temp files a dead run leaves
# (here: master and workers killed at once) are recognised by the next run
# into the same tree and removed, while a live run's are left alone.
. "$(dirname "$0")/lib.sh"
holder=
AT_EXIT='[ -z "$holder" ] || kill "$holder" 2>/dev/null || true'

make_fixtures "$WORK/s"
mkdir "$WORK/in"
i=0
while [ $i -lt 200 ]; do
	cp "$WORK/s/photo.jpg" "$WORK/in/p$i.jpg"
	i=$((i + 1))
done

# alive PID: running (a zombie has died; an init that does not reap may
# keep it listed)
alive() {
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

# start_run OUT: imgbatch in its own process group, its first result read.
start_run() {
	rm -f "$WORK/json"
	mkfifo "$WORK/json"
	setsid "$IMGBATCH" -o "$1" -r 1000x1000 -q 95 -j2 --chunk 4 --json "$WORK/in" \
		>"$WORK/json" 2>"$WORK/err.txt" &
	ib=$!
	exec 3<"$WORK/json"
	read -r first <&3
	workers=$(pgrep -P "$ib" | tr '\n' ' ')
	[ -n "$workers" ] || fail "no workers found"
}

finish_run() {
	cat <&3 >/dev/null || true
	exec 3<&-
	wait "$ib" 2>/dev/null || true
}

# 1. Only the master is killed.
start_run "$WORK/out"
kill -KILL "$ib"
t=0
for w in $workers; do
	while alive "$w" && [ $t -lt 10 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	alive "$w" && fail "worker $w outlived the master by more than a second"
done
finish_run
no_temp_files "$WORK/out"
for f in "$WORK"/out/*; do
	"$DECODE" info "$f" >/dev/null || fail "partial output $f"
done
marks=$(ls -A "$WORK/out" | grep -c '^\.imgbatch-run-' || true)
assert_eq "$marks" 1 "the dead run's mark"

# 2. Master and workers killed at once: their temp files stay behind.
# A dead run's leftovers are planted too, so that the sweep is tested even
# when the kill found no write in progress.
start_run "$WORK/out2"
sleep 0.3
kill -KILL "-$ib"
finish_run
dead_id=$(ls -A "$WORK/out2" | sed -n 's/^\.imgbatch-run-//p')
[ -n "$dead_id" ] || fail "no run mark left by the killed run"
mkdir -p "$WORK/out2/sub"
: >"$WORK/out2/.imgbatch-tmp-$dead_id-99999-0"
: >"$WORK/out2/sub/.imgbatch-tmp-$dead_id-99998-7"
# A live run elsewhere (a shard on another host) writing into the same tree.
: >"$WORK/out2/.imgbatch-run-otherhost-42"
: >"$WORK/out2/.imgbatch-tmp-otherhost-42-7-0"
flock "$WORK/out2/.imgbatch-run-otherhost-42" sleep 3600 &
holder=$!
sleep 0.2
left=$(find "$WORK/out2" -name ".imgbatch-tmp-$dead_id-*" | wc -l | tr -d ' ')

run_imgbatch 0 -o "$WORK/out2" -r 1000x1000 -q 95 -j2 --update --json "$WORK/in"
[ "$left" = 1 ] && word=file || word=files
assert_contains "$WORK/err.txt" "removed $left temp $word left in $WORK/out2 by a run that died"
[ -z "$(find "$WORK/out2" -name ".imgbatch-tmp-$dead_id-*")" ] || fail "the dead run's temp files remain"
[ ! -e "$WORK/out2/.imgbatch-run-$dead_id" ] || fail "the dead run's mark remains"
[ -e "$WORK/out2/.imgbatch-tmp-otherhost-42-7-0" ] || fail "a live run's temp file was removed"
[ -e "$WORK/out2/.imgbatch-run-otherhost-42" ] || fail "a live run's mark was removed"
assert_eq "$(ls "$WORK/out2" | grep -c '\.jpg$')" 200 "outputs after the rerun"
assert_eq "$(ls -A "$WORK/out2" | grep -c '^\.imgbatch-run-')" 1 "marks after the rerun (the live one)"
kill "$holder"
holder=
note "ok (removed $left temp files of the dead run)"
