#!/bin/sh
# Hostile names and trees: every byte in a name reaches the JSON escaped and
# intact; paths too long, files deleted or replaced between scan and decode,
# unreadable files and directories each end with a clear result; a symlink
# planted at an output name is replaced, never written through.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/s"
photo=$WORK/s/photo.jpg

# 1. Every byte 0x01-0x7f and some non-UTF-8 ones in names; --json must
# parse, and each input's name must come back byte for byte ("input", or
# "input_hex" when the name is not UTF-8).
mkdir "$WORK/names"
b=1
while [ $b -lt 128 ]; do
	[ $b = 47 ] || cp "$photo" "$WORK/names/$(printf "x\\$(printf %o $b)y")"   # not '/'
	b=$((b + 1))
done
for name in '\377.jpg' '\303\251t\303\251.jpg' '\300\200.jpg' '\355\240\200.jpg' '-rf' '--help'; do
	cp "$photo" "$WORK/names/$(printf -- "$name")"
done
run_imgbatch 0 -o "$WORK/out1" -r 16x16 -j2 --json "$WORK/names"
if command -v python3 >/dev/null; then
	python3 - "$WORK/out.txt" "$WORK/names" "$WORK/out1" <<'PY' || fail "JSON does not round-trip every name"
import json, os, sys
lines = open(sys.argv[1], 'rb').read().split(b'\n')
names = set(os.listdir(os.fsencode(sys.argv[2])))
seen = set()
for line in filter(None, lines):
    o = json.loads(line.decode('utf-8'))     # strict: invalid UTF-8 raises
    if o['type'] != 'file':
        continue
    raw = bytes.fromhex(o['input_hex']) if 'input_hex' in o else o['input'].encode('utf-8')
    out = bytes.fromhex(o['output_hex']) if 'output_hex' in o else o['output'].encode('utf-8')
    base = os.path.basename(raw)
    assert base in names, raw
    assert os.path.isfile(out) and os.path.basename(out).startswith(base.rsplit(b'.', 1)[0]), out
    seen.add(base)
assert seen == names, names - seen
PY
else
	note "SKIP JSON round trip: no python3"
fi
assert_eq "$(find "$WORK/out1" -type f -printf x | wc -c | tr -d ' ')" 132 "one output per odd name"

# 2. Paths too long: a tree deeper than PATH_MAX is reported, not crashed on,
# and the files within reach are done.
mkdir "$WORK/deep"
cp "$photo" "$WORK/deep/top.jpg"
# 22 levels of 200-byte names: more than the shell's cd can reach
python3 - "$WORK/deep" "$photo" <<'PY'
import os, shutil, sys
data = open(sys.argv[2], 'rb').read()
os.chdir(sys.argv[1])
for _ in range(22):
    os.mkdir('0' * 200)
    os.chdir('0' * 200)
open('bottom.jpg', 'wb').write(data)
PY
run_imgbatch 1 -o "$WORK/out2" -r 16x16 --json "$WORK/deep"
assert_contains "$WORK/out.txt" "path too long"
assert_eq "$(json_summary done)" 1 "the file within reach"
[ -f "$WORK/out2/top.jpg" ] || fail "top.jpg not done"
# A file name of NAME_MAX bytes whose output name is as long.
name255="$(printf '%0251d' 7).jpg"
mkdir "$WORK/n255" && cp "$photo" "$WORK/n255/$name255"
run_imgbatch 0 -o "$WORK/out3" -r 16x16 "$WORK/n255"
[ -f "$WORK/out3/$name255" ] || fail "255-byte name"
# ... and one whose output name would be too long (.png -> .jpeg is not it:
# the template makes it longer).
run_imgbatch 1 -o "$WORK/out3b" -r 16x16 --name '{stem}-{w}x{h}.{ext}' --json "$WORK/n255"
assert_contains "$WORK/out.txt" "\"reason\":\"output name too long\""

# 3. Deleted or replaced between scan and decode: once the first (quick)
# file's result is out, the scan is complete (7 entries take one scan step)
# and the only worker is busy with the slow one until the watchdog stops it
# after QUICK_TIMEOUT s; meanwhile the queued files are changed.
mkdir "$WORK/race"
cp "$photo" "$WORK/race/a-slow.jpg"
"$IMGBATCH" -o "$WORK/tiny" -r 16x16 --quiet "$WORK/s/palette.png"   # quick under -f median=50
for f in 0-quick b-deleted c-text d-dir e-fifo f-kept; do cp "$WORK/tiny/palette.png" "$WORK/race/$f.png"; done
printf '%s\n' 0-quick.png a-slow.jpg b-deleted.png c-text.png d-dir.png e-fifo.png f-kept.png |
	sed "s|^|$WORK/race/|" >"$WORK/race.list"
mkfifo "$WORK/race.json"
"$IMGBATCH" -o "$WORK/out4" -r 400% -f median=50 -j1 --chunk 1 --timeout "$QUICK_TIMEOUT" --json \
	--files-from "$WORK/race.list" >"$WORK/race.json" 2>"$WORK/err.txt" &
ib=$!
exec 3<"$WORK/race.json"
read -r first <&3
rm "$WORK/race/b-deleted.png"
echo "now text" >"$WORK/race/c-text.png"
rm "$WORK/race/d-dir.png" && mkdir "$WORK/race/d-dir.png"
rm "$WORK/race/e-fifo.png" && mkfifo "$WORK/race/e-fifo.png"
cat <&3 >"$WORK/out.txt"
exec 3<&-
set +e
wait $ib
code=$?
set -e
assert_eq "$code" 1 "exit code after the race"
result() {
	grep -F "\"input\":\"$WORK/race/$1\"" "$WORK/out.txt" |
		sed -n 's/.*"status":"\([a-z]*\)".*"reason":"\([^"]*\)".*/\1: \2/p'
}
assert_eq "$(result a-slow.jpg)" "failed: timed out after $QUICK_TIMEOUT s" "the slow file"
assert_eq "$(result b-deleted.png)" "failed: cannot open input: No such file or directory" "deleted file"
assert_eq "$(result c-text.png)" "skipped: not an image in a format imgbatch reads" "file replaced by text"
assert_eq "$(result d-dir.png)" "skipped: not a regular file" "file replaced by a directory"
assert_eq "$(result e-fifo.png)" "skipped: not a regular file" "file replaced by a FIFO"
echo "$first" | grep -F "\"input\":\"$WORK/race/0-quick.png\"" | grep -q '"status":"done"' ||
	fail "the first file was not done: $first"
grep -F "\"input\":\"$WORK/race/f-kept.png\"" "$WORK/out.txt" | grep -q '"status":"done"' ||
	{ cat "$WORK/out.txt" >&2; fail "the untouched file was not done"; }

# 4. A symlink planted at an output's name pointing outside -o: replaced by
# the output, the file outside untouched.
mkdir -p "$WORK/outside" "$WORK/out5"
echo "precious" >"$WORK/outside/victim.jpg"
ln -s "$WORK/outside/victim.jpg" "$WORK/out5/photo.jpg"
run_imgbatch 0 -o "$WORK/out5" -r 16x16 "$photo"
assert_eq "$(cat "$WORK/outside/victim.jpg")" "precious" "file behind the planted symlink"
[ -f "$WORK/out5/photo.jpg" ] && [ ! -L "$WORK/out5/photo.jpg" ] || fail "output is not a regular file"

# 5. Unreadable files and directories (as an unprivileged user when run as
# root, since root reads everything).
as_user=
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
		as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
	else
		note "SKIP unreadable inputs: cannot drop root privileges here"
		note "ok"
		exit 0
	fi
fi
chmod 755 "$WORK"
mkdir -p "$WORK/locked/closed" "$WORK/out6"
cp "$photo" "$WORK/locked/open.jpg"
cp "$photo" "$WORK/locked/secret.jpg"
cp "$photo" "$WORK/locked/closed/inner.jpg"
chmod 000 "$WORK/locked/secret.jpg" "$WORK/locked/closed"
chmod 777 "$WORK/out6"
set +e
# (the plain binary: valgrind, as that user, could not write its logs here)
$as_user "$top_builddir/imgbatch" -o "$WORK/out6" -r 16x16 --json "$WORK/locked" >"$WORK/out.txt" 2>"$WORK/err.txt"
code=$?
set -e
chmod 755 "$WORK/locked/closed"
assert_eq "$code" 1 "exit code with unreadable inputs"
assert_contains "$WORK/out.txt" "\"input\":\"$WORK/locked/secret.jpg\",\"reason\":\"cannot open input: Permission denied\""
grep -F "\"input\":\"$WORK/locked/closed\"" "$WORK/out.txt" | grep -q 'Permission denied' ||
	fail "unreadable directory not reported: $(cat "$WORK/out.txt")"
[ -f "$WORK/out6/open.jpg" ] || fail "the readable file was not done"
note "ok"
