#include "config.h"
#include "filters/filter.h"

#include <math.h>

#include "filters/args.h"
#include "filters/convolve_core.h"

struct blur_params {
	double radius;      /* 0: automatic */
	double sigma;
};
_Static_assert(sizeof(struct blur_params) <= FILTER_PARAMS_MAX,
	       "blur parameters must fit struct filter_params");

static int blur_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct blur_params *p = (struct blur_params *)params->bytes;
	struct arg_scan s;

	*p = (struct blur_params){ .radius = 0, .sigma = 1 };
	arg_scan_init(&s, "blur", args, err);
	if (arg_at_end(&s))
		return 0;
	/* SIGMA alone, or ImageMagick's RADIUSxSIGMA, as sharpen takes them */
	if (conv_radius_sigma(&s, &p->radius, &p->sigma) < 0)
		return -1;
	return arg_end(&s);
}

static int blur_op(struct fimage *f, const void *ctx, struct ib_error *err)
{
	const struct blur_params *p = ctx;

	return conv_gaussian(f, p->sigma, (uint32_t)ceil(p->radius), err);
}

static int blur_apply(const struct filter_params *params, struct image *img,
		      struct ib_error *err)
{
	return conv_run(img, blur_op, params->bytes, err);
}

const struct filter filter_blur = {
	.name = "blur",
	.usage = "[RADIUSx]SIGMA",
	.summary = "Gaussian blur of standard deviation SIGMA pixels (0 < SIGMA <= 1000) cut at "
		   "RADIUS pixels (0 = automatic, at most 3000), as ImageMagick's -blur RADIUSxSIGMA.",
	.defaults = "radius 0 (automatic), sigma 1",
	.formula = "v' = sum of G(i) G(j) v(x+i, y+j), G(i) = exp(-i^2/(2 SIGMA^2)) normalised "
		   "to sum 1, |i| <= ceil(RADIUS) when RADIUS > 0, else |i| <= ceil(3 SIGMA) and "
		   "from SIGMA 3.5 on four box filters of total variance SIGMA^2 instead (cost "
		   "independent of SIGMA, within 1% of the Gaussian).  On gamma-encoded values, colours premultiplied by alpha, alpha "
		   "blurred too; pixels beyond the edges repeat the border.",
	.parse = blur_parse,
	.apply = blur_apply,
};
