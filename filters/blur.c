#include "config.h"
#include "filters/filter.h"

#include "filters/args.h"
#include "filters/convolve_core.h"

struct blur_params {
	double sigma;
};
_Static_assert(sizeof(struct blur_params) <= FILTER_PARAMS_MAX,
	       "blur parameters must fit struct filter_params");

static int blur_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct blur_params *p = (struct blur_params *)params->bytes;
	struct arg_scan s;

	p->sigma = 1;
	arg_scan_init(&s, "blur", args, err);
	if (arg_at_end(&s))
		return 0;
	if (conv_number(&s, "sigma", &p->sigma) < 0 || conv_check_sigma(&s, p->sigma) < 0)
		return -1;
	return arg_end(&s);
}

static int blur_op(struct fimage *f, const void *ctx, struct ib_error *err)
{
	const struct blur_params *p = ctx;

	return conv_gaussian(f, p->sigma, 0, err);
}

static int blur_apply(const struct filter_params *params, struct image *img,
		      struct ib_error *err)
{
	return conv_run(img, blur_op, params->bytes, err);
}

const struct filter filter_blur = {
	.name = "blur",
	.usage = "SIGMA",
	.summary = "Gaussian blur of standard deviation SIGMA pixels (0 < SIGMA <= 1000), "
		   "as ImageMagick's -blur 0xSIGMA.",
	.defaults = "sigma 1",
	.formula = "v' = sum of G(i) G(j) v(x+i, y+j), G(i) = exp(-i^2/(2 SIGMA^2)) normalised "
		   "to sum 1, |i| <= ceil(3 SIGMA); from SIGMA 3.5 on, four box filters of "
		   "total variance SIGMA^2 instead (cost independent of SIGMA, within 1% of the "
		   "Gaussian).  On gamma-encoded values, colours premultiplied by alpha, alpha "
		   "blurred too; pixels beyond the edges repeat the border.",
	.parse = blur_parse,
	.apply = blur_apply,
};
