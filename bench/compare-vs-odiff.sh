#!/bin/sh
# imgbatch compare against odiff (npm odiff-bin) and pixelmatch's own CLI
# (npm pixelmatch@7) on many large PNG pairs, each tool writing a diff image
# per pair, at one process and at one process per core (the npm tools under
# xargs -P).  Alternating runs, medians, files/s, megapixels/s and ratios.
# odiff runs as its native binary (what odiff-bin's Node wrapper in .bin
# spawns), so it pays no Node start-up per pair; pixelmatch's CLI is a Node
# script, so a Node start-up per pair is part of its cost (measured below).
# All three skip anti-aliased pixels (odiff with --antialiasing) at
# threshold 0.1; every pair differs, so each tool must exit with its
# "images differ" status (imgbatch 1, odiff 22, pixelmatch 66) and write
# one diff image per pair, else the run stops.
# A second suite is what a UI test run looks like: 1,000 pairs of 800x600
# PNGs of which 90% are identical (byte copies) and 10% differ; imgbatch
# (one run over the two trees) against odiff (one process per pair), each
# writing a diff image per differing pair.
# Usage: bench/compare-vs-odiff.sh [ROUNDS] [PAIRS] [SIZE] [SUITES]
#        (defaults: 3 rounds, 24 pairs of 2000x1500, SUITES "large identical")
# Needs: imagemagick, nodejs + npm (the npm packages are installed under
# bench/work), a built ./imgbatch and tools/gen-samples.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${1:-3}
npairs=${2:-24}
size=${3:-2000x1500}
suites=${4:-large identical}
cores=$(nproc)
IM=/usr/bin/convert
[ -x "$IM" ] || IM=convert
work=$(realpath -m "${BENCH_DIR:-bench/work}")/compare
corpus=$work/pairs-$npairs-$size
mkdir -p "$work"

npm_pkgs="odiff-bin@4.5.0 pixelmatch@7.2.0 pngjs@7.0.0"
if [ "$(cat "$work/npm/.installed" 2>/dev/null)" != "$npm_pkgs" ]; then
	rm -rf "$work/npm"
	mkdir -p "$work/npm"
	# shellcheck disable=SC2086
	npm install --prefix "$work/npm" --no-audit --no-fund --silent --save-exact \
		$npm_pkgs >/dev/null
	echo "$npm_pkgs" >"$work/npm/.installed"
fi
# odiff-bin's own lookup of the platform package's binary
# (node_modules/@odiff/linux-x64/odiff here).
ODIFF=$(cd "$work/npm" && node -e 'process.stdout.write(require("odiff-bin/binary").findBinary())')
PIXELMATCH=$work/npm/node_modules/.bin/pixelmatch
"$ODIFF" --version 2>&1 | grep -q '^odiff 4\.5\.0 ' || { echo "bench: $ODIFF is not odiff 4.5.0" >&2; exit 1; }

now() { date +%s.%N; }

# ---- suite "large": every pair differs -------------------------------------
suite_large() {
	# Pairs: photo-like PNGs with different noise; the actual side has a
	# rectangle painted over it (about 1% of the pixels differ).
	if [ ! -d "$corpus" ]; then
		tools/gen-samples "$work/samples" >/dev/null
		mkdir -p "$corpus.tmp/golden" "$corpus.tmp/actual"
		i=0
		while [ $i -lt "$npairs" ]; do
			"$IM" "$work/samples/photo.jpg" -resize "$size!" -seed $i -attenuate 0.4 \
				+noise Gaussian -define png:compression-level=1 "$corpus.tmp/golden/p$i.png"
			"$IM" "$corpus.tmp/golden/p$i.png" -fill red -draw 'rectangle 100,100 300,250' \
				-define png:compression-level=1 "$corpus.tmp/actual/p$i.png"
			i=$((i + 1))
		done
		mv "$corpus.tmp" "$corpus"
	fi
	pixels=$(echo "$size" | awk -Fx '{ print $1 * $2 }')

	# run_TOOL JOBS: diff images into $work/out; fails unless every pair got the
	# tool's "images differ" exit status.
	run_imgbatch() {
		rc=0
		./imgbatch compare "$corpus/golden" "$corpus/actual" -j "$1" --quiet \
			--diff-dir "$work/out" 2>"$work/imgbatch.err" || rc=$?
		[ "$rc" = 1 ] || { cat "$work/imgbatch.err" >&2; echo "bench: imgbatch exited $rc, expected 1" >&2; return 1; }
	}
	# (odiff prints its count on stderr); xargs fails (123) when any pair's sh exits 1
	run_odiff() {
		ls "$corpus/golden" | xargs -P "$1" -I{} sh -c \
			'out=$("$0" "$1/golden/$2" "$1/actual/$2" "$3/$2" --antialiasing 2>&1); rc=$?
			[ $rc = 22 ] || { echo "$out" >&2; echo "bench: odiff $2 exited $rc, expected 22" >&2; exit 1; }' \
			"$ODIFF" "$corpus" {} "$work/out"
	}
	run_pixelmatch() {
		ls "$corpus/golden" | xargs -P "$1" -I{} sh -c \
			'out=$("$0" "$1/golden/$2" "$1/actual/$2" "$3/$2" 0.1 2>&1); rc=$?
			[ $rc = 66 ] || { echo "$out" >&2; echo "bench: pixelmatch $2 exited $rc, expected 66" >&2; exit 1; }' \
			"$PIXELMATCH" "$corpus" {} "$work/out"
	}

	: >"$work/times"
	r=0
	while [ $r -lt "$rounds" ]; do
		for jobs in 1 "$cores"; do
			for tool in imgbatch odiff pixelmatch; do
				rm -rf "$work/out"; mkdir -p "$work/out"
				t0=$(now)
				"run_$tool" "$jobs" || { echo "bench: $tool -j$jobs failed" >&2; exit 1; }
				t1=$(now)
				n=$(find "$work/out" -type f -name '*.png' | wc -l)
				[ "$n" = "$npairs" ] || { echo "bench: $tool -j$jobs wrote $n diff images, expected $npairs" >&2; exit 1; }
				echo "$tool $jobs $(echo "$t1 - $t0" | bc -l)" >>"$work/times"
			done
		done
		r=$((r + 1))
	done

	median() {
		grep "^$1 $2 " "$work/times" | cut -d' ' -f3 | median_of
	}
	cpu=$(cpu_model)
	echo "## $npairs pairs of $size PNGs, diff image per pair, $cores cores ($cpu), median of $rounds"
	echo
	echo "| tool | jobs | median s | pairs/s | MP/s (per pair) | time vs imgbatch |"
	echo "|---|---|---|---|---|---|"
	for jobs in 1 "$cores"; do
		ib=$(median imgbatch "$jobs")
		for tool in imgbatch odiff pixelmatch; do
			m=$(median "$tool" "$jobs")
			awk -v t="$tool" -v j="$jobs" -v m="$m" -v ib="$ib" -v n="$npairs" -v px="$pixels" \
				'BEGIN { printf "| %s | %s | %.3f | %.1f | %.1f | %.2fx |\n",
					t, j, m, n / m, n * px / 1e6 / m, m / ib }'
		done
	done
	# What the numbers rest on: one pair's counts, and a bare Node start-up.
	p0=$(ls "$corpus/golden" | head -n 1)
	ib_n=$(./imgbatch compare "$corpus/golden/$p0" "$corpus/actual/$p0" --json 2>/dev/null |
		sed -n 's/.*"diff_pixels":\([0-9]*\).*/\1/p' | head -n 1)
	od_n=$("$ODIFF" "$corpus/golden/$p0" "$corpus/actual/$p0" --antialiasing --parsable-stdout 2>&1 |
		cut -d';' -f1 | head -n 1 || :)
	pm_n=$("$PIXELMATCH" "$corpus/golden/$p0" "$corpus/actual/$p0" "" 0.1 2>&1 |
		sed -n 's/^different pixels: //p' || :)
	t0=$(now); for i in 1 2 3 4 5 6 7 8 9 10; do node -e 0; done; t1=$(now)
	echo
	echo "MP/s (per pair): $(awk -v px="$pixels" 'BEGIN { printf "%.1f", px / 1e6 }') MP per pair (each pair decodes two such images)."
	echo "Differing pixels in $p0: imgbatch $ib_n, odiff $od_n, pixelmatch $pm_n."
	echo "pixelmatch's CLI is Node: a bare \`node -e 0\` takes $(echo "($t1 - $t0) * 100" | bc -l | xargs printf '%.0f') ms here, paid per pair."
}

# ---- suite "identical": 1,000 pairs of 800x600, 90% identical ---------------
suite_identical() {
	ipairs=1000
	idiffer=100
	isize=800x600
	icorpus=$work/identical-$ipairs-$isize
	if [ ! -d "$icorpus" ]; then
		tools/gen-samples "$work/samples" >/dev/null
		mkdir -p "$icorpus.tmp/golden" "$icorpus.tmp/actual"
		i=0
		# 100 distinct images; pair i's golden is image i % 100
		while [ $i -lt $idiffer ]; do
			"$IM" "$work/samples/photo.jpg" -resize "$isize!" -seed $i -attenuate 0.4 \
				+noise Gaussian -define png:compression-level=1 "$icorpus.tmp/base$i.png"
			i=$((i + 1))
		done
		i=0
		while [ $i -lt $ipairs ]; do
			name=$(printf 'p%04d.png' $i)
			cp "$icorpus.tmp/base$((i % idiffer)).png" "$icorpus.tmp/golden/$name"
			if [ $((i % 10)) = 0 ]; then
				"$IM" "$icorpus.tmp/golden/$name" -fill red -draw 'rectangle 100,100 300,250' \
					-define png:compression-level=1 "$icorpus.tmp/actual/$name"
			else
				cp "$icorpus.tmp/golden/$name" "$icorpus.tmp/actual/$name"
			fi
			i=$((i + 1))
		done
		rm -f "$icorpus.tmp"/base*.png
		mv "$icorpus.tmp" "$icorpus"
	fi
	: >"$work/itimes"
	r=0
	while [ $r -lt "$rounds" ]; do
		for jobs in 1 "$cores"; do
			for tool in imgbatch odiff; do
				rm -rf "$work/out"; mkdir -p "$work/out"
				t0=$(now)
				"irun_$tool" "$jobs" "$icorpus" || { echo "bench: $tool -j$jobs failed" >&2; exit 1; }
				t1=$(now)
				n=$(find "$work/out" -type f -name '*.png' | wc -l)
				[ "$n" = "$idiffer" ] || { echo "bench: $tool -j$jobs wrote $n diff images, expected $idiffer" >&2; exit 1; }
				echo "$tool $jobs $(echo "$t1 - $t0" | bc -l)" >>"$work/itimes"
			done
		done
		r=$((r + 1))
	done
	echo
	echo "## $ipairs pairs of $isize PNGs, 90% byte-identical, a diff image per differing pair, $cores cores ($(cpu_model)), median of $rounds"
	echo
	echo "| tool | jobs | median s | pairs/s | time vs imgbatch |"
	echo "|---|---|---|---|---|"
	for jobs in 1 "$cores"; do
		ib=$(grep "^imgbatch $jobs " "$work/itimes" | cut -d' ' -f3 | median_of)
		for tool in imgbatch odiff; do
			m=$(grep "^$tool $jobs " "$work/itimes" | cut -d' ' -f3 | median_of)
			awk -v t="$tool" -v j="$jobs" -v m="$m" -v ib="$ib" -v n="$ipairs" \
				'BEGIN { printf "| %s | %s | %.3f | %.1f | %.2fx |\n", t, j, m, n / m, m / ib }'
		done
	done
}
# imgbatch: exit 1 (the differing pairs fail); odiff per pair: 0 when
# identical, 22 when not, and a diff image only then.
irun_imgbatch() {
	rc=0
	./imgbatch compare "$2/golden" "$2/actual" -j "$1" --quiet --diff-dir "$work/out" \
		2>"$work/imgbatch.err" || rc=$?
	[ "$rc" = 1 ] || { cat "$work/imgbatch.err" >&2; echo "bench: imgbatch exited $rc, expected 1" >&2; return 1; }
}
irun_odiff() {
	ls "$2/golden" | xargs -P "$1" -I{} sh -c \
		'out=$("$0" "$1/golden/$2" "$1/actual/$2" "$3/$2" --antialiasing 2>&1); rc=$?
		[ $rc = 0 ] || [ $rc = 22 ] || { echo "$out" >&2; echo "bench: odiff $2 exited $rc" >&2; exit 1; }' \
		"$ODIFF" "$2" {} "$work/out"
}

for suite in $suites; do
	"suite_$suite"
done
