#!/usr/bin/python3
"""A file manager's side of org.freedesktop.thumbnails.Thumbnailer1, for
tests/cli/thumbnail-serve.sh (and bench/): it queues URIs through GDBus, as
Nautilus or Thunar would, and reports every signal it got as one JSON object.

  client.py info
  client.py queue [--flavor F] [--scheduler S] [--dequeue] [--uris]
                  [--from FILE] [--no-wait] ITEM...
      ITEM is a path (made a URI as GLib does) or, with --uris, a URI as is;
      --from FILE adds one ITEM a line.  Waits for Finished and prints
      handle, ready, errors, timings, and duplicates (URIs answered more
      than once); with --no-wait it leaves (disconnects) once Queue returns.
  client.py race BACKGROUND_LIST FOREGROUND_LIST
      queues the files of BACKGROUND_LIST (one path a line) with the
      background scheduler, then those of FOREGROUND_LIST with the foreground
      one; prints the order the two requests finished in and how many
      background URIs were ready before the foreground request finished.
  client.py soak PID TOTAL BATCH WARM LIST START END
      queues TOTAL URIs of the files in LIST (one path a line; those named
      *bad* must fail, the others be made) in requests of BATCH, four
      requests in flight; samples the service PID and its workers ("PID
      RSS_KB FDS" lines) into START once WARM URIs are answered and the
      requests in flight are finished, and into END at the end; fails
      unless every URI is answered once, as its file must be.
  client.py lookup SIZE PATH...
      how many of the paths GNOME's thumbnail factory finds thumbnails of.
"""
import json
import os
import sys
import time

import gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib

NAME = "org.freedesktop.thumbnails.Thumbnailer1"
PATH = "/org/freedesktop/thumbnails/Thumbnailer1"
IFACE = NAME
TIMEOUT_S = 300


def call(bus, method, args=None, reply="()"):
    return bus.call_sync(NAME, PATH, IFACE, method, args, GLib.VariantType(reply),
                         Gio.DBusCallFlags.NONE, 60000, None).unpack()


class Requests:
    """Every signal of the service, by handle."""

    def __init__(self, bus):
        self.bus = bus
        self.by_handle = {}
        self.finished_order = []
        self.loop = GLib.MainLoop()
        self.t0 = time.monotonic()
        bus.signal_subscribe(NAME, IFACE, None, PATH, None, Gio.DBusSignalFlags.NONE,
                             self.on_signal)

    def get(self, handle):
        return self.by_handle.setdefault(handle, {
            "handle": handle, "started": 0, "ready": [], "ready_ms": [], "errors": [],
            "finished": 0,
            "first_ready_ms": None, "finished_ms": None})

    def on_signal(self, _conn, _sender, _path, _iface, member, params):
        args = params.unpack()
        r = self.get(args[0])
        ms = round((time.monotonic() - self.t0) * 1000, 1)
        if member == "Started":
            r["started"] += 1
        elif member == "Ready":
            r["ready"] += args[1]
            r["ready_ms"] += [ms] * len(args[1])
            if r["first_ready_ms"] is None:
                r["first_ready_ms"] = ms
        elif member == "Error":
            r["errors"] += [[u, args[2], args[3]] for u in args[1]]
        elif member == "Finished":
            r["finished"] += 1
            r["finished_ms"] = ms
            self.finished_order.append(args[0])
        if self.waiting and all(self.get(h)["finished"] for h in self.waiting):
            self.loop.quit()

    def queue(self, uris, flavor="large", scheduler="default", unqueue=0):
        (handle,) = call(self.bus, "Queue",
                         GLib.Variant("(asasssu)", (uris, ["image/jpeg"] * len(uris),
                                                   flavor, scheduler, unqueue)), "(u)")
        self.get(handle)["queued_ms"] = round((time.monotonic() - self.t0) * 1000, 1)
        return handle

    def wait(self, handles):
        self.waiting = handles
        if not all(self.get(h)["finished"] for h in handles):
            fired = []

            def give_up():
                fired.append(True)
                self.loop.quit()
                return False
            timer = GLib.timeout_add_seconds(TIMEOUT_S, give_up)
            self.loop.run()
            if not fired:
                GLib.source_remove(timer)
        self.waiting = None

    waiting = None


def process_sample(pid, path):
    """The service and its workers: "PID RSS_KB FDS" a line."""
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        pids = [pid] + [int(c) for c in f.read().split()]
    with open(path, "w") as out:
        for p in pids:
            with open("/proc/%d/status" % p) as f:
                rss = next(line.split()[1] for line in f if line.startswith("VmRSS:"))
            out.write("%d %s %d\n" % (p, rss, len(os.listdir("/proc/%d/fd" % p))))


def soak(bus, pid, total, batch, warm, files, start_path, end_path):
    reqs = Requests(bus)
    uris = [GLib.filename_to_uri(f, None) for f in files]
    must_fail = {u for u, f in zip(uris, files) if "bad" in os.path.basename(f)}
    queued = {}
    sent = answered = 0
    sampled = False
    in_flight = []
    while answered < total:
        while sent < total and len(in_flight) < 4 and (sampled or sent < warm):
            n = min(batch, total - sent)
            part = [uris[(sent + i) % len(uris)] for i in range(n)]
            h = reqs.queue(part, flavor="normal")
            queued[h] = part
            in_flight.append(h)
            sent += n
        reqs.wait([in_flight[0]])
        h = in_flight.pop(0)
        r = reqs.get(h)
        got = r["ready"] + [e[0] for e in r["errors"]]
        if sorted(got) != sorted(queued[h]):
            sys.exit("request %d: %d URIs queued, %d answered (%d distinct)"
                     % (h, len(queued[h]), len(got), len(set(got))))
        wrong = [u for u in r["ready"] if u in must_fail] + \
                [e for e in r["errors"] if e[0] not in must_fail or e[1] != 2]
        if wrong:
            sys.exit("request %d: wrong answers: %s" % (h, wrong[:3]))
        answered += len(got)
        del reqs.by_handle[h], queued[h]
        if not sampled and answered >= warm and not in_flight:
            process_sample(pid, start_path)
            sampled = True
    process_sample(pid, end_path)
    print("soak: thumbnail --serve: %d URIs in %d requests answered once each in %.0f s"
          % (total, -(-total // batch), time.monotonic() - reqs.t0))


def as_uri(item, raw):
    return item if raw else GLib.filename_to_uri(item, None)


def summary(r):
    answered = r["ready"] + [e[0] for e in r["errors"]]
    out = dict(r)
    out["duplicates"] = len(answered) - len(set(answered))
    return out


def main(argv):
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    if argv[0] == "info":
        print(json.dumps({"flavors": call(bus, "GetFlavors", None, "(as)")[0],
                          "schedulers": call(bus, "GetSchedulers", None, "(as)")[0],
                          "supported": call(bus, "GetSupported", None, "(asas)")}))
        return 0
    if argv[0] == "queue":
        opts = {"flavor": "large", "scheduler": "default"}
        dequeue = raw = no_wait = False
        items = []
        it = iter(argv[1:])
        for a in it:
            if a in ("--flavor", "--scheduler"):
                opts[a[2:]] = next(it)
            elif a == "--dequeue":
                dequeue = True
            elif a == "--uris":
                raw = True
            elif a == "--no-wait":
                no_wait = True
            elif a == "--from":
                items += open(next(it)).read().splitlines()
            else:
                items.append(a)
        reqs = Requests(bus)
        handle = reqs.queue([as_uri(i, raw) for i in items], **opts)
        if no_wait:
            print(handle)
            return 0
        if dequeue:
            call(bus, "Dequeue", GLib.Variant("(u)", (handle,)))
        reqs.wait([handle])
        print(json.dumps(summary(reqs.get(handle))))
        return 0
    if argv[0] == "race":
        lists = [[line.strip() for line in open(f) if line.strip()] for f in argv[1:3]]
        reqs = Requests(bus)
        bg = reqs.queue([as_uri(p, False) for p in lists[0]], scheduler="background")
        fg = reqs.queue([as_uri(p, False) for p in lists[1]], scheduler="foreground")
        reqs.wait([bg, fg])
        fg_done = reqs.get(fg)["finished_ms"]
        print(json.dumps({"order": ["background" if h == bg else "foreground"
                                    for h in reqs.finished_order if h in (bg, fg)],
                          "foreground": summary(reqs.get(fg)),
                          "background_ready": sum(ms < fg_done for ms in reqs.get(bg)["ready_ms"]),
                          "foreground_finished_ms": fg_done}))
        return 0
    if argv[0] == "soak":
        files = [line.strip() for line in open(argv[5]) if line.strip()]
        soak(bus, int(argv[1]), int(argv[2]), int(argv[3]), int(argv[4]), files,
             argv[6], argv[7])
        return 0
    if argv[0] == "lookup":
        gi.require_version("GnomeDesktop", "3.0")
        from gi.repository import GnomeDesktop
        size = {"normal": GnomeDesktop.DesktopThumbnailSize.NORMAL,
                "large": GnomeDesktop.DesktopThumbnailSize.LARGE}[argv[1]]
        factory = GnomeDesktop.DesktopThumbnailFactory.new(size)
        found = 0
        for p in argv[2:]:
            mtime = int(Gio.File.new_for_path(p).query_info(
                "time::modified", Gio.FileQueryInfoFlags.NONE, None)
                .get_attribute_uint64("time::modified"))
            if factory.lookup(GLib.filename_to_uri(p, None), mtime):
                found += 1
        print(found)
        return 0
    sys.exit("unknown command " + argv[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
