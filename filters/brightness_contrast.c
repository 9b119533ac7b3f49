/*
 * brightness, contrast and brightness-contrast: one linear curve, as
 * ImageMagick's -brightness-contrast BxC.
 */
#include "config.h"
#include "filters/filter.h"

#include <math.h>

#include "filters/args.h"
#include "filters/pixels.h"

struct bc_params {
	double brightness;       /* -100..100 */
	double contrast;         /* -100..100 */
};
_Static_assert(sizeof(struct bc_params) <= FILTER_PARAMS_MAX,
	       "brightness-contrast parameters must fit struct filter_params");

/* The default of each filter when it is given no argument. */
#define DEFAULT_AMOUNT 10

/* Reads a -100..100 amount; a '%' after it is allowed, as in ImageMagick. */
static int arg_amount(struct arg_scan *s, const char *param, double *out)
{
	bool percent;

	if (arg_number_percent(s, param, out, &percent) < 0)
		return -1;
	return arg_check(s, *out >= -100 && *out <= 100, param, "between -100 and 100", *out);
}

/* Parses the single amount of brightness or contrast into *amount. */
static int parse_one(const char *name, const char *args, double *amount, struct ib_error *err)
{
	struct arg_scan s;

	*amount = DEFAULT_AMOUNT;
	arg_scan_init(&s, name, args, err);
	if (arg_at_end(&s))
		return 0;
	if (arg_amount(&s, name, amount) < 0)
		return -1;
	return arg_end(&s);
}

static int brightness_parse(const char *args, struct filter_params *params,
			    struct ib_error *err)
{
	struct bc_params *p = (struct bc_params *)params->bytes;

	p->contrast = 0;
	return parse_one("brightness", args, &p->brightness, err);
}

static int contrast_parse(const char *args, struct filter_params *params,
			  struct ib_error *err)
{
	struct bc_params *p = (struct bc_params *)params->bytes;

	p->brightness = 0;
	return parse_one("contrast", args, &p->contrast, err);
}

/* "BxC", or "B" alone with contrast 0 as in ImageMagick. */
static int brightness_contrast_parse(const char *args, struct filter_params *params,
				     struct ib_error *err)
{
	struct bc_params *p = (struct bc_params *)params->bytes;
	struct arg_scan s;

	p->brightness = DEFAULT_AMOUNT;
	p->contrast = DEFAULT_AMOUNT;
	arg_scan_init(&s, "brightness-contrast", args, err);
	if (arg_at_end(&s))
		return 0;
	p->contrast = 0;
	if (arg_amount(&s, "brightness", &p->brightness) < 0)
		return -1;
	if (arg_accept(&s, 'x') && arg_amount(&s, "contrast", &p->contrast) < 0)
		return -1;
	return arg_end(&s);
}

/* The straight line v' = slope * (v - pivot) + pivot + brightness / 100. */
struct bc_line {
	double slope, pivot, offset;
};

static double bc_curve(double v, const void *ctx)
{
	const struct bc_line *l = ctx;

	return l->slope * (v - l->pivot) + l->pivot + l->offset;
}

/*
 * ImageMagick's line is v' = slope * v + intercept with intercept =
 * B/100 + (100 - B)/200 * (1 - slope); written around the pivot it loses no
 * precision when the slope is huge (contrast near 100).
 */
static int bc_apply(const struct filter_params *params, struct image *img,
		    struct ib_error *err)
{
	const struct bc_params *p = (const struct bc_params *)params->bytes;
	struct bc_line line = {
		.slope = tan(M_PI * (p->contrast + 100) / 400),
		.pivot = (100 - p->brightness) / 200,
		.offset = p->brightness / 100,
	};

	return image_apply_curve(img, bc_curve, &line, err);
}

const struct filter filter_brightness = {
	.name = "brightness",
	.usage = "B",
	.summary = "Brightens (B > 0) or darkens (B < 0) the colours, B from -100 to 100; "
		   "same as brightness-contrast=Bx0.",
	.defaults = "10",
	.formula = "v' = v + B/100, clamped to 0..1, v the gamma-encoded colour sample in 0..1 "
		   "(-brightness-contrast Bx0, whose slope is tan(pi/4) = 1); alpha is unchanged.",
	.parse = brightness_parse,
	.apply = bc_apply,
};

const struct filter filter_contrast = {
	.name = "contrast",
	.usage = "C",
	.summary = "Raises (C > 0) or lowers (C < 0) the contrast around mid-gray, C from "
		   "-100 to 100; same as brightness-contrast=0xC.",
	.defaults = "10",
	.formula = "v' = s (v - 1/2) + 1/2 with s = tan(pi (C + 100) / 400), clamped to 0..1, v the "
		   "gamma-encoded colour sample in 0..1 (-brightness-contrast 0xC); alpha is unchanged.",
	.parse = contrast_parse,
	.apply = bc_apply,
};

const struct filter filter_brightness_contrast = {
	.name = "brightness-contrast",
	.usage = "B[xC]",
	.summary = "Brightness B and contrast C together, each from -100 to 100 "
		   "(as ImageMagick's -brightness-contrast BxC).",
	.defaults = "10x10; with B alone, C is 0",
	.formula = "v' = s (v - p) + p + B/100 with s = tan(pi (C + 100) / 400), p = (100 - B) / 200, "
		   "clamped to 0..1, v the gamma-encoded colour sample in 0..1; alpha is unchanged.",
	.parse = brightness_contrast_parse,
	.apply = bc_apply,
};
