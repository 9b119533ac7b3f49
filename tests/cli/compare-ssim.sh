#!/bin/sh
# imgbatch compare --metric ssim against scikit-image: on generated pairs
# (noise, a blurred and brightened photo-like field, shifted text-like
# edges, translucent pixels, gray PNGs, the smallest size, odd sizes) the
# mean SSIM must be within 1e-4 of structural_similarity(gaussian_weights=
# True, sigma=1.5, use_sample_covariance=False, data_range=255) on the gray
# images src/compare/ssim.h defines.  Then --min-ssim, the SSIM map, the
# reports, ignored regions and the errors.  Without python3-skimage
# (setup.sh installs it) the test is skipped (77).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! "$PY" -c 'import skimage, numpy, PIL' 2>/dev/null; then
	note "SKIP: python3-skimage (with numpy and PIL) is not installed; setup.sh installs it"
	exit 77
fi

P=$WORK/pairs
mkdir -p "$P"
"$PY" - "$P" >"$WORK/skimage.txt" <<'PYEOF' || fail "generating pairs or scikit-image failed"
import os, sys
import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter
from skimage.metrics import structural_similarity

out = sys.argv[1]
rng = np.random.default_rng(17)

def gray(rgba):
    """Rec. 601 luma of 8-bit values, translucent pixels on white (ssim.h)."""
    c = rgba[..., :3].astype(np.float64)
    a = rgba[..., 3:4].astype(np.int64)
    c = np.where(a == 255, c, (rgba[..., :3].astype(np.int64) * a) / 255.0 + (255 - a))
    return 0.299 * c[..., 0] + 0.587 * c[..., 1] + 0.114 * c[..., 2]

def rgba(img):
    img = np.asarray(img)
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    if img.shape[2] == 3:
        img = np.concatenate([img, np.full(img.shape[:2] + (1,), 255, np.uint8)], axis=-1)
    return img

def field(h, w):
    y, x = np.mgrid[0:h, 0:w]
    f = np.stack([128 + 110 * np.sin(x / 9.0), 128 + 110 * np.sin(y / 13.0 + x / 29.0),
                  128 + 110 * np.cos((x + y) / 17.0)], axis=-1)
    return np.clip(f, 0, 255).astype(np.uint8)

def edges(h, w, shift):
    img = np.full((h, w, 3), 250, np.uint8)
    for k in range(4, w - 8, 12):
        img[5:h - 5, k + shift:k + shift + 3] = (20, 30, 40)
        img[(k * 7) % (h - 4) + 2, 2:w - 2] = (200, 20, 20)
    return img

pairs = {}
a = rng.integers(0, 256, (90, 120, 3), dtype=np.uint8)
pairs['noise'] = (a, np.clip(a.astype(int) + rng.integers(-40, 41, a.shape), 0, 255).astype(np.uint8))
a = field(150, 200)
b = np.clip(gaussian_filter(a.astype(float), (1.2, 1.2, 0)) + 6, 0, 255).astype(np.uint8)
pairs['photo'] = (a, b)
pairs['edges'] = (edges(64, 97, 0), edges(64, 97, 1))
a = rgba(field(40, 41))
b = a.copy()
b[..., 3] = rng.integers(0, 256, b.shape[:2], dtype=np.uint8)
a[10:30, 5:20, 3] = 100
pairs['translucent'] = (a, b)
a = rng.integers(0, 256, (11, 11), dtype=np.uint8)
pairs['smallest-gray'] = (a, np.clip(a.astype(int) + 30, 0, 255).astype(np.uint8))
a = field(33, 257)
pairs['same'] = (a, a.copy())
a = rng.integers(0, 256, (77, 13, 3), dtype=np.uint8)
pairs['inverted'] = (a, 255 - a)

for name, (a, b) in pairs.items():
    Image.fromarray(a).save(os.path.join(out, f'{name}-a.png'))
    Image.fromarray(b).save(os.path.join(out, f'{name}-b.png'))
    s = structural_similarity(gray(rgba(a)), gray(rgba(b)), gaussian_weights=True, sigma=1.5,
                              use_sample_covariance=False, data_range=255)
    print(name, repr(float(s)))
PYEOF

n=0
while read -r pair want; do
	run_imgbatch_any() {
		set +e
		"$IMGBATCH" compare "$P/$pair-a.png" "$P/$pair-b.png" --metric ssim --min-ssim -1 --json \
			>"$WORK/out.txt" 2>"$WORK/err.txt"
		code=$?
		set -e
		[ "$code" = 0 ] || { cat "$WORK/err.txt" >&2; fail "$pair: exit $code"; }
	}
	run_imgbatch_any
	got=$(sed -n 's/.*"ssim":\([-0-9.e]*\).*/\1/p' "$WORK/out.txt")
	[ -n "$got" ] || { cat "$WORK/out.txt" >&2; fail "$pair: no ssim in the JSON line"; }
	off=$(awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.3g", d }')
	note "$pair: scikit-image $want, imgbatch $got (off by $off)"
	awk -v d="$off" 'BEGIN { exit !(d <= 1e-4) }' || fail "$pair: SSIM off by $off"
	n=$((n + 1))
done <"$WORK/skimage.txt"
assert_eq "$n" 7 "pairs compared with scikit-image"

# --min-ssim decides; the default (1) lets only identical pairs pass.
A=$P/photo-a.png B=$P/photo-b.png
got=$(grep '^photo ' "$WORK/skimage.txt" | cut -d' ' -f2)
below=$(awk -v s="$got" 'BEGIN { printf "%.4f", s - 0.001 }')
above=$(awk -v s="$got" 'BEGIN { printf "%.4f", s + 0.001 }')
run_imgbatch 0 compare "$A" "$B" --metric ssim --min-ssim "$below"
run_imgbatch 1 compare "$A" "$B" --metric ssim --min-ssim "$above" --json
assert_contains "$WORK/out.txt" '"status":"fail"'
assert_contains "$WORK/err.txt" "is below $above"
run_imgbatch 0 compare "$P/same-a.png" "$P/same-b.png" --metric ssim
run_imgbatch 1 compare "$P/noise-a.png" "$P/noise-b.png" --metric ssim

# The SSIM map: white where the images agree, red where they do not; the
# reports give the mean.
run_imgbatch 1 compare "$P/inverted-a.png" "$P/inverted-b.png" --metric ssim --diff-dir "$WORK/d" \
	--junit "$WORK/j.xml" --html "$WORK/h"
assert_eq "$(image_size "$WORK/d/inverted-b.png")" "13 77" "SSIM map size"
px=$("$DECODE" pixel "$WORK/d/inverted-b.png" 6 40)
case $px in "255 "*" 255") ;; *) fail "SSIM map pixel $px: red expected" ;; esac
[ "$(echo "$px" | cut -d' ' -f2)" -lt 60 ] || fail "SSIM map pixel $px: not red enough"
assert_contains "$WORK/j.xml" "SSIM: -0.96"
html_pairs "$WORK/h/index.html" >"$WORK/h.json"
assert_contains "$WORK/h.json" '["SSIM","-0.96'
run_imgbatch 0 compare "$P/same-a.png" "$P/same-b.png" --metric ssim --diff-dir "$WORK/d2" --diff-all
assert_eq "$("$DECODE" pixel "$WORK/d2/same-b.png" 100 20)" "255 255 255 255" "SSIM map where equal"

# Ignored regions: the gray of actual is expected's there; a pair differing
# only inside passes, and the map is grey there.
cp "$P/same-a.png" "$WORK/base.png"
convert "$WORK/base.png" -fill black -draw 'rectangle 100,10 119,20' "$WORK/changed.png"
run_imgbatch 1 compare "$WORK/base.png" "$WORK/changed.png" --metric ssim
run_imgbatch 0 compare "$WORK/base.png" "$WORK/changed.png" --metric ssim --ignore 100,10,20,11 \
	--json --diff-dir "$WORK/d3" --diff-all
assert_contains "$WORK/out.txt" '"ssim":1.00000000,'
assert_contains "$WORK/out.txt" '"ignored_pixels":220'
assert_eq "$("$DECODE" pixel "$WORK/d3/changed.png" 110 15)" "128 128 128 255" "ignored in the map"

# Errors: too small for the window, --min-ssim without --metric ssim.
convert -size 10x40 xc:white "$WORK/narrow.png"
run_imgbatch 2 compare "$WORK/narrow.png" "$WORK/narrow.png" --metric ssim --diff-dir "$WORK/d4" --diff-all
assert_contains "$WORK/err.txt" "SSIM needs 11x11 pixels or more, the image is 10x40"
run_imgbatch 2 compare "$A" "$B" --min-ssim 0.9
assert_contains "$WORK/err.txt" "--min-ssim applies to --metric ssim"
run_imgbatch 2 compare "$A" "$B" --metric ssim --min-ssim 2
note ok
