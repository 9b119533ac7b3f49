#include "config.h"
#include "codec/image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/hex.h"

static bool layout_is_valid(uint32_t channels, uint32_t depth)
{
	return channels >= 1 && channels <= 4 && (depth == 8 || depth == 16);
}

int image_check_size(uint32_t width, uint32_t height, uint32_t channels,
		     uint32_t depth, uint64_t max_pixels, size_t *stride,
		     struct ib_error *err)
{
	uint64_t pixels = (uint64_t)width * height;  /* < 2^64: cannot overflow */
	size_t row, total;

	if (!width || !height)
		return ib_fail(err, "image has no pixels (%ux%u)", width, height);
	if (!layout_is_valid(channels, depth))
		return ib_fail(err, "unsupported image layout: %u channels of %u bits",
			       channels, depth);
	if (max_pixels && pixels > max_pixels)
		return ib_fail(err, "image is %ux%u = %llu pixels, over the limit of %llu (--max-pixels)",
			       width, height, (unsigned long long)pixels,
			       (unsigned long long)max_pixels);
	/* No object may exceed PTRDIFF_MAX: pointer differences must work. */
	if (__builtin_mul_overflow((size_t)width, (size_t)channels * (depth / 8), &row) ||
	    __builtin_mul_overflow(row, (size_t)height, &total) || total > PTRDIFF_MAX)
		return ib_fail(err, "image of %ux%u is too large to fit in memory",
			       width, height);
	*stride = row;
	return 0;
}

int image_alloc(struct image *img, uint32_t width, uint32_t height,
		uint32_t channels, uint32_t depth, uint64_t max_pixels,
		struct ib_error *err)
{
	size_t stride;

	memset(img, 0, sizeof *img);
	if (image_check_size(width, height, channels, depth, max_pixels, &stride, err) < 0)
		return -1;
	/* image_check_size proved that stride * height does not overflow. */
	uint8_t *pixels = malloc(stride * height);
	if (!pixels)
		return ib_fail(err, "out of memory: cannot allocate a %ux%u image (%zu bytes)",
			       width, height, stride * height);
	*img = (struct image) {
		.width = width,
		.height = height,
		.channels = channels,
		.depth = depth,
		.stride = stride,
		.pixels = pixels,
	};
	return 0;
}

void image_free(struct image *img)
{
	free(img->pixels);
	memset(img, 0, sizeof *img);
}

int image_crop(const struct image *src, uint32_t x, uint32_t y, uint32_t w,
	       uint32_t h, struct image *dst, struct ib_error *err)
{
	/* 64-bit sums: x + w cannot wrap. */
	if (!w || !h || (uint64_t)x + w > src->width || (uint64_t)y + h > src->height)
		return ib_fail(err, "crop %ux%u+%u+%u lies outside the %ux%u image",
			       w, h, x, y, src->width, src->height);
	if (image_alloc(dst, w, h, src->channels, src->depth, 0, err) < 0)
		return -1;

	size_t offset = (size_t)x * image_bytes_per_pixel(src);
	size_t row_bytes = (size_t)w * image_bytes_per_pixel(src);
	for (uint32_t r = 0; r < h; r++)
		memcpy(image_row(dst, r), image_row(src, y + r) + offset, row_bytes);
	return 0;
}

/* ---- colours ----------------------------------------------------------------- */

/* "#rgb" (each digit doubled, as in CSS) or "#rrggbb", after the '#'. */
static int parse_hex(const char *s, struct rgb8 *out)
{
	size_t len = strlen(s);
	size_t per = len / 3;
	uint8_t v[3];

	if (len != 3 && len != 6)
		return -1;
	for (size_t c = 0; c < 3; c++) {
		int value = 0;
		for (size_t i = 0; i < per; i++) {
			int d = hex_value(s[c * per + i]);
			if (d < 0)
				return -1;
			value = value * 16 + d;
		}
		v[c] = (uint8_t)(per == 1 ? value * 17 : value);
	}
	*out = (struct rgb8){ v[0], v[1], v[2] };
	return 0;
}

/* One decimal component 0..255 of at most three digits; advances *s. */
static int parse_component(const char **s, uint8_t *out)
{
	unsigned int value = 0;
	int digits = 0;

	while (**s >= '0' && **s <= '9' && digits < 3) {
		value = value * 10 + (unsigned int)(**s - '0');
		(*s)++;
		digits++;
	}
	if (!digits || value > 255 || (**s >= '0' && **s <= '9'))
		return -1;
	*out = (uint8_t)value;
	return 0;
}

/* "R,G,B" in decimal, nothing else (no spaces). */
static int parse_decimal(const char *s, struct rgb8 *out)
{
	uint8_t v[3];

	for (int c = 0; c < 3; c++) {
		if (parse_component(&s, &v[c]) < 0)
			return -1;
		if (*s != (c < 2 ? ',' : '\0'))
			return -1;
		s++;
	}
	*out = (struct rgb8){ v[0], v[1], v[2] };
	return 0;
}

int rgb8_parse(const char *s, struct rgb8 *out)
{
	if (!strcasecmp(s, "white")) {
		*out = (struct rgb8){ 255, 255, 255 };
		return 0;
	}
	if (!strcasecmp(s, "black")) {
		*out = (struct rgb8){ 0, 0, 0 };
		return 0;
	}
	if (s[0] == '#')
		return parse_hex(s + 1, out);
	return parse_decimal(s, out);
}

/* ---- flattening for JPEG --------------------------------------------------------- */

/* A 16-bit sample to 8 bits, rounded to nearest. */
static uint8_t to8(uint32_t v)
{
	return (uint8_t)((v * 255 + 32767) / 65535);
}

/*
 * c over bg with alpha a, 8-bit: (c * a + bg * (255 - a)) / 255, rounded.
 * The quotient is never exactly halfway (255 is odd), so +127 rounds to
 * nearest.
 */
static uint8_t over8(uint32_t c, uint32_t a, uint32_t bg)
{
	return (uint8_t)((c * a + bg * (255 - a) + 127) / 255);
}

/*
 * The same for 16-bit samples, composited at full precision and rounded once
 * to 8 bits: (c * a + bg16 * (65535 - a)) * 255 / 65535^2 with bg16 = bg * 257.
 */
static uint8_t over16(uint64_t c, uint64_t a, uint8_t bg)
{
	const uint64_t max2 = 65535ull * 65535ull;
	uint64_t sum = c * a + (uint64_t)bg * 257 * (65535 - a);
	return (uint8_t)((sum * 255 + max2 / 2) / max2);
}

/* Rec. 709 luma of bg, rounded: the background a gray image is flattened on. */
static uint8_t luma709(struct rgb8 bg)
{
	return (uint8_t)((2126u * bg.r + 7152u * bg.g + 722u * bg.b + 5000) / 10000);
}

/*
 * Writes the colour samples of one pixel (1 or 3) into dst, flattened on
 * bg.  All of src is read before dst is written: they may overlap.
 */
static void flatten_pixel(const uint8_t *src, uint8_t *dst, uint32_t channels,
			  uint32_t depth, const uint8_t *bg)
{
	uint32_t colours = channels >= 3 ? 3 : 1;
	uint32_t s[4];

	for (uint32_t i = 0; i < channels; i++)
		s[i] = image_sample(src, depth, i);
	for (uint32_t i = 0; i < colours; i++) {
		if (channels == colours)
			dst[i] = depth == 16 ? to8(s[i]) : (uint8_t)s[i];
		else if (depth == 16)
			dst[i] = over16(s[i], s[colours], bg[i]);
		else
			dst[i] = over8(s[i], s[colours], bg[i]);
	}
}

/* dst (allocated here) gets src's pixels as 8-bit RGB (channels 3) or RGBA
 * (channels 4; opaque when src has no alpha). */
static int copy_to_8bit_colour(const struct image *src, struct image *dst, uint32_t channels,
			       struct ib_error *err)
{
	bool alpha = image_has_alpha(src);
	uint32_t colours = src->channels >= 3 ? 3 : 1;
	if (!layout_is_valid(src->channels, src->depth))
		return ib_fail(err, "unsupported image layout: %u channels of %u bits",
			       src->channels, src->depth);
	if (image_alloc(dst, src->width, src->height, channels, 8, 0, err) < 0)
		return -1;
	size_t in_bpp = image_bytes_per_pixel(src);
	for (uint32_t y = 0; y < src->height; y++) {
		const uint8_t *s = image_row(src, y);
		uint8_t *d = image_row(dst, y);
		for (uint32_t x = 0; x < src->width; x++, s += in_bpp, d += dst->channels) {
			for (uint32_t c = 0; c < dst->channels; c++) {
				if (c == 3 && !alpha) {
					d[c] = 255;
					continue;
				}
				/* gray repeats; alpha is the source's last sample */
				uint32_t i = c == 3 ? src->channels - 1 : colours == 1 ? 0 : c;
				uint32_t v = image_sample(s, src->depth, i);
				d[c] = src->depth == 16 ? to8(v) : (uint8_t)v;
			}
		}
	}
	return 0;
}

int image_copy_rgb8(const struct image *src, struct image *dst, struct ib_error *err)
{
	return copy_to_8bit_colour(src, dst, image_has_alpha(src) ? 4 : 3, err);
}

int image_copy_rgba8(const struct image *src, struct image *dst, struct ib_error *err)
{
	return copy_to_8bit_colour(src, dst, 4, err);
}

/*
 * Works in place: each output pixel is no larger than its input pixel and
 * the output stride no larger than the input stride, so every write lands
 * at or before the bytes still to be read.  The buffer keeps its size.
 */
int image_prepare_for_jpeg(struct image *img, struct rgb8 bg, struct ib_error *err)
{
	uint32_t colours = img->channels >= 3 ? 3 : 1;
	uint8_t bg_samples[3] = { bg.r, bg.g, bg.b };

	if (colours == 1)
		bg_samples[0] = luma709(bg);

	if (!layout_is_valid(img->channels, img->depth))
		return ib_fail(err, "unsupported image layout: %u channels of %u bits",
			       img->channels, img->depth);
	if (img->depth == 8 && img->channels == colours)
		return 0;

	size_t in_bpp = image_bytes_per_pixel(img);
	size_t stride = (size_t)img->width * colours;
	for (uint32_t y = 0; y < img->height; y++) {
		const uint8_t *src = image_row(img, y);
		uint8_t *dst = img->pixels + (size_t)y * stride;
		for (uint32_t x = 0; x < img->width; x++, src += in_bpp, dst += colours)
			flatten_pixel(src, dst, img->channels, img->depth, bg_samples);
	}
	img->channels = colours;
	img->depth = 8;
	img->stride = stride;
	return 0;
}
