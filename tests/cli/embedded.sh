#!/bin/sh
# --embedded: a JPEG's EXIF thumbnail (here green, the image red) is the
# source exactly when it covers what the outputs need and has the image's
# aspect ratio; otherwise the image is decoded.  JSON says which.
. "$(dirname "$0")/lib.sh"
HOSTILE=$top_builddir/tests/make-hostile

"$HOSTILE" exif-thumb 1600 1200 160 120 "$WORK/fits.jpg"
"$HOSTILE" exif-thumb 1600 1200 160 160 "$WORK/square-thumb.jpg"   # letterboxed-like

# colour_of FILE: "green" or "red" from the centre pixel
colour_of() {
	set -- $("$DECODE" pixel "$1" 20 20)
	if [ "$2" -gt 200 ] && [ "$1" -lt 60 ]; then echo green
	elif [ "$1" -gt 200 ] && [ "$2" -lt 60 ]; then echo red
	else echo "other ($*)"; fi
}

run_imgbatch 0 -o "$WORK/a" -r 128x128 --embedded --json "$WORK/fits.jpg"
assert_contains "$WORK/out.txt" '"embedded":true'
assert_eq "$(colour_of "$WORK/a/fits.jpg")" green "thumbnail large enough"
assert_eq "$(image_size "$WORK/a/fits.jpg")" "128 96" "size planned from the image"

run_imgbatch 0 -o "$WORK/b" -r 200x200 --embedded --json "$WORK/fits.jpg"
assert_eq "$(colour_of "$WORK/b/fits.jpg")" red "thumbnail too small: the image"
grep -q '"embedded"' "$WORK/out.txt" && fail "too small a thumbnail was used"

run_imgbatch 0 -o "$WORK/c" -r 100x100 --embedded "$WORK/square-thumb.jpg"
assert_eq "$(colour_of "$WORK/c/square-thumb.jpg")" red "another aspect ratio: the image"

run_imgbatch 0 -o "$WORK/d" -f grayscale -r 64x64 --embedded "$WORK/fits.jpg"
set -- $("$DECODE" pixel "$WORK/d/fits.jpg" 20 20)
[ "$1" -ge 50 ] && [ "$1" -le 60 ] || fail "a filter first needs the image (red's luma 54), got $1"

run_imgbatch 0 -o "$WORK/e" -r 128x128 "$WORK/fits.jpg"
assert_eq "$(colour_of "$WORK/e/fits.jpg")" red "without --embedded: the image"

# The thumbnail cache's normal size (128) comes from it too, with the
# original's size in its keys.
XDG_CACHE_HOME=$WORK/cache run_imgbatch 0 thumbnail --size normal --embedded --json "$WORK/fits.jpg"
assert_contains "$WORK/out.txt" '"embedded":true'
thumb=$(find "$WORK/cache/thumbnails/normal" -name '*.png')
assert_eq "$(colour_of "$thumb")" green "cache entry from the thumbnail"
"$DECODE" text "$thumb" >"$WORK/keys"
assert_contains "$WORK/keys" "Thumb::Image::Width=1600"
note "ok"
