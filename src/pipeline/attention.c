#include "config.h"
#include "pipeline/attention.h"

#include <stdbool.h>
#include <stdlib.h>

/* Score weights, in 8-bit levels: a skin-coloured pixel counts as much as a
 * strong edge; saturation adds a quarter of its range. */
#define SKIN_SCORE 64
#define SATURATION_SHIFT 2

/* The 8-bit value of sample i of the pixel at p. */
static uint32_t sample8(const struct image *img, const uint8_t *p, uint32_t i)
{
	return image_sample(p, img->depth, i) >> (img->depth - 8);
}

/* Kovac et al.'s daylight skin rule on 8-bit RGB. */
static bool looks_like_skin(uint32_t r, uint32_t g, uint32_t b)
{
	uint32_t lo = g < b ? g : b, hi = g > b ? g : b;
	return r > 95 && g > 40 && b > 20 && r > hi && r - lo > 15 &&
	       (r > g ? r - g : g - r) > 15;
}

/* Luma of every pixel (the gray sample, or (2R + 5G + B) / 8). */
static uint8_t *luma_plane(const struct image *img)
{
	uint8_t *luma = malloc((size_t)img->width * img->height);
	if (!luma)
		return NULL;
	size_t bpp = image_bytes_per_pixel(img);
	for (uint32_t y = 0; y < img->height; y++) {
		const uint8_t *p = image_row(img, y);
		for (uint32_t x = 0; x < img->width; x++, p += bpp) {
			uint32_t v = img->channels >= 3
				? (2 * sample8(img, p, 0) + 5 * sample8(img, p, 1) + sample8(img, p, 2)) / 8
				: sample8(img, p, 0);
			luma[(size_t)y * img->width + x] = (uint8_t)v;
		}
	}
	return luma;
}

/* The attention one pixel draws (see attention.h). */
static uint32_t pixel_score(const struct image *img, const uint8_t *luma, uint32_t x, uint32_t y)
{
	size_t w = img->width, i = (size_t)y * w + x;
	int32_t centre = luma[i];
	int32_t left = luma[x ? i - 1 : i], right = luma[x + 1 < w ? i + 1 : i];
	int32_t up = luma[y ? i - w : i], down = luma[y + 1 < img->height ? i + w : i];
	int32_t laplacian = 4 * centre - left - right - up - down;
	uint32_t score = (uint32_t)(laplacian < 0 ? -laplacian : laplacian);
	const uint8_t *p = image_row(img, y) + x * image_bytes_per_pixel(img);
	if (img->channels >= 3) {
		uint32_t r = sample8(img, p, 0), g = sample8(img, p, 1), b = sample8(img, p, 2);
		uint32_t hi = r > g ? (r > b ? r : b) : (g > b ? g : b);
		uint32_t lo = r < g ? (r < b ? r : b) : (g < b ? g : b);
		score += (hi - lo) >> SATURATION_SHIFT;
		if (looks_like_skin(r, g, b))
			score += SKIN_SCORE;
	}
	if (image_has_alpha(img))
		score = score * sample8(img, p, img->channels - 1) / 255;
	return score;
}

/*
 * The start of the window of `inner` of the n sums that adds up to the
 * most; among equals, the one nearest the centre.
 */
static uint32_t best_window(const uint64_t *sums, uint32_t n, uint32_t inner)
{
	uint64_t window = 0;
	for (uint32_t i = 0; i < inner; i++)
		window += sums[i];
	uint32_t best = 0, centre = (n - inner) / 2;
	uint64_t best_sum = window;
	for (uint32_t start = 1; start + inner <= n; start++) {
		window += sums[start + inner - 1] - sums[start - 1];
		uint32_t dist = start > centre ? start - centre : centre - start;
		uint32_t best_dist = best > centre ? best - centre : centre - best;
		if (window > best_sum || (window == best_sum && dist < best_dist)) {
			best = start;
			best_sum = window;
		}
	}
	return best;
}

int attention_box(const struct image *img, uint32_t w, uint32_t h, uint32_t *x, uint32_t *y,
		  struct ib_error *err)
{
	uint8_t *luma = luma_plane(img);
	uint64_t *columns = calloc(img->width, sizeof *columns);
	uint64_t *rows = calloc(img->height, sizeof *rows);
	if (!luma || !columns || !rows) {
		free(luma);
		free(columns);
		free(rows);
		return ib_fail(err, "out of memory choosing the crop");
	}
	for (uint32_t j = 0; j < img->height; j++)
		for (uint32_t i = 0; i < img->width; i++) {
			uint32_t s = pixel_score(img, luma, i, j);
			columns[i] += s;
			rows[j] += s;
		}
	*x = best_window(columns, img->width, w);
	*y = best_window(rows, img->height, h);
	free(luma);
	free(columns);
	free(rows);
	return 0;
}
