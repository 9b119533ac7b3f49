#include "config.h"
#include "codec/png_idat.h"

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

/* What filter f predicts from the bytes left (a), above (b), above-left (c). */
static inline uint8_t predict(enum filter f, uint8_t a, uint8_t b, uint8_t c)
{
	switch (f) {
	case FILTER_SUB:
		return a;
	case FILTER_UP:
		return b;
	case FILTER_AVERAGE:
		return (uint8_t)((a + b) / 2);
	case FILTER_PAETH:
		return paeth(a, b, c);
	default:
		return 0;
	}
}

/* The magnitude of a filtered byte read as signed.  abs() of the int8_t,
 * not a comparison: a branch on the sign of noisy data mispredicts half
 * the time. */
static inline unsigned magnitude(uint8_t v)
{
	return (unsigned)abs((int8_t)v);
}

#if defined(__SSE2__) && !defined(PNG_IDAT_PORTABLE)
#include <emmintrin.h>

/* x ? if_set : if_clear, lane by lane (x's lanes all ones or all zeros). */
static inline __m128i select128(__m128i x, __m128i if_set, __m128i if_clear)
{
	return _mm_or_si128(_mm_and_si128(x, if_set), _mm_andnot_si128(x, if_clear));
}

static inline __m128i abs16(__m128i x)
{
	return _mm_max_epi16(x, _mm_sub_epi16(_mm_setzero_si128(), x));
}

/* Paeth's choice in eight 16-bit lanes. */
static inline __m128i paeth8(__m128i a, __m128i b, __m128i c)
{
	__m128i pa = abs16(_mm_sub_epi16(b, c)), pb = abs16(_mm_sub_epi16(a, c));
	__m128i pc = abs16(_mm_add_epi16(_mm_sub_epi16(a, c), _mm_sub_epi16(b, c)));
	__m128i not_a = _mm_or_si128(_mm_cmpgt_epi16(pa, pb), _mm_cmpgt_epi16(pa, pc));

	return select128(not_a, select128(_mm_cmpgt_epi16(pb, pc), c, b), a);
}

static inline __m128i predict16(enum filter f, __m128i a, __m128i b, __m128i c)
{
	__m128i zero = _mm_setzero_si128();

	switch (f) {
	case FILTER_SUB:
		return a;
	case FILTER_UP:
		return b;
	case FILTER_AVERAGE:   /* _mm_avg_epu8 rounds up: take the odd bit off */
		return _mm_sub_epi8(_mm_avg_epu8(a, b),
				    _mm_and_si128(_mm_xor_si128(a, b), _mm_set1_epi8(1)));
	case FILTER_PAETH:
		return _mm_packus_epi16(
			paeth8(_mm_unpacklo_epi8(a, zero), _mm_unpacklo_epi8(b, zero),
			       _mm_unpacklo_epi8(c, zero)),
			paeth8(_mm_unpackhi_epi8(a, zero), _mm_unpackhi_epi8(b, zero),
			       _mm_unpackhi_epi8(c, zero)));
	default:
		return zero;
	}
}

/* Filters 16 bytes at a time from i (>= bpp) on; returns where it stopped. */
static size_t filter_simd(enum filter f, const uint8_t *row, const uint8_t *prev, size_t bpp,
			  size_t i, size_t n, uint8_t *out, uint64_t *sum)
{
	__m128i zero = _mm_setzero_si128(), sums = zero;

	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(row + i));
		__m128i a = _mm_loadu_si128((const __m128i *)(row + i - bpp));
		__m128i b = _mm_loadu_si128((const __m128i *)(prev + i));
		__m128i c = _mm_loadu_si128((const __m128i *)(prev + i - bpp));
		__m128i v = _mm_sub_epi8(x, predict16(f, a, b, c));
		_mm_storeu_si128((__m128i *)(out + i), v);
		/* |(int8_t)v| = min(v, -v) as unsigned bytes, summed eight at a time */
		sums = _mm_add_epi64(sums, _mm_sad_epu8(_mm_min_epu8(v, _mm_sub_epi8(zero, v)), zero));
	}
	uint64_t halves[2];
	_mm_storeu_si128((__m128i *)halves, sums);
	*sum += halves[0] + halves[1];
	return i;
}
#else
static size_t filter_simd(enum filter f, const uint8_t *row, const uint8_t *prev, size_t bpp,
			  size_t i, size_t n, uint8_t *out, uint64_t *sum)
{
	(void)f, (void)row, (void)prev, (void)bpp, (void)n, (void)out, (void)sum;
	return i;
}
#endif

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
	size_t i = 0;

	for (; i < first; i++)
		sum += magnitude(out[i] = (uint8_t)(row[i] - predict(f, 0, prev[i], 0)));
	for (i = filter_simd(f, row, prev, bpp, i, n, out, &sum); i < n; i++)
		sum += magnitude(out[i] = (uint8_t)(row[i] - predict(f, row[i - bpp], prev[i],
								    prev[i - bpp])));
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
