#include "config.h"
#include "filters/filter.h"

#include <math.h>

#include "filters/args.h"
#include "filters/convolve_core.h"

struct edge_params {
	double scale;
};
_Static_assert(sizeof(struct edge_params) <= FILTER_PARAMS_MAX,
	       "edge parameters must fit struct filter_params");

/* The Sobel kernels, as conv_2d reads them: weights of the pixels at
 * x-1, x, x+1 (columns) and y-1, y, y+1 (rows). */
static const float sobel_x[9] = { -1, 0, 1, -2, 0, 2, -1, 0, 1 };
static const float sobel_y[9] = { -1, -2, -1, 0, 0, 0, 1, 2, 1 };

static int edge_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct edge_params *p = (struct edge_params *)params->bytes;
	struct arg_scan s;

	p->scale = 1;
	arg_scan_init(&s, "edge", args, err);
	if (arg_at_end(&s))
		return 0;
	if (conv_number(&s, "scale", &p->scale) < 0 ||
	    arg_check(&s, p->scale > 0, "scale", "> 0", p->scale) < 0 ||
	    arg_check(&s, p->scale <= 1000, "scale", "<= 1000", p->scale) < 0)
		return -1;
	return arg_end(&s);
}

/* Colours become the gradient magnitude; alpha stays. */
static int edge_op(struct fimage *f, const void *ctx, struct ib_error *err)
{
	const struct edge_params *p = ctx;
	struct fimage gx = { 0 }, gy = { 0 };
	uint32_t colours = f->premultiplied ? f->channels - 1 : f->channels;
	size_t pixels = (size_t)f->width * f->height;
	float scale = (float)p->scale;
	int rc = -1;

	if (conv_2d(f, sobel_x, 3, 3, &gx, err) < 0 || conv_2d(f, sobel_y, 3, 3, &gy, err) < 0)
		goto out;
	for (size_t i = 0; i < pixels; i++)
		for (uint32_t c = 0; c < colours; c++) {
			size_t k = i * f->channels + c;
			f->data[k] = scale * sqrtf(gx.data[k] * gx.data[k] + gy.data[k] * gy.data[k]);
		}
	rc = 0;
out:
	fimage_free(&gx);
	fimage_free(&gy);
	return rc;
}

static int edge_apply(const struct filter_params *params, struct image *img,
		      struct ib_error *err)
{
	return conv_run(img, edge_op, params->bytes, err);
}

const struct filter filter_edge = {
	.name = "edge",
	.usage = "[SCALE]",
	.summary = "Edge detection: each colour becomes its Sobel gradient magnitude, times "
		   "SCALE (0 < SCALE <= 1000).",
	.defaults = "scale 1",
	.formula = "v' = SCALE sqrt(Gx^2 + Gy^2), Gx and Gy the 3x3 Sobel responses "
		   "(rows -1 0 1 / -2 0 2 / -1 0 1 and its transpose), clamped to 0..1.  On "
		   "gamma-encoded values, colours premultiplied by alpha then divided by the "
		   "pixel's own alpha; alpha is unchanged; pixels beyond the edges repeat the "
		   "border.",
	.parse = edge_parse,
	.apply = edge_apply,
};
