#!/bin/sh
# Decompression bombs: a PNG declaring 100000x100000 and a JPEG declaring
# 65500x65500 fail from their headers, before any pixel memory is taken;
# an image within --max-pixels but beyond --max-memory (a 140 KB PNG that
# decodes to 144 MB) fails cleanly with "out of memory", and the same
# worker goes on with the next file.
. "$(dirname "$0")/lib.sh"
HOSTILE=$top_builddir/tests/make-hostile

make_fixtures "$WORK/s"
mkdir "$WORK/in"
"$HOSTILE" huge-png 100000 100000 "$WORK/in/a-huge.png"
"$HOSTILE" huge-jpeg 65500 65500 "$WORK/in/b-huge.jpg"
"$HOSTILE" flat-png 12000 12000 "$WORK/in/c-flat.png"
cp "$WORK/s/photo.jpg" "$WORK/in/d-photo.jpg"
printf '%s\n' "$WORK/in/a-huge.png" "$WORK/in/b-huge.jpg" "$WORK/in/c-flat.png" \
	"$WORK/in/d-photo.jpg" >"$WORK/list"

reason_of() {
	grep -F "\"input\":\"$WORK/in/$1\"" "$WORK/out.txt" | sed -n 's/.*"reason":"\([^"]*\)".*/\1/p'
}

# Without a memory limit: the bombs fail on their headers, the rest is done.
run_imgbatch 1 -o "$WORK/out" -r 256x256 -j1 --json --files-from "$WORK/list"
assert_eq "$(reason_of a-huge.png)" \
	"image is 100000x100000 = 10000000000 pixels, over the limit of 256000000 (--max-pixels)" \
	"PNG bomb"
assert_eq "$(reason_of b-huge.jpg)" \
	"image is 65500x65500 = 4290250000 pixels, over the limit of 256000000 (--max-pixels)" \
	"JPEG bomb"
assert_eq "$(json_summary done)" 2 "the images within the limits"
assert_eq "$(image_size "$WORK/out$WORK/in/c-flat.png")" "256 256" "144 MP PNG resized"

if [ "${IMGBATCH_SANITIZERS:-no}" = yes ] || [ -n "${IMGBATCH_VALGRIND:-}" ]; then
	note "SKIP --max-memory: AddressSanitizer and valgrind cannot run under RLIMIT_AS"
	note "ok"
	exit 0
fi
# With one: the bombs still fail on their headers (nothing was allocated,
# so the limit is never reached), the 144 MB image runs out of memory.
run_imgbatch 1 -o "$WORK/lim" -r 256x256 -j1 --max-memory 100M --json --files-from "$WORK/list"
assert_eq "$(reason_of a-huge.png)" \
	"image is 100000x100000 = 10000000000 pixels, over the limit of 256000000 (--max-pixels)" \
	"PNG bomb under --max-memory"
assert_eq "$(reason_of c-flat.png)" \
	"out of memory: cannot allocate a 12000x12000 image (144000000 bytes)" "144 MB image in 100 MB"
assert_eq "$(json_summary failed)" 3 "failures under --max-memory"
assert_eq "$(json_summary done)" 1 "the photo after the out-of-memory file"
assert_eq "$(image_size "$WORK/lim$WORK/in/d-photo.jpg")" "256 192" "photo done"
[ ! -e "$WORK/lim$WORK/in/c-flat.png" ] || fail "an output for the file that ran out of memory"
assert_eq "$(grep -c '"worker":' "$WORK/out.txt")" 4 "results"
assert_eq "$(sed -n 's/.*"worker":\([0-9]*\).*/\1/p' "$WORK/out.txt" | sort -u | wc -l | tr -d ' ')" 1 \
	"one worker did all four files (none died)"
no_temp_files "$WORK/lim"

run_imgbatch 2 -o "$WORK/x" --max-memory 1M "$WORK/in"
assert_contains "$WORK/err.txt" "invalid --max-memory '1M': must be a size of at least 64M"
run_imgbatch 2 -o "$WORK/x" --max-memory 12Q "$WORK/in"
note "ok"
