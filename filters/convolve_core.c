#include "config.h"
#include "filters/convolve_core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Both passes filter several lines at once, interleaved into "wide pixels" of
 * at most this many floats (one cache line): rows interleaved pixel by pixel
 * for the horizontal pass, adjacent columns for the vertical one.  The inner
 * loops then run over a fixed number of floats, which the compiler unrolls
 * and vectorises, and the vertical pass reads memory in whole cache lines.
 */
#define WIDE_FLOATS 16

/* How one 1-D Gaussian pass is done (see conv_gaussian). */
struct gauss_plan {
	uint32_t reach;         /* pixels read beyond each end of a line */
	uint32_t radius;        /* sampled kernel: its radius; 0 for boxes */
	float *weights;         /* sampled kernel: weights[0..radius] */
	uint32_t box_radius;    /* boxes: whole weights at |i| <= box_radius */
	double box_end;         /* boxes: the weight (0..1) at |i| = box_radius + 1 */
};

static uint32_t auto_radius(double sigma)
{
	double r = ceil(3 * sigma);

	return r < 1 ? 1 : (uint32_t)r;
}

static double gaussian_weight(double sigma, uint32_t i)
{
	return exp(-(double)i * i / (2 * sigma * sigma));
}

/* The sum of the unnormalised weights at |i| <= radius. */
static double gaussian_sum(double sigma, uint32_t radius)
{
	double sum = 1;

	for (uint32_t i = 1; i <= radius; i++)
		sum += 2 * gaussian_weight(sigma, i);
	return sum;
}

double conv_gaussian_centre(double sigma, uint32_t radius)
{
	return 1 / gaussian_sum(sigma, radius ? radius : auto_radius(sigma));
}

static int plan_sampled(struct gauss_plan *g, double sigma, uint32_t radius,
			struct ib_error *err)
{
	double sum = gaussian_sum(sigma, radius);

	g->weights = malloc(((size_t)radius + 1) * sizeof *g->weights);
	if (!g->weights)
		return ib_fail(err, "out of memory for a blur kernel");
	for (uint32_t i = 0; i <= radius; i++)
		g->weights[i] = (float)(gaussian_weight(sigma, i) / sum);
	g->radius = radius;
	g->reach = radius;
	return 0;
}

/*
 * A box of whole weights at |i| <= r and weight e at |i| = r + 1 has the
 * variance (r(r+1)(2r+1)/3 + 2e(r+1)^2) / (2r+1+2e).  Each of the CONV_BOXES
 * boxes gets the variance sigma^2 / CONV_BOXES: r is the largest radius whose
 * plain box (e = 0, variance r(r+1)/3) does not exceed it, e makes up the rest.
 */
static void plan_boxes(struct gauss_plan *g, double sigma)
{
	double v = sigma * sigma / CONV_BOXES;
	uint32_t r = (uint32_t)((sqrt(1 + 12 * v) - 1) / 2);

	while ((double)(r + 1) * (r + 2) / 3 <= v)
		r++;
	while (r > 0 && (double)r * (r + 1) / 3 > v)
		r--;
	g->box_radius = r;
	g->box_end = (v * (2.0 * r + 1) - (double)r * (r + 1) * (2.0 * r + 1) / 3) /
		     (2 * ((double)(r + 1) * (r + 1) - v));
	g->reach = CONV_BOXES * (r + 1);
}

static int plan_gaussian(struct gauss_plan *g, double sigma, uint32_t radius,
			 struct ib_error *err)
{
	memset(g, 0, sizeof *g);
	if (radius > 0)
		return plan_sampled(g, sigma, radius, err);
	if (sigma < CONV_BOX_SIGMA)
		return plan_sampled(g, sigma, auto_radius(sigma), err);
	plan_boxes(g, sigma);
	return 0;
}

/* buf holds n pixels of nch floats after pad free pixels; fills the pad
 * pixels on both sides with copies of the first and the last pixel. */
static void extend_edges(float *buf, size_t n, uint32_t pad, size_t nch)
{
	const float *first = buf + (size_t)pad * nch;
	const float *last = buf + (pad + n - 1) * nch;

	for (uint32_t i = 0; i < pad; i++) {
		memcpy(buf + (size_t)i * nch, first, nch * sizeof *buf);
		memcpy(buf + (pad + n + i) * nch, last, nch * sizeof *buf);
	}
}

/* Copies the n contiguous pixels at src into buf with pad repeated border
 * pixels on both sides. */
static void load_line(float *buf, const float *src, size_t n, uint32_t pad, size_t nch)
{
	memcpy(buf + (size_t)pad * nch, src, n * nch * sizeof *buf);
	extend_edges(buf, n, pad, nch);
}

/*
 * The line filters: in holds n + 2 * reach wide pixels of nch floats (the
 * lines and their repeated borders), the n filtered pixels go to out.  They
 * are inlined for the usual values of nch (see filter_line) so that the
 * channel loops are unrolled and the sums kept in registers.
 */
static inline __attribute__((always_inline)) void
sampled_line(const struct gauss_plan *g, const float *restrict in, size_t n, size_t nch,
	     float *restrict out)
{
	const float *w = g->weights;

	for (size_t j = 0; j < n; j++) {
		const float *c = in + (j + g->radius) * nch;
		float sum[WIDE_FLOATS];

		for (size_t ch = 0; ch < nch; ch++)
			sum[ch] = w[0] * c[ch];
		for (uint32_t i = 1; i <= g->radius; i++) {
			const float *lo = c - i * nch, *hi = c + i * nch;
			for (size_t ch = 0; ch < nch; ch++)
				sum[ch] += w[i] * (lo[ch] + hi[ch]);
		}
		memcpy(out + j * nch, sum, nch * sizeof *sum);
	}
}

/*
 * One extended box over in (n + 2 * (box_radius + 1) pixels) into n pixels,
 * by a running sum of the whole-weight window, kept in doubles so that adding
 * and removing samples along a long line does not drift.
 */
static inline __attribute__((always_inline)) void
box_pass(const struct gauss_plan *g, const float *restrict in, size_t n, size_t nch,
	 float *restrict out)
{
	size_t span = 2 * (size_t)g->box_radius + 1;
	double end = g->box_end, scale = 1 / ((double)span + 2 * end);
	double acc[WIDE_FLOATS] = { 0 };

	/* out[j] = (in[j+1] + ... + in[j+span] + end * (in[j] + in[j+span+1])) * scale */
	for (size_t t = 1; t <= span; t++)
		for (size_t ch = 0; ch < nch; ch++)
			acc[ch] += in[t * nch + ch];
	for (size_t j = 0; j < n; j++) {
		const float *p = in + j * nch, *after = p + (span + 1) * nch;
		float *o = out + j * nch;

		for (size_t ch = 0; ch < nch; ch++) {
			o[ch] = (float)((acc[ch] + end * (p[ch] + after[ch])) * scale);
			acc[ch] += (double)after[ch] - p[nch + ch];
		}
	}
}

/* The boxes one after the other: in and tmp take turns, in is overwritten. */
static inline __attribute__((always_inline)) void
boxes_line(const struct gauss_plan *g, float *in, float *tmp, size_t n, size_t nch,
	   float *out)
{
	uint32_t step = g->box_radius + 1;

	for (uint32_t b = 0; b < CONV_BOXES; b++) {
		size_t left = (size_t)(CONV_BOXES - 1 - b) * step;  /* reach still needed */

		if (left == 0) {
			box_pass(g, in, n, nch, out);
		} else {
			box_pass(g, in, n + 2 * left, nch, tmp);
			float *swap = in;
			in = tmp;
			tmp = swap;
		}
	}
}

struct line_buffers {
	float *line, *tmp;     /* (longest side + 2 * reach) wide pixels each */
	float *out;            /* longest side wide pixels */
};

static inline __attribute__((always_inline)) void
filter_line_n(const struct gauss_plan *g, struct line_buffers *b, size_t n, size_t nch)
{
	if (g->weights)
		sampled_line(g, b->line, n, nch, b->out);
	else
		boxes_line(g, b->line, b->tmp, n, nch, b->out);
}

/* Filters the n wide pixels of nch floats in b->line (which it may
 * overwrite) into b->out.  Wide pixels have 12 or 16 floats but in the last
 * group of lines. */
static void filter_line(const struct gauss_plan *g, struct line_buffers *b, size_t n,
			size_t nch)
{
	switch (nch) {
	case 12:
		filter_line_n(g, b, n, 12);
		break;
	case 16:
		filter_line_n(g, b, n, 16);
		break;
	default:
		filter_line_n(g, b, n, nch);
	}
}

/* Lines interleaved into one wide pixel: 16, 8, 4 or 4 pixels (12 floats
 * rather than 15 for RGB: whole vectors of 4 floats). */
static uint32_t lines_per_group(uint32_t channels)
{
	return channels == 3 ? 4 : WIDE_FLOATS / channels;
}

static int alloc_line_buffers(struct line_buffers *b, const struct fimage *f, uint32_t reach,
			      struct ib_error *err)
{
	size_t longest = f->width > f->height ? f->width : f->height;
	size_t len, floats;

	memset(b, 0, sizeof *b);
	if (__builtin_add_overflow(longest, 2 * (size_t)reach, &len) ||
	    __builtin_mul_overflow(len, WIDE_FLOATS, &floats) ||
	    floats > SIZE_MAX / sizeof(float))
		return ib_fail(err, "image too large to blur: %ux%u", f->width, f->height);
	b->line = malloc(floats * sizeof(float));
	b->tmp = malloc(floats * sizeof(float));
	b->out = malloc(longest * WIDE_FLOATS * sizeof(float));
	if (!b->line || !b->tmp || !b->out)
		return ib_fail(err, "out of memory for a %ux%u blur", f->width, f->height);
	return 0;
}

static void free_line_buffers(struct line_buffers *b)
{
	free(b->line);
	free(b->tmp);
	free(b->out);
}

/* Rows y0 .. y0 + count - 1, pixel x of each in wide pixel x. */
static void gaussian_rows(const struct gauss_plan *g, struct line_buffers *b, struct fimage *f,
			  uint32_t y0, uint32_t count)
{
	uint32_t nc = f->channels;
	size_t nch = (size_t)count * nc;

	for (uint32_t k = 0; k < count; k++) {
		const float *row = fimage_pixel(f, 0, y0 + k);
		float *dst = b->line + (size_t)g->reach * nch + (size_t)k * nc;
		for (uint32_t x = 0; x < f->width; x++)
			for (uint32_t c = 0; c < nc; c++)
				dst[x * nch + c] = row[(size_t)x * nc + c];
	}
	extend_edges(b->line, f->width, g->reach, nch);
	filter_line(g, b, f->width, nch);
	for (uint32_t k = 0; k < count; k++) {
		float *row = fimage_pixel(f, 0, y0 + k);
		const float *src = b->out + (size_t)k * nc;
		for (uint32_t x = 0; x < f->width; x++)
			for (uint32_t c = 0; c < nc; c++)
				row[(size_t)x * nc + c] = src[x * nch + c];
	}
}

/* Columns x0 .. x0 + count - 1: row y of them is wide pixel y. */
static void gaussian_columns(const struct gauss_plan *g, struct line_buffers *b,
			     struct fimage *f, uint32_t x0, uint32_t count)
{
	size_t nch = (size_t)count * f->channels;
	size_t row_floats = (size_t)f->width * f->channels;
	float *top = fimage_pixel(f, x0, 0);

	for (uint32_t y = 0; y < f->height; y++)
		memcpy(b->line + ((size_t)g->reach + y) * nch, top + y * row_floats,
		       nch * sizeof(float));
	extend_edges(b->line, f->height, g->reach, nch);
	filter_line(g, b, f->height, nch);
	for (uint32_t y = 0; y < f->height; y++)
		memcpy(top + y * row_floats, b->out + y * nch, nch * sizeof(float));
}

int conv_gaussian(struct fimage *f, double sigma, uint32_t radius, struct ib_error *err)
{
	struct gauss_plan g;
	struct line_buffers b = { 0 };
	uint32_t group;
	int rc = -1;

	if (plan_gaussian(&g, sigma, radius, err) < 0)
		return -1;
	if (alloc_line_buffers(&b, f, g.reach, err) < 0)
		goto out;
	group = lines_per_group(f->channels);
	for (uint32_t y = 0, n; y < f->height; y += n) {
		n = f->height - y < group ? f->height - y : group;
		gaussian_rows(&g, &b, f, y, n);
	}
	for (uint32_t x = 0, n; x < f->width; x += n) {
		n = f->width - x < group ? f->width - x : group;
		gaussian_columns(&g, &b, f, x, n);
	}
	rc = 0;
out:
	free_line_buffers(&b);
	free(g.weights);
	return rc;
}

static uint32_t clamp_index(int64_t i, uint32_t n)
{
	if (i < 0)
		return 0;
	return i >= n ? n - 1 : (uint32_t)i;
}

/*
 * The sums are kept in doubles, where a float times a float is exact: on a
 * flat area, the products of a kernel whose weights cancel (Sobel, emboss)
 * then cancel exactly too, instead of leaving a rounding error that can move
 * the result by a level.
 */
int conv_2d(const struct fimage *in, const float *k, uint32_t kw, uint32_t kh,
	    struct fimage *out, struct ib_error *err)
{
	uint32_t nc = in->channels, cx = kw / 2, cy = kh / 2;
	size_t row_floats = (size_t)in->width * nc, line_floats;
	float *line = NULL;
	double *sum = NULL;
	int rc = -1;

	out->data = NULL;
	if (fimage_alloc(out, in->width, in->height, nc, err) < 0)
		return -1;
	out->premultiplied = in->premultiplied;
	if (__builtin_add_overflow(row_floats, 2 * (size_t)cx * nc, &line_floats) ||
	    line_floats > SIZE_MAX / sizeof *line || row_floats > SIZE_MAX / sizeof *sum) {
		ib_fail(err, "image too large to convolve: %ux%u", in->width, in->height);
		goto out;
	}
	line = malloc(line_floats * sizeof *line);
	sum = malloc(row_floats * sizeof *sum);
	if (!line || !sum) {
		ib_fail(err, "out of memory for a %ux%u convolution", in->width, in->height);
		goto out;
	}
	for (uint32_t y = 0; y < in->height; y++) {
		float *o = fimage_pixel(out, 0, y);

		for (size_t t = 0; t < row_floats; t++)
			sum[t] = 0;
		for (uint32_t j = 0; j < kh; j++) {
			uint32_t sy = clamp_index((int64_t)y + j - cy, in->height);

			load_line(line, fimage_pixel(in, 0, sy), in->width, cx, nc);
			for (uint32_t i = 0; i < kw; i++) {
				double w = k[(size_t)j * kw + i];
				const float *restrict src = line + (size_t)i * nc;

				if (w == 0)
					continue;
				for (size_t t = 0; t < row_floats; t++)
					sum[t] += w * src[t];
			}
		}
		for (size_t t = 0; t < row_floats; t++)
			o[t] = (float)sum[t];
	}
	rc = 0;
out:
	free(line);
	free(sum);
	if (rc < 0)
		fimage_free(out);
	return rc;
}

int conv_number(struct arg_scan *s, const char *param, double *out)
{
	const char *p = s->p + (*s->p == '+' || *s->p == '-');

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		*out = 0;
		s->p = p + 1;
		return 0;
	}
	return arg_number(s, param, out);
}

int conv_check_sigma(struct arg_scan *s, double sigma)
{
	if (arg_check(s, sigma > 0, "sigma", "> 0", sigma) < 0)
		return -1;
	return arg_check(s, sigma <= CONV_SIGMA_MAX, "sigma", "<= 1000", sigma);
}

int conv_radius_sigma(struct arg_scan *s, double *radius, double *sigma)
{
	bool leading_number = *s->p != 'x';
	double first = *sigma;
	if (leading_number && conv_number(s, "sigma", &first) < 0)
		return -1;
	if (arg_accept(s, 'x')) {
		if (leading_number)
			*radius = first;
		if (arg_check(s, *radius >= 0 && *radius <= CONV_RADIUS_MAX, "radius",
			      "between 0 and 3000", *radius) < 0 ||
		    (!arg_at_end(s) && conv_number(s, "sigma", sigma) < 0))
			return -1;
	} else {
		*sigma = first;
	}
	return conv_check_sigma(s, *sigma);
}

int conv_run(struct image *img, int (*op)(struct fimage *f, const void *ctx, struct ib_error *err),
	     const void *ctx, struct ib_error *err)
{
	struct fimage f;
	int rc;

	if (fimage_from_image(img, true, &f, err) < 0)
		return -1;
	rc = op(&f, ctx, err);
	if (rc == 0)
		fimage_to_image(&f, img);
	fimage_free(&f);
	return rc;
}

int conv_copy(const struct fimage *src, struct fimage *dst, struct ib_error *err)
{
	if (fimage_alloc(dst, src->width, src->height, src->channels, err) < 0)
		return -1;
	dst->premultiplied = src->premultiplied;
	memcpy(dst->data, src->data,
	       (size_t)src->width * src->height * src->channels * sizeof *src->data);
	return 0;
}

void conv_take(struct fimage *f, struct fimage *g)
{
	fimage_free(f);
	f->data = g->data;
	g->data = NULL;
}
