#!/bin/sh
# Point filters against ImageMagick 6 as the oracle: each -f step on PNG
# fixtures is compared with convert's equivalent option.  ImageMagick (Q16)
# rounds 8-bit data twice (to 16 bits, then back), so the exact filters agree
# within one level; 16-bit results are also compared at 16 bits.  sepia, which
# ImageMagick follows with an image-wide normalization, is held to a PSNR.
. "$(dirname "$0")/lib.sh"

if ! command -v convert >/dev/null 2>&1; then
	note "SKIP convert (ImageMagick) is not installed"
	exit 77
fi

make_fixtures "$WORK/in"
in=$WORK/in
convert "$in/photo.jpg" "$in/photo.png"   # decoded once: both sides read the same pixels
convert "$in/photo.png" +level 20%,70% "$in/photo-flat.png"     # narrow, for auto-level
convert "$in/gray16.png" +level 30%,60% "$in/gray16-flat.png"
convert "$in/rgba-soft.png" +level 10%,60% "$in/rgba-flat.png"
convert "$in/zoneplate.png" "PNG24:$in/zoneplate-rgb.png"  # ImageMagick's sepia keeps gray gray

# oracle SPEC INPUT[:IM_INPUT] MAXDIFF MIN_PSNR CONVERT_OPTION...
# Runs imgbatch -f SPEC on INPUT and convert with the options on IM_INPUT
# (default INPUT), and compares the two at 8 bits (decode-image diff).  When
# both are 16-bit and MAXDIFF <= 1, they must also agree within 8 of 65535
# levels: 8-bit truncation on the way would be off by up to 128.
n=0
oracle() {
	spec=$1 input=${2%%:*} im_input=${2#*:} maxdiff=$3 min_psnr=$4
	shift 4
	n=$((n + 1))
	run_imgbatch 0 -o "$WORK/out$n" -f "$spec" "$in/$input"
	ours=$WORK/out$n/$input
	info=$("$DECODE" info "$ours")
	# convert writes the layout ours has, so that like is compared with like.
	case $(echo "$info" | cut -d' ' -f3) in
	1) type=0 ;;
	2) type=4 ;;
	3) type=2 ;;
	*) type=6 ;;
	esac
	ref=$WORK/ref$n.png
	convert "$in/$im_input" "$@" -define png:color-type=$type "$ref"
	result=$("$DECODE" diff "$ref" "$ours")
	got_max=${result% *} psnr=${result#* }
	peak16=
	if [ "$(echo "$info" | cut -d' ' -f4)" = 16 ] &&
	   [ "$("$DECODE" info "$ref" | cut -d' ' -f4)" = 16 ]; then
		peak16=$(compare -metric PAE "$ref" "$ours" null: 2>&1 | cut -d' ' -f1)
	fi
	note "-f $spec on $input vs convert $*: maxdiff $got_max, PSNR $psnr${peak16:+, 16-bit peak $peak16}"
	[ "$got_max" -le "$maxdiff" ] || fail "-f $spec on $input: maxdiff $got_max > $maxdiff"
	awk -v p="$psnr" -v min="$min_psnr" 'BEGIN { exit !(p >= min) }' ||
		fail "-f $spec on $input: PSNR $psnr < $min_psnr"
	[ -z "$peak16" ] || [ "$maxdiff" -gt 1 ] || [ "$peak16" -le 8 ] ||
		fail "-f $spec on $input: 16-bit results differ by $peak16 levels"
}

# ImageMagick weighs Rec. 709 luma 0.212656/0.715158/0.072186, imgbatch
# 0.2126/0.7152/0.0722: one 8-bit level apart at most.
oracle grayscale photo.png 1 45 -grayscale Rec709Luma
oracle grayscale rgba-soft.png 1 45 -grayscale Rec709Luma
oracle grayscale rgb16.png 1 45 -grayscale Rec709Luma

oracle invert photo.png 0 99 -negate
oracle invert rgba-soft.png 0 99 -negate
oracle invert gray16.png 0 99 -negate
oracle invert gray-alpha.png 0 99 -negate

oracle brightness-contrast=10x20 photo.png 1 45 -brightness-contrast 10x20
oracle brightness-contrast=-30x-40 rgba-soft.png 1 45 -brightness-contrast -30x-40
oracle brightness-contrast=15x60 gray16.png 1 45 -brightness-contrast 15x60
oracle brightness=25 photo.png 1 45 -brightness-contrast 25x0
oracle contrast=40 zoneplate.png 1 45 -brightness-contrast 0x40

oracle gamma photo.png 1 45 -gamma 2.2
oracle gamma=0.45 rgb16.png 1 45 -gamma 0.45
oracle gamma=1.7 gray16.png 1 45 -gamma 1.7
oracle gamma=1.7 rgba-soft.png 1 45 -gamma 1.7

# Plain levels are on a 0-255 scale in imgbatch, in Q16 units for convert.
oracle level photo.png 1 45 -level 5%,95%
oracle level=10,240 photo.png 1 45 -level $((10 * 257)),$((240 * 257))
oracle level=10%,80%,1.6 rgba-soft.png 1 45 -level 10%,80%,1.6
oracle level=20%,70%,0.6 gray16.png 1 45 -level 20%,70%,0.6

oracle auto-level photo-flat.png 1 45 -auto-level
oracle auto-level gray16-flat.png 1 45 -auto-level
oracle auto-level rgba-flat.png 1 45 -auto-level

# Gray input: exact, ties included.  Colour: the luma weights differ a
# little (see grayscale), so a pixel right at the threshold could flip.
oracle threshold zoneplate.png 0 99 -threshold 50%
oracle threshold=100 zoneplate.png 0 99 -threshold $((100 * 257))
oracle threshold=50% gray16.png 0 99 -threshold 50%
oracle threshold=30% gray-alpha.png 0 99 -threshold 30%
oracle threshold=40% photo.png 255 30 -threshold 40%
oracle threshold=70% rgba-soft.png 255 30 -threshold 70%

# sepia: ImageMagick normalizes each image; imgbatch stretches as it does on
# an image that spans black to white (zoneplate, text-edges: within a level),
# so others (photo, rgb16) are only alike.
oracle sepia zoneplate.png:zoneplate-rgb.png 1 45 -sepia-tone 80%
oracle sepia=40% zoneplate.png:zoneplate-rgb.png 1 45 -sepia-tone 40%
oracle sepia text-edges.png 1 45 -sepia-tone 80%
oracle sepia photo.png 40 24 -sepia-tone 80%
oracle sepia=60 rgb16.png 40 24 -sepia-tone 60%
note "ok"
