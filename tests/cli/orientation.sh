#!/bin/sh
# EXIF orientation: the eight orientation-N.jpg samples hold one picture
# stored eight ways; after imgbatch every output shows the same upright image.
# With --no-auto-orient the stored pixels are kept instead.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/in"
mkdir "$WORK/o"
cp "$WORK"/in/orientation-*.jpg "$WORK/o/"
run_imgbatch 0 -o "$WORK/out" --format png -r 150x150 "$WORK/o"
for n in 1 2 3 4 5 6 7 8; do
	assert_eq "$(image_size "$WORK/out/orientation-$n.png")" "150 100" "orientation-$n size"
	maxdiff=$("$DECODE" diff "$WORK/out/orientation-1.png" "$WORK/out/orientation-$n.png" | cut -d' ' -f1)
	[ "$maxdiff" -le 40 ] || fail "orientation-$n differs from upright by up to $maxdiff levels"
done

run_imgbatch 0 -o "$WORK/raw" --format png --no-auto-orient "$WORK/o"
assert_eq "$(image_size "$WORK/raw/orientation-6.png")" "200 300" "stored size kept without auto-orient"
note "ok"
