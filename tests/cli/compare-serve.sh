#!/bin/sh
# imgbatch compare --serve: 200 requests through a pipe (passes, failures,
# malformed and impossible requests, a 2 MB line), each answered exactly once
# with the right status and the counts a batch compare gives; a worker killed
# mid-request fails only that request; SIGTERM drains, SIGINT interrupts;
# the end of input; usage
# errors; and README's Node example driving the service (skipped without
# node), which prints the round trip of one request.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/gen"
G=$WORK/golden A=$WORK/actual
mkdir -p "$G" "$A" "$WORK/diffs" "$WORK/adir"
# pairs p0-p3 identical, p4-p7 with a 10x10 red block in the actual image
k=0
for f in zoneplate.png text-edges.png gray16.png rgba-soft.png; do
	cp "$WORK/gen/$f" "$G/p$k.png"
	cp "$WORK/gen/$f" "$A/p$k.png"
	cp "$WORK/gen/$f" "$G/p$((k + 4)).png"
	convert "$WORK/gen/$f" -fill red -draw 'rectangle 20,30 29,39' "$A/p$((k + 4)).png"
	k=$((k + 1))
done
mkfifo "$WORK/fifo"

# The batch's counts, the reference for the service's.
run_imgbatch 1 compare "$G" "$A" --json
sed -n 's/.*"name":"\(p[0-9]\).png".*"diff_pixels":\([0-9]*\).*/\1 \2/p' "$WORK/out.txt" |
	sort >"$WORK/batch-counts"
assert_eq "$(wc -l <"$WORK/batch-counts")" 8 "batch counts"

# Requests 1-199, and what each must get: "ID STATUS PAIR" (PAIR - for none).
: >"$WORK/requests"
: >"$WORK/expect"
i=1
while [ $i -le 199 ]; do
	p=p$((i % 8))
	case $((i % 10)) in
	[0-4])
		if [ $((i % 8)) -lt 4 ]; then st=pass; else st=fail; fi
		diff=
		[ $st = fail ] && [ $i -lt 50 ] && diff=",\"diff\":\"$WORK/diffs/$i.png\""
		echo "{\"id\":$i,\"expected\":\"$G/$p.png\",\"actual\":\"$A/$p.png\"$diff}"
		echo "$i $st $p" >&3 ;;
	5)	echo "{\"id\":$i,\"expected\":\"$G/$p.png\",\"actual\":\"$A/gone.png\"}"
		echo "$i error -" >&3 ;;
	6)	echo "{\"id\":$i,\"expected\":\"$G/$p.png\",\"actual\":"
		echo "$i error -" >&3 ;;
	7)	echo "{\"id\":$i,\"expected\":\"$G/$p.png\",\"actual\":\"$WORK/adir\"}"
		echo "$i error -" >&3 ;;
	8)	echo "{\"id\":$i,\"expected\":\"$WORK/fifo\",\"actual\":\"$A/$p.png\"}"
		echo "$i error -" >&3 ;;
	9)	if [ $((i % 20)) = 9 ]; then
			echo "{\"id\":$i,\"expected\":\"$G/$p.png\",\"actual\":\"/dev/null\"}"
		else
			echo "{\"id\":$i,\"expected\":\"$G/$p.png\",\"actual\":\"$A/$p.png\",\"colour\":1}"
		fi
		echo "$i error -" >&3 ;;
	esac
	if [ $i = 100 ]; then   # a 2 MB line: answered with id null
		printf '{"id":9999,"expected":"'
		head -c 2097152 /dev/zero | tr '\0' x
		printf '","actual":"x"}\n'
	fi
	i=$((i + 1))
done >>"$WORK/requests" 3>>"$WORK/expect"

# Through a pipe, spread over two workers.
cat "$WORK/requests" | "$IMGBATCH" compare --serve -j2 >"$WORK/answers" 2>"$WORK/err.txt" ||
	fail "compare --serve exited $?"
[ ! -s "$WORK/err.txt" ] || { cat "$WORK/err.txt" >&2; fail "stderr not quiet"; }
assert_eq "$(wc -l <"$WORK/answers")" 200 "answer lines"
grep -v '^{"id":[0-9a-z]*,"type":"pair","status":"[a-z]*",.*}$' "$WORK/answers" | head -n 3 >"$WORK/odd"
[ ! -s "$WORK/odd" ] || { cat "$WORK/odd" >&2; fail "an answer is not a pair line with its id"; }
assert_eq "$(grep -c '^{"id":null,.*"status":"error".*over 1 MiB' "$WORK/answers")" 1 \
	"the 2 MB line's answer"

# Every id once, with its status; the pairs' counts are the batch's.
sed -n 's/^{"id":\([0-9]*\),"type":"pair","status":"\([a-z]*\)".*/\1 \2/p' "$WORK/answers" |
	sort -n >"$WORK/got"
cut -d' ' -f1,2 "$WORK/expect" | sort -n >"$WORK/want"
cmp -s "$WORK/got" "$WORK/want" || { diff "$WORK/want" "$WORK/got" | head >&2; fail "statuses"; }
sed -n 's/.*"expected":"[^"]*\/\(p[0-9]\).png".*"diff_pixels":\([0-9]*\).*/\1 \2/p' \
	"$WORK/answers" | sort -u >"$WORK/serve-counts"
cmp -s "$WORK/serve-counts" "$WORK/batch-counts" ||
	{ diff "$WORK/batch-counts" "$WORK/serve-counts" >&2; fail "counts differ from the batch's"; }

# The reasons say what was wrong.
for want in '"id":5,.*gone.png: No such file' '"id":6,.*not a flat JSON object' \
	'"id":7,.*adir is a directory' '"id":8,.*fifo is a FIFO' \
	'"id":9,.*/dev/null is a character device' '"id":19,.*unknown member \\"colour\\"'; do
	grep -q "$want" "$WORK/answers" || fail "no answer matching $want"
done
# Diff images where asked for, named as asked.
grep -q "\"id\":4,.*\"diff\":\"$WORK/diffs/4.png\"" "$WORK/answers" || fail "diff not in the answer"
assert_eq "$(ls "$WORK/diffs" | wc -l)" "$(grep -c '"diff":' "$WORK/answers")" "diff images"
assert_eq "$("$DECODE" pixel "$WORK/diffs/4.png" 25 35)" "255 0 0 255" "diff image's colour"

# A string id comes back as written; a repeated member is refused; the end
# of input in the middle of a request is an error answer, and exit 0.
printf '{"id":"a\\"b","expected":"%s","actual":"%s"}\n{"id":3,"id":4}\n{"id":null,"expected":"%s","actual":"%s"}\n{"id":2,"expected":"%s"' \
	"$G/p0.png" "$A/p0.png" "$G/p0.png" "$A/p0.png" "$G/p0.png" |
	"$IMGBATCH" compare --serve >"$WORK/answers" ||
	fail "compare --serve exited $? at an unfinished line"
assert_contains "$WORK/answers" '{"id":"a\"b","type":"pair","status":"pass"'
assert_contains "$WORK/answers" '{"id":3,"type":"pair","status":"error","allowed":false,"name":"","reason":"\"id\" is given twice"'
assert_contains "$WORK/answers" '{"id":2,"type":"pair","status":"error"'
assert_contains "$WORK/answers" 'the input ended in the middle of a request'
assert_contains "$WORK/answers" '{"id":null,"type":"pair","status":"pass"'

# A request's own min_ssim under --metric ssim; refused without it.
printf '{"id":1,"expected":"%s","actual":"%s","min_ssim":0.5}\n{"id":2,"expected":"%s","actual":"%s","min_ssim":1}\n' \
	"$G/p4.png" "$A/p4.png" "$G/p4.png" "$A/p4.png" >"$WORK/ssim-requests"
"$IMGBATCH" compare --serve --metric ssim <"$WORK/ssim-requests" >"$WORK/answers"
assert_contains "$WORK/answers" '{"id":1,"type":"pair","status":"pass"'
assert_contains "$WORK/answers" '{"id":2,"type":"pair","status":"fail"'
"$IMGBATCH" compare --serve <"$WORK/ssim-requests" >"$WORK/answers"
assert_eq "$(grep -c '"status":"error".*min_ssim\\" applies to --metric ssim' "$WORK/answers")" 2 \
	"min_ssim without --metric ssim"

# A request too long for a task (it travels to its worker as one).
long=$(printf '%03000d' 0)
printf '{"id":1,"expected":"%s","actual":"%s"}\n' "$long" "$long" |
	"$IMGBATCH" compare --serve >"$WORK/answers"
assert_contains "$WORK/answers" '{"id":1,"type":"pair","status":"error","allowed":false,"name":"","reason":"the request is too long'

# A worker killed mid-request fails that request only.  The worker is
# stopped first, so the request is surely in its hands when it is killed.
wait_answers() {
	n=0
	while [ "$(wc -l <"$WORK/live")" -lt "$1" ]; do
		n=$((n + 1))
		[ $n -lt 100 ] || fail "no answer $1 after 10 s"
		sleep 0.1
	done
}
# Starts a server reading requests from fd 3 (a FIFO), has it answer one
# request, then stops its worker: $server and $worker are set.
serve_with_stopped_worker() {
	: >"$WORK/live"   # the server creates it only once a client opens the FIFO
	"$IMGBATCH" compare --serve -j1 <"$WORK/requests-fifo" >"$WORK/live" 2>"$WORK/err.txt" &
	server=$!
	exec 3>"$WORK/requests-fifo"
	AT_EXIT="kill $server 2>/dev/null || :"
	echo "{\"id\":\"first\",\"expected\":\"$G/p0.png\",\"actual\":\"$A/p0.png\"}" >&3
	wait_answers 1
	worker=$(pgrep -P $server)
	[ -n "$worker" ] || fail "no worker under $server"
	kill -STOP "$worker"
}
mkfifo "$WORK/requests-fifo"
serve_with_stopped_worker
echo "{\"id\":\"killed\",\"expected\":\"$G/p4.png\",\"actual\":\"$A/p4.png\"}" >&3
sleep 1
kill -KILL "$worker"
wait_answers 2
echo "{\"id\":\"after\",\"expected\":\"$G/p1.png\",\"actual\":\"$A/p1.png\"}" >&3
exec 3>&-
wait $server || fail "compare --serve exited $? after a worker was killed"
assert_eq "$(wc -l <"$WORK/live")" 3 "answers around the killed worker"
assert_contains "$WORK/live" '{"id":"killed","type":"pair","status":"error"'
assert_contains "$WORK/live" 'worker killed by signal 9 (SIGKILL)'
assert_contains "$WORK/live" '{"id":"after","type":"pair","status":"pass"'

# SIGTERM drains: the request in a worker's hands is finished and answered,
# the queued ones are answered not_started, and the service exits 0 within
# 2 s.  The worker is stopped while the master takes the signal, so "b" is
# surely in its hands and "c" and "d" in the queue.  Small images: "b" must
# finish within the drain's 1.5 s under valgrind too.
ms() { echo $(($(date +%s%N) / 1000000)); }
convert -size 16x16 xc:gray "$G/small.png"
convert -size 16x16 xc:gray -fill red -draw 'point 3,3' "$A/small.png"
serve_with_stopped_worker
for id in b c d; do
	echo "{\"id\":\"$id\",\"expected\":\"$G/small.png\",\"actual\":\"$A/small.png\"}" >&3
done
sleep 1
sent=$(ms)
kill -TERM $server
wait_answers 3
kill -CONT "$worker"
status=0
wait $server || status=$?
took=$(($(ms) - sent))
exec 3>&-
assert_eq $status 0 "exit status after SIGTERM"
assert_contains "$WORK/live" '{"id":"b","type":"pair","status":"fail"'
assert_contains "$WORK/live" '{"id":"c","type":"pair","status":"not_started"'
assert_contains "$WORK/live" '"reason":"the service is stopping"'
assert_contains "$WORK/live" '{"id":"d","type":"pair","status":"not_started"'
[ -n "${IMGBATCH_VALGRIND:-}" ] || [ "$took" -lt 2000 ] || fail "SIGTERM to exit took $took ms"
note "SIGTERM with a request in hand: drained and exited 0 in $took ms"

# A request that does not finish within the drain's 1.5 s is stopped like
# one of Ctrl-C (answered as interrupted), and the exit status is still 0.
serve_with_stopped_worker
echo "{\"id\":\"stuck\",\"expected\":\"$G/p0.png\",\"actual\":\"$A/p0.png\"}" >&3
sleep 1
sent=$(ms)
kill -TERM $server
# the master's SIGTERM must be pending in the stopped worker before it runs on
n=0
until pending=$(sed -n 's/^ShdPnd:\t//p' "/proc/$worker/status") &&
	[ $(( 0x$pending & 0x4000 )) != 0 ]; do
	n=$((n + 1))
	[ $n -lt 100 ] || fail "the master did not stop its worker"
	sleep 0.1
done
kill -CONT "$worker"
status=0
wait $server || status=$?
took=$(($(ms) - sent))
exec 3>&-
assert_eq $status 0 "exit status after SIGTERM with a stuck request"
assert_contains "$WORK/live" '{"id":"stuck","type":"pair","status":"error"'
assert_contains "$WORK/live" '"reason":"interrupted while processing"'
[ -n "${IMGBATCH_VALGRIND:-}" ] || [ "$took" -lt 2500 ] || fail "SIGTERM to exit took $took ms"
note "SIGTERM with a stuck request: stopped after the grace, exited 0 in $took ms"

# Ctrl-C (SIGINT) still interrupts at once: exit 130.
: >"$WORK/live"
"$IMGBATCH" compare --serve <"$WORK/requests-fifo" >"$WORK/live" 2>"$WORK/err.txt" &
server=$!
exec 3>"$WORK/requests-fifo"
echo "{\"id\":1,\"expected\":\"$G/p0.png\",\"actual\":\"$A/p0.png\"}" >&3
wait_answers 1
kill -INT $server
status=0
wait $server || status=$?
exec 3>&-
assert_eq $status 130 "exit status after SIGINT"

# Usage errors.
run_imgbatch 2 compare --serve "$G/p0.png" "$A/p0.png"
assert_contains "$WORK/err.txt" '--serve takes no EXPECTED and ACTUAL'
run_imgbatch 2 compare --serve --junit "$WORK/j.xml"
assert_contains "$WORK/err.txt" '--serve takes no --junit'

# README's Node example, extracted as it is written, with imgbatch on PATH.
if ! command -v node >/dev/null 2>&1; then
	note "node not found: README's Node example not run"
	exit 0
fi
sed -n '/^\/\/ visual.mjs$/,/^```$/p' "$top_srcdir/README.md" | sed '$d' >"$WORK/visual.mjs"
assert_contains "$WORK/visual.mjs" "spawn('imgbatch'"
mkdir "$WORK/bin"
ln -s "$IMGBATCH" "$WORK/bin/imgbatch"
PATH=$WORK/bin:$PATH node "$top_srcdir/tests/cli/compare-serve.mjs" "$WORK/visual.mjs" "$G" "$A" \
	"$WORK/node-diff.png" >"$WORK/node.txt" || { cat "$WORK/node.txt"; fail "the Node test failed"; }
cat "$WORK/node.txt"
[ -s "$WORK/node-diff.png" ] || fail "the Node request's diff image is missing"
