#include "config.h"
#include "filters/filter.h"

#include "filters/args.h"
#include "filters/pixels.h"

/* Rec. 709 luma weights in ten-thousandths: integer sums keep the result exact. */
#define LUMA_R 2126
#define LUMA_G 7152
#define LUMA_B 722
#define LUMA_SCALE 10000

static int grayscale_parse(const char *args, struct filter_params *params,
			   struct ib_error *err)
{
	struct arg_scan s;

	(void)params;
	arg_scan_init(&s, "grayscale", args, err);
	return arg_end(&s);
}

/* The luma of an RGB pixel, rounded to the nearest sample. */
static uint32_t rgb_luma(const struct image *img, const uint8_t *row, uint32_t x)
{
	uint64_t sum = (uint64_t)LUMA_R * sample_get(img, row, x, 0) +
		       (uint64_t)LUMA_G * sample_get(img, row, x, 1) +
		       (uint64_t)LUMA_B * sample_get(img, row, x, 2);

	return (uint32_t)((sum + LUMA_SCALE / 2) / LUMA_SCALE);
}

static int grayscale_apply(const struct filter_params *params, struct image *img,
			   struct ib_error *err)
{
	bool alpha = image_has_alpha(img);
	struct image gray;

	(void)params;
	if (image_colour_channels(img) == 1)
		return 0;
	/* The input already passed --max-pixels, and the result is smaller. */
	if (image_alloc(&gray, img->width, img->height, alpha ? 2 : 1, img->depth, 0, err) < 0)
		return -1;
	for (uint32_t y = 0; y < img->height; y++) {
		const uint8_t *in = image_row(img, y);
		uint8_t *out = image_row(&gray, y);
		for (uint32_t x = 0; x < img->width; x++) {
			sample_set(&gray, out, x, 0, rgb_luma(img, in, x));
			if (alpha)
				sample_set(&gray, out, x, 1, sample_get(img, in, x, 3));
		}
	}
	image_free(img);
	*img = gray;
	return 0;
}

const struct filter filter_grayscale = {
	.name = "grayscale",
	.usage = "",
	.summary = "Converts colour to gray by Rec. 709 luma: the result is a gray image "
		   "(with its alpha).",
	.defaults = "",
	.formula = "Y' = 0.2126 R' + 0.7152 G' + 0.0722 B' on the gamma-encoded samples, "
		   "rounded to the nearest level; gray input is unchanged, alpha is kept.",
	.parse = grayscale_parse,
	.apply = grayscale_apply,
};
