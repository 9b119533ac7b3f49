#!/bin/sh
# Encoder options: --subsample (JPEG and AVIF chroma factors as asked, the
# quality rule by default, pixels still close to the source); --progressive
# PNGs (Adam7: the IHDR says so, the pixels equal the plain output's);
# --palette (colour type 3, at most --colours entries, close to the
# truecolour output, alpha kept through tRNS, bad values refused).
. "$(dirname "$0")/lib.sh"

command -v identify >/dev/null 2>&1 || { echo "SKIP: ImageMagick is needed"; exit 77; }
make_fixtures "$WORK/s"
photo=$WORK/s/photo.jpg

# psnr_at_least A B DB WHAT: fails unless A is within DB dB of B.
psnr_at_least() {
	psnr=$("$DECODE" diff "$1" "$2" | cut -d' ' -f2)
	awk "BEGIN { exit !($psnr >= $3) }" || fail "$4: $psnr dB < $3"
}

# the truecolour reference: the source decoded as imgbatch decodes it
run_imgbatch 0 --format png -o "$WORK/ref" "$photo"
ref=$WORK/ref/photo.png

# ---- --subsample ----
sampling() {
	identify -format '%[jpeg:sampling-factor]' "$1"
}
for s in 444:1x1 422:2x1 420:2x2; do
	run_imgbatch 0 --subsample "${s%:*}" -q 85 --format jpeg -o "$WORK/sub${s%:*}" "$photo"
	out=$WORK/sub${s%:*}/photo.jpg
	assert_eq "$(sampling "$out")" "${s#*:},1x1,1x1" "--subsample ${s%:*}"
	psnr_at_least "$out" "$ref" 40 "JPEG q85 --subsample ${s%:*}"
done
# the default: by quality
run_imgbatch 0 -q 89 --format jpeg -o "$WORK/q89" "$photo"
assert_eq "$(sampling "$WORK/q89/photo.jpg")" "2x2,1x1,1x1" "default at q89"
run_imgbatch 0 -q 90 --format jpeg -o "$WORK/q90" "$photo"
assert_eq "$(sampling "$WORK/q90/photo.jpg")" "1x1,1x1,1x1" "default at q90"
# gray JPEGs have no chroma: the option is harmless
run_imgbatch 0 --subsample 420 --format jpeg -o "$WORK/gray" "$WORK/s/photo-gray.jpg"
assert_eq "$(sampling "$WORK/gray/photo-gray.jpg")" "1x1" "gray with --subsample"

# AVIF: the av1C box's byte 3 holds chroma_subsampling_x and _y in bits 3, 2
av1c_subsampling() {
	at=$(grep -obUa av1C "$1" | head -n 1 | cut -d: -f1)
	byte=$(od -An -tu1 -j $((at + 6)) -N1 "$1" | tr -d ' ')
	echo $(((byte >> 3) & 1))$(((byte >> 2) & 1))
}
for s in 444:00 422:10 420:11; do
	run_imgbatch 0 --subsample "${s%:*}" -r 160 --format avif -o "$WORK/avif${s%:*}" "$photo"
	assert_eq "$(av1c_subsampling "$WORK/avif${s%:*}/photo.avif")" "${s#*:}" "AVIF --subsample ${s%:*}"
done
run_imgbatch 0 -r 160 --format png -o "$WORK/ref160" "$photo"
psnr_at_least "$WORK/avif420/photo.avif" "$WORK/ref160/photo.png" 33 "AVIF q85 --subsample 420"

for bad in 411 44 '' 4440; do
	run_imgbatch 2 --subsample "$bad" -o "$WORK/bad" "$photo"
	assert_contains "$WORK/err.txt" "use 444, 422 or 420"
done

# ---- --progressive for PNG: Adam7 ----
# ihdr_interlace FILE: the IHDR's interlace method byte (offset 8 + 8 + 12)
ihdr_interlace() {
	od -An -tu1 -j 28 -N1 "$1" | tr -d ' '
}
for f in photo.jpg rgba-soft.png rgb16.png gray-alpha.png palette.png; do
	run_imgbatch 0 --format png -o "$WORK/plain" "$WORK/s/$f"
	run_imgbatch 0 --progressive --format png -o "$WORK/adam7" "$WORK/s/$f"
	plain=$WORK/plain/${f%.*}.png
	adam7=$WORK/adam7/${f%.*}.png
	assert_eq "$(ihdr_interlace "$plain")" 0 "$f: interlace without --progressive"
	assert_eq "$(ihdr_interlace "$adam7")" 1 "$f: interlace with --progressive"
	assert_eq "$("$DECODE" info "$adam7")" "$("$DECODE" info "$plain")" "$f: layout"
	assert_eq "$("$DECODE" diff "$adam7" "$plain" | cut -d' ' -f1)" 0 "$f: largest difference"
done
# an independent decoder agrees
convert "$WORK/adam7/photo.png" "$WORK/im-adam7.png"
assert_eq "$("$DECODE" diff "$WORK/im-adam7.png" "$WORK/plain/photo.png" | cut -d' ' -f1)" 0 \
	"ImageMagick's decode of the Adam7 output"

# ---- --palette, --colours, --dither ----
# png_byte FILE OFFSET: one byte of FILE, in decimal
png_byte() {
	od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '
}
# plte_entries FILE: the PLTE chunk's length / 3 (its length field is the 4
# bytes before the name; palettes are under 256 * 3 bytes, so the last two)
plte_entries() {
	at=$(grep -obUa PLTE "$1" | head -n 1 | cut -d: -f1)
	echo $((($(png_byte "$1" $((at - 2))) * 256 + $(png_byte "$1" $((at - 1)))) / 3))
}
for n in 256 64 2; do
	run_imgbatch 0 --palette --colours "$n" --format png -o "$WORK/pal$n" "$photo"
	out=$WORK/pal$n/photo.png
	assert_eq "$(png_byte "$out" 25)" 3 "--colours $n: colour type"
	entries=$(plte_entries "$out")
	[ "$entries" -ge 2 ] && [ "$entries" -le "$n" ] || fail "--colours $n: $entries palette entries"
	assert_eq "$(identify -format '%[type]' "$out")" Palette "--colours $n: ImageMagick's reading"
done
psnr_at_least "$WORK/pal256/photo.png" "$ref" 30 "--palette (256 colours)"
# fewer colours cost fidelity: the option reaches the quantiser
psnr=$("$DECODE" diff "$WORK/pal2/photo.png" "$ref" | cut -d' ' -f2)
awk "BEGIN { exit !($psnr < 25) }" || fail "2 colours at $psnr dB: not quantised to 2"
# dithering changes the pixels; 0 and 1 both stay close
run_imgbatch 0 --palette --colours 64 --dither 0 --format png -o "$WORK/nodither" "$photo"
[ "$("$DECODE" diff "$WORK/nodither/photo.png" "$WORK/pal64/photo.png" | cut -d' ' -f1)" -gt 0 ] ||
	fail "--dither 0 made the same pixels as --dither 1"
psnr_at_least "$WORK/nodither/photo.png" "$ref" 30 "--palette --colours 64 --dither 0"

# alpha is kept through tRNS; gray and 16-bit inputs are quantised as RGBA
for f in rgba-soft.png gray-alpha.png; do
	run_imgbatch 0 --palette -o "$WORK/palpha" "$WORK/s/$f"
	out=$WORK/palpha/$f
	assert_eq "$(png_byte "$out" 25)" 3 "$f: colour type"
	grep -q tRNS "$out" || fail "$f: no tRNS chunk"
	assert_eq "$("$DECODE" info "$out" | cut -d' ' -f3)" 4 "$f: decoded channels"
done
run_imgbatch 0 -o "$WORK/tc" "$WORK/s/rgba-soft.png"
psnr_at_least "$WORK/palpha/rgba-soft.png" "$WORK/tc/rgba-soft.png" 30 "RGBA --palette"
run_imgbatch 0 --palette -o "$WORK/p16" "$WORK/s/rgb16.png"
assert_eq "$(png_byte "$WORK/p16/rgb16.png" 25)" 3 "16-bit input: colour type"
assert_eq "$(png_byte "$WORK/p16/rgb16.png" 24)" 8 "16-bit input: bit depth"
! grep -q tRNS "$WORK/p16/rgb16.png" || fail "opaque image given a tRNS chunk"
# with --progressive: an interlaced palette PNG with the same pixels
run_imgbatch 0 --palette --progressive -o "$WORK/p16i" "$WORK/s/rgb16.png"
assert_eq "$(ihdr_interlace "$WORK/p16i/rgb16.png")" 1 "--palette --progressive: interlace"
assert_eq "$("$DECODE" diff "$WORK/p16i/rgb16.png" "$WORK/p16/rgb16.png" | cut -d' ' -f1)" 0 \
	"--palette --progressive: pixels"

for bad in 1 257 0 -3 x 16.5; do
	run_imgbatch 2 --palette --colours "$bad" --format png -o "$WORK/bad" "$photo"
	assert_contains "$WORK/err.txt" "must be a whole number from 2 to 256"
done
for bad in -0.1 1.01 x ''; do
	run_imgbatch 2 --palette --dither "$bad" --format png -o "$WORK/bad" "$photo"
	assert_contains "$WORK/err.txt" "must be a number from 0 to 1"
done
run_imgbatch 2 --colours 16 --format png -o "$WORK/bad" "$photo"
assert_contains "$WORK/err.txt" "--colours and --dither need --palette"
run_imgbatch 2 --palette --format jpeg -o "$WORK/bad" "$photo"
assert_contains "$WORK/err.txt" "--palette writes PNG only"
[ ! -e "$WORK/bad" ] || fail "a refused run wrote outputs"
