#!/bin/sh
# Shell completion: the bash script that imgbatch --completion bash writes is
# sourced and its function called the way bash calls it (COMP_WORDS,
# COMP_CWORD, COMP_LINE, COMP_POINT), and what it puts in COMPREPLY is
# checked; the zsh and fish scripts must at least parse when those shells are
# here.
. "$(dirname "$0")/lib.sh"

"$IMGBATCH" --completion bash >"$WORK/imgbatch.bash"

# A directory to complete file names in.
mkdir -p "$WORK/here/photos" "$WORK/here/shots"
: >"$WORK/here/photo one.jpg"
: >"$WORK/here/plan.png"

# completions WORD...: the words the script offers for the last WORD (an
# empty one completes from nothing), one a line, in $WORK/here.
completions() {
	(cd "$WORK/here" && bash -c '
		script=$1
		shift
		. "$script"
		fn=$(complete -p imgbatch | sed -n "s/.*-F \([^ ]*\).*/\1/p")
		[ -n "$fn" ] || { echo "no completion function for imgbatch" >&2; exit 1; }
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		"$fn" imgbatch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' bash "$WORK/imgbatch.bash" "$@") | sed '/^$/d' | sort
}

# offers "WORDS" EXPECTED...: each EXPECTED is among the completions (WORDS
# is split as the shell would: '' is an empty word).
offers() {
	words=$1
	shift
	eval "completions $words" >"$WORK/got"
	for want in "$@"; do
		grep -qxF -- "$want" "$WORK/got" ||
			{ cat "$WORK/got" >&2; fail "'$words' does not offer '$want'"; }
	done
}

# offers_not "WORDS" UNWANTED...
offers_not() {
	words=$1
	shift
	eval "completions $words" >"$WORK/got"
	for unwanted in "$@"; do
		! grep -qxF -- "$unwanted" "$WORK/got" ||
			{ cat "$WORK/got" >&2; fail "'$words' offers '$unwanted'"; }
	done
}

# The first word: commands (and files, convert's inputs).
offers "imgbatch thu" thumbnail
[ "$(completions imgbatch thu)" = thumbnail ] || fail "'imgbatch thu' offers more than thumbnail"
offers "imgbatch co" compare
offers "imgbatch pl" plan.png
offers "imgbatch ''" thumbnail compare report help version plan.png "photo one.jpg" photos

# Options, per command.
offers "imgbatch --qua" --quality
[ "$(completions imgbatch --qua)" = --quality ] || fail "'imgbatch --qua' offers more than --quality"
offers "imgbatch -o out --" --output --format --filter --jobs --completion
offers_not "imgbatch --" --threshold --size
offers "imgbatch compare --" --threshold --diff-dir --junit --jobs
offers_not "imgbatch compare --" --quality --format --output
offers "imgbatch thumbnail --" --size --clean
offers_not "imgbatch thumbnail --" --quality --output
# Every option --help lists is offered, and only those.
for cmd in "" thumbnail compare; do
	# shellcheck disable=SC2086
	"$IMGBATCH" $cmd --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$WORK/help-options"
	# shellcheck disable=SC2086
	completions imgbatch $cmd -- | grep -- '^--' >"$WORK/offered"
	diff -u "$WORK/help-options" "$WORK/offered" >&2 ||
		fail "imgbatch $cmd: the options offered differ from --help's"
done

# Values: a list, directories, files, nothing.
offers "imgbatch --format ''" jpeg png webp avif tiff same
offers "imgbatch --format = ''" jpeg png same
offers "imgbatch --format = w" webp
offers "imgbatch --kernel mi" mitchell
offers "imgbatch --completion ''" bash zsh fish
offers "imgbatch -o ''" photos shots
offers_not "imgbatch -o ''" plan.png --output
offers "imgbatch --manifest pl" plan.png
[ -z "$(completions imgbatch --quality '')" ] || fail "'imgbatch --quality' offers something"
[ -z "$(completions imgbatch compare --threshold '')" ] || fail "'compare --threshold' offers something"
# -f: the filter registry's names, after the last comma of a chain.
offers "imgbatch -f gray" grayscale
offers "imgbatch --filter invert,bl" invert,blur
offers "imgbatch --gravity north" north northeast northwest
offers "imgbatch compare --metric ''" yiq oklab ssim
offers "imgbatch thumbnail --size normal,x" normal,x-large normal,xx-large
offers_not "imgbatch thumbnail --size ''" photos plan.png
# Operands.
offers "imgbatch -q 80 pho" "photo one.jpg" photos
offers "imgbatch compare photos ''" plan.png shots
offers "imgbatch help ''" thumbnail compare report help version
offers "imgbatch report pl" plan.png

# A shell that is not one.
run_imgbatch 2 --completion nosuch
assert_contains "$WORK/err.txt" "invalid --completion 'nosuch'"
assert_contains "$WORK/err.txt" "bash zsh fish"
[ ! -s "$WORK/out.txt" ] || fail "--completion nosuch printed a script"
run_imgbatch 2 --completion
assert_contains "$WORK/err.txt" "option --completion needs a value"

# zsh and fish: the scripts parse.
"$IMGBATCH" --completion zsh >"$WORK/_imgbatch"
head -n 1 "$WORK/_imgbatch" | grep -qx '#compdef imgbatch' || fail "the zsh script has no #compdef line"
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$WORK/_imgbatch" || fail "zsh cannot parse the zsh script"
else
	note "zsh is not installed: its script's syntax is not checked"
fi
"$IMGBATCH" --completion fish >"$WORK/imgbatch.fish"
grep -q -- "-c imgbatch .*-l quality" "$WORK/imgbatch.fish" || fail "the fish script lacks --quality"
if command -v fish >/dev/null 2>&1; then
	fish -n "$WORK/imgbatch.fish" || fail "fish cannot parse the fish script"
	# fish completes a command line itself (complete -C): the first word of
	# each candidate, tab-separated from its description.
	fish_offers() {
		(cd "$WORK/here" && fish -c "source '$WORK/imgbatch.fish'; complete -C '$1'") |
			cut -f1 >"$WORK/got"
		shift
		for want in "$@"; do
			grep -qxF -- "$want" "$WORK/got" ||
				{ cat "$WORK/got" >&2; fail "fish does not offer '$want'"; }
		done
	}
	fish_offers "imgbatch --qua" --quality
	fish_offers "imgbatch thu" thumbnail
	fish_offers "imgbatch compare --thr" --threshold
	fish_offers "imgbatch --format " jpeg same
	fish_offers "imgbatch -o " photos/
	fish_offers "imgbatch -f invert,bl" invert,blur
	fish_offers "imgbatch help " compare version
	fish_offers "imgbatch pl" plan.png
	[ -z "$(cd "$WORK/here" && fish -c "source '$WORK/imgbatch.fish'; complete -C 'imgbatch compare --qua'")" ] ||
		fail "fish offers a convert option to compare"
else
	note "fish is not installed: its script's syntax is not checked"
fi
# bash parses its own without a complaint.
bash -n "$WORK/imgbatch.bash" || fail "bash cannot parse the bash script"
note "ok"
