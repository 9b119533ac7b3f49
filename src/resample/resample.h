/*
 * Separable resampling, imgbatch's own: every layout resize.c takes, in
 * gamma-encoded values or linear light.  Its kernels are stb_image_resize's
 * (stb stays the reference: tests/check_resize.c holds it to >= 45 dB PSNR
 * against stb) and Lanczos 2 and 3, which stb lacks (held to a plain
 * double-precision resampler in the test), with stb's pixel-centre mapping,
 * edge clamping and premultiplied alpha.  It applies the weights in single
 * precision four samples at a time (SSE2 where it exists) and remembers the
 * weights of the last few axis sizes, so a worker resizing many images of
 * one size computes them once.
 */
#ifndef IMGBATCH_RESAMPLE_RESAMPLE_H
#define IMGBATCH_RESAMPLE_RESAMPLE_H

#include "util/error.h"
#include "codec/image.h"

enum resample_filter {
	RESAMPLE_BOX,           /* area coverage; the identity at 1:1 */
	RESAMPLE_TRIANGLE,
	RESAMPLE_CUBIC_BSPLINE,
	RESAMPLE_CATMULLROM,
	RESAMPLE_MITCHELL,
	RESAMPLE_LANCZOS2,      /* sinc(x) sinc(x/2), |x| < 2 */
	RESAMPLE_LANCZOS3,      /* sinc(x) sinc(x/3), |x| < 3 */
};

/*
 * Resizes src (1 to 4 channels of 8 or 16 bits; the 2nd or 4th is alpha)
 * into dst, which the caller has allocated at the target size with src's
 * channels and depth; filter_x and filter_y filter each axis.  Alpha is
 * premultiplied while filtering.  linear: filter in linear light (the
 * colours sRGB-decoded first and encoded again after; alpha as it is).
 * Fails only when its working memory cannot be allocated.
 */
int resample_image(const struct image *src, struct image *dst, enum resample_filter filter_x,
		   enum resample_filter filter_y, bool linear, struct ib_error *err);

#endif
