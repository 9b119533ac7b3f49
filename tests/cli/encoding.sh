#!/bin/sh
# Encoder options: --subsample (JPEG and AVIF chroma factors as asked, the
# quality rule by default, pixels still close to the source); --progressive
# PNGs (Adam7: the IHDR says so, the pixels equal the plain output's).
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
