#include "config.h"
#include "filters/filter.h"

#include "filters/args.h"
#include "filters/pixels.h"

static int invert_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct arg_scan s;

	(void)params;
	arg_scan_init(&s, "invert", args, err);
	return arg_end(&s);
}

static double negate(double v, const void *ctx)
{
	(void)ctx;
	return 1.0 - v;
}

static int invert_apply(const struct filter_params *params, struct image *img,
			struct ib_error *err)
{
	(void)params;
	return image_apply_curve(img, negate, NULL, err);
}

const struct filter filter_invert = {
	.name = "invert",
	.usage = "",
	.summary = "Negates the colours, like a photographic negative.",
	.defaults = "",
	.formula = "v' = max - v on each colour channel's stored (gamma-encoded) sample, "
		   "max = 255 or 65535; alpha is unchanged.",
	.parse = invert_parse,
	.apply = invert_apply,
};
