#!/bin/sh
# -r and -f steps run in command-line order, and a leading downscale still
# shrinks JPEGs on load: under a 100 MB memory limit a 10000x10000 JPEG
# (100 MB decoded) becomes a thumbnail when -r comes first, and runs out of
# memory when a filter first needs the full image.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/s"
photo=$WORK/s/photo.jpg   # 1024x768
run_imgbatch 0 -o "$WORK/a" -r 100x -f rotate=90 "$photo"
assert_eq "$(image_size "$WORK/a/photo.jpg")" "75 100" "-r then rotate"
run_imgbatch 0 -o "$WORK/b" -f rotate=90 -r 100x "$photo"
assert_eq "$(image_size "$WORK/b/photo.jpg")" "100 133" "rotate then -r"
run_imgbatch 0 -o "$WORK/c" -r 200x -f crop=50x40:center -r 200% "$photo"
assert_eq "$(image_size "$WORK/c/photo.jpg")" "100 80" "-r, crop, -r"

if [ "${IMGBATCH_SANITIZERS:-no}" = yes ] || [ -n "${IMGBATCH_VALGRIND:-}" ]; then
	note "SKIP the shrink-on-load proof: it needs --max-memory (RLIMIT_AS)"
	note "ok"
	exit 0
fi
"$top_builddir/tests/make-hostile" flat-jpeg 10000 10000 "$WORK/big.jpg"
run_imgbatch 0 -o "$WORK/d" -r 256x256 -f grayscale --max-memory 100M "$WORK/big.jpg"
assert_eq "$(image_size "$WORK/d/big.jpg")" "256 256" "resize first: shrunk on load"
run_imgbatch 1 -o "$WORK/e" -f grayscale -r 256x256 --max-memory 100M --json "$WORK/big.jpg"
assert_contains "$WORK/out.txt" '"reason":"out of memory: cannot allocate a 10000x10000 image'
note "ok"
