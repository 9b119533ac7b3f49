#!/bin/sh
# Issue 6's benchmark (`make bench`): imgbatch against the codec floor and
# its peers, all cores, alternating rounds (the order rotates each round),
# medians and ratios; writes bench/results/RESULTS.md and ratios.png.
#   S1 256-px JPEG q85 thumbnails of 16 MP JPEGs    floor: djpeg -scale 1/8 | cjpeg
#   S2 long side 1920 px, JPEG q85, the same JPEGs  floor: djpeg -scale 1/2 | cjpeg
#   S3 5,000 64-px PNGs in 10 folders to 32-px PNG  floor: read each file,
#                                                    write as many bytes (no decode;
#                                                    bench/io-floor.c, a process a core)
#   S4 one 4000x3000 RGBA PNG to 800 px PNG         floor: libpng decode + encode
#                                                    (bench/png-floor.c, no resize)
#   S5 S3's job on 1,000, 10,000 and 100,000 files (hard links to the
#      5,000), imgbatch alone: cost per file and the master's CPU share
#      (from the --json summary's master_cpu_seconds, worker_cpu_seconds)
#   S6 S1 on the same JPEGs made progressive (jpegtran -progressive), whose
#      DC scans alone give 1/8    floor: djpeg -scale 1/8 | cjpeg
#   S7 256-px JPEG q85 thumbnails of 12 MP HEICs with a 320x240 thumbnail
#      item, as iPhones write them (heif-enc, from the S1 JPEGs), against
#      vipsthumbnail; and imgbatch's full-decode path (-r 480, which the
#      thumbnail item does not cover)   floor: heif-convert | djpeg -scale 1/8 | cjpeg
#   S8 S2's job writing WebP q80 and AVIF q80 (libheif's default effort,
#      aom speed 6), against vipsthumbnail with the same libwebp and
#      libheif settings (no floor: the same encoders are the peer's)
# Also imgbatch -j1 against its default (one worker per core) on S1 and S3,
# and imgbatch's peak RSS on S1, S2, S4, S6 and S7 (GNU time).
# The floors do not resize: djpeg's 1/8 of 4608x3456 is 576x432 (S1) and
# its 1/2 is 2304x1728 (S2), encoded as they are.  imgbatch resizes on top,
# but the floor encodes the larger image and starts three processes a file,
# so imgbatch can come in under 1x.
#
# Usage: bench/run.sh [ROUNDS]        (default $ROUNDS, else 3)
# Environment: NJPEG (16) and NPNG (5000, a multiple of 10) run on the
#   first files of the corpus only (smoke tests); SLOW (90): a tool whose
#   first round takes longer than that many seconds runs one round only;
#   SCENARIOS ("S1 S2 S3 S4 S5 S6 S7 S8") the scenarios to run (a partial RESULTS.md);
#   REPORT_ONLY=1 writes the report of the last run again, running nothing;
#   BENCH_DIR (bench/work), RESULTS_DIR (bench/results); IMGBATCH (default
#   ./imgbatch of the calling directory, else of the source tree).
# Needs: a built imgbatch and tools/gen-samples, ImageMagick (/usr/bin/convert,
#   for the corpus), libjpeg-turbo-progs, cc + libpng (pkg-config), and for
#   S7 libheif-examples (heif-enc, heif-convert).  Peers
#   that are missing are skipped with a note: libvips-tools, parallel,
#   graphicsmagick, python3-pil with ../shared/bench/pillow_pool.py, gnuplot
#   (the plot), time (/usr/bin/time, peak RSS).
set -eu
here=$(pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/lib.sh"
rounds=${1:-${ROUNDS:-3}}
njpeg=${NJPEG:-16}
npng=${NPNG:-5000}
slow=${SLOW:-90}
all_scenarios="S1 S2 S3 S4 S5 S6 S7 S8"
scenarios=${SCENARIOS:-$all_scenarios}
cores=$(nproc)
if [ -n "${IMGBATCH:-}" ]; then IB=$(realpath "$IMGBATCH")
elif [ -x "$here/imgbatch" ]; then IB=$here/imgbatch
else IB=$src/imgbatch; fi
if [ -x "$here/tools/gen-samples" ]; then GEN=$here/tools/gen-samples
else GEN=$src/tools/gen-samples; fi
cd "$src"
work=$(realpath -m "${BENCH_DIR:-bench/work}")/run
results=$(realpath -m "${RESULTS_DIR:-bench/results}")
IM=/usr/bin/convert        # not /usr/local/bin/convert (a slow wrapper)
PILLOW=$src/../shared/bench/pillow_pool.py
PY=/usr/bin/python3

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$IB" ] || die "no imgbatch at $IB (run make first)"
[ -x "$GEN" ] || die "no tools/gen-samples (run make first)"
[ -x "$IM" ] || die "$IM (ImageMagick) is needed to build the corpus"
for t in djpeg cjpeg cc pkg-config bc; do
	command -v $t >/dev/null || die "$t is missing"
done
case $npng in *[!0-9]*|'') die "NPNG: a number" ;; esac
[ $((npng % 10)) = 0 ] && [ "$npng" -ge 10 ] && [ "$npng" -le 5000 ] || die "NPNG: a multiple of 10, at most 5000"
[ "$njpeg" -ge 1 ] && [ "$njpeg" -le 16 ] || die "NJPEG: 1..16"

notes=
note() { notes="$notes- $*
"; echo "bench: note: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
have_parallel=0; have parallel && have_parallel=1
have_vips=0; have vipsthumbnail && have_vips=1
have_gm=0; have gm && have_gm=1
have_pillow=0
if [ -f "$PILLOW" ]; then
	if $PY -c 'import PIL' 2>/dev/null; then have_pillow=1
	else note "Pillow pool skipped: python3-pil is not installed"; fi
else
	note "Pillow pool skipped: ../shared/bench/pillow_pool.py is not there"
fi
[ $have_parallel = 1 ] || note "GNU parallel is missing: the vipsthumbnail, ImageMagick and GraphicsMagick peers are skipped"
[ $have_vips = 1 ] || note "vipsthumbnail (libvips-tools) is missing: skipped"
[ $have_gm = 1 ] || note "gm (graphicsmagick) is missing: skipped"
PAR="parallel --will-cite -j $cores"
# ImageMagick and GraphicsMagick run one OpenMP thread each when there is a
# process per core (measured: a little faster than their default of a
# thread per core, which oversubscribes); vipsthumbnail showed no difference
# and keeps its default.
ONE_THREAD="env MAGICK_THREAD_LIMIT=1 OMP_NUM_THREADS=1"

mkdir -p "$work" "$results"
now() { date +%s.%N; }

# ---------------------------------------------------------------- corpus
# 16 JPEGs of 4608x3456 (16 MP) at q92, 4:2:0 as cameras write them, made
# from the generated photo sample: each shifted (-roll) and every other one
# mirrored, then Gaussian noise with its own seed (about 4.8 MB each);
# 5,000 64x64 RGB PNGs in 10 folders, tiles of ten differently shifted,
# noised copies of the photo (all different); one 4000x3000 RGBA PNG (the
# photo with noise under a radial alpha gradient).
corpus=$work/corpus
# each_in_parallel N FN DIR: FN 0 DIR ... FN N-1 DIR, $cores at a time
each_in_parallel() {
	i=0
	while [ $i -lt "$1" ]; do
		"$2" $i "$3" &
		i=$((i + 1))
		[ $((i % cores)) = 0 ] && wait
	done
	wait
}
gen_jpeg() {
	flop=
	[ $(($1 % 2)) = 1 ] && flop=-flop
	"$IM" "$2/samples/photo.jpg" -resize '4608x3456!' $flop -roll "+$(($1 * 289))+$(($1 * 211))" \
		-seed "$(($1 + 1))" -attenuate 0.4 +noise Gaussian -sampling-factor 2x2 -quality 92 \
		"$2/jpeg/img$(printf %02d "$1").jpg"
}
gen_tiles() {
	mkdir -p "$2/png64/d$1"
	"$IM" "$2/samples/photo.jpg" -roll "+$(($1 * 53))+$(($1 * 31))" -resize '1600x1280!' \
		-seed "$(($1 + 100))" -attenuate 0.3 +noise Gaussian -crop 64x64 +repage \
		"PNG24:$2/png64/d$1/t$1_%03d.png"
}
gen_rgba() {
	"$IM" "$1/samples/photo.jpg" -resize '4000x3000!' -seed 99 -attenuate 0.3 +noise Gaussian \
		\( -size 4000x3000 radial-gradient:white-black -level 0,70% \) \
		-alpha off -compose copy_opacity -composite "PNG32:$1/rgba/big.png"
}
if [ ! -f "$corpus/.complete" ]; then
	echo "bench: building the corpus in $corpus (about a minute)" >&2
	t0=$(now)
	tmp=$corpus.tmp
	rm -rf "$tmp" "$corpus"
	mkdir -p "$tmp/jpeg" "$tmp/png64" "$tmp/rgba"
	"$GEN" "$tmp/samples" >/dev/null
	each_in_parallel 16 gen_jpeg "$tmp"
	gen_rgba "$tmp" &
	each_in_parallel 10 gen_tiles "$tmp"
	[ "$(ls "$tmp/jpeg" | wc -l)" = 16 ] || die "corpus: JPEGs missing"
	[ "$(find "$tmp/png64" -name '*.png' | wc -l)" = 5000 ] || die "corpus: small PNGs missing"
	[ -s "$tmp/rgba/big.png" ] || die "corpus: the RGBA PNG is missing"
	rm -rf "$tmp/samples"
	touch "$tmp/.complete"
	mv "$tmp" "$corpus"
	echo "bench: corpus built in $(echo "$(now) - $t0" | bc | cut -c1-5) s" >&2
fi

# The selection: the whole corpus, or hard links to its first files.
if [ "$njpeg" = 16 ] && [ "$npng" = 5000 ]; then
	sel=$corpus
else
	sel=$work/sel-$njpeg-$npng
	if [ ! -d "$sel" ]; then
		mkdir -p "$sel.tmp/jpeg" "$sel.tmp/rgba"
		ls "$corpus/jpeg"/*.jpg | head -n "$njpeg" | xargs ln -t "$sel.tmp/jpeg"
		ln "$corpus/rgba/big.png" "$sel.tmp/rgba/"
		k=0
		while [ $k -lt 10 ]; do
			mkdir -p "$sel.tmp/png64/d$k"
			ls "$corpus/png64/d$k"/*.png | head -n $((npng / 10)) | xargs ln -t "$sel.tmp/png64/d$k"
			k=$((k + 1))
		done
		mv "$sel.tmp" "$sel"
	fi
fi
list_jpeg=$work/list-jpeg
list_png=$work/list-png
list_prog=$work/list-prog
ls "$sel/jpeg"/*.jpg >"$list_jpeg"
find "$sel/png64" -name '*.png' | sort >"$list_png"
big=$sel/rgba/big.png
[ "$(wc -l <"$list_jpeg")" = "$njpeg" ] && [ "$(wc -l <"$list_png")" = "$npng" ] || die "selection is incomplete"
jpeg_mb=$(xargs du -bc <"$list_jpeg" | tail -1 | awk -v n="$njpeg" '{ printf "%.2f", $1 / n / 1e6 }')
big_mb=$(du -b "$big" | awk '{ printf "%.1f", $1 / 1e6 }')
# Read everything once so that no tool pays for the first read from disk.
cat "$big" >/dev/null
cat "$list_jpeg" "$list_png" | xargs cat >/dev/null

# S6's inputs: the selection's JPEGs made progressive by jpegtran (libjpeg's
# script: DC scans of 4% and 1% of the file, the second after the luma AC).
prog=$work/prog-$njpeg
case " $scenarios " in *" S6 "*)
	command -v jpegtran >/dev/null || die "jpegtran is missing (S6)"
	if [ ! -d "$prog" ]; then
		mkdir -p "$prog.tmp"
		xargs -P "$cores" -I{} sh -c 'jpegtran -progressive -copy all "$1" >"$2/${1##*/}"' \
			_ {} "$prog.tmp" <"$list_jpeg"
		mv "$prog.tmp" "$prog"
	fi
	ls "$prog"/*.jpg >"$list_prog"
	xargs cat <"$list_prog" >/dev/null ;;
esac

# S7's inputs: the selection's JPEGs at 4032x3024 (12 MP, an iPhone's size)
# through heif-enc at its default quality with a 320x240 thumbnail item.
# x265's ultrafast preset: the slow default takes a minute a file here, and
# the preset changes the decoding cost little.  iPhones also tile the image
# in a grid of 512x512 HEVC images; heif-enc 1.15 cannot write grids, so
# these are one HEVC image each.
heic=$work/heic-$njpeg
list_heic=$work/list-heic
make_heic() {
	"$IM" "$1" -resize '4032x3024!' "$2/${1##*/}.png" &&
		heif-enc -q 50 -t 320 -p preset=ultrafast "$2/${1##*/}.png" \
			-o "$2/$(basename "$1" .jpg).heic" >/dev/null &&
		rm "$2/${1##*/}.png"
}
case " $scenarios " in *" S7 "*)
	for t in heif-enc heif-convert; do
		command -v $t >/dev/null || die "$t is missing (S7: libheif-examples)"
	done
	if [ ! -d "$heic" ]; then
		echo "bench: encoding $njpeg HEICs for S7 (about 10 s of CPU each)" >&2
		mkdir -p "$heic.tmp"
		i=0
		while read -r f; do
			make_heic "$f" "$heic.tmp" &
			i=$((i + 1))
			if [ $((i % cores)) = 0 ]; then wait; fi
		done <"$list_jpeg"
		wait
		[ "$(ls "$heic.tmp"/*.heic | wc -l)" = "$njpeg" ] || die "S7: HEICs missing"
		mv "$heic.tmp" "$heic"
	fi
	ls "$heic"/*.heic >"$list_heic"
	xargs cat <"$list_heic" >/dev/null ;;
esac

# S5's inputs: NPNG/5, 2 NPNG and 20 NPNG hard links to S3's files.
s5_sizes="$((npng / 5)) $((npng * 2)) $((npng * 20))"
scale=$work/scale-$npng
case " $scenarios " in *" S5 "*)
	if [ ! -d "$scale" ]; then
		set -- $s5_sizes
		mkdir -p "$scale.tmp/n$1"
		k=0
		while [ $k -lt 10 ]; do
			mkdir -p "$scale.tmp/n$1/d$k"
			ls "$sel/png64/d$k"/*.png | head -n $(($1 / 10)) | xargs ln -t "$scale.tmp/n$1/d$k"
			k=$((k + 1))
		done
		for n in $2 $3; do
			c=0
			while [ $c -lt $((n / npng)) ]; do
				mkdir -p "$scale.tmp/n$n"
				cp -al "$sel/png64" "$scale.tmp/n$n/c$c"
				c=$((c + 1))
			done
		done
		mv "$scale.tmp" "$scale"
	fi ;;
esac

# The PNG floor.
PNGFLOOR=$work/png-floor
# shellcheck disable=SC2046
cc -O2 -o "$PNGFLOOR" bench/png-floor.c $(pkg-config --cflags --libs libpng)
# S3's I/O floor.
IOFLOOR=$work/io-floor
cc -O2 -o "$IOFLOOR" bench/io-floor.c

# ---------------------------------------------------------------- tools
# t_SCENARIO_TOOL OUTDIR runs one tool over the whole scenario.
# pillow_pool.py SIZE OUTDIR JOBS FILE... (always writes JPEG q85).
pillow() {
	p_size=$1 p_out=$2 p_list=$3
	# shellcheck disable=SC2046
	(set -f; IFS='
'; exec $PY "$PILLOW" "$p_size" "$p_out" "$cores" $(cat "$p_list"))
}
floor_jpeg() { # LIST SCALE OUT [CJPEG-OPTION]
	xargs -P "$cores" -I{} sh -c 'djpeg -scale "$2" "$1" | cjpeg -quality 85 $4 >"$3/${1##*/}"' \
		_ {} "$2" "$3" "${4:-}" <"$1"
}
t_S1_imgbatch() { "$IB" -o "$1" -r 256x256 -q 85 --quiet "$sel/jpeg"; }
t_S1_imgbatch_j1() { "$IB" -j 1 -o "$1" -r 256x256 -q 85 --quiet "$sel/jpeg"; }
t_S1_floor() { floor_jpeg "$list_jpeg" 1/8 "$1"; }
t_S1_floor_opt() { floor_jpeg "$list_jpeg" 1/8 "$1" -optimize; }
t_S1_vips() { $PAR -q vipsthumbnail {} -s 256x256 -o "$1/%s.jpg[Q=85]" <"$list_jpeg"; }
t_S1_im() { $ONE_THREAD $PAR -q "$IM" -define jpeg:size=512x512 {} -thumbnail 256x256 -quality 85 "$1/{/}" <"$list_jpeg"; }
t_S1_gm() { $ONE_THREAD $PAR -q gm convert -size 512x512 {} -thumbnail 256x256 -quality 85 "$1/{/}" <"$list_jpeg"; }
t_S1_pillow() { pillow 256 "$1" "$list_jpeg"; }

t_S6_imgbatch() { "$IB" -o "$1" -r 256x256 -q 85 --quiet "$prog"; }
t_S6_floor() { floor_jpeg "$list_prog" 1/8 "$1"; }
# (xargs, not parallel: S6 needs no GNU parallel)
t_S6_vips() { xargs -P "$cores" -I{} vipsthumbnail {} -s 256x256 -o "$1/%s.jpg[Q=85]" <"$list_prog"; }

t_S7_imgbatch() { "$IB" -o "$1" -r 256x256 -q 85 --quiet "$heic"; }
t_S7_imgbatch_full() { "$IB" -o "$1" -r 480x480 -q 85 --quiet "$heic"; }
t_S7_vips() { xargs -P "$cores" -I{} vipsthumbnail {} -s 256x256 -o "$1/%s.jpg[Q=85]" <"$list_heic"; }
# heif-convert writes the whole image as JPEG q85, outside OUT; the resize
# is djpeg's 1/8 (504x378) re-encoded, as S1's floor
t_S7_floor() {
	mkdir -p "$1.full"
	xargs -P "$cores" -I{} sh -c 'f=${1##*/}; heif-convert -q 85 "$1" "$3/$f.jpg" >/dev/null &&
		djpeg -scale 1/8 "$3/$f.jpg" | cjpeg -quality 85 >"$2/$f.jpg" && rm "$3/$f.jpg"' \
		_ {} "$1" "$1.full" <"$list_heic"
}

t_S2_imgbatch() { "$IB" -o "$1" -r 1920x1920 -q 85 --quiet "$sel/jpeg"; }
t_S2_floor() { floor_jpeg "$list_jpeg" 1/2 "$1"; }
t_S2_floor_opt() { floor_jpeg "$list_jpeg" 1/2 "$1" -optimize; }
t_S2_vips() { $PAR -q vipsthumbnail {} -s 1920x1920 -o "$1/%s.jpg[Q=85]" <"$list_jpeg"; }
t_S2_im() { $ONE_THREAD $PAR -q "$IM" -define jpeg:size=3840x3840 {} -resize 1920x1920 -quality 85 "$1/{/}" <"$list_jpeg"; }
t_S2_gm() { $ONE_THREAD $PAR -q gm convert -size 3840x3840 {} -resize 1920x1920 -quality 85 "$1/{/}" <"$list_jpeg"; }
t_S2_pillow() { pillow 1920 "$1" "$list_jpeg"; }

# S3: the batched peers (vipsthumbnail with many files, gm mogrify) get 4
# batches a core.  One process per file costs a peer about 20 ms (gm) to
# 60 ms (vipsthumbnail) of start-up a file: those variants run one round on
# every fifth file ($nsub), as files/s do not depend on the count for them.
batch=$(( (npng + 4 * cores - 1) / (4 * cores) ))
nsub=$((npng / 5))
list_sub=$work/list-png-sub
awk 'NR % 5 == 1' "$list_png" >"$list_sub"
t_S3_imgbatch() { "$IB" -o "$1" -r 32x32 --quiet "$sel/png64"; }
t_S3_floor() { "$IOFLOOR" "$cores" "$1" <"$list_png"; }
t_S3_imgbatch_j1() { "$IB" -j 1 -o "$1" -r 32x32 --quiet "$sel/png64"; }
t_S3_vips() { $PAR -q vipsthumbnail {} -s 32x32 -o "$1/%s.png" <"$list_sub"; }
t_S3_vipsX() { $PAR -X -n "$batch" -q vipsthumbnail -s 32x32 -o "$1/%s.png" {} <"$list_png"; }
t_S3_gm() { $ONE_THREAD $PAR -q gm convert {} -thumbnail 32x32 "$1/{/}" <"$list_sub"; }
t_S3_gmX() { $ONE_THREAD $PAR -X -n "$batch" -q gm mogrify -output-directory "$1" -create-directories \
	-thumbnail 32x32 {} <"$list_png"; }
t_S3_pillow() { pillow 32 "$1" "$list_png"; }

# S5: the summary line of each run goes to $work/cpu-S5 as "FILES MASTER WORKERS"
s5_run() {
	"$IB" --json -o "$2" -r 32x32 "$scale/n$1" >"$work/json-S5" || return
	tail -1 "$work/json-S5" | sed -n "s/.*\"master_cpu_seconds\":\([0-9.]*\),\"worker_cpu_seconds\":\([0-9.]*\).*/$1 \1 \2/p" >>"$work/cpu-S5"
}
for n in $s5_sizes; do eval "t_S5_n$n() { s5_run $n \"\$1\"; }"; done

# S8: vipsthumbnail's WebP uses libwebp's default method (4) as imgbatch
# does; its AVIF effort E is aom speed 9 - E, so effort=3 is libheif's
# default speed 6 that imgbatch keeps (vips' own default is effort 4).
# Both AVIF encoders write 8-bit 4:2:0 at Q 80 through libheif's
# heif_encoder_set_lossy_quality; vips leaves libheif's 4 aom threads.
t_S8_webp() { "$IB" -o "$1" -r 1920x1920 --format webp -q 80 --quiet "$sel/jpeg"; }
t_S8_avif() { "$IB" -o "$1" -r 1920x1920 --format avif -q 80 --quiet "$sel/jpeg"; }
t_S8_vips_webp() { xargs -P "$cores" -I{} vipsthumbnail {} -s 1920x1920 -o "$1/%s.webp[Q=80]" <"$list_jpeg"; }
t_S8_vips_avif() { xargs -P "$cores" -I{} vipsthumbnail {} -s 1920x1920 \
	-o "$1/%s.avif[Q=80,effort=3,compression=av1,bitdepth=8,subsample-mode=on]" <"$list_jpeg"; }

t_S4_imgbatch() { "$IB" -o "$1" -r 800x800 --quiet "$big"; }
t_S4_floor() { "$PNGFLOOR" "$big" "$1/big.png"; }
t_S4_vips() { vipsthumbnail "$big" -s 800x800 -o "$1/%s.png"; }
t_S4_gm() { $ONE_THREAD gm convert "$big" -thumbnail 800x800 "$1/big.png"; }

name() {
	case $1 in
	imgbatch) echo "imgbatch" ;;
	imgbatch_j1) echo "imgbatch -j1" ;;
	imgbatch_full) echo "imgbatch -r 480x480 (full decode: the thumbnail item is smaller)" ;;
	floor) case $2 in S4) echo "floor: libpng decode + encode (png-floor.c)" ;;
	       S1|S6) echo "floor: djpeg -scale 1/8 \| cjpeg" ;;
	       S7) echo "floor: heif-convert -q 85, djpeg -scale 1/8 \| cjpeg" ;;
	       S3) echo "floor: read + write the same bytes, $cores processes (io-floor.c)" ;;
	       *) echo "floor: djpeg -scale 1/2 \| cjpeg" ;; esac ;;
	floor_opt) echo "floor with cjpeg -optimize (info)" ;;
	vips) case $2 in S4) echo "vipsthumbnail" ;; S6|S7) echo "vipsthumbnail (xargs -P, 1 file/process)" ;; S3) echo "vipsthumbnail (parallel, 1 file/process; $nsub files)" ;;
	      *) echo "vipsthumbnail (parallel, 1 file/process)" ;; esac ;;
	vipsX) echo "vipsthumbnail (parallel -X, $batch files/process)" ;;
	gmX) echo "GraphicsMagick gm mogrify (parallel -X, $batch files/process)" ;;
	im) echo "ImageMagick convert (parallel)" ;;
	gm) case $2 in S4) echo "GraphicsMagick gm convert" ;; S3) echo "GraphicsMagick gm convert (parallel, 1 file/process; $nsub files)" ;;
	    *) echo "GraphicsMagick gm convert (parallel)" ;; esac ;;
	pillow) echo "Pillow pool (pillow_pool.py)" ;;
	n*) echo "imgbatch, ${1#n} files" ;;
	webp) echo "imgbatch --format webp -q 80" ;;
	avif) echo "imgbatch --format avif -q 80" ;;
	vips_webp) echo "vipsthumbnail .webp[Q=80] (xargs -P, 1 file/process)" ;;
	vips_avif) echo "vipsthumbnail .avif[Q=80,effort=3] (xargs -P, 1 file/process)" ;;
	esac
}

s1="imgbatch floor floor_opt"
s2="imgbatch floor floor_opt"
s3="imgbatch floor"
s4="imgbatch floor"
s6="imgbatch floor"
s7="imgbatch imgbatch_full floor"
s8="webp avif"
[ $have_vips = 1 ] && { s6="$s6 vips"; s7="$s7 vips"; s8="$s8 vips_webp vips_avif"; }
[ $have_parallel$have_vips = 11 ] && { s1="$s1 vips"; s2="$s2 vips"; s3="$s3 vipsX vips"; }
[ $have_vips = 1 ] && s4="$s4 vips"
[ $have_parallel = 1 ] && { s1="$s1 im"; s2="$s2 im"; }
[ $have_parallel$have_gm = 11 ] && { s1="$s1 gm"; s2="$s2 gm"; s3="$s3 gmX gm"; }
[ $have_gm = 1 ] && s4="$s4 gm"
[ $have_pillow = 1 ] && { s1="$s1 pillow"; s2="$s2 pillow"; s3="$s3 pillow"; }
s5=$(for n in $s5_sizes; do printf 'n%s ' "$n"; done)
s1="$s1 imgbatch_j1"
s3="$s3 imgbatch_j1"

# ---------------------------------------------------------------- runs
# The files a tool works on in a scenario.
nfiles() {
	case $1 in
	S1|S2|S6|S7|S8) echo "$njpeg" ;;
	S3) case $2 in vips|gm) echo "$nsub" ;; *) echo "$npng" ;; esac ;;
	S4) echo 1 ;;
	S5) echo "${2#n}" ;;
	esac
}
times=$work/times
if [ "${REPORT_ONLY:-0}" = 0 ]; then
: >"$times"
: >"$work/slow"
: >"$work/slow-over"
: >"$work/cpu-S5"
mkdir -p "$work/log"
one_round=" S3:vips S3:gm "
# run_scenario SCEN TOOL...: ROUNDS rounds, each running every tool once,
# the order rotated by one each round; appends "SCEN TOOL SECONDS OUTPUTS
# STATUS" to $times.
run_scenario() {
	scen=$1
	shift
	tools=$*
	r=0
	while [ "$r" -lt "$rounds" ]; do
		order=$(echo "$tools" | awk -v k="$r" '{ for (i = 0; i < NF; i++) printf "%s ", $(((i + k) % NF) + 1) }')
		for key in $order; do
			grep -qx "$scen $key" "$work/slow" && continue
			expect=$(nfiles "$scen" "$key")
			# a new directory each run, nothing deleted between runs: ext4
			# scans past recently deleted inodes when it allocates one, and
			# that cost (3x the system time on S3) is the file system's,
			# not the tools'
			out=$work/out/$scen-$key-$r
			mkdir -p "$out"
			# the last tool's outputs go to disk now, not during this run
			sync
			t0=$(now)
			if "t_${scen}_$key" "$out" >"$work/log/$scen-$key.log" 2>&1; then rc=0; else rc=$?; fi
			t1=$(now)
			dt=$(echo "$t1 - $t0" | bc)
			n=$(find "$out" -type f | wc -l)
			echo "$scen $key $dt $n $rc" >>"$times"
			printf 'bench: %s round %d %-12s %8.3f s  %d outputs%s\n' "$scen" $((r + 1)) "$key" "$dt" "$n" \
				"$([ "$rc" = 0 ] && [ "$n" = "$expect" ] || echo "  FAILED (exit $rc, expected $expect outputs; see $work/log/$scen-$key.log)")" >&2
			if [ "$r" = 0 ] && [ "$rounds" -gt 1 ] && [ "${one_round#* $scen:$key }" != "$one_round" ]; then
				echo "$scen $key" >>"$work/slow"
			elif [ "$r" = 0 ] && [ "$rounds" -gt 1 ] && [ "$(echo "$dt > $slow" | bc)" = 1 ]; then
				echo "$scen $key" >>"$work/slow"
				echo "$scen $key" >>"$work/slow-over"
				echo "bench: $scen $key took over $slow s: one round only" >&2
			fi
		done
		r=$((r + 1))
	done
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
run_date=$(date -u '+%Y-%m-%d %H:%M UTC')
# the commit measured: taken now, as the tree may change during the run
run_commit=$(cd "$src" && git describe --always --dirty 2>/dev/null || echo '?')
t_all=$(now)
# snapshot: "WALL BUSY OURS" seconds: the clock, the CPU time the whole
# machine spent busy (user, nice, system, irq, softirq, steal: other
# containers' CI jobs included) and the CPU time of this script's children.
# (`times` runs in this shell: a subshell would not see its children.)
snapshot() {
	times >"$work/cputimes"
	busy=$(awk '$1 == "cpu" { print ($2 + $3 + $4 + $7 + $8 + $9) / 100; exit }' /proc/stat)
	ours=$(tail -1 "$work/cputimes" | awk '{ t = 0; for (i = 1; i <= NF; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } print t }')
	snap="$(now) $busy $ours"
}
: >"$work/foreign"
rm -rf "$work/out"      # the last run's outputs, long before S3 starts
for scen in $scenarios; do
	snapshot
	a=$snap
	eval "run_scenario $scen \$$(echo "$scen" | tr S s)"
	snapshot
	# the other jobs' average load over the scenario, in cores
	echo "$a $snap" | awk -v s="$scen" '{ printf "%s %.2f\n", s, (($5 - $2) - ($6 - $3)) / ($4 - $1) }' >>"$work/foreign"
done

# Peak RSS.  GNU time waits for imgbatch (the master) with wait4(), whose
# ru_maxrss on Linux is the larger of the master's own peak and the largest
# peak of any descendant it reaped: the peak of the largest single imgbatch
# process (master or worker), not a sum over processes.
rss_S1='' rss_S2='' rss_S4='' rss_S6='' rss_S7='' rss_S7full=''
if [ -x /usr/bin/time ]; then
	for scen in S1 S2 S4 S6 S7 S7full; do
		case $scen in S7full) key=S7 ;; *) key=$scen ;; esac
		case " $scenarios " in *" $key "*) ;; *) continue ;; esac
		out=$work/out/rss-$scen
		rm -rf "$out"
		mkdir -p "$out"
		case $scen in
		S1) set -- -r 256x256 -q 85 "$sel/jpeg" ;;
		S2) set -- -r 1920x1920 -q 85 "$sel/jpeg" ;;
		S4) set -- -r 800x800 "$big" ;;
		S6) set -- -r 256x256 -q 85 "$prog" ;;
		S7) set -- -r 256x256 -q 85 "$heic" ;;
		S7full) set -- -r 480x480 -q 85 "$heic" ;;
		esac
		/usr/bin/time -f %M -o "$work/rss-$scen" "$IB" --quiet -o "$out" "$@"
		eval "rss_$scen=$(tail -1 "$work/rss-$scen")"
	done
else
	note "/usr/bin/time (package time) is missing: no peak RSS"
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
t_all=$(echo "$(now) - $t_all" | bc)
cat >"$work/meta" <<EOF
rounds='$rounds' scenarios='$scenarios' load_start='$load_start' load_end='$load_end' t_all='$t_all'
rss_S1='$rss_S1' rss_S2='$rss_S2' rss_S4='$rss_S4' rss_S6='$rss_S6' rss_S7='$rss_S7' rss_S7full='$rss_S7full' run_date='$run_date' run_commit='$run_commit' run_files='$njpeg $npng'
EOF
else
	# REPORT_ONLY=1: the report of the last run again (same NJPEG, NPNG)
	[ -s "$times" ] && [ -f "$work/meta" ] || die "REPORT_ONLY: no earlier run in $work"
	run_files=
	. "$work/meta"
	[ "$run_files" = "$njpeg $npng" ] || die "REPORT_ONLY: the last run had NJPEG NPNG = $run_files"
fi

# ---------------------------------------------------------------- report
# median SCEN TOOL: seconds, of the runs that succeeded; empty when none did.
median() {
	awk -v s="$1" -v t="$2" -v e="$(nfiles "$1" "$2")" '$1 == s && $2 == t && $4 == e && $5 == 0 { print $3 }' "$times" |
		median_of
}
count() { awk -v s="$1" -v t="$2" '$1 == s && $2 == t' "$times" | wc -l; }
failed() { awk -v s="$1" -v t="$2" -v e="$(nfiles "$1" "$2")" '$1 == s && $2 == t && ($4 != e || $5 != 0)' "$times" | wc -l; }
# ratio SCEN KEY REF: median time a file of KEY / the same of REF
ratio() {
	a=$(median "$1" "$2")
	b=$(median "$1" "$3")
	[ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" -v na="$(nfiles "$1" "$2")" -v nb="$(nfiles "$1" "$3")" \
		'BEGIN { printf "%.3f", (a / na) / (b / nb) }'
}
# table SCEN REF-KEY REF-LABEL TOOL...
table() {
	scen=$1 ref=$2 reflabel=$3
	shift 3
	if [ "$(awk -v s="$scen" '$1 == s' "$times" | wc -l)" = 0 ]; then
		echo "(not run)"
		return
	fi
	echo "| tool | runs | median s | files/s | ratio to $reflabel |"
	echo "|---|---|---|---|---|"
	for key in "$@"; do
		m=$(median "$scen" "$key")
		runs=$(count "$scen" "$key")
		f=$(failed "$scen" "$key")
		[ "$f" = 0 ] || runs="$runs ($f failed)"
		if [ -z "$m" ]; then
			echo "| $(name "$key" "$scen") | $runs | failed | | |"
			continue
		fi
		rt=$(ratio "$scen" "$key" "$ref" || true)
		awk -v n="$(name "$key" "$scen")" -v r="$runs" -v m="$m" -v rt="$rt" -v c="$(nfiles "$scen" "$key")" 'BEGIN {
			fps = c / m; fmt = (fps >= 100) ? "%.0f" : "%.1f"
			printf "| %s | %s | %.3f | " fmt " | %s |\n", n, r, m, fps, (rt == "") ? "-" : sprintf("%.2fx", rt) }'
	done
}
verdict() { # VALUE OP LIMIT UNIT -> met / missed by
	[ -n "$1" ] || { echo "not measured"; return; }
	awk -v v="$1" -v op="$2" -v l="$3" -v u="$4" 'BEGIN {
		ok = op == "<=" ? v <= l : v >= l
		if (ok) printf "**met** (%s%s, target %s %s%s)", v, u, op, l, u
		else printf "**missed** (%s%s, target %s %s%s: %s by %.0f%%)", v, u, op, l, u,
			op == "<=" ? "over" : "short", op == "<=" ? (v / l - 1) * 100 : (1 - v / l) * 100 }'
}

# s5_cpu FILES: "CPU-us-per-file master-share-%", medians over S5's runs
s5_cpu() {
	us=$(awk -v n="$1" '$1 == n { print ($2 + $3) / n * 1e6 }' "$work/cpu-S5" | median_of)
	share=$(awk -v n="$1" '$1 == n && $2 + $3 > 0 { print $2 / ($2 + $3) * 100 }' "$work/cpu-S5" | median_of)
	[ -n "$us" ] && printf '%.0f %.2f' "$us" "$share"
}
set -- $s5_sizes
s5_small=$1 s5_large=$3
flat5=$(ratio S5 "n$s5_large" "n$s5_small" || true)
master5=$(s5_cpu "$s5_large" | cut -d' ' -f2)
r1=$(ratio S1 imgbatch floor || true)
r2=$(ratio S2 imgbatch floor || true)
r4=$(ratio S4 imgbatch floor || true)
r6=$(ratio S6 imgbatch floor || true)
v6=$(ratio S6 vips imgbatch || true)
v7=$(ratio S7 vips imgbatch || true)
f7=$(ratio S7 imgbatch_full floor || true)
m3=$(median S3 imgbatch)
fps3=$([ -n "$m3" ] && awk -v m="$m3" -v c="$npng" 'BEGIN { printf "%.0f", c / m }' || true)
j1=$(ratio S1 imgbatch_j1 imgbatch || true)
j3=$(ratio S3 imgbatch_j1 imgbatch || true)
f3=$(ratio S3 imgbatch floor || true)
r8w=$(ratio S8 webp vips_webp || true)
r8a=$(ratio S8 avif vips_avif || true)
mib() { [ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rss1=$(mib "$rss_S1" || true); rss2=$(mib "$rss_S2" || true); rss4=$(mib "$rss_S4" || true); rss6=$(mib "${rss_S6:-}" || true)
rss7=$(mib "${rss_S7:-}" || true); rss7f=$(mib "${rss_S7full:-}" || true)
cpu=$(cpu_model)
ver() { "$@" 2>&1 | head -1 || true; }
partial=
[ "$njpeg" = 16 ] && [ "$npng" = 5000 ] || partial=" (partial corpus: NJPEG=$njpeg NPNG=$npng)"
[ "$scenarios" = "$all_scenarios" ] || partial="$partial (scenarios: $scenarios)"
slowlist=$(awk '{ printf "%s%s %s", (NR > 1) ? ", " : "", $1, $2 }' "$work/slow-over")
[ -z "$slowlist" ] || note "over $slow s in its first round, so run once only: $slowlist"

md=$results/RESULTS.md.tmp
{
	echo "# imgbatch benchmark (issue 6)$partial"
	echo
	echo "- Machine: $cpu, $cores cores (\`nproc\`), $(grep -m1 MemTotal /proc/meminfo | awk '{ printf "%.1f GiB RAM", $2 / 1048576 }'), $(uname -sr)"
	echo "- Date: $run_date; $rounds rounds, tools alternating (order rotated each round), median of the runs; all $cores cores; whole run $(printf %.0f "$t_all") s"
	echo "- The machine is shared with CI jobs, so timings are noisy. Load average (1/5/15 min) at start $load_start, at end $load_end; CPU used by other processes during the runs, on average (cores of $cores): $(awk '{ printf "%s%s %s", (NR > 1) ? ", " : "", $1, $2 }' "$work/foreign")"
	echo "- imgbatch ${run_commit:-?}; $(ver djpeg -version | sed 's/ (build.*//'); $(ver vips --version); $(ver gm version | cut -d' ' -f1-2); $(ver "$IM" -version | cut -d' ' -f2-3); Pillow $($PY -c 'import PIL; print(PIL.__version__)' 2>/dev/null || echo '-'); libpng $(pkg-config --modversion libpng); $(ver parallel --version)"
	echo "- Corpus: $njpeg JPEGs 4608x3456 q92 4:2:0 with Gaussian noise, $jpeg_mb MB each on average; $npng RGB PNGs 64x64 in 10 folders; one 4000x3000 RGBA PNG ($big_mb MB). Built by bench/run.sh under bench/work (not in git)."
	echo "- Peers under GNU parallel run one process per file, $cores at a time (\`parallel -j $cores\`, which itself costs about 0.2 s to start), except the S3 rows marked -X (many files a process). ImageMagick and GraphicsMagick run with MAGICK_THREAD_LIMIT=1 OMP_NUM_THREADS=1 (a process per core already; measured no slower than their default); vipsthumbnail keeps its default threads (no difference measured)."
	echo
	echo "## S1: 256-px thumbnails, JPEG q85, of $njpeg 16 MP JPEGs"
	echo
	echo "Floor: \`djpeg -scale 1/8 FILE | cjpeg -quality 85 > OUT\`, one process per file under \`xargs -P $cores\`. It does not resize: 1/8 of 4608x3456 is 576x432, encoded as is. imgbatch: \`imgbatch -o OUT -r 256x256 -q 85 --quiet DIR\` (its JPEGs have optimized Huffman tables; the -optimize row is the floor doing the same)."
	echo
	table S1 floor floor $s1
	echo
	echo "## S2: long side 1920 px, JPEG q85, of $njpeg 16 MP JPEGs"
	echo
	echo "Floor: \`djpeg -scale 1/2 | cjpeg -quality 85\` (2304x1728, not resized to 1920). ImageMagick: \`-define jpeg:size=3840x3840 -resize 1920x1920\`; GraphicsMagick: \`-size 3840x3840 -resize 1920x1920\` (with that hint both decode at full size, since 1/2 would give 2304 < 3840, then resize 16 MP in 16-bit: hence their ratios)."
	echo
	table S2 floor floor $s2
	echo
	echo "## S3: $npng 64-px PNGs (10 folders) to 32-px PNG"
	echo
	echo "Floor: bench/io-floor.c reads each input whole and writes as many bytes to OUT/FOLDER/NAME (an open, read, close, open, write, close a file; no decode, no temp file and rename), one process a core, the list dealt out among them in turn (file k to process k mod $cores). Ratios: time a file of the tool / time a file of the floor. The one-process-per-file peers run one round on every fifth file (their start-up, 20-60 ms a file, makes all 5,000 take minutes); their files/s do not depend on the count. imgbatch: \`-r 32x32\` at its default PNG level 6. pillow_pool.py always writes JPEG q85, so its outputs here are 32-px JPEGs."
	echo
	table S3 floor floor $s3
	echo
	echo "## S4: one 4000x3000 RGBA PNG to 800 px PNG"
	echo
	echo "Floor: bench/png-floor.c, libpng decode and encode at zlib level 6 (libpng's adaptive filters), no resize: it writes the whole 4000x3000 image, imgbatch only 800x600. One file, so one core."
	echo
	table S4 floor floor $s4
	echo
	echo "## S5: S3's job on $(echo "$s5_sizes" | sed 's/ /, /g') files"
	echo
	echo "imgbatch alone with \`--json\` (its summary gives the CPU seconds of the master and of the workers; the master also writes a JSON line a file). The inputs are hard links to S3's $npng PNGs, in folders of $((npng / 10)); each run writes to a new directory. Ratios: time a file over that of the $s5_small-file run."
	echo
	table S5 "n$s5_small" "$s5_small files" $s5
	echo
	echo "| files | CPU a file (master + workers), median | master's share of the CPU, median |"
	echo "|---|---|---|"
	for n in $s5_sizes; do
		s5_cpu "$n" | awk -v n="$n" '{ printf "| %s | %s us | %s%% |\n", n, $1, $2 }'
	done
	echo
	echo "## S6: S1 on the same JPEGs made progressive"
	echo
	echo "The S1 JPEGs through \`jpegtran -progressive -copy all\` (libjpeg's script: DC without its last bit, luma AC scans, then that bit). Same commands as S1. At 1/8 imgbatch decodes the DC scans only and walks over the AC scans between them (issue 18)."
	echo
	table S6 floor floor $s6
	echo
	echo "## S7: 256-px thumbnails, JPEG q85, of $njpeg 12 MP HEICs with a thumbnail item"
	echo
	echo "The S1 JPEGs at 4032x3024 through \`heif-enc -q 50 -t 320 -p preset=ultrafast\` (a 320x240 thumbnail item, as iPhones write; one HEVC image, not an iPhone's grid of 512x512 tiles: heif-enc 1.15 writes no grids). imgbatch and vipsthumbnail (which also reads the thumbnail item when it is large enough) as in S6. The full-decode path: imgbatch \`-r 480x480\`, which the 320x240 item does not cover, against the floor: \`heif-convert -q 85\` (the whole image as JPEG) then \`djpeg -scale 1/8 | cjpeg -quality 85\`, one process per file under \`xargs -P $cores\` (issue 18)."
	echo
	table S7 floor floor $s7
	echo
	echo "## S8: S2's job writing WebP q80 and AVIF q80"
	echo
	echo "\`imgbatch -o OUT -r 1920x1920 --format webp -q 80\` (or avif) against \`vipsthumbnail FILE -s 1920x1920 -o OUT/%s.webp[Q=80]\` (or \`.avif[Q=80,effort=3,compression=av1,bitdepth=8,subsample-mode=on]\`) under \`xargs -P $cores\`. The same libwebp (method 4) and libheif with aom at speed 6, 8-bit 4:2:0; imgbatch runs aom with one thread a worker, vipsthumbnail with libheif's default of 4. Ratios: time over vipsthumbnail's."
	echo
	table S8 vips_webp "vipsthumbnail WebP" webp vips_webp
	echo
	table S8 vips_avif "vipsthumbnail AVIF" avif vips_avif
	echo
	echo "## Targets (issue 6)"
	echo
	echo "| target | measured | verdict |"
	echo "|---|---|---|"
	echo "| S1 <= 1.05x floor | ${r1:-?}x | $(verdict "$r1" '<=' 1.05 x) |"
	echo "| S2 <= 1.3x floor | ${r2:-?}x | $(verdict "$r2" '<=' 1.3 x) |"
	echo "| S3 >= 12,000 files/s on 2 cores | ${fps3:-?} files/s | $(verdict "$fps3" '>=' 12000 ' files/s') |"
	echo "| S4 <= 1.3x floor | ${r4:-?}x | $(verdict "$r4" '<=' 1.3 x) |"
	echo "| S3 <= 1.5x the I/O floor (issue 18) | ${f3:-?}x | $(verdict "$f3" '<=' 1.5 x) |"
	echo "| S3 >= 16,000 files/s (issue 18) | ${fps3:-?} files/s | $(verdict "$fps3" '>=' 16000 ' files/s') |"
	echo "| S8 WebP <= 0.8x vipsthumbnail (issue 18) | ${r8w:-?}x | $(verdict "$r8w" '<=' 0.8 x) |"
	echo "| S8 AVIF <= 0.8x vipsthumbnail (issue 18) | ${r8a:-?}x | $(verdict "$r8a" '<=' 0.8 x) |"
	echo "| -j2 over -j1 >= 1.9x on S1 | ${j1:-?}x | $(verdict "$j1" '>=' 1.9 x) |"
	echo "| -j2 over -j1 >= 1.9x on S3 | ${j3:-?}x | $(verdict "$j3" '>=' 1.9 x) |"
	echo "| peak RSS of any imgbatch process <= 20 MiB on S1 | ${rss1:-?} MiB | $(verdict "$rss1" '<=' 20 ' MiB') |"
	echo "| peak RSS of any imgbatch process <= 50 MiB on S2 | ${rss2:-?} MiB | $(verdict "$rss2" '<=' 50 ' MiB') |"
	echo "| S6 <= 0.25x floor (issue 18) | ${r6:-?}x | $(verdict "$r6" '<=' 0.25 x) |"
	echo "| S6 >= 5x vipsthumbnail (issue 18; vipsthumbnail's time over imgbatch's) | ${v6:-?}x | $(verdict "$v6" '>=' 5 x) |"
	echo "| S7 >= 3x vipsthumbnail (issue 18; vipsthumbnail's time over imgbatch's) | ${v7:-?}x | $(verdict "$v7" '>=' 3 x) |"
	echo "| S7 full-decode path <= 1.1x heif-convert + resize (issue 18) | ${f7:-?}x | $(verdict "$f7" '<=' 1.1 x) |"
	echo "| S6 peak RSS of any imgbatch process <= 16 MiB (issue 18) | ${rss6:-?} MiB | $(verdict "$rss6" '<=' 16 ' MiB') |"
	echo "| S7 peak RSS of any imgbatch process <= 64 MiB (issue 18) | ${rss7:-?} MiB | $(verdict "$rss7" '<=' 64 ' MiB') |"
	echo "| (S7 full-decode path peak RSS, no target) | ${rss7f:-?} MiB | |"
	echo "| (S4 peak RSS, no target) | ${rss4:-?} MiB | |"
	echo "| master CPU <= 5% of the total on S3 at $s5_large files | ${master5:-?}% | $(verdict "$master5" '<=' 5 '%') |"
	echo "| cost per file flat from $s5_small to $s5_large files (time a file at $s5_large over at $s5_small, taken as flat within 10%) | ${flat5:-?}x | $(verdict "$flat5" '<=' 1.1 x) |"
	echo
	[ "$cores" = 2 ] || echo "(-j1 ratios are against imgbatch's default of one worker per core, $cores here, not -j2.)"
	echo "Peak RSS: \`/usr/bin/time -f %M\` around imgbatch; Linux's wait4() reports the largest peak of the master and every process it reaped, i.e. the biggest single process, not a sum."
	echo
	echo "![ratios to floor, S1 and S2](ratios.png)"
	echo
	echo "![imgbatch and vipsthumbnail against each scenario's floor](scenarios.png)"
	if [ -n "$notes" ]; then
		echo
		echo "## Notes"
		echo
		printf '%s' "$notes"
	fi
} >"$md"
mv "$md" "$results/RESULTS.md"

# ---------------------------------------------------------------- plot
# plot_bars DAT PNG TITLE YMIN LABEL2 COLOUR2 LABEL3 COLOUR3: DAT's rows
# "NAME A B" as pairs of bars on a log scale, with a line at 1 (the floor).
plot_bars() {
	gnuplot <<EOF
set terminal $term
set output '$2'
set title "$3"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [$4:*]
set ylabel 'time / floor time (log scale)'
set grid ytics
set key top left
set xtics noenhanced
set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb 'black' lw 2
plot '$1' using 2:xtic(1) title '$5' lc rgb '$6', '' using 3 title '$7' lc rgb '$8'
EOF
}

if have gnuplot; then
	term="pngcairo size 900,500 font 'sans,10'"
	gnuplot -e "set terminal $term" </dev/null 2>/dev/null || term="png size 900,500"
	dat=$work/ratios.dat
	: >"$dat"
	for key in imgbatch floor_opt pillow gm vips im; do
		a=$(ratio S1 "$key" floor || true)
		b=$(ratio S2 "$key" floor || true)
		[ -n "$a$b" ] || continue
		label=$(name "$key" S1 | sed 's/ (.*//; s/ convert//; s/GraphicsMagick gm/GraphicsMagick/; s/floor with cjpeg -optimize/cjpeg -optimize/')
		echo "\"$label\" ${a:-NaN} ${b:-NaN}" >>"$dat"
	done
	plot_bars "$dat" "$results/ratios.png" \
		"Time relative to the codec floor (djpeg -scale M/8 | cjpeg), $cores cores, median of $rounds rounds" \
		0.5 'S1 256-px thumbnails' '#4477aa' 'S2 1920 px' '#ee6677'
	# every scenario with a floor: imgbatch's and vipsthumbnail's ratios
	dat=$work/scenarios.dat
	: >"$dat"
	for row in "S1 S1 imgbatch vips" "S2 S2 imgbatch vips" "S3 S3 imgbatch vipsX" \
		"S4 S4 imgbatch vips" "S6 S6 imgbatch vips" "S7 S7 imgbatch vips" \
		"S7-full S7 imgbatch_full -"; do
		set -- $row
		a=$(ratio "$2" "$3" floor || true)
		b=$(ratio "$2" "$4" floor || true)
		[ -n "$a$b" ] && echo "\"$1\" ${a:-NaN} ${b:-NaN}" >>"$dat"
	done
	plot_bars "$dat" "$results/scenarios.png" \
		"Time relative to each scenario's floor, $cores cores, median of $rounds rounds" \
		'*' imgbatch '#4477aa' vipsthumbnail '#ccbb44'
else
	note "gnuplot is missing: no plot"
fi

cat "$results/RESULTS.md"
