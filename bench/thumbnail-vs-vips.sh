#!/bin/sh
# 256x256 thumbnails of large photo-like JPEGs, imgbatch against vipsthumbnail
# (one process per core under GNU parallel) and the codec floor (djpeg
# -scale 1/8 | cjpeg under xargs -P), alternating runs, medians and ratios.
# MODE jpeg (default): JPEG thumbnails in a folder.  MODE cache: `imgbatch
# thumbnail` filling a freedesktop.org cache (PNG, tEXt keys, fail checks)
# against vipsthumbnail writing the same 256-pixel PNGs.
# Usage: bench/thumbnail-vs-vips.sh [ROUNDS] [FILES] [MODE]
# Needs: libvips-tools parallel libjpeg-turbo-progs imagemagick (apt-get).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${1:-5}
nfiles=${2:-16}
mode=${3:-jpeg}
case $mode in jpeg|cache) ;; *) echo "MODE: jpeg or cache" >&2; exit 2 ;; esac
cores=$(nproc)
work=$(realpath -m "${BENCH_DIR:-bench/work}")
corpus=$work/corpus-$nfiles
mkdir -p "$corpus"

# Corpus: 4000x3000 (12 MP) photo-like JPEGs at q92 with sensor-like noise,
# made from the generated photo sample (each with different noise).
if [ "$(ls "$corpus" | wc -l)" -lt "$nfiles" ]; then
	tools/gen-samples "$work/samples" >/dev/null
	i=0
	while [ $i -lt "$nfiles" ]; do
		convert "$work/samples/photo.jpg" -resize 4000x3000! -seed $i \
			-attenuate 0.6 +noise Gaussian -quality 92 "$corpus/img$i.jpg"
		i=$((i + 1))
	done
fi

now() { date +%s.%N; }
run_imgbatch() {
	rm -rf "$work/o1"
	if [ "$mode" = cache ]; then
		XDG_CACHE_HOME=$work/o1 ./imgbatch thumbnail --size large --quiet "$corpus"
	else
		./imgbatch -o "$work/o1" -r 256x256 -q 85 --quiet "$corpus"
	fi
}
run_vips() {
	rm -rf "$work/o2"; mkdir -p "$work/o2"
	if [ "$mode" = cache ]; then
		out="$work/o2/%s.png"
	else
		out="$work/o2/%s.jpg[Q=85,optimize_coding]"
	fi
	ls "$corpus"/*.jpg | parallel -j "$cores" vipsthumbnail --size 256x256 -o "$out" {}
}
run_floor() {
	rm -rf "$work/o3"; mkdir -p "$work/o3"
	ls "$corpus"/*.jpg | xargs -P "$cores" -I{} sh -c \
		'djpeg -scale 1/8 "$1" | cjpeg -quality 85 -optimize > "$2/$(basename "$1")"' _ {} "$work/o3"
}

: >"$work/times"
r=0
while [ $r -lt "$rounds" ]; do
	for tool in imgbatch vips floor; do
		t0=$(now); "run_$tool"; t1=$(now)
		echo "$tool $(echo "$t1 - $t0" | bc -l)" >>"$work/times"
	done
	r=$((r + 1))
done

median() {
	grep "^$1 " "$work/times" | cut -d' ' -f2 | median_of
}
m_ib=$(median imgbatch); m_v=$(median vips); m_f=$(median floor)
cpu=$(cpu_model)
echo "## 256x256 $mode thumbnails of $nfiles 4000x3000 JPEGs, $cores cores ($cpu), median of $rounds"
echo
echo "| tool | median s | files/s | ratio to floor | ratio to imgbatch |"
echo "|---|---|---|---|---|"
for t in "imgbatch:$m_ib" "vipsthumbnail (parallel):$m_v" "djpeg 1/8 + cjpeg (floor):$m_f"; do
	name=${t%%:*}; m=${t##*:}
	awk -v n="$name" -v m="$m" -v f="$m_f" -v i="$m_ib" -v c="$nfiles" \
		'BEGIN { printf "| %s | %.3f | %.1f | %.2fx | %.2fx |\n", n, m, c / m, m / f, m / i }'
done
