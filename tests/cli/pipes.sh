#!/bin/sh
# Pipes: "-" reads one image from standard input, "-o -" writes one to
# standard output (--format required); the bytes equal a run through files,
# errors go to stderr with the exit status, and the private folder the run
# works in is gone afterwards.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/s"
export TMPDIR="$WORK/tmp"
mkdir "$TMPDIR"

# stdin to stdout, the same bytes as from a file to a file
"$IMGBATCH" -r 300x --format png -o - - <"$WORK/s/photo.jpg" >"$WORK/piped.png" 2>"$WORK/err.txt" ||
	fail "stdin to stdout failed: $(cat "$WORK/err.txt")"
assert_eq "$(wc -c <"$WORK/err.txt" | tr -d ' ')" 0 "nothing on stderr when the image was written"
run_imgbatch 0 -r 300x --format png -o "$WORK/files" "$WORK/s/photo.jpg"
cmp "$WORK/piped.png" "$WORK/files/photo.png" || fail "piped output differs from a run through files"
# a file to stdout, stdin to a folder (named stdin there)
"$IMGBATCH" -r 64x64 --format webp -o - "$WORK/s/rgba-soft.png" >"$WORK/piped.webp" ||
	fail "file to stdout failed"
run_imgbatch 0 -r 64x64 --format webp -o "$WORK/files64" "$WORK/s/rgba-soft.png"
cmp "$WORK/piped.webp" "$WORK/files64/rgba-soft.webp" || fail "piped WebP differs from a run through files"
assert_eq "$(image_size "$WORK/piped.webp")" "$(image_size "$WORK/files64/rgba-soft.webp")" "webp written to stdout"
run_imgbatch 0 -r 50x -o "$WORK/fromstdin" - <"$WORK/s/zoneplate.png"
assert_eq "$(image_size "$WORK/fromstdin/stdin.png")" "50 50" "stdin to a folder"
assert_eq "$(find "$TMPDIR" -mindepth 1 | wc -l | tr -d ' ')" 0 "the private folders are removed"

# what pipes cannot do: exit 2, nothing on stdout
for args in "-o - $WORK/s/photo.jpg" \
	"--format png -o - $WORK/s/photo.jpg $WORK/s/zoneplate.png" \
	"--format png -o - --json $WORK/s/photo.jpg" \
	"--format png -o $WORK/o2 - -" \
	"--format png -r 10,20 --name {stem}-{w}.{ext} -o - $WORK/s/photo.jpg"; do
	set +e
	# shellcheck disable=SC2086
	"$IMGBATCH" $args </dev/null >"$WORK/out.bin" 2>"$WORK/err.txt"
	code=$?
	set -e
	assert_eq "$code" 2 "imgbatch $args"
	assert_eq "$(wc -c <"$WORK/out.bin" | tr -d ' ')" 0 "stdout after imgbatch $args"
done
assert_contains "$WORK/err.txt" "-o - writes one image to standard output: a list of sizes makes several images"

# a damaged image on stdin: exit 1, its reason on stderr, nothing on stdout
head -c 3000 "$WORK/s/photo.jpg" >"$WORK/cut.jpg"
set +e
"$IMGBATCH" --format png -o - - <"$WORK/cut.jpg" >"$WORK/out.bin" 2>"$WORK/err.txt"
code=$?
set -e
assert_eq "$code" 1 "damaged image on stdin"
assert_eq "$(wc -c <"$WORK/out.bin" | tr -d ' ')" 0 "stdout for a damaged image"
assert_contains "$WORK/err.txt" "JPEG"
assert_eq "$(wc -l <"$WORK/err.txt" | tr -d ' ')" 1 "one line for the failed image"
# stdin over --max-input-size, and a full stdout
set +e
"$IMGBATCH" --format png --max-input-size 1000 -o - - <"$WORK/s/photo.jpg" >/dev/null 2>"$WORK/err.txt"
code=$?
"$IMGBATCH" --format png -o - - <"$WORK/s/photo.jpg" >/dev/full 2>"$WORK/err2.txt"
code2=$?
set -e
assert_eq "$code" 2 "stdin past --max-input-size"
assert_contains "$WORK/err.txt" "standard input is larger than --max-input-size (1000 bytes)"
assert_eq "$code2" 1 "stdout full"
assert_contains "$WORK/err2.txt" "writing the image to standard output: No space left on device"
assert_eq "$(find "$TMPDIR" -mindepth 1 | wc -l | tr -d ' ')" 0 "private folders removed after errors"
note "ok"
