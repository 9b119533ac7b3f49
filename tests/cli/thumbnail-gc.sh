#!/bin/sh
# imgbatch thumbnail --gc: entries whose original is gone, or changed in
# mtime or (same mtime) in size, are removed; fail entries of every program
# older than --max-age go; then the least recently used thumbnails until the
# size folders fit --max-size.  Checking an entry does not count as using it
# (its atime is kept).  Symlinks are never followed and nothing outside the
# size folders and fail/ is touched.  Counts and bytes freed in text and
# JSON.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME="$WORK/cache"
CACHE=$XDG_CACHE_HOME/thumbnails
IN=$WORK/photos
make_fixtures "$WORK/gen"
mkdir "$IN"
for f in photo.jpg rgba-soft.png text-edges.png zoneplate.png; do cp "$WORK/gen/$f" "$IN/"; done
cp "$WORK/gen/corrupt.jpg" "$IN/broken.jpg"
run_imgbatch 1 thumbnail --size normal,large "$IN"

# The entry of an original in a size folder.
entry() {
	printf '%s' "file://$IN/$2" | md5sum | sed "s|^\([0-9a-f]*\).*|$CACHE/$1/\1.png|"
}
bytes_of() {
	total=0
	for f; do total=$((total + $(stat -c %s "$f"))); done
	echo $total
}

# Usage errors.
run_imgbatch 2 thumbnail --max-size 1M
assert_contains "$WORK/err.txt" "--max-size and --max-age go with --gc"
run_imgbatch 2 thumbnail --gc --clean
run_imgbatch 2 thumbnail --gc --max-size 12Q
run_imgbatch 2 thumbnail --gc --max-age -1

# What --gc must leave alone: a symlink in a size folder to an outside copy
# of an entry whose original will be gone, a symlinked folder under fail/
# holding such a copy, and a stale PNG at the cache's root.
mkdir "$WORK/outside"
cp "$(entry normal photo.jpg)" "$WORK/outside/stale.png"
ln -s "$WORK/outside/stale.png" "$CACHE/normal/0123456789abcdef0123456789abcdef.png"
ln -s "$WORK/outside" "$CACHE/fail/linked"
cp "$(entry normal photo.jpg)" "$CACHE/stale-at-root.png"
touch -d '400 days ago' "$WORK/outside/stale.png"

# Gone (photo.jpg) and changed in size only, its mtime put back (zoneplate).
gone_bytes=$(bytes_of "$(entry normal photo.jpg)" "$(entry large photo.jpg)" \
	"$(entry normal zoneplate.png)" "$(entry large zoneplate.png)")
rm "$IN/photo.jpg"
touch -r "$IN/zoneplate.png" "$WORK/mtime"
printf 'x' >>"$IN/zoneplate.png"
touch -r "$WORK/mtime" "$IN/zoneplate.png"
# An entry not used for ten days: checking it must not make it used.
kept=$(entry large text-edges.png)
touch -a -d '10 days ago' "$kept"
atime=$(stat -c %X "$kept")

run_imgbatch 0 thumbnail --gc --json
assert_eq "$(grep -c '"type":"gc","status":"removed".*"reason":"original gone","bytes":' \
	"$WORK/out.txt")" 2 "entries of the gone original"
assert_eq "$(grep -c '"type":"gc","status":"removed".*"reason":"original changed"' \
	"$WORK/out.txt")" 2 "entries of the original changed in size only"
assert_contains "$WORK/out.txt" \
	"{\"type\":\"gc_summary\",\"removed\":4,\"kept\":5,\"foreign\":0,\"errors\":0,\"bytes_freed\":$gone_bytes,"
assert_contains "$WORK/err.txt" "imgbatch: --gc: 4 entries removed ("
assert_eq "$(stat -c %X "$kept")" "$atime" "atime of a checked entry"
[ -f "$WORK/outside/stale.png" ] || fail "--gc followed a symlink in a size folder"
[ -L "$CACHE/normal/0123456789abcdef0123456789abcdef.png" ] || fail "--gc removed a symlink"
[ -f "$CACHE/stale-at-root.png" ] || fail "--gc touched a file outside the size folders"

# --max-age: fail entries of every program, by their age.
own=$(find "$CACHE/fail" -path '*/imgbatch-*' -name '*.png')
mkdir -m 700 "$CACHE/fail/gnome-thumbnail-factory"
cp "$own" "$CACHE/fail/gnome-thumbnail-factory/"
touch -d '40 days ago' "$CACHE/fail/gnome-thumbnail-factory/"*.png
run_imgbatch 0 thumbnail --gc --max-age 30 --json
assert_eq "$(grep -c '"reason":"fail entry older than --max-age"' "$WORK/out.txt")" 1 "aged fail entries"
assert_contains "$WORK/out.txt" '"entry":"'"$CACHE/fail/gnome-thumbnail-factory/"
[ -f "$own" ] || fail "a recent fail entry was aged out"
[ -f "$WORK/outside/stale.png" ] || fail "--gc followed a symlinked folder under fail/"

# --max-size: rgba-soft was used an hour ago, text-edges ten days ago (its
# entries' mtimes, the last use when atime is older, are older still): the
# latter go first, until the size folders hold what rgba-soft's take.
for f in rgba-soft.png text-edges.png; do
	touch -d '20 days ago' "$(entry normal $f)" "$(entry large $f)"
done
touch -a -d '1 hour ago' "$(entry normal rgba-soft.png)" "$(entry large rgba-soft.png)"
touch -a -d '10 days ago' "$(entry normal text-edges.png)" "$(entry large text-edges.png)"
fit=$(bytes_of "$(entry normal rgba-soft.png)" "$(entry large rgba-soft.png)")
freed=$(bytes_of "$(entry normal text-edges.png)" "$(entry large text-edges.png)")
run_imgbatch 0 thumbnail --gc --max-size "$fit"
assert_contains "$WORK/err.txt" "imgbatch: --gc: 2 entries removed ("
[ ! -e "$(entry large text-edges.png)" ] && [ ! -e "$(entry normal text-edges.png)" ] ||
	fail "the least recently used thumbnails were kept"
[ -f "$(entry large rgba-soft.png)" ] && [ -f "$(entry normal rgba-soft.png)" ] ||
	fail "recently used thumbnails were removed"
run_imgbatch 0 thumbnail --gc --max-size "$fit" --json
assert_contains "$WORK/out.txt" '"removed":0,'
# One byte less: the older of rgba-soft's two entries goes.
run_imgbatch 0 thumbnail --gc --max-size $((fit - 1)) --json
assert_eq "$(grep -c '"reason":"least recently used"' "$WORK/out.txt")" 1 "removed to fit"
assert_contains "$WORK/out.txt" '"bytes_freed":'
[ -f "$WORK/outside/stale.png" ] && [ -f "$CACHE/stale-at-root.png" ] ||
	fail "--max-size touched files outside the size folders"
note "freed $gone_bytes bytes of stale entries, then $freed bytes of unused ones"
