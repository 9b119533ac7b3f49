#include "config.h"
#include "filters/filter.h"

#include <string.h>

#include "filters/args.h"
#include "filters/colour.h"
#include "filters/pixels.h"

struct pad_params {
	uint32_t width, height;
	struct fill_colour colour;
	enum gravity gravity;
};

_Static_assert(sizeof(struct pad_params) <= FILTER_PARAMS_MAX, "pad_params too large");

static int pad_parse(const char *args, struct filter_params *params, struct ib_error *err)
{
	struct pad_params *p = (struct pad_params *)params;
	struct arg_scan s;

	*p = (struct pad_params){ .colour = FILL_WHITE, .gravity = GRAVITY_CENTER };
	arg_scan_init(&s, "pad", args, err);
	if (arg_geom_size(&s, &p->width, &p->height) < 0)
		return -1;
	if (arg_accept(&s, ':') && arg_fill_colour(&s, &p->colour) < 0)
		return -1;
	if (arg_accept(&s, ':') && arg_geom_gravity(&s, &p->gravity) < 0)
		return -1;
	return arg_end(&s);
}

static void pad_output_size(const struct filter_params *params, uint32_t in_w, uint32_t in_h,
			    uint32_t *out_w, uint32_t *out_h)
{
	const struct pad_params *p = (const struct pad_params *)params;

	(void)in_w;
	(void)in_h;
	*out_w = p->width;
	*out_h = p->height;
}

static void fill_image(struct image *img, const struct fill_colour *colour)
{
	uint32_t samples[4];
	size_t row_bytes = img->width * image_bytes_per_pixel(img);

	fill_samples(colour, img, samples);
	for (uint32_t x = 0; x < img->width; x++)
		for (uint32_t c = 0; c < img->channels; c++)
			sample_set(img, img->pixels, x, c, samples[c]);
	for (uint32_t y = 1; y < img->height; y++)
		memcpy(image_row(img, y), img->pixels, row_bytes);
}

/* v with alpha a over an opaque bg, rounded; never a tie as max is odd. */
static uint32_t over(uint64_t v, uint64_t a, uint64_t bg, uint64_t max)
{
	return (uint32_t)((v * a + bg * (max - a) + max / 2) / max);
}

/*
 * Pixel sx of src's row in onto pixel dx of dst's row out, which holds the
 * background.  dst has src's colour channels, and alpha if src has.
 */
static void paste_pixel(const struct image *src, const uint8_t *in, uint32_t sx,
			const struct image *dst, uint8_t *out, uint32_t dx, bool composite)
{
	uint32_t max = image_sample_max(src);
	uint32_t colours = image_colour_channels(src);
	uint32_t a = image_has_alpha(src) ? sample_get(src, in, sx, colours) : max;

	for (uint32_t c = 0; c < colours; c++) {
		uint32_t v = sample_get(src, in, sx, c);
		if (composite)
			v = over(v, a, sample_get(dst, out, dx, c), max);
		sample_set(dst, out, dx, c, v);
	}
	if (image_has_alpha(dst))
		sample_set(dst, out, dx, colours, composite ? max : a);
}

/*
 * Puts src's pixel (0, 0) at (ox, oy) of dst, keeping what falls inside.
 * composite: src's alpha blends it over dst's (opaque) colour, as
 * ImageMagick's -extent does; otherwise samples are copied.
 */
static void paste(const struct image *src, struct image *dst, int64_t ox, int64_t oy,
		  bool composite)
{
	int64_t x0 = ox < 0 ? -ox : 0, y0 = oy < 0 ? -oy : 0;
	int64_t x1 = (int64_t)dst->width - ox, y1 = (int64_t)dst->height - oy;
	size_t bpp = image_bytes_per_pixel(src);
	bool copy_rows = src->channels == dst->channels && !composite;

	x1 = x1 < src->width ? x1 : src->width;
	y1 = y1 < src->height ? y1 : src->height;
	if (x1 <= x0 || y1 <= y0)
		return;
	for (int64_t y = y0; y < y1; y++) {
		const uint8_t *in = image_row(src, (uint32_t)y);
		uint8_t *out = image_row(dst, (uint32_t)(y + oy));
		if (copy_rows) {
			memcpy(out + (size_t)(x0 + ox) * bpp, in + (size_t)x0 * bpp,
			       (size_t)(x1 - x0) * bpp);
			continue;
		}
		for (int64_t x = x0; x < x1; x++)
			paste_pixel(src, in, (uint32_t)x, dst, out, (uint32_t)(x + ox), composite);
	}
}

static int pad_apply(const struct filter_params *params, struct image *img,
		     struct ib_error *err)
{
	const struct pad_params *p = (const struct pad_params *)params;
	uint32_t channels = fill_channels(&p->colour, img->channels);
	struct image out;
	int64_t x, y;   /* the canvas's top-left corner, in the image's coordinates */

	if (image_alloc(&out, p->width, p->height, channels, img->depth, 0, err) < 0)
		return -1;
	fill_image(&out, &p->colour);
	gravity_place(p->gravity, img->width, img->height, p->width, p->height, 0, 0, &x, &y);
	paste(img, &out, -x, -y, !p->colour.transparent && image_has_alpha(img));
	image_free(img);
	*img = out;
	return 0;
}

const struct filter filter_pad = {
	.name = "pad",
	.usage = "WxH[:COLOUR[:GRAVITY]]",
	.summary = "Places the image on a WxH canvas of COLOUR, like convert -background COLOUR "
		   "-gravity GRAVITY -extent WxH; a side shorter than the image is cropped.  COLOUR: "
		   "white, black, #rgb, #rrggbb, R,G,B, or transparent (none), which adds alpha.",
	.defaults = "colour white, gravity center; WxH is required",
	.formula = "Image left edge on the canvas: 0 for the west gravities (northwest, west, "
		   "southwest), W - Wi for the east ones, W/2 - Wi/2 otherwise (halves rounded down); "
		   "top edge: 0 for the north ones, H - Hi for the south ones, H/2 - Hi/2 otherwise; "
		   "Wi x Hi = the image.  Over an opaque COLOUR (its Rec. 709 luma on gray images) "
		   "the stored (gamma-encoded) samples blend as c' = a c + (1 - a) COLOUR, a = alpha, "
		   "and alpha becomes 1; over transparent, pixels are copied.",
	.parse = pad_parse,
	.output_size = pad_output_size,
	.apply = pad_apply,
};
