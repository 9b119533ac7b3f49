#!/bin/sh
# imgbatch compare --html on 10,000 pairs, 50 of them failing, opened from
# file:// in headless Chromium (puppeteer-core from npm): usable -- the DOM
# parsed and the first failing card on screen -- within 2 s of navigation
# start; failures first and drawn at once, passes collapsed and not drawn
# until their group is opened; few image requests at load (lazy); opening
# the passed group draws a page of cards, more on request and on scrolling.
# A page with a card and four <img> per pair froze the browser for over
# 11 s at this size.  Without chromium, node, npm or convert: skipped (77).
. "$(dirname "$0")/lib.sh"

if ! command -v convert >/dev/null 2>&1; then
	note "SKIP: ImageMagick's convert is not installed"
	exit 77
fi
NPM=$WORK/npm
if ! browser_ready "$NPM"; then
	note "SKIP: the page cannot be opened in a browser"
	exit 77
fi

# Two tiny images, hard-linked 20,000 times: pair i fails when i % 200 == 137.
EXP=$WORK/expected
ACT=$WORK/actual
mkdir "$EXP" "$ACT"
convert -size 16x16 xc:'#336699' "$WORK/a.png"
convert -size 16x16 xc:'#996633' "$WORK/b.png"
node -e '
const fs = require("fs");
const [work, exp, act] = process.argv.slice(1);
for (let i = 0; i < 10000; i++) {
	const name = `p${String(i).padStart(5, "0")}.png`;
	fs.linkSync(`${work}/a.png`, `${exp}/${name}`);
	fs.linkSync(`${work}/${i % 200 === 137 ? "b" : "a"}.png`, `${act}/${name}`);
}' "$WORK" "$EXP" "$ACT"

H=$WORK/html
run_imgbatch 1 compare "$EXP" "$ACT" --diff-dir "$WORK/diff" --html "$H"
assert_contains "$H/index.html" '<p id="summary">10000 pairs: failed 50, errors 0, missing 0, new 0 (allowed 0), passed 9950</p>'
# The cards are the script's to draw: no <img> in the file itself.
if grep -q '<img' "$H/index.html"; then
	fail "index.html holds <img> elements: the browser would make all of them"
fi
# The pairs' JSON is gzipped: some 3 MB of it would be parsed at load.
size=$(wc -c <"$H/index.html")
[ "$size" -lt 500000 ] || fail "index.html is $size bytes"
note "index.html: $size bytes"

cp "$top_srcdir/tests/cli/report-page.js" "$NPM/"
cat >"$NPM/check-big.js" <<'JS'
'use strict';
const { pathToFileURL } = require('url');
const { problems, check, run_page_test } = require('./report-page.js');
const [page_path] = process.argv.slice(2);
const BUDGET_MS = 2000, MAX_IMAGE_REQUESTS = 100;

run_page_test(async page => {
	let image_requests = 0;
	page.on('request', r => {
		if (r.url().startsWith('file://') && r.url().includes('/img/'))
			image_requests++;
	});
	// In the page from its first moment: the first frame that shows a
	// failing card, in ms from navigation start.
	await page.evaluateOnNewDocument(() => {
		const look = () => {
			const card = document.querySelector('section.pair[data-failing="true"]');
			const box = card && card.getBoundingClientRect();
			if (box && box.height > 0 && box.top < innerHeight)
				window.first_failure_shown = performance.now();
			else
				requestAnimationFrame(look);
		};
		requestAnimationFrame(look);
	});
	await page.goto(pathToFileURL(page_path).href, { waitUntil: 'domcontentloaded' });
	await page.waitForFunction(() => window.first_failure_shown, { timeout: 10000 });
	const [dcl, shown] = await page.evaluate(() => [
		performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
		window.first_failure_shown]);
	const usable = Math.max(dcl, shown);
	console.log(`DOMContentLoaded ${dcl.toFixed(0)} ms, first failure shown ` +
		`${shown.toFixed(0)} ms: usable after ${usable.toFixed(0)} ms`);
	if (usable >= BUDGET_MS)
		problems.push(`usable after ${usable.toFixed(0)} ms, over ${BUDGET_MS} ms`);

	// What loads by itself: the images near the first screen only.
	await page.waitForNetworkIdle({ idleTime: 500, timeout: 20000 });
	console.log(`image requests at load: ${image_requests}`);
	if (image_requests === 0 || image_requests > MAX_IMAGE_REQUESTS)
		problems.push(`${image_requests} image requests at load, want 1..${MAX_IMAGE_REQUESTS}`);

	// Failures first, all 50 drawn, in input order; passes not drawn.
	const groups = await page.$$eval('details.group', gs => gs.map(g =>
		[g.dataset.group, g.open, g.querySelector('summary').textContent]));
	check('groups', groups, [['failed', true, 'Failed: 50'], ['passed', false, 'Passed: 9950']]);
	const cards = () => page.$$eval('section.pair', s => s.map(e =>
		[e.querySelector('.name').textContent, e.dataset.status]));
	const at_load = await cards();
	check('cards at load', at_load.length, 50);
	check('cards at load are failures', at_load.filter(c => c[1] !== 'fail'), []);
	check('first card', at_load[0], ['p00137.png', 'fail']);
	check('last card', at_load[49], ['p09937.png', 'fail']);
	check('a failure\'s counts', await page.$eval('section.pair .counts', dl =>
		[...dl.querySelectorAll('div')].slice(0, 2).map(d => d.textContent)),
		['size16x16', 'diff pixels256']);

	// Opening the passed group draws its first 100, after the failures.
	const t0 = Date.now();
	await page.click('#group-passed > summary');
	await page.waitForFunction(() =>
		document.querySelectorAll('section.pair[data-status="pass"]').length >= 100);
	console.log(`passed group drawn ${Date.now() - t0} ms after the click`);
	const opened = await cards();
	check('cards after opening', opened.length, 150);
	check('first pass', opened[50], ['p00000.png', 'pass']);
	const more = '#group-passed > button.more';
	check('more button', await page.$eval(more, b => [b.hidden, b.textContent]),
		[false, 'show 100 more of 9850']);
	// Its button draws the next page; reaching the end, by scrolling, more.
	await page.$eval(more, b => b.click());
	check('cards after one more', (await cards()).length, 250);
	await page.$eval(more, b => b.scrollIntoView());
	await page.waitForFunction(() => document.querySelectorAll('section.pair').length > 250);
	// A pass's images load once on screen.
	const last = 'section.pair:last-of-type img.expected';
	await page.$eval(last, i => i.scrollIntoView());
	await page.waitForFunction(sel => document.querySelector(sel).complete &&
		document.querySelector(sel).naturalWidth === 16, {}, last);
	// The filter hides the passed group and brings it back.
	const passed_shown = () => page.$eval('#group-passed', g => getComputedStyle(g).display !== 'none');
	await page.click('input#failures-only');
	check('passed group with failures only', await passed_shown(), false);
	await page.click('input#failures-only');
	check('passed group again', await passed_shown(), true);
});
JS
node "$NPM/check-big.js" "$H/index.html" >"$WORK/browser.txt" || {
	cat "$WORK/browser.txt"
	fail "the 10,000-pair page in Chromium (see above)"
}
while IFS= read -r line; do note "$line"; done <"$WORK/browser.txt"
