#!/bin/sh
# imgbatch thumbnail --serve on a private session bus, driven as a file
# manager drives a Thumbnailer1 service (tests/cli/thumbnail-serve-client.py,
# GDBus): D-Bus activation from the installed .service file and the exit
# when idle; a second service refused; GetFlavors, GetSchedulers and
# GetSupported; 1,000 URIs each answered once by Ready and found by GNOME's
# thumbnail factory; every error code the service gives; each flavor's
# size; Dequeue; the foreground scheduler overtaking a background request;
# a worker killed mid-URI failing that URI only; SIGTERM; the bus going away.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/bus.sh"
bus_client_or_skip
export XDG_CACHE_HOME=$WORK/cache HOME=$WORK/home
mkdir -p "$HOME" "$WORK/services" "$WORK/photos"

# Usage errors, before any bus is asked.
run_imgbatch 2 thumbnail --serve "$WORK"
assert_contains "$WORK/err.txt" "--serve takes no operands: clients queue the files"
run_imgbatch 2 thumbnail --serve --size all
assert_contains "$WORK/err.txt" "--serve takes no --size: clients ask for a flavor"
run_imgbatch 2 thumbnail --idle-exit 5 "$WORK"
assert_contains "$WORK/err.txt" "--idle-exit goes with --serve"
run_imgbatch 2 thumbnail --serve --idle-exit soon
assert_contains "$WORK/err.txt" "--idle-exit"

# One bus for the test, which activates only what $WORK/services holds.
bus_start "$WORK" "$WORK/services"
service=
AT_EXIT='bus_cleanup $service'

# json FILE EXPR: EXPR of the JSON object in FILE (as r).
json() {
	"$PY" -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"
}

# links FILE DIR PREFIX N: N hard links of FILE, DIR/PREFIX0.jpg on (one
# process: a shell loop of ln costs seconds on a loaded machine).
links() {
	"$PY" -c 'import os, sys
for i in range(int(sys.argv[4])):
    os.link(sys.argv[1], "%s/%s%d.jpg" % (sys.argv[2], sys.argv[3], i))' "$@"
}

# The process that owns the Thumbnailer1 name on this test's bus (other
# tests' services may run on the machine at the same time).
name_owner_pid() {
	gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
		--method org.freedesktop.DBus.GetConnectionUnixProcessID \
		org.freedesktop.thumbnails.Thumbnailer1 | sed -n 's/.*uint32 \([0-9]*\).*/\1/p'
}

# wait_gone PID SECONDS: fails unless PID has exited within SECONDS.
wait_gone() {
	t=0
	while kill -0 "$1" 2>/dev/null; do
		[ $t -lt $(($2 * 10)) ] || fail "process $1 still running after $2 s"
		sleep 0.1
		t=$((t + 1))
	done
}

# 1. Activation by the bus, from the .service file make install puts in
# dbus-1/services (its Exec line pointed at this build), and the idle exit.
sed -e "s|@bindir@/imgbatch|$IMGBATCH|" -e 's|--serve$|--serve --idle-exit 1|' \
	"$top_srcdir/org.freedesktop.thumbnails.Thumbnailer1.service.in" \
	>"$WORK/services/org.freedesktop.thumbnails.Thumbnailer1.service"
$CLIENT info >"$WORK/info.json" || fail "GetFlavors through D-Bus activation"
activated=$(name_owner_pid)
[ -n "$activated" ] && tr '\0' ' ' <"/proc/$activated/cmdline" | grep -q "thumbnail --serve" ||
	fail "the bus did not start imgbatch thumbnail --serve"
assert_eq "$(json "$WORK/info.json" 'r["flavors"]')" "['normal', 'large', 'x-large', 'xx-large']" \
	"GetFlavors"
assert_eq "$(json "$WORK/info.json" 'r["schedulers"]')" "['default', 'foreground', 'background']" \
	"GetSchedulers"
for type in image/jpeg image/png image/heif image/avif image/webp image/jxl image/x-adobe-dng; do
	assert_eq "$(json "$WORK/info.json" "('file', '$type') in zip(*r['supported'])")" True \
		"GetSupported lists file:// $type"
done
wait_gone "$activated" 5
note "activated by the bus, answered, and exited after 1 s idle"
rm "$WORK/services/"*

# 2. The service started by hand; a second one is refused.
"$IMGBATCH" thumbnail --serve -j2 --idle-exit 60 2>"$WORK/serve.err" &
service=$!
bus_wait 10 $CLIENT info || fail "thumbnail --serve did not take its bus name within 10 s"
run_imgbatch 2 thumbnail --serve
assert_contains "$WORK/err.txt" \
	"another thumbnailer owns org.freedesktop.thumbnails.Thumbnailer1 on the session bus"
# No session bus to be had: a clear error, exit 2, at once.
bus_address=$DBUS_SESSION_BUS_ADDRESS
DBUS_SESSION_BUS_ADDRESS=unix:path=$WORK/no-bus
run_imgbatch 2 thumbnail --serve
DBUS_SESSION_BUS_ADDRESS=$bus_address
assert_contains "$WORK/err.txt" "cannot connect to the session bus: "

# 3. 1,000 URIs in one request: one Ready each, in the cache GNOME reads.
convert "$top_srcdir/samples/photo.jpg" -resize 400x300! "$WORK/photo.jpg"
links "$WORK/photo.jpg" "$WORK/photos" p 1000
$CLIENT queue "$WORK"/photos/p*.jpg >"$WORK/many.json"
assert_eq "$(json "$WORK/many.json" 'len(set(r["ready"]))')" 1000 "URIs ready"
assert_eq "$(json "$WORK/many.json" '(len(r["errors"]), r["duplicates"])')" "(0, 0)" \
	"errors and URIs answered twice"
assert_eq "$(json "$WORK/many.json" '(r["started"], r["finished"])')" "(1, 1)" \
	"Started and Finished signals"
note "1,000 URIs: first Ready $(json "$WORK/many.json" 'round(r["first_ready_ms"] - r["queued_ms"])') ms" \
	"after Queue returned, Finished after $(json "$WORK/many.json" 'round(r["finished_ms"] - r["queued_ms"])') ms"
if "$PY" -c "import gi; gi.require_version('GnomeDesktop', '3.0')" 2>/dev/null; then
	assert_eq "$($CLIENT lookup large "$WORK"/photos/p*.jpg)" 1000 \
		"thumbnails GNOME's factory finds"
else
	note "SKIP GNOME's lookup: gir1.2-gnomedesktop-3.0 missing"
fi
thumb=$(find "$XDG_CACHE_HOME/thumbnails/large" -name '*.png' | head -n 1)
assert_eq "$(image_size "$thumb")" "256 192" "a large thumbnail's size"

# 4. Errors, each with the specification's code (tumbler's numbers).
printf 'not an image\n' >"$WORK/notes.txt"
head -c 3000 "$WORK/photo.jpg" >"$WORK/cut.jpg"
mkdir "$WORK/a folder"
cp "$WORK/photo.jpg" "$WORK/fine.jpg"
$CLIENT queue --uris "file://$WORK/missing.jpg" "file://$WORK/cut.jpg" "file://$WORK/notes.txt" \
	"http://example.com/x.jpg" "file://$WORK/photos/../fine.jpg" "file://$WORK/a%20folder" \
	"file://$thumb" "file://$WORK/fine.jpg" >"$WORK/errors.json"
codes() {
	json "$WORK/errors.json" \
		"sorted((e[1], e[0].rsplit('/', 1)[-1]) for e in r['errors'])" | tr -d "'"
}
assert_eq "$(codes)" "[(0, a%20folder), (0, fine.jpg), (0, notes.txt), (0, x.jpg), (1, missing.jpg), (2, cut.jpg), (3, $(basename "$thumb"))]" \
	"error codes (1: unreadable, 2: not decodable, 0: not an image or not a local normal path, 3: a thumbnail)"
assert_eq "$(json "$WORK/errors.json" 'r["ready"]')" "['file://$WORK/fine.jpg']" "the good URI"
assert_eq "$(json "$WORK/errors.json" \
	'[e[2] for e in r["errors"] if "/../" in e[0]][0].endswith("is not in normal form (\"..\", \".\" or \"//\" in its path)")')" \
	True "the reason for the URI with '..'"
$CLIENT queue --flavor huge "$WORK/fine.jpg" >"$WORK/flavor.json"
assert_eq "$(json "$WORK/flavor.json" '[(e[1], e[2]) for e in r["errors"]]')" \
	"[(5, 'unknown flavor: normal, large, x-large or xx-large')]" "an unknown flavor"
if $CLIENT queue --scheduler nosuch "$WORK/fine.jpg" >/dev/null 2>"$WORK/sched.err"; then
	fail "an unknown scheduler was accepted"
fi
assert_contains "$WORK/sched.err" 'unknown scheduler "nosuch"'

# 5. Each flavor in its own folder at its own size (never enlarged).
for flavor in normal:128 x-large:400 xx-large:400; do
	$CLIENT queue --flavor "${flavor%:*}" "$WORK/photos/p1.jpg" >"$WORK/f.json"
	assert_eq "$(json "$WORK/f.json" 'len(r["ready"])')" 1 "a ${flavor%:*} thumbnail"
	made=$(find "$XDG_CACHE_HOME/thumbnails/${flavor%:*}" -name '*.png')
	assert_eq "$(image_size "$made" | cut -d' ' -f1)" "${flavor#*:}" "width of ${flavor%:*}"
done

# 6. Dequeue: what was not started is dropped, and the request finishes.
mkdir "$WORK/more"
links "$WORK/photo.jpg" "$WORK/more" m 420
ls "$WORK"/more/m*.jpg | head -n 300 >"$WORK/dequeued"
$CLIENT queue --dequeue $(cat "$WORK/dequeued") >"$WORK/dequeue.json"
ready=$(json "$WORK/dequeue.json" 'len(r["ready"])')
[ "$ready" -lt 20 ] || fail "Dequeue: $ready of 300 URIs were made"
assert_eq "$(json "$WORK/dequeue.json" '(len(r["errors"]), r["finished"])')" "(0, 1)" \
	"a dequeued request's errors and Finished"

# 7. A foreground request overtakes a background one queued before it.
ls "$WORK"/more/m*.jpg | tail -n 115 >"$WORK/background"
ls "$WORK"/more/m*.jpg | sed -n 301,305p >"$WORK/foreground"
$CLIENT race "$WORK/background" "$WORK/foreground" >"$WORK/race.json"
assert_eq "$(json "$WORK/race.json" 'r["order"]')" "['foreground', 'background']" \
	"the order the requests finished in"
assert_eq "$(json "$WORK/race.json" 'len(r["foreground"]["ready"])')" 5 "foreground URIs ready"
before=$(json "$WORK/race.json" 'r["background_ready"]')
[ "$before" -le 20 ] || fail "$before background URIs were made before the foreground request"
note "the foreground request finished with $before background URIs made before it"

# 8. A worker killed mid-URI: that URI fails, the service goes on.
workers=$(pgrep -P $service)
[ -n "$workers" ] || fail "no workers under the service"
kill -STOP $workers
$CLIENT queue "$WORK/more/m0.jpg" >"$WORK/killed.json" &
client=$!
sleep 1
kill -KILL $workers
wait $client || fail "the client of the killed worker's URI"
assert_eq "$(json "$WORK/killed.json" '[(e[1], "signal 9" in e[2]) for e in r["errors"]]')" \
	"[(2, True)]" "the killed worker's URI"
$CLIENT queue "$WORK/more/m1.jpg" >"$WORK/after.json"
assert_eq "$(json "$WORK/after.json" 'len(r["ready"])')" 1 "a URI after the killed worker"

# 9. SIGTERM ends it within 2 s, exit 0: the URIs in workers' hands
# finish, every other URI of the request is answered with code 7 (shutting
# down); then the bus going away ends another.
mkdir "$WORK/last"
links "$WORK/photo.jpg" "$WORK/last" l 2000
$CLIENT queue "$WORK"/last/l*.jpg >"$WORK/term.json" &
client=$!
sleep 0.5
t0=$(date +%s%N)
kill -TERM $service
set +e
wait $service
code=$?
set -e
service=
took_ms=$((($(date +%s%N) - t0) / 1000000))
[ $code -eq 0 ] || { cat "$WORK/serve.err" >&2; fail "SIGTERM: exit $code"; }
[ $took_ms -lt 2000 ] || fail "SIGTERM: the service took $took_ms ms to drain and exit"
note "SIGTERM: drained and exited 0 in $took_ms ms"
wait $client || fail "the client of the request SIGTERM cut short"
assert_eq "$(json "$WORK/term.json" '(len(r["ready"]) + len(r["errors"]), r["duplicates"], r["finished"])')" \
	"(2000, 0, 1)" "URIs answered, twice, and Finished after SIGTERM"
assert_eq "$(json "$WORK/term.json" '7 in [e[1] for e in r["errors"]]')" True \
	"the URIs not started answered 'shutting down'"
"$IMGBATCH" thumbnail --serve 2>"$WORK/gone.err" &
service=$!
bus_wait 10 $CLIENT info || fail "the second service did not take the bus name"
kill $bus_pid
set +e
wait $service
code=$?
set -e
service=
assert_eq "$code" 0 "exit status after the bus went away"
assert_contains "$WORK/gone.err" "the session bus went away"
no_temp_files "$XDG_CACHE_HOME"
