#include "config.h"
#include "resample/resize.h"
#include "resample/box.h"
#include "resample/resample.h"

#include <limits.h>
#include <string.h>

#include <stb_image_resize.h>

struct kernel_desc {
	const char *name;
	enum resize_kernel kernel;
	enum resample_filter shrink, enlarge;   /* for an axis that shrinks, grows */
};

static const struct kernel_desc kernels[] = {
	{ "default", KERNEL_DEFAULT, RESAMPLE_MITCHELL, RESAMPLE_CATMULLROM },
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

/*
 * stb_image_resize v0.97 works in int: it sizes its working buffer with int
 * products (and returns the total as a uint32) and finds output rows with
 * row * stride.  A request whose buffers pass INT_MAX bytes would overflow
 * there and write out of bounds, so such requests are refused.  The bound
 * below follows stbir__calculate_memory() generously: every stb kernel
 * reaches at most 2 output pixels either side of a pixel's centre.
 */

/* Input pixels that one output pixel's filter spans, plus slack for stb's
 * single-precision arithmetic. */
static uint64_t filter_span(uint64_t in, uint64_t out)
{
	return out > in ? 5 : 4 * in / out + 2;
}

/* Filter taps stb precomputes for one axis. */
static uint64_t axis_taps(uint64_t in, uint64_t out)
{
	return out > in ? out : in + filter_span(in, out);
}

static bool stb_buffers_fit(const struct image *src, uint64_t w, uint64_t h)
{
	/* the ring buffer's lines plus one horizontal or encode line */
	uint64_t lines = filter_span(src->height, h) + 2;
	uint64_t line_bytes = w * src->channels * sizeof(float);
	uint64_t decode_bytes = ((uint64_t)src->width + filter_span(src->width, w)) *
				src->channels * sizeof(float);
	uint64_t taps = axis_taps(src->width, w) + axis_taps(src->height, h);
	/* per tap: a contributor range (two ints) and at most 5 coefficients */
	uint64_t tap_bytes = taps * (2 * sizeof(int) + 5 * sizeof(float));

	if (lines > INT_MAX / line_bytes)
		return false;
	return lines * line_bytes + decode_bytes + tap_bytes <= INT_MAX;
}

/* dims below INT_MAX keep every product in stb_buffers_fit within 64 bits */
static bool stb_can_resize(const struct image *src, uint32_t w, uint32_t h,
			   size_t out_stride)
{
	return src->width <= INT_MAX && src->height <= INT_MAX &&
	       w <= INT_MAX && h <= INT_MAX &&
	       src->stride <= INT_MAX && out_stride <= INT_MAX / h &&
	       stb_buffers_fit(src, w, h);
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
 * box is the identity at 1:1, where B-spline or Mitchell would blur it, and
 * stb would pick Mitchell for it under STBIR_FILTER_DEFAULT.
 */
static enum resample_filter axis_filter(const struct kernel_desc *kernel, uint32_t in,
					uint32_t out)
{
	if (out == in)
		return RESAMPLE_BOX;
	return out < in ? kernel->shrink : kernel->enlarge;
}

static stbir_filter stb_filter(enum resample_filter f)
{
	switch (f) {
	case RESAMPLE_BOX:
		return STBIR_FILTER_BOX;
	case RESAMPLE_TRIANGLE:
		return STBIR_FILTER_TRIANGLE;
	case RESAMPLE_CUBIC_BSPLINE:
		return STBIR_FILTER_CUBICBSPLINE;
	case RESAMPLE_CATMULLROM:
		return STBIR_FILTER_CATMULLROM;
	case RESAMPLE_MITCHELL:
		return STBIR_FILTER_MITCHELL;
	case RESAMPLE_LANCZOS2:
	case RESAMPLE_LANCZOS3:
		/* stb has no Lanczos: its nearest kernel, sharp with negative lobes */
		return STBIR_FILTER_CATMULLROM;
	}
	return STBIR_FILTER_DEFAULT;
}

/* Returns stb's result: 0 when it could not allocate its working memory. */
static int run_stb(const struct image *src, struct image *dst,
		   const struct kernel_desc *kernel, bool linear)
{
	/* stb weights the colours by alpha (premultiplies) when told which
	 * channel is alpha and STBIR_FLAG_ALPHA_PREMULTIPLIED is not set */
	int alpha = image_has_alpha(src) ? (int)src->channels - 1 : STBIR_ALPHA_CHANNEL_NONE;
	/* stb's SRGB colour space decodes to linear light before filtering */
	stbir_colorspace space = linear ? STBIR_COLORSPACE_SRGB : STBIR_COLORSPACE_LINEAR;
	stbir_datatype type = src->depth == 16 ? STBIR_TYPE_UINT16 : STBIR_TYPE_UINT8;

	return stbir_resize(src->pixels, (int)src->width, (int)src->height,
			    (int)src->stride, dst->pixels, (int)dst->width,
			    (int)dst->height, (int)dst->stride, type,
			    (int)src->channels, alpha, 0,
			    STBIR_EDGE_CLAMP, STBIR_EDGE_CLAMP,
			    stb_filter(axis_filter(kernel, src->width, dst->width)),
			    stb_filter(axis_filter(kernel, src->height, dst->height)), space, NULL);
}

/* Our own resampler: 8-bit gray or RGB, gamma-naive (see resample.h). */
static bool own_resampler_applies(const struct image *src, bool linear)
{
	return !linear && resample_u8_applies(src);
}

/*
 * The largest output either resampler makes: stb's int arithmetic stops at
 * INT_MAX bytes (stb_can_resize), and ours keeps the same bound, so that a
 * mistyped geometry (-r 70000x70000!) is refused at once instead of
 * allocating tens of gigabytes.
 */
#define OUTPUT_MAX_BYTES ((uint64_t)INT_MAX)

static int resample(const struct image *src, uint32_t w, uint32_t h,
		    const struct kernel_desc *kernel, bool linear, struct image *out,
		    struct ib_error *err)
{
	size_t out_stride;
	bool ours = own_resampler_applies(src, linear);

	if (image_check_size(w, h, src->channels, src->depth, 0, &out_stride, err))
		return -1;
	if (ours && (uint64_t)out_stride * h > OUTPUT_MAX_BYTES)
		return ib_fail(err, "resize %ux%u to %ux%u: the output would take over 2 GiB",
			       src->width, src->height, w, h);
	if (!ours && !stb_can_resize(src, w, h, out_stride))
		return ib_fail(err, "resize %ux%u to %ux%u: too large for stb_image_resize",
			       src->width, src->height, w, h);
	if (image_alloc(out, w, h, src->channels, src->depth, 0, err))
		return -1;
	if (ours && resample_u8(src, out, axis_filter(kernel, src->width, w),
				axis_filter(kernel, src->height, h), err) < 0) {
		image_free(out);
		return -1;
	}
	if (!ours && !run_stb(src, out, kernel, linear)) {
		image_free(out);
		return ib_fail(err, "resize %ux%u to %ux%u: out of memory",
			       src->width, src->height, w, h);
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
