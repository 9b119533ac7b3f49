#!/bin/sh
# The geometric filters against ImageMagick 6 as an oracle.  flip, flop,
# transpose, rotate by multiples of 90, crop and pad must equal `convert`
# pixel for pixel.  Other rotation angles must give convert's canvas size and
# agree with convert's bilinear rotation within rounding (maxdiff <= 1); plain
# `convert -rotate` resamples with another filter, so against it the result
# is only reported.  Every comparison prints "maxdiff PSNR".
. "$(dirname "$0")/lib.sh"

if ! command -v convert >/dev/null 2>&1; then
	note "SKIP: ImageMagick's convert is not installed"
	exit 77
fi
set -f   # convert options are split on spaces below; nothing is a glob

make_fixtures "$WORK/fx"
mkdir "$WORK/png"
for f in zoneplate.png text-edges.png rgba-soft.png gray-alpha.png gray16.png rgb16.png; do
	cp "$WORK/fx/$f" "$WORK/png/$f"
done
# PNG copies for exact comparisons: the photo at half size (both sides then
# read the same pixels) and a 16-bit RGBA image (rgb16 with a slanted alpha
# ramp).
convert "$WORK/fx/photo.jpg" -resize 50% "$WORK/png/photo.png"
convert "$WORK/png/rgb16.png" \( -size 320x240 gradient: -rotate 30 -resize '320x240!' \) \
	-alpha off -compose copy_opacity -composite -depth 16 "$WORK/png/rgba16.png"

# Every layout: gray, gray+alpha, RGB, RGBA at 8 and 16 bits.
ALL="zoneplate.png gray-alpha.png gray16.png text-edges.png photo.png rgb16.png rgba-soft.png rgba16.png"
# Colour images only, for colours that a gray image turns into their luma.
COLOUR="text-edges.png photo.png rgb16.png rgba-soft.png rgba16.png"

# check KIND FILES SPEC OPTIONS: runs imgbatch -f SPEC on FILES now and
# queues the comparison with convert OPTIONS.  KIND: exact (maxdiff 0),
# bilinear (maxdiff <= 1) or loose (reported only).
n=0
check() {
	n=$((n + 1))
	inputs=
	for f in $2; do
		inputs="$inputs $WORK/png/$f"
	done
	# shellcheck disable=SC2086  # one word per input
	run_imgbatch 0 -o "$WORK/out$n" --compression 1 -f "$3" $inputs
	echo "$n|$1|$3|$2|$4" >>"$WORK/checks"
}

check exact "$ALL" flip "-flip"
check exact "$ALL" flop "-flop"
check exact "$ALL" transpose "-transpose"
check exact "$ALL" rotate "-rotate 90"
check exact "$ALL" rotate=-90 "-rotate -90"
check exact "$ALL" rotate=180:none "-background none -rotate 180"
check exact "$ALL" rotate=450 "-rotate 450"

check exact "$ALL" crop=201x101+13+7 "-crop 201x101+13+7"
check exact "$ALL" crop=200x99-5+3:center "-gravity center -crop 200x99-5+3"
check exact "$ALL" crop=151x2000+10+0:SouthEast "-gravity southeast -crop 151x2000+10+0"
check exact "$ALL" crop=99x77+3+4:north "-gravity north -crop 99x77+3+4"

check exact "$ALL" pad=640x480 "-background white -gravity center -extent 640x480"
check exact "$ALL" pad=641x101:black:southwest "-background black -gravity southwest -extent 641x101"
check exact "$ALL" pad=333x777:none:east "-background none -gravity east -extent 333x777"
check exact "$ALL" pad=601x401:#808080:northeast "-background #808080 -gravity northeast -extent 601x401"
check exact "$COLOUR" pad=700x500:10,20,30:north "-background rgb(10,20,30) -gravity north -extent 700x500"

for r in "$ALL|30|white" "$ALL|-17.5:black|black" "$ALL|45:none|none" \
	 "$COLOUR|100:0,128,255|rgb(0,128,255)"; do
	files=${r%%|*}
	spec=${r#*|}
	spec=rotate=${spec%|*}
	angle=${spec#rotate=}
	angle=${angle%%:*}
	check bilinear "$files" "$spec" "-background ${r##*|} -filter point -interpolate bilinear -rotate $angle"
	check loose "$files" "$spec" "-background ${r##*|} -rotate $angle"
done

# The PNG colour type of imgbatch's output, for convert to write the same
# (left alone, it writes gray-looking RGB pixels as gray).
colour_type() {
	case $("$DECODE" info "$1" | cut -d' ' -f3) in
	1) echo 0 ;;
	2) echo 4 ;;
	3) echo 2 ;;
	*) echo 6 ;;
	esac
}

# One convert per input makes every reference for it (at 16 bits, so that
# convert's 8-bit writer, which truncates, does not interfere).
for f in $ALL; do
	set -- "$WORK/png/$f" -respect-parentheses
	while IFS='|' read -r id kind spec files opts; do
		case " $files " in *" $f "*) ;; *) continue ;; esac
		# shellcheck disable=SC2086  # options split on spaces
		set -- "$@" "(" +clone $opts +repage -depth 16 \
			-define "png:color-type=$(colour_type "$WORK/out$id/$f")" \
			-define png:compression-level=1 \
			-write "$WORK/ref$id-$f" +delete ")"
	done <"$WORK/checks"
	convert "$@" null: || fail "convert failed on $f"
done

while IFS='|' read -r id kind spec files opts; do
	for f in $files; do
		out=$WORK/out$id/$f
		ref=$WORK/ref$id-$f
		# diff fails, naming both sizes, unless the sizes agree
		result=$("$DECODE" diff "$out" "$ref") || fail "$spec on $f: cannot compare"
		note "$spec $f vs convert $opts: $result"
		maxdiff=${result%% *}
		case $kind in
		exact) [ "$maxdiff" -eq 0 ] || fail "$spec on $f differs from convert $opts" ;;
		bilinear) [ "$maxdiff" -le 1 ] || fail "$spec on $f differs from convert $opts" ;;
		esac
	done
done <"$WORK/checks"

# A window that misses the image fails that file, with the reason.
run_imgbatch 1 -o "$WORK/miss" -f crop=10x10+600+0 "$WORK/png/text-edges.png"
assert_contains "$WORK/err.txt" "crop: the 10x10 window at +600+0 lies outside the 600x200 image"
# A bad argument is a usage error, before any work.
run_imgbatch 2 -o "$WORK/bad" -f pad=10x10:bluish "$WORK/png/text-edges.png"
assert_contains "$WORK/err.txt" "pad: colour must be white, black, #rgb, #rrggbb, R,G,B, transparent or none, got 'bluish'"
