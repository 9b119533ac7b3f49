#include "config.h"
#include "filters/filter.h"

#include <math.h>
#include <stdio.h>

#include "filters/args.h"
#include "filters/convolve_core.h"

#define KERNEL_SIDE_MAX 11
#define KERNEL_VALUE_MAX 1e6

struct convolve_params {
	uint32_t width, height;
	float k[KERNEL_SIDE_MAX * KERNEL_SIDE_MAX];   /* row-major, as written */
};
_Static_assert(sizeof(struct convolve_params) <= FILTER_PARAMS_MAX,
	       "convolve parameters must fit struct filter_params");

static int parse_side(struct arg_scan *s, const char *param, uint32_t *side)
{
	double v;

	if (conv_number(s, param, &v) < 0 ||
	    arg_check(s, v >= 1 && v <= KERNEL_SIDE_MAX && v == floor(v) && fmod(v, 2) == 1,
		      param, "an odd integer from 1 to 11", v) < 0)
		return -1;
	*side = (uint32_t)v;
	return 0;
}

/* Skips commas and blanks between values; true if there was any. */
static bool skip_separators(struct arg_scan *s)
{
	bool any = false;

	while (arg_accept(s, ',') || arg_accept(s, ' ') || arg_accept(s, '\t'))
		any = true;
	return any;
}

/* WxH:V,V,... (or N:V,... for NxN); values separated by commas or blanks. */
static int convolve_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct convolve_params *p = (struct convolve_params *)params->bytes;
	struct arg_scan s;
	uint32_t n = 0, need;
	char what[64];

	arg_scan_init(&s, "convolve", args, err);
	if (arg_at_end(&s))
		return ib_fail(err, "convolve: kernel is missing (WxH:VALUES, e.g. "
			       "3x3:0,-1,0,-1,5,-1,0,-1,0)");
	if (parse_side(&s, "width", &p->width) < 0)
		return -1;
	p->height = p->width;
	if (arg_accept(&s, 'x') && parse_side(&s, "height", &p->height) < 0)
		return -1;
	if (!arg_accept(&s, ':'))
		return ib_fail(err, "convolve: kernel size must be followed by ':', got '%s'", s.p);
	need = p->width * p->height;
	skip_separators(&s);
	do {
		double v;
		if (conv_number(&s, "kernel value", &v) < 0 ||
		    arg_check(&s, fabs(v) <= KERNEL_VALUE_MAX, "kernel value",
			      "between -1000000 and 1000000", v) < 0)
			return -1;
		if (n < need)
			p->k[n] = (float)v;
		n++;
	} while (skip_separators(&s));
	if (arg_end(&s) < 0)
		return -1;
	snprintf(what, sizeof what, "%u value%s (%ux%u)", need, need == 1 ? "" : "s", p->width,
		 p->height);
	return arg_check(&s, n == need, "kernel", what, n);
}

/*
 * With alpha, the kernel scaled to sum 1 filters alpha, so that colours get
 * the raw kernel's result wherever the image is opaque and opaque stays
 * opaque; a kernel that sums to 0 (an edge detector) keeps the source's alpha.
 */
static void filter_alpha(struct fimage *f, const struct fimage *src, double sum, double abs_sum)
{
	uint32_t a = f->channels - 1;
	bool keep = fabs(sum) <= 1e-6 * abs_sum;

	for (uint32_t y = 0; y < f->height; y++)
		for (uint32_t x = 0; x < f->width; x++) {
			float *px = fimage_pixel(f, x, y);
			px[a] = keep ? fimage_pixel(src, x, y)[a] : (float)(px[a] / sum);
		}
}

static int convolve_op(struct fimage *f, const void *ctx, struct ib_error *err)
{
	const struct convolve_params *p = ctx;
	size_t n = (size_t)p->width * p->height;
	float k[KERNEL_SIDE_MAX * KERNEL_SIDE_MAX];
	double sum = 0, abs_sum = 0;
	struct fimage out = { 0 };

	/* A true convolution, as ImageMagick's: conv_2d correlates, so the
	 * kernel is turned by 180 degrees. */
	for (size_t i = 0; i < n; i++) {
		k[i] = p->k[n - 1 - i];
		sum += p->k[i];
		abs_sum += fabs(p->k[i]);
	}
	if (conv_2d(f, k, p->width, p->height, &out, err) < 0)
		return -1;
	if (f->premultiplied)
		filter_alpha(&out, f, sum, abs_sum);
	conv_take(f, &out);
	return 0;
}

static int convolve_apply(const struct filter_params *params, struct image *img,
			  struct ib_error *err)
{
	return conv_run(img, convolve_op, params->bytes, err);
}

const struct filter filter_convolve = {
	.name = "convolve",
	.usage = "WxH:K1,K2,...",
	.summary = "Convolves with a user kernel of W x H values (W, H odd, 1 to 11), row by row, "
		   "used as given (not normalised), as ImageMagick's -morphology Convolve.",
	.defaults = "none; WxH:VALUES is required",
	.formula = "v'(x,y) = sum of K(i,j) v(x-i, y-j), i and j counted from the kernel's centre "
		   "(a true convolution: the kernel is turned by 180 degrees), clamped to 0..1.  On "
		   "gamma-encoded values, colours premultiplied by alpha; alpha is filtered by the "
		   "kernel divided by its sum (kept when the sum is 0), so opaque areas get the raw "
		   "result; pixels beyond the edges repeat the border.",
	.parse = convolve_parse,
	.apply = convolve_apply,
};
