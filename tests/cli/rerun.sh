#!/bin/sh
# Determinism and reruns: outputs are byte-identical whatever -j and chunk
# size; --update skips everything on a rerun; --crop gives exact squares.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/in"
rm "$WORK"/in/corrupt.* "$WORK/in/not-an-image.txt"
run_imgbatch 0 -o "$WORK/j1" -r 120x90 -j1 --chunk 1 "$WORK/in"
run_imgbatch 0 -o "$WORK/j2" -r 120x90 -j2 --chunk 3 "$WORK/in"
run_imgbatch 0 -o "$WORK/auto" -r 120x90 "$WORK/in"
diff -r "$WORK/j1" "$WORK/j2" >/dev/null || fail "-j1 and -j2 outputs differ"
diff -r "$WORK/j1" "$WORK/auto" >/dev/null || fail "chunk 1 and auto outputs differ"

run_imgbatch 0 -o "$WORK/j1" -r 120x90 --update --json "$WORK/in"
total=$(ls "$WORK/in" | wc -l)
assert_eq "$(json_summary skipped)" "$total" "all skipped on --update rerun"
grep -q '"reason":"up to date"' "$WORK/out.txt" || fail "no 'up to date' reason"
touch "$WORK/in/photo.jpg"
sleep 0.01
touch "$WORK/in/photo.jpg"
run_imgbatch 0 -o "$WORK/j1" -r 120x90 --update --json "$WORK/in"
assert_eq "$(json_summary done)" 1 "a touched input is redone by --update"

run_imgbatch 0 -o "$WORK/sq" -r 64x64^ --crop --gravity center "$WORK/in"
for f in "$WORK"/sq/*; do
	assert_eq "$(image_size "$f")" "64 64" "$(basename "$f") cropped size"
done
note "ok"
