#!/bin/sh
# imgbatch thumbnail: the freedesktop.org cache under a scratch
# XDG_CACHE_HOME.  Names are the MD5 of GLib's own file:// URI (when
# python3-gi is installed), tEXt keys are read back with libpng, modes are
# 0600/0700, thumbnails decode to the right size and orientation, current
# ones are skipped without decoding, stale ones replaced, bad originals get a
# fail entry, --clean removes what is gone, and GNOME's thumbnail factory
# finds every thumbnail (when gir1.2-gnomedesktop-3.0 is installed).
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME="$WORK/cache"
CACHE=$XDG_CACHE_HOME/thumbnails
IN=$WORK/photos
make_fixtures "$WORK/gen"
mkdir -p "$IN/sub"
cp "$WORK/gen/photo.jpg" "$WORK/gen/rgba-soft.png" "$WORK/gen/text-edges.png" "$IN/"
cp "$WORK/gen/photo.jpg" "$IN/IMG_0001 (1).jpg"
cp "$WORK/gen/orientation-1.jpg" "$WORK/gen/orientation-6.jpg" "$IN/sub/"
cp "$WORK/gen/zoneplate.png" "$IN/sub/semi;colon #1 100%.png"
cp "$WORK/gen/gray16.png" "$IN/sub/$(printf 'caf\303\251 \377.png')"
cp "$WORK/gen/corrupt.jpg" "$IN/broken.jpg"
GOOD=8

# The interpreter with python3-gi, when there is one (a pyenv python3 earlier
# in PATH may lack it).
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import gi' 2>/dev/null; then PY=$p; break; fi
done

# md5 name of a path's URI: GLib's spelling when available, else ours as
# printed in the --json output.
entry_name() {
	uri=$("$PY" -c 'import os, sys
from gi.repository import GLib
print(GLib.filename_to_uri(os.fsdecode(sys.argv[1].encode("utf-8", "surrogateescape")), None))' "$1")
	printf '%s' "$uri" | md5sum | cut -d' ' -f1
}

# text_key FILE KEY: the value of a tEXt key as libpng reads it.
text_key() {
	"$DECODE" text "$1" | sed -n "s/^$2=//p"
}

run_imgbatch 1 thumbnail --size all --json -j2 "$IN"
assert_eq "$(json_summary done)" "$GOOD" "thumbnails made"
assert_eq "$(json_summary failed)" 1 "broken originals"
for size in normal large x-large xx-large; do
	assert_eq "$(find "$CACHE/$size" -type f | wc -l)" "$GOOD" "$size entries"
done

# Modes: 0700 directories, 0600 files.
for d in "$CACHE" "$CACHE/normal" "$CACHE/xx-large" "$CACHE/fail/imgbatch-"*; do
	assert_eq "$(stat -c %a "$d")" 700 "mode of $d"
done
assert_eq "$(find "$CACHE" -type f ! -perm 600 | wc -l)" 0 "files not 0600"

# Names and keys of every good original.
if [ -n "$PY" ]; then
	find "$IN" -type f ! -name broken.jpg | while IFS= read -r f; do
		name=$(entry_name "$f")
		for size in normal large x-large xx-large; do
			t=$CACHE/$size/$name.png
			[ -f "$t" ] || fail "no $size thumbnail named $name.png for $f"
		done
		t=$CACHE/large/$name.png
		assert_eq "$(text_key "$t" Thumb::MTime)" "$(stat -c %Y "$f")" "Thumb::MTime of $f"
		assert_eq "$(text_key "$t" Thumb::Size)" "$(stat -c %s "$f")" "Thumb::Size of $f"
		assert_eq "$(text_key "$t" Software)" "imgbatch $("$IMGBATCH" --version | cut -d' ' -f2)" \
			"Software of $f"
	done
	note "names match GLib's g_filename_to_uri for $GOOD originals"
else
	note "SKIP GLib URI comparison: python3-gi is not installed"
fi

# Keys and pixels of one photo: 1024x768, never enlarged.
photo=$(grep '"input":"[^"]*/photos/photo.jpg"' "$WORK/out.txt" |
	sed 's/.*"output":"\([^"]*\)".*/\1/')
name=$(basename "$photo")
assert_eq "$(text_key "$CACHE/large/$name" Thumb::URI)" "file://$IN/photo.jpg" "Thumb::URI"
assert_eq "$(text_key "$CACHE/large/$name" Thumb::Mimetype)" image/jpeg "Thumb::Mimetype"
assert_eq "$(text_key "$CACHE/large/$name" Thumb::Image::Width)" 1024 "Thumb::Image::Width"
assert_eq "$(text_key "$CACHE/large/$name" Thumb::Image::Height)" 768 "Thumb::Image::Height"
assert_eq "$(image_size "$CACHE/normal/$name")" "128 96" "normal size"
assert_eq "$(image_size "$CACHE/large/$name")" "256 192" "large size"
assert_eq "$(image_size "$CACHE/x-large/$name")" "512 384" "x-large size"
assert_eq "$(image_size "$CACHE/xx-large/$name")" "1024 768" "xx-large: not enlarged"
assert_contains "$WORK/out.txt" '"outputs":4'

# The large thumbnail against ImageMagick's resize of the same photo.
if command -v convert >/dev/null 2>&1; then
	convert "$IN/photo.jpg" -resize 256x256 "$WORK/ref.png"
	result=$("$DECODE" diff "$CACHE/large/$name" "$WORK/ref.png")
	psnr=${result#* }
	awk -v p="$psnr" 'BEGIN { exit !(p >= 30) }' ||
		fail "large thumbnail differs from convert -resize 256x256: PSNR $psnr dB"
	note "large thumbnail vs convert -resize: PSNR $psnr dB"
fi

# EXIF orientation: orientation-6 stores the picture turned; its thumbnail
# is upright, the same as orientation-1's.
o1=$(grep 'orientation-1.jpg"' "$WORK/out.txt" | sed 's/.*"output":"\([^"]*\)".*/\1/')
o6=$(grep 'orientation-6.jpg"' "$WORK/out.txt" | sed 's/.*"output":"\([^"]*\)".*/\1/')
assert_eq "$(image_size "$o6")" "$(image_size "$o1")" "upright size"
result=$("$DECODE" diff "$o1" "$o6")
[ "${result%% *}" -le 40 ] || fail "orientation-6 thumbnail is not upright: $result"

# Fail entry for the broken original, with its URI and MTime.
fails=$(find "$CACHE/fail" -type f)
assert_eq "$(echo "$fails" | wc -l)" 1 "fail entries"
assert_eq "$(text_key "$fails" Thumb::URI)" "file://$IN/broken.jpg" "fail entry URI"
assert_eq "$(text_key "$fails" Thumb::MTime)" "$(stat -c %Y "$IN/broken.jpg")" "fail entry MTime"

# Second run: everything is current; nothing is decoded or rewritten.
before=$(find "$CACHE" -type f -printf '%i %T@ %p\n' | sort)
run_imgbatch 0 thumbnail --size all --json "$IN"
assert_eq "$(json_summary skipped)" $((GOOD + 1)) "skipped on the second run"
assert_eq "$(grep -c '"type":"file".*"reason":"thumbnails up to date"' "$WORK/out.txt")" "$GOOD" "up to date"
assert_contains "$WORK/out.txt" '"reason":"failed before and unchanged since (fail entry)"'
! grep -q '"width"' "$WORK/out.txt" || fail "a current original was decoded (its size was read)"
after=$(find "$CACHE" -type f -printf '%i %T@ %p\n' | sort)
assert_eq "$after" "$before" "cache after a run with nothing to do"

# GNOME's thumbnail factory must find the thumbnails we wrote.
if [ -n "$PY" ] && "$PY" -c "import gi; gi.require_version('GnomeDesktop', '3.0')
from gi.repository import GnomeDesktop" 2>/dev/null; then
	find "$IN" -type f ! -name broken.jpg -print0 | "$PY" -c '
import os, sys
import gi
gi.require_version("GnomeDesktop", "3.0")
from gi.repository import GnomeDesktop, GLib
paths = [os.fsdecode(p) for p in sys.stdin.buffer.read().split(b"\0") if p]
bad = 0
for flag in (GnomeDesktop.DesktopThumbnailSize.NORMAL, GnomeDesktop.DesktopThumbnailSize.LARGE,
             GnomeDesktop.DesktopThumbnailSize.XLARGE, GnomeDesktop.DesktopThumbnailSize.XXLARGE):
    factory = GnomeDesktop.DesktopThumbnailFactory.new(flag)
    for p in paths:
        uri = GLib.filename_to_uri(p, None)
        if not factory.lookup(uri, int(os.stat(p).st_mtime)):
            print("not found by GNOME:", flag, p)
            bad += 1
sys.exit(1 if bad else 0)
' || fail "GNOME's thumbnail factory does not accept every thumbnail"
	note "GNOME's thumbnail factory finds all $GOOD thumbnailed originals in every size"
else
	note "SKIP GNOME thumbnail factory: python3-gi or gir1.2-gnomedesktop-3.0 missing"
fi

# A changed original is thumbnailed again; a repaired broken one too.
touch -d '2001-02-03 04:05:06' "$IN/photo.jpg"
cp "$WORK/gen/photo.jpg" "$IN/broken.jpg"
run_imgbatch 0 thumbnail --size large --json "$IN"
assert_eq "$(json_summary done)" 2 "stale and repaired originals redone"
assert_eq "$(text_key "$CACHE/large/$name" Thumb::MTime)" "$(date -d '2001-02-03 04:05:06' +%s)" \
	"MTime after the original changed"

# --clean: entries of a deleted original (4) and of one changed since (4)
# go, and so do photo.jpg's three sizes not redone after its change and
# broken.jpg's old fail entry: 12.  The others and a foreign file stay.
rm "$IN/text-edges.png"
touch -d '2002-01-01' "$IN/rgba-soft.png"
printf 'not a thumbnail' >"$CACHE/large/foreign.png"
total=$(find "$CACHE" -type f | wc -l)
run_imgbatch 0 thumbnail --clean --json
assert_contains "$WORK/err.txt" "--clean: 12 entries removed"
# --json: a line per entry removed, saying which original and why, then counts
assert_eq "$(grep -c '^{"type":"clean","status":"removed","entry":"' "$WORK/out.txt")" 12 \
	"JSON lines of --clean"
assert_eq "$(grep -c "\"original\":\"$IN/text-edges.png\",\"reason\":\"original gone\"" "$WORK/out.txt")" 4 \
	"entries of a deleted original"
assert_eq "$(grep -c "\"original\":\"$IN/rgba-soft.png\",\"reason\":\"original changed\"" "$WORK/out.txt")" 4 \
	"entries of a changed original"
assert_contains "$WORK/out.txt" '{"type":"clean_summary","removed":12,'
assert_eq "$(find "$CACHE" -type f | wc -l)" $((total - 12)) "entries after --clean"
[ -f "$CACHE/large/foreign.png" ] || fail "--clean removed a file that is not an entry"

# Files inside the cache are never thumbnailed, even when named.
run_imgbatch 0 thumbnail --json "$CACHE/large" "$(find "$CACHE/normal" -type f | head -n 1)"
assert_eq "$(json_summary done)" 0 "cache files thumbnailed"
assert_contains "$WORK/out.txt" '"reason":"inside the thumbnail cache"'

# Usage errors.
run_imgbatch 2 thumbnail --size huge "$IN"
assert_contains "$WORK/err.txt" 'unknown size'
run_imgbatch 2 thumbnail
assert_contains "$WORK/err.txt" 'no inputs'
no_temp_files "$CACHE"
note ok
