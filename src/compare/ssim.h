/*
 * imgbatch compare --metric ssim: the structural similarity index of Wang,
 * Bovik, Sheikh and Simoncelli (2004), computed as scikit-image's
 * structural_similarity(gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=255) computes it on two gray
 * images:
 *
 *  - gray: Y' = 0.299 R + 0.587 G + 0.114 B (Rec. 601) of the 8-bit values
 *    as compare_images sees them, in double precision, unrounded; a
 *    translucent pixel is first composited onto white (c a / 255 +
 *    255 - a);
 *  - local means, variances and covariance: a Gaussian of sigma 1.5
 *    truncated at 3.5 sigma (11 taps, weights normalised to sum 1), applied
 *    along rows and columns, the image mirrored at its edges (scipy's
 *    "reflect": d c b a | a b c d);
 *  - S = (2 ux uy + C1)(2 vxy + C2) / ((ux^2 + uy^2 + C1)(vx + vy + C2)),
 *    C1 = (0.01 * 255)^2, C2 = (0.03 * 255)^2;
 *  - the mean SSIM is the mean of S without its 5-pixel border.
 */
#ifndef IMGBATCH_COMPARE_SSIM_H
#define IMGBATCH_COMPARE_SSIM_H

#include <stdint.h>

#include "codec/image.h"
#include "util/error.h"

/* Images smaller than the window on either side have no SSIM. */
#define SSIM_MIN_SIDE 11

/*
 * The mean SSIM of two images of the same size, at least SSIM_MIN_SIDE
 * pixels on each side.  ignore (width * height bytes, nonzero = ignored, or
 * NULL) makes actual's gray equal expected's there.  If map is not NULL, the
 * SSIM map is drawn into it (8-bit RGBA: white where S >= 1, red as S falls
 * to 0 and below; ignored pixels grey).
 */
int compare_ssim(const struct image *expected, const struct image *actual,
		 const uint8_t *ignore, struct image *map, double *mean, struct ib_error *err);

#endif
