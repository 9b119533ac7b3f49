/*
 * Layout-independent pixel access for filters.  Two ways in:
 *  - point operations map each colour sample through a curve, built once into
 *    a lookup table of 2^depth entries (image_apply_curve);
 *  - neighbourhood operations work on a float copy (struct fimage) with values
 *    in 0..1 and, where alpha matters, colours premultiplied by alpha.
 * Geometric operations move whole pixels and need neither.
 */
#ifndef IMGBATCH_FILTER_PIXELS_H
#define IMGBATCH_FILTER_PIXELS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"
#include "codec/image.h"

/* The largest sample value: 255 or 65535. */
static inline uint32_t image_sample_max(const struct image *img)
{
	return img->depth == 16 ? 65535u : 255u;
}

/* Colour channels: all but alpha. */
static inline uint32_t image_colour_channels(const struct image *img)
{
	return image_has_alpha(img) ? img->channels - 1 : img->channels;
}

/* Sample c of pixel x in row (either depth). */
static inline uint32_t sample_get(const struct image *img, const uint8_t *row, uint32_t x,
				  uint32_t c)
{
	size_t i = (size_t)x * img->channels + c;
	return img->depth == 16 ? ((const uint16_t *)row)[i] : row[i];
}

static inline void sample_set(const struct image *img, uint8_t *row, uint32_t x, uint32_t c,
			      uint32_t v)
{
	size_t i = (size_t)x * img->channels + c;
	if (img->depth == 16)
		((uint16_t *)row)[i] = (uint16_t)v;
	else
		row[i] = (uint8_t)v;
}

/* Rounds v (0..1, clamped) to a sample of max. */
uint32_t sample_from_unit(double v, uint32_t max);

/*
 * Maps every colour sample (not alpha) through curve, which takes and returns
 * values in 0..1 (results are clamped and rounded to the nearest sample).
 */
int image_apply_curve(struct image *img, double (*curve)(double v, const void *ctx),
		      const void *ctx, struct ib_error *err);

/* A float image: interleaved, channels as in the source. */
struct fimage {
	uint32_t width, height, channels;
	bool premultiplied;
	float *data;
};

static inline float *fimage_pixel(const struct fimage *f, uint32_t x, uint32_t y)
{
	return f->data + ((size_t)y * f->width + x) * f->channels;
}

/* Allocates an uninitialised w x h float image of channels channels. */
int fimage_alloc(struct fimage *f, uint32_t w, uint32_t h, uint32_t channels,
		 struct ib_error *err);

/* Converts img to 0..1 floats; with premultiply and alpha present, colours
 * are multiplied by alpha. */
int fimage_from_image(const struct image *img, bool premultiply, struct fimage *out,
		      struct ib_error *err);

/* Writes f back into img (same width, height and channels), undoing the
 * premultiplication, clamping and rounding to img's depth. */
void fimage_to_image(const struct fimage *f, struct image *img);

void fimage_free(struct fimage *f);

#endif
