#!/bin/sh
# Installs what imgbatch needs on Debian 12 (run as root; only missing
# packages are installed), then builds it.  Extra arguments go to configure,
# e.g. ./setup.sh --enable-sanitizers.
set -e
cd "$(dirname "$0")"

# Build: compiler, autotools, codecs, stb, Check.  Tests: ImageMagick is the
# independent oracle some end-to-end tests compare pixels with.
packages="build-essential autoconf automake libtool pkgconf libpng-dev
libjpeg62-turbo-dev libstb-dev check imagemagick"

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

[ -x configure ] || ./autogen.sh
if [ ! -f Makefile ] || [ $# -gt 0 ]; then
	./configure "$@"
fi
make -j"$(nproc)"
