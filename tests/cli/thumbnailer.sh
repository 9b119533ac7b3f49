#!/bin/sh
# imgbatch thumbnail --one, the command of imgbatch.thumbnailer: one PNG of
# at most SIZE px, upright, the same pixels as the cache's thumbnail, from
# JPEG, PNG, WebP and HEIC; paths or file:// URIs; usage errors exit 2, an
# unreadable original 1 with one line and no OUTPUT; nothing but OUTPUT is
# written.  Then `make install DESTDIR` and GNOME's own thumbnail factory,
# reading the installed entry, thumbnails a HEIC (which gdk-pixbuf cannot)
# through imgbatch in its bubblewrap sandbox.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/gen"
G=$WORK/gen
OUT=$WORK/out
mkdir "$OUT" "$WORK/home"
# Nothing is read from or written to the user's folders.
export HOME="$WORK/home" XDG_CACHE_HOME="$WORK/home/cache"

# one SIZE INPUT NAME: --one into $OUT/NAME, which must then exist.
one() {
	run_imgbatch 0 thumbnail --one -s "$1" "$2" "$OUT/$3"
	[ -f "$OUT/$3" ] || fail "--one $2 wrote no $OUT/$3"
}

one 128 "$G/photo.jpg" jpeg.png
assert_eq "$(image_size "$OUT/jpeg.png")" "128 96" "JPEG 1024x768 at 128"
assert_eq "$("$DECODE" text "$OUT/jpeg.png" | sed -n 's/^Thumb::Image::Width=//p')" 1024 \
	"Thumb::Image::Width"
one 100 "$G/rgba-soft.png" png.png
one 100 "$G/webp-photo.webp" webp.png
assert_eq "$(image_size "$OUT/webp.png")" "100 75" "WebP 480x360 at 100"
"$DECODE" info "$OUT/png.png" | grep -q '^[0-9]* [0-9]* 4 ' || fail "PNG alpha lost"
one 4096 "$G/photo.jpg" never-enlarged.png
assert_eq "$(image_size "$OUT/never-enlarged.png")" "1024 768" "never enlarged"
one 256 "$G/photo.jpg" default-box.png
run_imgbatch 0 thumbnail --one "$G/photo.jpg" "$OUT/no-size.png"
assert_eq "$(image_size "$OUT/no-size.png")" "256 192" "without -s: 256"

# The batch's pipeline: the same pixels as the cache's large thumbnail.
run_imgbatch 0 thumbnail --size large "$G/photo.jpg"
cached=$(find "$XDG_CACHE_HOME/thumbnails/large" -name '*.png')
assert_eq "$("$DECODE" diff "$cached" "$OUT/default-box.png" | cut -d' ' -f1)" 0 \
	"--one against the cache's thumbnail"
rm -rf "$XDG_CACHE_HOME"

# Orientation 6 is stored turned: its thumbnail is upright, as orientation 1's.
# (Resampling the turned pixels differs a little: PSNR, not equality.)
one 256 "$G/orientation-1.jpg" o1.png
one 256 "$G/orientation-6.jpg" o6.png
assert_eq "$(image_size "$OUT/o6.png")" "$(image_size "$OUT/o1.png")" "upright size"
psnr=$("$DECODE" diff "$OUT/o1.png" "$OUT/o6.png" | cut -d' ' -f2)
awk -v p="$psnr" 'BEGIN { exit !(p >= 30) }' || fail "orientation-6 thumbnail is not upright: $psnr dB"

# HEIC (gdk-pixbuf on Debian 12 reads none).
HEIC=
if command -v heif-enc >/dev/null 2>&1; then
	HEIC=$WORK/photo.heic
	heif-enc -q 60 "$G/photo.jpg" -o "$HEIC" >/dev/null
	one 200 "$HEIC" heic.png
	assert_eq "$(image_size "$OUT/heic.png")" "200 150" "HEIC at 200"
else
	note "SKIP HEIC: heif-enc is not installed"
fi

# file:// URIs (GNOME's %u) for both, escaped as GLib escapes.
mkdir "$WORK/with space"
cp "$G/photo.jpg" "$WORK/with space/é.jpg"
run_imgbatch 0 thumbnail --one -s 64 "file://$WORK/with%20space/%C3%A9.jpg" \
	"file://$WORK/with%20space/out.png"
assert_eq "$(image_size "$WORK/with space/out.png")" "64 48" "through URIs"

# Usage errors: exit 2, nothing written.
for args in "-s 0" "-s 4097" "-s large" "-s 12px"; do
	# shellcheck disable=SC2086
	run_imgbatch 2 thumbnail --one $args "$G/photo.jpg" "$OUT/bad.png"
	assert_contains "$WORK/err.txt" "with --one, pixels from 1 to 4096"
done
run_imgbatch 2 thumbnail --one "$G/photo.jpg"
assert_contains "$WORK/err.txt" "--one takes two operands"
run_imgbatch 2 thumbnail --one --clean "$G/photo.jpg" "$OUT/bad.png"
[ ! -e "$OUT/bad.png" ] || fail "a usage error wrote OUTPUT"

# Failures: exit 1, one line on stderr, no OUTPUT and no temp file.
mkdir "$WORK/fails"
for input in "$G/corrupt.jpg" "$G/not-an-image.txt" "$WORK/missing.jpg"; do
	run_imgbatch 1 thumbnail --one -s 128 "$input" "$WORK/fails/out.png"
	assert_eq "$(wc -l <"$WORK/err.txt")" 1 "stderr lines for $input"
	assert_contains "$WORK/err.txt" "imgbatch: $input: "
done
run_imgbatch 1 thumbnail --one "$G/photo.jpg" "$WORK/no/such/folder/out.png"
assert_eq "$(find "$WORK/fails" | wc -l)" 1 "files left by failures"
# A damaged file replaces no earlier OUTPUT.
cp "$OUT/jpeg.png" "$WORK/fails/kept.png"
run_imgbatch 1 thumbnail --one "$G/corrupt.jpg" "$WORK/fails/kept.png"
cmp -s "$OUT/jpeg.png" "$WORK/fails/kept.png" || fail "a failure changed the existing OUTPUT"

# --fail-on none keeps what a cut file decoded: exit 0, one warning line.
run_imgbatch 0 thumbnail --one --fail-on none "$G/corrupt.jpg" "$WORK/fails/cut.png"
assert_eq "$(wc -l <"$WORK/err.txt")" 1 "stderr lines for a warning"
assert_contains "$WORK/err.txt" "imgbatch: warning: $G/corrupt.jpg: JPEG: truncated data"
[ -f "$WORK/fails/cut.png" ] || fail "--fail-on none: no OUTPUT"
rm "$WORK/fails/cut.png"

# Nothing but OUTPUT: no cache, run marks or temp files anywhere.
assert_eq "$(find "$HOME" | wc -l)" 1 "files under HOME"
no_temp_files "$OUT"
made=8
[ -z "$HEIC" ] || made=9
assert_eq "$(find "$OUT" | wc -l)" $((made + 1)) "files in the OUTPUT folder"

# GNOME's thumbnail factory, reading the installed imgbatch.thumbnailer.
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c "import gi; gi.require_version('GnomeDesktop', '3.0')
from gi.repository import GnomeDesktop" 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
	note "SKIP GNOME thumbnail factory: python3-gi or gir1.2-gnomedesktop-3.0 missing"
	exit 0
fi
[ -n "$HEIC" ] || { note "SKIP GNOME thumbnail factory: no HEIC (heif-enc missing)"; exit 0; }

# Debian 12's gnome-desktop (43) has no fallback: without a working bwrap
# it runs no thumbnailer at all ("Failed to execute child process bwrap").
if ! bwrap --ro-bind / / true 2>/dev/null; then
	note "SKIP GNOME thumbnail factory: bwrap is missing or cannot make a sandbox here," \
		"and GNOME's factory runs thumbnailers only inside one"
	exit 0
fi

INST=$WORK/inst
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -s -C "$top_builddir" install \
	DESTDIR="$INST" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; fail "make install"; }
entry=$(find "$INST" -path '*/share/thumbnailers/imgbatch.thumbnailer')
[ -n "$entry" ] || fail "make install put no share/thumbnailers/imgbatch.thumbnailer"
bin=$(dirname "$(find "$INST" -path '*/bin/imgbatch')")
share=$(dirname "$(dirname "$entry")")
prefix=$(dirname "$bin")

# GNOME runs the Exec line in bubblewrap, which shows the sandbox /usr and
# little else: an install under /usr/local is found there, the test's
# install is not.  A bwrap earlier in PATH adds one read-only bind of it (at
# /opt/imgbatch, outside the /tmp GNOME binds its own folder on) and
# nothing else (but ASAN_OPTIONS, below): the sandbox, its seccomp filter
# included, is GNOME's.
# Under AddressSanitizer, LeakSanitizer cannot run in the sandbox (its
# seccomp filter denies what LSan needs to stop threads): leaks are not
# checked there, every other sanitizer check still is.
sandbox_env=
[ "${IMGBATCH_SANITIZERS:-no}" != yes ] || sandbox_env="--setenv ASAN_OPTIONS detect_leaks=0"
mkdir "$WORK/shim"
real_bwrap=$(command -v bwrap)
cat >"$WORK/shim/bwrap" <<EOF
#!/bin/sh
done=
for a do
	if [ -z "\$done" ] && [ "\$a" = imgbatch ]; then
		set -- "\$@" --ro-bind "$prefix" /opt/imgbatch --setenv PATH /opt/imgbatch/bin:/usr/bin $sandbox_env
		done=1
	fi
	set -- "\$@" "\$a"
	shift
done
exec "$real_bwrap" "\$@"
EOF
chmod +x "$WORK/shim/bwrap"
# The size GNOME's factory asks for LARGE (256) and the pixbuf it returns.
factory() {
	PATH="$WORK/shim:$bin:$PATH" XDG_DATA_DIRS="$share" \
	GSETTINGS_SCHEMA_DIR=/usr/share/glib-2.0/schemas G_MESSAGES_DEBUG=GnomeDesktop \
	"$PY" -c '
import sys, gi
gi.require_version("GnomeDesktop", "3.0")
from gi.repository import GnomeDesktop, GLib
uri = GLib.filename_to_uri(sys.argv[1], None)
factory = GnomeDesktop.DesktopThumbnailFactory.new(GnomeDesktop.DesktopThumbnailSize.LARGE)
if not factory.can_thumbnail(uri, sys.argv[2], 0):
    sys.exit("no thumbnailer for " + sys.argv[2])
pixbuf = factory.generate_thumbnail(uri, sys.argv[2], None)
print("pixbuf:", pixbuf.get_width(), pixbuf.get_height())
' "$@"
}
# (GLib prints its debug messages, which say what was run, on stdout.)
if ! factory "$HEIC" image/heic >"$WORK/factory.txt" 2>&1; then
	cat "$WORK/factory.txt" >&2
	fail "GNOME's factory could not thumbnail a HEIC through imgbatch"
fi
assert_eq "$(sed -n 's/^pixbuf: //p' "$WORK/factory.txt")" "256 192" "GNOME's pixbuf of the HEIC"
assert_contains "$WORK/factory.txt" "About to launch script: bwrap"
assert_contains "$WORK/factory.txt" "imgbatch thumbnail --one -s 256"
! grep -q "left files in directory" "$WORK/factory.txt" ||
	fail "GNOME found files besides OUTPUT in its folder"
note "GNOME's thumbnail factory made a 256x192 HEIC thumbnail through imgbatch in its bwrap sandbox"
