#!/bin/sh
# imgbatch thumbnail --serve against tumbler, Xfce's Thumbnailer1 daemon:
# the same queue of URIs of 12-MP JPEGs (default 1,000) to the "large"
# flavor, sent as one Queue() call by a GDBus client acting as a file
# manager (tests/cli/thumbnail-serve-client.py), each service on its own
# private session bus with an empty thumbnail cache.  Reports, per service,
# the medians over ROUNDS of the time from the Queue() call to the first
# Ready and to Finished, and the ratio of the times to Finished.
#
#   bench/thumbnailer-vs-tumbler.sh [RESULT_FILE]    (make bench: bench/results/THUMBNAILER.md)
# Environment: BENCH_DIR (default bench/work), ROUNDS (3), URIS (1000),
#   JOBS (imgbatch's -j; default one worker per core).
# Needs: ImageMagick (the corpus); without dbus-daemon (dbus), tumbler or
# python3-gi it is skipped with a note.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
. "$top/tests/cli/bus.sh"

out=${1:-}
rounds=${ROUNDS:-3}
uris=${URIS:-1000}
work=$(realpath -m "${BENCH_DIR:-bench/work}")/tumbler
PY=/usr/bin/python3
CLIENT="$PY $top/tests/cli/thumbnail-serve-client.py"
TUMBLERD=$(ls /usr/lib/*/tumbler-1/tumblerd 2>/dev/null | head -n 1)
die() { echo "bench: $*" >&2; exit 1; }
skip() { echo "bench: thumbnailer against tumbler skipped: $*" >&2; exit 0; }
[ -x "$top/imgbatch" ] || die "build imgbatch first (make)"
[ -n "$TUMBLERD" ] || skip "tumblerd not found (apt-get install tumbler)"
command -v dbus-daemon >/dev/null || skip "dbus-daemon not found (apt-get install dbus)"
"$PY" -c "import gi" 2>/dev/null || skip "python3-gi is needed for the client"

# The corpus: 8 different 12-MP JPEGs (4000x3000, q92, 4:2:0, noised as
# bench/run.sh makes its photos), hard-linked to $uris names: a thumbnail
# is per path, so every name is one thumbnail to make.
corpus=$work/corpus-$uris
if [ ! -f "$corpus/.complete" ]; then
	rm -rf "$corpus"
	mkdir -p "$corpus/src" "$corpus/photos"
	"$top/tools/gen-samples" "$corpus/samples" >/dev/null
	k=0
	while [ $k -lt 8 ]; do
		convert "$corpus/samples/photo.jpg" -resize '4000x3000!' -roll "+$((k * 289))+$((k * 211))" \
			-seed $((k + 1)) -attenuate 0.4 +noise Gaussian -sampling-factor 2x2 -quality 92 \
			"$corpus/src/p$k.jpg" &
		k=$((k + 1))
		[ $((k % 2)) = 0 ] && wait
	done
	wait
	"$PY" -c 'import os, sys
for i in range(int(sys.argv[2])):
    os.link("%s/src/p%d.jpg" % (sys.argv[1], i % 8), "%s/photos/img%04d.jpg" % (sys.argv[1], i))' \
		"$corpus" "$uris"
	touch "$corpus/.complete"
fi

bus_pid= service=
cleanup() {
	[ -z "$service" ] || kill "$service" 2>/dev/null || :
	[ -z "$bus_pid" ] || kill "$bus_pid" 2>/dev/null || :
}
trap cleanup EXIT INT TERM


# one_round NAME: starts the service NAME on a new bus with an empty cache,
# queues the corpus and prints "FIRST_READY_MS FINISHED_MS READY".
one_round() {
	bus_start "$work"
	export XDG_CACHE_HOME=$work/cache HOME=$work/home
	rm -rf "$XDG_CACHE_HOME" "$HOME"
	mkdir -p "$XDG_CACHE_HOME" "$HOME"
	case $1 in
	imgbatch) "$top/imgbatch" thumbnail --serve ${JOBS:+-j "$JOBS"} 2>"$work/$1.err" & ;;
	tumbler) "$TUMBLERD" >"$work/$1.err" 2>&1 & ;;
	esac
	service=$!
	bus_wait 10 $CLIENT info || die "$1 did not take the bus name in 10 s (see $work/$1.err)"
	$CLIENT queue "$corpus"/photos/*.jpg >"$work/$1.json"
	"$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r["first_ready_ms"], r["finished_ms"], len(r["ready"]))' "$work/$1.json"
	kill "$service" "$bus_pid"
	wait "$service" 2>/dev/null || :
	service= bus_pid=
}

: >"$work/times"
r=1
while [ "$r" -le "$rounds" ]; do
	for tool in imgbatch tumbler; do
		set -- $(one_round $tool)
		[ "$3" = "$uris" ] || die "$tool: $3 of $uris URIs ready (see $work/$tool.json)"
		echo "$tool $1 $2" >>"$work/times"
		echo "bench: round $r $tool: first Ready $1 ms, Finished $2 ms" >&2
	done
	r=$((r + 1))
done

med() { awk -v t="$1" -v f="$2" '$1 == t { print $f }' "$work/times" | median_of; }
ib_first=$(med imgbatch 2) ib_done=$(med imgbatch 3)
tb_first=$(med tumbler 2) tb_done=$(med tumbler 3)
ratio=$(echo "scale=2; $tb_done / $ib_done" | bc)
{
	echo "| $uris URIs of 12-MP JPEGs to large, $(nproc) cores | first Ready | Finished |"
	echo "|---|---|---|"
	echo "| imgbatch thumbnail --serve | $ib_first ms | $ib_done ms |"
	echo "| tumblerd $(dpkg-query -W -f '${Version}' tumbler 2>/dev/null || echo) | $tb_first ms | $tb_done ms |"
	echo
	echo "imgbatch is ${ratio}x faster to Finished (medians of $rounds rounds; $(cpu_model))."
} | tee "${out:-$work/result.md}"
