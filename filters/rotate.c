#include "config.h"
#include "filters/filter.h"

#include <math.h>

#include "filters/args.h"
#include "filters/colour.h"
#include "codec/exif.h"
#include "filters/pixels.h"

struct rotate_params {
	double degrees;           /* clockwise */
	struct fill_colour colour;
};

_Static_assert(sizeof(struct rotate_params) <= FILTER_PARAMS_MAX, "rotate_params too large");

static int rotate_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct rotate_params *p = (struct rotate_params *)params;
	struct arg_scan s;

	*p = (struct rotate_params){ .degrees = 90, .colour = FILL_WHITE };
	if (!args)
		return 0;
	arg_scan_init(&s, "rotate", args, err);
	if (arg_number(&s, "angle", &p->degrees) < 0)
		return -1;
	if (arg_accept(&s, ':') && arg_fill_colour(&s, &p->colour) < 0)
		return -1;
	return arg_end(&s);
}

/* Clockwise quarter turns (0-3) when degrees is a multiple of 90, else -1. */
static int quarter_turns(double degrees)
{
	double turns = fmod(degrees, 360.0) / 90.0;   /* -4 < turns < 4 */

	if (turns != floor(turns))
		return -1;
	return ((int)turns + 4) % 4;
}

/* The EXIF orientation that turns an image by so many quarters clockwise. */
static const int quarter_orientation[4] = { 1, 6, 3, 8 };

/*
 * The canvas of a rotation by any other angle.  Output pixel (i, j) has its
 * centre at (x + i + 0.5, y + j + 0.5) in the rotated frame, whose centre is
 * the input's centre.
 */
struct canvas {
	double cos, sin;
	double x, y;
	uint32_t width, height;
};

static uint32_t canvas_side(double v)
{
	return v < UINT32_MAX ? (uint32_t)v : UINT32_MAX;
}

/*
 * ImageMagick's -rotate size: the bounding box of the rotated corners, grown
 * by half a pixel on each side and rounded outwards ("bestfit" distortion).
 */
static void plan_canvas(double degrees, uint32_t in_w, uint32_t in_h, struct canvas *cv)
{
	double rad = fmod(degrees, 360.0) * (M_PI / 180.0);
	double cx = in_w / 2.0, cy = in_h / 2.0;
	double min_x = INFINITY, min_y = INFINITY, max_x = -INFINITY, max_y = -INFINITY;

	cv->cos = cos(rad);
	cv->sin = sin(rad);
	for (int corner = 0; corner < 4; corner++) {
		double dx = (corner & 1 ? in_w : 0) - cx, dy = (corner & 2 ? in_h : 0) - cy;
		/* Clockwise on screen, where y grows downwards. */
		double x = cx + cv->cos * dx - cv->sin * dy;
		double y = cy + cv->sin * dx + cv->cos * dy;
		min_x = fmin(min_x, x);
		min_y = fmin(min_y, y);
		max_x = fmax(max_x, x);
		max_y = fmax(max_y, y);
	}
	cv->x = floor(min_x - 0.5);
	cv->y = floor(min_y - 0.5);
	cv->width = canvas_side(ceil(max_x - cv->x + 0.5));
	cv->height = canvas_side(ceil(max_y - cv->y + 0.5));
}

static void rotate_output_size(const struct filter_params *params, uint32_t in_w,
			       uint32_t in_h, uint32_t *out_w, uint32_t *out_h)
{
	const struct rotate_params *p = (const struct rotate_params *)params;
	int turns = quarter_turns(p->degrees);
	struct canvas cv;

	if (turns >= 0) {
		*out_w = turns % 2 ? in_h : in_w;
		*out_h = turns % 2 ? in_w : in_h;
		return;
	}
	plan_canvas(p->degrees, in_w, in_h, &cv);
	*out_w = cv.width;
	*out_h = cv.height;
}

/* Reads the premultiplied source, and the background outside it. */
struct sampler {
	const struct fimage *src;
	uint32_t channels;        /* the output's: src's, plus alpha when one is added */
	float bg[4];              /* premultiplied, 0..1 */
};

static void add_tap(const struct sampler *sm, int64_t x, int64_t y, double weight,
		    double *acc)
{
	const struct fimage *src = sm->src;

	if (x < 0 || y < 0 || x >= src->width || y >= src->height) {
		for (uint32_t c = 0; c < sm->channels; c++)
			acc[c] += weight * sm->bg[c];
		return;
	}
	const float *px = fimage_pixel(src, (uint32_t)x, (uint32_t)y);
	for (uint32_t c = 0; c < src->channels; c++)
		acc[c] += weight * px[c];
	if (sm->channels > src->channels)
		acc[src->channels] += weight;   /* an added alpha: the source is opaque */
}

/* Bilinear interpolation at (u, v), in pixel-centre coordinates. */
static void sample_bilinear(const struct sampler *sm, double u, double v, float *out)
{
	double fu = floor(u), fv = floor(v);
	double ax = u - fu, ay = v - fv;
	int64_t x = (int64_t)fu, y = (int64_t)fv;
	double acc[4] = { 0 };

	add_tap(sm, x, y, (1 - ax) * (1 - ay), acc);
	add_tap(sm, x + 1, y, ax * (1 - ay), acc);
	add_tap(sm, x, y + 1, (1 - ax) * ay, acc);
	add_tap(sm, x + 1, y + 1, ax * ay, acc);
	for (uint32_t c = 0; c < sm->channels; c++)
		out[c] = (float)acc[c];
}

static void rotate_pixels(const struct sampler *sm, const struct canvas *cv,
			  struct fimage *dst)
{
	double cx = sm->src->width / 2.0, cy = sm->src->height / 2.0;

	for (uint32_t j = 0; j < dst->height; j++) {
		for (uint32_t i = 0; i < dst->width; i++) {
			double dx = cv->x + i + 0.5 - cx, dy = cv->y + j + 0.5 - cy;
			/* The inverse rotation; -0.5 moves to pixel-centre coordinates. */
			double u = cx + cv->cos * dx + cv->sin * dy - 0.5;
			double v = cy - cv->sin * dx + cv->cos * dy - 0.5;
			sample_bilinear(sm, u, v, fimage_pixel(dst, i, j));
		}
	}
}

static int rotate_free(const struct rotate_params *p, struct image *img, struct ib_error *err)
{
	struct canvas cv;
	struct fimage src = { 0 }, dst = { 0 };
	struct image out = { 0 };
	struct sampler sm = { .src = &src };
	uint32_t samples[4];
	int rc = -1;

	plan_canvas(p->degrees, img->width, img->height, &cv);
	sm.channels = fill_channels(&p->colour, img->channels);
	if (image_alloc(&out, cv.width, cv.height, sm.channels, img->depth, 0, err) < 0 ||
	    fimage_from_image(img, true, &src, err) < 0 ||
	    fimage_alloc(&dst, cv.width, cv.height, sm.channels, err) < 0)
		goto out;
	/* An opaque colour is its own premultiplied value; transparent is all 0. */
	fill_samples(&p->colour, &out, samples);
	for (uint32_t c = 0; c < sm.channels; c++)
		sm.bg[c] = (float)samples[c] / (float)image_sample_max(&out);
	dst.premultiplied = image_has_alpha(&out);
	rotate_pixels(&sm, &cv, &dst);
	fimage_to_image(&dst, &out);
	image_free(img);
	*img = out;
	out = (struct image){ 0 };
	rc = 0;
out:
	fimage_free(&src);
	fimage_free(&dst);
	image_free(&out);
	return rc;
}

static int rotate_apply(const struct filter_params *params, struct image *img,
			struct ib_error *err)
{
	const struct rotate_params *p = (const struct rotate_params *)params;
	int turns = quarter_turns(p->degrees);

	if (turns >= 0)
		return exif_apply_orientation(img, quarter_orientation[turns], err);
	return rotate_free(p, img, err);
}

const struct filter filter_rotate = {
	.name = "rotate",
	.usage = "ANGLE[:COLOUR]",
	.summary = "Rotates clockwise by ANGLE degrees, like convert -background COLOUR -rotate "
		   "ANGLE.  Multiples of 90 move pixels exactly; other angles enlarge the canvas to "
		   "fit the turned image and fill the corners with COLOUR: white, black, #rgb, "
		   "#rrggbb, R,G,B, or transparent (none), which adds alpha.",
	.defaults = "angle 90, colour white",
	.formula = "Other angles: output pixel centre p reads the input at c + R(-ANGLE)(p - c), "
		   "c = the image centre, interpolated bilinearly from the stored (gamma-encoded) "
		   "samples with colours premultiplied by alpha, and reads COLOUR (its Rec. 709 luma "
		   "on gray images) outside the image.  Canvas: the rotated bounding box grown by "
		   "half a pixel per side, rounded outwards.",
	.parse = rotate_parse,
	.output_size = rotate_output_size,
	.apply = rotate_apply,
};
