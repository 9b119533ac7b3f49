/*
 * sepia: ImageMagick's -sepia-tone, as a point operation.  ImageMagick tones
 * each pixel from its intensity, normalizes the image, then raises its
 * contrast.  On an image that spans black to white, the normalization
 * stretches the luma of the darkest tone (that of black) to 0 and the luma of
 * the brightest to 1, which is what is done here, on every image.
 */
#include "config.h"
#include "filters/filter.h"

#include <math.h>

#include "filters/args.h"
#include "filters/pixels.h"

/* Rec. 709 luma weights in ten-thousandths. */
#define LUMA_R 2126
#define LUMA_G 7152
#define LUMA_B 722
#define LUMA_SCALE 10000

struct sepia_params {
	double threshold;        /* fraction of full scale, 0..1 */
};
_Static_assert(sizeof(struct sepia_params) <= FILTER_PARAMS_MAX,
	       "sepia parameters must fit struct filter_params");

static int sepia_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct sepia_params *p = (struct sepia_params *)params->bytes;
	struct arg_scan s;
	double percent;
	bool has_sign;           /* the '%' is optional: the value is a percentage */

	p->threshold = 0.8;
	arg_scan_init(&s, "sepia", args, err);
	if (arg_at_end(&s))
		return 0;
	if (arg_number_percent(&s, "threshold", &percent, &has_sign) < 0 ||
	    arg_check(&s, percent >= 0 && percent <= 100, "threshold",
		      "between 0% and 100%", percent) < 0)
		return -1;
	p->threshold = percent / 100;
	return arg_end(&s);
}

/* Luma of the pixel (its value when gray), 0..1. */
static double luma_fraction(const struct image *img, const uint8_t *row, uint32_t x)
{
	double max = image_sample_max(img);
	uint64_t sum;

	if (image_colour_channels(img) == 1)
		return sample_get(img, row, x, 0) / max;
	sum = (uint64_t)LUMA_R * sample_get(img, row, x, 0) +
	      (uint64_t)LUMA_G * sample_get(img, row, x, 1) +
	      (uint64_t)LUMA_B * sample_get(img, row, x, 2);
	return (double)sum / (LUMA_SCALE * max);
}

/* ImageMagick's tone of luma y for threshold t, before normalization. */
static void raw_tone(double y, double t, double rgb[3])
{
	double base = t / 7;     /* the darkest green and blue */

	rgb[0] = fmin(1, y + 1 - t);
	rgb[1] = fmax(base, fmin(1, y + 1 - 7 * t / 6));
	rgb[2] = fmax(base, y - t / 6);
}

static double rgb_luma(const double rgb[3])
{
	return (LUMA_R * rgb[0] + LUMA_G * rgb[1] + LUMA_B * rgb[2]) / LUMA_SCALE;
}

/* The tone curve for one threshold: the stretch is fixed by t alone. */
struct sepia_curve {
	double t;
	double lo, hi;           /* luma of the tones of black and white */
};

static void sepia_curve_init(struct sepia_curve *curve, double t)
{
	double rgb[3];

	curve->t = t;
	raw_tone(0, t, rgb);
	curve->lo = rgb_luma(rgb);
	raw_tone(1, t, rgb);
	curve->hi = rgb_luma(rgb);    /* > lo: blue rises from t/7 to 1 - t/6 */
}

/* The sepia colour of luma y, all three channels in 0..1. */
static void sepia_colour(const struct sepia_curve *curve, double y, double rgb[3])
{
	double m, boosted;

	raw_tone(y, curve->t, rgb);
	for (int c = 0; c < 3; c++)
		rgb[c] = fmin(1, fmax(0, (rgb[c] - curve->lo) / (curve->hi - curve->lo)));
	/* Contrast: move the brightest channel m along a sine S-curve and scale
	 * all three with it, which keeps hue and saturation. */
	m = fmax(rgb[0], fmax(rgb[1], rgb[2]));
	if (m <= 0)
		return;
	boosted = m / 2 + (sin(M_PI * (m - 0.5)) + 1) / 4;
	for (int c = 0; c < 3; c++)
		rgb[c] *= boosted / m;
}

static int sepia_apply(const struct filter_params *params, struct image *img,
		       struct ib_error *err)
{
	const struct sepia_params *p = (const struct sepia_params *)params->bytes;
	bool alpha = image_has_alpha(img);
	uint32_t max = image_sample_max(img);
	struct sepia_curve curve;
	struct image out;

	sepia_curve_init(&curve, p->threshold);
	if (image_alloc(&out, img->width, img->height, alpha ? 4 : 3, img->depth, 0, err) < 0)
		return -1;
	for (uint32_t y = 0; y < img->height; y++) {
		const uint8_t *in = image_row(img, y);
		uint8_t *row = image_row(&out, y);
		for (uint32_t x = 0; x < img->width; x++) {
			double rgb[3];
			sepia_colour(&curve, luma_fraction(img, in, x), rgb);
			for (uint32_t c = 0; c < 3; c++)
				sample_set(&out, row, x, c, sample_from_unit(rgb[c], max));
			if (alpha)
				sample_set(&out, row, x, 3, sample_get(img, in, x, img->channels - 1));
		}
	}
	image_free(img);
	*img = out;
	return 0;
}

const struct filter filter_sepia = {
	.name = "sepia",
	.usage = "PERCENT",
	.summary = "Sepia toning from each pixel's luma (ImageMagick's -sepia-tone PERCENT); "
		   "gray input becomes RGB.",
	.defaults = "80%",
	.formula = "Y' = Rec. 709 luma (gamma-encoded), t = PERCENT/100: T(Y') = (min(1, Y'+1-t), "
		   "max(t/7, min(1, Y'+1-7t/6)), max(t/7, Y'-t/6)); each channel c -> (c-lo)/(hi-lo) "
		   "clamped to 0..1, lo and hi the lumas of T(0) and T(1); then all three times m'/m, "
		   "m = the largest, m' = m/2 + (sin(pi(m-1/2))+1)/4; alpha is kept.",
	.parse = sepia_parse,
	.apply = sepia_apply,
};
