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
note "ok"
