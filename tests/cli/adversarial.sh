#!/bin/sh
# The attacks of the hardening trial (issue 19), replayed: each must give
# the safe result.  F-numbers are the trial's rows.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/s"
photo=$WORK/s/photo.jpg
cd "$WORK"

# F1: --in-place with a folder in --name writes into that folder beside the
# input; the original is never replaced by the small copy.
mkdir -p f1/dir
cp "$photo" f1/dir/
run_imgbatch 0 --in-place --name 'small/{stem}.{ext}' -r 100x100 --json f1/dir
assert_eq "$(image_size f1/dir/photo.jpg)" "1024 768" "F1: the original"
assert_eq "$(image_size f1/dir/small/photo.jpg)" "100 75" "F1: the output"
assert_contains "$WORK/out.txt" '"output":"f1/dir/small/photo.jpg"'

# F2: compare never writes diffs or reports into the compared trees, however
# the path is spelled; nothing there changes.
mkdir -p f2/g f2/a
"$IMGBATCH" -o f2/g -r 64 --format png --quiet "$photo"
"$IMGBATCH" -o f2/a -r 64 --format png -f invert --quiet "$photo"
ln -s g f2/link
sums() { find f2/g f2/a -type f | sort | xargs md5sum; }
before=$(sums)
for args in "--diff-dir f2/g" "--junit f2/g/photo.png" "--html f2/a/../g/report" \
	"--diff-dir f2/link/diffs" "--junit f2/a/r.xml"; do
	# shellcheck disable=SC2086
	run_imgbatch 2 compare f2/g f2/a $args
	assert_contains "$WORK/err.txt" "which is read: refusing to write there"
done
assert_eq "$(sums)" "$before" "F2: the compared trees"
run_imgbatch 1 compare f2/g f2/a --diff-dir f2/diffs --junit f2/r.xml
[ -f f2/diffs/photo.png ] && [ -f f2/r.xml ] || fail "F2: outputs outside the trees"

# F18 (manifest): an existing file that is not a manifest is never appended to.
cp f2/g/photo.png f2/copy.png
run_imgbatch 2 -o f18out --manifest f2/copy.png f2/g
assert_contains "$WORK/err.txt" "is not a manifest"
cmp -s f2/copy.png f2/g/photo.png || fail "F18: the image named as manifest changed"

# F12: goldens reached through a symlinked folder are compared, as the
# actual side's are: a red golden against a green actual fails.
mkdir -p f12/g f12/a/sub f12/red
convert -size 20x20 xc:red f12/red/y.png
convert -size 20x20 xc:green f12/a/sub/y.png
ln -s ../red f12/g/sub
run_imgbatch 1 compare --json f12/g f12/a
assert_eq "$(json_summary failed)" 1 "F12: the pair behind the symlink"

# F13: --update-golden counts each new image once.
mkdir -p f13/g f13/a
for i in 1 2 3; do convert -size 10x10 xc:red f13/g/p$i.png; cp f13/g/p$i.png f13/a/; done
for i in 4 5; do convert -size 10x10 xc:blue f13/a/n$i.png; done
run_imgbatch 0 compare --json --update-golden --junit f13/r.xml f13/g f13/a
assert_eq "$(json_summary total)" 5 "F13: pairs"
assert_eq "$(grep -c '<testcase' f13/r.xml)" 5 "F13: JUnit test cases"
assert_eq "$(grep -c '"type":"pair"' "$WORK/out.txt")" 5 "F13: JSON lines"
# F4: the thumbnail cache's folders must be real, ours and private: a size
# folder that is a symlink out of the cache, a world-writable or a foreign
# cache is refused (exit 2) and nothing is written outside it.
mkdir -p f4/cache/thumbnails f4/outside f4/pics
cp "$photo" f4/pics/
ln -s ../../outside f4/cache/thumbnails/large
XDG_CACHE_HOME=$WORK/f4/cache run_imgbatch 2 thumbnail f4/pics
assert_contains "$WORK/err.txt" "is not a real folder"
assert_eq "$(ls f4/outside | wc -l)" 0 "F4: files written outside the cache"
rm f4/cache/thumbnails/large
chmod 777 f4/cache/thumbnails
XDG_CACHE_HOME=$WORK/f4/cache run_imgbatch 2 thumbnail f4/pics
assert_contains "$WORK/err.txt" "is writable by others"
chmod 700 f4/cache/thumbnails
if [ "$(id -u)" = 0 ]; then
	chown nobody f4/cache/thumbnails
	XDG_CACHE_HOME=$WORK/f4/cache run_imgbatch 2 thumbnail f4/pics
	assert_contains "$WORK/err.txt" "belongs to another user"
	chown root f4/cache/thumbnails
fi
XDG_CACHE_HOME=$WORK/f4/cache run_imgbatch 0 thumbnail f4/pics
assert_eq "$(ls f4/cache/thumbnails/large | wc -l)" 1 "F4: the thumbnail, once the cache is sane"

# F16: the cache reached through a symlink is still the cache: its entries
# are never thumbnailed, and a second run adds nothing.
ln -s cache/thumbnails f4/tc
XDG_CACHE_HOME=$WORK/f4/cache run_imgbatch 0 thumbnail --json f4/tc/
assert_contains "$WORK/out.txt" '"reason":"inside the thumbnail cache"'
assert_eq "$(find f4/cache/thumbnails -type f | wc -l)" 1 "F16: cache entries after thumbnailing the cache"
# F5: a name with ESC, BEL and a newline cannot drive the terminal or forge
# a summary line, in imgbatch's lines or imgbatch report's.
mkdir f5
evil=$(printf 'e\033[2J\033]0;pwned\a\nimgbatch: 1 files: 1 done.jpg')
printf 'not an image' >"f5/$evil"
run_imgbatch 1 -o f5out --manifest f5.jsonl "f5/$evil"
if LC_ALL=C grep -q "$(printf '\033')" "$WORK/err.txt"; then fail "F5: ESC reached the terminal"; fi
assert_eq "$(grep -c '^imgbatch: 1 files: 1 done' "$WORK/err.txt")" 0 "F5: forged summary lines"
assert_contains "$WORK/err.txt" 'e\x1b[2J\x1b]0;pwned\x07\nimgbatch: 1 files: 1 done.jpg'
"$IMGBATCH" report f5.jsonl >f5.report 2>&1 || true
if LC_ALL=C grep -q "$(printf '\033')" f5.report; then fail "F5: ESC in imgbatch report"; fi

# F11: JSON lines or a manifest that cannot be written fail the run (exit 1,
# with the errno); a reader that leaves (--json | head -1) stops it (141).
mkdir f11
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do cp "$photo" "f11/p$i.jpg"; done
set +e
"$IMGBATCH" --json -o f11a -r 16 f11 >/dev/full 2>f11.err
code=$?
(ulimit -f 2; "$IMGBATCH" -o f11b -r 8 --quiet --manifest f11.jsonl f11 2>f11m.err)
mcode=$?
set -e
assert_eq "$code" 1 "F11: exit status with stdout full"
assert_contains f11.err "writing JSON lines to stdout: No space left on device"
assert_eq "$mcode" 1 "F11: exit status with the manifest cut"
assert_contains f11m.err "writing the manifest f11.jsonl: File too large"
for i in $(seq 1 150); do cp "$photo" "f11/q$i.jpg"; done
{ "$IMGBATCH" --json -j1 -o f11c -r 900 f11 2>f11.err || echo $? >f11.code; } |
	head -n 1 >/dev/null
assert_eq "$(cat f11.code)" 141 "F11: exit status once the reader left"
[ "$(find f11c -type f | wc -l)" -lt 162 ] || fail "F11: the run went on without a reader"

# F15: --embedded on a JPEG whose EXIF thumbnail is damaged falls back to
# the main image (red) instead of failing; the green thumbnail is not used.
mkdir f15
"$top_builddir/tests/make-hostile" exif-thumb 640 480 160 120 f15/a.jpg
python3 - f15/a.jpg <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
thumb = d.find(b"\xff\xd8", 2)
sos = d.find(b"\xff\xda", thumb)
eoi = d.find(b"\xff\xd9", sos)
for i in range(sos + 20, eoi - 4):   # the thumbnail's entropy-coded data
    d[i] = 0xff if i % 2 else 0x00
open(sys.argv[1], "wb").write(d)
PY
run_imgbatch 0 -o f15out --embedded -r 100 --json f15/a.jpg
if grep -q '"embedded":true' "$WORK/out.txt"; then fail "F15: the damaged thumbnail was used"; fi
convert f15out/a.jpg -resize '1x1!' -depth 8 txt:- | grep -q '(2[45][0-9],[0-9],[0-9])' ||
	fail "F15: the output is not the red main image"

# F10: --follow-symlinks walks each real folder once: a chain of 24 folders,
# each linking twice to the next, is 25 files, not 2^24.
mkdir -p f10/d0
cp "$WORK/s/palette.png" f10/d0/x.png
for i in $(seq 1 24); do
	mkdir "f10/d$i"
	cp "$WORK/s/palette.png" "f10/d$i/x.png"
	ln -s "../d$i" "f10/d$((i - 1))/a"
	ln -s "../d$i" "f10/d$((i - 1))/b"
done
run_imgbatch 0 --follow-symlinks -o f10out -r 8 --json f10/d0
assert_eq "$(json_summary done)" 25 "F10: one output per real folder"
assert_contains "$WORK/out.txt" "folder already walked through another path"

# F3: outputs keep their input's permission bits; --in-place keeps the owner
# and group too (as root here); a 0600 file never becomes 0644.
mkdir -p f3/in
cp "$photo" f3/in/p.jpg
cp "$WORK/s/palette.png" f3/in/q.png
chmod 600 f3/in/p.jpg
chmod 640 f3/in/q.png
run_imgbatch 0 -o f3out -r 50 f3/in
assert_eq "$(stat -c %a f3out/p.jpg) $(stat -c %a f3out/q.png)" "600 640" "F3: -o modes"
if [ "$(id -u)" = 0 ]; then
	chown nobody:nogroup f3/in/p.jpg
	run_imgbatch 0 --in-place -r 40 f3/in
	assert_eq "$(stat -c '%a %U %G' f3/in/p.jpg)" "600 nobody nogroup" "F3: --in-place owner"
	assert_eq "$(image_size f3/in/p.jpg)" "40 30" "F3: replaced in place"
fi

# F17: the HTML report never holds a link to a symlink (it would dangle).
mkdir -p f17/g f17/a f17/store
"$IMGBATCH" -o f17/store -r 32 --format png --quiet "$photo"
ln -s ../store/photo.png f17/g/photo.png
"$IMGBATCH" -o f17/a -r 32 --format png -f invert --quiet "$photo"
run_imgbatch 1 compare --html f17/report f17/g f17/a
for f in f17/report/img/*; do
	[ ! -L "$f" ] || fail "F17: $f is a symlink"
	[ -s "$f" ] || fail "F17: $f is empty or dangles"
done

# F18: messages keep the errno whatever the path's length; a dangling link
# reads the same named or found; imgbatch report on a file that is no
# manifest exits 2; --in-place never replaces a symlink with a file.
long=$WORK/$(printf 'x%.0s' $(seq 1 240))/$(printf 'y%.0s' $(seq 1 80))
run_imgbatch 2 -o "$long/out" "$photo"
assert_contains "$WORK/err.txt" "/out: No such file or directory"
mkdir -p f18/d
ln -s nowhere.jpg f18/dangle.jpg
ln -s nowhere.jpg f18/d/dangle.jpg
run_imgbatch 1 -o f18out --json f18/dangle.jpg f18/d
assert_eq "$(grep -c '"reason":"broken symlink: No such file or directory"' "$WORK/out.txt")" 2 \
	"F18: dangling links"
printf 'no manifest here\n' >f18/garbage.txt
run_imgbatch 2 report f18/garbage.txt
assert_contains "$WORK/err.txt" "not a manifest"
cp "$photo" f18/real.jpg
ln -s real.jpg f18/link.jpg
run_imgbatch 1 --in-place -r 50 f18/link.jpg
assert_contains "$WORK/err.txt" "is a symbolic link"
[ -L f18/link.jpg ] || fail "F18: the link was replaced"
assert_eq "$(image_size f18/real.jpg)" "1024 768" "F18: the link's target"

# F14: --update decides from what the output was made from (the input's
# size and mtime as read, recorded in the output's user.imgbatch.source
# attribute), not from the output's own mtime: an input rewritten with an
# older mtime, as happens when it changes while being read, is done again.
mkdir -p f14/in
cp "$photo" f14/in/p.jpg
run_imgbatch 0 -o f14out -r 50 f14/in
run_imgbatch 0 -o f14out -r 50 --update --json f14/in
assert_contains "$WORK/out.txt" '"reason":"up to date"'
convert "$WORK/s/zoneplate.png" f14/in/p.jpg
touch -d "@$(($(stat -c %Y f14out/p.jpg) - 5))" f14/in/p.jpg
run_imgbatch 0 -o f14out -r 50 --update --json f14/in
assert_eq "$(json_summary done)" 1 "F14: the rewritten input"
assert_eq "$(image_size f14out/p.jpg)" "50 50" "F14: the output of the new content"

# The memory and CPU bombs stay well under 512 MiB a worker by default, by
# design rather than by the timeout.  peak_rss_mib ARGS...: runs imgbatch,
# prints the largest resident size of it or any worker, in MiB.
peak_rss_mib() {
	python3 - "$IMGBATCH" "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=open("err.txt", "w"))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
}
# gray_png W H FILE: a W x H gray PNG of a repeating ramp, compressed hard.
gray_png() {
	python3 - "$@" <<'PY'
import struct, sys, zlib
w, h, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def chunk(f, kind, data):
    f.write(struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data)))
row = b"\0" + bytes(i * 7 & 255 for i in range(w))
block = row * max(1, (1 << 20) // len(row))
with open(path, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n")
    chunk(f, b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    z, left = zlib.compressobj(9), h
    while left > 0:
        n = min(left, len(block) // len(row))
        chunk(f, b"IDAT", z.compress(block[:n * len(row)]))
        left -= n
    chunk(f, b"IDAT", z.flush())
    chunk(f, b"IEND", b"")
PY
}
mkdir bombs
# F6: a rotation of a long strip would make a 70758x70758 image
gray_png 64 100000 bombs/strip.png
[ "$(wc -c <bombs/strip.png)" -lt 100000 ] || fail "F6: the strip is not small"
rss=$(peak_rss_mib -o f6out -f rotate=45 bombs/strip.png)
assert_contains err.txt "rotate would make a 70758x70758 image, over --max-pixels"
[ "$rss" -lt 64 ] || fail "F6: $rss MiB"
# F7: a 1 x 200,000,000 strip resized: the resampler's memory no longer
# grows with the input's rows (box average first)
gray_png 1 200000000 bombs/tall.png
rss=$(peak_rss_mib -o f7out -r 256x256 bombs/tall.png)
assert_eq "$(image_size f7out/tall.png)" "1 256" "F7: the strip's output"
[ "$rss" -lt 512 ] || fail "F7: $rss MiB"
rm bombs/tall.png
# F8: an 8 GB sparse file is refused before it is read (--max-input-size)
cp "$WORK/s/palette.png" bombs/sparse.png
truncate -s 8G bombs/sparse.png
rss=$(peak_rss_mib -o f8out bombs/sparse.png)
assert_contains err.txt "8589934592 bytes, over --max-input-size 268435456"
[ "$rss" -lt 64 ] || fail "F8: $rss MiB"
run_imgbatch 2 compare bombs/sparse.png bombs/sparse.png
assert_contains "$WORK/err.txt" "over --max-input-size"
rm bombs/sparse.png
# F9: a progressive JPEG of 704 scans stops at the scan limit
"$top_builddir/tests/make-hostile" scan-bomb 512 512 bombs/scans.jpg
run_imgbatch 1 -o f9out bombs/scans.jpg
assert_contains "$WORK/err.txt" "more than 500 progressive scans"
# ... unless at 1/8: its DC scan, first, is all that is read
run_imgbatch 0 -o f9small -r 32x32 bombs/scans.jpg
note "ok"
