#!/bin/sh
# Installs what imgbatch needs on Debian 12 (run as root; only missing
# packages are installed), then builds it.  Extra arguments go to configure,
# e.g. ./setup.sh --enable-sanitizers.
set -e
cd "$(dirname "$0")"

# Build: compiler, autotools, codecs (libraw: camera RAW previews), stb, libmd (MD5 for thumbnail names),
# Little CMS 2 (ICC profiles to sRGB), libimagequant (--palette), Check.
# Tests: ImageMagick is the independent oracle some end-to-end tests compare
# pixels with; python3-gi and GNOME's thumbnail factory check that the
# cache we write is accepted;
# junitparser, xmllint and Chromium check compare's reports; heif-enc and
# heif-convert (libheif-examples), cjxl and djxl (libjxl-tools) make and
# check the HEIC, AVIF and JPEG XL fixtures; simple_dcraw (libraw-bin) takes
# the preview out of the DNG fixtures; vips and vipsthumbnail
# (libvips-tools) are the oracle tests/cli/kernels.sh holds the default
# kernel to; scikit-image (python3-skimage) the one compare's SSIM is held
# to (tests/cli/compare-ssim.sh); exiftool (libimage-exiftool-perl) tags and
# reads the metadata of tests/cli/metadata.sh.  clang and its
# runtime build the libFuzzer harnesses (make fuzz); valgrind runs
# make check-valgrind; Slurm and munge run a real job array in
# tests/cli/slurm.sh (its own daemons, started and stopped by the test).
packages="build-essential autoconf automake libtool pkgconf libpng-dev
libjpeg62-turbo-dev libstb-dev libmd-dev liblcms2-dev libdeflate-dev libimagequant-dev libwebp-dev libgif-dev libsystemd-dev
libtiff-dev libheif-dev libjxl-dev libraw-dev check imagemagick libjpeg-turbo-progs libraw-bin
libheif-examples libjxl-tools libvips-tools icc-profiles-free libimage-exiftool-perl python3-gi gir1.2-gnomedesktop-3.0 python3-junitparser libxml2-utils chromium
python3-skimage
clang libclang-rt-14-dev valgrind munge slurmctld slurmd slurm-client bash-completion dbus tumbler"
# imgbatch compare's tests run pixelmatch and puppeteer-core from npm; a node
# from elsewhere (e.g. NodeSource) is kept when it brings npm.
command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"

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
