#!/bin/sh
# Usage and setup errors: exit 2 with a message that says what is wrong,
# before any work starts.
. "$(dirname "$0")/lib.sh"

expect_usage_error() {
	message=$1
	shift
	run_imgbatch 2 "$@"
	assert_contains "$WORK/err.txt" "$message"
}

mkdir "$WORK/in"
expect_usage_error "say where outputs go" "$WORK/in"
expect_usage_error "no inputs" -o "$WORK/out"
expect_usage_error "exclude each other" -o "$WORK/out" --in-place "$WORK/in"
expect_usage_error "invalid --resize '12q'" -o "$WORK/out" -r 12q "$WORK/in"
expect_usage_error "invalid --quality '0'" -o "$WORK/out" -q 0 "$WORK/in"
expect_usage_error "invalid --quality '101'" -o "$WORK/out" -q 101 "$WORK/in"
expect_usage_error "invalid --format 'gif'" -o "$WORK/out" --format gif "$WORK/in"
expect_usage_error "invalid --jobs '0'" -o "$WORK/out" -j 0 "$WORK/in"
expect_usage_error "invalid --chunk 'x'" -o "$WORK/out" --chunk x "$WORK/in"
expect_usage_error "invalid --kernel 'nope'" -o "$WORK/out" --kernel nope "$WORK/in"
expect_usage_error "invalid --gravity 'up'" -o "$WORK/out" --gravity up "$WORK/in"
expect_usage_error "invalid --background 'pink'" -o "$WORK/out" --background pink "$WORK/in"
expect_usage_error "unknown field {foo}" -o "$WORK/out" --name '{foo}.jpg' "$WORK/in"
expect_usage_error "--crop needs" -o "$WORK/out" --crop -r 50% "$WORK/in"
expect_usage_error "-0 applies to --files-from" -o "$WORK/out" -0 "$WORK/in"
expect_usage_error "unknown option" -o "$WORK/out" --bogus "$WORK/in"
[ ! -e "$WORK/out" ] || fail "a usage error created the output directory"

# Setup error: the output directory cannot be created.
touch "$WORK/file"
run_imgbatch 2 -o "$WORK/file/sub" "$WORK/in"
assert_contains "$WORK/err.txt" "cannot create output directory"

run_imgbatch 0 --help
assert_contains "$WORK/out.txt" "Usage: imgbatch"
run_imgbatch 0 --version
assert_contains "$WORK/out.txt" "imgbatch "

# Errors name the option as it was typed, and a misspelt command is caught
# (not taken for an input) with a suggestion.
expect_usage_error "option --update takes no value" -o "$WORK/out" --update=1 "$WORK/in"
expect_usage_error "invalid --crop '1'" -o "$WORK/out" --crop=1 "$WORK/in"
expect_usage_error "option --json takes no value" --json=1 -o "$WORK/out" "$WORK/in"
expect_usage_error "unknown option --qualty; did you mean --quality?" --qualty 5 "$WORK/in"
expect_usage_error "imgbatch compare: option -q is unknown" compare -q a b
expect_usage_error "unknown command 'thumbnai'; did you mean 'thumbnail'?" thumbnai "$WORK/in"
expect_usage_error "imgbatch help: unknown command 'bogus'" help bogus
run_imgbatch 0 help compare
assert_contains "$WORK/out.txt" "Usage: imgbatch compare"
run_imgbatch 0 version
assert_eq "$(cat "$WORK/out.txt")" "imgbatch $("$IMGBATCH" --version | cut -d' ' -f2)" "version"
mkdir "$WORK/one"
"$GEN" "$WORK/gen" >/dev/null
cp "$WORK/gen/photo.jpg" "$WORK/one/"
run_imgbatch 0 -o "$WORK/oneout" "$WORK/one"
assert_contains "$WORK/err.txt" "imgbatch: 1 file: 1 done"
note "ok"
