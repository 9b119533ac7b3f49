#include "config.h"
#include "filters/filter.h"

#include <math.h>

#include "filters/args.h"
#include "filters/convolve_core.h"

struct sharpen_params {
	double radius;      /* 0: automatic */
	double sigma;
};
_Static_assert(sizeof(struct sharpen_params) <= FILTER_PARAMS_MAX,
	       "sharpen parameters must fit struct filter_params");

static int sharpen_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct sharpen_params *p = (struct sharpen_params *)params->bytes;
	struct arg_scan s;

	*p = (struct sharpen_params){ .radius = 0, .sigma = 1 };
	arg_scan_init(&s, "sharpen", args, err);
	if (arg_at_end(&s))
		return 0;
	/* SIGMA alone, or ImageMagick's RADIUSxSIGMA */
	if (conv_radius_sigma(&s, &p->radius, &p->sigma) < 0)
		return -1;
	return arg_end(&s);
}

/*
 * ImageMagick's sharpen kernel is 2 / (1 + g0) at the centre and
 * -g(u, v) / (1 + g0) elsewhere, g being the normalised 2-D Gaussian and g0
 * its centre weight.  As g is separable, that is ((2 + g0) v - blur(v)) / (1 + g0).
 */
static int sharpen_op(struct fimage *f, const void *ctx, struct ib_error *err)
{
	const struct sharpen_params *p = ctx;
	uint32_t radius = (uint32_t)ceil(p->radius);
	double c = conv_gaussian_centre(p->sigma, radius);
	float g0 = (float)(c * c);
	struct fimage blurred = { 0 };
	size_t n = (size_t)f->width * f->height * f->channels;
	int rc = -1;

	if (conv_copy(f, &blurred, err) < 0 || conv_gaussian(&blurred, p->sigma, radius, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		f->data[i] = ((2 + g0) * f->data[i] - blurred.data[i]) / (1 + g0);
	rc = 0;
out:
	fimage_free(&blurred);
	return rc;
}

static int sharpen_apply(const struct filter_params *params, struct image *img,
			 struct ib_error *err)
{
	return conv_run(img, sharpen_op, params->bytes, err);
}

const struct filter filter_sharpen = {
	.name = "sharpen",
	.usage = "[RADIUSx]SIGMA",
	.summary = "Sharpens with a Gaussian of standard deviation SIGMA pixels "
		   "(0 < SIGMA <= 1000) cut at RADIUS pixels (0 = automatic, at most 3000), "
		   "as ImageMagick's -sharpen RADIUSxSIGMA.",
	.defaults = "radius 0 (automatic), sigma 1",
	.formula = "v' = ((2 + g0) v - B(v)) / (1 + g0): B is blur=SIGMA, or its exact kernel "
		   "cut at |i| <= ceil(RADIUS) when RADIUS > 0, and g0 the square of the centre "
		   "weight of that kernel exp(-i^2/(2 SIGMA^2)) (|i| <= ceil(3 SIGMA) when RADIUS "
		   "is 0), normalised.  On gamma-encoded values, colours premultiplied by alpha, alpha "
		   "filtered too; pixels beyond the edges repeat the border.",
	.parse = sharpen_parse,
	.apply = sharpen_apply,
};
