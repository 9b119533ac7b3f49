#!/bin/sh
# The default kernel shrinks as vips does (Lanczos 3): reductions of the
# photo and of the text sample, decoded to PNG first so that neither side
# shrinks on load or loses to JPEG, within 40 dB of `vips resize --kernel
# lanczos3` and as sharp as vipsthumbnail's (high-frequency energy, the mean
# absolute Laplacian, within 3%).  Needs vips and vipsthumbnail
# (libvips-tools, which ./setup.sh installs); skipped (77) without them.
. "$(dirname "$0")/lib.sh"

if ! command -v vips >/dev/null 2>&1 || ! command -v vipsthumbnail >/dev/null 2>&1; then
	note "SKIP: vips and vipsthumbnail (libvips-tools) are not installed"
	exit 77
fi
make_fixtures "$WORK/in"
run_imgbatch 0 -o "$WORK/png" --format png "$WORK/in/photo.jpg" "$WORK/in/text-edges.png"

# photo (1024x768) to 600 wide, text-edges (600x200) to 300, as NAME SIZE
# SCALE: the scale exact in binary, so that vips makes the same size
for spec in "photo 600 0.5859375" "text-edges 300 0.5"; do
	# shellcheck disable=SC2086
	set -- $spec
	name=$1 size=$2 scale=$3
	in=$WORK/png/$name.png
	run_imgbatch 0 -o "$WORK/out" -r "${size}x$size" "$in"
	vips resize "$in" "$WORK/$name-resize.png" "$scale" --kernel lanczos3 ||
		fail "vips resize $name failed"
	vipsthumbnail "$in" -s "$size" -o "$WORK/$name-thumb.png" ||
		fail "vipsthumbnail $name failed"

	psnr=$("$DECODE" diff "$WORK/out/$name.png" "$WORK/$name-resize.png" | cut -d' ' -f2)
	awk -v p="$psnr" 'BEGIN { exit !(p >= 40) }' ||
		fail "$name: PSNR $psnr dB < 40 against vips resize --kernel lanczos3"
	ours=$("$DECODE" sharpness "$WORK/out/$name.png")
	theirs=$("$DECODE" sharpness "$WORK/$name-thumb.png")
	awk -v a="$ours" -v b="$theirs" 'BEGIN { d = a / b - 1; exit !(d <= 0.03 && d >= -0.03) }' ||
		fail "$name: sharpness $ours, vipsthumbnail's $theirs: more than 3% apart"
	note "$name: PSNR $psnr dB against vips resize; sharpness $ours, vipsthumbnail's $theirs"
done
note ok
