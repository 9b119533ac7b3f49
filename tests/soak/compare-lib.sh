# Shared by the compare --serve soaks (tests/soak/compare-serve*.sh): the
# fixtures, N requests mixing identical, differing (some writing a diff
# image), missing and corrupt pairs, the service on a FIFO, and waiting for
# its answers.  Source it after tests/cli/lib.sh and tests/soak/lib.sh.

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

# Request I's line in $WORK/requests, and "I STATUS" (its wanted status) in
# $WORK/expect.
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

# soak_wait_answers COUNT: until $WORK/answers has COUNT lines (the service
# alive), at most LIMIT seconds.
soak_wait_answers() {
	waited=0
	while [ "$(wc -l <"$WORK/answers")" -lt "$1" ]; do
		kill -0 "$server" 2>/dev/null || fail "the service died (answers: $(wc -l <"$WORK/answers"))"
		waited=$((waited + 1))
		[ $waited -lt $((LIMIT * 5)) ] || fail "$1 answers not there after $LIMIT s"
		sleep 0.2
	done
}

# The service (-j2) reading requests from fd 3, answering to $WORK/answers.
mkfifo "$WORK/in"
"$IMGBATCH" compare --serve -j2 <"$WORK/in" >"$WORK/answers" 2>"$WORK/err.txt" &
server=$!
AT_EXIT="kill $server 2>/dev/null || :"
exec 3>"$WORK/in"

# soak_warm_up: the clock started ($began), the first WARM requests sent
# and answered, the service and its workers sampled in $WORK/start.
soak_warm_up() {
	began=$(date +%s)
	head -n "$WARM" "$WORK/requests" >&3
	soak_wait_answers "$WARM"
	soak_sample "$server" "$WORK/start"
}

# soak_end_of_input: closes fd 3; the service must exit 0 with nothing on
# stderr, its workers gone with it.
soak_end_of_input() {
	workers=$(soak_children "$server")
	exec 3>&-
	status=0
	wait "$server" || status=$?
	AT_EXIT=:
	assert_eq "$status" 0 "exit status at the end of input"
	[ ! -s "$WORK/err.txt" ] || { head "$WORK/err.txt" >&2; fail "stderr not quiet"; }
	for w in $workers; do
		[ ! -e "/proc/$w" ] || fail "worker $w outlived the service"
	done
}

# soak_answered: "ID STATUS" of every answer in $WORK/got, sorted by id;
# fails unless there is one answer a request.
soak_answered() {
	sed -n 's/^{"id":\([0-9]*\),"type":"pair","status":"\([a-z_]*\)".*/\1 \2/p' "$WORK/answers" |
		sort -n >"$WORK/got"
	assert_eq "$(wc -l <"$WORK/answers")" "$N" "answer lines"
	assert_eq "$(cut -d' ' -f1 "$WORK/got" | uniq | wc -l)" "$N" "requests answered once each"
}

# soak_tally: "COUNT STATUS, ..." of $WORK/got.
soak_tally() {
	cut -d' ' -f2 "$WORK/got" | sort | uniq -c | awk '{ printf "%s%d %s", s, $1, $2; s = ", " }'
}
