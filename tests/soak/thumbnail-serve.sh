#!/bin/sh
# Soak: imgbatch thumbnail --serve -j2 on a private session bus answers
# SOAK_REQUESTS URIs (default 100,000) queued in requests of 500, four in
# flight, as a file manager would (tests/cli/thumbnail-serve-client.py):
# 2,000 small photos and 50 corrupt JPEGs, each URI queued again and again
# (the first time it is made, then found up to date).  After a warm-up
# tenth (at least 2,000), and again at the end, the service's and its workers' RSS and open
# descriptors are sampled from /proc: the same workers must still be there,
# holding as many descriptors, their total RSS grown by at most 5%.  Every
# URI is answered exactly once per request (Ready, or Error code 2 for the
# corrupt ones), no child is left a zombie, and SIGTERM ends it with exit 0.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../cli/bus.sh"
bus_client_or_skip
N=${SOAK_REQUESTS:-100000}
export HOME=$WORK/home XDG_CACHE_HOME=$WORK/cache
mkdir -p "$HOME" "$WORK/photos"

convert "$top_srcdir/samples/photo.jpg" -resize 160x120! "$WORK/photo.jpg"
head -c 2000 "$WORK/photo.jpg" >"$WORK/bad.jpg"
"$PY" -c 'import os, sys
w = sys.argv[1]
for i in range(2000):
    os.link(w + "/photo.jpg", "%s/photos/p%d.jpg" % (w, i))
    if i % 40 == 0:
        os.link(w + "/bad.jpg", "%s/photos/bad%d.jpg" % (w, i))' "$WORK"
ls "$WORK"/photos/*.jpg | shuf --random-source="$WORK/photo.jpg" >"$WORK/list"

bus_start "$WORK"

"$IMGBATCH" thumbnail --serve -j2 --idle-exit 0 2>"$WORK/err.txt" &
server=$!
AT_EXIT="bus_cleanup $server"
bus_wait 10 $CLIENT info || fail "thumbnail --serve did not take its bus name within 10 s"

# warm-up: a tenth, but at least 2,000 URIs when there are 4,000 or more
WARM=$((N / 10))
[ $WARM -ge 2000 ] || [ $N -lt 4000 ] || WARM=2000
$CLIENT soak $server "$N" 500 $WARM "$WORK/list" "$WORK/start" "$WORK/end" \
	>"$WORK/soak.txt" || fail "the soak's client: $(tail -n 1 "$WORK/soak.txt")"
cat "$WORK/soak.txt"
assert_eq "$(wc -l <"$WORK/start")" 3 "the service and its two workers"
assert_eq "$(soak_zombies "$server")" 0 "zombie workers"
workers=$(soak_children "$server")

kill -TERM $server
status=0
wait "$server" || status=$?
AT_EXIT="bus_cleanup"
assert_eq "$status" 0 "exit status after SIGTERM"
[ ! -s "$WORK/err.txt" ] || { head "$WORK/err.txt" >&2; fail "stderr not quiet"; }
for w in $workers; do
	[ ! -e "/proc/$w" ] || fail "worker $w outlived the service"
done
soak_check "$WORK/start" "$WORK/end"
