#!/bin/sh
# WebP, GIF, TIFF, HEIC and AVIF inputs, made here with ImageMagick and
# heif-enc in the layouts each format has, read by every command: convert's
# outputs match ImageMagick's (or heif-convert's) decode of the same file
# (exactly, or >= 45 dB where the two deliver different depths), formats are
# told by content (a WebP named .jpg works), JSON and thumbnails name the
# format, and damaged files fail with a reason.
. "$(dirname "$0")/lib.sh"

command -v convert >/dev/null 2>&1 || { echo "SKIP: ImageMagick is needed"; exit 77; }
make_fixtures "$WORK/s"
# libjxl's libhwy cannot be loaded under valgrind (SIGILL in its CPU probes,
# see src/codec/jxl.c): imgbatch's JPEG XL runs are skipped there.
if [ -n "${IMGBATCH_VALGRIND:-}" ]; then
	echo "note: JPEG XL parts skipped under valgrind"
	jxl_runs=false
else
	jxl_runs=true
fi
in=$WORK/in
mkdir "$in"
photo=$WORK/s/photo.jpg
soft=$WORK/s/rgba-soft.png
convert "$photo" -quality 80 "$in/lossy.webp"
convert "$photo" -define webp:lossless=true "$in/lossless.webp"
convert "$soft" -define webp:lossless=true "$in/alpha.webp"
convert "$photo" "$in/plain.gif"
convert "$soft" "$in/transparent.gif"
convert "$photo" -interlace GIF "$in/interlaced.gif"
convert "$photo" "$in/rgb.tif"
convert "$soft" "$in/rgba.tif"
convert "$WORK/s/photo-gray.jpg" "$in/gray.tif"
convert "$WORK/s/gray-alpha.png" "$in/gray-alpha.tif"
convert "$photo" -colorspace cmyk "$in/cmyk.tif"
convert "$photo" -compress zip -define tiff:tile-geometry=64x64 "$in/tiled.tif"
convert "$photo" -depth 16 "$in/rgb16.tif"
convert "$photo" -colors 64 -type palette "$in/palette.tif"
# animations: the first frame is the image
convert -delay 10 "$photo" -flop "$photo" "$in/animgif.gif"
convert -delay 10 "$photo" -flop "$photo" -define webp:lossless=true "$in/animwebp.webp"
# a WebP named .jpg: content decides
cp "$in/lossless.webp" "$in/misnamed.jpg"

# HEIC and AVIF through heif-enc (libheif's own encoders: x265, aom).
heif=$WORK/heif
mkdir "$heif"
convert "$photo" PNG48:"$WORK/photo16.png"
heif-enc -q 60 "$photo" -o "$heif/photo.heic" >/dev/null
heif-enc -q 90 "$soft" -o "$heif/alpha.heic" >/dev/null
heif-enc -b 10 -q 80 "$WORK/photo16.png" -o "$heif/tenbit.heic" >/dev/null
heif-enc -t 320 -q 60 "$photo" -o "$heif/thumbed.heic" >/dev/null
heif-enc -A -q 60 "$photo" -o "$heif/photo-av1.avif" >/dev/null
heif-enc -A -q 90 "$soft" -o "$heif/alpha-av1.avif" >/dev/null
run_imgbatch 0 -o "$WORK/hfull" --format png --json "$heif"
assert_eq "$(json_summary done)" 6 "HEIF and AVIF inputs converted"
for f in photo.heic alpha.heic tenbit.heic photo-av1.avif alpha-av1.avif; do
	heif-convert "$heif/$f" "$WORK/ref.png" >/dev/null
	psnr=$("$DECODE" diff "$WORK/hfull/${f%.*}.png" "$WORK/ref.png" | cut -d' ' -f2)
	awk "BEGIN { exit !($psnr >= 50) }" || fail "$f: $psnr dB against heif-convert"
done
"$DECODE" info "$WORK/hfull/tenbit.png" | grep -q ' 3 16' || fail "10-bit HEIC not delivered as 16-bit"
"$DECODE" info "$WORK/hfull/alpha-av1.png" | grep -q ' 4 8' || fail "AVIF alpha lost"
grep '"input":"[^"]*photo-av1.avif"' "$WORK/out.txt" | grep -q '"format":"avif"' ||
	fail "an AVIF is not reported as avif"
grep '"input":"[^"]*photo.heic"' "$WORK/out.txt" | grep -q '"format":"heif"' ||
	fail "a HEIC is not reported as heif"
# a small output comes from the thumbnail item, which covers it: the same
# picture as the full decode, resized
run_imgbatch 0 -o "$WORK/hsmall" --format png -r 200 "$heif/thumbed.heic" "$heif/photo.heic"
psnr=$("$DECODE" diff "$WORK/hsmall/thumbed.png" "$WORK/hsmall/photo.png" | cut -d' ' -f2)
awk "BEGIN { exit !($psnr >= 30) }" || fail "thumbnail item: $psnr dB against the full decode"
# --format same: HEIC becomes JPEG, AVIF stays AVIF
run_imgbatch 0 -o "$WORK/hsame" "$heif/photo.heic" "$heif/alpha-av1.avif"
[ -f "$WORK/hsame/photo.jpg" ] && [ -f "$WORK/hsame/alpha-av1.avif" ] ||
	fail "--format same: $(ls "$WORK/hsame")"
head -c 5000 "$heif/photo.heic" >"$WORK/bad-cut.heic"
run_imgbatch 1 -o "$WORK/hbad" --json "$WORK/bad-cut.heic"
grep -q '"reason":"HEIF: ' "$WORK/out.txt" || fail "a cut HEIC has no HEIF reason"

# libheif is loaded with dlopen when the first HEIF or AVIF file is read or
# written (src/codec/heif.c), not linked: the program needs neither it nor
# its codecs' libraries, a run on a JPEG does not load it, and a run that
# cannot load it fails the file with a reason.  (The program itself, not
# the valgrind wrapper, for what the dynamic loader does.)
if command -v ldd >/dev/null 2>&1; then
	! ldd "$top_builddir/imgbatch" | grep -E 'lib(heif|de265|x265|aom|dav1d)\.' ||
		fail "imgbatch is linked with libheif or its codecs"
fi
LD_DEBUG=files "$top_builddir/imgbatch" thumbnail --one -s 64 "$photo" "$WORK/t.png" \
	2>"$WORK/ld.txt" || fail "thumbnail of a JPEG failed"
! grep -q 'file=libheif' "$WORK/ld.txt" || fail "a JPEG run loads libheif"
LD_DEBUG=files "$top_builddir/imgbatch" thumbnail --one -s 64 "$heif/photo.heic" "$WORK/t.png" \
	2>"$WORK/ld.txt" || fail "thumbnail of a HEIC failed"
grep -q 'file=libheif' "$WORK/ld.txt" || fail "a HEIC run does not load libheif"
heif_soname=$(sed -n 's/^#define HEIF_SONAME "\(.*\)"$/\1/p' "$top_builddir/config.h")
mkdir "$WORK/nolib"
: >"$WORK/nolib/$heif_soname"     # an empty file: dlopen finds it first and refuses it
# without_libheif NAME ARGS...: imgbatch ARGS with that file first in the
# library path (for this run alone); the file fails, NAME's reason says why.
without_libheif() {
	name=$1
	shift
	set +e
	LD_LIBRARY_PATH=$WORK/nolib "$IMGBATCH" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"
	code=$?
	set -e
	assert_eq "$code" 1 "imgbatch $* without libheif"
	assert_contains "$WORK/out.txt" "\"reason\":\"$name: cannot load $heif_soname: "
}
without_libheif HEIF -o "$WORK/hnolib" --json "$heif/photo.heic"
without_libheif AVIF -o "$WORK/anolib" --format avif --json "$photo"

# JPEG XL through cjxl: a recompressed JPEG, lossy with alpha, lossless
# 16-bit, and an orientation tag (kept by our decoder, applied by the
# pipeline: the result is upright as djxl makes it).
if $jxl_runs; then
	jxl=$WORK/jxl
	mkdir "$jxl"
	cjxl "$photo" "$jxl/recompressed.jxl" >/dev/null 2>&1
	cjxl -d 1 "$soft" "$jxl/alpha.jxl" >/dev/null 2>&1
	cjxl -d 0 "$WORK/photo16.png" "$jxl/deep.jxl" >/dev/null 2>&1
	cjxl -d 1 "$WORK/s/orientation-6.jpg" "$jxl/turned.jxl" >/dev/null 2>&1
	run_imgbatch 0 -o "$WORK/jfull" --format png --json "$jxl"
	assert_eq "$(json_summary done)" 4 "JPEG XL inputs converted"
	for f in recompressed alpha deep turned; do
		djxl "$jxl/$f.jxl" "$WORK/ref.png" >/dev/null 2>&1
		d=$("$DECODE" diff "$WORK/jfull/$f.png" "$WORK/ref.png" | cut -d' ' -f1)
		[ "$d" -eq 0 ] || fail "$f.jxl differs from djxl's decode by $d levels"
	done
	"$DECODE" info "$WORK/jfull/deep.png" | grep -q ' 3 16' || fail "16-bit JPEG XL not kept at 16 bits"
	head -c 3000 "$jxl/recompressed.jxl" >"$WORK/bad-cut.jxl"
	run_imgbatch 1 -o "$WORK/jbad" --json "$WORK/bad-cut.jxl"
	grep -q '"reason":"JPEG XL: ' "$WORK/out.txt" || fail "a cut JPEG XL file has no reason"
fi

# Every input at full size as PNG, against ImageMagick's reading.
run_imgbatch 0 -o "$WORK/full" --format png --json "$in"
assert_eq "$(json_summary done)" 17 "inputs converted"
check_exact() {   # NAME OUTPUT [LEVELS]
	convert "$in/$1[0]" -depth 8 "$WORK/ref.png"
	d=$("$DECODE" diff "$WORK/full/$2" "$WORK/ref.png" | cut -d' ' -f1)
	[ "$d" -le "${3:-0}" ] || fail "$1 differs from ImageMagick's decode by $d levels"
}
for f in lossless.webp alpha.webp plain.gif transparent.gif interlaced.gif rgb.tif rgba.tif \
	gray.tif gray-alpha.tif tiled.tif animgif.gif animwebp.webp; do
	check_exact "$f" "${f%.*}.png"
done
check_exact misnamed.jpg misnamed.png
# a TIFF palette holds 16-bit colours: the two round them to 8 bits apart
check_exact palette.tif palette.png 1
# lossy WebP and 16-bit TIFF go through libwebp / 8-bit delivery on both sides
for f in lossy.webp rgb16.tif cmyk.tif; do
	convert "$in/$f" -depth 8 "$WORK/ref.png"
	psnr=$("$DECODE" diff "$WORK/full/${f%.*}.png" "$WORK/ref.png" | cut -d' ' -f2)
	awk "BEGIN { exit !($psnr >= 45) }" || fail "$f: $psnr dB against ImageMagick"
done
grep '"input":"[^"]*misnamed.jpg"' "$WORK/out.txt" | grep -q '"format":"webp"' ||
	fail "a WebP named .jpg is not reported as webp"
grep '"input":"[^"]*cmyk.tif"' "$WORK/out.txt" | grep -q '"format":"tiff"' ||
	fail "a TIFF is not reported as tiff"
assert_eq "$(image_size "$WORK/full/transparent.png")" "$(image_size "$soft")" "GIF size"
"$DECODE" info "$WORK/full/gray.png" | grep -q ' 1 8' || fail "a gray TIFF is not gray"
"$DECODE" info "$WORK/full/alpha.png" | grep -q ' 4 8' || fail "WebP alpha lost"

# --format same: formats imgbatch cannot write become PNG; TIFF stays TIFF
run_imgbatch 0 -o "$WORK/same" "$in/plain.gif" "$in/rgb.tif"
[ -f "$WORK/same/plain.png" ] || fail "--format same did not write plain.png"
[ -f "$WORK/same/rgb.tif" ] || fail "--format same did not keep TIFF: $(ls "$WORK/same")"
convert "$in/rgb.tif" rgb:"$WORK/ref.raw"
convert "$WORK/same/rgb.tif" rgb:"$WORK/out.raw"
cmp -s "$WORK/ref.raw" "$WORK/out.raw" || fail "--format same: the TIFF's pixels changed"
run_imgbatch 2 -o "$WORK/x" --format gif "$in"
assert_contains "$WORK/err.txt" "invalid --format 'gif'"

# WebP output: lossy at -q, lossless exact, alpha kept, gray and 16-bit
# inputs become 8-bit RGB; the files are what dwebp-compatible libwebp reads.
run_imgbatch 0 -o "$WORK/wout" --format webp -q 90 "$photo" "$WORK/s/gray16.png"
run_imgbatch 0 -o "$WORK/wless" --format webp --lossless "$soft"
convert "$WORK/wout/photo.webp" "$WORK/ref.png"
psnr=$("$DECODE" diff "$WORK/ref.png" "$photo" | cut -d' ' -f2)
awk "BEGIN { exit !($psnr >= 35) }" || fail "WebP at q90: $psnr dB against the source"
convert "$WORK/wless/rgba-soft.webp" "$WORK/ref.png"
d=$("$DECODE" diff "$WORK/ref.png" "$soft" | cut -d' ' -f1)
[ "$d" -eq 0 ] || fail "lossless WebP with alpha differs by $d levels"
run_imgbatch 0 -o "$WORK/wsame" --format same "$WORK/wless/rgba-soft.webp"
[ -f "$WORK/wsame/rgba-soft.webp" ] || fail "--format same did not keep WebP"

# AVIF output through libheif's AV1 encoder: lossy at -q with alpha kept,
# lossless exact (stored as RGB, full chroma), --effort checked.
run_imgbatch 0 -o "$WORK/aout" --format avif -q 70 --effort 2 "$photo" "$soft"
heif-convert "$WORK/aout/photo.avif" "$WORK/ref.png" >/dev/null
psnr=$("$DECODE" diff "$WORK/ref.png" "$photo" | cut -d' ' -f2)
awk "BEGIN { exit !($psnr >= 33) }" || fail "AVIF at q70: $psnr dB against the source"
"$DECODE" info "$WORK/aout/rgba-soft.avif" | grep -q ' 4 8' || fail "AVIF output lost alpha"
run_imgbatch 0 -o "$WORK/aless" --format avif --lossless "$soft"
heif-convert "$WORK/aless/rgba-soft.avif" "$WORK/ref.png" >/dev/null
d=$("$DECODE" diff "$WORK/ref.png" "$soft" | cut -d' ' -f1)
[ "$d" -eq 0 ] || fail "lossless AVIF differs by $d levels"
run_imgbatch 2 -o "$WORK/x" --format avif --effort 10 "$photo"
assert_contains "$WORK/err.txt" "invalid --effort '10'"

# TIFF output: Deflate, lossless at 8 and 16 bits in every layout, as
# ImageMagick reads it back (its raw samples, at the source's depth, equal
# the source's); unassociated alpha; the ICC profile carried; --compression
# is the Deflate level.
tin=$WORK/tin
mkdir "$tin"
cp "$photo" "$soft" "$WORK/s/gray16.png" "$WORK/s/rgb16.png" "$WORK/s/gray-alpha.png" \
	"$WORK/s/photo-gray.jpg" "$tin/"
run_imgbatch 0 -o "$WORK/tout" --format tiff --json "$tin"
assert_eq "$(json_summary done)" 6 "TIFF outputs"
for src in "$tin"/*; do
	f=$(basename "$src")
	out=$WORK/tout/${f%.*}.tif
	[ "$(identify -format '%C' "$out")" = Zip ] || fail "$f: TIFF not Deflate-compressed"
	depth=$(identify -format '%z' "$src")
	assert_eq "$(identify -format '%z' "$out")" "$depth" "$f: TIFF depth"
	convert "$src" -depth "$depth" rgba:"$WORK/ref.raw"
	convert "$out" -depth "$depth" rgba:"$WORK/out.raw"
	cmp -s "$WORK/ref.raw" "$WORK/out.raw" || fail "$f: TIFF samples differ from the source"
done
for f in rgba-soft gray-alpha; do
	identify -verbose "$WORK/tout/$f.tif" | grep -q 'tiff:alpha: unassociated' ||
		fail "$f.tif: alpha is not unassociated"
done
# a Display P3 PNG (an sRGB profile would not be carried: it changes nothing)
run_imgbatch 0 -o "$WORK/p3dir" --profile p3 --format png "$photo"
mv "$WORK/p3dir/$(basename "${photo%.*}").png" "$WORK/p3.png"
convert "$WORK/p3.png" icc:"$WORK/p3.icc"
run_imgbatch 0 -o "$WORK/ticc" --format tiff "$WORK/p3.png"
convert "$WORK/ticc/p3.tif" icc:"$WORK/out.icc" || fail "the TIFF has no ICC profile"
cmp -s "$WORK/p3.icc" "$WORK/out.icc" || fail "the TIFF's ICC profile is not the input's"
run_imgbatch 0 -o "$WORK/tstrip" --format tiff --strip "$WORK/p3.png"
identify -verbose "$WORK/tstrip/p3.tif" | grep -q 'Profile-icc' && fail "--strip kept the ICC profile"
run_imgbatch 0 -o "$WORK/tstore" --format tiff --compression 0 "$photo"
[ "$(stat -c %s "$WORK/tstore/photo.tif")" -gt $(($(stat -c %s "$WORK/tout/photo.tif") * 5 / 4)) ] ||
	fail "--compression 0 does not store the TIFF's data uncompressed"

# JPEG XL output through libjxl, read back by djxl: --lossless exact in
# every layout at 8 and 16 bits, --effort heard (1 makes a larger file than
# 3) and checked, lossy at -q 90 >= 35 dB with alpha kept, the ICC profile
# carried byte for byte, and JPEG XL stays JPEG XL under --format same.
if $jxl_runs; then
	xin=$WORK/xin
	mkdir "$xin"
	cp "$photo" "$soft" "$WORK/s/gray16.png" "$WORK/s/rgb16.png" "$WORK/s/gray-alpha.png" \
		"$WORK/s/photo-gray.jpg" "$xin/"
	run_imgbatch 0 -o "$WORK/xless" --format jxl --lossless --effort 3 --json "$xin"
	assert_eq "$(json_summary done)" 6 "lossless JPEG XL outputs"
	for src in "$xin"/*; do
		f=$(basename "$src")
		djxl "$WORK/xless/${f%.*}.jxl" "$WORK/ref.png" >/dev/null 2>&1 ||
			fail "djxl cannot read ${f%.*}.jxl"
		assert_eq "$("$DECODE" info "$WORK/ref.png" | cut -d' ' -f3,4)" \
			"$("$DECODE" info "$src" | cut -d' ' -f3,4)" "$f: JPEG XL channels and depth"
		depth=$(identify -format '%z' "$src")
		convert "$src" -depth "$depth" rgba:"$WORK/ref.raw"
		convert "$WORK/ref.png" -depth "$depth" rgba:"$WORK/out.raw"
		cmp -s "$WORK/ref.raw" "$WORK/out.raw" || fail "$f: lossless JPEG XL samples differ"
	done
	run_imgbatch 0 -o "$WORK/xfast" --format jxl --lossless --effort 1 "$photo"
	[ "$(stat -c %s "$WORK/xfast/photo.jxl")" -gt "$(stat -c %s "$WORK/xless/photo.jxl")" ] ||
		fail "--effort 1 does not make a larger JPEG XL file than --effort 3"
	run_imgbatch 2 -o "$WORK/x" --format jxl --effort 0 "$photo"
	assert_contains "$WORK/err.txt" "invalid --effort '0'"
	run_imgbatch 0 -o "$WORK/xq" --format jxl -q 90 "$photo" "$soft"
	djxl "$WORK/xq/photo.jxl" "$WORK/ref.png" >/dev/null 2>&1
	psnr=$("$DECODE" diff "$WORK/ref.png" "$photo" | cut -d' ' -f2)
	awk "BEGIN { exit !($psnr >= 35) }" || fail "JPEG XL at q90: $psnr dB against the source"
	djxl "$WORK/xq/rgba-soft.jxl" "$WORK/ref.png" >/dev/null 2>&1
	"$DECODE" info "$WORK/ref.png" | grep -q ' 4 8' || fail "lossy JPEG XL lost alpha"
	run_imgbatch 0 -o "$WORK/xicc" --format jxl --lossless "$WORK/p3.png"
	djxl "$WORK/xicc/p3.jxl" "$WORK/ref.png" >/dev/null 2>&1
	convert "$WORK/ref.png" icc:"$WORK/out.icc" || fail "the JPEG XL file has no ICC profile"
	cmp -s "$WORK/p3.icc" "$WORK/out.icc" || fail "the JPEG XL file's ICC profile is not the input's"
	run_imgbatch 0 -o "$WORK/xsame" "$WORK/xq/rgba-soft.jxl"
	[ -f "$WORK/xsame/rgba-soft.jxl" ] || fail "--format same did not keep JPEG XL: $(ls "$WORK/xsame")"
	djxl "$WORK/xsame/rgba-soft.jxl" "$WORK/ref.png" >/dev/null 2>&1 ||
		fail "--format same did not write a JPEG XL file"
fi

# Shrink-on-load: a small WebP output is decoded small and still matches.
run_imgbatch 0 -o "$WORK/small" --format png -r 128 "$in/lossless.webp"
convert "$in/lossless.webp" -resize 128 "$WORK/ref.png"
psnr=$("$DECODE" diff "$WORK/small/lossless.png" "$WORK/ref.png" | cut -d' ' -f2)
awk "BEGIN { exit !($psnr >= 30) }" || fail "scaled WebP: $psnr dB against ImageMagick's resize"

# TIFF orientation tags are applied like EXIF's.
i=0
for o in TopLeft TopRight BottomRight BottomLeft LeftTop RightTop RightBottom LeftBottom; do
	i=$((i + 1))
	mkdir -p "$WORK/orient"
	convert "$WORK/s/orientation-1.jpg" -orient $o "$WORK/orient/o$i.tif"
done
run_imgbatch 0 -o "$WORK/upright" --format png "$WORK/orient"
for i in 1 2 3 4 5 6 7 8; do
	convert "$WORK/orient/o$i.tif" -auto-orient "$WORK/ref.png"
	d=$("$DECODE" diff "$WORK/upright/o$i.png" "$WORK/ref.png" | cut -d' ' -f1)
	[ "$d" -eq 0 ] || fail "TIFF orientation $i: off by $d levels"
done

# Thumbnails carry the original's MIME type.
XDG_CACHE_HOME=$WORK/cache run_imgbatch 0 thumbnail "$in/lossy.webp" "$in/plain.gif"
for t in "$WORK"/cache/thumbnails/large/*.png; do
	python3 - "$t" <<'PY' || fail "thumbnail $t has no image/webp or image/gif Thumb::Mimetype"
import sys, zlib, struct
data = open(sys.argv[1], 'rb').read()
pos, found = 8, None
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'tEXt' and body.startswith(b'Thumb::Mimetype\0'):
        found = body.split(b'\0', 1)[1]
    pos += 12 + n
sys.exit(0 if found in (b'image/webp', b'image/gif') else 1)
PY
done

# compare reads them too: a WebP against itself passes, against its mirror fails.
run_imgbatch 0 compare "$in/lossless.webp" "$in/lossless.webp"
convert "$in/lossless.webp" -flop -define webp:lossless=true "$WORK/flopped.webp"
run_imgbatch 1 compare "$in/lossless.webp" "$WORK/flopped.webp"

# Honest accounting: in a folder, a non-image is skipped and an image in a
# format imgbatch does not read is skipped as that format; named on the
# command line, either fails.  compare calls an unreadable pair an error.
mkdir "$WORK/other"
convert "$photo" "$WORK/other/picture.bmp"
printf '8BPS\000\001' >"$WORK/other/layers.psd"
printf 'BM is a fine way to start a text' >"$WORK/other/notes.txt"
run_imgbatch 0 -o "$WORK/otherout" --json "$WORK/other"
grep -q '"input":"[^"]*picture.bmp","reason":"unsupported format BMP"' "$WORK/out.txt" ||
	fail "a BMP is not skipped as BMP"
grep -q '"input":"[^"]*layers.psd","reason":"unsupported format PSD"' "$WORK/out.txt" ||
	fail "a PSD is not skipped as PSD"
grep -q '"input":"[^"]*notes.txt","reason":"not an image in a format imgbatch reads"' \
	"$WORK/out.txt" || fail "a text starting with BM is not a plain non-image"
assert_eq "$(json_summary skipped)" 3 "skipped in a folder"
run_imgbatch 1 -o "$WORK/otherout2" --json "$WORK/other/picture.bmp" "$WORK/other/notes.txt"
assert_eq "$(json_summary failed)" 2 "named files that cannot be read"
grep -q '"status":"failed","input":"[^"]*picture.bmp","reason":"unsupported format BMP"' \
	"$WORK/out.txt" || fail "a named BMP does not fail"
run_imgbatch 2 compare --junit "$WORK/psd.xml" "$WORK/other/layers.psd" "$WORK/other/layers.psd"
assert_contains "$WORK/err.txt" "unsupported format PSD"
assert_contains "$WORK/psd.xml" "<error"

# A GIF with no colour map at all (the spec leaves its colours to the
# decoder): 2x1 pixels of indexes 0 and 1, shown black and white as libvips
# shows them.  LZW, 3-bit codes: clear 4, 0, 1, end 5 = bytes 0x44 0x0a.
printf 'GIF89a\002\000\001\000\000\000\000,\000\000\000\000\002\000\001\000\000\002\002D\n\000;' \
	>"$WORK/no-colour-map.gif"
run_imgbatch 0 --format png -o "$WORK/nomap" "$WORK/no-colour-map.gif"
assert_eq "$(convert "$WORK/nomap/no-colour-map.png" -depth 8 rgb:- | od -An -tu1 | tr -s ' ')" \
	" 0 0 0 255 255 255" "a GIF without a colour map"

# Damaged files fail with the format's reason; the batch goes on.
mkdir "$WORK/bad"
head -c 2000 "$in/lossy.webp" >"$WORK/bad/cut-webp.webp"
head -c 3000 "$in/plain.gif" >"$WORK/bad/cut-gif.gif"
head -c 100 "$in/rgb.tif" >"$WORK/bad/cut-tif.tif"
cp "$in/gray.tif" "$WORK/bad/good.tif"
run_imgbatch 1 -o "$WORK/badout" --json "$WORK/bad"
assert_eq "$(json_summary done)" 1 "the intact file"
assert_eq "$(json_summary failed)" 3 "the damaged files"
grep -q '"input":"[^"]*cut-webp.webp","reason":"WebP: ' "$WORK/out.txt" || fail "no WebP reason"
grep -q '"input":"[^"]*cut-gif.gif","reason":"GIF: ' "$WORK/out.txt" || fail "no GIF reason"
grep -q '"input":"[^"]*cut-tif.tif","reason":"TIFF: ' "$WORK/out.txt" || fail "no TIFF reason"
[ -z "$(ls "$WORK/badout" | grep cut)" ] || fail "a damaged file left an output"
# giflib calls bad data such as an LZW code size over 8 a failed read: with
# bytes left, that is not a cut file (the GIF above with code size 11).
printf 'GIF89a\002\000\001\000\000\000\000,\000\000\000\000\002\000\001\000\000\013\002D\n\000;' \
	>"$WORK/bad-lzw.gif"
run_imgbatch 1 -o "$WORK/badlzw" "$WORK/bad-lzw.gif"
assert_contains "$WORK/err.txt" "bad-lzw.gif: GIF: corrupt data (stopped before the end)"
note "ok"
