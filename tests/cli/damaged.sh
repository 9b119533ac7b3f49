#!/bin/sh
# Damaged files for every decoder: each sample of each format (JPEG, PNG,
# GIF, WebP, TIFF from samples/; HEIC, AVIF, JPEG XL and a DNG's preview from
# fuzz/seeds/decode and made now from the photo) cut at 10 points and with
# bits flipped (3 seeds of 8 flips past the first 16 bytes), all converted
# in one run under --max-memory 512M: exit 0 or 1, every input accounted
# (done, or failed with a one-line reason), no worker killed (a crash or an
# abort), no temp file left, every output decodes.
. "$(dirname "$0")/lib.sh"

src=$WORK/src in=$WORK/in
mkdir -p "$src" "$in"
for f in "$top_srcdir"/samples/* "$top_srcdir"/fuzz/seeds/decode/*; do
	case $f in *.txt | */README.md) continue ;; esac
	cp "$f" "$src/"
done
convert "$top_srcdir/samples/photo.jpg" -resize 320x240 "$WORK/photo.png"
heif-enc -q 50 "$WORK/photo.png" -o "$src/photo.heic" >/dev/null
heif-enc -A -q 50 "$WORK/photo.png" -o "$src/photo.avif" >/dev/null
cjxl -d 2 "$WORK/photo.png" "$src/photo.jxl" >/dev/null 2>&1
cjxl "$top_srcdir/samples/photo.jpg" "$src/recompressed.jxl" >/dev/null 2>&1
"$top_builddir/tests/make-dng" "$src/photo.dng" 300 200 600 400
convert -delay 10 "$WORK/photo.png" -flop "$WORK/photo.png" "$src/animated.gif"
convert "$WORK/photo.png" -compress zip -define tiff:tile-geometry=64x64 "$src/tiled.tif"
for ext in jpg png gif webp tif heic avif jxl dng; do
	ls "$src"/*."$ext" >/dev/null 2>&1 || fail "no $ext sample"
done

# NAME-EXT-tK.EXT: cut to K/11 of its size; NAME-EXT-fS.EXT: bits flipped,
# seed S (EXT in the name: photo.jpg and photo.heic need two outputs).
for f in "$src"/*; do
	base=$(basename "$f")
	name=${base%.*} ext=${base##*.}
	size=$(wc -c <"$f")
	for k in 1 2 3 4 5 6 7 8 9 10; do
		head -c $((size * k / 11)) "$f" >"$in/$name-$ext-t$k.$ext"
	done
	for seed in 1 2 3; do
		perl -e 'my ($seed, $from, $to) = @ARGV; srand($seed);
			open my $fh, "<:raw", $from or die; local $/; my $d = <$fh>;
			for (1 .. 8) { my $at = 16 + int(rand(length($d) - 16));
				substr($d, $at, 1) = chr(ord(substr($d, $at, 1)) ^ (1 << int(rand(8)))); }
			open my $out, ">:raw", $to or die; print $out $d;' \
			"$seed" "$f" "$in/$name-$ext-f$seed.$ext"
	done
done
inputs=$(ls "$in" | wc -l)

# AddressSanitizer and valgrind cannot run under RLIMIT_AS (see memory.sh).
limit="--max-memory 512M"
if [ "${IMGBATCH_SANITIZERS:-no}" = yes ] || [ -n "${IMGBATCH_VALGRIND:-}" ]; then
	limit=
fi
set +e
# shellcheck disable=SC2086
"$IMGBATCH" -o "$WORK/out" --format png -r 160x160 -j2 --json $limit "$in" \
	>"$WORK/out.txt" 2>"$WORK/err.txt"
code=$?
set -e
[ $code -le 1 ] || { tail "$WORK/err.txt" >&2; fail "exit status $code"; }

# Every input once, done or failed with a reason; no worker died on one.
assert_eq "$(grep -c '"type":"file"' "$WORK/out.txt")" "$inputs" "inputs accounted"
assert_eq "$(json_summary total)" "$inputs" "the summary's total"
grep '"type":"file"' "$WORK/out.txt" | grep -v -e '"status":"done"' \
	-e '"status":"failed","input":"[^"]*","reason":"[^"]' >"$WORK/odd" || :
[ ! -s "$WORK/odd" ] || { head -n 3 "$WORK/odd" >&2; fail "an input neither done nor failed with a reason"; }
grep -e '"reason":"worker ' -e '"reason":"timed out' "$WORK/out.txt" >"$WORK/deaths" || :
# each copy was decoded (no two share an output), and each reason is one line
grep -e 'already writes the same output' -e '"reason":"[^"]*\\n"' "$WORK/out.txt" >>"$WORK/deaths" || :
[ ! -s "$WORK/deaths" ] || { head -n 5 "$WORK/deaths" >&2; fail "a worker died, or a reason is wrong"; }

# No partial output: no temp file, and each output decodes at its size.
no_temp_files "$WORK/out"
done=$(json_summary done)
assert_eq "$(find "$WORK/out" -type f -name '*.png' | wc -l)" "$done" "outputs of the done inputs"
find "$WORK/out" -type f -name '*.png' | while read -r o; do
	"$DECODE" info "$o" >/dev/null || fail "output $o does not decode"
done

for ext in jpg png gif webp tif heic avif jxl dng; do
	n=$(grep -c "\"input\":\"[^\"]*\\.$ext\"" "$WORK/out.txt" || :)
	d=$(grep "\"input\":\"[^\"]*\\.$ext\"" "$WORK/out.txt" | grep -c '"status":"done"' || :)
	note "$ext: $n damaged copies, $d still decoded, $((n - d)) failed with a reason"
done
note "$inputs damaged inputs, exit $code, $(json_summary failed) failed, none crashed"
