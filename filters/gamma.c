#include "config.h"
#include "filters/filter.h"

#include <math.h>

#include "filters/args.h"
#include "filters/pixels.h"

struct gamma_params {
	double gamma;
};
_Static_assert(sizeof(struct gamma_params) <= FILTER_PARAMS_MAX,
	       "gamma parameters must fit struct filter_params");

static int gamma_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct gamma_params *p = (struct gamma_params *)params->bytes;
	struct arg_scan s;

	p->gamma = 2.2;
	arg_scan_init(&s, "gamma", args, err);
	if (arg_at_end(&s))
		return 0;
	if (arg_number(&s, "gamma", &p->gamma) < 0 ||
	    arg_check(&s, p->gamma > 0, "gamma", "> 0", p->gamma) < 0)
		return -1;
	return arg_end(&s);
}

static double gamma_curve(double v, const void *ctx)
{
	const struct gamma_params *p = ctx;

	return pow(v, 1.0 / p->gamma);
}

static int gamma_apply(const struct filter_params *params, struct image *img,
		       struct ib_error *err)
{
	return image_apply_curve(img, gamma_curve, params->bytes, err);
}

const struct filter filter_gamma = {
	.name = "gamma",
	.usage = "G",
	.summary = "Gamma correction: G > 1 brightens the mid-tones, G < 1 darkens them "
		   "(as ImageMagick's -gamma G).",
	.defaults = "2.2",
	.formula = "v' = v^(1/G), with v the gamma-encoded colour sample scaled to 0..1; "
		   "alpha is unchanged.",
	.parse = gamma_parse,
	.apply = gamma_apply,
};
