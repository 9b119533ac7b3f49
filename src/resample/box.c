#include "config.h"
#include "resample/box.h"

#include <stdlib.h>
#include <string.h>

/* Adds one input row into the sums of the output row: per output pixel,
 * per channel; colour sums are weighted by alpha when there is alpha. */
static void add_row(const struct image *src, const uint8_t *row, uint32_t w, uint64_t *sums)
{
	uint32_t ch = src->channels, alpha = image_has_alpha(src) ? ch - 1 : ch;
	size_t bpp = image_bytes_per_pixel(src);
	for (uint32_t x = 0; x < w; x++) {
		uint32_t from = (uint32_t)((uint64_t)x * src->width / w);
		uint32_t to = (uint32_t)((uint64_t)(x + 1) * src->width / w);
		uint64_t *s = sums + (size_t)x * ch;
		for (uint32_t i = from; i < to; i++) {
			const uint8_t *p = row + (size_t)i * bpp;
			uint64_t a = alpha < ch ? image_sample(p, src->depth, alpha) : 1;
			for (uint32_t c = 0; c < alpha; c++)
				s[c] += image_sample(p, src->depth, c) * a;
			if (alpha < ch)
				s[alpha] += a;
		}
	}
}

/* Writes the averages of one output row from its sums over `rows` input
 * rows, rounded. */
static void emit_row(const struct image *src, const uint64_t *sums, uint32_t rows, uint32_t w,
		     uint8_t *out)
{
	uint32_t ch = src->channels, alpha = image_has_alpha(src) ? ch - 1 : ch;
	size_t bpp = image_bytes_per_pixel(src);
	for (uint32_t x = 0; x < w; x++) {
		uint64_t cols = (uint64_t)(x + 1) * src->width / w - (uint64_t)x * src->width / w;
		uint64_t n = cols * rows;
		const uint64_t *s = sums + (size_t)x * ch;
		/* weighted colour: divided by the alpha sum; clear blocks get 0 */
		uint64_t weight = alpha < ch ? s[alpha] : n;
		for (uint32_t c = 0; c < alpha; c++)
			image_store_sample(out + (size_t)x * bpp, src->depth, c,
					   (uint32_t)(weight ? (s[c] + weight / 2) / weight : 0));
		if (alpha < ch)
			image_store_sample(out + (size_t)x * bpp, src->depth, alpha,
					   (uint32_t)((s[alpha] + n / 2) / n));
	}
}

int box_shrink(const struct image *src, uint32_t w, uint32_t h, struct image *dst,
	       struct ib_error *err)
{
	if (!w || !h || w > src->width || h > src->height)
		return ib_fail(err, "box shrink: %ux%u to %ux%u", src->width, src->height, w, h);
	uint64_t *sums = calloc((size_t)w * src->channels, sizeof *sums);
	if (!sums)
		return ib_fail(err, "out of memory");
	if (image_alloc(dst, w, h, src->channels, src->depth, 0, err) < 0) {
		free(sums);
		return -1;
	}
	for (uint32_t y = 0; y < h; y++) {
		uint32_t from = (uint32_t)((uint64_t)y * src->height / h);
		uint32_t to = (uint32_t)((uint64_t)(y + 1) * src->height / h);
		memset(sums, 0, (size_t)w * src->channels * sizeof *sums);
		for (uint32_t r = from; r < to; r++)
			add_row(src, image_row(src, r), w, sums);
		emit_row(src, sums, to - from, w, image_row(dst, y));
	}
	free(sums);
	return 0;
}
