#include "config.h"
#include "filters/filter.h"

#include "filters/args.h"
#include "codec/exif.h"

static int transpose_parse(const char *args, struct filter_params *params,
			   struct ib_error *err)
{
	struct arg_scan s;

	(void)params;
	arg_scan_init(&s, "transpose", args, err);
	return arg_end(&s);
}

static void transpose_output_size(const struct filter_params *params, uint32_t in_w,
				  uint32_t in_h, uint32_t *out_w, uint32_t *out_h)
{
	(void)params;
	*out_w = in_h;
	*out_h = in_w;
}

/* EXIF orientation 5 is exactly a mirror about the main diagonal. */
static int transpose_apply(const struct filter_params *params, struct image *img,
			   struct ib_error *err)
{
	(void)params;
	return exif_apply_orientation(img, 5, err);
}

const struct filter filter_transpose = {
	.name = "transpose",
	.usage = "",
	.summary = "Mirrors the image about its top-left to bottom-right diagonal, swapping "
		   "width and height, like convert -transpose.",
	.defaults = "",
	.formula = "out(x, y) = in(y, x), output W x H = input H x W: whole pixels move, "
		   "samples (alpha included) are copied unchanged.",
	.parse = transpose_parse,
	.output_size = transpose_output_size,
	.apply = transpose_apply,
};
