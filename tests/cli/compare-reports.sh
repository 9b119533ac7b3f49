#!/bin/sh
# imgbatch compare's CI reports, read by the programs CI uses: the JUnit file
# is well-formed (xmllint) and junitparser sees every pair with the right
# result; the HTML page, in headless Chromium (puppeteer-core from npm),
# loads with no console errors and nothing outside file://, shows the
# failing pairs' sections at once and the passing ones once their group is
# opened, one section per pair with the failing ones first, its
# failures-only filter hides and shows the passing ones, and its flip
# button swaps expected and actual.  (tests/cli/compare-html-big.sh: the
# same page at 10,000 pairs.)  Parts whose tools are missing are skipped with a note; when the
# browser part cannot run the test ends as skipped (77).
. "$(dirname "$0")/lib.sh"

if ! command -v convert >/dev/null 2>&1; then
	note "SKIP: ImageMagick's convert is not installed (it makes the changed images)"
	exit 77
fi

# Fixtures: 11 pairs.  Passing: same.png, photo.jpg, sub/rgba-soft.png and
# three names that need escaping (markup characters, a control byte, a byte
# that is not UTF-8).  Failing: changed.png (a region inverted) and size.png
# (half size); broken.png is an error (corrupt actual); gone.png is missing
# and extra.png new.
G=$WORK/gen
EXP=$WORK/expected
ACT=$WORK/actual
CTL=$(printf 'ctl\001x.png')
BAD=$(printf 'bad\377.png')
make_fixtures "$G"
for d in "$EXP" "$ACT"; do
	mkdir -p "$d/sub"
	cp "$G/text-edges.png" "$d/same.png"
	cp "$G/photo.jpg" "$d/photo.jpg"
	cp "$G/rgba-soft.png" "$d/sub/rgba-soft.png"
	cp "$G/text-edges.png" "$d/a&b <'q'>.png"
	cp "$G/text-edges.png" "$d/$CTL"
	cp "$G/text-edges.png" "$d/$BAD"
	cp "$G/text-edges.png" "$d/changed.png"
	cp "$G/text-edges.png" "$d/size.png"
	cp "$G/text-edges.png" "$d/broken.png"
done
convert "$G/text-edges.png" -region 40x30+10+10 -negate "$ACT/changed.png"
convert "$G/text-edges.png" -resize 50% "$ACT/size.png"
cp "$G/corrupt.png" "$ACT/broken.png"
cp "$G/zoneplate.png" "$EXP/gone.png"
cp "$G/zoneplate.png" "$ACT/extra.png"

# Exit 2: broken.png cannot be decoded (1 would mean only failed pairs).
R=$WORK/reports
mkdir "$R"
run_imgbatch 2 compare "$EXP" "$ACT" --diff-dir "$R/diff" --junit "$R/junit.xml" \
	--html "$R/html" --json
no_temp_files "$WORK"
# Two files, one failing pair: exit 1.
run_imgbatch 1 compare "$EXP/changed.png" "$ACT/changed.png" --junit "$R/one.xml"
assert_contains "$R/one.xml" 'tests="1" failures="1" errors="0" skipped="0"'

# ---- JUnit ------------------------------------------------------------------

if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$R/junit.xml" || fail "junit.xml is not well-formed XML"
else
	note "SKIP well-formedness: xmllint (libxml2-utils) is not installed"
fi

# junit_check FILE FAILURES SKIPPED: counts and each case's result as
# junitparser reads them; MISSING/NEW are failures, or skipped when allowed.
junit_check() {
	/usr/bin/python3 - "$@" <<'EOF' || fail "junitparser: $1 does not hold the expected results"
import sys
from junitparser import JUnitXml, Failure, Error, Skipped

path, failures, skipped = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
allowed = skipped > 0
problems = []

def check(what, got, want):
    if got != want:
        problems.append(f"{what}: expected {want!r}, got {got!r}")

xml = JUnitXml.fromfile(path)
check("root", type(xml).__name__, "JUnitXml")
suites = list(xml)
check("suites", len(suites), 1)
suite = suites[0]
for node in (xml, suite):
    name = type(node).__name__
    check(f"{name} tests", node.tests, 11)
    check(f"{name} failures", node.failures, failures)
    check(f"{name} errors", node.errors, 1)
    check(f"{name} skipped", node.skipped, skipped)
check("suite name", suite.name, "imgbatch compare")

# Names that XML cannot carry as bytes are written with \xNN.
want = {
    "same.png": None, "photo.jpg": None, "sub/rgba-soft.png": None,
    "a&b <'q'>.png": None, "ctl\\x01x.png": None, "bad\\xff.png": None,
    "changed.png": (Failure, "image-diff"), "size.png": (Failure, "size-differs"),
    "broken.png": (Error, None),
    "gone.png": (Skipped, None) if allowed else (Failure, "missing"),
    "extra.png": (Skipped, None) if allowed else (Failure, "new"),
}
cases = list(suite)
check("case names", sorted(c.name for c in cases), sorted(want))
for case in cases:
    check(f"{case.name} classname", case.classname, "imgbatch.compare")
    results = case.result
    expected = want.get(case.name)
    if expected is None:
        check(f"{case.name} results", results, [])
        continue
    check(f"{case.name} result count", len(results), 1)
    if len(results) != 1:
        continue
    kind, rtype = expected
    check(f"{case.name} result", type(results[0]).__name__, kind.__name__)
    if rtype:
        check(f"{case.name} type", results[0].type, rtype)
    text = results[0].text or ""
    if case.name == "size.png":
        # the message says why; both sizes, then the common area's counts
        if ("size differs" not in (results[0].message or "") or
                "expected size: 600x200\nactual size: 300x100\ncommon area compared: 300x100\n"
                not in text or "diff pixels:" not in text):
            problems.append(f"{case.name}: wrong size-mismatch failure: {text!r}")
    elif rtype == "image-diff" and "diff pixels:" not in text:
        problems.append(f"{case.name}: no counts in the failure text")

for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
}

if /usr/bin/python3 -c 'import junitparser' 2>/dev/null; then
	junit_check "$R/junit.xml" 4 0
	note "junitparser reads 11 cases: 4 failures, 1 error"
	# --allow-missing and --allow-new turn those two into skipped cases.
	run_imgbatch 2 compare "$EXP" "$ACT" --allow-missing --allow-new \
		--junit "$R/allowed.xml"
	junit_check "$R/allowed.xml" 2 2
	note "with --allow-missing --allow-new: 2 failures, 2 skipped"
else
	note "SKIP JUnit reader: python3-junitparser is not installed"
fi

# ---- HTML -------------------------------------------------------------------

H=$R/html
[ -f "$H/index.html" ] || fail "no $H/index.html"
html_pairs "$H/index.html" >"$WORK/pairs.json"
# Every image the page shows (its pairs' JSON names them) is in img/, and
# img/ holds nothing else.
grep -o '"img/[^"]*"' "$WORK/pairs.json" | sed 's/^"img\///; s/"$//' | sort -u >"$WORK/shown"
(cd "$H/img" && ls) | sort >"$WORK/copied"
cmp -s "$WORK/shown" "$WORK/copied" || { diff "$WORK/shown" "$WORK/copied" >&2; fail "img/ and the page disagree"; }
while IFS= read -r f; do
	[ -s "$H/img/$f" ] || fail "img/$f is empty"
done <"$WORK/shown"
# size.png: labelled, both sizes given.
assert_contains "$WORK/pairs.json" '"label":"size differs"'
assert_contains "$WORK/pairs.json" '["expected size","600x200"],["actual size","300x100"]'
if grep -Eq '(src|href)="(https?:)?//' "$H/index.html"; then
	fail "index.html refers to a network URL"
fi
# Allowed missing and new pairs: their own group, closed like the passes.
run_imgbatch 2 compare "$EXP" "$ACT" --allow-missing --allow-new --html "$R/allowed-html"
assert_contains "$R/allowed-html/index.html" \
	'<details class="group" id="group-allowed" data-group="allowed" data-failing="false">'
assert_contains "$R/allowed-html/index.html" '<summary>Missing or new, allowed: 2</summary>'
html_pairs "$R/allowed-html/index.html" >"$WORK/allowed.json"
assert_contains "$WORK/allowed.json" '"status":"missing","failing":false,"label":"missing (allowed)"'

NPM=$WORK/npm
if ! browser_ready "$NPM"; then
	note "SKIP page in a browser"
	exit 77
fi

# In $NPM so that require() finds puppeteer-core.
cp "$top_srcdir/tests/cli/report-page.js" "$NPM/"
cat >"$NPM/check-page.js" <<'EOF'
'use strict';
const { pathToFileURL } = require('url');
const { problems, check, run_page_test } = require('./report-page.js');
const [page_path] = process.argv.slice(2);

run_page_test(async page => {
	await page.goto(pathToFileURL(page_path).href, { waitUntil: 'load' });

	// At load the failing groups are open and drawn, the passed one
	// closed and not drawn; opened, it draws its cards.
	const visible = () => page.$$eval('section.pair', s =>
		s.filter(e => e.checkVisibility()).length);
	check('groups', await page.$$eval('details.group', gs => gs.map(g =>
		[g.dataset.group, g.open, g.querySelector('summary').textContent])),
		[['failed', true, 'Failed: 2'], ['error', true, 'Errors: 1'],
		 ['missing-new', true, 'Missing or new: 2'], ['passed', false, 'Passed: 6']]);
	await page.waitForFunction(() => document.querySelectorAll('section.pair').length >= 5);
	check('cards at load', await visible(), 5);
	await page.click('#group-passed > summary');
	await page.waitForFunction(() => document.querySelectorAll('section.pair').length === 11);

	// Sections: one per pair, failing first (rank never decreases).
	const sections = await page.$$eval('section.pair', s => s.map(e => ({
		name: e.querySelector('.name').textContent,
		status: e.dataset.status,
		failing: e.dataset.failing,
	})));
	check('sections', sections.length, 11);
	const rank = s => ({ fail: 0, error: 1, missing: 2, new: 2, pass: 4 })[s.status] +
		(s.failing === 'false' && s.status !== 'pass' ? 1 : 0);
	for (let i = 1; i < sections.length; i++)
		if (rank(sections[i]) < rank(sections[i - 1]))
			problems.push(`order: ${sections[i].name} (${sections[i].status}) after ` +
				`${sections[i - 1].name} (${sections[i - 1].status})`);
	check('statuses', sections.map(s => [s.name, s.status]).sort(), Object.entries({
		'changed.png': 'fail', 'size.png': 'fail', 'broken.png': 'error',
		'gone.png': 'missing', 'extra.png': 'new', 'same.png': 'pass',
		'photo.jpg': 'pass', 'sub/rgba-soft.png': 'pass', "a&b <'q'>.png": 'pass',
		'ctl\\x01x.png': 'pass', 'bad\\xff.png': 'pass',
	}).sort());

	// Every image decodes; Chromium may show the damaged actual side
	// of broken.png in part, or not at all.
	await page.$$eval('img', imgs => imgs.forEach(i => { i.loading = 'eager'; }));
	await page.waitForFunction(() => [...document.images].every(i => i.complete),
		{ timeout: 20000 });
	const undecoded = await page.$$eval('img', imgs => imgs
		.filter(i => i.naturalWidth === 0)
		.map(i => i.closest('section').querySelector('.name').textContent + ' ' +
			i.getAttribute('src')));
	check('images that do not decode', undecoded.filter(u => !u.startsWith('broken.png ')), []);

	// Filter: only the 5 failing sections stay visible, then all again.
	check('visible with all open', await visible(), 11);
	await page.click('input#failures-only');
	check('visible with failures only', await visible(), 5);
	await page.click('input#failures-only');
	check('visible again', await visible(), 11);

	// Flip: the one image of changed.png goes to actual and back.
	const card = (await page.$$('section.pair'))[sections.findIndex(s => s.name === 'changed.png')];
	const shown = () => card.$eval('img.flip-image', i => [i.dataset.showing, i.getAttribute('src')]);
	const [expected_src, actual_src] = await card.$$eval('img.expected, img.actual',
		imgs => imgs.map(i => i.getAttribute('src')));
	// A real click, away from the sticky header.
	const flip = await card.$('button.flip');
	await flip.evaluate(b => b.scrollIntoView({ block: 'center' }));
	check('flip at first', await shown(), ['expected', expected_src]);
	await flip.click();
	check('flipped', await shown(), ['actual', actual_src]);
	await flip.click();
	check('flipped back', await shown(), ['expected', expected_src]);
	if (expected_src === actual_src)
		problems.push('flip: expected and actual are the same file');
});
EOF
node "$NPM/check-page.js" "$H/index.html" || fail "the HTML page in Chromium (see above)"
note "Chromium: 11 sections, failing first, filter and flip work, no console errors"
