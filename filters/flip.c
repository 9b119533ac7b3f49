#include "config.h"
#include "filters/filter.h"

#include "filters/args.h"
#include "codec/exif.h"

static int flip_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct arg_scan s;

	(void)params;
	arg_scan_init(&s, "flip", args, err);
	return arg_end(&s);
}

/* EXIF orientation 4 is exactly a top-bottom mirror. */
static int flip_apply(const struct filter_params *params, struct image *img,
		      struct ib_error *err)
{
	(void)params;
	return exif_apply_orientation(img, 4, err);
}

const struct filter filter_flip = {
	.name = "flip",
	.usage = "",
	.summary = "Mirrors the image top to bottom, like convert -flip.",
	.defaults = "",
	.formula = "out(x, y) = in(x, H-1-y): whole pixels move, samples (alpha included) "
		   "are copied unchanged.",
	.parse = flip_parse,
	.apply = flip_apply,
};
