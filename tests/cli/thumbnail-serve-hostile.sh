#!/bin/sh
# imgbatch thumbnail --serve against bad clients and bad files: an empty
# Queue, 100,000 URIs in one Queue, Dequeue of unknown handles, a client
# that leaves mid-request, names that need escaping, FIFOs and devices, a
# cache on a full disk; after each the service still answers, and nothing
# is written outside the thumbnail cache.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/bus.sh"
bus_client_or_skip
export HOME=$WORK/home XDG_CACHE_HOME=$WORK/mnt/cache
mkdir -p "$HOME" "$WORK/mnt" "$WORK/files"

# The cache on a small tmpfs, to fill it later (without one, that part is
# skipped).
full_disk=yes
mount -t tmpfs -o size=8m tmpfs "$WORK/mnt" 2>/dev/null || full_disk=
service= bus_pid=
AT_EXIT='bus_cleanup $service; umount "$WORK/mnt" 2>/dev/null || :'

bus_start "$WORK"

json() {
	"$PY" -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"
}

convert "$top_srcdir/samples/photo.jpg" -resize 400x300! "$WORK/files/photo.jpg"
# still_up: the service answers a normal request.
still_up() {
	cp "$WORK/files/photo.jpg" "$WORK/files/check-$1.jpg"
	$CLIENT queue "$WORK/files/check-$1.jpg" >"$WORK/up.json" || fail "no answer after $1"
	assert_eq "$(json "$WORK/up.json" 'len(r["ready"])')" 1 "a URI made after $1"
}

touch "$WORK/marker"
"$IMGBATCH" thumbnail --serve -j2 --idle-exit 0 2>"$WORK/serve.err" &
service=$!
bus_wait 10 $CLIENT info || fail "thumbnail --serve did not take its bus name within 10 s"

# An empty Queue: Started and Finished, nothing else.
$CLIENT queue >"$WORK/empty.json"
assert_eq "$(json "$WORK/empty.json" '(r["started"], r["finished"], r["ready"], r["errors"])')" \
	"(1, 1, [], [])" "an empty request"
still_up "an empty request"

# 100,000 URIs in one Queue (none local), each answered once.
"$PY" -c 'import sys
for i in range(100000):
    print("http://example.com/%d.jpg" % i)' >"$WORK/huge"
$CLIENT queue --uris --from "$WORK/huge" >"$WORK/huge.json"
assert_eq "$(json "$WORK/huge.json" '(len(r["errors"]), r["duplicates"], set(e[1] for e in r["errors"]))')" \
	"(100000, 0, {0})" "errors for 100,000 URIs that are not local"
still_up "100,000 URIs"

# Dequeue of handles never given, or finished.
for h in 0 1 4294967295; do
	gdbus call --session -d org.freedesktop.thumbnails.Thumbnailer1 \
		-o /org/freedesktop/thumbnails/Thumbnailer1 \
		-m org.freedesktop.thumbnails.Thumbnailer1.Dequeue $h >/dev/null ||
		fail "Dequeue($h) was refused"
done
still_up "Dequeue of unknown handles"

# A client that leaves right after Queue: the service makes its thumbnails
# anyway (they are the cache's) and goes on.
mkdir "$WORK/gone"
"$PY" -c 'import os, sys
for i in range(50):
    os.link(sys.argv[1], "%s/g%d.jpg" % (sys.argv[2], i))' "$WORK/files/photo.jpg" "$WORK/gone"
$CLIENT queue --no-wait "$WORK"/gone/*.jpg >/dev/null
still_up "a client that left"

# Names that need escaping, as GLib escapes them, found by GNOME's factory.
odd="$WORK/files/ümlaut é %41 (1) #x?.jpg"
cp "$WORK/files/photo.jpg" "$odd"
$CLIENT queue "$odd" >"$WORK/odd.json"
assert_eq "$(json "$WORK/odd.json" 'len(r["ready"])')" 1 "a name that needs escaping"
if "$PY" -c "import gi; gi.require_version('GnomeDesktop', '3.0')" 2>/dev/null; then
	assert_eq "$($CLIENT lookup large "$odd")" 1 "GNOME's factory finds the escaped name"
fi

# A FIFO, a device, a directory and a symlink loop: refused at once, no
# worker held.
mkfifo "$WORK/files/fifo.jpg"
ln -s loop.jpg "$WORK/files/loop.jpg"
$CLIENT queue --uris "file://$WORK/files/fifo.jpg" "file:///dev/zero" "file://$WORK/files" \
	"file://$WORK/files/loop.jpg" >"$WORK/odd-files.json"
assert_eq "$(json "$WORK/odd-files.json" 'sorted(e[1] for e in r["errors"])')" "[0, 0, 0, 1]" \
	"codes for a FIFO, a device, a folder and a symlink loop"
still_up "odd files"

# The cache's disk fills: the URIs that meet it fail with code 4, and the
# service makes thumbnails again once there is room.
if [ -n "$full_disk" ]; then
	mkdir "$WORK/fill"
	"$PY" -c 'import os, sys
for i in range(200):
    os.link(sys.argv[1], "%s/f%d.jpg" % (sys.argv[2], i))' "$WORK/files/photo.jpg" "$WORK/fill"
	$CLIENT queue "$WORK"/fill/*.jpg >"$WORK/full.json"
	assert_eq "$(json "$WORK/full.json" '(len(r["ready"]) + len(r["errors"]), r["duplicates"])')" \
		"(200, 0)" "URIs answered on a full disk"
	assert_eq "$(json "$WORK/full.json" '4 in [e[1] for e in r["errors"]]')" True \
		"code 4 (not saved) when the disk is full"
	note "full disk: $(json "$WORK/full.json" 'len(r["ready"])') made, $(json "$WORK/full.json" 'len(r["errors"])') failed"
	# (the service holds the cache's folders open: their files go, not them)
	find "$XDG_CACHE_HOME/thumbnails" -type f -delete
	still_up "a full disk"
else
	note "SKIP full disk: no tmpfs could be mounted"
fi

# Nothing outside the cache: the inputs' folders hold what the test put there.
# (names, not a count, so that a failure says what was written)
assert_eq "$(find "$WORK/files" "$WORK/gone" "$HOME" -newer "$WORK/marker" -type f \
	! -name 'check-*' ! -name 'ümlaut*')" "" "files written outside the cache"
kill -TERM $service
wait $service || :
service=
no_temp_files "$XDG_CACHE_HOME"
