#include "config.h"
#include "codec/png_palette.h"

#include <libimagequant.h>

/*
 * Debian builds libimagequant with OpenMP, which would start a thread per
 * core in every worker (a worker is meant to be one core; -j sets how many).
 * OpenMP's own call limits it to the calling thread; weak, so that a
 * libimagequant built without OpenMP (no libgomp loaded) needs nothing.
 */
extern void omp_set_num_threads(int n) __attribute__((weak));

static void one_thread(void)
{
	if (omp_set_num_threads)
		omp_set_num_threads(1);
}

/* libimagequant's objects for one image, released together. */
struct quantiser {
	liq_attr *attr;
	liq_image *image;
	liq_result *result;
};

static void quantiser_free(struct quantiser *q)
{
	if (q->result)
		liq_result_destroy(q->result);
	if (q->image)
		liq_image_destroy(q->image);
	if (q->attr)
		liq_attr_destroy(q->attr);
}

/* The palette libimagequant chose, and how much of it tRNS must cover. */
static void copy_palette(const liq_palette *lp, struct png_palette *pal)
{
	pal->count = lp->count;
	pal->transparent = 0;
	for (unsigned i = 0; i < lp->count; i++) {
		pal->rgb[i][0] = lp->entries[i].r;
		pal->rgb[i][1] = lp->entries[i].g;
		pal->rgb[i][2] = lp->entries[i].b;
		pal->alpha[i] = lp->entries[i].a;
		if (lp->entries[i].a != 255)
			pal->transparent = i + 1;
	}
}

/* Quantises rgba (8-bit RGBA, rows packed) into pal. */
static int quantise(const struct image *rgba, unsigned colours, float dither,
		    struct png_palette *pal, struct ib_error *err)
{
	struct quantiser q = { 0 };
	int ret = -1;
	if (!(q.attr = liq_attr_create()) ||
	    liq_set_max_colors(q.attr, (int)colours) != LIQ_OK ||
	    !(q.image = liq_image_create_rgba(q.attr, rgba->pixels, (int)rgba->width,
					      (int)rgba->height, 0))) {
		ib_fail(err, "PNG palette: cannot set up libimagequant");
		goto done;
	}
	one_thread();
	liq_error e = liq_image_quantize(q.image, q.attr, &q.result);
	if (e == LIQ_OK)
		e = liq_set_dithering_level(q.result, dither);
	if (e == LIQ_OK)
		e = liq_write_remapped_image(q.result, q.image, pal->indices.pixels,
					     pal->indices.stride * pal->indices.height);
	if (e != LIQ_OK) {
		ib_fail(err, e == LIQ_OUT_OF_MEMORY ? "PNG palette: out of memory"
			     : "PNG palette: libimagequant failed (error %d)", (int)e);
		goto done;
	}
	copy_palette(liq_get_palette(q.result), pal);
	ret = 0;
done:
	quantiser_free(&q);
	return ret;
}

int png_palette_make(const struct image *img, unsigned colours, float dither,
		     struct png_palette *pal, struct ib_error *err)
{
	struct image rgba = { 0 };
	*pal = (struct png_palette){ 0 };
	if (colours < 2 || colours > 256)
		return ib_fail(err, "PNG palette: %u colours is outside 2..256", colours);
	if (img->width > INT32_MAX || img->height > INT32_MAX)
		return ib_fail(err, "PNG palette: image too large to quantise");
	if (image_copy_rgba8(img, &rgba, err) < 0)
		return -1;
	/* image_alloc packs rows, as libimagequant reads and writes them */
	int ret = image_alloc(&pal->indices, img->width, img->height, 1, 8, 0, err);
	if (ret == 0)
		ret = quantise(&rgba, colours, dither, pal, err);
	image_free(&rgba);
	if (ret < 0)
		png_palette_free(pal);
	return ret;
}

void png_palette_free(struct png_palette *pal)
{
	image_free(&pal->indices);
}
