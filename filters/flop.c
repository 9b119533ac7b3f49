#include "config.h"
#include "filters/filter.h"

#include "filters/args.h"
#include "codec/exif.h"

static int flop_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct arg_scan s;

	(void)params;
	arg_scan_init(&s, "flop", args, err);
	return arg_end(&s);
}

/* EXIF orientation 2 is exactly a left-right mirror. */
static int flop_apply(const struct filter_params *params, struct image *img,
		      struct ib_error *err)
{
	(void)params;
	return exif_apply_orientation(img, 2, err);
}

const struct filter filter_flop = {
	.name = "flop",
	.usage = "",
	.summary = "Mirrors the image left to right, like convert -flop.",
	.defaults = "",
	.formula = "out(x, y) = in(W-1-x, y): whole pixels move, samples (alpha included) "
		   "are copied unchanged.",
	.parse = flop_parse,
	.apply = flop_apply,
};
