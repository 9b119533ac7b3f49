#!/bin/sh
# Conformance on real files: for every file under DIR..., does imgbatch read
# it, does vipsthumbnail, and do their decodes agree?  imgbatch converts the
# lot to PNG in one run (--format png, no resize, -j2, --json for each file's
# status and reason); vipsthumbnail writes each at full size (a size no file
# reaches, shrink only, so no resampling; it applies EXIF orientation and
# converts to sRGB, as imgbatch does by default); `imgbatch compare --json`
# gives the PSNR of each pair decoded by both at the same size.  Where either
# side has alpha, both are premultiplied first (by vips) so that colours under
# fully transparent pixels, which neither promises, do not count.
# Prints a markdown table per format and the files imgbatch did not read.
# Usage: bench/conformance.sh DIR...   (a corpus: bench/fetch-conformance-corpus.sh)
# Needs: libvips-tools jq file.  BENCH_DIR (default bench/work) holds the outputs.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 DIR..." >&2; exit 2; }
cd "$(dirname "$0")/.."
. bench/lib.sh
work=$(realpath -m "${BENCH_DIR:-bench/work}")/conformance
rm -rf "$work"
mkdir -p "$work/in" "$work/imgbatch" "$work/vips" "$work/vips-err" "$work/cmp-a" "$work/cmp-b"

# Every file gets a numbered link, so that outputs never collide (a.gif and
# a.tif would both become a.png) and each output maps back to its input.
# Names that tell what is in a corpus directory are not images.
find "$@" -type f ! -name SOURCES.txt ! -name '*.copyright' ! -path '*/.apt/*' | sort >"$work/files"
n=0
while IFS= read -r f; do
	n=$((n + 1))
	ln -s "$(realpath "$f")" "$work/in/$(printf '%05d' $n)"
done <"$work/files"

# imgbatch: one run over the whole directory; exit 1 when any file failed.
# --fail-on none, as vipsthumbnail's default: both keep what a cut file decoded.
./imgbatch --json --format png -j2 --fail-on none --quiet -o "$work/imgbatch" "$work/in" \
	>"$work/imgbatch.json" 2>/dev/null || true
# (- for no format or reason: read would merge empty tab-separated fields)
jq -r 'select(.type == "file") | [(.input | split("/") | last), .status,
	(.format // "-"), (.reason // "-")] | @tsv' "$work/imgbatch.json" | sort >"$work/imgbatch.tsv"

# vipsthumbnail: one process per file, two at a time; its first error line
# is the reason.
ls "$work/in" | xargs -P 2 -I{} sh -c \
	'vipsthumbnail "$1/in/$2" --size "10000000x10000000>" -o "$1/vips/$2.png" \
		2>"$1/vips-err/$2" || true' _ "$work" {}

# sniff FILE: the format by content, as `file` names it (for files that
# imgbatch gave no format).
sniff() {
	case $(file -b -L "$1") in
	*HEIF* | *HEIC*) echo heif ;;
	*AVIF*) echo avif ;;
	*Web/P*) echo webp ;;
	GIF*) echo gif ;;
	*JPEG\ XL*) echo jxl ;;
	*TIFF*) echo tiff ;;
	*raw* | *RAW*) echo raw ;;
	JPEG*) echo jpeg ;;
	PNG*) echo png ;;
	*) echo other ;;
	esac
}

# has_alpha PNG (file is quicker than a vips process)
has_alpha() { file -b "$1" | grep -qE 'RGBA|gray\+alpha'; }

# premultiplied FILE OUT: FILE with its colour multiplied by its alpha, 8 bit.
premultiplied() {
	vips colourspace "$1" "$2.v" srgb
	vips premultiply "$2.v" "$2.p.v"
	vips cast "$2.p.v" "$2" uchar
	rm -f "$2.v" "$2.p.v"
}

# The pairs both decoded, alpha handled as said above.
: >"$work/rows"
while IFS='	' read -r id status format reason; do
	[ "$format" != - ] || format=$(sniff "$work/in/$id")
	vips_ok=no
	[ -s "$work/vips/$id.png" ] && vips_ok=yes
	if [ "$status" = "done" ] && [ "$vips_ok" = yes ]; then
		a=$work/imgbatch/$id.png b=$work/vips/$id.png
		if has_alpha "$a" || has_alpha "$b"; then
			premultiplied "$a" "$work/cmp-a/$id.png"
			premultiplied "$b" "$work/cmp-b/$id.png"
		else
			ln -s "$a" "$work/cmp-a/$id.png"
			ln -s "$b" "$work/cmp-b/$id.png"
		fi
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$format" "$status" "$vips_ok" "$reason" >>"$work/rows"
done <"$work/imgbatch.tsv"

./imgbatch compare --json --quiet -j2 "$work/cmp-b" "$work/cmp-a" >"$work/compare.json" 2>/dev/null || true
# PSNR per pair: null is identical (shown as inf); other sizes are "size".
jq -r 'select(.type == "pair") | [(.name | split("/") | last | rtrimstr(".png")),
	(if .status == "size_differs" then "size" elif .psnr == null then "inf"
	 else .psnr end)] | @tsv' "$work/compare.json" | sort >"$work/psnr.tsv"
join -t '	' -a 1 -e - -o auto "$work/rows" "$work/psnr.tsv" >"$work/table.tsv"

# stats: median and min of the numbers on stdin ("inf" sorts above all).
stats() {
	sed 's/^inf$/1e9/' >"$work/nums"
	med=$(median_of <"$work/nums")
	min=$(sort -g "$work/nums" | head -n1)
	for v in "${med:--}" "${min:--}"; do
		case $v in -) printf ' - |' ;; 1e9 | 1e+09 | 1000000000) printf ' inf |' ;;
		*) printf ' %.1f |' "$v" ;; esac
	done
}

echo "Conformance: imgbatch $(./imgbatch version | head -n1) against $(vips --version) (vipsthumbnail), $(date -u +%Y-%m-%d)"
echo
echo "| format | files | imgbatch read | vips read | both | same size | median PSNR dB | min PSNR dB |"
echo "| --- | --: | --: | --: | --: | --: | --: | --: |"
for fmt in $(cut -f2 "$work/table.tsv" | sort -u); do
	awk -F'\t' -v f="$fmt" '$2 == f' "$work/table.tsv" >"$work/fmt"
	files=$(wc -l <"$work/fmt")
	ib=$(awk -F'\t' '$3 == "done"' "$work/fmt" | wc -l)
	vp=$(awk -F'\t' '$4 == "yes"' "$work/fmt" | wc -l)
	both=$(awk -F'\t' '$3 == "done" && $4 == "yes"' "$work/fmt" | wc -l)
	same=$(awk -F'\t' '$6 != "-" && $6 != "size"' "$work/fmt" | wc -l)
	printf '| %s | %d | %d | %d | %d | %d |' "$fmt" "$files" "$ib" "$vp" "$both" "$same"
	awk -F'\t' '$6 != "-" && $6 != "size" { print $6 }' "$work/fmt" | stats
	echo
done

# name ID: the input's path as given.
name() { sed -n "$(expr "$1" + 0)p" "$work/files"; }

echo
echo "Not read by imgbatch (vips: whether vipsthumbnail read it, else its error):"
echo
awk -F'\t' '$3 != "done"' "$work/table.tsv" | while IFS='	' read -r id fmt status vips reason _; do
	[ $vips = yes ] || vips="no: $(head -n1 "$work/vips-err/$id" | cut -c1-100)"
	echo "- $fmt \`$(name "$id")\`: $status: $reason (vips: $vips)"
done
echo
echo "Read by both at different sizes, or below 35 dB:"
echo
awk -F'\t' '$6 == "size" || ($6 != "-" && $6 != "size" && $6 != "inf" && $6 < 35)' "$work/table.tsv" |
	while IFS='	' read -r id fmt _ _ _ psnr; do
		echo "- $fmt \`$(name "$id")\`: $psnr (imgbatch $(vipsheader -f width "$work/imgbatch/$id.png")x$(vipsheader -f height "$work/imgbatch/$id.png"), vips $(vipsheader -f width "$work/vips/$id.png")x$(vipsheader -f height "$work/vips/$id.png"))"
	done
