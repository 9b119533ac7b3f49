#include "config.h"
#include "filters/filter.h"

#include "filters/args.h"
#include "filters/pixels.h"

/* Rec. 709 luma weights in ten-thousandths: integer sums keep the result exact. */
#define LUMA_R 2126
#define LUMA_G 7152
#define LUMA_B 722
#define LUMA_SCALE 10000

/*
 * The threshold lives on a 16-bit scale, where ImageMagick (Q16) compares:
 * 8-bit samples are scaled by 257 to meet it, so ties fall as they do there.
 */
struct threshold_params {
	double level16;          /* 0..65536 */
};
_Static_assert(sizeof(struct threshold_params) <= FILTER_PARAMS_MAX,
	       "threshold parameters must fit struct filter_params");

/*
 * Reads "P%" or "N" (0-255 scale).  ImageMagick takes percentages of
 * QuantumRange + 1, so 50% is 32768 and a 16-bit 32768 stays black.
 */
static int arg_threshold(struct arg_scan *s, double *level16)
{
	double v;
	bool percent;

	if (arg_number_percent(s, "threshold", &v, &percent) < 0)
		return -1;
	if (percent) {
		if (arg_check(s, v >= 0 && v <= 100, "threshold", "between 0% and 100%", v) < 0)
			return -1;
		*level16 = v / 100 * 65536;
	} else {
		if (arg_check(s, v >= 0 && v <= 255, "threshold", "between 0 and 255", v) < 0)
			return -1;
		*level16 = v * 257;
	}
	return 0;
}

static int threshold_parse(const char *args, struct filter_params *params,
			   struct ib_error *err)
{
	struct threshold_params *p = (struct threshold_params *)params->bytes;
	struct arg_scan s;

	p->level16 = 32768;      /* 50% */
	arg_scan_init(&s, "threshold", args, err);
	if (arg_at_end(&s))
		return 0;
	if (arg_threshold(&s, &p->level16) < 0)
		return -1;
	return arg_end(&s);
}

/* The pixel's gray value (its luma when in colour) times LUMA_SCALE. */
static uint64_t luma_scaled(const struct image *img, const uint8_t *row, uint32_t x)
{
	if (image_colour_channels(img) == 1)
		return (uint64_t)LUMA_SCALE * sample_get(img, row, x, 0);
	return (uint64_t)LUMA_R * sample_get(img, row, x, 0) +
	       (uint64_t)LUMA_G * sample_get(img, row, x, 1) +
	       (uint64_t)LUMA_B * sample_get(img, row, x, 2);
}

static int threshold_apply(const struct filter_params *params, struct image *img,
			   struct ib_error *err)
{
	const struct threshold_params *p = (const struct threshold_params *)params->bytes;
	uint32_t colours = image_colour_channels(img);
	uint32_t max = image_sample_max(img);
	uint64_t to16 = 65535 / max;                  /* 257 or 1 */
	double limit = p->level16 * LUMA_SCALE;

	(void)err;
	for (uint32_t y = 0; y < img->height; y++) {
		uint8_t *row = image_row(img, y);
		for (uint32_t x = 0; x < img->width; x++) {
			/* Below 2^53: the product converts to double exactly. */
			double luma16 = (double)(luma_scaled(img, row, x) * to16);
			uint32_t v = luma16 > limit ? max : 0;
			for (uint32_t c = 0; c < colours; c++)
				sample_set(img, row, x, c, v);
		}
	}
	return 0;
}

const struct filter filter_threshold = {
	.name = "threshold",
	.usage = "T",
	.summary = "Makes each pixel black or white by comparing its gray level (luma for "
		   "colour) with T, in percent (50%) or on a 0-255 scale (128) at any depth.",
	.defaults = "50%",
	.formula = "white (every colour channel max) where Y' > T, else black; Y' = the gray sample "
		   "or 0.2126 R' + 0.7152 G' + 0.0722 B' (gamma-encoded); T = N on a 0-255 scale, or "
		   "P% of 65536 on a 16-bit scale as in ImageMagick (50% = 32768); alpha is unchanged.",
	.parse = threshold_parse,
	.apply = threshold_apply,
};
