#!/bin/sh
# -r with a list of sizes: one output per size from one decode, each made
# from the previous (larger) one, named through {w}/{h}; --update, sizes
# that coincide, and the usage errors.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/in"
NAME='{stem}-{w}x{h}.{ext}'

run_imgbatch 0 -o "$WORK/out" -r '480,960,64x64^' --crop --name "$NAME" --json \
	"$WORK/in/photo.jpg" "$WORK/in/rgba-soft.png"
assert_contains "$WORK/out.txt" '"output":"'"$WORK/out/photo-960x720.jpg"'"'
assert_contains "$WORK/out.txt" '"output_width":960,"output_height":720'
assert_eq "$(grep -c '"outputs":3' "$WORK/out.txt")" 2 "three outputs per input"
for f in photo-960x720.jpg photo-480x360.jpg photo-64x64.jpg \
	rgba-soft-960x720.png rgba-soft-480x360.png rgba-soft-64x64.png; do
	[ -f "$WORK/out/$f" ] || fail "missing $f"
done
assert_eq "$(image_size "$WORK/out/photo-64x64.jpg")" "64 64" "cropped size"

# Each size against ImageMagick resizing the original directly: making the
# smaller sizes from the larger ones must not show.
if command -v convert >/dev/null 2>&1; then
	for spec in "480:-resize 480x" "960:-resize 960x"; do
		w=${spec%%:*} args=${spec#*:}
		h=$((w * 3 / 4))
		# shellcheck disable=SC2086
		convert "$WORK/in/photo.jpg" $args "$WORK/ref.png"
		result=$("$DECODE" diff "$WORK/out/photo-${w}x$h.jpg" "$WORK/ref.png")
		psnr=${result#* }
		awk -v p="$psnr" 'BEGIN { exit !(p >= 33) }' ||
			fail "photo at $w: PSNR $psnr dB against convert $args"
		note "photo ${w}x$h vs convert $args: PSNR $psnr dB"
	done
	convert "$WORK/in/photo.jpg" -resize '64x64^' -gravity center -crop 64x64+0+0 +repage \
		"$WORK/ref.png"
	result=$("$DECODE" diff "$WORK/out/photo-64x64.jpg" "$WORK/ref.png")
	psnr=${result#* }
	awk -v p="$psnr" 'BEGIN { exit !(p >= 28) }' ||
		fail "photo 64x64^ crop: PSNR $psnr dB"
	note "photo 64x64 (cover + crop, made from the 480 one) vs convert: PSNR $psnr dB"
fi

# --update: all current, then one missing output brings its input back.
run_imgbatch 0 -o "$WORK/out" -r '480,960,64x64^' --crop --name "$NAME" --update --json \
	"$WORK/in/photo.jpg" "$WORK/in/rgba-soft.png"
assert_eq "$(json_summary skipped)" 2 "skipped with --update"
rm "$WORK/out/rgba-soft-480x360.png"
run_imgbatch 0 -o "$WORK/out" -r '480,960,64x64^' --crop --name "$NAME" --update --json \
	"$WORK/in/photo.jpg" "$WORK/in/rgba-soft.png"
assert_eq "$(json_summary done)" 1 "redone with one output missing"
[ -f "$WORK/out/rgba-soft-480x360.png" ] || fail "missing output not remade"

# Sizes that coincide (never enlarged) are written once.
run_imgbatch 0 -o "$WORK/same" -r '2000x2000>,3000x3000>' --name '{stem}-{w}.{ext}' --json \
	"$WORK/in/photo.jpg"
assert_contains "$WORK/out.txt" '"outputs":1'
assert_eq "$(ls "$WORK/same")" "photo-1024.jpg" "outputs of coinciding sizes"

# Usage errors.
run_imgbatch 2 -o "$WORK/x" -r 480,960 "$WORK/in/photo.jpg"
assert_contains "$WORK/err.txt" "needs {w} or {h} in --name"
run_imgbatch 2 -o "$WORK/x" -r 480,960 -r 10,20 --name "$NAME" "$WORK/in/photo.jpg"
assert_contains "$WORK/err.txt" "only one -r may give a list"
run_imgbatch 2 -o "$WORK/x" -r 1,2,3,4,5,6,7,8,9 --name "$NAME" "$WORK/in/photo.jpg"
assert_contains "$WORK/err.txt" "at most 8 sizes"
run_imgbatch 2 -o "$WORK/x" -r 480,,960 --name "$NAME" "$WORK/in/photo.jpg"

# Smart crop: a busy subject off-centre on a flat ground is kept, where the
# centred box shows only the ground; the same for a tall image, and in a
# list of sizes.
if command -v convert >/dev/null 2>&1; then
	convert -size 400x200 xc:gray50 \( -size 80x80 pattern:checkerboard -auto-level -fill red -opaque black \) \
		-geometry +300+60 -composite "$WORK/wide.png"
	convert "$WORK/wide.png" -rotate 90 "$WORK/tall.png"
	for img in wide tall; do
		run_imgbatch 0 -o "$WORK/smart" -r '100x100^' --crop=smart "$WORK/$img.png"
		run_imgbatch 0 -o "$WORK/centre" -r '100x100^' --crop "$WORK/$img.png"
		run_imgbatch 0 -o "$WORK/gsmart" -r '100x100^' --crop --gravity smart "$WORK/$img.png"
		cmp "$WORK/smart/$img.png" "$WORK/gsmart/$img.png" || fail "--crop=smart is not --gravity smart"
		assert_eq "$(image_size "$WORK/smart/$img.png")" "100 100" "$img: smart crop size"
		smart=$(convert "$WORK/smart/$img.png" -format '%[fx:standard_deviation > 0.1]' info:)
		centre=$(convert "$WORK/centre/$img.png" -format '%[fx:standard_deviation < 0.01]' info:)
		assert_eq "$smart$centre" 11 "$img: the subject in the smart crop, flat ground in the centred one"
	done
	run_imgbatch 0 -o "$WORK/smartlist" -r '200x200^,50x50^' --crop=smart --name '{stem}-{w}.{ext}' "$WORK/wide.png"
	assert_eq "$(convert "$WORK/smartlist/wide-50.png" -format '%[fx:standard_deviation > 0.1]' info:)" 1 \
		"smart crop in a list of sizes"
	run_imgbatch 2 -o "$WORK/x" -r '100x100^' --crop=left "$WORK/wide.png"
	assert_contains "$WORK/err.txt" "--crop"
fi
no_temp_files "$WORK"
note ok
