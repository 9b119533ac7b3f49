#!/bin/sh
# Soak: imgbatch compare --serve -j2 answers SOAK_REQUESTS requests (default
# 100,000) through a FIFO, mixing identical, differing (some writing a diff
# image), missing and corrupt pairs.  After a warm-up (a tenth, at least 2,000), and again when
# every request is answered, the service's and its workers' RSS and open
# descriptors are sampled from /proc: the same workers must still be there,
# holding as many descriptors, their total RSS grown by at most 5%.  Every
# request is answered exactly once with its status, no child is left a
# zombie, and the end of input ends the service with exit 0.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/lib.sh"

N=${SOAK_REQUESTS:-100000}
# A tenth, but at least 2,000 when there are 4,000 or more: the buffers
# settle within the first thousand requests, and a short run's tenth would
# count their growth as a leak.
WARM=$((N / 10))
[ $WARM -ge 2000 ] || [ $N -lt 4000 ] || WARM=2000
# seconds to wait for the answers: generous, the machine is shared
LIMIT=${SOAK_TIMEOUT:-$((N / 50 + 60))}

# Small fixtures: a photo-like image, a copy with a red block, corrupt files.
G=$WORK/golden A=$WORK/actual
mkdir -p "$G" "$A" "$WORK/diffs"
convert -size 96x64 gradient:navy-orange -fill white -draw 'circle 40,30 50,40' "$G/a.png"
cp "$G/a.png" "$A/same.png"
convert "$G/a.png" -fill red -draw 'rectangle 10,10 19,19' "$A/changed.png"
convert "$G/a.png" -quality 90 "$G/a.jpg"
head -c 300 "$G/a.png" >"$A/truncated.png"
head -c 4000 /dev/urandom >"$A/noise.jpg"

# Request I's line, and its wanted status in $WORK/expect.
awk -v n="$N" -v g="$G" -v a="$A" -v d="$WORK/diffs" 'BEGIN {
	for (i = 1; i <= n; i++) {
		k = i % 10
		if (k <= 3)      { act = a "/same.png"; st = "pass" }
		else if (k <= 7) { act = a "/changed.png"; st = "fail" }
		else if (k == 8) { act = a "/missing.png"; st = "error" }
		else             { act = a (i % 20 == 9 ? "/truncated.png" : "/noise.jpg"); st = "error" }
		extra = k == 7 ? ",\"diff\":\"" d "/" int(i / 10) % 16 ".png\"" : ""
		printf "{\"id\":%d,\"expected\":\"%s/a.png\",\"actual\":\"%s\"%s}\n", i, g, act, extra
		print i, st > "/dev/stderr"
	}
}' >"$WORK/requests" 2>"$WORK/expect"

wait_answers() {
	waited=0
	while [ "$(wc -l <"$WORK/answers")" -lt "$1" ]; do
		kill -0 "$server" 2>/dev/null || fail "the service died (answers: $(wc -l <"$WORK/answers"))"
		waited=$((waited + 1))
		[ $waited -lt $((LIMIT * 5)) ] || fail "$1 answers not there after $LIMIT s"
		sleep 0.2
	done
}

mkfifo "$WORK/in"
"$IMGBATCH" compare --serve -j2 <"$WORK/in" >"$WORK/answers" 2>"$WORK/err.txt" &
server=$!
AT_EXIT="kill $server 2>/dev/null || :"
exec 3>"$WORK/in"
began=$(date +%s)

head -n "$WARM" "$WORK/requests" >&3
wait_answers "$WARM"
soak_sample "$server" "$WORK/start"
assert_eq "$(wc -l <"$WORK/start")" 3 "the service and its two workers"
tail -n +"$((WARM + 1))" "$WORK/requests" >&3
wait_answers "$N"
soak_sample "$server" "$WORK/end"
assert_eq "$(soak_zombies "$server")" 0 "zombie workers"
workers=$(soak_children "$server")

exec 3>&-
status=0
wait "$server" || status=$?
AT_EXIT=:
seconds=$(($(date +%s) - began))
assert_eq "$status" 0 "exit status at the end of input"
[ ! -s "$WORK/err.txt" ] || { head "$WORK/err.txt" >&2; fail "stderr not quiet"; }
for w in $workers; do
	[ ! -e "/proc/$w" ] || fail "worker $w outlived the service"
done

# Every request answered exactly once, with the status its pair must get.
sed -n 's/^{"id":\([0-9]*\),"type":"pair","status":"\([a-z_]*\)".*/\1 \2/p' "$WORK/answers" |
	sort -n >"$WORK/got"
assert_eq "$(wc -l <"$WORK/answers")" "$N" "answer lines"
cmp -s "$WORK/got" "$WORK/expect" ||
	{ diff "$WORK/expect" "$WORK/got" | head >&2; fail "ids or statuses differ from the requests'"; }
assert_eq "$(ls "$WORK/diffs" | wc -l)" 16 "diff images"

echo "soak: compare --serve -j2: $N requests answered in $seconds s" \
	"($(cut -d' ' -f2 "$WORK/got" | sort | uniq -c | awk '{ printf "%s%d %s", s, $1, $2; s = ", " }'))"
soak_check "$WORK/start" "$WORK/end"
