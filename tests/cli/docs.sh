#!/bin/sh
# The documentation says what the program does: README's filter list is the
# program's own, every option of --help, thumbnail --help and compare --help
# (and report --help) is in README and the man page.
. "$(dirname "$0")/lib.sh"

readme=$top_srcdir/README.md
sed -n '/<!-- filters:begin -->/,/<!-- filters:end -->/p' "$readme" | sed '1d;$d' >"$WORK/readme-filters"
"$IMGBATCH" --list-filters=markdown >"$WORK/program-filters"
diff -u "$WORK/readme-filters" "$WORK/program-filters" >&2 ||
	fail "README's filter list differs from 'imgbatch --list-filters=markdown' (run: make readme-filters)"

for opt in $({ "$IMGBATCH" --help; "$IMGBATCH" thumbnail --help; "$IMGBATCH" compare --help;
	"$IMGBATCH" report --help; } |
	grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
	grep -q -- "\`[^\`]*$opt" "$readme" || fail "README does not document $opt"
	man_opt=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
	grep -q -- "$man_opt" "$top_builddir/imgbatch.1" || fail "man page does not document $opt"
done

"$IMGBATCH" --list-filters >"$WORK/plain"
for f in $(sed -n 's/^- \*\*`\([a-z-]*\).*/\1/p' "$WORK/program-filters"); do
	grep -q "^$f" "$WORK/plain" || fail "--list-filters misses $f"
	grep -q "^\.B $(printf '%s' "$f" | sed 's/-/\\\\-/g')" "$top_builddir/imgbatch.1" ||
		fail "man page misses filter $f"
done
note "ok"
