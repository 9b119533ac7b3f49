// imgbatch compare --serve from Node, as README's example uses it: the
// service spawned once (README's visual.mjs, extracted by compare-serve.sh),
// a test loop awaiting each answer, then a burst answered out of order.
// Prints the median round trip of one request.
// Usage: node compare-serve.mjs VISUAL_MJS GOLDEN_DIR ACTUAL_DIR DIFF_FILE
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

const [visual, golden, actual, diffFile] = process.argv.slice(2);
const { compareImages, stopImgbatch } = await import(pathToFileURL(visual).href);

const times = [];
for (let i = 0; i < 20; i++) {
  const start = process.hrtime.bigint();
  const r = await compareImages(`${golden}/p0.png`, `${actual}/p0.png`);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  assert.equal(r.status, 'pass', r.reason);
  assert.equal(r.diff_pixels, 0);
}

const failed = await compareImages(`${golden}/p4.png`, `${actual}/p4.png`, { diff: diffFile });
assert.equal(failed.status, 'fail');
assert.ok(failed.diff_pixels > 0, 'a changed pair has differing pixels');
assert.equal(failed.diff, diffFile);

// the request's own limit: the same pair passes
const loose = await compareImages(`${golden}/p4.png`, `${actual}/p4.png`,
                                  { max_diff_pixels: failed.diff_pixels });
assert.equal(loose.status, 'pass', loose.reason);

const missing = await compareImages(`${golden}/none.png`, `${actual}/p0.png`);
assert.equal(missing.status, 'error');
assert.match(missing.reason, /No such file/);

// many in flight at once: every promise gets its own pair's answer
const burst = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((k) =>
  compareImages(`${golden}/p${k}.png`, `${actual}/p${k}.png`).then((r) => [k, r])));
for (const [k, r] of burst) {
  assert.equal(r.status, k < 4 ? 'pass' : 'fail', `pair ${k}: ${r.reason}`);
  assert.equal(r.expected, `${golden}/p${k}.png`);
}

assert.equal(await stopImgbatch(), 0, 'exit status at EOF');

times.sort((a, b) => a - b);
const median = (times[9] + times[10]) / 2;
console.log(`round trip of one request: median ${median.toFixed(2)} ms ` +
            `(20 requests; min ${times[0].toFixed(2)}, max ${times[19].toFixed(2)})`);
