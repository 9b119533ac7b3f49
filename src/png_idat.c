#include "config.h"
#include "png_idat.h"

#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

enum filter { FILTER_NONE, FILTER_SUB, FILTER_UP, FILTER_AVERAGE, FILTER_PAETH, FILTERS };

uint64_t png_idat_raw_size(const struct image *img)
{
	return (1 + (uint64_t)img->width * image_bytes_per_pixel(img)) * img->height;
}

static uint8_t paeth(uint8_t a, uint8_t b, uint8_t c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* The magnitude of a filtered byte read as signed.  abs() of the int8_t,
 * not a comparison: a branch on the sign of noisy data mispredicts half
 * the time. */
static inline unsigned magnitude(uint8_t v)
{
	return (unsigned)abs((int8_t)v);
}

/*
 * out[i] = row[i] filtered with f; prev is the row above (zeros at the top),
 * bpp the bytes of a pixel, n the bytes of a row.  The first pixel has no
 * left neighbour: 0 stands in for it.  Returns the sum of the magnitudes,
 * small when the filter predicts well.
 */
static uint64_t apply_filter(enum filter f, const uint8_t *row, const uint8_t *prev, size_t bpp,
			     size_t n, uint8_t *out)
{
	size_t first = bpp < n ? bpp : n;
	uint64_t sum = 0;

	switch (f) {
	case FILTER_NONE:
		for (size_t i = 0; i < n; i++)
			sum += magnitude(out[i] = row[i]);
		break;
	case FILTER_SUB:
		for (size_t i = 0; i < first; i++)
			sum += magnitude(out[i] = row[i]);
		for (size_t i = bpp; i < n; i++)
			sum += magnitude(out[i] = (uint8_t)(row[i] - row[i - bpp]));
		break;
	case FILTER_UP:
		for (size_t i = 0; i < n; i++)
			sum += magnitude(out[i] = (uint8_t)(row[i] - prev[i]));
		break;
	case FILTER_AVERAGE:
		for (size_t i = 0; i < first; i++)
			sum += magnitude(out[i] = (uint8_t)(row[i] - prev[i] / 2));
		for (size_t i = bpp; i < n; i++)
			sum += magnitude(out[i] = (uint8_t)(row[i] - (row[i - bpp] + prev[i]) / 2));
		break;
	default:
		/* Paeth with no left neighbour (a = c = 0) predicts the byte above */
		for (size_t i = 0; i < first; i++)
			sum += magnitude(out[i] = (uint8_t)(row[i] - prev[i]));
		for (size_t i = bpp; i < n; i++)
			sum += magnitude(out[i] = (uint8_t)(row[i] -
							    paeth(row[i - bpp], prev[i], prev[i - bpp])));
		break;
	}
	return sum;
}

/*
 * Writes the filter byte and the filtered row at out (1 + n bytes).  From
 * level 2 on every filter is tried, into trials (FILTERS rows of n bytes),
 * and the one of least sum is kept (the first of equals).
 */
static void filter_row(int level, const uint8_t *row, const uint8_t *prev, size_t bpp, size_t n,
		       uint8_t *out, uint8_t *trials)
{
	if (level <= 1) {
		enum filter f = level == 0 ? FILTER_NONE : FILTER_SUB;
		out[0] = (uint8_t)f;
		apply_filter(f, row, prev, bpp, n, out + 1);
		return;
	}
	uint64_t best_sum = UINT64_MAX;
	enum filter best = FILTER_NONE;
	for (enum filter f = FILTER_NONE; f < FILTERS; f++) {
		uint64_t sum = apply_filter(f, row, prev, bpp, n, trials + f * n);
		if (sum < best_sum) {
			best_sum = sum;
			best = f;
		}
	}
	out[0] = (uint8_t)best;
	memcpy(out + 1, trials + best * n, n);
}

/* Row y of img as PNG stores it: 16-bit samples big-endian. */
static const uint8_t *stored_row(const struct image *img, uint32_t y, size_t n, uint8_t *buf)
{
	const uint8_t *row = image_row(img, y);

	if (img->depth == 8)
		return row;
	for (size_t i = 0; i < n; i += 2) {
		uint16_t v;
		memcpy(&v, row + i, sizeof v);
		buf[i] = (uint8_t)(v >> 8);
		buf[i + 1] = (uint8_t)v;
	}
	return buf;
}

/* Every row, filtered, into raw (png_idat_raw_size bytes). */
static int filter_rows(const struct image *img, int level, uint8_t *raw)
{
	size_t n = (size_t)img->width * image_bytes_per_pixel(img);
	size_t bpp = image_bytes_per_pixel(img);
	/* the row above, the row itself in PNG byte order, the trial filterings */
	uint8_t *prev = calloc(n, 1), *cur = malloc(n), *next = malloc(n);
	uint8_t *trials = malloc(FILTERS * n);
	int rc = prev && cur && next && trials ? 0 : -1;

	for (uint32_t y = 0; rc == 0 && y < img->height; y++) {
		const uint8_t *row = stored_row(img, y, n, cur);
		filter_row(level, row, prev, bpp, n, raw + (size_t)y * (n + 1), trials);
		/* keep this row as the next one's "above" */
		memcpy(next, row, n);
		uint8_t *t = prev;
		prev = next;
		next = t;
	}
	free(prev);
	free(cur);
	free(next);
	free(trials);
	return rc;
}

/* A worker's compressor for each level, kept from file to file. */
static struct libdeflate_compressor *compressor(int level)
{
	static struct libdeflate_compressor *by_level[10];

	if (!by_level[level])
		by_level[level] = libdeflate_alloc_compressor(level);
	return by_level[level];
}

uint8_t *png_idat_compress(const struct image *img, int level, size_t *len)
{
	struct libdeflate_compressor *c = compressor(level);
	size_t raw_len = (size_t)png_idat_raw_size(img);
	uint8_t *raw = c ? malloc(raw_len) : NULL, *z = NULL;

	if (raw && filter_rows(img, level, raw) == 0) {
		size_t bound = libdeflate_zlib_compress_bound(c, raw_len);
		z = malloc(bound);
		*len = z ? libdeflate_zlib_compress(c, raw, raw_len, z, bound) : 0;
		if (z && !*len) {
			free(z);
			z = NULL;
		}
	}
	free(raw);
	return z;
}
