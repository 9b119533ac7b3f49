#!/bin/sh
# libFuzzer harnesses for imgbatch, built with clang under AddressSanitizer
# and UndefinedBehaviorSanitizer (called by `make fuzz` and `make fuzz-run`).
#   fuzz/run.sh build SOURCE...      compile the library SOURCEs and link
#                                    every fuzz/fuzz_*.c harness
#   fuzz/run.sh run SECONDS          first replay fuzz/regressions/NAME/*
#                                    (inputs that once crashed), then fuzz
#                                    each harness for SECONDS from its seeds
# Environment: FUZZ_CPPFLAGS, FUZZ_LIBS (from make), FUZZ_DIR (build dir,
# default fuzz/build), CLANG (default clang).
set -eu
src=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$src")
out=${FUZZ_DIR:-fuzz/build}
CLANG=${CLANG:-clang}
harnesses="decode exif geometry filter_chain"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

build() {
	command -v "$CLANG" >/dev/null ||
		{ echo "fuzz: $CLANG not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
	mkdir -p "$out/obj"
	# The library once, with coverage for the fuzzer; in parallel.
	for s in "$@"; do echo "$s"; done | xargs -P "$(nproc)" -I{} sh -c '
		o="$0/obj/$(echo "$1" | tr / _).o"
		exec $2 -g -O1 -fsanitize=fuzzer-no-link $3 $4 -c "$5/$1" -o "$o"' \
		"$out" {} "$CLANG" "$SAN" "$FUZZ_CPPFLAGS" "$top"
	rm -f "$out/libfuzz.a"
	ar rcs "$out/libfuzz.a" "$out"/obj/*.o
	for h in $harnesses; do
		$CLANG -g -O1 -fsanitize=fuzzer $SAN $FUZZ_CPPFLAGS "$src/fuzz_$h.c" \
			"$out/libfuzz.a" $FUZZ_LIBS -o "$out/fuzz_$h"
	done
	echo "fuzz: built $(for h in $harnesses; do printf '%s ' "$out/fuzz_$h"; done)"
}

# Seeds: the samples for the decoder, small hand-made inputs for the rest.
# The decoder also gets fuzz/seeds/decode, for the formats samples/ lacks: a
# tiny DNG (tests/make-dng fuzz/seeds/decode/preview.dng 32 24 32 24 6), and
# a HEIC, an AVIF with alpha and a JPEG XL with alpha made from 32x24 and
# 24x18 PNGs by heif-enc -q 50 (-A for AVIF) and cjxl -d 2; and a 256x192
# HEIC with irot and imir whose 128x96 thumbnail item has none (check_heif's
# heic_with_thumbnail, orientation 5), so the decoder reads item properties.
# And four 400x400 progressive JPEGs, which the harness's 48-px target decodes
# at 1/8 from their DC scans (jpeg_dc_decode.c): `convert -size 400x400
# gradient:red-blue -swirl 90` through cjpeg -progressive -quality 20 (4:2:0;
# -restart 1 -sample 2x1; -grayscale) and ImageMagick's -colorspace cmyk
# -interlace JPEG -quality 20 (Adobe CMYK).
# And 12x9 TIFFs of the kinds read sample by sample (tiff_samples.c), made
# from samples/photo.jpg by ImageMagick with -compress zip: 32-bit float and
# 32-bit integer RGB, signed 16-bit gray, 16-bit CMYK in a 16x16 tile, CIELab.
seeds_of() {
	case $1 in
	decode) echo "$top/samples" ;;
	*) echo "$src/seeds/$1" ;;
	esac
}

run() {
	seconds=$1
	status=0
	for h in $harnesses; do
		bin=$out/fuzz_$h
		[ -x "$bin" ] || { echo "fuzz: $bin not built (make fuzz)" >&2; exit 2; }
		mkdir -p "$out/corpus/$h" "$out/crashes"
		if ls "$src/regressions/$h"/* >/dev/null 2>&1; then
			"$bin" "$src/regressions/$h"/* >"$out/$h-regressions.log" 2>&1 ||
				{ echo "fuzz: $h: a regression input fails again:" >&2; tail -n 30 "$out/$h-regressions.log" >&2; status=1; }
		fi
		raw_seeds=
		[ "$h" != decode ] || raw_seeds=$src/seeds/decode
		set +e
		"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$out/crashes/$h-" "$out/corpus/$h" "$(seeds_of "$h")" \
			${raw_seeds:+"$raw_seeds"} \
			>"$out/$h.log" 2>&1
		code=$?
		set -e
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$h.log")
		echo "fuzz: $h: ${runs:-?} executions in $seconds s, exit $code"
		if [ $code != 0 ]; then
			tail -n 40 "$out/$h.log" >&2
			status=1
		fi
	done
	return $status
}

case ${1:-} in
build) shift; build "$@" ;;
run) run "${2:-60}" ;;
*) echo "usage: fuzz/run.sh build SOURCE... | run SECONDS" >&2; exit 2 ;;
esac
