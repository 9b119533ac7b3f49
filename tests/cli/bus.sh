# A private session bus, for the tests and the benchmark of thumbnail
# --serve (tests/cli/thumbnail-serve*.sh, tests/soak/thumbnail-serve.sh,
# bench/thumbnailer-vs-tumbler.sh).  Source it: it only defines functions.

# bus_start DIR [SERVICEDIR]: a dbus-daemon listening in DIR (its config
# written there) that activates only the services SERVICEDIR holds, none
# without it.  Exports DBUS_SESSION_BUS_ADDRESS and sets bus_pid.
bus_start() {
	bus_services=
	[ -z "${2:-}" ] || bus_services="<servicedir>$2</servicedir>"
	cat >"$1/bus.conf" <<EOC
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=$1</listen>$bus_services
<policy context="default"><allow send_destination="*" eavesdrop="true"/>
<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>
EOC
	dbus-daemon --config-file="$1/bus.conf" --fork --print-address=3 --print-pid=4 \
		3>"$1/bus.addr" 4>"$1/bus.pid"
	bus_pid=$(cat "$1/bus.pid")
	DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$1/bus.addr")
	export DBUS_SESSION_BUS_ADDRESS
}

# bus_wait SECONDS COMMAND...: runs COMMAND until it succeeds (a client's
# first call, once the service owns its name); 1 after SECONDS.
bus_wait() {
	bus_tenths=$(($1 * 10))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $bus_tenths -gt 0 ] || return 1
		sleep 0.1
		bus_tenths=$((bus_tenths - 1))
	done
}

# bus_client_or_skip: sets PY and CLIENT, the GDBus client that acts as a
# file manager (tests/cli/thumbnail-serve-client.py); a test that cannot
# run it (no dbus-daemon or python3-gi) is skipped with a note.
bus_client_or_skip() {
	PY=/usr/bin/python3
	if ! command -v dbus-daemon >/dev/null ||
	   ! "$PY" -c "import gi; gi.require_version('Gio', '2.0')" 2>/dev/null; then
		note "SKIP: dbus-daemon or python3-gi missing (setup.sh installs dbus and python3-gi)"
		exit 0
	fi
	CLIENT="$PY $top_srcdir/tests/cli/thumbnail-serve-client.py"
}

# bus_cleanup [SERVICE_PID]: a test's AT_EXIT: the service and its workers
# killed and reaped (nothing of theirs left running or holding the cache
# open), then the bus.
bus_cleanup() {
	if [ -n "${1:-}" ]; then
		pkill -KILL -P "$1" 2>/dev/null || :
		kill -KILL "$1" 2>/dev/null || :
		wait "$1" 2>/dev/null || :
	fi
	[ -z "${bus_pid:-}" ] || kill "$bus_pid" 2>/dev/null || :
}
