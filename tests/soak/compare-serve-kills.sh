#!/bin/sh
# Soak with workers killed: imgbatch compare --serve -j2 answers
# SOAK_REQUESTS requests (default 100,000; the mix of compare-serve.sh)
# while, after the warm-up, one of its workers is SIGKILLed every 10 ms or so
# (and after each tenth of the requests is written).
# Every request is answered exactly once: with its own status, or with
# "worker killed by signal 9" (at most one such answer a kill), never
# twice and never lost; the service replaces its workers (two alive at
# the end, no zombies), keeps as many descriptors and grows its RSS by at
# most 5%, and the end of input ends it with exit 0 and a quiet stderr.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compare-lib.sh"
soak_warm_up

# The killer: a worker every 10 ms (and the time pgrep takes) until $WORK/killing goes; counts in
# $WORK/kills the signals sent (to a worker that may already be dying, so
# an upper bound of the kills).
touch "$WORK/killing"
(
	kills=0
	while [ -e "$WORK/killing" ]; do
		sleep 0.01
		w=$(soak_children "$server" | shuf -n 1)
		[ -n "$w" ] && kill -KILL "$w" 2>/dev/null && kills=$((kills + 1))
	done
	echo "$kills" >"$WORK/kills"
) &
killer=$!
# The rest in ten slices, a worker killed after each is written (the FIFO
# holds a few hundred requests, so the service is busy then): ten kills
# however fast the machine, on top of the killer's.
slice=$(((N - WARM + 9) / 10))
first=$((WARM + 1)) own_kills=0
while [ $first -le "$N" ]; do
	sed -n "${first},$((first + slice - 1))p" "$WORK/requests" >&3
	first=$((first + slice))
	w=$(soak_children "$server" | head -n 1)
	[ -n "$w" ] && kill -KILL "$w" 2>/dev/null && own_kills=$((own_kills + 1))
done
soak_wait_answers "$N"
rm "$WORK/killing"
wait "$killer"
kills=$(($(cat "$WORK/kills") + own_kills))

# The last kill's worker replaced: two workers again, none a zombie.
n=0
until [ "$(soak_children "$server" | wc -l)" = 2 ] && [ "$(soak_zombies "$server")" = 0 ]; do
	n=$((n + 1))
	[ $n -lt 50 ] || fail "not two live workers 5 s after the last kill"
	sleep 0.1
done
soak_sample "$server" "$WORK/end"
soak_end_of_input
seconds=$(($(date +%s) - began))

# Each answer: the request's own status, or an error for the kill.
soak_answered
grep -F 'worker killed by signal 9' "$WORK/answers" |
	sed -n 's/^{"id":\([0-9]*\),"type":"pair","status":"error".*/\1/p' | sort -n >"$WORK/killed"
killed=$(wc -l <"$WORK/killed")
# without_killed FILE: FILE's "ID STATUS" lines but the killed requests'
without_killed() {
	awk 'NR == FNR { killed[$1] = 1; next } !($1 in killed)' "$WORK/killed" "$1"
}
without_killed "$WORK/got" >"$WORK/got-rest"
without_killed "$WORK/expect" >"$WORK/expect-rest"
cmp -s "$WORK/got-rest" "$WORK/expect-rest" ||
	{ diff "$WORK/expect-rest" "$WORK/got-rest" | head >&2; fail "answers other than the killed ones differ"; }
[ "$own_kills" -ge 5 ] || fail "only $own_kills of the slices' kills reached a worker"
[ "$killed" -ge 1 ] || fail "$kills kills, and not one request was answered as killed"
[ "$killed" -le "$kills" ] || fail "$killed requests answered as killed, but $kills kills"

echo "soak: compare --serve -j2, a worker killed every 10 ms: $N requests answered in $seconds s" \
	"($(soak_tally)); $kills kills, $killed requests answered as killed"
soak_check_service "$WORK/start" "$WORK/end"
