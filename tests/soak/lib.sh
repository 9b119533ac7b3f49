# Shared by the soak tests (tests/soak/*.sh, `make check-soak`): what a
# long-running service and its workers hold, read from /proc, sampled after
# warm-up and at the end, and the checks on the two samples.  Source it after
# tests/cli/lib.sh.

# The RSS growth allowed between the two samples, in percent of the first.
SOAK_RSS_GROWTH_PCT=${SOAK_RSS_GROWTH_PCT:-5}

# soak_rss_kb PID: its resident memory in kB.
soak_rss_kb() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$1/status"
}

# soak_fds PID: how many descriptors it has open.
soak_fds() {
	ls "/proc/$1/fd" | wc -l
}

# soak_children PID: its child processes' ids, one a line.
soak_children() {
	pgrep -P "$1" || :
}

# soak_zombies PID: how many of its children are zombies (exited, not reaped).
soak_zombies() {
	n=0
	for c in $(soak_children "$1"); do
		state=$(sed 's/.*) \(.\).*/\1/' "/proc/$c/stat" 2>/dev/null) || continue
		[ "$state" != Z ] || n=$((n + 1))
	done
	echo $n
}

# soak_sample PID FILE: "PID RSS_KB FDS" for the service and each worker,
# the service first.
soak_sample() {
	for p in "$1" $(soak_children "$1"); do
		echo "$p $(soak_rss_kb "$p") $(soak_fds "$p")"
	done >"$2"
}

# soak_pair START END: "PID RSS0 FDS0 RSS1 FDS1" for each process of END.
soak_pair() {
	awk 'NR == FNR { was[$1] = $2 " " $3; next } { print $1, was[$1], $2, $3 }' "$1" "$2"
}

# soak_check START END: prints both samples and fails unless the same
# processes are there (no worker was replaced, which would hide a leak),
# each holds as many descriptors, and their total RSS grew by at most
# SOAK_RSS_GROWTH_PCT percent.
soak_check() {
	echo "soak: process    RSS kB start -> end    fds start -> end"
	soak_pair "$1" "$2" | awk '{ printf "soak: %-10s %8d -> %-8d   %5d -> %d\n", $1, $2, $4, $3, $5 }'
	assert_eq "$(cut -d' ' -f1 "$2" | tr '\n' ' ')" "$(cut -d' ' -f1 "$1" | tr '\n' ' ')" \
		"the service's processes at the end"
	soak_pair "$1" "$2" | while read -r pid _ fd0 _ fd1; do
		assert_eq "$fd1" "$fd0" "open descriptors of $pid"
	done
	start=$(awk '{ s += $2 } END { print s }' "$1")
	end=$(awk '{ s += $2 } END { print s }' "$2")
	growth=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')
	echo "soak: total RSS $start kB -> $end kB ($growth%, at most $SOAK_RSS_GROWTH_PCT% allowed)"
	awk -v g="$growth" -v max="$SOAK_RSS_GROWTH_PCT" 'BEGIN { exit !(g <= max) }' ||
		fail "RSS grew by $growth%"
}

# soak_check_service START END: soak_check for the service alone, when its
# workers are meant to be replaced (killed) between the samples.
soak_check_service() {
	head -n 1 "$1" >"$1.service"
	head -n 1 "$2" >"$2.service"
	soak_check "$1.service" "$2.service"
}
