#!/bin/sh
# Camera RAW files through their embedded preview, on DNGs tests/make-dng
# writes now (a JPEG preview in IFD0, a CFA raw image in a SubIFD): outputs
# equal imgbatch's decode of the preview that libraw's own simple_dcraw -e
# extracts, content decides (a DNG named .jpg or .tif works), a preview
# smaller than the output asked for fails with its reason, the RAW's
# orientation or the preview's own EXIF one applies once, a bitmap preview
# is copied, --max-pixels holds for the preview, a cut DNG
# fails with a RAW reason, JSON and thumbnails name the format, and
# --format same writes JPEG.
. "$(dirname "$0")/lib.sh"

command -v simple_dcraw >/dev/null 2>&1 || { echo "SKIP: simple_dcraw (libraw-bin) is needed"; exit 77; }
command -v convert >/dev/null 2>&1 || { echo "SKIP: ImageMagick is needed"; exit 77; }
MAKE_DNG=$top_builddir/tests/make-dng
in=$WORK/in
mkdir "$in"
# a 600x400 RAW with a 300x200 preview, and one whose preview is full size
"$MAKE_DNG" "$in/photo.dng" 300 200 600 400
"$MAKE_DNG" "$WORK/full.dng" 300 200 300 200
mkdir "$in/j" "$in/t"
cp "$in/photo.dng" "$in/j/misnamed.jpg"
cp "$in/photo.dng" "$in/t/misnamed.tif"

# libraw's tool takes the preview out; imgbatch's outputs are its decode
(cd "$WORK" && simple_dcraw -e full.dng && simple_dcraw -e "$in/photo.dng")
mv "$in/photo.dng.thumb.jpg" "$WORK/preview.jpg"
run_imgbatch 0 -o "$WORK/full" --format png "$WORK/full.dng" "$WORK/full.dng.thumb.jpg"
d=$("$DECODE" diff "$WORK/full/full.png" "$WORK/full/full.dng.thumb.png" | cut -d' ' -f1)
[ "$d" -le 1 ] || fail "full-size preview: off by $d levels from its own decode"

# Content decides; the preview shrinks to the output like the JPEG it is.
run_imgbatch 0 -o "$WORK/out" -r 150 --format png --json "$in"
assert_eq "$(json_summary done)" 3 "DNGs converted whatever their name"
assert_eq "$(grep -c '"format":"dng","width":600,"height":400' "$WORK/out.txt")" 3 \
	"JSON names the format and the RAW's size"
run_imgbatch 0 -o "$WORK/ref" -r 150 --format png "$WORK/preview.jpg"
for g in photo j/misnamed t/misnamed; do
	assert_eq "$(image_size "$WORK/out/$g.png")" "150 100" "size of $g.png"
	d=$("$DECODE" diff "$WORK/out/$g.png" "$WORK/ref/preview.png" | cut -d' ' -f1)
	[ "$d" -le 1 ] || fail "$g: off by $d levels from the preview's own output"
done

# --format same writes JPEG (no RAW encoder), named .jpg
run_imgbatch 0 -o "$WORK/same" -r 150 --json "$in/photo.dng"
assert_contains "$WORK/out.txt" '"output_format":"jpeg"'
[ "$("$DECODE" info "$WORK/same/photo.jpg" | cut -d' ' -f1,2)" = "150 100" ] ||
	fail "--format same did not write photo.jpg"

# A preview smaller than asked for fails, with its size and the size asked.
run_imgbatch 1 -o "$WORK/big" -r 400 "$in/photo.dng"
assert_contains "$WORK/err.txt" "photo.dng: RAW: preview 300x200 is smaller than the 400 px asked for"
run_imgbatch 1 -o "$WORK/big" "$in/photo.dng"
assert_contains "$WORK/err.txt" "RAW: preview 300x200 is smaller than the 600 px asked for"

# Orientation 6 (turn 90 degrees clockwise), applied once: the preview's
# top-left red quadrant lands top right, its bottom-left blue one top left.
assert_turned() {
	turned=$1
	assert_eq "$(image_size "$turned")" "100 150" "turned size of $turned"
	set -- $("$DECODE" pixel "$turned" 90 10)
	[ "$1" -gt 200 ] && [ "$2" -lt 50 ] && [ "$3" -lt 50 ] || fail "$turned: top right is $*, not red"
	set -- $("$DECODE" pixel "$turned" 10 10)
	[ "$1" -lt 50 ] && [ "$2" -lt 50 ] && [ "$3" -gt 200 ] || fail "$turned: top left is $*, not blue"
}
# from the DNG's Orientation; from the preview JPEG's own EXIF block, alone
# or with the DNG's saying the same (still turned once, not twice)
"$MAKE_DNG" "$WORK/turned.dng" 300 200 600 400 6
"$MAKE_DNG" "$WORK/exif1.dng" 300 200 600 400 1 exif
"$MAKE_DNG" "$WORK/exif6.dng" 300 200 600 400 6 exif
run_imgbatch 0 -o "$WORK/turned" -r 150x150 --format png "$WORK/turned.dng" "$WORK/exif1.dng" \
	"$WORK/exif6.dng"
for f in turned exif1 exif6; do
	assert_turned "$WORK/turned/$f.png"
done

# A bitmap preview (uncompressed RGB in IFD0) is copied as it is: exactly
# the PPM simple_dcraw -e takes out.
"$MAKE_DNG" "$WORK/bitmap.dng" 300 200 300 200 1 bitmap
(cd "$WORK" && simple_dcraw -e bitmap.dng)
convert "$WORK/bitmap.dng.thumb.ppm" "$WORK/bitmap-ref.png"
run_imgbatch 0 -o "$WORK/bitmap" --format png "$WORK/bitmap.dng"
assert_eq "$("$DECODE" diff "$WORK/bitmap/bitmap.png" "$WORK/bitmap-ref.png" | cut -d' ' -f1)" 0 \
	"bitmap preview against simple_dcraw's"

# --max-pixels holds for the preview, the only pixels decoded (a RAW's
# own size is what its header says, never allocated).
run_imgbatch 1 -o "$WORK/limit" -r 150 --max-pixels 59999 "$in/photo.dng"
assert_contains "$WORK/err.txt" "image is 300x200 = 60000 pixels, over the limit of 59999 (--max-pixels)"
run_imgbatch 0 -o "$WORK/limit" -r 150 --max-pixels 60000 "$in/photo.dng"

# A cut DNG fails with a RAW reason, cut in its raw data or in its IFDs.
for n in 100000 2500; do
	head -c $n "$in/photo.dng" >"$WORK/cut$n.dng"
	run_imgbatch 1 -o "$WORK/cut" "$WORK/cut$n.dng"
	assert_contains "$WORK/err.txt" "cut$n.dng: RAW: damaged file or unknown camera"
done

# A damaged preview fails with the JPEG codec's reason, and nothing else is
# printed (libraw's libjpeg would warn on stderr: "Corrupt JPEG data").
cp "$in/photo.dng" "$WORK/badpreview.dng"
printf '\0\0\0\0' | dd of="$WORK/badpreview.dng" bs=1 seek=8 conv=notrunc 2>/dev/null
run_imgbatch 1 -o "$WORK/cut" -r 150 "$WORK/badpreview.dng"
assert_contains "$WORK/err.txt" "badpreview.dng: RAW: preview: JPEG: "
! grep -q "Corrupt JPEG" "$WORK/err.txt" || fail "libjpeg's warning reached stderr"

# Thumbnails: from the preview, with the RAW's MIME type.
XDG_CACHE_HOME=$WORK/cache run_imgbatch 0 thumbnail "$in/photo.dng"
t=$(find "$WORK/cache/thumbnails/large" -name '*.png')
assert_eq "$("$DECODE" text "$t" | sed -n 's/^Thumb::Mimetype=//p')" "image/x-adobe-dng" \
	"Thumb::Mimetype"
assert_eq "$(image_size "$t")" "256 171" "thumbnail size"
