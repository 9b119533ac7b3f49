#!/bin/sh
# --timeout: a file that takes too long fails with "timed out after N s",
# its worker is replaced, and the files behind it in the same chunk are done
# by the new worker; no temp file is left.
. "$(dirname "$0")/lib.sh"

make_fixtures "$WORK/s"
# Small inputs are quick under the options below; the 1024x768 photo,
# enlarged to 4096x3072 and median-filtered over 101x101 windows, takes
# minutes.
"$IMGBATCH" -o "$WORK/tiny" -r 16x16 --quiet "$WORK/s/photo.jpg" "$WORK/s/palette.png" \
	"$WORK/s/orientation-1.jpg" "$WORK/s/gray16.png"
cp "$WORK/s/photo.jpg" "$WORK/slow.jpg"
printf '%s\n' "$WORK/tiny/photo.jpg" "$WORK/tiny/palette.png" "$WORK/slow.jpg" \
	"$WORK/tiny/orientation-1.jpg" "$WORK/tiny/gray16.png" >"$WORK/list"

start=$(date +%s)
run_imgbatch 1 -o "$WORK/out" -r 400% -f median=50 -j1 --chunk 5 --timeout "$QUICK_TIMEOUT" --json \
	--files-from "$WORK/list"
elapsed=$(( $(date +%s) - start ))
[ "$elapsed" -lt $((QUICK_TIMEOUT + 14)) ] ||
	fail "the watchdog took $elapsed s to stop a $QUICK_TIMEOUT s file"
assert_eq "$(json_summary done)" 4 "the files around the stuck one"
assert_eq "$(json_summary failed)" 1 "the stuck file"
grep '"status":"failed"' "$WORK/out.txt" | grep -F "\"input\":\"$WORK/slow.jpg\"" |
	grep -qF "\"reason\":\"timed out after $QUICK_TIMEOUT s\"" || fail "no timeout reason for slow.jpg"
assert_contains "$WORK/err.txt" "slow.jpg: timed out after $QUICK_TIMEOUT s"
# -j1: the files after the stuck one were done by a replacement worker.
first=$(grep -F 'tiny/palette.png' "$WORK/out.txt" | sed -n 's/.*"worker":\([0-9]*\).*/\1/p')
after=$(grep -F 'tiny/orientation-1.jpg' "$WORK/out.txt" | sed -n 's/.*"worker":\([0-9]*\).*/\1/p')
[ -n "$first" ] && [ -n "$after" ] && [ "$first" != "$after" ] ||
	fail "expected a new worker after the timeout (workers '$first' and '$after')"
for f in photo.jpg palette.png orientation-1.jpg gray16.png; do
	# --files-from mirrors the whole (absolute) path under -o
	assert_eq "$(image_size "$WORK/out$WORK/tiny/$f")" \
		"$(image_size "$WORK/tiny/$f" | awk '{ print $1 * 4, $2 * 4 }')" "$f enlarged 4x"
done
no_temp_files "$WORK/out"

# --timeout 0 means no limit, and bad values are usage errors.
run_imgbatch 0 -o "$WORK/out0" --timeout 0 --quiet "$WORK/tiny/palette.png"
run_imgbatch 2 -o "$WORK/out0" --timeout -1 "$WORK/tiny/palette.png"
assert_contains "$WORK/err.txt" "invalid --timeout '-1'"
run_imgbatch 2 -o "$WORK/out0" --timeout 1s "$WORK/tiny/palette.png"
note "ok (stopped after $elapsed s)"
