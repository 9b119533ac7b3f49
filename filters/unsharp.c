#include "config.h"
#include "filters/filter.h"

#include <math.h>

#include "filters/args.h"
#include "filters/convolve_core.h"

/* The largest explicit radius: the one sigma 1000 gets automatically. */
#define UNSHARP_RADIUS_MAX 3000

struct unsharp_params {
	double radius;      /* 0: automatic */
	double sigma;
	double amount;
	double threshold;   /* fraction of the full range */
};
_Static_assert(sizeof(struct unsharp_params) <= FILTER_PARAMS_MAX,
	       "unsharp parameters must fit struct filter_params");

/* ImageMagick's geometry RADIUS[xSIGMA][+AMOUNT[+THRESHOLD]], any part optional. */
static int unsharp_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct unsharp_params *p = (struct unsharp_params *)params->bytes;
	struct arg_scan s;

	*p = (struct unsharp_params){ .radius = 0, .sigma = 1, .amount = 1, .threshold = 0.05 };
	arg_scan_init(&s, "unsharp", args, err);
	if (*s.p != 'x' && *s.p != '+' && !arg_at_end(&s) &&
	    (conv_number(&s, "radius", &p->radius) < 0 ||
	     arg_check(&s, p->radius >= 0 && p->radius <= UNSHARP_RADIUS_MAX, "radius",
		       "between 0 and 3000", p->radius) < 0))
		return -1;
	if (arg_accept(&s, 'x') &&
	    (conv_number(&s, "sigma", &p->sigma) < 0 || conv_check_sigma(&s, p->sigma) < 0))
		return -1;
	if (arg_accept(&s, '+')) {
		if (conv_number(&s, "amount", &p->amount) < 0 ||
		    arg_check(&s, p->amount >= 0 && p->amount <= 1000, "amount",
			      "between 0 and 1000", p->amount) < 0)
			return -1;
		if (arg_accept(&s, '+') &&
		    (conv_number(&s, "threshold", &p->threshold) < 0 ||
		     arg_check(&s, p->threshold >= 0 && p->threshold <= 1, "threshold",
			       "between 0 and 1", p->threshold) < 0))
			return -1;
	}
	return arg_end(&s);
}

/* As ImageMagick: a sample moves only when twice its distance to the blurred
 * sample reaches the threshold. */
static int unsharp_op(struct fimage *f, const void *ctx, struct ib_error *err)
{
	const struct unsharp_params *p = ctx;
	struct fimage blurred = { 0 };
	size_t n = (size_t)f->width * f->height * f->channels;
	float amount = (float)p->amount, threshold = (float)p->threshold;
	int rc = -1;

	if (conv_copy(f, &blurred, err) < 0 ||
	    conv_gaussian(&blurred, p->sigma, (uint32_t)ceil(p->radius), err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		float d = f->data[i] - blurred.data[i];
		if (fabsf(2 * d) >= threshold)
			f->data[i] += amount * d;
	}
	rc = 0;
out:
	fimage_free(&blurred);
	return rc;
}

static int unsharp_apply(const struct filter_params *params, struct image *img,
			 struct ib_error *err)
{
	return conv_run(img, unsharp_op, params->bytes, err);
}

const struct filter filter_unsharp = {
	.name = "unsharp",
	.usage = "[RADIUS][xSIGMA][+AMOUNT[+THRESHOLD]]",
	.summary = "Unsharp mask, as ImageMagick's -unsharp: adds AMOUNT (0 to 1000) times the "
		   "difference from a Gaussian blur of SIGMA, cut at RADIUS pixels (0 = "
		   "automatic), where it reaches THRESHOLD (0 to 1, a fraction of the range).",
	.defaults = "0x1+1+0.05",
	.formula = "v' = v + AMOUNT (v - B(v)) where |2 (v - B(v))| >= THRESHOLD, else v; B is "
		   "blur=SIGMA, or its exact kernel cut at |i| <= ceil(RADIUS) when RADIUS > 0.  "
		   "On gamma-encoded values (0..1), colours premultiplied by alpha, alpha "
		   "filtered too; pixels beyond the edges repeat the border.",
	.parse = unsharp_parse,
	.apply = unsharp_apply,
};
