/*
 * level and auto-level: stretch [black, white] to the full range, as
 * ImageMagick's -level and -auto-level.
 */
#include "config.h"
#include "filters/filter.h"

#include <math.h>

#include "filters/args.h"
#include "filters/pixels.h"

struct level_params {
	double black, white;     /* fractions of full scale, black < white */
	double gamma;            /* > 0 */
};
_Static_assert(sizeof(struct level_params) <= FILTER_PARAMS_MAX,
	       "level parameters must fit struct filter_params");

/*
 * Reads a level written in percent ("5%") or on the 0-255 scale ("13") as a
 * fraction of full scale, so that one value means the same at both depths;
 * *written keeps the number as the user wrote it, for messages.
 */
static int arg_level(struct arg_scan *s, const char *param, double *fraction,
		     double *written)
{
	double v;
	bool percent;

	if (arg_number_percent(s, param, &v, &percent) < 0)
		return -1;
	*written = v;
	if (percent) {
		if (arg_check(s, v >= 0 && v <= 100, param, "between 0% and 100%", v) < 0)
			return -1;
		*fraction = v / 100;
	} else {
		if (arg_check(s, v >= 0 && v <= 255, param, "between 0 and 255", v) < 0)
			return -1;
		*fraction = v / 255;
	}
	return 0;
}

/* "BLACK,WHITE[,GAMMA]" */
static int level_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct level_params *p = (struct level_params *)params->bytes;
	struct arg_scan s;
	double written;          /* the last level as the user wrote it */

	*p = (struct level_params){ .black = 0.05, .white = 0.95, .gamma = 1 };
	arg_scan_init(&s, "level", args, err);
	if (arg_at_end(&s))
		return 0;
	if (arg_level(&s, "black", &p->black, &written) < 0)
		return -1;
	if (!arg_accept(&s, ',') && !arg_at_end(&s))
		return arg_end(&s);
	if (arg_level(&s, "white", &p->white, &written) < 0)
		return -1;
	if (arg_accept(&s, ',') &&
	    (arg_number(&s, "gamma", &p->gamma) < 0 ||
	     arg_check(&s, p->gamma > 0, "gamma", "> 0", p->gamma) < 0))
		return -1;
	if (arg_check(&s, p->white > p->black, "white", "above black", written) < 0)
		return -1;
	return arg_end(&s);
}

static double level_curve(double v, const void *ctx)
{
	const struct level_params *p = ctx;
	double x = (v - p->black) / (p->white - p->black);

	return x > 0 ? pow(x, 1.0 / p->gamma) : 0;
}

static int level_apply(const struct filter_params *params, struct image *img,
		       struct ib_error *err)
{
	return image_apply_curve(img, level_curve, params->bytes, err);
}

static int auto_level_parse(const char *args, struct filter_params *params,
			    struct ib_error *err)
{
	struct arg_scan s;

	(void)params;
	arg_scan_init(&s, "auto-level", args, err);
	return arg_end(&s);
}

/* The smallest and largest colour sample over the whole image (alpha aside). */
static void colour_range(const struct image *img, uint32_t *lo, uint32_t *hi)
{
	uint32_t colours = image_colour_channels(img);

	*lo = image_sample_max(img);
	*hi = 0;
	for (uint32_t y = 0; y < img->height; y++) {
		const uint8_t *row = image_row(img, y);
		for (uint32_t x = 0; x < img->width; x++)
			for (uint32_t c = 0; c < colours; c++) {
				uint32_t v = sample_get(img, row, x, c);
				*lo = v < *lo ? v : *lo;
				*hi = v > *hi ? v : *hi;
			}
	}
}

static int auto_level_apply(const struct filter_params *params, struct image *img,
			    struct ib_error *err)
{
	double max = image_sample_max(img);
	struct level_params range = { .gamma = 1 };
	uint32_t lo, hi;

	(void)params;
	colour_range(img, &lo, &hi);
	if (lo == hi)            /* a flat image has nothing to stretch */
		return 0;
	range.black = lo / max;
	range.white = hi / max;
	return image_apply_curve(img, level_curve, &range, err);
}

const struct filter filter_level = {
	.name = "level",
	.usage = "BLACK,WHITE[,GAMMA]",
	.summary = "Stretches BLACK..WHITE to the full range, then applies GAMMA; levels in "
		   "percent (5%) or on a 0-255 scale (13) at any depth (as ImageMagick's -level).",
	.defaults = "5%,95%,1",
	.formula = "v' = ((v - BLACK) / (WHITE - BLACK))^(1/GAMMA), clamped to 0..1, on the "
		   "gamma-encoded colour samples scaled to 0..1; alpha is unchanged.",
	.parse = level_parse,
	.apply = level_apply,
};

const struct filter filter_auto_level = {
	.name = "auto-level",
	.usage = "",
	.summary = "Stretches the darkest..brightest colour sample of the image to the full "
		   "range (all colour channels together, as ImageMagick 6's -auto-level).",
	.defaults = "",
	.formula = "v' = (v - lo) / (hi - lo), lo and hi the smallest and largest sample over "
		   "all colour channels of all pixels (gamma-encoded); alpha is unchanged.",
	.parse = auto_level_parse,
	.apply = auto_level_apply,
};
