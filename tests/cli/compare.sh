#!/bin/sh
# imgbatch compare end to end: exit codes, pairing of two directories
# (missing, new, not images), limits, diff images checked pixel by pixel,
# --update-golden, and usage errors.  Counts against pixelmatch itself are
# in compare-oracle.sh, reports in compare-reports.sh.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/gen"
G=$WORK/golden A=$WORK/actual
mkdir -p "$G/sub" "$A/sub"
for f in zoneplate.png text-edges.png photo.jpg; do
	cp "$WORK/gen/$f" "$G/"
	cp "$WORK/gen/$f" "$A/"
done
cp "$WORK/gen/gray16.png" "$G/sub/"
cp "$WORK/gen/gray16.png" "$A/sub/"
echo notes >"$G/README.txt"

# Two identical trees: every pair passes, the text file is skipped.
run_imgbatch 0 compare "$G" "$A" --json
assert_eq "$(json_summary done)" 4 "identical pairs passed"
assert_eq "$(json_summary skipped)" 1 "non-image skipped"
assert_contains "$WORK/out.txt" '"name":"sub/gray16.png"'

# One changed pixel block: 10x10 pixels set to pure red in the actual image.
"$DECODE" pixel "$G/zoneplate.png" 5 5 >"$WORK/orig-pixel"
convert "$G/zoneplate.png" -fill red -draw 'rectangle 20,30 29,39' "$A/zoneplate.png"
run_imgbatch 1 compare "$G" "$A" --json --diff-dir "$WORK/diffs"
line=$(grep '"name":"zoneplate.png"' "$WORK/out.txt")
case $line in *'"status":"fail"'*) ;; *) fail "changed pair not failed: $line" ;; esac
diff_pixels=$(echo "$line" | sed 's/.*"diff_pixels":\([0-9]*\).*/\1/')
[ "$diff_pixels" -gt 0 ] && [ "$diff_pixels" -le 100 ] ||
	fail "diff pixels $diff_pixels, expected 1..100 for a 10x10 block"
# Only the failing pair has a diff image; inside the block it is red, far
# from it the faded original (alpha 0.1 over white: >= 229 in every channel).
assert_eq "$(cd "$WORK/diffs" && find . -type f)" "./zoneplate.png" "diff images written"
assert_eq "$("$DECODE" pixel "$WORK/diffs/zoneplate.png" 25 35)" "255 0 0 255" "diff colour"
far=$("$DECODE" pixel "$WORK/diffs/zoneplate.png" 400 400)
for v in $far; do [ "$v" -ge 229 ] || fail "faded original expected far from the change, got $far"; done

# Two files: the diff is DIR/NAME.png whether ACTUAL is absolute or relative.
run_imgbatch 1 compare "$G/zoneplate.png" "$A/zoneplate.png" --diff-dir "$WORK/d2"
assert_eq "$(cd "$WORK/d2" && find . -type f)" "./zoneplate.png" "two-file diff, absolute path"
(cd "$WORK" && "$IMGBATCH" compare golden/zoneplate.png actual/zoneplate.png --diff-dir d3 --quiet) &&
	fail "a differing pair passed"
assert_eq "$(cd "$WORK/d3" && find . -type f)" "./zoneplate.png" "two-file diff, relative path"

# Limits: the same pair passes with enough allowance, by count or ratio.
run_imgbatch 0 compare "$G/zoneplate.png" "$A/zoneplate.png" --max-diff-pixels "$diff_pixels"
run_imgbatch 1 compare "$G/zoneplate.png" "$A/zoneplate.png" --max-diff-pixels $((diff_pixels - 1))
run_imgbatch 0 compare "$G/zoneplate.png" "$A/zoneplate.png" --max-diff-ratio 0.001
run_imgbatch 1 compare "$G/zoneplate.png" "$A/zoneplate.png" --max-diff-ratio 0.0001
# --window N: the limits judge the densest NxN square instead of the total.
# On a flat 200x200 image, 100 red pixels scattered on a 20-pixel grid (at
# most one in any 10x10 square) fail by total count but pass in windows;
# a 10x10 block of the same 100 pixels passes by total ratio (0.25%) but
# fills a window (100%) and fails.
convert -size 200x200 xc:gray50 "$WORK/flat.png"
points=$(awk 'BEGIN { for (y = 5; y < 200; y += 20) for (x = 5; x < 200; x += 20)
	printf "point %d,%d ", x, y }')
convert "$WORK/flat.png" -fill red -draw "$points" "$WORK/scattered.png"
convert "$WORK/flat.png" -fill red -draw 'rectangle 50,50 59,59' "$WORK/block.png"
run_imgbatch 1 compare "$WORK/flat.png" "$WORK/scattered.png" --max-diff-pixels 10
assert_contains "$WORK/err.txt" "100 pixels differ (0.2500%)"
run_imgbatch 0 compare "$WORK/flat.png" "$WORK/scattered.png" --max-diff-pixels 10 --window 10 --json
assert_contains "$WORK/out.txt" '"diff_pixels":100,'
assert_contains "$WORK/out.txt" '"window_diff_pixels":1'
run_imgbatch 0 compare "$WORK/flat.png" "$WORK/scattered.png" --max-diff-ratio 0.01 --window 10
run_imgbatch 0 compare "$WORK/flat.png" "$WORK/block.png" --max-diff-ratio 0.01
run_imgbatch 1 compare "$WORK/flat.png" "$WORK/block.png" --max-diff-ratio 0.01 --window 10
assert_contains "$WORK/err.txt" "100 pixels differ in the densest 10x10 window (100.0000%), 100 in all"
run_imgbatch 1 compare "$WORK/flat.png" "$WORK/block.png" --max-diff-pixels 99 --window 10
run_imgbatch 0 compare "$WORK/flat.png" "$WORK/block.png" --max-diff-pixels 99 --window 5
# A window larger than the image is the image's shorter side squared.
run_imgbatch 0 compare "$WORK/flat.png" "$WORK/block.png" --max-diff-ratio 0.0025 --window 1000
run_imgbatch 1 compare "$WORK/flat.png" "$WORK/block.png" --max-diff-ratio 0.0024 --window 1000

# A high threshold ignores the small difference of a JPEG re-encode.
convert "$G/photo.jpg" -quality 95 "$WORK/reencoded.jpg"
run_imgbatch 1 compare "$G/photo.jpg" "$WORK/reencoded.jpg" --threshold 0
run_imgbatch 0 compare "$G/photo.jpg" "$WORK/reencoded.jpg" --threshold 0.5 --max-diff-ratio 0.001

# --diff-all writes diff images of passing pairs too; --diff-mask leaves
# unchanged pixels transparent.
run_imgbatch 1 compare "$G" "$A" --diff-dir "$WORK/all" --diff-all --diff-mask
assert_eq "$(find "$WORK/all" -type f | wc -l)" 4 "diff images with --diff-all"
assert_eq "$("$DECODE" pixel "$WORK/all/zoneplate.png" 400 400)" "0 0 0 0" "--diff-mask background"
[ -f "$WORK/all/photo.jpg.png" ] || fail "diff image of photo.jpg not named photo.jpg.png"

# Missing and new images fail unless allowed; sizes must match.
mv "$A/text-edges.png" "$A/renamed.png"
run_imgbatch 1 compare "$G" "$A" --json --max-diff-pixels 1000
assert_contains "$WORK/out.txt" '"status":"missing","allowed":false,"name":"text-edges.png"'
assert_contains "$WORK/out.txt" '"status":"new","allowed":false,"name":"renamed.png"'
run_imgbatch 0 compare "$G" "$A" --allow-missing --allow-new --max-diff-pixels 1000
mv "$A/renamed.png" "$A/text-edges.png"
convert "$G/text-edges.png" -resize 600x201! "$A/sub/gray16.png"
run_imgbatch 1 compare "$G" "$A" --json --max-diff-pixels 1000
assert_contains "$WORK/out.txt" '"status":"size_differs","allowed":false,"name":"sub/gray16.png"'
assert_contains "$WORK/out.txt" '"reason":"size differs: 300x200 vs 600x201"'
assert_contains "$WORK/out.txt" '"expected_width":300,"expected_height":200,"actual_width":600,"actual_height":201'
cp "$G/sub/gray16.png" "$A/sub/gray16.png"

# Sizes that differ: a diff image anyway, both aligned top left, the area
# only one image covers in magenta; --allow-size-change judges the common
# area.  flat.png is 200x200 gray; wide.png 220x190, gray where they meet.
convert -size 220x190 xc:gray50 "$WORK/wide.png"
run_imgbatch 1 compare "$WORK/flat.png" "$WORK/wide.png" --json --diff-dir "$WORK/sd"
assert_contains "$WORK/out.txt" '"status":"size_differs"'
assert_contains "$WORK/out.txt" '"width":200,"height":190,"diff_pixels":0,'
assert_eq "$(image_size "$WORK/sd/wide.png")" "220 200" "diff image of two sizes"
assert_eq "$("$DECODE" pixel "$WORK/sd/wide.png" 210 10)" "255 0 255 255" "actual's side only"
assert_eq "$("$DECODE" pixel "$WORK/sd/wide.png" 10 195)" "255 0 255 255" "expected's side only"
assert_eq "$("$DECODE" pixel "$WORK/sd/wide.png" 210 195)" "255 0 255 255" "neither side"
v=$("$DECODE" pixel "$WORK/sd/wide.png" 10 10 | cut -d' ' -f1)
[ "$v" -ge 229 ] && [ "$v" -lt 255 ] || fail "faded original expected in the common area, got $v"
run_imgbatch 0 compare "$WORK/flat.png" "$WORK/wide.png" --allow-size-change --json
assert_contains "$WORK/out.txt" '"status":"pass"'
assert_contains "$WORK/out.txt" '"actual_width":220,"actual_height":190'
convert "$WORK/wide.png" -fill red -draw 'rectangle 0,0 4,4' "$WORK/wide-red.png"
run_imgbatch 1 compare "$WORK/flat.png" "$WORK/wide-red.png" --allow-size-change --json
assert_contains "$WORK/out.txt" '"status":"fail"'
assert_contains "$WORK/out.txt" '"diff_pixels":25,'

# An unreadable image is exit status 2, after every other pair is counted.
cp "$WORK/gen/corrupt.png" "$A/text-edges.png"
run_imgbatch 2 compare "$G" "$A" --json --max-diff-pixels 1000
assert_eq "$(json_summary total)" 5 "pairs counted with an unreadable one"
assert_contains "$WORK/out.txt" '"status":"error"'
cp "$G/text-edges.png" "$A/text-edges.png"

# --update-golden: the failing and the new image become golden, atomically;
# the next run passes and the goldens are byte-identical to the actual ones.
cp "$WORK/gen/palette.png" "$A/sub/new.png"
run_imgbatch 0 compare "$G" "$A" --update-golden --json
assert_contains "$WORK/out.txt" '"status":"updated"'
cmp "$G/zoneplate.png" "$A/zoneplate.png" || fail "golden not updated"
cmp "$G/sub/new.png" "$A/sub/new.png" || fail "new image not added to the goldens"
no_temp_files "$G"
run_imgbatch 0 compare "$G" "$A" --json
assert_eq "$(json_summary failed)" 0 "failures after --update-golden"

# Byte-identical files pass on their header, undecoded: a PNG cut short
# after its header passes against a copy of itself (with its size reported),
# but not against another cut, nor when --diff-all needs its pixels.
head -c 300 "$G/zoneplate.png" >"$WORK/cut-a.png"
cp "$WORK/cut-a.png" "$WORK/cut-b.png"
head -c 299 "$G/zoneplate.png" >"$WORK/cut-c.png"
run_imgbatch 0 compare "$WORK/cut-a.png" "$WORK/cut-b.png" --json
assert_contains "$WORK/out.txt" '"status":"pass"'
assert_contains "$WORK/out.txt" "\"width\":$(image_size "$G/zoneplate.png" | cut -d' ' -f1),"
run_imgbatch 2 compare "$WORK/cut-a.png" "$WORK/cut-c.png"
run_imgbatch 2 compare "$WORK/cut-a.png" "$WORK/cut-b.png" --diff-dir "$WORK/cut" --diff-all
# Re-encoded with the same pixels: decoded, equal, a pass with no counts.
convert "$G/zoneplate.png" -define png:compression-level=0 "$WORK/plain.png"
cmp -s "$G/zoneplate.png" "$WORK/plain.png" && fail "re-encoding kept the bytes"
run_imgbatch 0 compare "$G/zoneplate.png" "$WORK/plain.png" --json
assert_contains "$WORK/out.txt" '"diff_pixels":0,'
assert_contains "$WORK/out.txt" '"psnr":null'

# Usage errors.
run_imgbatch 2 compare "$G"
assert_contains "$WORK/err.txt" "give EXPECTED and ACTUAL"
run_imgbatch 2 compare "$G" "$A/zoneplate.png"
assert_contains "$WORK/err.txt" "both be files or both directories"
run_imgbatch 2 compare "$G" "$A" --metric lab
assert_contains "$WORK/err.txt" "use yiq, oklab or ssim"
run_imgbatch 2 compare "$G" "$A" --threshold 1.5
assert_contains "$WORK/err.txt" "from 0 to 1"
run_imgbatch 2 compare "$G" "$WORK/nowhere"
assert_contains "$WORK/err.txt" "cannot read"
note ok
