#!/bin/sh
# imgbatch compare leaving pixels out: --ignore X,Y,W,H, --ignore-file
# (regions by pair name and "*"), --mask (opaque pixels).  Ignored pixels
# are not counted and are grey in diff images; exact counts outside the
# regions are checked against pixelmatch in compare-oracle.sh.
. "$(dirname "$0")/lib.sh"

G=$WORK/golden A=$WORK/actual
mkdir -p "$G" "$A"
# A flat 200x200 image, and the same with a 10x10 red block at 50,50.
convert -size 200x200 xc:gray50 "$G/block.png"
convert "$G/block.png" -fill red -draw 'rectangle 50,50 59,59' "$A/block.png"
cp "$G/block.png" "$G/other.png"
cp "$A/block.png" "$A/other.png"
set -- "$G/block.png" "$A/block.png"

# The block alone differs: ignoring it passes, ignoring half of it counts
# the other half exactly.
run_imgbatch 1 compare "$@" --json
assert_contains "$WORK/out.txt" '"diff_pixels":100,'
run_imgbatch 0 compare "$@" --ignore 50,50,10,10 --json
assert_contains "$WORK/out.txt" '"diff_pixels":0,'
assert_contains "$WORK/out.txt" '"ignored_pixels":100'
run_imgbatch 1 compare "$@" --ignore 50,50,5,10 --ignore 0,0,1,1 --json --diff-dir "$WORK/d"
assert_contains "$WORK/out.txt" '"diff_pixels":50,'
assert_contains "$WORK/out.txt" '"ignored_pixels":51'
# In the diff image: ignored pixels grey, counted ones red.
assert_eq "$("$DECODE" pixel "$WORK/d/block.png" 52 55)" "128 128 128 255" "ignored pixel"
assert_eq "$("$DECODE" pixel "$WORK/d/block.png" 0 0)" "128 128 128 255" "ignored corner"
assert_eq "$("$DECODE" pixel "$WORK/d/block.png" 57 55)" "255 0 0 255" "counted pixel"
# A rectangle reaching past the image ignores its part inside.
run_imgbatch 0 compare "$@" --ignore 55,0,1000,1000 --ignore 0,50,55,10

# --ignore-file: regions by pair name (with a JSON escape), and "*".
cat >"$WORK/regions.json" <<'JSON'
{
  "regions": {
    "bl\u006fck.png": [[50, 50, 10, 10]],
    "missing.png": []
  }
}
JSON
run_imgbatch 1 compare "$G" "$A" --ignore-file "$WORK/regions.json" --json
assert_contains "$WORK/out.txt" '"status":"pass","allowed":false,"name":"block.png"'
assert_contains "$WORK/out.txt" '"status":"fail","allowed":false,"name":"other.png"'
printf '{"regions": {"*": [[0, 0, 100, 100]]}}' >"$WORK/all.json"
run_imgbatch 0 compare "$G" "$A" --ignore-file "$WORK/all.json"

# Mistakes in the file are usage errors naming the line.
for bad in '{"regions": {"a.png": [[1, 2, 3, 4]],}}' '{"regions": {}, "x": 1}' \
	'{"regions": {"a.png": [[1, 2, 0, 4]]}}' '{"regions": {"a.png": [[1, 2, 3]]}}' \
	'{"regions": {"a.png": [[1.5, 2, 3, 4]]}}' '{"regions": {"a": [], "a": []}}' \
	'{"regions": {"a.png": [[-1, 2, 3, 4]]}}' '{"regions": {}} x' '{"regions": {"\ud800": []}}'; do
	printf '%s\n' "$bad" >"$WORK/bad.json"
	run_imgbatch 2 compare "$G" "$A" --ignore-file "$WORK/bad.json"
	assert_contains "$WORK/err.txt" "--ignore-file $WORK/bad.json: line 1: "
done
printf '{\n"regions":\n{"a.png": [[1, 2, 3, 4]] ]}' >"$WORK/bad.json"
run_imgbatch 2 compare "$G" "$A" --ignore-file "$WORK/bad.json"
assert_contains "$WORK/err.txt" "line 3: '}' expected"

# --mask: its opaque pixels are ignored; its size must be the images'.
convert -size 200x200 xc:none -fill black -draw 'rectangle 50,50 59,59' "$WORK/mask.png"
run_imgbatch 0 compare "$@" --mask "$WORK/mask.png" --json
assert_contains "$WORK/out.txt" '"ignored_pixels":100'
convert -size 200x200 xc:none -fill 'rgba(0,0,0,0.4)' -draw 'rectangle 50,50 59,59' "$WORK/faint.png"
run_imgbatch 1 compare "$@" --mask "$WORK/faint.png"
convert -size 100x100 xc:black "$WORK/opaque.png"
run_imgbatch 2 compare "$@" --mask "$WORK/opaque.png"
assert_contains "$WORK/err.txt" "no alpha channel"
convert -size 100x100 xc:none "$WORK/small.png"
run_imgbatch 2 compare "$@" --mask "$WORK/small.png" --json
assert_contains "$WORK/out.txt" "the mask is 100x100, the expected image 200x200"

# Bad rectangles.
for bad in 1,2,3 1,2,3,4,5 1,2,0,4 -1,2,3,4 1,,3,4 a,b,c,d; do
	run_imgbatch 2 compare "$@" --ignore "$bad"
	assert_contains "$WORK/err.txt" "X,Y,W,H"
done
note ok
