/*
 * Resizing: kernel names, exact copies, box averages, alpha, sRGB, refusals,
 * and our resampler (resample.c) held to stb_image_resize as the reference.
 * Built twice: as check_resize, and as check_resize_portable with
 * RESAMPLE_PORTABLE, which takes resample.c's loops without SSE2.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "resample/resize.h"
#include "tests/check_main.h"

#include <stb_image_resize.h>

/* stb_image_resize's kernels first, then those only our resampler has
 * (default: Lanczos 3 to shrink) */
static const enum resize_kernel all_kernels[] = {
	KERNEL_BOX, KERNEL_TRIANGLE, KERNEL_CUBICBSPLINE, KERNEL_CATMULLROM, KERNEL_MITCHELL,
	KERNEL_DEFAULT, KERNEL_LANCZOS2, KERNEL_LANCZOS3,
};

#define N_KERNELS (sizeof all_kernels / sizeof all_kernels[0])
#define N_STB_KERNELS 5

/* ---- helpers ------------------------------------------------------------------ */

static void new_image(struct image *img, uint32_t w, uint32_t h, uint32_t channels,
		      uint32_t depth)
{
	struct ib_error err = { 0 };

	ck_assert_msg(image_alloc(img, w, h, channels, depth, 0, &err) == 0, "%s", err.msg);
}

static uint32_t get_sample(const struct image *img, uint32_t x, uint32_t y, uint32_t c)
{
	const uint8_t *p = image_row(img, y) + x * image_bytes_per_pixel(img);

	if (img->depth == 16) {
		uint16_t v;
		memcpy(&v, p + 2 * c, sizeof v);
		return v;
	}
	return p[c];
}

static void set_sample(struct image *img, uint32_t x, uint32_t y, uint32_t c, uint32_t v)
{
	uint8_t *p = image_row(img, y) + x * image_bytes_per_pixel(img);

	if (img->depth == 16) {
		uint16_t v16 = (uint16_t)v;
		memcpy(p + 2 * c, &v16, sizeof v16);
	} else {
		p[c] = (uint8_t)v;
	}
}

/* Every pixel gets the samples in colour[0 .. channels - 1]. */
static void fill(struct image *img, const uint32_t *colour)
{
	for (uint32_t y = 0; y < img->height; y++)
		for (uint32_t x = 0; x < img->width; x++)
			for (uint32_t c = 0; c < img->channels; c++)
				set_sample(img, x, y, c, colour[c]);
}

/* A gray image whose samples are given row by row. */
static void gray_image(struct image *img, uint32_t w, uint32_t h, uint32_t depth,
		       const uint32_t *samples)
{
	new_image(img, w, h, 1, depth);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			set_sample(img, x, y, 0, samples[y * w + x]);
}

static void resize_ok(const struct image *src, uint32_t w, uint32_t h,
		      enum resize_kernel kernel, bool linear, struct image *dst)
{
	struct resize_options opts = { .kernel = kernel, .linear = linear };
	struct ib_error err = { 0 };

	ck_assert_msg(resize_image(src, w, h, &opts, dst, &err) == 0,
		      "%ux%u -> %ux%u kernel %d: %s", src->width, src->height, w, h,
		      (int)kernel, err.msg);
	ck_assert_uint_eq(dst->width, w);
	ck_assert_uint_eq(dst->height, h);
	ck_assert_uint_eq(dst->channels, src->channels);
	ck_assert_uint_eq(dst->depth, src->depth);
	ck_assert_ptr_nonnull(dst->pixels);
	ck_assert_ptr_ne(dst->pixels, src->pixels);
}

static void expect_gray(const struct image *img, const uint32_t *samples)
{
	for (uint32_t y = 0; y < img->height; y++)
		for (uint32_t x = 0; x < img->width; x++)
			ck_assert_msg(get_sample(img, x, y, 0) == samples[y * img->width + x],
				      "(%u,%u): %u, expected %u", x, y,
				      get_sample(img, x, y, 0), samples[y * img->width + x]);
}

static void expect_near(uint32_t got, uint32_t expected, uint32_t tolerance,
			const char *what)
{
	ck_assert_msg(got + tolerance >= expected && got <= expected + tolerance,
		      "%s: %u, expected %u +- %u", what, got, expected, tolerance);
}

/* Marks dst so that a refusal can be seen to leave it alone. */
static const struct image poison = {
	.width = 77, .height = 88, .channels = 3, .depth = 8, .stride = 231,
	.pixels = (uint8_t *)&poison,
};

static void expect_refused(const struct image *src, uint32_t w, uint32_t h,
			   enum resize_kernel kernel, const char *reason)
{
	struct resize_options opts = { .kernel = kernel };
	struct ib_error err = { 0 };
	struct image dst = poison;

	ck_assert_int_eq(resize_image(src, w, h, &opts, &dst, &err), -1);
	ck_assert_str_eq(err.msg, reason);
	ck_assert_mem_eq(&dst, &poison, sizeof dst);
}

/* ---- kernel names --------------------------------------------------------------- */

START_TEST(test_kernel_parse)
{
	static const struct {
		const char *name;
		enum resize_kernel kernel;
	} names[] = {
		{ "default", KERNEL_DEFAULT },
		{ "box", KERNEL_BOX },
		{ "triangle", KERNEL_TRIANGLE },
		{ "cubic-bspline", KERNEL_CUBICBSPLINE },
		{ "catmull-rom", KERNEL_CATMULLROM },
		{ "mitchell", KERNEL_MITCHELL },
		{ "lanczos2", KERNEL_LANCZOS2 },
		{ "lanczos3", KERNEL_LANCZOS3 },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		enum resize_kernel k = KERNEL_BOX;
		if (names[i].kernel == KERNEL_BOX)
			k = KERNEL_DEFAULT;
		ck_assert_int_eq(resize_kernel_parse(names[i].name, &k), 0);
		ck_assert_int_eq(k, names[i].kernel);
	}
	ck_assert_str_eq(resize_kernel_names(),
			 "default box triangle cubic-bspline catmull-rom mitchell lanczos2 lanczos3");
}
END_TEST

START_TEST(test_kernel_parse_rejects)
{
	static const char *const bad[] = {
		"lanczos", "lanczos4", "Lanczos3", "", "Box", "box ", " box", "catmullrom", "cubic", "mitchel",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		enum resize_kernel k = KERNEL_TRIANGLE;
		ck_assert_msg(resize_kernel_parse(bad[i], &k) == -1, "\"%s\" accepted", bad[i]);
		ck_assert_int_eq(k, KERNEL_TRIANGLE);
	}
}
END_TEST

/* ---- exactness -------------------------------------------------------------------- */

/* Same size: a byte-exact copy for every kernel, also from a padded stride. */
START_TEST(test_same_size_is_copy)
{
	struct image src, dst;

	new_image(&src, 5, 3, 4, 16);
	for (uint32_t y = 0; y < 3; y++)
		for (uint32_t x = 0; x < 5; x++)
			for (uint32_t c = 0; c < 4; c++)
				set_sample(&src, x, y, c, 4099 * (x + 5 * y) + 977 * c);
	for (size_t k = 0; k < N_KERNELS; k++) {
		for (int linear = 0; linear <= 1; linear++) {
			resize_ok(&src, 5, 3, all_kernels[k], linear, &dst);
			ck_assert_uint_eq(dst.stride, 40);
			ck_assert_mem_eq(dst.pixels, src.pixels, 5 * 3 * 8);
			image_free(&dst);
		}
	}
	image_free(&src);
}
END_TEST

START_TEST(test_same_size_padded_stride)
{
	static const uint8_t rows[2][4] = { { 1, 2, 3, 4 }, { 5, 6, 7, 8 } };
	struct image src, dst;

	new_image(&src, 2, 2, 2, 8);
	/* 2 bytes of padding per row, which must not be copied */
	src.stride = 6;
	src.pixels = realloc(src.pixels, 12);
	ck_assert_ptr_nonnull(src.pixels);
	memset(src.pixels, 0xEE, 12);
	memcpy(src.pixels, rows[0], 4);
	memcpy(src.pixels + 6, rows[1], 4);
	resize_ok(&src, 2, 2, KERNEL_DEFAULT, false, &dst);
	ck_assert_uint_eq(dst.stride, 4);
	ck_assert_mem_eq(dst.pixels, rows, sizeof rows);
	image_free(&dst);

	/* and a real resize reads the rows at that stride: 2x2 -> 1x1 box */
	resize_ok(&src, 1, 1, KERNEL_BOX, false, &dst);
	/* gray (1*2 + 3*4 + 5*6 + 7*8) / (2 + 4 + 6 + 8) = 100/20, alpha 20/4 */
	ck_assert_uint_eq(get_sample(&dst, 0, 0, 0), 5);
	ck_assert_uint_eq(get_sample(&dst, 0, 0, 1), 5);
	image_free(&dst);
	image_free(&src);
}
END_TEST

static const uint32_t constant8[4] = { 37, 200, 99, 180 };
static const uint32_t constant16[4] = { 1234, 60001, 32768, 40000 };

/* A flat colour stays exactly that colour: the weights sum to 1. */
static void expect_constant_kept(uint32_t channels, uint32_t depth, uint32_t in_w,
				 uint32_t in_h, uint32_t w, uint32_t h, bool linear)
{
	const uint32_t *colour = depth == 16 ? constant16 : constant8;
	struct image src, dst;

	new_image(&src, in_w, in_h, channels, depth);
	fill(&src, colour);
	for (size_t k = 0; k < N_KERNELS; k++) {
		resize_ok(&src, w, h, all_kernels[k], linear, &dst);
		for (uint32_t y = 0; y < h; y++)
			for (uint32_t x = 0; x < w; x++)
				for (uint32_t c = 0; c < channels; c++)
					ck_assert_msg(get_sample(&dst, x, y, c) == colour[c],
						      "%u ch %u bit %ux%u -> %ux%u kernel %d linear %d (%u,%u) c%u: %u",
						      channels, depth, in_w, in_h, w, h,
						      (int)all_kernels[k], linear, x, y, c,
						      get_sample(&dst, x, y, c));
		image_free(&dst);
	}
	image_free(&src);
}

START_TEST(test_constant_colour_kept)
{
	static const uint32_t sizes[][4] = {
		{ 13, 11, 5, 4 },     /* shrink */
		{ 5, 4, 13, 11 },     /* enlarge */
		{ 13, 4, 5, 11 },     /* shrink one axis, enlarge the other */
		{ 9, 9, 9, 2 },       /* one axis kept */
		{ 1, 1, 3, 2 },       /* from a single pixel */
		{ 6, 7, 1, 1 },       /* to a single pixel */
	};

	for (uint32_t channels = 1; channels <= 4; channels++)
		for (uint32_t depth = 8; depth <= 16; depth += 8)
			for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
				for (int linear = 0; linear <= 1; linear++)
					expect_constant_kept(channels, depth, sizes[s][0],
							     sizes[s][1], sizes[s][2],
							     sizes[s][3], linear);
}
END_TEST

/* ---- box -------------------------------------------------------------------------- */

START_TEST(test_box_shrink_averages)
{
	static const uint32_t in[] = {
		0, 4, 8, 12,
		16, 20, 24, 28,
		32, 36, 40, 44,
		48, 52, 56, 61,
	};
	static const uint32_t half[] = { 10, 18, 42, 50 };  /* (61 + ...) / 4 = 50.25 */
	static const uint32_t quarter[] = { 30 };           /* 481 / 16 = 30.06 */
	struct image src, dst;

	gray_image(&src, 4, 4, 8, in);
	resize_ok(&src, 2, 2, KERNEL_BOX, false, &dst);
	expect_gray(&dst, half);
	image_free(&dst);
	resize_ok(&src, 1, 1, KERNEL_BOX, false, &dst);
	expect_gray(&dst, quarter);
	image_free(&dst);
	image_free(&src);
}
END_TEST

START_TEST(test_box_shrink_rgb16)
{
	struct image src, dst;

	/* 2x2 -> 1x1: the mean of four RGB pixels, at 16 bits */
	new_image(&src, 2, 2, 3, 16);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 2; x++) {
			set_sample(&src, x, y, 0, 1000 + 100 * x + 200 * y);  /* mean 1150 */
			set_sample(&src, x, y, 1, x == y ? 65535 : 0);       /* 32767.5 */
			set_sample(&src, x, y, 2, 40000 + x + y);            /* 40001 */
		}
	resize_ok(&src, 1, 1, KERNEL_BOX, false, &dst);
	ck_assert_uint_eq(get_sample(&dst, 0, 0, 0), 1150);
	ck_assert_uint_eq(get_sample(&dst, 0, 0, 1), 32768);   /* rounds half up */
	ck_assert_uint_eq(get_sample(&dst, 0, 0, 2), 40001);
	image_free(&dst);
	image_free(&src);
}
END_TEST

/* Enlarging with box is nearest neighbour; with triangle, linear interpolation
 * between the pixel centres, clamped at the edges. */
START_TEST(test_enlarge_box_and_triangle)
{
	static const uint32_t in[] = { 10, 50 };
	static const uint32_t box[] = { 10, 10, 50, 50 };
	static const uint32_t triangle[] = { 10, 20, 40, 50 };
	struct image src, dst;

	gray_image(&src, 2, 1, 8, in);
	resize_ok(&src, 4, 1, KERNEL_BOX, false, &dst);
	expect_gray(&dst, box);
	image_free(&dst);
	resize_ok(&src, 4, 1, KERNEL_TRIANGLE, false, &dst);
	expect_gray(&dst, triangle);
	image_free(&dst);
	image_free(&src);
}
END_TEST

/* ---- per-axis filters ---------------------------------------------------------------- */

/* Only the width changes: the rows' values must come through unfiltered. */
START_TEST(test_kept_height_is_not_filtered)
{
	static const uint32_t rows[3] = { 0, 255, 60 };
	struct image src, dst;

	new_image(&src, 4, 3, 1, 8);
	for (uint32_t y = 0; y < 3; y++)
		for (uint32_t x = 0; x < 4; x++)
			set_sample(&src, x, y, 0, rows[y]);
	for (size_t k = 0; k < N_KERNELS; k++) {
		for (uint32_t w = 2; w <= 8; w += 6) {
			resize_ok(&src, w, 3, all_kernels[k], false, &dst);
			for (uint32_t y = 0; y < 3; y++)
				for (uint32_t x = 0; x < w; x++)
					ck_assert_msg(get_sample(&dst, x, y, 0) == rows[y],
						      "kernel %d width %u (%u,%u): %u",
						      (int)all_kernels[k], w, x, y,
						      get_sample(&dst, x, y, 0));
			image_free(&dst);
		}
	}
	image_free(&src);
}
END_TEST

/* Only the height changes: the columns' values come through unfiltered. */
START_TEST(test_kept_width_is_not_filtered)
{
	static const uint32_t columns[3] = { 65535, 0, 12345 };
	struct image src, dst;

	new_image(&src, 3, 4, 1, 16);
	for (uint32_t y = 0; y < 4; y++)
		for (uint32_t x = 0; x < 3; x++)
			set_sample(&src, x, y, 0, columns[x]);
	for (size_t k = 0; k < N_KERNELS; k++) {
		for (uint32_t h = 2; h <= 8; h += 6) {
			resize_ok(&src, 3, h, all_kernels[k], false, &dst);
			for (uint32_t y = 0; y < h; y++)
				for (uint32_t x = 0; x < 3; x++)
					ck_assert_msg(get_sample(&dst, x, y, 0) == columns[x],
						      "kernel %d height %u (%u,%u): %u",
						      (int)all_kernels[k], h, x, y,
						      get_sample(&dst, x, y, 0));
			image_free(&dst);
		}
	}
	image_free(&src);
}
END_TEST

static void expect_same_pixels(const struct image *a, const struct image *b)
{
	ck_assert_uint_eq(a->width, b->width);
	ck_assert_uint_eq(a->height, b->height);
	ck_assert_uint_eq(a->stride, b->stride);
	ck_assert_mem_eq(a->pixels, b->pixels, a->stride * a->height);
}

/* default = Lanczos 3 on an axis that shrinks, Catmull-Rom on one that grows */
START_TEST(test_default_kernel_choice)
{
	struct image src, def, named;

	new_image(&src, 9, 7, 3, 8);
	for (uint32_t y = 0; y < 7; y++)
		for (uint32_t x = 0; x < 9; x++)
			for (uint32_t c = 0; c < 3; c++)
				set_sample(&src, x, y, c, (x * 53 + y * 91 + c * 17) % 256);

	resize_ok(&src, 4, 3, KERNEL_DEFAULT, false, &def);
	resize_ok(&src, 4, 3, KERNEL_LANCZOS3, false, &named);
	expect_same_pixels(&def, &named);
	image_free(&def);
	image_free(&named);

	resize_ok(&src, 20, 15, KERNEL_DEFAULT, false, &def);
	resize_ok(&src, 20, 15, KERNEL_CATMULLROM, false, &named);
	expect_same_pixels(&def, &named);
	image_free(&def);
	image_free(&named);

	/* and the two kernels do differ on this image */
	resize_ok(&src, 4, 3, KERNEL_CATMULLROM, false, &def);
	resize_ok(&src, 4, 3, KERNEL_LANCZOS3, false, &named);
	ck_assert_int_ne(memcmp(def.pixels, named.pixels, def.stride * def.height), 0);
	image_free(&def);
	image_free(&named);
	image_free(&src);
}
END_TEST

/* ---- alpha ------------------------------------------------------------------------- */

/*
 * Opaque red next to fully transparent green, 2x1 -> 1x1 box.  Premultiplied,
 * the mean is (0.5, 0, 0, 0.5); divided by its alpha it is pure red at half
 * alpha: 0.5 * 255 + 0.5 = 128 (stb rounds half up).
 */
START_TEST(test_alpha_no_colour_bleed)
{
	static const uint32_t depths[] = { 8, 16 };

	for (size_t d = 0; d < 2; d++) {
		uint32_t max = depths[d] == 16 ? 65535 : 255;
		for (int linear = 0; linear <= 1; linear++) {
			struct image src, dst;
			new_image(&src, 2, 1, 4, depths[d]);
			const uint32_t red[4] = { max, 0, 0, max };
			const uint32_t green[4] = { 0, max, 0, 0 };
			for (uint32_t c = 0; c < 4; c++) {
				set_sample(&src, 0, 0, c, red[c]);
				set_sample(&src, 1, 0, c, green[c]);
			}
			resize_ok(&src, 1, 1, KERNEL_BOX, linear, &dst);
			ck_assert_uint_eq(get_sample(&dst, 0, 0, 0), max);
			ck_assert_uint_eq(get_sample(&dst, 0, 0, 1), 0);
			ck_assert_uint_eq(get_sample(&dst, 0, 0, 2), 0);
			ck_assert_uint_eq(get_sample(&dst, 0, 0, 3), (max + 1) / 2);
			image_free(&dst);
			image_free(&src);
		}
	}
}
END_TEST

/* Gray + alpha: white at alpha 200 and black at alpha 0 stay white, alpha 100. */
START_TEST(test_alpha_gray)
{
	static const uint8_t in[] = { 255, 200, 0, 0 };
	struct image src, dst;

	new_image(&src, 2, 1, 2, 8);
	memcpy(src.pixels, in, sizeof in);
	resize_ok(&src, 1, 1, KERNEL_BOX, false, &dst);
	ck_assert_uint_eq(get_sample(&dst, 0, 0, 0), 255);
	ck_assert_uint_eq(get_sample(&dst, 0, 0, 1), 100);
	image_free(&dst);
	image_free(&src);
}
END_TEST

/* ---- 16-bit precision ------------------------------------------------------------- */

/*
 * 30000 + 3i shrunk 2:1 with box: (30000 + 6j) + (30003 + 6j) / 2 =
 * 30001.5 + 6j, which an 8-bit path could not come near.
 */
START_TEST(test_16_bit_gradient_box)
{
	struct image src, dst;

	new_image(&src, 256, 1, 1, 16);
	for (uint32_t x = 0; x < 256; x++)
		set_sample(&src, x, 0, 0, 30000 + 3 * x);
	resize_ok(&src, 128, 1, KERNEL_BOX, false, &dst);
	for (uint32_t x = 0; x < 128; x++) {
		uint32_t v = get_sample(&dst, x, 0, 0);
		ck_assert_msg(v == 30001 + 6 * x || v == 30002 + 6 * x, "x %u: %u", x, v);
		if (x)
			ck_assert_uint_gt(v, get_sample(&dst, x - 1, 0, 0));
	}
	image_free(&dst);
	image_free(&src);
}
END_TEST

/*
 * Mitchell (B = C = 1/3, so B + 2C = 1) reproduces straight lines: on the
 * ramp 1000 + 60x, output pixel j of a 2:1 shrink, centred on input 2j + 0.5,
 * is 1030 + 120j.  The edges, where clamping bends the ramp, are skipped.
 */
START_TEST(test_16_bit_gradient_mitchell)
{
	struct image src, dst;

	new_image(&src, 1024, 1, 1, 16);
	for (uint32_t x = 0; x < 1024; x++)
		set_sample(&src, x, 0, 0, 1000 + 60 * x);
	resize_ok(&src, 512, 1, KERNEL_MITCHELL, false, &dst);
	for (uint32_t x = 0; x < 512; x++) {
		uint32_t v = get_sample(&dst, x, 0, 0);
		if (x >= 2 && x < 510) {
			char what[32];
			snprintf(what, sizeof what, "x %u", x);
			expect_near(v, 1030 + 120 * x, 1, what);
		}
		if (x)
			ck_assert_uint_gt(v, get_sample(&dst, x - 1, 0, 0));
	}
	image_free(&dst);
	image_free(&src);
}
END_TEST

/* ---- ratios that strain stb v0.97 ----------------------------------------------------- */

static const uint32_t ratios[][2] = {
	{ 7, 5 }, { 1000, 999 }, { 3, 2 }, { 100, 7 }, { 5, 7 }, { 2, 3 }, { 999, 1000 },
};

/* A 1-D image along x (vertical false) or y. */
static void line_image(struct image *img, uint32_t n, bool vertical)
{
	new_image(img, vertical ? 1 : n, vertical ? n : 1, 1, 8);
}

static uint32_t line_sample(const struct image *img, uint32_t i, bool vertical)
{
	return vertical ? get_sample(img, 0, i, 0) : get_sample(img, i, 0, 0);
}

/* Kernels with negative lobes, which overshoot where the ramp meets the
 * clamped edge. */
static bool kernel_rings(enum resize_kernel kernel)
{
	return kernel == KERNEL_DEFAULT || kernel == KERNEL_CATMULLROM ||
	       kernel == KERNEL_MITCHELL || kernel == KERNEL_LANCZOS2 ||
	       kernel == KERNEL_LANCZOS3;
}

/*
 * The ramp 40 .. 220 is symmetric: v(n - 1 - i) = 260 - v(i).  So is every
 * kernel, so out(m - 1 - j) + out(j) = 260 up to the rounding of each.  A
 * positive kernel stays within 40 .. 220; the negative lobes (Catmull-Rom's,
 * the deepest, reaches -0.074) may overshoot by a fraction of the ramp's step
 * per input pixel, bounded here by a sixth of it.
 */
static void expect_ramp_sane(enum resize_kernel kernel, uint32_t n, uint32_t m,
			     bool vertical)
{
	uint32_t slack = kernel_rings(kernel) ? 180 / (n - 1) / 6 : 0;
	struct image src, dst;

	line_image(&src, n, vertical);
	for (uint32_t i = 0; i < n; i++)
		set_sample(&src, vertical ? 0 : i, vertical ? i : 0, 0,
			   40 + (180 * i + (n - 1) / 2) / (n - 1));
	resize_ok(&src, vertical ? 1 : m, vertical ? m : 1, kernel, false, &dst);
	for (uint32_t j = 0; j < m; j++) {
		uint32_t v = line_sample(&dst, j, vertical);
		uint32_t mirror = line_sample(&dst, m - 1 - j, vertical);
		ck_assert_msg(v + slack >= 40 && v <= 220 + slack,
			      "kernel %d %u -> %u: [%u] = %u", (int)kernel, n, m, j, v);
		ck_assert_msg(v + mirror >= 259 && v + mirror <= 261,
			      "kernel %d %u -> %u: [%u] + [%u] = %u", (int)kernel, n, m, j,
			      m - 1 - j, v + mirror);
		if (j)
			ck_assert_msg(v >= line_sample(&dst, j - 1, vertical),
				      "kernel %d %u -> %u: not monotonic at %u", (int)kernel,
				      n, m, j);
	}
	image_free(&dst);
	image_free(&src);
}

static void expect_flat_line_kept(enum resize_kernel kernel, uint32_t n, uint32_t m,
				  bool vertical)
{
	struct image src, dst;

	line_image(&src, n, vertical);
	memset(src.pixels, 100, n);
	resize_ok(&src, vertical ? 1 : m, vertical ? m : 1, kernel, false, &dst);
	for (uint32_t j = 0; j < m; j++)
		ck_assert_msg(line_sample(&dst, j, vertical) == 100, "kernel %d %u -> %u: [%u] = %u",
			      (int)kernel, n, m, j, line_sample(&dst, j, vertical));
	image_free(&dst);
	image_free(&src);
}

/* libstb aborts on triangle 7 -> 5 (weights sum to 1.12 before normalising). */
START_TEST(test_awkward_ratios)
{
	for (size_t k = 0; k < N_KERNELS; k++)
		for (size_t r = 0; r < sizeof ratios / sizeof ratios[0]; r++)
			for (int vertical = 0; vertical <= 1; vertical++) {
				expect_flat_line_kept(all_kernels[k], ratios[r][0],
						      ratios[r][1], vertical);
				expect_ramp_sane(all_kernels[k], ratios[r][0],
						 ratios[r][1], vertical);
			}
}
END_TEST

/* Triangle 7 -> 5 on 0, 30, ..., 180: the middle output pixel is centred on
 * input pixel 3, so it is 90 whatever the weights are. */
START_TEST(test_triangle_7_to_5)
{
	static const uint32_t in[] = { 0, 30, 60, 90, 120, 150, 180 };
	struct image src, dst;

	gray_image(&src, 7, 1, 8, in);
	resize_ok(&src, 5, 1, KERNEL_TRIANGLE, false, &dst);
	ck_assert_uint_eq(get_sample(&dst, 2, 0, 0), 90);
	image_free(&dst);
	image_free(&src);
}
END_TEST

/* ---- linear light ------------------------------------------------------------------- */

/*
 * A black and white checkerboard shrunk 2:1 averages to half intensity.  In
 * gamma space that is 127.5 -> 128; in linear light it is 0.5, which sRGB
 * encodes as 1.055 * 0.5^(1/2.4) - 0.055 = 0.73536, i.e. 187.52 -> 188.
 */
static void checkerboard(struct image *img, uint32_t channels, uint32_t depth)
{
	uint32_t max = depth == 16 ? 65535 : 255;

	new_image(img, 8, 8, channels, depth);
	for (uint32_t y = 0; y < 8; y++)
		for (uint32_t x = 0; x < 8; x++)
			for (uint32_t c = 0; c < channels; c++)
				set_sample(img, x, y, c, (x + y) % 2 ? max : 0);
}

START_TEST(test_linear_checkerboard)
{
	for (uint32_t channels = 1; channels <= 3; channels += 2) {
		struct image src, gamma, linear;
		checkerboard(&src, channels, 8);
		resize_ok(&src, 4, 4, KERNEL_BOX, false, &gamma);
		resize_ok(&src, 4, 4, KERNEL_BOX, true, &linear);
		for (uint32_t y = 0; y < 4; y++)
			for (uint32_t x = 0; x < 4; x++)
				for (uint32_t c = 0; c < channels; c++) {
					expect_near(get_sample(&gamma, x, y, c), 128, 1, "gamma");
					expect_near(get_sample(&linear, x, y, c), 188, 1, "linear");
				}
		image_free(&gamma);
		image_free(&linear);
		image_free(&src);
	}
}
END_TEST

/* 16 bits: 0.5 * 65535 = 32767.5 -> 32768 and 0.73536 * 65535 = 48191.6 */
START_TEST(test_linear_checkerboard_16)
{
	struct image src, gamma, linear;

	checkerboard(&src, 1, 16);
	resize_ok(&src, 4, 4, KERNEL_BOX, false, &gamma);
	resize_ok(&src, 4, 4, KERNEL_BOX, true, &linear);
	for (uint32_t y = 0; y < 4; y++)
		for (uint32_t x = 0; x < 4; x++) {
			expect_near(get_sample(&gamma, x, y, 0), 32768, 1, "gamma");
			expect_near(get_sample(&linear, x, y, 0), 48192, 1, "linear");
		}
	image_free(&gamma);
	image_free(&linear);
	image_free(&src);
}
END_TEST

/* ---- refusals --------------------------------------------------------------------- */

START_TEST(test_refuses_empty)
{
	struct image src, empty;

	new_image(&src, 2, 2, 3, 8);
	expect_refused(&src, 0, 1, KERNEL_BOX, "resize: cannot resize 2x2 to 0x1");
	expect_refused(&src, 1, 0, KERNEL_BOX, "resize: cannot resize 2x2 to 1x0");
	empty = src;
	empty.width = 0;
	expect_refused(&empty, 1, 1, KERNEL_BOX, "resize: cannot resize 0x2 to 1x1");
	empty = src;
	empty.height = 0;
	expect_refused(&empty, 2, 2, KERNEL_BOX, "resize: cannot resize 2x0 to 2x2");
	image_free(&src);
}
END_TEST

START_TEST(test_refuses_layout_and_kernel)
{
	struct image src, bad;

	new_image(&src, 2, 2, 4, 8);
	bad = src;
	bad.channels = 0;
	expect_refused(&bad, 1, 1, KERNEL_BOX, "resize: unsupported image: 0 channels of 8 bits");
	bad.channels = 5;
	expect_refused(&bad, 1, 1, KERNEL_BOX, "resize: unsupported image: 5 channels of 8 bits");
	bad = src;
	bad.depth = 12;
	expect_refused(&bad, 1, 1, KERNEL_BOX, "resize: unsupported image: 4 channels of 12 bits");
	bad.depth = 32;
	expect_refused(&bad, 1, 1, KERNEL_BOX, "resize: unsupported image: 4 channels of 32 bits");
	expect_refused(&src, 1, 1, (enum resize_kernel)99, "resize: unknown kernel 99");
	image_free(&src);
}
END_TEST

/*
 * Limits the address space to what the process maps now plus 512 MiB, so a
 * multi-gigabyte allocation fails instead of succeeding lazily.  Relative to
 * the current size, it also works under AddressSanitizer's huge shadow map.
 */
static void limit_address_space(struct rlimit *old)
{
	unsigned long long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%llu", &pages), 1);
	fclose(f);
	ck_assert_int_eq(getrlimit(RLIMIT_AS, old), 0);
	struct rlimit limit = *old;
	rlim_t wanted = pages * (unsigned long long)sysconf(_SC_PAGESIZE) + (512ULL << 20);
	/* never raise a limit the test was started with (ulimit -v) */
	if (wanted < limit.rlim_cur)
		limit.rlim_cur = wanted;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &limit), 0);
}

/*
 * 1x1 -> 70000x70000 RGBA is 19.6 GB: the request must be refused before
 * anything is allocated, for every layout: our resampler keeps the bound of
 * 2 GiB an output that stb's int arithmetic set when it resized some.
 */
START_TEST(test_refuses_absurd_sizes)
{
	static const uint32_t cases[][4] = {
		/* channels, depth, w, h */
		{ 4, 8, 70000, 70000 }, { 4, 8, 600000000, 1 }, { 3, 8, 1, 800000000 },
		{ 1, 16, 1, 1100000000 }, { 2, 8, 40000, 30000 },
	};
	struct rlimit old;
	char reason[128];

	limit_address_space(&old);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct image src;
		new_image(&src, 1, 1, cases[i][0], cases[i][1]);
		fill(&src, cases[i][1] == 16 ? constant16 : constant8);
		snprintf(reason, sizeof reason,
			 "resize 1x1 to %ux%u: the output would take over 2 GiB", cases[i][2],
			 cases[i][3]);
		expect_refused(&src, cases[i][2], cases[i][3], KERNEL_DEFAULT, reason);
		image_free(&src);
	}
	/* too large for memory at all: image_check_size's reason */
	struct image src;
	new_image(&src, 1, 1, 4, 8);
	expect_refused(&src, UINT32_MAX, UINT32_MAX, KERNEL_BOX,
		       "image of 4294967295x4294967295 is too large to fit in memory");
	image_free(&src);
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &old), 0);
}
END_TEST

/* A large but sane resize still works. */
START_TEST(test_large_resize_allowed)
{
	struct image src, dst;

	new_image(&src, 1, 1, 1, 8);
	fill(&src, constant8);
	resize_ok(&src, 4000000, 1, KERNEL_BOX, false, &dst);
	ck_assert_uint_eq(get_sample(&dst, 0, 0, 0), constant8[0]);
	ck_assert_uint_eq(get_sample(&dst, 3999999, 0, 0), constant8[0]);
	image_free(&dst);
	image_free(&src);
}
END_TEST

/* ---- our resampler against stb ------------------------------------------------------- */

/* Smooth gradients, hard edges and noise: what photos and renders hold. */
static void textured_image_depth(struct image *img, uint32_t w, uint32_t h, uint32_t channels,
				 uint32_t depth)
{
	uint32_t seed = 12345, max = depth == 16 ? 65535 : 255;

	new_image(img, w, h, channels, depth);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			for (uint32_t c = 0; c < channels; c++) {
				seed = seed * 1103515245 + 12345;
				double v = 128 + 90 * sin(x * 0.21 + c) * cos(y * 0.13) +
					   ((x / 7 + y / 5) % 2 ? 30 : -30) +
					   (double)(seed >> 16 & 31) - 16;
				v = v < 0 ? 0 : v > 255 ? 255 : v;
				set_sample(img, x, y, c, (uint32_t)(v * max / 255));
			}
}

static void textured_image(struct image *img, uint32_t w, uint32_t h, uint32_t channels)
{
	textured_image_depth(img, w, h, channels, 8);
}

/* The stb filter that resize.c documents for one axis of `kernel`, one
 * of stb's. */
static stbir_filter stb_axis_filter(enum resize_kernel kernel, uint32_t in, uint32_t out)
{
	static const stbir_filter shrink[] = {
		[KERNEL_BOX] = STBIR_FILTER_BOX,
		[KERNEL_TRIANGLE] = STBIR_FILTER_TRIANGLE,
		[KERNEL_CUBICBSPLINE] = STBIR_FILTER_CUBICBSPLINE,
		[KERNEL_CATMULLROM] = STBIR_FILTER_CATMULLROM,
		[KERNEL_MITCHELL] = STBIR_FILTER_MITCHELL,
	};

	if (in == out)
		return STBIR_FILTER_BOX;
	return shrink[kernel];
}

/* stb's resize: alpha (2 or 4 channels) premultiplied, sRGB decoded when linear. */
static void stb_reference(const struct image *src, uint32_t w, uint32_t h,
			  enum resize_kernel kernel, bool linear, struct image *dst)
{
	bool alpha = src->channels == 2 || src->channels == 4;

	new_image(dst, w, h, src->channels, src->depth);
	ck_assert_int_eq(stbir_resize(src->pixels, (int)src->width, (int)src->height,
				      (int)src->stride, dst->pixels, (int)w, (int)h,
				      (int)dst->stride,
				      src->depth == 16 ? STBIR_TYPE_UINT16 : STBIR_TYPE_UINT8,
				      (int)src->channels,
				      alpha ? (int)src->channels - 1 : STBIR_ALPHA_CHANNEL_NONE, 0,
				      STBIR_EDGE_CLAMP, STBIR_EDGE_CLAMP,
				      stb_axis_filter(kernel, src->width, w),
				      stb_axis_filter(kernel, src->height, h),
				      linear ? STBIR_COLORSPACE_SRGB : STBIR_COLORSPACE_LINEAR,
				      NULL), 1);
}

static double psnr(const struct image *a, const struct image *b)
{
	double squares = 0, max = a->depth == 16 ? 65535 : 255;
	size_t n = (size_t)a->width * a->height * a->channels;

	for (uint32_t y = 0; y < a->height; y++)
		for (uint32_t x = 0; x < a->width; x++)
			for (uint32_t c = 0; c < a->channels; c++) {
				double d = (double)get_sample(a, x, y, c) - get_sample(b, x, y, c);
				squares += d * d;
			}
	return squares ? 10 * log10(max * max * n / squares) : INFINITY;
}

static void expect_like_stb_in(const struct image *src, uint32_t w, uint32_t h,
			       enum resize_kernel kernel, bool linear)
{
	struct image ours, theirs;

	resize_ok(src, w, h, kernel, linear, &ours);
	stb_reference(src, w, h, kernel, linear, &theirs);
	double db = psnr(&ours, &theirs);
	ck_assert_msg(db >= 45,
		      "%u channels of %u bits %ux%u -> %ux%u kernel %d linear %d: %.2f dB against stb",
		      src->channels, src->depth, src->width, src->height, w, h, (int)kernel,
		      linear, db);
	image_free(&ours);
	image_free(&theirs);
}

static void expect_like_stb(const struct image *src, uint32_t w, uint32_t h,
			    enum resize_kernel kernel)
{
	expect_like_stb_in(src, w, h, kernel, false);
}

static const uint32_t stb_cases[][4] = {
	{ 97, 61, 40, 30 },     /* shrink, ratios 0.41 and 0.49 */
	{ 64, 64, 32, 32 },     /* S3 of the benchmark */
	{ 230, 172, 192, 144 }, /* S2's 2304x1728 -> 1920x1440, scaled down */
	{ 100, 100, 33, 77 },
	{ 13, 7, 50, 29 },      /* enlarge */
	{ 40, 30, 97, 20 },     /* enlarge one axis, shrink the other */
	{ 50, 40, 50, 17 },     /* one axis kept */
	{ 1, 9, 5, 3 },
	{ 9, 1, 1, 1 },
	{ 5, 5, 1, 1 },
	{ 3, 2, 200, 1 },
	{ 300, 2, 7, 2 },
};

START_TEST(test_like_stb)
{
	for (uint32_t channels = 1; channels <= 3; channels += 2)
		for (size_t i = 0; i < sizeof stb_cases / sizeof stb_cases[0]; i++) {
			const uint32_t *c = stb_cases[i];
			struct image src;
			textured_image(&src, c[0], c[1], channels);
			for (size_t k = 0; k < N_STB_KERNELS; k++)
				expect_like_stb(&src, c[2], c[3], all_kernels[k]);
			image_free(&src);
		}
}
END_TEST

/* Alpha, 16 bits and linear light, which stb resized before our resampler
 * took them: still within 45 dB of it for every stb kernel. */
START_TEST(test_like_stb_every_layout)
{
	for (uint32_t channels = 1; channels <= 4; channels++)
		for (uint32_t depth = 8; depth <= 16; depth += 8)
			for (size_t i = 0; i < 6; i++) {
				const uint32_t *c = stb_cases[i];
				struct image src;
				textured_image_depth(&src, c[0], c[1], channels, depth);
				for (size_t k = 0; k < N_STB_KERNELS; k++)
					for (int linear = 0; linear <= 1; linear++)
						expect_like_stb_in(&src, c[2], c[3],
								   all_kernels[k], linear);
				image_free(&src);
			}
}
END_TEST

/* ---- Lanczos against a plain double-precision resampler ------------------------------ */

static double ref_lanczos(double x, double lobes)
{
	const double pi = 3.14159265358979323846;

	if (x == 0)
		return 1;
	if (fabs(x) >= lobes)
		return 0;
	return lobes * sin(pi * x) * sin(pi * x / lobes) / (pi * x * pi * x);
}

/*
 * One line of n samples, `step` apart in `in`, resized to m samples into
 * `out` (also `step` apart): output sample j is centred on input position
 * (j + 0.5) n / m; when shrinking the kernel widens by n / m; samples past
 * the ends repeat the end ones; the weights are divided by their sum.
 */
static void ref_line(const double *in, uint32_t n, double *out, uint32_t m, size_t step,
		     double lobes)
{
	double stretch = m < n ? (double)n / m : 1;

	for (uint32_t j = 0; j < m; j++) {
		double centre = (j + 0.5) * n / m, sum = 0, total = 0;
		int64_t lo = (int64_t)floor(centre - lobes * stretch) - 1;
		int64_t hi = (int64_t)ceil(centre + lobes * stretch) + 1;
		for (int64_t i = lo; i <= hi; i++) {
			double w = ref_lanczos((i + 0.5 - centre) / stretch, lobes);
			int64_t at = i < 0 ? 0 : i >= n ? n - 1 : i;
			sum += w * in[at * step];
			total += w;
		}
		out[j * step] = sum / total;
	}
}

/* src (8-bit) resized with Lanczos in double: columns first, then rows. */
static void ref_resize(const struct image *src, uint32_t w, uint32_t h, double lobes,
		       struct image *dst)
{
	uint32_t ch = src->channels;
	double *in = malloc(sizeof *in * src->width * src->height * ch);
	double *mid = malloc(sizeof *mid * src->width * h * ch);
	double *out = malloc(sizeof *out * w * h * ch);

	ck_assert(in && mid && out);
	for (uint32_t y = 0; y < src->height; y++)
		for (uint32_t i = 0; i < src->width * ch; i++)
			in[(size_t)y * src->width * ch + i] = image_row(src, y)[i];
	for (uint32_t i = 0; i < src->width * ch; i++)
		ref_line(in + i, src->height, mid + i, h, (size_t)src->width * ch, lobes);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t c = 0; c < ch; c++)
			ref_line(mid + (size_t)y * src->width * ch + c, src->width,
				 out + (size_t)y * w * ch + c, w, ch, lobes);
	new_image(dst, w, h, ch, 8);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t i = 0; i < w * ch; i++) {
			double v = round(out[(size_t)y * w * ch + i]);
			image_row(dst, y)[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	free(in);
	free(mid);
	free(out);
}

/* Every sample of ours within 1 of the reference's. */
static void expect_like_ref(const struct image *src, uint32_t w, uint32_t h,
			    enum resize_kernel kernel)
{
	double lobes = kernel == KERNEL_LANCZOS2 ? 2 : 3;
	struct image ours, ref;

	resize_ok(src, w, h, kernel, false, &ours);
	ref_resize(src, w, h, lobes, &ref);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t i = 0; i < w * src->channels; i++)
			expect_near(image_row(&ours, y)[i], image_row(&ref, y)[i], 1,
				    "lanczos sample against the reference");
	image_free(&ours);
	image_free(&ref);
}

/* One line, 12 -> 5 and 5 -> 12, with an edge and a spike that ring. */
START_TEST(test_lanczos_line)
{
	static const uint32_t line[] = { 10, 10, 10, 200, 200, 30, 30, 250, 0, 90, 90, 90 };
	struct image src, five;

	gray_image(&src, 12, 1, 8, line);
	for (int lobes = 2; lobes <= 3; lobes++) {
		enum resize_kernel kernel = lobes == 2 ? KERNEL_LANCZOS2 : KERNEL_LANCZOS3;
		expect_like_ref(&src, 5, 1, kernel);
		resize_ok(&src, 5, 1, kernel, false, &five);
		expect_like_ref(&five, 12, 1, kernel);
		image_free(&five);
	}
	image_free(&src);
}
END_TEST

START_TEST(test_lanczos_like_reference)
{
	for (uint32_t channels = 1; channels <= 3; channels += 2)
		for (size_t i = 0; i < sizeof stb_cases / sizeof stb_cases[0]; i++) {
			const uint32_t *c = stb_cases[i];
			struct image src;
			textured_image(&src, c[0], c[1], channels);
			expect_like_ref(&src, c[2], c[3], KERNEL_LANCZOS2);
			expect_like_ref(&src, c[2], c[3], KERNEL_LANCZOS3);
			image_free(&src);
		}
}
END_TEST

/*
 * Opaque red next to transparent green, Lanczos rings across the edge: every
 * output pixel that is at all visible is pure red, in 8 and 16 bits, gamma
 * or linear.  Without premultiplying, the green would bleed in.  Gray + alpha
 * likewise: opaque white next to transparent black stays white.
 */
START_TEST(test_lanczos_alpha_no_bleed)
{
	static const uint32_t sizes[] = { 5, 4, 1, 19, 30 };

	for (uint32_t channels = 2; channels <= 4; channels += 2)
		for (uint32_t depth = 8; depth <= 16; depth += 8)
			for (int linear = 0; linear <= 1; linear++)
				for (size_t k = N_STB_KERNELS; k < N_KERNELS; k++)
					for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		uint32_t max = depth == 16 ? 65535 : 255, m = sizes[i];
		uint32_t opaque[4] = { max, 0, 0, max }, clear[4] = { 0, max, 0, 0 };
		struct image src, dst;
		if (channels == 2) {
			opaque[1] = max;
			clear[0] = clear[1] = 0;
		}
		new_image(&src, 12, 1, channels, depth);
		for (uint32_t x = 0; x < 12; x++)
			for (uint32_t c = 0; c < channels; c++)
				set_sample(&src, x, 0, c, x < 5 ? opaque[c] : clear[c]);
		resize_ok(&src, m, 1, all_kernels[k], linear, &dst);
		for (uint32_t x = 0; x < m; x++) {
			if (get_sample(&dst, x, 0, channels - 1) == 0)
				continue;
			for (uint32_t c = 0; c < channels - 1; c++)
				ck_assert_msg(get_sample(&dst, x, 0, c) == opaque[c],
					      "%u ch %u bit linear %d kernel %d 12 -> %u: [%u] c%u = %u",
					      channels, depth, linear, (int)all_kernels[k], m, x, c,
					      get_sample(&dst, x, 0, c));
		}
		/* and the edge is there, enlarged: opaque on the left, clear on the
		 * right (shrunk, the lobes reach the far end) */
		if (m > 12) {
			ck_assert_uint_eq(get_sample(&dst, 0, 0, channels - 1), max);
			ck_assert_uint_eq(get_sample(&dst, m - 1, 0, channels - 1), 0);
		}
		image_free(&dst);
		image_free(&src);
	}
}
END_TEST

/* 16 bits: a smooth line shrunk and enlarged, each sample within 1 of 65535
 * of the double-precision reference. */
START_TEST(test_lanczos_16_bit_precision)
{
	static const uint32_t sizes[] = { 113, 700 };
	double in[300], ref[700];
	struct image src, dst;

	new_image(&src, 300, 1, 1, 16);
	for (uint32_t i = 0; i < 300; i++) {
		set_sample(&src, i, 0, 0, (uint32_t)lround(32768 + 30000 * sin(i * 0.05)));
		in[i] = get_sample(&src, i, 0, 0);
	}
	for (int lobes = 2; lobes <= 3; lobes++)
		for (size_t s = 0; s < 2; s++) {
			uint32_t m = sizes[s];
			resize_ok(&src, m, 1, lobes == 2 ? KERNEL_LANCZOS2 : KERNEL_LANCZOS3,
				  false, &dst);
			ref_line(in, 300, ref, m, 1, lobes);
			for (uint32_t j = 0; j < m; j++) {
				char what[48];
				snprintf(what, sizeof what, "lanczos%d 300 -> %u: [%u]", lobes, m, j);
				expect_near(get_sample(&dst, j, 0, 0), (uint32_t)lround(ref[j]), 1,
					    what);
			}
			image_free(&dst);
		}
	image_free(&src);
}
END_TEST

/* A line that reads the same both ways stays so, shrunk and enlarged. */
START_TEST(test_lanczos_symmetric)
{
	static const uint32_t line[] = { 0, 255, 255, 17, 90, 140, 140, 90, 17, 255, 255, 0 };
	static const uint32_t sizes[] = { 5, 7, 4, 1, 19, 30 };
	struct image src, dst;

	gray_image(&src, 12, 1, 8, line);
	for (size_t k = N_STB_KERNELS; k < N_KERNELS; k++)
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
			uint32_t m = sizes[s];
			resize_ok(&src, m, 1, all_kernels[k], false, &dst);
			for (uint32_t j = 0; j < m; j++)
				ck_assert_msg(get_sample(&dst, j, 0, 0) ==
					      get_sample(&dst, m - 1 - j, 0, 0),
					      "kernel %d 12 -> %u: [%u] = %u, [%u] = %u",
					      (int)all_kernels[k], m, j, get_sample(&dst, j, 0, 0),
					      m - 1 - j, get_sample(&dst, m - 1 - j, 0, 0));
			image_free(&dst);
		}
	image_free(&src);
}
END_TEST

/* Rows that do not start where the last one ended (a view into a wider image). */
START_TEST(test_like_stb_padded_stride)
{
	struct image wide, view;

	textured_image(&wide, 120, 50, 3);
	view = wide;
	view.width = 101;
	expect_like_stb(&view, 37, 23, KERNEL_MITCHELL);
	expect_like_stb(&view, 203, 61, KERNEL_CATMULLROM);
	expect_like_ref(&view, 37, 23, KERNEL_LANCZOS3);
	expect_like_ref(&view, 203, 61, KERNEL_LANCZOS3);
	image_free(&wide);
}
END_TEST

/*
 * A worker keeps the weights of its last four axes.  Resizes that reuse and
 * evict them in turn (including a hit on the slot to be evicted next) must
 * each give what a first resize gives.
 */
START_TEST(test_weight_cache_reuse_and_eviction)
{
	static const uint32_t jobs[][4] = {
		{ 10, 20, 5, 5 }, { 30, 40, 5, 5 }, { 10, 50, 5, 5 }, { 10, 20, 5, 5 },
		{ 60, 70, 8, 9 }, { 30, 40, 5, 5 }, { 10, 20, 5, 5 }, { 20, 10, 5, 5 },
	};
	struct image first[sizeof jobs / sizeof jobs[0]], src, again;

	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
			textured_image(&src, jobs[i][0], jobs[i][1], 3);
			resize_ok(&src, jobs[i][2], jobs[i][3], KERNEL_DEFAULT, false,
				  round ? &again : &first[i]);
			if (round) {
				ck_assert_mem_eq(again.pixels, first[i].pixels,
						 (size_t)again.stride * again.height);
				image_free(&again);
				image_free(&first[i]);
			} else {
				/* every job shrinks: Lanczos 3 */
				expect_like_ref(&src, jobs[i][2], jobs[i][3], KERNEL_DEFAULT);
			}
			image_free(&src);
		}
}
END_TEST

/* Overshoot of the cubics is clamped, not wrapped: a black and white edge
 * enlarged with Catmull-Rom stays within 0-255 and keeps its ends. */
START_TEST(test_overshoot_clamped)
{
	static const uint32_t edge[] = { 0, 0, 0, 255, 255, 255 };
	struct image src, dst;

	gray_image(&src, 6, 1, 8, edge);
	resize_ok(&src, 60, 1, KERNEL_CATMULLROM, false, &dst);
	ck_assert_uint_eq(get_sample(&dst, 0, 0, 0), 0);
	ck_assert_uint_eq(get_sample(&dst, 59, 0, 0), 255);
	for (uint32_t x = 1; x < 60; x++)
		ck_assert_uint_ge(get_sample(&dst, x, 0, 0) + 2, get_sample(&dst, x - 1, 0, 0));
	image_free(&dst);
	image_free(&src);
}
END_TEST

/* The weights of a 100-megapixel-wide row do not fit in 512 MiB: a clean
 * failure, dst untouched.  (AddressSanitizer aborts on a failed malloc.) */
START_TEST(test_resampler_out_of_memory)
{
	const char *sanitizers = getenv("IMGBATCH_SANITIZERS");
	struct image src;
	struct rlimit old;

	if (sanitizers && strcmp(sanitizers, "yes") == 0) {
		printf("SKIP: test_resampler_out_of_memory: malloc failures abort under ASan\n");
		return;
	}
	new_image(&src, 1, 1, 1, 8);
	fill(&src, constant8);
	limit_address_space(&old);
	expect_refused(&src, 100000000, 1, KERNEL_BOX, "resize 1x1 to 100000000x1: out of memory");
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &old), 0);
	image_free(&src);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("resize");
	TCase *tc = tcase_create("kernels");

	tcase_add_test(tc, test_kernel_parse);
	tcase_add_test(tc, test_kernel_parse_rejects);
	suite_add_tcase(s, tc);

	tc = tcase_create("exact");
	tcase_add_test(tc, test_same_size_is_copy);
	tcase_add_test(tc, test_same_size_padded_stride);
	tcase_add_test(tc, test_constant_colour_kept);
	tcase_add_test(tc, test_box_shrink_averages);
	tcase_add_test(tc, test_box_shrink_rgb16);
	tcase_add_test(tc, test_enlarge_box_and_triangle);
	suite_add_tcase(s, tc);

	tc = tcase_create("axes");
	tcase_add_test(tc, test_kept_height_is_not_filtered);
	tcase_add_test(tc, test_kept_width_is_not_filtered);
	tcase_add_test(tc, test_default_kernel_choice);
	suite_add_tcase(s, tc);

	tc = tcase_create("lanczos");
	tcase_add_test(tc, test_lanczos_line);
	tcase_add_test(tc, test_lanczos_like_reference);
	tcase_add_test(tc, test_lanczos_symmetric);
	tcase_add_test(tc, test_lanczos_alpha_no_bleed);
	tcase_add_test(tc, test_lanczos_16_bit_precision);
	suite_add_tcase(s, tc);

	tc = tcase_create("alpha");
	tcase_add_test(tc, test_alpha_no_colour_bleed);
	tcase_add_test(tc, test_alpha_gray);
	suite_add_tcase(s, tc);

	tc = tcase_create("precision");
	tcase_add_test(tc, test_16_bit_gradient_box);
	tcase_add_test(tc, test_16_bit_gradient_mitchell);
	tcase_add_test(tc, test_awkward_ratios);
	tcase_add_test(tc, test_triangle_7_to_5);
	tcase_add_test(tc, test_linear_checkerboard);
	tcase_add_test(tc, test_linear_checkerboard_16);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_test(tc, test_refuses_empty);
	tcase_add_test(tc, test_refuses_layout_and_kernel);
	tcase_add_test(tc, test_refuses_absurd_sizes);
	tcase_add_test(tc, test_large_resize_allowed);
	tcase_add_test(tc, test_resampler_out_of_memory);
	suite_add_tcase(s, tc);

	tc = tcase_create("against stb");
	tcase_add_test(tc, test_like_stb);
	tcase_add_test(tc, test_like_stb_padded_stride);
	tcase_add_test(tc, test_like_stb_every_layout);
	tcase_add_test(tc, test_weight_cache_reuse_and_eviction);
	tcase_add_test(tc, test_overshoot_clamped);
	suite_add_tcase(s, tc);
	return s;
}

