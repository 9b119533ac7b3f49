#include "config.h"
#include "filters/filter.h"

#include "filters/args.h"
#include "filters/convolve_core.h"

struct emboss_params {
	double strength;
};
_Static_assert(sizeof(struct emboss_params) <= FILTER_PARAMS_MAX,
	       "emboss parameters must fit struct filter_params");

/*
 * Light from the top left: the three neighbours towards the bottom right
 * count positively, the three towards the top left negatively.  Divided by 6
 * so that strength 1 maps the steepest possible step onto the full range.
 */
static const float relief[9] = { -1, -1, 0, -1, 0, 1, 0, 1, 1 };

static int emboss_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct emboss_params *p = (struct emboss_params *)params->bytes;
	struct arg_scan s;

	p->strength = 1;
	arg_scan_init(&s, "emboss", args, err);
	if (arg_at_end(&s))
		return 0;
	if (conv_number(&s, "strength", &p->strength) < 0 ||
	    arg_check(&s, p->strength > 0, "strength", "> 0", p->strength) < 0 ||
	    arg_check(&s, p->strength <= 1000, "strength", "<= 1000", p->strength) < 0)
		return -1;
	return arg_end(&s);
}

static int emboss_op(struct fimage *f, const void *ctx, struct ib_error *err)
{
	const struct emboss_params *p = ctx;
	float k[9];
	struct fimage out = { 0 };
	uint32_t colours = f->premultiplied ? f->channels - 1 : f->channels;
	size_t pixels = (size_t)f->width * f->height;

	for (int i = 0; i < 9; i++)
		k[i] = relief[i] * (float)(p->strength / 6);
	if (conv_2d(f, k, 3, 3, &out, err) < 0)
		return -1;
	/* mid-grey plus the relief; premultiplied, the grey is 0.5 alpha */
	for (size_t i = 0; i < pixels; i++) {
		float *px = out.data + i * f->channels;
		const float *src = f->data + i * f->channels;
		float alpha = f->premultiplied ? src[colours] : 1;
		for (uint32_t c = 0; c < colours; c++)
			px[c] += 0.5f * alpha;
		if (f->premultiplied)
			px[colours] = alpha;
	}
	conv_take(f, &out);
	return 0;
}

static int emboss_apply(const struct filter_params *params, struct image *img,
			struct ib_error *err)
{
	return conv_run(img, emboss_op, params->bytes, err);
}

const struct filter filter_emboss = {
	.name = "emboss",
	.usage = "[STRENGTH]",
	.summary = "Grey relief lit from the top left; STRENGTH (0 < STRENGTH <= 1000) scales "
		   "the relief, 1 uses the full range without clipping.",
	.defaults = "strength 1",
	.formula = "v' = 1/2 + STRENGTH (v(x+1,y) + v(x,y+1) + v(x+1,y+1) - v(x-1,y) - v(x,y-1) "
		   "- v(x-1,y-1)) / 6 per colour channel, clamped to 0..1.  On gamma-encoded "
		   "values, colours premultiplied by alpha then divided by the pixel's own alpha; "
		   "alpha is unchanged; pixels beyond the edges repeat the border.",
	.parse = emboss_parse,
	.apply = emboss_apply,
};
