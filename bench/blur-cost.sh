#!/bin/sh
# What a Gaussian blur costs as sigma grows: imgbatch -j1 -f blur=SIGMA on one
# 4000x3000 RGB PNG, against convert -blur 0xSIGMA (one thread), each also
# without any filter (decode + encode only) so that the filter's own share
# shows.  Rounds alternate the runs; the table gives medians and the ratio to
# sigma 3.  imgbatch switches from the exact kernel to box filters at sigma
# 3.5, so blur=30 must cost no more than about 3 times blur=3.
# Usage: bench/blur-cost.sh [ROUNDS] [SIGMAS]   (defaults: 3, "1 3 10 30 100")
# Needs: imagemagick (apt-get), a built ./imgbatch and tools/gen-samples.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${1:-3}
sigmas=${2:-1 3 10 30 100}
case " $sigmas " in
*" 3 "*) ;;
*) echo "blur-cost.sh: SIGMAS must include 3 (the reference)" >&2; exit 2 ;;
esac
# Debian's ImageMagick, not a wrapper that may come first in PATH
IM=/usr/bin/convert
[ -x "$IM" ] || IM=convert
work=$(realpath -m "${BENCH_DIR:-bench/work}")/blur
mkdir -p "$work"
img=$work/photo-4000x3000.png

# Level 1 compression on both sides: the encoder is not what is measured.
if [ ! -f "$img" ]; then
	tools/gen-samples "$work/samples" >/dev/null
	"$IM" "$work/samples/photo.jpg" -resize 4000x3000! \
		-define png:compression-level=1 "$img"
fi

now() { date +%s.%N; }
# run_imgbatch SIGMA (0: no filter)
run_imgbatch() {
	rm -rf "$work/out"
	if [ "$1" = 0 ]; then
		./imgbatch -j1 --quiet --compression 1 -o "$work/out" "$img"
	else
		./imgbatch -j1 --quiet --compression 1 -o "$work/out" -f "blur=$1" "$img"
	fi
}
run_convert() {
	if [ "$1" = 0 ]; then
		"$IM" -limit thread 1 "$img" -define png:compression-level=1 "$work/ref.png"
	else
		"$IM" -limit thread 1 "$img" -blur "0x$1" -define png:compression-level=1 \
			"$work/ref.png"
	fi
}

: >"$work/times"
r=0
while [ $r -lt "$rounds" ]; do
	for s in 0 $sigmas; do
		for tool in imgbatch convert; do
			t0=$(now); "run_$tool" "$s"; t1=$(now)
			echo "$tool $s $(echo "$t1 - $t0" | bc -l)" >>"$work/times"
		done
	done
	r=$((r + 1))
done

median() {
	grep "^$1 $2 " "$work/times" | cut -d' ' -f3 | median_of
}
ib0=$(median imgbatch 0); im0=$(median convert 0)
ib3=$(median imgbatch 3); im3=$(median convert 3)
cpu=$(cpu_model)
echo "## blur cost on a 4000x3000 RGB PNG, one process/thread ($cpu), median of $rounds"
echo
printf 'Totals include decoding and encoding (no filter: imgbatch %.2f s, convert %.2f s);\n' \
	"$ib0" "$im0"
echo "\"filter\" is the total minus that."
echo
echo "| sigma | imgbatch s | filter s | ratio to sigma 3 | convert s | filter s | ratio to sigma 3 |"
echo "|---|---|---|---|---|---|---|"
for s in $sigmas; do
	awk -v s="$s" -v a="$(median imgbatch "$s")" -v b="$(median convert "$s")" \
		-v a0="$ib0" -v b0="$im0" -v a3="$ib3" -v b3="$im3" 'BEGIN {
		printf "| %s | %.2f | %.2f | %.2fx (filter %.2fx) | %.2f | %.2f | %.2fx (filter %.2fx) |\n",
			s, a, a - a0, a / a3, (a - a0) / (a3 - a0), b, b - b0, b / b3,
			(b - b0) / (b3 - b0) }'
done
