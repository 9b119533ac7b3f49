#include "config.h"
#include "filters/pixels.h"

#include <math.h>
#include <stdlib.h>

uint32_t sample_from_unit(double v, uint32_t max)
{
	if (!(v > 0))   /* also NaN */
		return 0;
	if (v >= 1)
		return max;
	return (uint32_t)(v * max + 0.5);
}

int image_apply_curve(struct image *img, double (*curve)(double v, const void *ctx),
		      const void *ctx, struct ib_error *err)
{
	uint32_t max = image_sample_max(img);
	uint32_t colours = image_colour_channels(img);
	uint32_t *lut = malloc(((size_t)max + 1) * sizeof *lut);

	if (!lut)
		return ib_fail(err, "out of memory for a lookup table");
	for (uint32_t v = 0; v <= max; v++)
		lut[v] = sample_from_unit(curve((double)v / max, ctx), max);
	for (uint32_t y = 0; y < img->height; y++) {
		uint8_t *row = image_row(img, y);
		for (uint32_t x = 0; x < img->width; x++)
			for (uint32_t c = 0; c < colours; c++)
				sample_set(img, row, x, c, lut[sample_get(img, row, x, c)]);
	}
	free(lut);
	return 0;
}

int fimage_alloc(struct fimage *f, uint32_t w, uint32_t h, uint32_t channels,
		 struct ib_error *err)
{
	size_t n = (size_t)w * h;

	if (w && n / w != h)
		return ib_fail(err, "image too large: %ux%u", w, h);
	if (n > SIZE_MAX / sizeof(float) / channels)
		return ib_fail(err, "image too large: %ux%u", w, h);
	f->data = malloc(n * channels * sizeof(float) + 1);
	if (!f->data)
		return ib_fail(err, "out of memory for a %ux%u working copy", w, h);
	f->width = w;
	f->height = h;
	f->channels = channels;
	f->premultiplied = false;
	return 0;
}

int fimage_from_image(const struct image *img, bool premultiply, struct fimage *out,
		      struct ib_error *err)
{
	float scale = 1.0f / (float)image_sample_max(img);
	bool alpha = image_has_alpha(img);
	uint32_t colours = image_colour_channels(img);

	if (fimage_alloc(out, img->width, img->height, img->channels, err) < 0)
		return -1;
	out->premultiplied = premultiply && alpha;
	for (uint32_t y = 0; y < img->height; y++) {
		const uint8_t *row = image_row(img, y);
		for (uint32_t x = 0; x < img->width; x++) {
			float *px = fimage_pixel(out, x, y);
			for (uint32_t c = 0; c < img->channels; c++)
				px[c] = (float)sample_get(img, row, x, c) * scale;
			if (out->premultiplied)
				for (uint32_t c = 0; c < colours; c++)
					px[c] *= px[colours];
		}
	}
	return 0;
}

void fimage_to_image(const struct fimage *f, struct image *img)
{
	uint32_t max = image_sample_max(img);
	uint32_t colours = f->premultiplied ? f->channels - 1 : f->channels;

	for (uint32_t y = 0; y < img->height; y++) {
		uint8_t *row = image_row(img, y);
		for (uint32_t x = 0; x < img->width; x++) {
			const float *px = fimage_pixel(f, x, y);
			float unpremultiply = 1.0f;
			if (f->premultiplied)
				unpremultiply = px[colours] > 0 ? 1.0f / px[colours] : 0.0f;
			for (uint32_t c = 0; c < f->channels; c++) {
				float v = c < colours ? px[c] * unpremultiply : px[c];
				sample_set(img, row, x, c, sample_from_unit(v, max));
			}
		}
	}
}

void fimage_free(struct fimage *f)
{
	free(f->data);
	f->data = NULL;
}
