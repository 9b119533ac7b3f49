#include "config.h"
#include "filters/filter.h"

#include <math.h>
#include <stdlib.h>

#include "filters/args.h"
#include "filters/convolve_core.h"
#include "filters/pixels.h"

#define MEDIAN_RADIUS_MAX 50

struct median_params {
	uint32_t radius;
};
_Static_assert(sizeof(struct median_params) <= FILTER_PARAMS_MAX,
	       "median parameters must fit struct filter_params");

static int median_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct median_params *p = (struct median_params *)params->bytes;
	struct arg_scan s;
	double r;

	p->radius = 1;
	arg_scan_init(&s, "median", args, err);
	if (arg_at_end(&s))
		return 0;
	if (conv_number(&s, "radius", &r) < 0 ||
	    arg_check(&s, r >= 1 && r <= MEDIAN_RADIUS_MAX && r == floor(r), "radius",
		      "an integer from 1 to 50", r) < 0)
		return -1;
	p->radius = (uint32_t)r;
	return arg_end(&s);
}

/*
 * The weighted histogram of the samples in the window, in two levels so that
 * the median is found in a few steps: coarse bins of 2^shift sample values,
 * then the values of one coarse bin.  The coarse bin of the last median is
 * remembered; the next one is usually at or near it.
 */
struct window_hist {
	uint32_t shift;
	uint32_t *coarse;       /* (max >> shift) + 1 bins */
	uint32_t *fine;         /* max + 1 bins */
	uint32_t bin;           /* coarse bin of the last median */
	uint64_t below;         /* weight in the coarse bins under bin */
	uint64_t total;         /* weight in the window */
};

static int hist_alloc(struct window_hist *h, uint32_t depth, struct ib_error *err)
{
	uint32_t levels = 1u << depth;

	h->shift = depth / 2;
	h->coarse = calloc(levels >> h->shift, sizeof *h->coarse);
	h->fine = calloc(levels, sizeof *h->fine);
	h->bin = 0;
	h->below = 0;
	h->total = 0;
	if (!h->coarse || !h->fine)
		return ib_fail(err, "out of memory for a median histogram");
	return 0;
}

static void hist_free(struct window_hist *h)
{
	free(h->coarse);
	free(h->fine);
}

static void hist_add(struct window_hist *h, uint32_t v, uint32_t weight)
{
	h->fine[v] += weight;
	h->coarse[v >> h->shift] += weight;
	h->total += weight;
	if (v >> h->shift < h->bin)
		h->below += weight;
}

static void hist_remove(struct window_hist *h, uint32_t v, uint32_t weight)
{
	h->fine[v] -= weight;
	h->coarse[v >> h->shift] -= weight;
	h->total -= weight;
	if (v >> h->shift < h->bin)
		h->below -= weight;
}

/* The smallest value v with 2 * (weight of the samples <= v) >= total
 * weight: the plain median for equal weights and an odd count.  total > 0. */
static uint32_t hist_median(struct window_hist *h)
{
	uint64_t cum;
	uint32_t v;

	while (h->bin > 0 && 2 * h->below >= h->total)
		h->below -= h->coarse[--h->bin];
	while (2 * (h->below + h->coarse[h->bin]) < h->total)
		h->below += h->coarse[h->bin++];
	cum = h->below;
	for (v = h->bin << h->shift;; v++) {
		cum += h->fine[v];
		if (2 * cum >= h->total)
			return v;
	}
}

/* One channel of the image, and the weight of each of its samples. */
struct plane {
	uint32_t width, height;
	const uint16_t *value;
	const uint16_t *weight;  /* NULL: all 1 */
};

static void update_column(struct window_hist *h, const struct plane *p, uint32_t x,
			  const uint32_t *rows, uint32_t n, bool add)
{
	for (uint32_t k = 0; k < n; k++) {
		size_t i = (size_t)rows[k] * p->width + x;
		uint32_t weight = p->weight ? p->weight[i] : 1;
		if (add)
			hist_add(h, p->value[i], weight);
		else
			hist_remove(h, p->value[i], weight);
	}
}

static uint32_t clamp_index(int64_t i, uint32_t n)
{
	if (i < 0)
		return 0;
	return i >= n ? n - 1 : (uint32_t)i;
}

/*
 * Medians of the (2r+1)^2 window around every sample of p, written to
 * channel c of out.  The window slides along each row: one column leaves,
 * one enters.  Beyond the edges the border samples repeat.
 */
static void median_plane(const struct plane *p, uint32_t r, struct window_hist *h,
			 uint32_t *rows, struct image *out, uint32_t c)
{
	uint32_t n = 2 * r + 1;

	for (uint32_t y = 0; y < p->height; y++) {
		uint8_t *row = image_row(out, y);

		for (uint32_t k = 0; k < n; k++)
			rows[k] = clamp_index((int64_t)y + k - r, p->height);
		for (uint32_t k = 0; k < n; k++)
			update_column(h, p, clamp_index((int64_t)k - r, p->width), rows, n, true);
		for (uint32_t x = 0; x < p->width; x++) {
			size_t i = (size_t)y * p->width + x;

			if (x > 0) {
				update_column(h, p, clamp_index((int64_t)x - 1 - r, p->width), rows,
					      n, false);
				update_column(h, p, clamp_index((int64_t)x + r, p->width), rows, n,
					      true);
			}
			/* no weight at all: every sample is transparent, keep it */
			sample_set(out, row, x, c, h->total ? hist_median(h) : p->value[i]);
		}
		/* empty the histogram for the next row */
		for (uint32_t k = 0; k < n; k++)
			update_column(h, p, clamp_index((int64_t)p->width - 1 + k - r, p->width),
				      rows, n, false);
	}
}

static void extract_channel(const struct image *img, uint32_t c, uint16_t *plane)
{
	for (uint32_t y = 0; y < img->height; y++) {
		const uint8_t *row = image_row(img, y);
		for (uint32_t x = 0; x < img->width; x++)
			plane[(size_t)y * img->width + x] = (uint16_t)sample_get(img, row, x, c);
	}
}

/*
 * Every channel separately.  Colours are weighted by alpha, so that a
 * transparent pixel's invisible colour never shows: a weighted median of the
 * colours and a plain median of alpha.
 */
static int median_apply(const struct filter_params *params, struct image *img,
			struct ib_error *err)
{
	const struct median_params *p = (const struct median_params *)params->bytes;
	struct window_hist h = { 0 };
	struct image out = { 0 };
	uint16_t *value = NULL, *alpha = NULL;
	uint32_t *rows = NULL;
	uint32_t colours = image_colour_channels(img);
	size_t samples;
	int rc = -1;

	if (__builtin_mul_overflow((size_t)img->width, (size_t)img->height, &samples) ||
	    samples > SIZE_MAX / sizeof *value)
		return ib_fail(err, "image too large: %ux%u", img->width, img->height);
	if (image_alloc(&out, img->width, img->height, img->channels, img->depth, 0, err) < 0 ||
	    hist_alloc(&h, img->depth, err) < 0)
		goto out;
	value = malloc(samples * sizeof *value);
	alpha = image_has_alpha(img) ? malloc(samples * sizeof *alpha) : NULL;
	rows = malloc((2 * (size_t)p->radius + 1) * sizeof *rows);
	if (!value || (image_has_alpha(img) && !alpha) || !rows) {
		ib_fail(err, "out of memory for a %ux%u median", img->width, img->height);
		goto out;
	}
	if (alpha)
		extract_channel(img, colours, alpha);
	for (uint32_t c = 0; c < img->channels; c++) {
		struct plane plane = { img->width, img->height, value, c < colours ? alpha : NULL };
		extract_channel(img, c, value);
		median_plane(&plane, p->radius, &h, rows, &out, c);
	}
	image_free(img);
	*img = out;
	out = (struct image){ 0 };
	rc = 0;
out:
	image_free(&out);
	hist_free(&h);
	free(value);
	free(alpha);
	free(rows);
	return rc;
}

const struct filter filter_median = {
	.name = "median",
	.usage = "RADIUS",
	.summary = "Median filter over a (2 RADIUS + 1)-pixel square window (RADIUS an integer "
		   "from 1 to 50), as ImageMagick's -statistic Median.",
	.defaults = "radius 1",
	.formula = "v' = the median of each channel's samples at |dx|, |dy| <= RADIUS, exactly, at "
		   "the image's depth; with alpha, colours take the median weighted by alpha (a "
		   "transparent pixel's colour never shows) and alpha its plain median; pixels "
		   "beyond the edges repeat the border.",
	.parse = median_parse,
	.apply = median_apply,
};
