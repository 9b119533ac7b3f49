#!/bin/sh
# Metadata kept or stripped on purpose: exiftool tags a photo (Copyright,
# Artist, DateTimeOriginal, GPS, Orientation 6, an IFD1 thumbnail, XMP,
# IPTC, a comment), then reads what each output carries: by default all of
# it, upright (Orientation 1) with the output's size and no thumbnail;
# nothing with --strip; no GPS with --strip=gps; --keep and --strip in
# order, the later winning; PNG, WebP, AVIF, TIFF and JPEG XL too.
# thumbnail writes only the spec's keys.
. "$(dirname "$0")/lib.sh"

if ! command -v exiftool >/dev/null 2>&1; then
	note "SKIP: exiftool (libimage-exiftool-perl) is not installed"
	exit 77
fi
make_fixtures "$WORK/s"
cd "$WORK"
convert s/photo.jpg -resize 64x64 thumb.jpg
convert s/photo.jpg -resize 400x300! in.jpg
exiftool -q -overwrite_original -Copyright='(c) Someone' -Artist='An Artist' \
	-DateTimeOriginal='2020:01:02 03:04:05' -GPSLatitude=48.85 -GPSLatitudeRef=N \
	-GPSLongitude=2.35 -GPSLongitudeRef=E -Orientation#=6 -ExifImageWidth=400 \
	-ExifImageHeight=300 '-ThumbnailImage<=thumb.jpg' -XMP-tiff:Orientation#=6 \
	-XMP-dc:Creator='XMP Creator' -IPTC:By-line='IPTC Byline' -Comment='A comment' in.jpg
[ -n "$(exiftool -s3 -ThumbnailImage in.jpg | head -c 10)" ] || fail "the fixture has no thumbnail"

# tags FILE: what exiftool finds, one "Group:Tag=value" a line.
tags() {
	exiftool -q -q -s -G1 -n -f -Copyright -Artist -DateTimeOriginal -GPSLatitude \
		-IFD0:Orientation -XMP-tiff:Orientation -ExifImageWidth -ExifImageHeight \
		-ThumbnailImage -XMP-dc:Creator -IPTC:By-line -Comment "$1" |
		sed 's/^\[\([^]]*\)\] *\([^ ]*\) *: /\1:\2=/' >"$1.tags"
}

# has FILE PATTERN: whether a line of FILE's tags matches PATTERN.
has() {
	grep -q "$2" "$1.tags"
}

# all_kept FILE W H: every tag is there, upright, the size W x H.
all_kept() {
	tags "$1"
	for t in 'Copyright=(c) Someone' 'Artist=An Artist' 'DateTimeOriginal=2020:01:02 03:04:05' \
		'GPSLatitude=48.85' 'IFD0:Orientation=1$' 'XMP-tiff:Orientation=1$' \
		"ExifImageWidth=$2\$" "ExifImageHeight=$3\$" 'Creator=XMP Creator' \
		'By-line=IPTC Byline' 'Comment=A comment' 'ThumbnailImage=-$'; do
		has "$1" "$t" || { cat "$1.tags" >&2; fail "$1: no '$t'"; }
	done
}

# Default: everything kept; the 400x300 photo, upright and resized, is
# 200x267.
run_imgbatch 0 -o o1 -r 200 in.jpg
assert_eq "$(image_size o1/in.jpg)" "200 267" "the output's size"
all_kept o1/in.jpg 200 267
warnings=$(exiftool -q -q -s3 -validate -warning -a o1/in.jpg)
[ "$warnings" = OK ] || fail "exiftool finds fault with the output: $warnings"

# --strip: nothing; --strip=gps: no GPS, the rest kept.
run_imgbatch 0 -o o2 --strip in.jpg
tags o2/in.jpg
for t in Copyright Artist DateTimeOriginal GPSLatitude Orientation ExifImageWidth Creator By-line Comment; do
	has o2/in.jpg "$t=-\$" || fail "--strip kept $t"
done
run_imgbatch 0 -o o3 --strip=gps in.jpg
tags o3/in.jpg
has o3/in.jpg 'GPSLatitude=-$' || fail "--strip=gps kept GPS"
has o3/in.jpg 'Copyright=(c) Someone' || fail "--strip=gps lost the Copyright"
has o3/in.jpg 'ExifImageHeight=400$' || fail "--strip=gps: the size is not the output's"
[ "$(exiftool -q -q -s3 -GPS:all o3/in.jpg)" = "" ] || fail "--strip=gps left a GPS tag"
# and no byte of the coordinates (48/1 51/1, big-endian RATIONALs) is left
latitude() {
	python3 -c 'import sys; sys.exit(bytes.fromhex("0000003000000001000000330000000100") [:16] not in open(sys.argv[1], "rb").read())' "$1"
}
latitude in.jpg || fail "the fixture's latitude is not 48/1 51/1"
! latitude o3/in.jpg || fail "--strip=gps left the latitude's bytes behind"

# The later option wins: --strip --keep exif keeps EXIF (and GPS) only;
# --keep all --strip=xmp,comment keeps all but those.
run_imgbatch 0 -o o4 --strip --keep exif in.jpg
tags o4/in.jpg
has o4/in.jpg 'Copyright=(c) Someone' || fail "--strip --keep exif lost EXIF"
has o4/in.jpg 'GPSLatitude=48.85' || fail "--strip --keep exif lost GPS"
has o4/in.jpg 'Creator=-$' || fail "--strip --keep exif kept XMP"
has o4/in.jpg 'By-line=-$' || fail "--strip --keep exif kept IPTC"
run_imgbatch 0 -o o5 --keep all --strip=xmp,comment in.jpg
tags o5/in.jpg
has o5/in.jpg 'Creator=-$' || fail "--strip=xmp kept XMP"
has o5/in.jpg 'Comment=-$' || fail "--strip=comment kept the comment"
has o5/in.jpg 'By-line=IPTC Byline' || fail "--keep all lost IPTC"
run_imgbatch 0 -o o6 --strip=exif --keep gps in.jpg
tags o6/in.jpg
has o6/in.jpg 'GPSLatitude=-$' || fail "GPS was carried without EXIF"

# expect FILE PATTERN...: each a line of FILE's tags.
expect() {
	f=$1
	shift
	tags "$f"
	for t in "$@"; do
		has "$f" "$t" || { cat "$f.tags" >&2; fail "$f: no '$t'"; }
	done
}

# --embedded: made from the EXIF thumbnail, the output carries the image's
# metadata, not the thumbnail's (it has none).
run_imgbatch 0 -o emb --embedded --json -r 40 in.jpg
grep -q '"embedded":true' "$WORK/out.txt" || fail "--embedded did not use the thumbnail"
expect emb/in.jpg 'Copyright=(c) Someone' 'Creator=XMP Creator' 'IFD0:Orientation=1$' \
	"ExifImageWidth=40\$"

# PNG and WebP carry EXIF (eXIf, EXIF chunk) and XMP (iTXt, XMP chunk), out
# from the JPEG and in from a file exiftool tagged; IPTC and the comment
# they do not.
for fmt in png webp; do
	run_imgbatch 0 -o "f-$fmt" --format $fmt -r 200 in.jpg
	expect "f-$fmt/in.$fmt" 'Copyright=(c) Someone' 'GPSLatitude=48.85' 'IFD0:Orientation=1$' \
		'ExifImageWidth=200$' 'ExifImageHeight=267$' 'ThumbnailImage=-$' 'Creator=XMP Creator' \
		'XMP-tiff:Orientation=1$'
	run_imgbatch 0 -o "bare-$fmt" --format $fmt --strip in.jpg
	b=bare-$fmt/in.$fmt
	exiftool -q -overwrite_original -Copyright="$fmt copyright" -Orientation#=6 \
		-XMP-dc:Creator="$fmt creator" -XMP-tiff:Orientation#=6 "$b"
	run_imgbatch 0 -o "r-$fmt" -r 100 "$b"
	# stored 300x400 with Orientation 6: upright 400x300, then 100x75
	assert_eq "$(image_size "r-$fmt/in.$fmt")" "100 75" "$fmt: orientation read"
	expect "r-$fmt/in.$fmt" "Copyright=$fmt copyright" "Creator=$fmt creator" \
		'IFD0:Orientation=1$' 'XMP-tiff:Orientation=1$'
	run_imgbatch 0 -o "s-$fmt" --strip=xmp "$b"
	expect "s-$fmt/in.$fmt" "Copyright=$fmt copyright" 'Creator=-$'
done

# A PNG written row by row (interlaced, or large) has its eXIf once, before
# the image data.
run_imgbatch 0 -o prog --format png --progressive -r 100 in.jpg
assert_eq "$(exiftool -q -q -s3 -validate -warning -a prog/in.png)" OK "exiftool on an Adam7 PNG"

# AVIF and JPEG XL carry EXIF and XMP (items; boxes), TIFF XMP only; AVIF
# and TIFF inputs give them back (JPEG XL inputs give none yet).
# libjxl cannot be loaded under valgrind (see formats.sh)
outputs="avif jxl"
[ -z "${IMGBATCH_VALGRIND:-}" ] || outputs=avif
for fmt in $outputs; do
	run_imgbatch 0 -o "f-$fmt" --format $fmt -r 200 in.jpg
	expect "f-$fmt/in.$fmt" 'Copyright=(c) Someone' 'GPSLatitude=48.85' 'IFD0:Orientation=1$' \
		'ExifImageWidth=200$' 'ThumbnailImage=-$' 'Creator=XMP Creator' 'XMP-tiff:Orientation=1$'
done
run_imgbatch 0 -o back-avif --format jpeg f-avif/in.avif
expect back-avif/in.jpg 'Copyright=(c) Someone' 'Creator=XMP Creator' 'ExifImageWidth=200$'
run_imgbatch 0 -o f-tiff --format tiff -r 200 in.jpg
expect f-tiff/in.tif 'Creator=XMP Creator' 'XMP-tiff:Orientation=1$'
run_imgbatch 0 -o back-tiff --format jpeg f-tiff/in.tif
expect back-tiff/in.jpg 'Creator=XMP Creator'

# --keep icc carries even a profile that says sRGB (dropped by default);
# --strip --keep icc carries it alone.
ICC=/usr/share/color/icc/sRGB.icc
if [ -f "$ICC" ]; then
	convert in.jpg -profile "$ICC" srgb.jpg
	run_imgbatch 0 -o o9 srgb.jpg
	[ -z "$(exiftool -q -q -s3 -ICC_Profile:ProfileDescription o9/srgb.jpg)" ] ||
		fail "an sRGB profile was carried by default"
	run_imgbatch 0 -o o10 --strip --keep icc srgb.jpg
	[ -n "$(exiftool -q -q -s3 -ICC_Profile:ProfileDescription o10/srgb.jpg)" ] ||
		fail "--strip --keep icc dropped the profile"
	[ -z "$(exiftool -q -q -s3 -EXIF:all -XMP:all o10/srgb.jpg)" ] ||
		fail "--strip --keep icc kept more than the profile"
	run_imgbatch 0 -o o11 --keep icc --strip srgb.jpg
	[ -z "$(exiftool -q -q -s3 -ICC_Profile:ProfileDescription o11/srgb.jpg)" ] ||
		fail "--keep icc --strip kept the profile"
else
	note "no $ICC (icc-profiles-free): --keep icc not tested"
fi

# Bad lists are refused.
run_imgbatch 2 -o o7 --strip=exif,nope in.jpg
grep -q "invalid --strip 'exif,nope'" "$WORK/err.txt" || fail "no message for a bad --strip"
run_imgbatch 2 -o o7 --keep '' in.jpg
# --strip gps: gps is an input, none such: the hint says --strip=gps
run_imgbatch 2 -o o7 --strip gps in.jpg
grep -q -- "--strip=gps" "$WORK/err.txt" || fail "no hint for --strip gps"

# A broken EXIF block is dropped, the file still converted.
cp in.jpg broken.jpg
exiftool -q -overwrite_original -all= broken.jpg
printf 'Exif\000\000MM\000\052\177\377\377\377' >exif.bin
python3 - broken.jpg exif.bin <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
e = open(sys.argv[2], 'rb').read()
seg = b'\xff\xe1' + (len(e) + 2).to_bytes(2, 'big') + e
open(sys.argv[1], 'wb').write(d[:2] + seg + d[2:])
PY
run_imgbatch 0 -o o8 broken.jpg
[ -z "$(exiftool -q -q -s3 -EXIF:all o8/broken.jpg)" ] || fail "a broken EXIF block was carried"

# thumbnail: only the freedesktop.org keys, none of the photo's metadata.
export XDG_CACHE_HOME="$WORK/cache"
run_imgbatch 0 thumbnail in.jpg
t=$(find "$XDG_CACHE_HOME/thumbnails" -name '*.png' | head -n 1)
[ -n "$t" ] || fail "no thumbnail made"
keys=$(exiftool -q -q -s -PNG:all "$t" | sed -n 's/^\(Thumb[A-Za-z:]*\|Software\) .*/\1/p' | sort | tr '\n' ' ')
others=$(exiftool -q -q -s -EXIF:all -XMP:all -IPTC:all -Comment "$t")
[ -z "$others" ] || fail "thumbnail carried metadata: $others"
note "thumbnail keys: $keys"
