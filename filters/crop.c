#include "config.h"
#include "filters/filter.h"

#include <math.h>

#include "filters/args.h"
#include "filters/colour.h"

struct crop_params {
	uint32_t width, height;
	int64_t x, y;             /* offsets as written, relative to the gravity */
	enum gravity gravity;
};

_Static_assert(sizeof(struct crop_params) <= FILTER_PARAMS_MAX, "crop_params too large");

/* Reads "+N" or "-N": the sign is what separates the offsets. */
static int scan_offset(struct arg_scan *s, const char *param, int64_t *out)
{
	double v;

	if (*s->p != '+' && *s->p != '-' && !arg_at_end(s))
		return ib_fail(s->err, "%s: %s must be +N or -N, got '%s'", s->filter, param, s->p);
	if (arg_number(s, param, &v) < 0 ||
	    arg_check(s, v == floor(v) && fabs(v) <= GEOM_ARG_MAX, param,
		      "a whole number from -" GEOM_ARG_MAX_TEXT " to +" GEOM_ARG_MAX_TEXT, v) < 0)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static int crop_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct crop_params *p = (struct crop_params *)params;
	struct arg_scan s;

	*p = (struct crop_params){ .gravity = GRAVITY_NORTHWEST };
	arg_scan_init(&s, "crop", args, err);
	if (arg_geom_size(&s, &p->width, &p->height) < 0)
		return -1;
	if ((*s.p == '+' || *s.p == '-') &&
	    (scan_offset(&s, "x offset", &p->x) < 0 || scan_offset(&s, "y offset", &p->y) < 0))
		return -1;
	if (arg_accept(&s, ':') && arg_geom_gravity(&s, &p->gravity) < 0)
		return -1;
	return arg_end(&s);
}

/* The window as placed (x, y) and clipped to the image: [x0, x1) x [y0, y1). */
struct window {
	int64_t x, y;
	int64_t x0, y0, x1, y1;
};

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static struct window crop_window(const struct crop_params *p, uint32_t in_w, uint32_t in_h)
{
	struct window w;

	gravity_place(p->gravity, in_w, in_h, p->width, p->height, p->x, p->y, &w.x, &w.y);
	w.x0 = max64(w.x, 0);
	w.y0 = max64(w.y, 0);
	w.x1 = min64(w.x + p->width, in_w);
	w.y1 = min64(w.y + p->height, in_h);
	return w;
}

/* Length of [lo, hi), 0 when empty; never more than a uint32_t side. */
static uint32_t span(int64_t lo, int64_t hi)
{
	return hi > lo ? (uint32_t)(hi - lo) : 0;
}

/* A window that misses the image gives 0 on that axis; apply() then fails. */
static void crop_output_size(const struct filter_params *params, uint32_t in_w, uint32_t in_h,
			     uint32_t *out_w, uint32_t *out_h)
{
	struct window w = crop_window((const struct crop_params *)params, in_w, in_h);

	*out_w = span(w.x0, w.x1);
	*out_h = span(w.y0, w.y1);
}

static int crop_apply(const struct filter_params *params, struct image *img,
		      struct ib_error *err)
{
	const struct crop_params *p = (const struct crop_params *)params;
	struct window win = crop_window(p, img->width, img->height);
	uint32_t w = span(win.x0, win.x1), h = span(win.y0, win.y1);
	struct image out;

	if (!w || !h)
		return ib_fail(err, "crop: the %ux%u window at %+lld%+lld lies outside the %ux%u image",
			       p->width, p->height, (long long)win.x, (long long)win.y,
			       img->width, img->height);
	if (w == img->width && h == img->height)
		return 0;
	if (image_crop(img, (uint32_t)win.x0, (uint32_t)win.y0, w, h, &out, err) < 0)
		return -1;
	image_free(img);
	*img = out;
	return 0;
}

const struct filter filter_crop = {
	.name = "crop",
	.usage = "WxH[+X+Y][:GRAVITY]",
	.summary = "Cuts out a WxH window, like convert -gravity GRAVITY -crop WxH+X+Y +repage: "
		   "GRAVITY picks the corner, edge or centre the window starts from, X and Y move "
		   "it inwards; the part outside the image is dropped.",
	.defaults = "offset +0+0, gravity northwest; WxH is required",
	.formula = "Window left edge: X for the west gravities (northwest, west, southwest), "
		   "Wi - W - X for the east ones, Wi/2 - W/2 + X otherwise (halves rounded down); "
		   "top edge: Y for the north ones, Hi - H - Y for the south ones, Hi/2 - H/2 + Y "
		   "otherwise; Wi x Hi = the image.  Pixels are copied; a window wholly outside the "
		   "image fails.",
	.parse = crop_parse,
	.output_size = crop_output_size,
	.apply = crop_apply,
};
