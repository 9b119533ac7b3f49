/*
 * Separable resampling of 8-bit gray and RGB images: the fast path of
 * resize.c.  Its kernels are stb_image_resize's (stb stays the reference:
 * tests/check_resize.c holds it to >= 45 dB PSNR against stb) and Lanczos 2
 * and 3, which stb lacks (held to a plain double-precision resampler in the
 * test), with the same
 * pixel-centre mapping and edge clamping, but it applies the weights in
 * single precision four samples at a time (SSE2 where it exists) and
 * remembers the weights of the last few axis sizes, so a worker resizing
 * many images of one size computes them once.
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

/* Whether resample_u8 can resize src: 8-bit samples, no alpha channel. */
bool resample_u8_applies(const struct image *src);

/*
 * Resizes src into dst, which the caller has allocated at the target size
 * with src's channels and depth; filter_x and filter_y filter each axis.
 * Fails only when its working memory cannot be allocated.
 */
int resample_u8(const struct image *src, struct image *dst, enum resample_filter filter_x,
		enum resample_filter filter_y, struct ib_error *err);

#endif
