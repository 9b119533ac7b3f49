#!/bin/sh
# The main job on the generated samples: every input accounted for, outputs
# at the sizes ImageMagick's geometry gives, corrupt files failing with a
# reason and no output, non-images skipped.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/in"
run_imgbatch 1 -o "$WORK/out" -r 200x200 --json -j2 "$WORK/in"

total=$(ls "$WORK/in" | wc -l)
assert_eq "$(json_summary total)" "$total" "every input in the account"
assert_eq "$(json_summary failed)" 2 "failed count (corrupt.jpg, corrupt.png)"
assert_eq "$(json_summary skipped)" 1 "skipped count (not-an-image.txt)"
assert_eq "$(json_summary done)" $((total - 3)) "done count"
assert_eq "$(grep -c '"type":"file"' "$WORK/out.txt")" "$total" "one JSON line per input"
# CPU accounting: the workers decoded the images, the master only scheduled
cpu=$(grep '"type":"summary"' "$WORK/out.txt" |
	sed -n 's/.*"master_cpu_seconds":\([0-9.]*\),"worker_cpu_seconds":\([0-9.]*\).*/\1 \2/p')
[ -n "$cpu" ] || fail "summary without master_cpu_seconds and worker_cpu_seconds"
echo "$cpu" | awk '{ exit !($2 > 0 && $1 >= 0) }' || fail "implausible CPU seconds (master, workers): $cpu"

grep '"input":"[^"]*corrupt.jpg"' "$WORK/out.txt" | grep -q '"status":"failed","input":".*","reason":"JPEG' ||
	{ grep corrupt.jpg "$WORK/out.txt" >&2; fail "corrupt.jpg: no JPEG reason"; }
grep corrupt.png "$WORK/out.txt" | grep -q '"reason":"PNG' || fail "corrupt.png: no PNG reason"
grep not-an-image "$WORK/out.txt" | grep -q '"status":"skipped".*"reason":"not an image in a format imgbatch reads"' ||
	fail "not-an-image.txt not skipped with a reason"
[ ! -e "$WORK/out/corrupt.jpg" ] && [ ! -e "$WORK/out/corrupt.png" ] || fail "output written for a corrupt input"
[ ! -e "$WORK/out/not-an-image.txt" ] || fail "output written for a non-image"
assert_contains "$WORK/err.txt" "corrupt.jpg: JPEG"
no_temp_files "$WORK/out"
# The summary counts skips by reason and says how many bytes went in and out.
run_imgbatch 1 -o "$WORK/out-text" -r 200x200 -j2 "$WORK/in"
assert_contains "$WORK/err.txt" "  skipped: 1 not an image in a format imgbatch reads (--json lists each)"
grep -q "; read [0-9.]* [kM]B, wrote [0-9.]* [kM]B$" "$WORK/err.txt" ||
	{ cat "$WORK/err.txt" >&2; fail "the summary does not give bytes read and written"; }

# --quiet: nothing at all when every input went well; one line per failed
# input and nothing else when some failed.
run_imgbatch 0 -o "$WORK/quiet-ok" -r 100x100 --quiet "$WORK/in/zoneplate.png" "$WORK/in/text-edges.png"
assert_eq "$(wc -c <"$WORK/err.txt" | tr -d ' ')" 0 "--quiet on success prints nothing"
run_imgbatch 1 -o "$WORK/quiet-bad" -r 100x100 --quiet -j2 "$WORK/in"
assert_eq "$(wc -l <"$WORK/err.txt" | tr -d ' ')" 2 "--quiet: one line per failed input"
assert_eq "$(grep -c '^imgbatch: .*/corrupt\.\(jpg: JPEG\|png: PNG\)' "$WORK/err.txt")" 2 \
	"--quiet: the lines name the input and the reason"

# Sizes: 1024x768 photo fits 200x200 as 200x150; 512x512 zone plate 200x200;
# orientation-6 is stored 200x300 but upright 300x200 -> 200x133.
assert_eq "$(image_size "$WORK/out/photo.jpg")" "200 150" "photo.jpg size"
assert_eq "$(image_size "$WORK/out/zoneplate.png")" "200 200" "zoneplate.png size"
assert_eq "$(image_size "$WORK/out/orientation-6.jpg")" "200 133" "orientation-6.jpg size"
# Formats and layouts are kept: 16-bit stays 16-bit, RGBA keeps alpha.
assert_eq "$("$DECODE" info "$WORK/out/gray16.png" | cut -d' ' -f3,4)" "1 16" "gray16 layout"
assert_eq "$("$DECODE" info "$WORK/out/rgba-soft.png" | cut -d' ' -f3,4)" "4 8" "rgba layout"

# Pixels: against ImageMagick as an independent oracle, when it is installed,
# with the kernel our default shrinks with (ImageMagick's own default picks
# Mitchell for some images, Lanczos for others).  The JPEGs are written as
# JPEG again, whose loss caps the PSNR near 37 dB; the PNGs are compared
# losslessly.
if command -v convert >/dev/null 2>&1; then
	for f in photo.jpg zoneplate.png text-edges.png photo-cmyk.jpg; do
		convert "$WORK/in/$f" -filter Lanczos -resize 200x200 "$WORK/ref-$f.png"
		psnr=$("$DECODE" diff "$WORK/out/$f" "$WORK/ref-$f.png" | cut -d' ' -f2)
		min=40
		case $f in *.jpg) min=32 ;; esac
		awk -v p="$psnr" -v m="$min" 'BEGIN { exit !(p >= m) }' ||
			fail "$f: PSNR $psnr dB < $min against convert -filter Lanczos"
		note "$f: PSNR $psnr dB against convert -filter Lanczos -resize 200x200"
	done
	# a kernel named: --kernel mitchell is ImageMagick's -filter Mitchell
	run_imgbatch 0 -o "$WORK/mitchell" -r 200x200 --kernel mitchell \
		"$WORK/in/zoneplate.png" "$WORK/in/text-edges.png"
	for f in zoneplate.png text-edges.png; do
		convert "$WORK/in/$f" -filter Mitchell -resize 200x200 "$WORK/ref-mitchell-$f.png"
		psnr=$("$DECODE" diff "$WORK/mitchell/$f" "$WORK/ref-mitchell-$f.png" | cut -d' ' -f2)
		awk -v p="$psnr" 'BEGIN { exit !(p >= 40) }' ||
			fail "$f: PSNR $psnr dB < 40 against convert -filter Mitchell"
		note "$f: PSNR $psnr dB against convert -filter Mitchell -resize 200x200"
	done
else
	note "SKIP pixel oracle: ImageMagick (convert) is not installed"
fi
note "ok ($total inputs)"
