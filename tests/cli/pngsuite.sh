#!/bin/sh
# Every valid PngSuite image converts (and its pixels match ImageMagick's
# reading when convert is installed); every x*.png (deliberately corrupt)
# fails with a reason.  The suite is vendored in tests/pngsuite/
# (IMGBATCH_PNGSUITE names another copy).
. "$(dirname "$0")/lib.sh"

suite=${IMGBATCH_PNGSUITE:-$top_srcdir/tests/pngsuite}
if [ ! -d "$suite" ]; then
	echo "SKIP: PngSuite not found at $suite"
	exit 77
fi
run_imgbatch 1 -o "$WORK/out" --format png --json "$suite"
valid=$(ls "$suite" | grep '\.png$' | grep -vc '^x')
corrupt=$(ls "$suite" | grep -c '^x.*\.png$')
assert_eq "$(json_summary done)" "$valid" "valid PngSuite files done"
assert_eq "$(json_summary failed)" "$corrupt" "corrupt PngSuite files failed"
if command -v convert >/dev/null 2>&1; then
	for f in "$suite"/[!x]*.png; do
		name=$(basename "$f")
		convert "$f" -depth 16 "$WORK/ref.png"
		d=$("$DECODE" diff "$WORK/out/$name" "$WORK/ref.png" | cut -d' ' -f1)
		[ "$d" -le 1 ] || fail "$name differs from ImageMagick by $d levels"
	done
fi
note "ok ($valid valid, $corrupt corrupt)"
