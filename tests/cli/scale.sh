#!/bin/sh
# Scale: SCALE_FILES (default 10000; make check-scale: 100000) small PNGs in
# one run.  Every file is accounted and written; the master's peak RSS
# stays flat (within 8 MB of a 1,000-file run's) and its open descriptors
# stay a small constant.
. "$(dirname "$0")/lib.sh"
HOSTILE=$top_builddir/tests/make-hostile
n=${SCALE_FILES:-10000}

make_fixtures "$WORK/s"
"$IMGBATCH" -o "$WORK/small" -r 64x64 --format png --quiet "$WORK/s/photo.jpg"
mkdir "$WORK/in" "$WORK/base"
"$HOSTILE" copies "$n" "$WORK/small/photo.png" "$WORK/in"
"$HOSTILE" copies 1000 "$WORK/small/photo.png" "$WORK/base"

# measure IN OUT: runs imgbatch, sampling the master every 0.1 s; sets
# peak_kb (VmHWM) and max_fds.
measure() {
	"$IMGBATCH" -o "$2" -r 32x32 -j2 --json "$1" >"$WORK/out.txt" 2>"$WORK/err.txt" &
	pid=$!
	peak_kb=0
	max_fds=0
	while [ -r "/proc/$pid/status" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do
		hwm=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)
		fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l | tr -d ' ')
		[ -z "$hwm" ] || [ "$hwm" -le "$peak_kb" ] || peak_kb=$hwm
		[ "$fds" -le "$max_fds" ] || max_fds=$fds
		sleep 0.1
	done
	wait "$pid" || fail "imgbatch exited $? on $1"
}

measure "$WORK/base" "$WORK/out-base"
base_kb=$peak_kb base_fds=$max_fds
start=$(date +%s)
measure "$WORK/in" "$WORK/out"
seconds=$(( $(date +%s) - start ))
assert_eq "$(json_summary total)" "$n" "inputs accounted"
assert_eq "$(json_summary done)" "$n" "inputs done"
assert_eq "$(grep -c '"status":"done"' "$WORK/out.txt" | tr -d ' ')" "$n" "result lines"
assert_eq "$(find "$WORK/out" -type f -name '*.png' | wc -l | tr -d ' ')" "$n" "outputs"
# A constant: standard streams, -o and its run mark, both ends of the
# result and signal pipes, a task pipe per worker and the scan's open
# directories (two levels here): 15 seen with -j2, whatever the file count.
[ "$max_fds" -le 16 ] || fail "$max_fds open descriptors for $n files ($base_fds for 1,000)"
if [ "${IMGBATCH_SANITIZERS:-no}" = yes ] || [ -n "${IMGBATCH_VALGRIND:-}" ]; then
	note "SKIP the RSS bound: the sanitizer's allocator keeps freed memory in quarantine"
else
	[ $((peak_kb - base_kb)) -le 8192 ] ||
		fail "master RSS grew from $base_kb KB (1,000 files) to $peak_kb KB ($n files)"
fi
note "ok ($n files in $seconds s; master peak RSS $peak_kb KB, $base_kb KB for 1,000; at most $max_fds open descriptors, $base_fds for 1,000)"
