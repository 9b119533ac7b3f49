#!/bin/sh
# imgbatch compare against pixelmatch itself: the npm packages (7.2.0 for
# --metric yiq, 8.0.0 for oklab) and imgbatch must count the same differing
# pixels on every pair of generated 8-bit RGBA PNGs (identical, noise,
# shifted text-like strokes, translucent pixels, anti-aliased edges, near
# black, a photo-like field, one-pixel borders) for thresholds 0, 0.05, 0.1
# and 0.3, with and without --include-aa; and with --ignore regions against
# pixelmatch on the pair made equal inside the region.  The versions are pinned: they are
# the releases whose arithmetic src/compare.c reproduces.  Without node and
# npm, or without the registry, the test is skipped (77).
. "$(dirname "$0")/lib.sh"

for tool in node npm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		note "SKIP: $tool is not installed (pixelmatch is the oracle)"
		exit 77
	fi
done

NPM=$WORK/npm
mkdir -p "$NPM" "$WORK/pairs"
if ! npm install --prefix "$NPM" --silent --no-audit --no-fund --no-save --fetch-retries=1 \
	pixelmatch7@npm:pixelmatch@7.2.0 pixelmatch8@npm:pixelmatch@8.0.0 pngjs@7.0.0 \
	>"$WORK/npm.log" 2>&1; then
	sed 's/^/  /' "$WORK/npm.log"
	note "SKIP: npm install of pixelmatch and pngjs failed (offline?)"
	exit 77
fi

# The node scripts live beside node_modules so that their imports resolve.
cat >"$NPM/gen.mjs" <<'GEN'
// Writes deterministic pairs of 8-bit RGBA PNGs: DIR/NAME-a.png, DIR/NAME-b.png.
import fs from 'fs';
import { PNG } from 'pngjs';

const dir = process.argv[2];

function random(seed) {
	let s = seed >>> 0;
	return () => {
		s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
		return s / 4294967296;
	};
}

function image(w, h, fill) {
	const png = new PNG({ width: w, height: h });
	for (let i = 0; i < w * h; i++) png.data.set(fill, i * 4);
	return png;
}

function copy(png) {
	const out = new PNG({ width: png.width, height: png.height });
	png.data.copy(out.data);
	return out;
}

const clamp = (v) => Math.max(0, Math.min(255, Math.round(v)));

function put(png, x, y, rgba) {
	if (x < 0 || y < 0 || x >= png.width || y >= png.height) return;
	png.data.set(rgba.map(clamp), (y * png.width + x) * 4);
}

function get(png, x, y) {
	const i = (y * png.width + x) * 4;
	return Array.from(png.data.subarray(i, i + 4));
}

// Paints colour over the image with per-pixel coverage from cover(x, y) in 0..1.
function paint(png, colour, cover) {
	for (let y = 0; y < png.height; y++) {
		for (let x = 0; x < png.width; x++) {
			const c = cover(x, y);
			if (c <= 0) continue;
			const p = get(png, x, y);
			put(png, x, y, [0, 1, 2].map((k) => p[k] + (colour[k] - p[k]) * c).concat(p[3]));
		}
	}
}

// Coverage of a disc, 4x4 supersampled.
const disc = (cx, cy, r) => (x, y) => {
	let n = 0;
	for (let j = 0; j < 4; j++)
		for (let i = 0; i < 4; i++)
			n += (x + (i + 0.5) / 4 - cx) ** 2 + (y + (j + 0.5) / 4 - cy) ** 2 <= r * r;
	return n / 16;
};

// Coverage of a stroke of half-width hw from (x0, y0) to (x1, y1).
const stroke = (x0, y0, x1, y1, hw) => (x, y) => {
	const px = x + 0.5 - x0, py = y + 0.5 - y0, dx = x1 - x0, dy = y1 - y0;
	const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
	const d = Math.hypot(px - t * dx, py - t * dy);
	return Math.max(0, Math.min(1, hw + 0.5 - d));
};

function save(name, a, b) {
	fs.writeFileSync(`${dir}/${name}-a.png`, PNG.sync.write(a));
	fs.writeFileSync(`${dir}/${name}-b.png`, PNG.sync.write(b));
}

function noiseImage(w, h, rnd, alpha) {
	const png = image(w, h, [0, 0, 0, 255]);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++)
			put(png, x, y, [rnd() * 255, rnd() * 255, rnd() * 255, alpha ? alpha(rnd) : 255]);
	return png;
}

// identical: random noise on both sides
{
	const a = noiseImage(120, 90, random(1));
	save('identical', a, copy(a));
}

// noise: a gradient, then 30% of the pixels moved by small and large amounts
{
	const rnd = random(2);
	const a = image(160, 120, [0, 0, 0, 255]);
	for (let y = 0; y < 120; y++)
		for (let x = 0; x < 160; x++)
			put(a, x, y, [x * 1.5, y * 2, (x + y) % 256, 255]);
	const b = copy(a);
	for (let y = 0; y < 120; y++) {
		for (let x = 0; x < 160; x++) {
			if (rnd() > 0.3) continue;
			const size = rnd() < 0.5 ? 4 : 40;
			const p = get(a, x, y);
			put(b, x, y, [0, 1, 2].map((k) => p[k] + (rnd() - 0.5) * 2 * size).concat(255));
		}
	}
	save('noise', a, b);
}

// strokes: text-like anti-aliased strokes, shifted by a pixel or a fraction
{
	const rnd = random(3);
	const a = image(240, 100, [255, 255, 255, 255]);
	const b = copy(a);
	for (let g = 0; g < 24; g++) {
		const x = 8 + (g % 12) * 19, y = 10 + Math.floor(g / 12) * 45;
		const shift = g % 3 === 0 ? 1 : g % 3 === 1 ? 0.4 : 0;
		for (let s = 0; s < 3; s++) {
			const x0 = x + rnd() * 14, y0 = y + rnd() * 30, x1 = x + rnd() * 14, y1 = y + rnd() * 30;
			const hw = 0.6 + rnd() * 0.8, ink = [20, 20, 40 + rnd() * 60];
			paint(a, ink, stroke(x0, y0, x1, y1, hw));
			paint(b, ink, stroke(x0 + shift, y0, x1 + shift, y1, hw));
		}
	}
	save('strokes', a, b);
}

// aa-edges: anti-aliased discs moved by a fraction of a pixel, one recoloured
{
	const a = image(150, 150, [240, 240, 230, 255]);
	const b = copy(a);
	const discs = [[40, 40, 25, [200, 30, 30]], [105, 45, 18.5, [30, 30, 200]],
		       [75, 110, 30, [20, 120, 20]], [0, 149, 12, [0, 0, 0]]];
	discs.forEach(([cx, cy, r, c], n) => {
		paint(a, c, disc(cx, cy, r));
		paint(b, n === 2 ? [25, 128, 20] : c, disc(cx + 0.3 * (n % 2), cy + 0.25, r));
	});
	save('aa-edges', a, b);
}

// translucent: random colours and alpha; alpha-only, colour-only and both changed,
// fully transparent pixels with different colours, a translucent disc
{
	const rnd = random(5);
	const alpha = (r) => { const v = r(); return v < 0.2 ? 0 : v < 0.3 ? 255 : r() * 255; };
	const a = noiseImage(96, 96, rnd, alpha);
	const b = copy(a);
	for (let y = 0; y < 96; y++) {
		for (let x = 0; x < 96; x++) {
			const p = get(a, x, y), v = rnd();
			if (v < 0.15) p[3] += (rnd() - 0.5) * 60;
			else if (v < 0.3) p[0] += (rnd() - 0.5) * 60;
			else if (v < 0.4) { p[1] += 20; p[3] -= 20; }
			else if (v < 0.5 && p[3] === 0) p[2] = 255 - p[2];
			put(b, x, y, p);
		}
	}
	const veil = disc(48, 48, 20);
	for (let y = 0; y < 96; y++)
		for (let x = 0; x < 96; x++)
			if (veil(x, y) > 0) put(b, x, y, [255, 255, 255, 128 * veil(x, y)]);
	save('translucent', a, b);
}

// dark: near-black noise, changed by 1 to 3 levels (the cube root's exact range)
{
	const rnd = random(6);
	const a = image(80, 80, [0, 0, 0, 255]);
	for (let y = 0; y < 80; y++)
		for (let x = 0; x < 80; x++)
			put(a, x, y, [rnd() * 12, rnd() * 12, rnd() * 12, 255]);
	const b = copy(a);
	for (let y = 0; y < 80; y++) {
		for (let x = 0; x < 80; x++) {
			if (rnd() > 0.5) continue;
			const p = get(a, x, y);
			p[Math.floor(rnd() * 3)] += 1 + Math.floor(rnd() * 3);
			put(b, x, y, p);
		}
	}
	save('dark', a, b);
}

// photo: smooth colour fields, a brightened region and fine noise in the copy
{
	const rnd = random(7);
	const w = 300, h = 220;
	const a = image(w, h, [0, 0, 0, 255]);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++)
			put(a, x, y, [128 + 120 * Math.sin(x / 17), 128 + 120 * Math.sin(y / 23 + x / 41),
				      128 + 120 * Math.cos((x + y) / 31), 255]);
	paint(a, [250, 250, 250], disc(220, 60, 35));
	const b = copy(a);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const p = get(a, x, y);
			const lift = x > 40 && x < 140 && y > 100 && y < 180 ? 6 : 0;
			const grain = () => (rnd() < 0.05 ? (rnd() - 0.5) * 16 : 0);
			put(b, x, y, [0, 1, 2].map((k) => p[k] + lift + grain()).concat(255));
		}
	}
	save('photo', a, b);
}

// borders: one-pixel lines on every edge and corner, changed in the copy
{
	const a = image(64, 64, [255, 255, 255, 255]);
	for (let i = 0; i < 64; i++) {
		put(a, i, 0, [0, 0, 0, 255]);
		put(a, 63, i, [100, 100, 100, 255]);
		put(a, i, 32, [i * 4, 0, 0, 255]);
	}
	const b = copy(a);
	for (let i = 0; i < 64; i += 2) {
		put(b, i, 0, [128, 128, 128, 255]);
		put(b, 0, i, [0, 0, 0, 255]);
		put(b, i, 63, [10, 10, 10, 255]);
		put(b, i, 33, [i * 4, 0, 0, 255]);
	}
	save('borders', a, b);
}
GEN

cat >"$NPM/count.mjs" <<'COUNT'
// Prints "PAIR METRIC THRESHOLD AA COUNT" for every pair in DIR and case.
import fs from 'fs';
import { PNG } from 'pngjs';
import pixelmatch7 from 'pixelmatch7';
import pixelmatch8 from 'pixelmatch8';

const dir = process.argv[2];
const metrics = { yiq: pixelmatch7, oklab: pixelmatch8 };

for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('-a.png')).sort()) {
	const pair = file.slice(0, -6);
	const a = PNG.sync.read(fs.readFileSync(`${dir}/${pair}-a.png`));
	const b = PNG.sync.read(fs.readFileSync(`${dir}/${pair}-b.png`));
	for (const [metric, match] of Object.entries(metrics))
		for (const threshold of [0, 0.05, 0.1, 0.3])
			for (const includeAA of [false, true])
				console.log(pair, metric, threshold, includeAA ? 'aa' : 'noaa',
					    match(a.data, b.data, null, a.width, a.height, { threshold, includeAA }));
}
COUNT

node "$NPM/gen.mjs" "$WORK/pairs" || fail "generating the pairs failed"
node "$NPM/count.mjs" "$WORK/pairs" >"$WORK/npm-counts.txt" || fail "pixelmatch failed"
[ -s "$WORK/npm-counts.txt" ] || fail "pixelmatch counted nothing"

cases=0
bad=0
while read -r pair metric threshold aa expected; do
	set -- "$WORK/pairs/$pair-a.png" "$WORK/pairs/$pair-b.png" \
		--metric "$metric" --threshold "$threshold" --json
	[ "$aa" = noaa ] || set -- "$@" --include-aa
	set +e
	"$IMGBATCH" compare "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"
	code=$?
	set -e
	if [ "$code" -gt 1 ]; then
		cat "$WORK/err.txt" >&2
		fail "imgbatch compare $* exited $code"
	fi
	got=$(grep '"type":"pair"' "$WORK/out.txt" | sed -n 's/.*"diff_pixels":\([0-9]*\).*/\1/p')
	note "$pair $metric $threshold $aa: npm $expected, imgbatch ${got:-none}"
	cases=$((cases + 1))
	if [ "$got" != "$expected" ]; then
		bad=$((bad + 1))
	fi
done <"$WORK/npm-counts.txt"

# Ignored regions: imgbatch with --ignore on the pair must count what
# pixelmatch counts once the region is made equal in both images (the
# expected image's pixels copied into the actual one's there).
cat >"$NPM/count-ignore.mjs" <<'IGNORE'
import fs from 'fs';
import { PNG } from 'pngjs';
import pixelmatch7 from 'pixelmatch7';
import pixelmatch8 from 'pixelmatch8';

const dir = process.argv[2];
const metrics = { yiq: pixelmatch7, oklab: pixelmatch8 };
const regions = ['10,10,40,30', '0,0,64,1', '37,5,1,200', '0,0,1000,1000'];

for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('-a.png')).sort()) {
	const pair = file.slice(0, -6);
	const a = PNG.sync.read(fs.readFileSync(`${dir}/${pair}-a.png`));
	for (const region of regions) {
		const [rx, ry, rw, rh] = region.split(',').map(Number);
		const b = PNG.sync.read(fs.readFileSync(`${dir}/${pair}-b.png`));
		for (let y = ry; y < Math.min(ry + rh, a.height); y++)
			for (let x = rx; x < Math.min(rx + rw, a.width); x++)
				a.data.copy(b.data, (y * a.width + x) * 4, (y * a.width + x) * 4,
					    (y * a.width + x) * 4 + 4);
		for (const [metric, match] of Object.entries(metrics))
			for (const includeAA of [false, true])
				console.log(pair, metric, region, includeAA ? 'aa' : 'noaa',
					    match(a.data, b.data, null, a.width, a.height,
						  { threshold: 0.05, includeAA }));
	}
}
IGNORE
node "$NPM/count-ignore.mjs" "$WORK/pairs" >"$WORK/npm-ignore.txt" || fail "pixelmatch failed"
[ -s "$WORK/npm-ignore.txt" ] || fail "pixelmatch counted nothing (ignored regions)"
while read -r pair metric region aa expected; do
	set -- "$WORK/pairs/$pair-a.png" "$WORK/pairs/$pair-b.png" \
		--metric "$metric" --threshold 0.05 --ignore "$region" --json
	[ "$aa" = noaa ] || set -- "$@" --include-aa
	set +e
	"$IMGBATCH" compare "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"
	code=$?
	set -e
	[ "$code" -le 1 ] || { cat "$WORK/err.txt" >&2; fail "imgbatch compare $* exited $code"; }
	got=$(grep '"type":"pair"' "$WORK/out.txt" | sed -n 's/.*"diff_pixels":\([0-9]*\).*/\1/p')
	note "$pair $metric --ignore $region $aa: npm $expected, imgbatch ${got:-none}"
	cases=$((cases + 1))
	[ "$got" = "$expected" ] || bad=$((bad + 1))
done <"$WORK/npm-ignore.txt"

[ "$bad" = 0 ] || fail "$bad of $cases counts differ from pixelmatch's"
note "all $cases counts equal pixelmatch's"
