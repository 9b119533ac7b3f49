/*
 * Shared by the browser tests of compare's HTML report (compare-reports.sh,
 * compare-html-big.sh, which copy it beside their own script in the folder
 * puppeteer-core is installed in): a page in headless Chromium, what goes
 * wrong on it counted as problems, and the exit status they make.
 */
'use strict';
const puppeteer = require('puppeteer-core');

const problems = [];

// Records a problem unless got equals want (as JSON).
function check(what, got, want) {
	if (JSON.stringify(got) !== JSON.stringify(want))
		problems.push(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
}

// Console errors and warnings, page errors, failed requests and any request
// outside file:// (a report must work offline) are problems.
function watch(page) {
	page.on('console', m => {
		if (m.type() === 'error' || m.type() === 'warn')
			problems.push(`console ${m.type()}: ${m.text()}`);
	});
	page.on('pageerror', e => problems.push(`page error: ${e.message}`));
	page.on('request', r => {
		if (!r.url().startsWith('file://'))
			problems.push(`request outside file://: ${r.url()}`);
	});
	page.on('requestfailed', r =>
		problems.push(`request failed: ${r.url()} ${(r.failure() || {}).errorText}`));
}

// Runs test(page) on a watched 1280x800 page, then exits: 0, 1 when there
// were problems (each printed), 2 when the test itself threw.
function run_page_test(test) {
	(async () => {
		const browser = await puppeteer.launch({
			executablePath: '/usr/bin/chromium',
			headless: true,
			args: ['--no-sandbox', '--headless=new'],
		});
		try {
			const page = await browser.newPage();
			await page.setViewport({ width: 1280, height: 800 });
			watch(page);
			await test(page);
		} finally {
			await browser.close();
		}
		for (const p of problems)
			console.error(p);
		process.exit(problems.length ? 1 : 0);
	})().catch(e => {
		console.error(e);
		process.exit(2);
	});
}

module.exports = { problems, check, run_page_test };
