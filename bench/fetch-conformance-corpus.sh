#!/bin/sh
# Real HEIC/HEIF, AVIF, WebP, GIF, TIFF, JPEG XL and RAW files for
# bench/conformance.sh, taken from the test data that Debian's source and
# -testdata packages ship (the formats' own projects, and programs that read
# them).  Each file goes to DEST/PACKAGE/PATH-IN-PACKAGE; DEST/SOURCES.txt
# says for each its package, version and licence (the DEP-5 stanza of the
# package's debian/copyright that covers it; copies under DEST/licences/).
# Nothing here belongs in the repository.
# Usage: bench/fetch-conformance-corpus.sh [DEST]   (default /tmp/conformance)
# Needs: apt-get and dpkg-deb, and the apt archive this machine already uses
# (source packages come through a private deb-src list under DEST/.apt, so
# the system's apt configuration is not touched; binary ones as usual).
#
# The npm registry was tried too: the current releases of image-size,
# file-type, exifreader, heic-decode, libheif-js, probe-image-size, utif,
# gifuct-js, jimp, tiff, geotiff, heic-convert, heic-to and others publish no
# test images (their fixtures stay in their repositories), so none come from it.
set -eu
dest=$(realpath -m "${1:-/tmp/conformance}")
apt=$dest/.apt
mkdir -p "$apt/lists/partial" "$apt/cache" "$apt/dl" "$dest/licences"

# Source packages, then binary packages, that ship sample images.
SOURCE_PKGS="libheif kimageformats exiv2 giflib tiff libwebp vips pillow"
BINARY_PKGS="libjxl-testdata golang-golang-x-image-dev librust-tiff-dev"
# Extensions of the formats under test (matched without regard to case).
EXTS='heic|heif|avif|webp|gif|tif|tiff|jxl|dng|cr2|cr3|nef|arw|orf|rw2|raf|pef|srw'

# deb-src lines for the archive and release the system's own sources name.
write_source_list() {
	uri=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	[ -n "$uri" ] || uri=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list)
	codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $codename main" \
		>"$apt/sources.list"
}

# APT::Sandbox::User: the private directories are root's, not _apt's
apt_private() {
	apt-get -q -o APT::Sandbox::User=root -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" "$@"
}

# licence_table COPYRIGHT: "GLOB<TAB>LICENCE" for each Files: stanza of a
# DEP-5 copyright file, in file order (a later stanza wins, as DEP-5 says).
licence_table() {
	awk '/^Files:/ { sub(/^Files: */, ""); files = $0; more = 1; next }
		more && /^[ \t]/ { files = files " " $0; next }
		{ more = 0 }
		/^License:/ && files != "" { sub(/^License: */, ""); n = split(files, g, /[ \t]+/)
			for (i = 1; i <= n; i++) if (g[i] != "") print g[i] "\t" $0
			files = "" }' "$1"
}

# licence_of PATH TABLE PKG: the licence of the last glob in TABLE matching
# PATH; a copyright file that is not DEP-5 is pointed to instead.
licence_of() {
	found="see licences/$3.copyright"
	while IFS='	' read -r glob lic; do
		# shellcheck disable=SC2254 # the glob is the pattern
		case $1 in $glob) [ -z "$lic" ] || found=$lic ;; esac
	done <"$2"
	echo "$found"
}

# collect PKG VERSION ROOT TABLE: copy the images under ROOT to DEST/PKG and
# record them.  Fuzzers' crash cases (oss-fuzz) are not real files: left out.
collect() {
	(cd "$3" && find . -type f ! -path '*/oss-fuzz/*' | sed 's|^\./||' |
		grep -iE "\.($EXTS)\$") | while IFS= read -r rel; do
		mkdir -p "$dest/$1/$(dirname "$rel")"
		cp "$3/$rel" "$dest/$1/$rel"
		printf '%s/%s\t%s %s\t%s\n' "$1" "$rel" "$1" "$2" "$(licence_of "$rel" "$4" "$1")" \
			>>"$dest/SOURCES.txt"
	done
}

fetch_source() {
	rm -rf "$apt/x" && mkdir -p "$apt/x"
	(cd "$apt/dl" && apt_private source --download-only "$1" >/dev/null)
	dsc=$(ls "$apt/dl/$1"_*.dsc | head -n1)
	version=$(sed -n 's/^Version: //p' "$dsc")
	for t in "$apt/dl/$1"_*.orig.tar.* "$apt/dl/$1"_*.debian.tar.*; do
		case $t in *.asc) continue ;; esac
		tar -xaf "$t" -C "$apt/x"
	done
	cp "$apt/x/debian/copyright" "$dest/licences/$1.copyright"
	licence_table "$apt/x/debian/copyright" >"$apt/table"
	rm -rf "$apt/x/debian"
	# the orig tarball's single top directory is the source root
	collect "$1" "$version" "$apt/x"/*/ "$apt/table"
}

fetch_binary() {
	rm -rf "$apt/x" && mkdir -p "$apt/x"
	(cd "$apt/dl" && apt-get -q -o APT::Sandbox::User=root download "$1" >/dev/null)
	deb=$(ls "$apt/dl/$1"_*.deb | head -n1)
	version=$(dpkg-deb -f "$deb" Version)
	dpkg-deb -x "$deb" "$apt/x"
	cp "$apt/x/usr/share/doc/$1/copyright" "$dest/licences/$1.copyright"
	licence_table "$apt/x/usr/share/doc/$1/copyright" >"$apt/table"
	collect "$1" "$version" "$apt/x/usr" "$apt/table"
}

write_source_list
apt_private update >/dev/null
printf 'FILE\tPACKAGE VERSION (Debian)\tLICENCE\n' >"$dest/SOURCES.txt"
for p in $SOURCE_PKGS; do rm -rf "${dest:?}/$p"; fetch_source "$p"; done
for p in $BINARY_PKGS; do rm -rf "${dest:?}/$p"; fetch_binary "$p"; done
rm -rf "$apt/x"
echo "$(($(wc -l <"$dest/SOURCES.txt") - 1)) files in $dest (origins: $dest/SOURCES.txt)"
