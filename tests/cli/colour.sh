#!/bin/sh
# Colour never shifts: an sRGB profile is not carried (the pixels are sRGB
# already), another profile is carried with the pixels as they are, --strip
# converts to sRGB before dropping it, --profile converts and embeds.
# Profiles from Debian's icc-profiles-free (another maker's sRGB, Adobe RGB
# compatible); ImageMagick tags the fixtures, vips is the colour oracle.
. "$(dirname "$0")/lib.sh"

ICC=/usr/share/color/icc
if [ ! -f "$ICC/sRGB.icc" ] || [ ! -f "$ICC/compatibleWithAdobeRGB1998.icc" ]; then
	note "SKIP: icc-profiles-free is not installed"
	exit 77
fi
make_fixtures "$WORK/s"
cd "$WORK"
# the same pixels untagged, tagged sRGB and (converted) tagged Adobe RGB
convert s/photo.jpg plain.png
convert s/photo.jpg -profile "$ICC/sRGB.icc" srgb.png
convert s/photo.jpg -profile "$ICC/sRGB.icc" -profile "$ICC/compatibleWithAdobeRGB1998.icc" adobe.png
convert adobe.png +profile '*' adobe-bare.png
has_profile() { convert "$1" icc:- >/dev/null 2>&1; }

# An sRGB profile changes nothing: not carried, same bytes as untagged.
run_imgbatch 0 -o o1 -r 300x --format png plain.png srgb.png
has_profile o1/srgb.png && fail "an sRGB profile was carried"
cmp o1/plain.png o1/srgb.png || fail "an sRGB profile changed the output"
# Another profile is carried byte for byte, the pixels as they are.
run_imgbatch 0 -o o2 -r 300x --format png adobe.png adobe-bare.png
convert o2/adobe.png icc:o2.icc || fail "the Adobe RGB profile was dropped"
cmp o2.icc "$ICC/compatibleWithAdobeRGB1998.icc" || fail "the profile carried is not the input's"
assert_eq "$("$DECODE" diff o2/adobe.png o2/adobe-bare.png | cut -d' ' -f1)" 0 "pixels kept as they are"

# --strip: converted to sRGB, then no profile; vips agrees.
run_imgbatch 0 -o o3 --strip --format png adobe.png
has_profile o3/adobe.png && fail "--strip kept a profile"
if command -v vips >/dev/null 2>&1; then
	vips icc_transform adobe.png vips-srgb.png srgb --intent perceptual
	psnr=$("$DECODE" diff o3/adobe.png vips-srgb.png | cut -d' ' -f2)
	awk -v p="$psnr" 'BEGIN { exit !(p >= 38) }' || fail "--strip: $psnr dB against vips' sRGB"
	note "--strip of an Adobe RGB photo: $psnr dB against vips icc_transform to sRGB"
fi
psnr=$("$DECODE" diff o3/adobe.png plain.png | cut -d' ' -f2)
awk -v p="$psnr" 'BEGIN { exit !(p >= 38) }' || fail "--strip: $psnr dB against the sRGB original"

# --profile: converts and embeds a compact profile.
run_imgbatch 0 -o o4 --profile p3 --format png adobe.png plain.png
convert o4/plain.png icc:p3.icc || fail "--profile p3 embedded nothing"
strings -e b p3.icc | grep -q "Display P3" || fail "the embedded profile is not Display P3"
[ "$(wc -c <p3.icc)" -lt 4096 ] || fail "the P3 profile is not compact: $(wc -c <p3.icc) bytes"
psnr=$("$DECODE" diff o4/adobe.png o4/plain.png | cut -d' ' -f2)
awk -v p="$psnr" 'BEGIN { exit !(p >= 38) }' || fail "Adobe RGB and sRGB inputs differ in P3: $psnr dB"
"$DECODE" diff o4/plain.png plain.png | awk '{ exit !($1 > 5) }' || fail "--profile p3 left the pixels as sRGB"
run_imgbatch 0 -o o5 --profile srgb --format png adobe.png
psnr=$("$DECODE" diff o5/adobe.png o3/adobe.png | cut -d' ' -f2)
awk -v p="$psnr" 'BEGIN { exit !(p >= 50) }' || fail "--profile srgb differs from --strip: $psnr dB"
has_profile o5/adobe.png || fail "--profile srgb embedded nothing"
run_imgbatch 0 -o o6 --profile "$ICC/compatibleWithAdobeRGB1998.icc" --format png plain.png
psnr=$("$DECODE" diff o6/plain.png adobe-bare.png | cut -d' ' -f2)
awk -v p="$psnr" 'BEGIN { exit !(p >= 38) }' || fail "--profile FILE: $psnr dB against ImageMagick's"
run_imgbatch 2 -o o7 --profile /nonexistent.icc plain.png
assert_contains err.txt "/nonexistent.icc"
run_imgbatch 2 -o o7 --profile "$ICC/Gray.icc" plain.png
assert_contains err.txt "is not a profile for RGB images"

# A 256-px JPEG of an sRGB-tagged photo is no larger than vipsthumbnail's.
convert s/photo.jpg -profile "$ICC/sRGB.icc" -quality 95 srgb.jpg
run_imgbatch 0 -o o8 -r 256x256 -q 85 srgb.jpg
has_profile o8/srgb.jpg && fail "the JPEG carried an sRGB profile"
if command -v vipsthumbnail >/dev/null 2>&1; then
	vipsthumbnail srgb.jpg -s 256 -o 'vt.jpg[Q=85]'
	ours=$(wc -c <o8/srgb.jpg)
	theirs=$(wc -c <vt.jpg)
	[ "$ours" -le "$theirs" ] || fail "256-px JPEG: $ours bytes, vipsthumbnail $theirs"
	note "256-px JPEG of an sRGB-tagged photo: $ours bytes, vipsthumbnail $theirs"
fi
note "ok"
