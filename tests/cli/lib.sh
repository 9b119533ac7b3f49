# Shared set-up for the end-to-end tests: paths to the built programs, a
# scratch directory removed on exit, fixtures generated at test time, and
# small assertion helpers.  Source it; every test script runs under `set -eu`.
set -eu

top_builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
IMGBATCH=$top_builddir/imgbatch
GEN=$top_builddir/tools/gen-samples
DECODE=$top_builddir/tests/decode-image

# ImageMagick, the oracle of several tests.  Debian's own binary is called
# directly when present: a wrapper earlier in PATH can cost a second a call.
if [ -x /usr/bin/convert ]; then
	convert() { /usr/bin/convert "$@"; }
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/imgbatch-test.XXXXXX")
AT_EXIT=:   # a script's own clean-up (a command), run first when it exits
on_exit() {
	code=$?
	eval "$AT_EXIT"
	[ -z "${IMGBATCH_VALGRIND:-}" ] || valgrind_clean || code=1
	rm -rf "$WORK"
	exit $code
}
trap on_exit EXIT

# IMGBATCH_VALGRIND=1 (make check-valgrind): every imgbatch run, workers
# included, goes through valgrind's memcheck, each process logging to
# $WORK/valgrind.PID.log; any error or definite leak in any log fails the
# test when it ends.  libjpeg-turbo's SIMD code is switched off there
# (JSIMD_FORCENONE): memcheck cannot follow its AVX2 arithmetic and reports
# the decoded pixels as uninitialised (without SIMD, none).
if [ -n "${IMGBATCH_VALGRIND:-}" ]; then
	cat >"$WORK/imgbatch-valgrind" <<EOF
#!/bin/sh
JSIMD_FORCENONE=1 exec valgrind -q --leak-check=full --show-leak-kinds=definite \\
	--errors-for-leak-kinds=definite --log-file="$WORK/valgrind.%p.log" "$IMGBATCH" "\$@"
EOF
	chmod +x "$WORK/imgbatch-valgrind"
	IMGBATCH=$WORK/imgbatch-valgrind
fi

# The --timeout, in seconds, that a quick file never reaches: under
# memcheck a file takes some 50 times as long, more on a busy machine.
QUICK_TIMEOUT=1
[ -z "${IMGBATCH_VALGRIND:-}" ] || QUICK_TIMEOUT=20

# Whether every valgrind log is empty (prints the first that is not).
valgrind_clean() {
	for log in "$WORK"/valgrind.*.log; do
		[ -s "$log" ] || continue
		echo "FAIL [$TEST_NAME]: valgrind reports errors: $log" >&2
		head -n 40 "$log" >&2
		return 1
	done
}

TEST_NAME=$(basename "$0" .sh)

fail() {
	echo "FAIL [$TEST_NAME]: $*" >&2
	exit 1
}

note() {
	echo "[$TEST_NAME] $*"
}

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

# assert_contains FILE TEXT
assert_contains() {
	grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$1 does not contain '$2'"; }
}

# run_imgbatch EXPECTED_EXIT ARGS...: stdout to $WORK/out.txt, stderr to
# $WORK/err.txt; fails the test on another exit code.
run_imgbatch() {
	expected=$1
	shift
	set +e
	"$IMGBATCH" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"
	code=$?
	set -e
	if [ "$code" != "$expected" ]; then
		cat "$WORK/err.txt" >&2
		fail "imgbatch $* exited $code, expected $expected"
	fi
}

# json_summary FIELD: a number from the summary line of the last --json run.
json_summary() {
	grep '"type":"summary"' "$WORK/out.txt" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

# image_size FILE: "W H" as imgbatch's own decoder sees it.
image_size() {
	"$DECODE" info "$1" | cut -d' ' -f1,2
}

# make_fixtures DIR: the full sample set, generated now.
make_fixtures() {
	"$GEN" "$1" >/dev/null
}

# no_temp_files DIR: fails when an imgbatch temp file is left under DIR.
no_temp_files() {
	left=$(find "$1" -name '.imgbatch-tmp-*' | head -n 5)
	[ -z "$left" ] || fail "temp files left behind: $left"
}

# browser_ready DIR: whether headless Chromium can be driven from Node:
# /usr/bin/chromium, node and npm are there and puppeteer-core installs
# into DIR (require() then finds it from scripts placed in DIR).  Says why
# not when it cannot; the caller skips.  puppeteer-core 24: the last major
# that runs on Debian 12's Node 18.
browser_ready() {
	if [ ! -x /usr/bin/chromium ] || ! command -v npm >/dev/null 2>&1 ||
	   ! command -v node >/dev/null 2>&1; then
		note "chromium, node or npm is not installed"
		return 1
	fi
	if ! npm install --prefix "$1" --prefer-offline --no-audit --no-fund --loglevel=error puppeteer-core@24 \
		>"$WORK/npm.log" 2>&1; then
		cat "$WORK/npm.log" >&2
		note "npm could not install puppeteer-core"
		return 1
	fi
}

# html_pairs FILE: the pairs of a compare --html page, as the JSON its
# groups carry gzipped in base64: one array a line, a group each.
html_pairs() {
	grep -o '<script type="application/gzip" class="pairs">[^<]*' "$1" | sed 's/^.*>//' |
	while IFS= read -r data; do
		printf '%s' "$data" | base64 -d | gzip -dc | tr -d '\n'
		echo
	done
}
