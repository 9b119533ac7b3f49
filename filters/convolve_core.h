/*
 * Convolution machinery shared by the neighbourhood filters (blur, sharpen,
 * unsharp, edge, emboss, convolve).  Everything works on a struct fimage,
 * filters every channel including alpha (callers premultiply colours, see
 * fimage_from_image) and repeats the border pixels beyond the edges, like
 * ImageMagick's default virtual-pixel method "edge".
 */
#ifndef IMGBATCH_FILTER_CONVOLVE_CORE_H
#define IMGBATCH_FILTER_CONVOLVE_CORE_H

#include <stdint.h>

#include "filters/args.h"
#include "util/error.h"
#include "filters/pixels.h"

/* The largest sigma the Gaussian filters accept. */
#define CONV_SIGMA_MAX 1000.0

/*
 * From this sigma on, conv_gaussian (with radius 0) replaces the exact kernel
 * by CONV_BOXES box filters: the exact kernel costs 2*ceil(3*sigma)+1 taps a
 * pixel, the boxes a constant.  Measured on 4000x3000 images of 1 to 4
 * channels, the two cost the same near sigma 3.5.
 */
#define CONV_BOX_SIGMA 3.5
#define CONV_BOXES 4

/*
 * arg_number, but a leading "0x" is the number 0 followed by 'x' (as in
 * "0x1+1+0.05" or "0x3:...") where strtod would read a hexadecimal number.
 */
int conv_number(struct arg_scan *s, const char *param, double *out);

/* Fails "FILTER: sigma must be > 0, got V" (or "<= 1000") for a bad sigma. */
int conv_check_sigma(struct arg_scan *s, double sigma);

/* The largest explicit radius: the one sigma 1000 gets automatically. */
#define CONV_RADIUS_MAX 3000

/*
 * Reads SIGMA alone or ImageMagick's RADIUSxSIGMA (either part may be left
 * out: "x1.5", "3x") into *radius (left as it is when absent; 0 means
 * automatic) and *sigma (likewise), and checks both.  The caller checks the
 * end of the arguments.
 */
int conv_radius_sigma(struct arg_scan *s, double *radius, double *sigma);

/*
 * Runs op on a float copy of img, colours premultiplied by alpha when img has
 * alpha, and writes the result back into img (same size and layout).
 */
int conv_run(struct image *img, int (*op)(struct fimage *f, const void *ctx, struct ib_error *err),
	     const void *ctx, struct ib_error *err);

/* Allocates dst as a copy of src. */
int conv_copy(const struct fimage *src, struct fimage *dst, struct ib_error *err);

/* Replaces f's samples by those of g (same size), freeing the old ones and
 * leaving g empty. */
void conv_take(struct fimage *f, struct fimage *g);

/*
 * Blurs every channel of f in place with a Gaussian of standard deviation
 * sigma (> 0), separably.  radius 0 picks the kernel: for sigma below
 * CONV_BOX_SIGMA the sampled, normalised Gaussian exp(-i^2 / (2 sigma^2)),
 * |i| <= ceil(3 sigma); from CONV_BOX_SIGMA on, CONV_BOXES successive
 * "extended" box filters (a box with fractional end weights) whose variances
 * add up to exactly sigma^2.  radius > 0 forces the sampled Gaussian cut at
 * |i| <= radius.
 */
int conv_gaussian(struct fimage *f, double sigma, uint32_t radius, struct ib_error *err);

/* The centre weight of the normalised 1-D sampled Gaussian of sigma cut at
 * |i| <= radius, or at ceil(3 sigma) when radius is 0 (the kernel
 * conv_gaussian uses below CONV_BOX_SIGMA). */
double conv_gaussian_centre(double sigma, uint32_t radius);

/*
 * 2-D correlation with a kw x kh kernel (both odd, row-major, centred):
 * out(x, y) = sum over i, j of k[j * kw + i] * in(x + i - kw/2, y + j - kh/2).
 * Allocates out (free it with fimage_free); every channel is filtered.
 */
int conv_2d(const struct fimage *in, const float *k, uint32_t kw, uint32_t kh,
	    struct fimage *out, struct ib_error *err);

#endif
