#include "config.h"
#include "resample/resize.h"
#include "resample/box.h"
#include "resample/resample.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

struct kernel_desc {
	const char *name;
	enum resize_kernel kernel;
	enum resample_filter shrink, enlarge;   /* for an axis that shrinks, grows */
};

static const struct kernel_desc kernels[] = {
	/* Lanczos 3 to shrink, as vips, sharp and ImageMagick do: sharper than
	 * Mitchell, with little aliasing.  Catmull-Rom to enlarge: it passes
	 * through the samples as Lanczos does but rings less (one negative
	 * lobe, not two), and halos are what shows when pixels grow. */
	{ "default", KERNEL_DEFAULT, RESAMPLE_LANCZOS3, RESAMPLE_CATMULLROM },
	{ "box", KERNEL_BOX, RESAMPLE_BOX, RESAMPLE_BOX },
	{ "triangle", KERNEL_TRIANGLE, RESAMPLE_TRIANGLE, RESAMPLE_TRIANGLE },
	{ "cubic-bspline", KERNEL_CUBICBSPLINE, RESAMPLE_CUBIC_BSPLINE, RESAMPLE_CUBIC_BSPLINE },
	{ "catmull-rom", KERNEL_CATMULLROM, RESAMPLE_CATMULLROM, RESAMPLE_CATMULLROM },
	{ "mitchell", KERNEL_MITCHELL, RESAMPLE_MITCHELL, RESAMPLE_MITCHELL },
	{ "lanczos2", KERNEL_LANCZOS2, RESAMPLE_LANCZOS2, RESAMPLE_LANCZOS2 },
	{ "lanczos3", KERNEL_LANCZOS3, RESAMPLE_LANCZOS3, RESAMPLE_LANCZOS3 },
};

#define N_KERNELS (sizeof kernels / sizeof kernels[0])

int resize_kernel_parse(const char *name, enum resize_kernel *kernel)
{
	for (size_t i = 0; i < N_KERNELS; i++) {
		if (strcmp(name, kernels[i].name) == 0) {
			*kernel = kernels[i].kernel;
			return 0;
		}
	}
	return -1;
}

const char *resize_kernel_names(void)
{
	return "default box triangle cubic-bspline catmull-rom mitchell lanczos2 lanczos3";
}

static const struct kernel_desc *find_kernel(enum resize_kernel kernel)
{
	for (size_t i = 0; i < N_KERNELS; i++)
		if (kernels[i].kernel == kernel)
			return &kernels[i];
	return NULL;
}

static int copy_image(const struct image *src, struct image *out,
		      struct ib_error *err)
{
	size_t row_bytes = src->width * image_bytes_per_pixel(src);

	if (image_alloc(out, src->width, src->height, src->channels, src->depth, 0, err))
		return -1;
	for (uint32_t y = 0; y < src->height; y++)
		memcpy(image_row(out, y), image_row(src, y), row_bytes);
	return 0;
}

/*
 * The filter for one axis.  An axis that keeps its size is not filtered:
 * box is the identity at 1:1, where B-spline or Mitchell would blur it.
 */
static enum resample_filter axis_filter(const struct kernel_desc *kernel, uint32_t in,
					uint32_t out)
{
	if (out == in)
		return RESAMPLE_BOX;
	return out < in ? kernel->shrink : kernel->enlarge;
}

/*
 * The largest output the resampler makes: the bound stb_image_resize's int
 * arithmetic set when it resized some layouts, kept so that a mistyped
 * geometry (-r 70000x70000!) is refused at once instead of allocating tens
 * of gigabytes.
 */
#define OUTPUT_MAX_BYTES ((uint64_t)INT_MAX)

static int resample(const struct image *src, uint32_t w, uint32_t h,
		    const struct kernel_desc *kernel, bool linear, struct image *out,
		    struct ib_error *err)
{
	size_t out_stride;

	if (image_check_size(w, h, src->channels, src->depth, 0, &out_stride, err))
		return -1;
	if ((uint64_t)out_stride * h > OUTPUT_MAX_BYTES)
		return ib_fail(err, "resize %ux%u to %ux%u: the output would take over 2 GiB",
			       src->width, src->height, w, h);
	if (image_alloc(out, w, h, src->channels, src->depth, 0, err))
		return -1;
	if (resample_image(src, out, axis_filter(kernel, src->width, w),
			   axis_filter(kernel, src->height, h), linear, err) < 0) {
		image_free(out);
		return -1;
	}
	return 0;
}

/* A side shrinking more than this is first box-averaged to
 * RESIZE_BOX_TARGET times its final size (see box.h). */
#define RESIZE_BOX_RATIO 64
#define RESIZE_BOX_TARGET 8

/* The size the box stage leaves a side at: the side itself when it
 * shrinks less than RESIZE_BOX_RATIO times. */
static uint32_t box_side(uint32_t in, uint32_t out)
{
	return (uint64_t)in > (uint64_t)out * RESIZE_BOX_RATIO ? out * RESIZE_BOX_TARGET : in;
}

/* Resamples src to w x h, box-shrinking first for extreme reductions. */
static int reduce(const struct image *src, uint32_t w, uint32_t h,
		  const struct kernel_desc *kernel, bool linear, struct image *out,
		  struct ib_error *err)
{
	uint32_t bw = box_side(src->width, w), bh = box_side(src->height, h);
	if (bw == src->width && bh == src->height)
		return resample(src, w, h, kernel, linear, out, err);
	struct image boxed = { 0 };
	if (box_shrink(src, bw, bh, &boxed, err) < 0)
		return -1;
	int ret = bw == w && bh == h ? (*out = boxed, 0)
				     : resample(&boxed, w, h, kernel, linear, out, err);
	if (ret < 0 || bw != w || bh != h)
		image_free(&boxed);
	return ret;
}

int resize_image(const struct image *src, uint32_t w, uint32_t h,
		 const struct resize_options *opts, struct image *dst,
		 struct ib_error *err)
{
	const struct kernel_desc *kernel = find_kernel(opts->kernel);
	struct image out;

	if (!kernel)
		return ib_fail(err, "resize: unknown kernel %d", (int)opts->kernel);
	if (src->channels < 1 || src->channels > 4 || (src->depth != 8 && src->depth != 16))
		return ib_fail(err, "resize: unsupported image: %u channels of %u bits",
			       src->channels, src->depth);
	if (!src->width || !src->height || !w || !h)
		return ib_fail(err, "resize: cannot resize %ux%u to %ux%u",
			       src->width, src->height, w, h);
	if (w == src->width && h == src->height) {
		if (copy_image(src, &out, err))
			return -1;
	} else if (reduce(src, w, h, kernel, opts->linear, &out, err)) {
		return -1;
	}
	/* dst is only written on success */
	*dst = out;
	return 0;
}
