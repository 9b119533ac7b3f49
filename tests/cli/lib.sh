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
trap 'rm -rf "$WORK"' EXIT

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
