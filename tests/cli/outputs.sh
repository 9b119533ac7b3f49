#!/bin/sh
# Where outputs go: mirrored trees, --name templates, odd file names,
# --files-from (newline and NUL), never outside -o, never over an input,
# --in-place only when asked, collisions refused.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/s"
mkdir -p "$WORK/in/a/b" "$WORK/in/odd"
cp "$WORK/s/photo.jpg" "$WORK/in/a/b/deep.jpg"
cp "$WORK/s/palette.png" "$WORK/in/top.png"
cp "$WORK/s/photo.jpg" "$WORK/in/odd/-dash name.jpg"
cp "$WORK/s/photo.jpg" "$WORK/in/odd/new
line.jpg"
cp "$WORK/s/photo.jpg" "$WORK/in/odd/$(printf 'bad\377byte.jpg')"
cp "$WORK/s/photo.jpg" "$WORK/in/odd/noext"

run_imgbatch 0 -o "$WORK/out" -r 64x64 --json "$WORK/in"
for f in a/b/deep.jpg top.png "odd/-dash name.jpg" "odd/new
line.jpg" "odd/$(printf 'bad\377byte.jpg')" odd/noext.jpg; do
	[ -f "$WORK/out/$f" ] || fail "missing output $f"
done
grep -q '"input_hex":"' "$WORK/out.txt" || fail "non-UTF-8 name without input_hex in JSON"
grep -q 'new\\nline.jpg' "$WORK/out.txt" || fail "newline not escaped in JSON"

# Templates with sizes and format conversion.
run_imgbatch 0 -o "$WORK/t" -r 64x64 --format png --name 'thumbs/{dir}/{stem}-{w}x{h}.{ext}' "$WORK/in/a"
[ -f "$WORK/t/thumbs/b/deep-64x48.png" ] || { find "$WORK/t" >&2; fail "template output missing"; }

# --files-from, newline and NUL separated: whole paths are mirrored.
(cd "$WORK" && printf 'in/top.png\nin/a/b/deep.jpg\n' >list.txt && printf 'in/top.png\0' >list0)
(cd "$WORK" && "$IMGBATCH" -o ff --files-from list.txt -r 32x32 -q 80 --quiet) || fail "--files-from failed"
[ -f "$WORK/ff/in/top.png" ] && [ -f "$WORK/ff/in/a/b/deep.jpg" ] || fail "--files-from outputs missing"
(cd "$WORK" && printf 'in/top.png\0' | "$IMGBATCH" -o ff0 --files-from - -0 --quiet) || fail "-0 failed"
[ -f "$WORK/ff0/in/top.png" ] || fail "NUL-separated stdin input missing"

# A symlink planted in the output tree is not followed.
mkdir -p "$WORK/outside" "$WORK/o2"
ln -s "$WORK/outside" "$WORK/o2/a"
run_imgbatch 1 -o "$WORK/o2" "$WORK/in"
assert_contains "$WORK/err.txt" "symlink"
[ -z "$(ls "$WORK/outside")" ] || fail "wrote through a symlink outside -o"

# Output into the input tree: never the input itself without --in-place.
mkdir "$WORK/same"
cp "$WORK/s/photo.jpg" "$WORK/same/x.jpg"
before=$(cksum <"$WORK/same/x.jpg")
run_imgbatch 1 -o "$WORK/same" -r 10x10 "$WORK/same"
assert_contains "$WORK/err.txt" "refusing to overwrite"
assert_eq "$(cksum <"$WORK/same/x.jpg")" "$before" "input untouched"
run_imgbatch 0 --in-place -r 10x10 "$WORK/same"
assert_eq "$(image_size "$WORK/same/x.jpg")" "10 8" "--in-place rewrote the input"
no_temp_files "$WORK/same"

# Outputs among the inputs (-o is an input directory, or --in-place) never
# replace another input: x.jpg converted to PNG must not overwrite x.png.
mkdir "$WORK/mix"
cp "$WORK/s/photo.jpg" "$WORK/mix/x.jpg"
cp "$WORK/s/palette.png" "$WORK/mix/x.png"
sums=$(cksum "$WORK/mix/x.jpg" "$WORK/mix/x.png")
for mode in "-o $WORK/mix" --in-place; do
	run_imgbatch 1 $mode --format png --json "$WORK/mix"
	assert_eq "$(cksum "$WORK/mix/x.jpg" "$WORK/mix/x.png")" "$sums" "inputs after $mode"
	assert_contains "$WORK/out.txt" "output x.png already exists among the inputs; refusing to replace it"
done
mkdir "$WORK/mix2"
cp "$WORK/s/photo.jpg" "$WORK/mix2/y.jpg"
run_imgbatch 0 --in-place --format png "$WORK/mix2"
assert_eq "$(image_size "$WORK/mix2/y.png")" "1024 768" "--in-place conversion to a new name"
[ -f "$WORK/mix2/y.jpg" ] || fail "--in-place conversion removed its input"

# Non-images whose outputs would collide are skipped, not failed.
mkdir "$WORK/ta" "$WORK/tb"
echo text >"$WORK/ta/x.txt"
echo text >"$WORK/tb/x.txt"
run_imgbatch 0 -o "$WORK/tout" --json "$WORK/ta" "$WORK/tb"
assert_eq "$(json_summary skipped)" 2 "non-images with one output name"

# Two inputs that would write one output: the second fails, the first wins.
mkdir "$WORK/col"
cp "$WORK/s/photo.jpg" "$WORK/col/x.jpg"
cp "$WORK/s/palette.png" "$WORK/col/x.png"
run_imgbatch 1 -o "$WORK/colout" --format jpeg --json "$WORK/col"
assert_eq "$(json_summary failed)" 1 "collision fails one input"
assert_contains "$WORK/out.txt" "already writes the same output"

# Several inputs: each folder goes under its own name (as cp -r a b out/),
# files named go to the top; one folder alone is mirrored from inside it.
mkdir -p "$WORK/ra/sub" "$WORK/rb"
cp "$WORK/s/photo.jpg" "$WORK/ra/x.jpg"
cp "$WORK/s/photo.jpg" "$WORK/ra/sub/y.jpg"
cp "$WORK/s/palette.png" "$WORK/rb/x.jpg"
run_imgbatch 0 -o "$WORK/rout" -r 64x64 --json "$WORK/ra" "$WORK/rb/" "$WORK/s/zoneplate.png"
assert_eq "$(json_summary done)" 4 "same names under two roots"
assert_eq "$(cd "$WORK/rout" && find . -type f ! -name '.imgbatch-*' | sort | tr '\n' ' ')" \
	"./ra/sub/y.jpg ./ra/x.jpg ./rb/x.jpg ./zoneplate.png " "outputs of several roots"
assert_eq "$(image_size "$WORK/rout/rb/x.jpg")" "$(image_size "$WORK/rout/ra/x.jpg")" \
	"both x.jpg written"
run_imgbatch 0 -o "$WORK/rone" -r 64x64 "$WORK/ra"
[ -f "$WORK/rone/x.jpg" ] && [ -f "$WORK/rone/sub/y.jpg" ] || fail "one root is mirrored from inside"
# {root} in --name; only truly identical names still collide
run_imgbatch 0 -o "$WORK/rname" -r 64x64 --name '{root}_{stem}.{ext}' "$WORK/ra" "$WORK/rb"
[ -f "$WORK/rname/ra_x.jpg" ] && [ -f "$WORK/rname/ra_y.jpg" ] && [ -f "$WORK/rname/rb_x.jpg" ] ||
	fail "{root} in --name: $(ls "$WORK/rname")"
mkdir -p "$WORK/twin1/photos" "$WORK/twin2/photos"
cp "$WORK/s/photo.jpg" "$WORK/twin1/photos/x.jpg"
cp "$WORK/s/photo.jpg" "$WORK/twin2/photos/x.jpg"
run_imgbatch 1 -o "$WORK/rtwin" -r 64x64 --json "$WORK/twin1/photos" "$WORK/twin2/photos"
assert_contains "$WORK/out.txt" "already writes the same output"

# --dry-run: a line per input (what would be written, or why not), the exit
# status of a real run, and nothing written: no -o, no folders, no run mark.
mkdir -p "$WORK/dry/sub"
cp "$WORK/s/photo.jpg" "$WORK/dry/a.jpg"
cp "$WORK/s/palette.png" "$WORK/dry/sub/b.png"
cp "$WORK/s/palette.png" "$WORK/dry/a.png"
echo text >"$WORK/dry/notes.txt"
run_imgbatch 1 -o "$WORK/dryout" --dry-run -r 100x100 --format jpeg "$WORK/dry"
[ ! -e "$WORK/dryout" ] || fail "--dry-run created -o"
assert_eq "$(grep -c '^would ' "$WORK/out.txt")" 4 "one line per input"
assert_contains "$WORK/out.txt" "would write $WORK/dryout/sub/b.jpg ("
assert_contains "$WORK/out.txt" "would skip $WORK/dry/notes.txt: not an image in a format imgbatch reads"
assert_contains "$WORK/out.txt" ": another input of this batch already writes the same output"
# a.jpg and a.png both make a.jpg: whichever is scanned first wins
grep -q "^would write $WORK/dryout/a.jpg (100x75) from $WORK/dry/a\.\(jpg\|png\)$" "$WORK/out.txt" ||
	fail "no planned size for a.jpg: $(cat "$WORK/out.txt")"
assert_contains "$WORK/err.txt" "dry run: nothing was written"
# after a real run, --update --dry-run says what is up to date; -o keeps
# exactly what the real run wrote
run_imgbatch 0 -o "$WORK/dryout" -r 100x100 "$WORK/dry/sub"
before=$(find "$WORK/dryout" | sort)
run_imgbatch 0 -o "$WORK/dryout" --dry-run --update --json -r 100x100 "$WORK/dry/sub"
assert_contains "$WORK/out.txt" '"reason":"up to date"'
assert_contains "$WORK/out.txt" '"dry_run":true'
assert_eq "$(find "$WORK/dryout" | sort)" "$before" "-o after a dry run"

# Missing inputs and unreadable trees are failures with reasons, not stops.
run_imgbatch 1 -o "$WORK/m" "$WORK/in/top.png" "$WORK/nope.jpg"
assert_contains "$WORK/err.txt" "nope.jpg: cannot open input: No such file or directory"
[ -f "$WORK/m/top.png" ] || fail "a missing input stopped the batch"

# Symlinked directories are skipped unless asked; loops cannot happen.
mkdir "$WORK/ln"
cp "$WORK/s/palette.png" "$WORK/ln/p.png"
ln -s "$WORK/ln" "$WORK/ln/loop"
run_imgbatch 0 -o "$WORK/lo" --json "$WORK/ln"
assert_eq "$(json_summary skipped)" 1 "symlinked dir skipped"
run_imgbatch 0 -o "$WORK/lo2" --follow-symlinks --json "$WORK/ln"
assert_eq "$(json_summary done)" 1 "loop followed once"
assert_contains "$WORK/out.txt" "directory loop"
note "ok"
