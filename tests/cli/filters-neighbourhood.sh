#!/bin/sh
# Neighbourhood filters against ImageMagick 6: imgbatch -f on the generated
# PNG fixtures, convert with the equivalent options on the same files, and
# decode-image diff between the two (8-bit, flattened on white).  blur,
# sharpen, unsharp, edge and emboss must reach PSNR 40 dB; median and
# convolve (exact integer arithmetic in both) must match to within 1 level.
# Every comparison is printed: "FILTER IMAGE: maxdiff M, PSNR P dB".
. "$(dirname "$0")/lib.sh"

if ! command -v convert >/dev/null 2>&1; then
	note "SKIP convert (ImageMagick 6) is not installed"
	exit 77
fi

make_fixtures "$WORK/in"
# The photo as a lossless PNG, so that both sides start from the same pixels.
convert "$WORK/in/photo.jpg" "$WORK/in/photo.png"

n=0

# compare SPEC IMAGE MIN_PSNR MAX_DIFF CONVERT_ARGS...: imgbatch -f SPEC and
# convert IMAGE.png CONVERT_ARGS must agree to PSNR >= MIN_PSNR and a largest
# difference <= MAX_DIFF levels (-1: any).
compare() {
	spec=$1 img=$2 min_psnr=$3 max_diff=$4
	shift 4
	n=$((n + 1))
	run_imgbatch 0 -o "$WORK/out$n" -f "$spec" "$WORK/in/$img.png"
	convert "$WORK/in/$img.png" "$@" "$WORK/ref$n.png"
	result=$("$DECODE" diff "$WORK/out$n/$img.png" "$WORK/ref$n.png") ||
		fail "$spec $img: cannot compare"
	diff=${result% *} psnr=${result#* }
	note "$spec $img: maxdiff $diff, PSNR $psnr dB"
	awk -v p="$psnr" -v m="$min_psnr" 'BEGIN { exit !(p >= m) }' ||
		fail "$spec on $img: PSNR $psnr dB < $min_psnr dB against convert $*"
	[ "$max_diff" -lt 0 ] || [ "$diff" -le "$max_diff" ] ||
		fail "$spec on $img: differs by $diff levels (> $max_diff) from convert $*"
}

# Gaussian blur: exact kernel below sigma 3.5, boxes from there on (the same
# 40 dB bound); images with alpha are blurred premultiplied by both.
for img in zoneplate text-edges rgba-soft gray16 gray-alpha photo; do
	for sigma in 1 2 5 10 30; do
		compare "blur=$sigma" "$img" 40 -1 -blur "0x$sigma"
	done
	# ImageMagick's RADIUSxSIGMA spelling: a kernel cut at RADIUS
	compare "blur=0x2" "$img" 40 -1 -blur "0x2"
	compare "blur=3x2" "$img" 40 -1 -blur "3x2"
done

for img in zoneplate text-edges rgba-soft rgb16 photo; do
	for sigma in 0.5 1 2; do
		compare "sharpen=$sigma" "$img" 40 -1 -sharpen "0x$sigma"
	done
	compare "sharpen=2x1" "$img" 40 -1 -sharpen 2x1
	compare "sharpen=1x2" "$img" 40 -1 -sharpen 1x2
done

# unsharp: opaque images only; ImageMagick 6 blurs unweighted colours there,
# imgbatch premultiplied ones (the same wherever alpha is 1).
for img in zoneplate text-edges rgb16 photo; do
	for geometry in 0x1+1+0.05 2x1+1.5+0 0x2+0.8+0.02 0x5+1+0.1; do
		compare "unsharp=$geometry" "$img" 40 -1 -unsharp "$geometry"
	done
done
compare "unsharp" zoneplate 40 -1 -unsharp 0x1

# edge: |Gx| is the sum of the clipped Sobel responses at 0 and 180 degrees
# (convert clips negative values), |Gy| likewise at 90 and 270; 16-bit MIFF
# in between.
sobel_abs() {
	convert "$1" \( -clone 0 -morphology Convolve "Sobel:$3" \) \
		\( -clone 0 -morphology Convolve "Sobel:$4" \) -delete 0 \
		-compose plus -composite "$2"
}
for img in zoneplate text-edges rgb16 photo; do
	sobel_abs "$WORK/in/$img.png" "$WORK/gx.miff" 0 180
	sobel_abs "$WORK/in/$img.png" "$WORK/gy.miff" 90 270
	compare edge "$img" 40 -1 -delete 0 "$WORK/gx.miff" "$WORK/gy.miff" -fx 'sqrt(u*u+v*v)'
done

# emboss: the same relief as a convolution around mid-grey; convert turns
# the kernel by 180 degrees, so it is given turned.
for img in zoneplate text-edges rgb16 photo; do
	for strength in 1 0.5; do
		kernel=$(awk -v s="$strength" 'BEGIN {
			split("1 1 0 1 0 -1 0 -1 -1", k, " ")
			for (i = 1; i <= 9; i++)
				printf "%s%.10g", (i > 1 ? "," : ""), k[i] * s / 6 }')
		compare "emboss=$strength" "$img" 40 -1 -define convolve:bias=50% \
			-morphology Convolve "3x3: $kernel"
	done
done

for img in zoneplate text-edges rgb16 gray16 photo; do
	for r in 1 2 5; do
		size=$((2 * r + 1))
		compare "median=$r" "$img" 40 0 -statistic Median "${size}x$size"
	done
done

for img in zoneplate text-edges rgb16 gray16 photo; do
	compare "convolve=3x3:0,-1,0,-1,5,-1,0,-1,0" "$img" 40 0 \
		-morphology Convolve "3x3: 0,-1,0 -1,5,-1 0,-1,0"
	compare "convolve=3x3:1,2,3,4,5,6,7,8,9" "$img" 40 0 \
		-morphology Convolve "3x3: 1,2,3 4,5,6 7,8,9"
	compare "convolve=1x3:-1,0,1" "$img" 40 0 -morphology Convolve "1x3: -1,0,1"
	compare "convolve=5x3:0.1,0,0,0,0,0,0.2,0,0,0,0,0,0.3,0,0.4" "$img" 40 1 \
		-morphology Convolve "5x3: 0.1,0,0,0,0 0,0.2,0,0,0 0,0,0.3,0,0.4"
done

note "ok: $n comparisons"
