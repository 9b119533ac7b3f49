#!/bin/sh
# TIFF pages libtiff's RGBA interface refuses or misreads, made here with
# ImageMagick and read sample by sample: 32-bit floating point (linear
# light, as libvips takes it), 32-bit integers, signed samples, 16-bit CMYK
# in strips and tiles, CIELab at 8 and 16 bits.  Each output is checked
# against libvips' decode of the same file at 35 dB or more; where libvips
# reads the samples but converts them otherwise (32-bit integers it clips to
# 8 bits, CMYK it converts through a press profile of its own), against
# libvips' samples put through imgbatch's mapping with vips' own operations.
. "$(dirname "$0")/lib.sh"

command -v convert >/dev/null 2>&1 || { echo "SKIP: ImageMagick is needed"; exit 77; }
command -v vips >/dev/null 2>&1 || { echo "SKIP: vips is needed"; exit 77; }
make_fixtures "$WORK/s"
photo=$WORK/s/photo.jpg
in=$WORK/in
mkdir "$in"
rgb="-type TrueColor"
# Deflate: uncompressed, this ImageMagick sets a Predictor tag libtiff refuses
convert "$photo" $rgb -define quantum:format=floating-point -depth 32 -compress zip "$in/float.tif"
convert "$photo" $rgb -depth 32 "$in/uint32.tif"
convert "$photo" $rgb -define quantum:format=signed -depth 8 "$in/signed8.tif"
convert "$photo" -colorspace gray -define quantum:format=signed -depth 16 "$in/signed16.tif"
convert "$photo" -colorspace cmyk -depth 16 "$in/cmyk16.tif"
convert "$photo" -colorspace cmyk -depth 16 -define tiff:tile-geometry=64x64 "$in/cmyk16-tiled.tif"
convert "$photo" -colorspace Lab "$in/lab8.tif"
convert "$photo" -colorspace Lab -depth 16 "$in/lab16.tif"

run_imgbatch 0 -o "$WORK/out" --format png --json "$in"
assert_eq "$(json_summary done)" 8 "TIFFs read"
"$DECODE" info "$WORK/out/float.png" | grep -q ' 3 16' || fail "float TIFF not delivered at 16 bits"
"$DECODE" info "$WORK/out/signed8.png" | grep -q ' 3 8' || fail "signed 8-bit TIFF not at 8 bits"
"$DECODE" info "$WORK/out/signed16.png" | grep -q ' 1 16' || fail "signed 16-bit gray TIFF not gray"

# at_least NAME REFERENCE: the PSNR of imgbatch's output against REFERENCE.
at_least() {
	psnr=$("$DECODE" diff "$WORK/out/$1.png" "$2" | cut -d' ' -f2)
	awk "BEGIN { exit !($psnr >= 35) }" || fail "$1.tif: $psnr dB against libvips"
}
# libvips' decode, converted to sRGB (float RGB is scRGB there, Lab is Lab).
for f in float lab8 lab16; do
	vips colourspace "$in/$f.tif" "$WORK/ref-$f.png" srgb
	at_least "$f" "$WORK/ref-$f.png"
done
# signed samples: libvips casts them to unsigned, clipping negatives to 0
for f in signed8 signed16; do
	vips copy "$in/$f.tif" "$WORK/ref-$f.png"
	at_least "$f" "$WORK/ref-$f.png"
done
# 32-bit integers: the top 8 bits (imgbatch keeps 16; the PSNR is over 8)
vips linear "$in/uint32.tif" "$WORK/u.v" 0.000000059604644775390625 0 --uchar
vips copy "$WORK/u.v" "$WORK/ref-uint32.png"
at_least uint32 "$WORK/ref-uint32.png"
# CMYK: R = (1 - C)(1 - K) and so on, on libvips' 16-bit samples
for f in cmyk16 cmyk16-tiled; do
	vips extract_band "$in/$f.tif" "$WORK/cmy.v" 0 --n 3
	vips extract_band "$in/$f.tif" "$WORK/k.v" 3
	vips invert "$WORK/cmy.v" "$WORK/icmy.v"
	vips invert "$WORK/k.v" "$WORK/ik.v"
	vips multiply "$WORK/icmy.v" "$WORK/ik.v" "$WORK/rgb.v"
	vips linear "$WORK/rgb.v" "$WORK/rgb8.v" 0.0000000593737 0 --uchar
	vips copy "$WORK/rgb8.v" "$WORK/ref-$f.png"
	at_least "$f" "$WORK/ref-$f.png"
done
