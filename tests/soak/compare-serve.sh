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
. "$(dirname "$0")/compare-lib.sh"
soak_warm_up
assert_eq "$(wc -l <"$WORK/start")" 3 "the service and its two workers"
tail -n +"$((WARM + 1))" "$WORK/requests" >&3
soak_wait_answers "$N"
soak_sample "$server" "$WORK/end"
assert_eq "$(soak_zombies "$server")" 0 "zombie workers"
soak_end_of_input
seconds=$(($(date +%s) - began))

# Every request answered exactly once, with the status its pair must get.
soak_answered
cmp -s "$WORK/got" "$WORK/expect" ||
	{ diff "$WORK/expect" "$WORK/got" | head >&2; fail "ids or statuses differ from the requests'"; }
assert_eq "$(ls "$WORK/diffs" | wc -l)" 16 "diff images"

echo "soak: compare --serve -j2: $N requests answered in $seconds s ($(soak_tally))"
soak_check "$WORK/start" "$WORK/end"
