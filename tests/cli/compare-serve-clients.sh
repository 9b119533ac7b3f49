#!/bin/sh
# imgbatch compare --serve against bad clients: one service (-j2) takes
# each bad request in turn (invalid JSON, a 10 MB line, missing or mistyped
# members, inputs that are a directory, a FIFO or a device, diff paths that
# would replace a directory, a FIFO or an input, NUL bytes raw and escaped,
# invalid UTF-8) followed by a good one; each bad one gets an error answer
# with its reason, the good one after it is answered, and at the end a line
# cut short by EOF is answered too and the service exits 0.  Every answer is
# JSON; nothing is written but the diff image a good request asked for.
. "$(dirname "$0")/lib.sh"

G=$WORK/g A=$WORK/a
mkdir -p "$G" "$A" "$WORK/diffs" "$WORK/adir" "$WORK/cwd" "$WORK/home" "$WORK/tmp"
convert -size 48x32 gradient:navy-orange "$G/p.png"
cp "$G/p.png" "$A/p.png"
convert "$G/p.png" -fill red -draw 'rectangle 4,4 9,9' "$A/q.png"
cp "$G/p.png" "$WORK/golden-copy"
mkfifo "$WORK/fifo" "$WORK/in"

# Each case: its name, the reason its answer must hold, and its bytes (a
# printf format; %s is the 10 MB of the long line).  The id is "bad-NAME"
# where the line is read far enough to find it, null where it is not.
ok='"expected":"'$G/p.png'","actual":"'$A/p.png'"'
bad='"expected":"'$G/p.png'","actual":"'$A/q.png'"'
cat >"$WORK/cases" <<CASES
not-json|null|not a flat JSON object|hello world\n
array|null|not a flat JSON object|[1,2,3]\n
unclosed|bad-unclosed|not a flat JSON object|{"id":"bad-unclosed","expected":"$G/p.png"\n
nested|bad-nested|not a flat JSON object|{"id":"bad-nested","expected":{"path":"$G/p.png"},"actual":"$A/p.png"}\n
ten-mb|null|the request is over 1 MiB|{"id":"bad-ten-mb","expected":"%s"}\n
no-actual|bad-no-actual|no \\"actual\\" path|{"id":"bad-no-actual","expected":"$G/p.png"}\n
only-id|bad-only-id|no \\"expected\\" path|{"id":"bad-only-id"}\n
number-path|bad-number-path|\\"expected\\" must be a string|{"id":"bad-number-path","expected":5,"actual":"$A/p.png"}\n
dir|bad-dir|expected $WORK/adir is a directory|{"id":"bad-dir","expected":"$WORK/adir","actual":"$A/p.png"}\n
fifo|bad-fifo|actual $WORK/fifo is a FIFO|{"id":"bad-fifo","expected":"$G/p.png","actual":"$WORK/fifo"}\n
dev-zero|bad-dev-zero|actual /dev/zero is a character device|{"id":"bad-dev-zero","expected":"$G/p.png","actual":"/dev/zero"}\n
diff-dir|bad-diff-dir|diff $WORK/adir is a directory|{"id":"bad-diff-dir",$bad,"diff":"$WORK/adir"}\n
diff-fifo|bad-diff-fifo|diff $WORK/fifo is a FIFO|{"id":"bad-diff-fifo",$bad,"diff":"$WORK/fifo"}\n
diff-golden|bad-diff-golden|diff $G/p.png is one of the images compared|{"id":"bad-diff-golden",$bad,"diff":"$G/p.png"}\n
diff-nowhere|bad-diff-nowhere|the diff's directory $WORK/none: No such file|{"id":"bad-diff-nowhere",$bad,"diff":"$WORK/none/d.png"}\n
nul-byte|null|the request holds a NUL byte|{"id":"bad-nul-byte",$ok}\0trailing\n
nul-escaped|bad-nul-escaped|not a flat JSON object|{"id":"bad-nul-escaped","expected":"$G/p.png\\\\u0000x","actual":"$A/p.png"}\n
bad-utf8-path|bad-bad-utf8-path|No such file or directory|{"id":"bad-bad-utf8-path","expected":"$G/\377\376.png","actual":"$A/p.png"}\n
bad-utf8-id|\\ufffd\\ufffd|"status":"pass"|{"id":"\377\376",$ok}\n
CASES

# What is there before the service runs: after it, only the diff image the
# good request asks for may be new.
find "$WORK" | sort >"$WORK/before"

cd "$WORK/cwd"
HOME=$WORK/home TMPDIR=$WORK/tmp "$IMGBATCH" compare --serve -j2 <"$WORK/in" >"$WORK/answers" \
	2>"$WORK/err.txt" &
server=$!
AT_EXIT="kill $server 2>/dev/null || :"
exec 3>"$WORK/in"
cd "$WORK"

# wait_for TEXT: until an answer holds TEXT (and the service is up).
wait_for() {
	n=0
	until grep -qF -- "$1" "$WORK/answers"; do
		kill -0 "$server" 2>/dev/null || fail "the service died waiting for $1"
		n=$((n + 1))
		[ $n -lt 100 ] || fail "no answer holding $1 after 10 s"
		sleep 0.1
	done
}

nulls=0
while IFS='|' read -r name id reason bytes; do
	if [ "$name" = ten-mb ]; then
		# shellcheck disable=SC2059
		printf "$bytes" "$(head -c 10485760 /dev/zero | tr '\0' x)" >&3
	else
		# shellcheck disable=SC2059
		printf "$bytes" >&3
	fi
	echo "{\"id\":\"ok-$name\",$ok}" >&3
	wait_for "{\"id\":\"ok-$name\",\"type\":\"pair\",\"status\":\"pass\""
	if [ "$id" = null ]; then
		nulls=$((nulls + 1))
		assert_eq "$(grep -c '^{"id":null,' "$WORK/answers")" $nulls "answers with id null after $name"
		line=$(grep '^{"id":null,' "$WORK/answers" | tail -n 1)
	else
		line=$(grep -F "{\"id\":\"$id\"," "$WORK/answers") || fail "no answer to $name"
	fi
	case $line in
	*"$reason"*) ;;
	*) fail "the answer to $name lacks '$reason': $line" ;;
	esac
	[ "$name" = bad-utf8-id ] || case $line in
		*'"status":"error"'*) ;;
		*) fail "the answer to $name is not an error: $line" ;;
	esac
	note "$name: $(echo "$line" | sed -n 's/.*"status":"\([a-z]*\)".*"reason":"\(.*\)","ms".*/\1 (\2)/p; s/.*"status":"pass".*/pass/p' | head -n 1); service up"
done <"$WORK/cases"

# A good request that writes its diff image, then EOF in the middle of a line.
echo "{\"id\":\"ok-diff\",$bad,\"diff\":\"$WORK/diffs/q.png\"}" >&3
printf '{"id":"bad-eof","expected":"%s"' "$G/p.png" >&3
exec 3>&-
status=0
wait $server || status=$?
AT_EXIT=:
assert_eq $status 0 "exit status at the end of input"
assert_contains "$WORK/answers" '{"id":"ok-diff","type":"pair","status":"fail"'
assert_contains "$WORK/answers" '{"id":"bad-eof","type":"pair","status":"error"'
assert_contains "$WORK/answers" 'the input ended in the middle of a request'
[ ! -s "$WORK/err.txt" ] || { cat "$WORK/err.txt" >&2; fail "stderr not quiet"; }
cases=$(wc -l <"$WORK/cases")
assert_eq "$(wc -l <"$WORK/answers")" $((2 * cases + 2)) "answer lines"

# Every answer is JSON (invalid UTF-8 comes back as U+FFFD).
if command -v python3 >/dev/null 2>&1; then
	python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1], "rb"), 1):
    json.loads(line.decode("utf-8"))
' "$WORK/answers" || fail "an answer is not JSON"
fi

# Nothing written but the requested diff image; the golden image untouched.
find "$WORK" | sort >"$WORK/after"
comm -13 "$WORK/before" "$WORK/after" | grep -v -e "^$WORK/answers$" -e "^$WORK/err.txt$" \
	-e "^$WORK/after$" -e "^$WORK/valgrind\.[0-9]*\.log$" >"$WORK/new" || :
assert_eq "$(cat "$WORK/new")" "$WORK/diffs/q.png" "files written"
cmp -s "$G/p.png" "$WORK/golden-copy" || fail "the golden image was changed"
[ -p "$WORK/fifo" ] || fail "the FIFO was replaced"
