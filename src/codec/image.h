/* struct image: an uncompressed raster and the checked arithmetic around it. */
#ifndef IMGBATCH_CODEC_IMAGE_H
#define IMGBATCH_CODEC_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/error.h"

/* Default refusal threshold for --max-pixels: 256 megapixels. */
#define IMAGE_DEFAULT_MAX_PIXELS (256ULL * 1000 * 1000)

/*
 * Interleaved samples, rows top to bottom.  channels: 1 gray, 2 gray+alpha,
 * 3 RGB, 4 RGBA (alpha last, straight i.e. not premultiplied).  depth: 8 or 16
 * bits per sample; 16-bit samples are native-endian uint16_t.  The image owns
 * pixels (malloc'd); stride >= width * channels * depth / 8.
 */
struct image {
	uint32_t width, height;
	uint32_t channels;
	uint32_t depth;
	size_t stride;
	uint8_t *pixels;
};

static inline bool image_has_alpha(const struct image *img)
{
	return img->channels == 2 || img->channels == 4;
}

static inline size_t image_bytes_per_pixel(const struct image *img)
{
	return (size_t)img->channels * (img->depth / 8);
}

static inline uint8_t *image_row(const struct image *img, uint32_t y)
{
	return img->pixels + (size_t)y * img->stride;
}

/* Sample i of the pixel at p, 8 or 16 bits deep. */
static inline uint32_t image_sample(const uint8_t *p, uint32_t depth, uint32_t i)
{
	if (depth == 16) {
		uint16_t v;
		memcpy(&v, p + 2 * i, sizeof v);
		return v;
	}
	return p[i];
}

/* Stores v as sample i of the pixel at p. */
static inline void image_store_sample(uint8_t *p, uint32_t depth, uint32_t i, uint32_t v)
{
	if (depth == 16) {
		uint16_t s = (uint16_t)v;
		memcpy(p + 2 * i, &s, sizeof s);
	} else {
		p[i] = (uint8_t)v;
	}
}

/*
 * Checks that a width x height image fits max_pixels (0 = no limit) and that
 * its byte size fits size_t; stores the row stride.  Call before allocating.
 */
int image_check_size(uint32_t width, uint32_t height, uint32_t channels,
		     uint32_t depth, uint64_t max_pixels, size_t *stride,
		     struct ib_error *err);

/* Allocates img (pixels uninitialised) after image_check_size. */
int image_alloc(struct image *img, uint32_t width, uint32_t height,
		uint32_t channels, uint32_t depth, uint64_t max_pixels,
		struct ib_error *err);

/* Frees pixels and zeroes img; safe on a zeroed image. */
void image_free(struct image *img);

/* Copies the rectangle (x, y, w, h), which must lie inside src, into dst. */
int image_crop(const struct image *src, uint32_t x, uint32_t y, uint32_t w,
	       uint32_t h, struct image *dst, struct ib_error *err);

/* 8-bit RGB colour for flattening alpha (--background). */
struct rgb8 {
	uint8_t r, g, b;
};

/* Parses "white", "black", "#rgb", "#rrggbb" or "R,G,B" (0-255 each). */
int rgb8_parse(const char *s, struct rgb8 *out);

/*
 * dst (allocated here) is src as 8-bit RGB, or RGBA when src has alpha:
 * gray is repeated into the three colours, 16-bit samples are rounded.
 * For encoders that take 8-bit RGB(A) only.
 */
int image_copy_rgb8(const struct image *src, struct image *dst, struct ib_error *err);
/* The same as 8-bit RGBA always (alpha 255 where src has none). */
int image_copy_rgba8(const struct image *src, struct image *dst, struct ib_error *err);

/*
 * Converts img in place so that it fits a JPEG: 16-bit samples become 8-bit
 * (rounded), alpha is composited over bg.  Gray stays gray, colour stays RGB.
 */
int image_prepare_for_jpeg(struct image *img, struct rgb8 bg, struct ib_error *err);

#endif
