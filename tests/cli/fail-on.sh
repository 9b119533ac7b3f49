#!/bin/sh
# --fail-on: damage a JPEG, PNG or GIF decoder can go on past.  The damaged files
# are made here from the samples; djpeg (libjpeg-turbo's own tool, which
# warns and decodes as libvips and browsers do) is the oracle for JPEG.
. "$(dirname "$0")/lib.sh"

for tool in djpeg jpegtran python3 convert; do
	command -v "$tool" >/dev/null 2>&1 || { note "skipped: no $tool (./setup.sh installs it)"; exit 77; }
done

make_fixtures "$WORK/s"
mkdir "$WORK/in"
python3 - "$WORK/s" "$WORK/in" <<'EOF'
import sys
src, dst = sys.argv[1], sys.argv[2]
jpg = open(src + "/photo.jpg", "rb").read()
assert jpg[-2:] == b"\xff\xd9"
# Three bytes before EOI (libjpeg's look-ahead counts one of them).
open(dst + "/extra.jpg", "wb").write(jpg[:-2] + b"\x01\x02\x03" + jpg[-2:])
# Cut in the middle of the scan.
open(dst + "/cut.jpg", "wb").write(jpg[:len(jpg) // 2])
png = open(src + "/rgba-soft.png", "rb").read()
open(dst + "/cut.png", "wb").write(png[:len(png) // 2])
# A tEXt chunk with a bad CRC after IHDR (8 + 25 bytes).
body = b"tEXt" + b"Comment\0damaged"
import struct, zlib
chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body) ^ 1)
open(dst + "/badcrc.png", "wb").write(png[:33] + chunk + png[33:])
EOF

# djpeg's picture of a JPEG, as a PNG for decode-image.
reference() {
	djpeg "$1" >"$WORK/ref.ppm" 2>/dev/null || true
	convert "$WORK/ref.ppm" "$2"
}

# same_pixels A B WHAT
same_pixels() {
	assert_eq "$("$DECODE" diff "$1" "$2" | cut -d' ' -f1)" 0 "$3"
}

# JSON field of the file line (strings only).
json_field() {
	grep '"type":"file"' "$WORK/out.txt" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}

# --- JPEG: bytes before a marker: a warning by default --------------------
run_imgbatch 0 -o "$WORK/o1" --format png "$WORK/in/extra.jpg"
assert_contains "$WORK/err.txt" "imgbatch: warning: $WORK/in/extra.jpg: JPEG: corrupt data: 1 extraneous bytes before marker 0xd9"
assert_contains "$WORK/err.txt" "1 done (1 with a warning), 0 skipped, 0 failed"
reference "$WORK/in/extra.jpg" "$WORK/extra-ref.png"
same_pixels "$WORK/o1/extra.png" "$WORK/extra-ref.png" "extra bytes: pixels as djpeg's"
run_imgbatch 0 -o "$WORK/o2" --format png --fail-on error --json "$WORK/in/extra.jpg"
assert_eq "$(json_field status)" done "--fail-on error: extra bytes are only a warning"
assert_eq "$(json_field warning)" "JPEG: corrupt data: 1 extraneous bytes before marker 0xd9" "the JSON warning"
assert_eq "$(json_summary warnings)" 1 "the summary counts the warning"
run_imgbatch 1 -o "$WORK/o3" --format png --fail-on warning --json "$WORK/in/extra.jpg"
assert_eq "$(json_field status)" failed "--fail-on warning fails on extra bytes"
assert_eq "$(json_field reason)" "JPEG: corrupt data: 1 extraneous bytes before marker 0xd9" "its reason"
[ ! -e "$WORK/o3/extra.png" ] || fail "--fail-on warning wrote an output"

# --- JPEG cut in the scan: fails by default, kept grey with none ----------
run_imgbatch 1 -o "$WORK/o4" --format png "$WORK/in/cut.jpg"
assert_contains "$WORK/err.txt" "imgbatch: $WORK/in/cut.jpg: JPEG: truncated data (premature end of file)"
run_imgbatch 1 -o "$WORK/o4" --format png --fail-on error "$WORK/in/cut.jpg"
run_imgbatch 0 -o "$WORK/o5" --format png --fail-on none --json "$WORK/in/cut.jpg"
assert_eq "$(json_field warning)" "JPEG: truncated data (premature end of file)" "--fail-on none: a warning"
reference "$WORK/in/cut.jpg" "$WORK/cut-ref.png"
same_pixels "$WORK/o5/cut.png" "$WORK/cut-ref.png" "cut JPEG under none: pixels as djpeg's"

# --- progressive JPEG: missing scans, and cut after some ------------------
jpegtran -progressive "$WORK/s/photo.jpg" >"$WORK/prog.jpg"
python3 - "$WORK/prog.jpg" "$WORK/in" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
sos = [i for i in range(len(d) - 1) if d[i] == 0xFF and d[i + 1] == 0xDA]
assert len(sos) > 4, len(sos)
# Three scans, then EOI: the last scans are missing, the file ends well.
open(sys.argv[2] + "/scans.jpg", "wb").write(d[:sos[3]] + b"\xff\xd9")
# Three scans and no EOI: cut.
open(sys.argv[2] + "/prog-cut.jpg", "wb").write(d[:sos[3]])
EOF
run_imgbatch 0 -o "$WORK/o6" --format png --json "$WORK/in/scans.jpg"
assert_eq "$(json_field warning)" "" "missing scans before EOI: no warning"
reference "$WORK/in/scans.jpg" "$WORK/scans-ref.png"
same_pixels "$WORK/o6/scans.png" "$WORK/scans-ref.png" "missing scans: pixels as djpeg's"
run_imgbatch 1 -o "$WORK/o7" --format png "$WORK/in/prog-cut.jpg"
run_imgbatch 0 -o "$WORK/o7" --format png --fail-on none "$WORK/in/prog-cut.jpg"
reference "$WORK/in/prog-cut.jpg" "$WORK/prog-cut-ref.png"
same_pixels "$WORK/o7/prog-cut.png" "$WORK/prog-cut-ref.png" "cut progressive JPEG under none: as djpeg"

# --- PNG cut short: fails by default, the rows so far with none -----------
run_imgbatch 1 -o "$WORK/o8" "$WORK/in/cut.png"
assert_contains "$WORK/err.txt" "imgbatch: $WORK/in/cut.png: PNG: file is truncated"
run_imgbatch 0 -o "$WORK/o8" --fail-on none --json "$WORK/in/cut.png"
assert_eq "$(json_field warning)" "PNG: file is truncated" "cut PNG under none: a warning"
convert "$WORK/o8/cut.png" -crop 400x20+0+0 +repage "$WORK/cut-top.png"
convert "$WORK/s/rgba-soft.png" -crop 400x20+0+0 +repage "$WORK/orig-top.png"
same_pixels "$WORK/cut-top.png" "$WORK/orig-top.png" "cut PNG: the first rows as decoded"
assert_eq "$("$DECODE" pixel "$WORK/o8/cut.png" 399 299)" "0 0 0 0" "cut PNG: the rest transparent black"

# --- GIF cut in its frame: fails by default, the rows so far with none -----
convert "$WORK/s/rgba-soft.png" "$WORK/whole.gif"
head -c "$(($(wc -c <"$WORK/whole.gif") / 2))" "$WORK/whole.gif" >"$WORK/in/cut.gif"
run_imgbatch 1 -o "$WORK/g1" --format png "$WORK/in/cut.gif"
assert_contains "$WORK/err.txt" "imgbatch: $WORK/in/cut.gif: GIF: truncated file"
run_imgbatch 0 -o "$WORK/g2" --format png --fail-on none --json "$WORK/in/cut.gif"
assert_eq "$(json_field warning)" "GIF: truncated file" "cut GIF under none: a warning"
run_imgbatch 0 -o "$WORK/g3" --format png "$WORK/whole.gif"
convert "$WORK/g2/cut.png" -crop 400x20+0+0 +repage "$WORK/gif-cut-top.png"
convert "$WORK/g3/whole.png" -crop 400x20+0+0 +repage "$WORK/gif-whole-top.png"
same_pixels "$WORK/gif-cut-top.png" "$WORK/gif-whole-top.png" "cut GIF: the first rows as decoded"
assert_eq "$("$DECODE" pixel "$WORK/g2/cut.png" 399 299)" "0 0 0 0" "cut GIF: the rest transparent"

# --- PNG: an ancillary chunk's bad CRC is a warning ------------------------
run_imgbatch 0 -o "$WORK/o9" --json "$WORK/in/badcrc.png"
assert_eq "$(json_field warning)" "PNG: tEXt: CRC error" "bad ancillary CRC: a warning"
same_pixels "$WORK/o9/badcrc.png" "$WORK/s/rgba-soft.png" "bad ancillary CRC: pixels whole"
run_imgbatch 1 -o "$WORK/o10" --fail-on warning --json "$WORK/in/badcrc.png"
assert_eq "$(json_field reason)" "PNG: tEXt: CRC error" "--fail-on warning fails on it"

# --- a progressive JPEG at 1/8: nothing after its DC scans is read ---------
# jpegtran's script: DC without its last bit, the luma AC scans, that bit,
# then the rest, replaced here by an FF 7A marker and junk.
jpegtran -progressive "$WORK/s/photo.jpg" >"$WORK/in/prog.jpg"
python3 - "$WORK/in/prog.jpg" "$WORK/in/prog-tail.jpg" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
pos, dc_scans = 2, 0
while dc_scans < 2:
    assert d[pos] == 0xFF
    end = pos + 2 + (d[pos + 2] << 8 | d[pos + 3])
    if d[pos + 1] == 0xDA:
        dc_scans += d[pos + 5 + 2 * d[pos + 4]] == 0       # Ss
        while d[end] != 0xFF or d[end + 1] == 0 or 0xD0 <= d[end + 1] <= 0xD7:
            end += 1
    pos = end
assert pos < len(d) // 2
d[pos + 1:] = b"\x7a" + b"\x5a" * (len(d) - pos - 2)
open(sys.argv[2], "wb").write(d)
EOF
run_imgbatch 0 -o "$WORK/p1" --format png -r 64x64 --fail-on warning --json "$WORK/in/prog-tail.jpg"
assert_eq "$(json_field status)" done "damage after the DC scans: not read at 1/8"
run_imgbatch 0 -o "$WORK/p2" --format png -r 64x64 "$WORK/in/prog.jpg"
same_pixels "$WORK/p1/prog-tail.png" "$WORK/p2/prog.png" "1/8: pixels as the whole file's"
run_imgbatch 1 -o "$WORK/p3" --format png -r 64x64,200x200 --name '{stem}-{w}.{ext}' --json \
	"$WORK/in/prog-tail.jpg"
assert_eq "$(json_field reason)" "JPEG: Unsupported marker type 0x7a" "an output over 1/8 reads it all"

# --- the option itself -----------------------------------------------------
run_imgbatch 2 -o "$WORK/o11" --fail-on sometimes "$WORK/in/extra.jpg"
assert_contains "$WORK/err.txt" "invalid --fail-on 'sometimes': use none, truncated, error or warning"
export XDG_CACHE_HOME="$WORK/cache"
run_imgbatch 0 thumbnail --fail-on none --json "$WORK/in/cut.png"
assert_eq "$(json_field warning)" "PNG: file is truncated" "thumbnail takes --fail-on"
