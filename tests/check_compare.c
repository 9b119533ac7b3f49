/* imgbatch compare: pixelmatch's metrics, anti-aliasing, diff image, layouts. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compare/pixelmatch.h"
#include "compare/ssim.h"
#include "tests/check_main.h"

static const uint8_t black[4] = { 0, 0, 0, 255 };
static const uint8_t white[4] = { 255, 255, 255, 255 };

static void make_image(struct image *img, uint32_t w, uint32_t h, uint32_t channels,
		       uint32_t depth)
{
	struct ib_error err = { 0 };
	ck_assert_msg(image_alloc(img, w, h, channels, depth, 0, &err) == 0, "%s", err.msg);
	memset(img->pixels, 0, img->stride * h);
}

static void set_pixel(struct image *img, uint32_t x, uint32_t y, const uint8_t rgba[4])
{
	memcpy(image_row(img, y) + 4 * x, rgba, 4);
}

/* w x h, 8-bit RGBA, every pixel rgba. */
static void make_filled(struct image *img, uint32_t w, uint32_t h, const uint8_t rgba[4])
{
	make_image(img, w, h, 4, 8);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			set_pixel(img, x, y, rgba);
}

static const uint8_t *diff_pixel(const struct image *diff, uint32_t x, uint32_t y)
{
	return image_row(diff, y) + 4 * x;
}

static void expect_rgba(const uint8_t *p, uint8_t r, uint8_t g, uint8_t b, uint8_t a)
{
	ck_assert_msg(p[0] == r && p[1] == g && p[2] == b && p[3] == a,
		      "pixel %u,%u,%u,%u, expected %u,%u,%u,%u", p[0], p[1], p[2], p[3], r, g, b, a);
}

static struct compare_result compare_ok(const struct image *a, const struct image *b,
					const struct compare_options *o, struct image *diff)
{
	struct compare_result r;
	struct ib_error err = { 0 };
	ck_assert_msg(compare_images(a, b, o, diff, &r, &err) == 0, "%s", err.msg);
	return r;
}

/* diff pixels of a 1x1 comparison of p and q. */
static uint64_t count_one(const uint8_t p[4], const uint8_t q[4], enum compare_metric m,
			  double threshold)
{
	struct image a, b;
	struct compare_options o;

	compare_options_default(&o, m);
	o.threshold = threshold;
	make_filled(&a, 1, 1, p);
	make_filled(&b, 1, 1, q);
	uint64_t n = compare_ok(&a, &b, &o, NULL).diff_pixels;
	image_free(&a);
	image_free(&b);
	return n;
}

/* ---- options --------------------------------------------------------------------- */

START_TEST(test_defaults)
{
	struct compare_options o;

	memset(&o, 0xff, sizeof o);
	compare_options_default(&o, METRIC_OKLAB);
	ck_assert_int_eq(o.metric, METRIC_OKLAB);
	ck_assert_double_eq(o.threshold, 0.1);
	ck_assert(!o.include_aa);
	ck_assert(o.checkerboard);
	ck_assert_uint_eq(o.window, 0);
	ck_assert_mem_eq(o.diff_color, ((uint8_t[]) { 255, 0, 0 }), 3);
	ck_assert_mem_eq(o.aa_color, ((uint8_t[]) { 255, 255, 0 }), 3);
	ck_assert(!o.has_diff_color_alt);
	ck_assert_double_eq(o.alpha, 0.1);
	ck_assert(!o.diff_mask);
}
END_TEST

START_TEST(test_metric_parse)
{
	enum compare_metric m = METRIC_OKLAB;

	ck_assert_int_eq(compare_metric_parse("yiq", &m), 0);
	ck_assert_int_eq(m, METRIC_YIQ);
	ck_assert_int_eq(compare_metric_parse("oklab", &m), 0);
	ck_assert_int_eq(m, METRIC_OKLAB);
	ck_assert_int_eq(compare_metric_parse("YIQ", &m), -1);
	ck_assert_int_eq(compare_metric_parse("", &m), -1);
	ck_assert_int_eq(compare_metric_parse("oklab ", &m), -1);
	ck_assert_int_eq(m, METRIC_OKLAB);
}
END_TEST

/* ---- colour metrics (expected values: pixelmatch's own functions under node) ------- */

START_TEST(test_yiq_delta)
{
	const uint8_t red[4] = { 255, 0, 0, 255 }, blue[4] = { 0, 0, 255, 255 };

	ck_assert_double_eq(compare_pixel_delta(METRIC_YIQ, black, white, 0, true),
			    32857.133157142649);
	/* negative: the second pixel is the darker */
	ck_assert_double_eq(compare_pixel_delta(METRIC_YIQ, white, black, 0, true),
			    -32857.133157142649);
	ck_assert_double_eq(compare_pixel_delta(METRIC_YIQ, red, blue, 0, true),
			    -17620.627774909372);
	ck_assert_double_eq(compare_pixel_delta(METRIC_YIQ, red, red, 7, true), 0);
}
END_TEST

/*
 * Translucent pixels are blended on pixelmatch 7's checkerboard, which
 * depends on the pixel index: pixels 1 and 2 share a background, 0 and 3 do
 * not.
 */
START_TEST(test_yiq_translucent)
{
	const uint8_t p[4] = { 100, 50, 200, 128 }, q[4] = { 100, 50, 200, 64 };
	const uint8_t clear1[4] = { 10, 20, 30, 0 }, clear2[4] = { 200, 20, 30, 0 };

	ck_assert_double_eq(compare_pixel_delta(METRIC_YIQ, p, q, 0, true), -83.872285461027502);
	ck_assert_double_eq(compare_pixel_delta(METRIC_YIQ, p, q, 1, true), -28.939629543257666);
	ck_assert_double_eq(compare_pixel_delta(METRIC_YIQ, p, q, 2, true), -28.939629543257666);
	ck_assert_double_eq(compare_pixel_delta(METRIC_YIQ, p, q, 3, true), 366.06889920350750);
	ck_assert_double_eq(compare_pixel_delta(METRIC_YIQ, p, q, 1, false), 998.15747616964029);
	/* fully transparent: the colour does not matter */
	ck_assert_double_eq(compare_pixel_delta(METRIC_YIQ, clear1, clear2, 0, true), 0);
}
END_TEST

START_TEST(test_oklab_delta)
{
	const uint8_t red[4] = { 255, 0, 0, 255 }, blue[4] = { 0, 0, 255, 255 };
	const uint8_t dark1[4] = { 1, 2, 3, 255 }, dark2[4] = { 2, 2, 3, 255 };
	const uint8_t gray128[4] = { 128, 128, 128, 255 }, gray60[4] = { 60, 60, 60, 255 };

	ck_assert_double_eq(compare_pixel_delta(METRIC_OKLAB, black, white, 0, true),
			    1.0000000296701805);
	ck_assert_double_eq(compare_pixel_delta(METRIC_OKLAB, white, black, 0, true),
			    -1.0000000296701805);
	ck_assert_double_eq(compare_pixel_delta(METRIC_OKLAB, red, blue, 0, true),
			    -0.70897402718814562);
	ck_assert_double_eq(compare_pixel_delta(METRIC_OKLAB, gray128, gray60, 0, true),
			    -0.27641417019170395);
	/* near black, where the cube root is computed rather than interpolated */
	ck_assert_double_eq(compare_pixel_delta(METRIC_OKLAB, dark1, dark2, 0, true),
			    0.0071060579619104235);
}
END_TEST

/* pixelmatch 8's checkerboard hashes the index: background r,g,b is
 * 48,48,48 at 0, 207,48,48 at 1, 48,48,207 at 2. */
START_TEST(test_oklab_translucent)
{
	const uint8_t p[4] = { 100, 50, 200, 128 }, q[4] = { 100, 50, 200, 64 };
	const uint8_t clear1[4] = { 10, 20, 30, 0 }, clear2[4] = { 200, 20, 30, 0 };

	ck_assert_double_eq(compare_pixel_delta(METRIC_OKLAB, p, q, 0, true), -0.10221403557694650);
	ck_assert_double_eq(compare_pixel_delta(METRIC_OKLAB, p, q, 1, true), 0.11352261889417468);
	ck_assert_double_eq(compare_pixel_delta(METRIC_OKLAB, p, q, 2, true), -0.028695354968052585);
	ck_assert_double_eq(compare_pixel_delta(METRIC_OKLAB, p, q, 1, false), 0.21424761077157708);
	ck_assert_double_eq(compare_pixel_delta(METRIC_OKLAB, clear1, clear2, 0, true), 0);
}
END_TEST

/* ---- thresholds ------------------------------------------------------------------- */

START_TEST(test_threshold_one)
{
	/* 35215 * 1^2 is beyond black vs white in YIQ (32857.1); OKLab's black
	 * vs white, 1.00000003, is just over 1. */
	ck_assert_uint_eq(count_one(black, white, METRIC_YIQ, 1), 0);
	ck_assert_uint_eq(count_one(black, white, METRIC_OKLAB, 1), 1);
}
END_TEST

START_TEST(test_threshold_zero)
{
	const uint8_t gray100[4] = { 100, 100, 100, 255 }, gray101[4] = { 101, 100, 100, 255 };
	const uint8_t clear1[4] = { 10, 20, 30, 0 }, clear2[4] = { 200, 20, 30, 0 };
	enum compare_metric m = (enum compare_metric)_i;

	ck_assert_uint_eq(count_one(gray100, gray101, m, 0), 1);
	ck_assert_uint_eq(count_one(gray100, gray100, m, 0), 0);
	/* the bytes differ, the blended colours do not */
	ck_assert_uint_eq(count_one(clear1, clear2, m, 0), 0);
}
END_TEST

START_TEST(test_threshold_boundary)
{
	const uint8_t red[4] = { 255, 0, 0, 255 }, blue[4] = { 0, 0, 255, 255 };
	/* YIQ counts when 35215 t^2 < 32857.133157142649 */
	double t = sqrt(32857.133157142649 / 35215);

	ck_assert_uint_eq(count_one(black, white, METRIC_YIQ, t * (1 - 1e-9)), 1);
	ck_assert_uint_eq(count_one(black, white, METRIC_YIQ, t * (1 + 1e-9)), 0);
	/* OKLab counts when t < 0.70897402718814562 */
	ck_assert_uint_eq(count_one(red, blue, METRIC_OKLAB, 0.708974027), 1);
	ck_assert_uint_eq(count_one(red, blue, METRIC_OKLAB, 0.708974028), 0);
}
END_TEST

START_TEST(test_bad_options)
{
	struct image a, b, diff;
	struct compare_options o;
	struct compare_result r;
	struct ib_error err = { 0 };

	make_filled(&a, 2, 2, black);
	make_filled(&b, 2, 2, white);
	compare_options_default(&o, METRIC_YIQ);
	o.threshold = 1.5;
	ck_assert_int_eq(compare_images(&a, &b, &o, &diff, &r, &err), -1);
	ck_assert_str_eq(err.msg, "threshold 1.5 is not from 0 to 1");
	ck_assert_ptr_null(diff.pixels);
	o.threshold = NAN;
	ck_assert_int_eq(compare_images(&a, &b, &o, NULL, &r, &err), -1);
	ck_assert_str_eq(err.msg, "threshold nan is not from 0 to 1");
	o.threshold = 0.1;
	o.alpha = -0.5;
	ck_assert_int_eq(compare_images(&a, &b, &o, NULL, &r, &err), -1);
	ck_assert_str_eq(err.msg, "alpha -0.5 is not from 0 to 1");
	o.alpha = 0.1;
	b.channels = 5;
	ck_assert_int_eq(compare_images(&a, &b, &o, NULL, &r, &err), -1);
	ck_assert_str_eq(err.msg, "unsupported image layout: 5 channels of 8 bits");
	b.channels = 4;
	image_free(&a);
	image_free(&b);
}
END_TEST

START_TEST(test_size_differs)
{
	struct image a, b, diff;
	struct compare_options o;
	struct compare_result r;
	struct ib_error err = { 0 };

	make_filled(&a, 640, 480, white);
	make_filled(&b, 640, 481, white);
	compare_options_default(&o, METRIC_YIQ);
	ck_assert_int_eq(compare_images(&a, &b, &o, &diff, &r, &err), -1);
	ck_assert_str_eq(err.msg, "size differs: 640x480 vs 640x481");
	ck_assert_ptr_null(diff.pixels);
	ck_assert_int_eq(compare_images(&b, &a, &o, NULL, &r, &err), -1);
	ck_assert_str_eq(err.msg, "size differs: 640x481 vs 640x480");
	image_free(&a);
	image_free(&b);
}
END_TEST

/* ---- identical images, PSNR -------------------------------------------------------- */

START_TEST(test_identical)
{
	const uint8_t orange[4] = { 200, 100, 50, 255 };
	struct image a, b, diff;
	struct compare_options o;

	compare_options_default(&o, (enum compare_metric)_i);
	make_filled(&a, 3, 2, orange);
	make_filled(&b, 3, 2, orange);
	set_pixel(&a, 1, 1, (uint8_t[]) { 200, 100, 50, 128 });
	set_pixel(&b, 1, 1, (uint8_t[]) { 200, 100, 50, 128 });
	struct compare_result r = compare_ok(&a, &b, &o, &diff);
	ck_assert_uint_eq(r.diff_pixels, 0);
	ck_assert_uint_eq(r.aa_pixels, 0);
	ck_assert(isinf(r.psnr) && r.psnr > 0);
	ck_assert_uint_eq(r.max_channel_diff, 0);
	/* 255 + (200 * 0.29889531 + 100 * 0.58662247 + 50 * 0.11448223 - 255) * 0.1
	 * = 241.9165, truncated */
	ck_assert_uint_eq(diff.width, 3);
	ck_assert_uint_eq(diff.height, 2);
	ck_assert_uint_eq(diff.channels, 4);
	ck_assert_uint_eq(diff.depth, 8);
	expect_rgba(diff_pixel(&diff, 0, 0), 241, 241, 241, 255);
	expect_rgba(diff_pixel(&diff, 2, 1), 241, 241, 241, 255);
	/* half the fade at alpha 128 */
	o.alpha = 0.5;
	image_free(&diff);
	compare_ok(&a, &b, &o, &diff);
	expect_rgba(diff_pixel(&diff, 1, 1), 222, 222, 222, 255);
	image_free(&diff);
	image_free(&a);
	image_free(&b);
}
END_TEST

START_TEST(test_psnr)
{
	struct image a, b;
	struct compare_options o;

	compare_options_default(&o, METRIC_YIQ);
	make_filled(&a, 2, 1, white);
	make_filled(&b, 2, 1, white);
	set_pixel(&b, 1, 0, (uint8_t[]) { 255, 245, 255, 255 });
	struct compare_result r = compare_ok(&a, &b, &o, NULL);
	/* 8 samples, one 10 off: 10 log10(255^2 / (100 / 8)) */
	ck_assert_double_eq_tol(r.psnr, 37.16170347859854, 1e-12);
	ck_assert_uint_eq(r.max_channel_diff, 10);
	set_pixel(&b, 0, 0, (uint8_t[]) { 255, 255, 255, 0 });
	r = compare_ok(&a, &b, &o, NULL);
	ck_assert_uint_eq(r.max_channel_diff, 255);
	image_free(&a);
	image_free(&b);
}
END_TEST

/* ---- anti-aliasing ---------------------------------------------------------------- */

/*
 * Black | gray | white, 5 x 3: the gray column is an anti-aliased edge
 * between two flat areas.  Changing it (128 -> 60, over the threshold for
 * both metrics) is anti-aliasing, not a difference.
 */
static void make_edge(struct image *img, uint8_t gray)
{
	make_filled(img, 5, 3, white);
	for (uint32_t y = 0; y < 3; y++) {
		set_pixel(img, 0, y, black);
		set_pixel(img, 1, y, black);
		set_pixel(img, 2, y, (uint8_t[]) { gray, gray, gray, 255 });
	}
}

START_TEST(test_aa_edge_excluded)
{
	struct image a, b, diff;
	struct compare_options o;

	compare_options_default(&o, (enum compare_metric)_i);
	make_edge(&a, 128);
	make_edge(&b, 60);
	struct compare_result r = compare_ok(&a, &b, &o, &diff);
	ck_assert_uint_eq(r.diff_pixels, 0);
	ck_assert_uint_eq(r.aa_pixels, 3);
	for (uint32_t y = 0; y < 3; y++)
		expect_rgba(diff_pixel(&diff, 2, y), 255, 255, 0, 255);
	expect_rgba(diff_pixel(&diff, 0, 0), 229, 229, 229, 255);  /* 255 - 25.5 */
	expect_rgba(diff_pixel(&diff, 4, 2), 255, 255, 255, 255);
	ck_assert_uint_eq(r.max_channel_diff, 68);
	image_free(&diff);

	o.include_aa = true;
	r = compare_ok(&a, &b, &o, &diff);
	ck_assert_uint_eq(r.diff_pixels, 3);
	ck_assert_uint_eq(r.aa_pixels, 0);
	for (uint32_t y = 0; y < 3; y++)
		expect_rgba(diff_pixel(&diff, 2, y), 255, 0, 0, 255);
	image_free(&diff);
	image_free(&a);
	image_free(&b);
}
END_TEST

/* A pixel changed in a flat area has no ramp around it: a real difference. */
START_TEST(test_flat_change_counted)
{
	struct image a, b;
	struct compare_options o;

	compare_options_default(&o, (enum compare_metric)_i);
	make_filled(&a, 5, 5, white);
	make_filled(&b, 5, 5, white);
	set_pixel(&b, 2, 2, (uint8_t[]) { 255, 0, 0, 255 });
	struct compare_result r = compare_ok(&a, &b, &o, NULL);
	ck_assert_uint_eq(r.diff_pixels, 1);
	ck_assert_uint_eq(r.aa_pixels, 0);
	/* a corner pixel has the image edge as one equal neighbour */
	set_pixel(&b, 4, 4, black);
	r = compare_ok(&a, &b, &o, NULL);
	ck_assert_uint_eq(r.diff_pixels, 2);
	image_free(&a);
	image_free(&b);
}
END_TEST

/* Ignored pixels are not counted, drawn grey, and the actual image is left
 * as it was (the comparison works on a copy). */
START_TEST(test_ignore)
{
	struct image a, b, diff;
	struct compare_options o;
	uint8_t ignore[25] = { 0 };
	const uint8_t red[4] = { 255, 0, 0, 255 };

	compare_options_default(&o, (enum compare_metric)_i);
	make_filled(&a, 5, 5, white);
	make_filled(&b, 5, 5, white);
	set_pixel(&b, 2, 2, red);
	set_pixel(&b, 4, 4, black);
	ignore[2 * 5 + 2] = ignore[0] = 1;
	o.ignore = ignore;
	struct compare_result r = compare_ok(&a, &b, &o, &diff);
	ck_assert_uint_eq(r.diff_pixels, 1);
	ck_assert_uint_eq(r.ignored_pixels, 2);
	expect_rgba(diff_pixel(&diff, 2, 2), 128, 128, 128, 255);
	expect_rgba(diff_pixel(&diff, 0, 0), 128, 128, 128, 255);
	expect_rgba(diff_pixel(&diff, 4, 4), 255, 0, 0, 255);
	expect_rgba(image_row(&b, 2) + 8, 255, 0, 0, 255);
	image_free(&diff);
	o.ignore = NULL;
	ck_assert_uint_eq(compare_ok(&a, &b, &o, NULL).diff_pixels, 2);
	image_free(&a);
	image_free(&b);
}
END_TEST

/* SSIM: identical images are 1 exactly, a black square on white far from
 * it; too small and unequal sizes are refused. */
START_TEST(test_ssim)
{
	struct image a, b, map;
	struct ib_error err = { 0 };
	double mean = 0;

	make_filled(&a, 20, 20, white);
	make_filled(&b, 20, 20, white);
	ck_assert_msg(compare_ssim(&a, &b, NULL, &map, &mean, &err) == 0, "%s", err.msg);
	ck_assert(mean == 1.0);
	expect_rgba(diff_pixel(&map, 3, 3), 255, 255, 255, 255);
	image_free(&map);
	for (uint32_t y = 5; y < 15; y++)
		for (uint32_t x = 5; x < 15; x++)
			set_pixel(&b, x, y, black);
	ck_assert_msg(compare_ssim(&a, &b, NULL, NULL, &mean, &err) == 0, "%s", err.msg);
	ck_assert(mean < 0.5);
	image_free(&b);
	make_filled(&b, 20, 10, white);
	ck_assert_int_eq(compare_ssim(&a, &b, NULL, NULL, &mean, &err), -1);
	ck_assert_str_eq(err.msg, "size differs: 20x20 vs 20x10");
	ck_assert_int_eq(compare_ssim(&b, &b, NULL, NULL, &mean, &err), -1);
	ck_assert_str_eq(err.msg, "SSIM needs 11x11 pixels or more, the image is 20x10");
	image_free(&a);
	image_free(&b);
}
END_TEST

/*
 * 3 equal neighbours rule anti-aliasing out: the gray pixel at (1, 0) joins
 * the edge, so (1, 0), (2, 0) and (2, 1) now count; (2, 2) is still on the
 * ramp.  (Counts checked against pixelmatch 7.2 and 8.0.)
 */
static void make_edge_with_spur(struct image *img, uint8_t gray)
{
	make_edge(img, gray);
	set_pixel(img, 1, 0, (uint8_t[]) { gray, gray, gray, 255 });
}

START_TEST(test_three_equal_neighbours)
{
	struct image a, b, diff;
	struct compare_options o;

	compare_options_default(&o, (enum compare_metric)_i);
	make_edge_with_spur(&a, 128);
	make_edge_with_spur(&b, 60);
	struct compare_result r = compare_ok(&a, &b, &o, &diff);
	ck_assert_uint_eq(r.diff_pixels, 3);
	ck_assert_uint_eq(r.aa_pixels, 1);
	expect_rgba(diff_pixel(&diff, 1, 0), 255, 0, 0, 255);
	expect_rgba(diff_pixel(&diff, 2, 0), 255, 0, 0, 255);
	expect_rgba(diff_pixel(&diff, 2, 1), 255, 0, 0, 255);
	expect_rgba(diff_pixel(&diff, 2, 2), 255, 255, 0, 255);
	image_free(&diff);
	image_free(&a);
	image_free(&b);
}
END_TEST

/*
 * White | half-transparent white | black against white | black: on white,
 * the translucent column equals its white neighbours for pixelmatch 7, so it
 * is no ramp and counts; pixelmatch 8 tells them apart by alpha and finds
 * anti-aliasing.
 */
static void make_veil(struct image *img, bool veiled)
{
	make_filled(img, 5, 3, black);
	for (uint32_t y = 0; y < 3; y++) {
		set_pixel(img, 0, y, white);
		set_pixel(img, 1, y, white);
		if (veiled)
			set_pixel(img, 2, y, (uint8_t[]) { 255, 255, 255, 128 });
	}
}

START_TEST(test_aa_alpha_ties)
{
	struct image a, b;
	struct compare_options o;

	make_veil(&a, true);
	make_veil(&b, false);
	compare_options_default(&o, METRIC_YIQ);
	o.checkerboard = false;
	ck_assert_uint_eq(compare_ok(&a, &b, &o, NULL).diff_pixels, 3);
	compare_options_default(&o, METRIC_OKLAB);
	o.checkerboard = false;
	struct compare_result r = compare_ok(&a, &b, &o, NULL);
	ck_assert_uint_eq(r.diff_pixels, 0);
	ck_assert_uint_eq(r.aa_pixels, 3);
	image_free(&a);
	image_free(&b);
}
END_TEST

/* ---- diff image ------------------------------------------------------------------- */

START_TEST(test_diff_colours)
{
	struct image a, b, diff;
	struct compare_options o;

	compare_options_default(&o, (enum compare_metric)_i);
	make_filled(&a, 5, 5, white);
	make_filled(&b, 5, 5, white);
	set_pixel(&b, 1, 1, black);                                  /* darker */
	set_pixel(&a, 3, 3, black);                                  /* lighter */
	set_pixel(&b, 3, 3, white);
	set_pixel(&b, 0, 4, (uint8_t[]) { 254, 255, 255, 255 });    /* under the threshold */

	compare_ok(&a, &b, &o, &diff);
	expect_rgba(diff_pixel(&diff, 1, 1), 255, 0, 0, 255);
	expect_rgba(diff_pixel(&diff, 3, 3), 255, 0, 0, 255);
	expect_rgba(diff_pixel(&diff, 0, 4), 255, 255, 255, 255);
	image_free(&diff);

	o.has_diff_color_alt = true;
	memcpy(o.diff_color_alt, (uint8_t[]) { 0, 200, 0 }, 3);
	memcpy(o.diff_color, (uint8_t[]) { 0, 0, 200 }, 3);
	compare_ok(&a, &b, &o, &diff);
	expect_rgba(diff_pixel(&diff, 1, 1), 0, 200, 0, 255);
	expect_rgba(diff_pixel(&diff, 3, 3), 0, 0, 200, 255);
	image_free(&diff);

	o.diff_mask = true;
	struct compare_result r = compare_ok(&a, &b, &o, &diff);
	ck_assert_uint_eq(r.diff_pixels, 2);
	expect_rgba(diff_pixel(&diff, 1, 1), 0, 200, 0, 255);
	expect_rgba(diff_pixel(&diff, 0, 4), 0, 0, 0, 0);
	expect_rgba(diff_pixel(&diff, 2, 2), 0, 0, 0, 0);
	image_free(&diff);
	image_free(&a);
	image_free(&b);
}
END_TEST

/* The mask leaves anti-aliased pixels out too, as pixelmatch does. */
START_TEST(test_diff_mask_aa)
{
	struct image a, b, diff;
	struct compare_options o;

	compare_options_default(&o, METRIC_YIQ);
	o.diff_mask = true;
	make_edge(&a, 128);
	make_edge(&b, 60);
	struct compare_result r = compare_ok(&a, &b, &o, &diff);
	ck_assert_uint_eq(r.aa_pixels, 3);
	for (uint32_t y = 0; y < 3; y++)
		for (uint32_t x = 0; x < 5; x++)
			expect_rgba(diff_pixel(&diff, x, y), 0, 0, 0, 0);
	image_free(&diff);
	image_free(&a);
	image_free(&b);
}
END_TEST

/* ---- window ----------------------------------------------------------------------- */

START_TEST(test_window)
{
	/* 2x2 block at the top left, 3 pixels at the bottom right */
	static const uint32_t marked[][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 },
					      { 4, 4 }, { 5, 5 }, { 5, 4 } };
	static const uint32_t windows[][2] = { { 1, 1 }, { 2, 4 }, { 3, 4 }, { 5, 5 },
					       { 6, 7 }, { 1000, 7 } };
	struct image a, b;
	struct compare_options o;

	compare_options_default(&o, (enum compare_metric)_i);
	o.include_aa = true;
	make_filled(&a, 6, 6, white);
	make_filled(&b, 6, 6, white);
	o.window = 2;
	ck_assert_uint_eq(compare_ok(&a, &b, &o, NULL).window_diff_pixels, 0);
	for (size_t i = 0; i < sizeof marked / sizeof *marked; i++)
		set_pixel(&b, marked[i][0], marked[i][1], black);
	for (size_t i = 0; i < sizeof windows / sizeof *windows; i++) {
		o.window = windows[i][0];
		struct compare_result r = compare_ok(&a, &b, &o, NULL);
		ck_assert_uint_eq(r.diff_pixels, 7);
		ck_assert_msg(r.window_diff_pixels == windows[i][1], "window %u: %llu, expected %u",
			      windows[i][0], (unsigned long long)r.window_diff_pixels, windows[i][1]);
	}
	o.window = 0;
	ck_assert_uint_eq(compare_ok(&a, &b, &o, NULL).window_diff_pixels, 0);
	image_free(&a);
	image_free(&b);
}
END_TEST

/* Anti-aliased pixels are not in any window. */
START_TEST(test_window_skips_aa)
{
	struct image a, b;
	struct compare_options o;

	compare_options_default(&o, METRIC_OKLAB);
	o.window = 3;
	make_edge(&a, 128);
	make_edge(&b, 60);
	set_pixel(&b, 4, 0, black);
	struct compare_result r = compare_ok(&a, &b, &o, NULL);
	ck_assert_uint_eq(r.diff_pixels, 1);
	ck_assert_uint_eq(r.aa_pixels, 3);
	ck_assert_uint_eq(r.window_diff_pixels, 1);
	image_free(&a);
	image_free(&b);
}
END_TEST

/* ---- layouts ------------------------------------------------------------------------ */

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof v);
}

/* The same 2 x 2 picture (gray 0, 128, 255, 1) in layout channels x depth;
 * alpha 255 except 128 on the last pixel when there is alpha. */
static void make_gray_picture(struct image *img, uint32_t channels, uint32_t depth)
{
	static const uint16_t gray16[4] = { 0x0000, 0x8000, 0xffff, 0x00ff };  /* 8 bits: 0 128 255 1 */
	static const uint8_t gray8[4] = { 0, 128, 255, 1 };

	make_image(img, 2, 2, channels, depth);
	for (uint32_t i = 0; i < 4; i++) {
		uint8_t *p = image_row(img, i / 2) + (i % 2) * image_bytes_per_pixel(img);
		uint32_t alpha = i == 3 ? 128 : 255;
		for (uint32_t c = 0; c < channels; c++) {
			bool is_alpha = image_has_alpha(img) && c == channels - 1;
			if (depth == 16)
				put16(p + 2 * c, is_alpha ? (uint16_t)(alpha * 257) : gray16[i]);
			else
				p[c] = is_alpha ? (uint8_t)alpha : gray8[i];
		}
	}
}

START_TEST(test_layouts)
{
	static const uint32_t layouts[][2] = { { 1, 8 }, { 1, 16 }, { 2, 8 }, { 2, 16 },
					       { 3, 8 }, { 3, 16 }, { 4, 16 } };
	struct image rgba, rgb_ref, img;
	struct compare_options o;

	compare_options_default(&o, METRIC_YIQ);
	o.threshold = 0;
	make_gray_picture(&rgba, 4, 8);
	make_gray_picture(&rgb_ref, 4, 8);
	image_row(&rgb_ref, 1)[7] = 255;   /* no alpha: opaque */
	for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++) {
		make_gray_picture(&img, layouts[i][0], layouts[i][1]);
		const struct image *ref = layouts[i][0] % 2 == 0 ? &rgba : &rgb_ref;
		struct compare_result r = compare_ok(ref, &img, &o, NULL);
		ck_assert_msg(r.max_channel_diff == 0 && isinf(r.psnr),
			      "%u channels of %u bits: max diff %u", layouts[i][0], layouts[i][1],
			      r.max_channel_diff);
		r = compare_ok(&img, ref, &o, NULL);
		ck_assert_uint_eq(r.max_channel_diff, 0);
		image_free(&img);
	}
	/* 0x7fff is 127.998, rounded down: one level under 0x8000 */
	make_gray_picture(&img, 1, 16);
	put16(image_row(&img, 0) + 2, 0x7fff);
	struct compare_result r = compare_ok(&rgb_ref, &img, &o, NULL);
	ck_assert_uint_eq(r.max_channel_diff, 1);
	ck_assert_uint_eq(r.diff_pixels, 1);
	image_free(&img);
	image_free(&rgba);
	image_free(&rgb_ref);
}
END_TEST

/* Rows with padding at their end, and a change in the last pixel only. */
START_TEST(test_padded_stride)
{
	struct image a, b, padded;
	struct compare_options o;

	compare_options_default(&o, METRIC_OKLAB);
	make_filled(&a, 3, 3, white);
	make_filled(&b, 3, 3, white);
	set_pixel(&b, 2, 2, black);
	make_image(&padded, 3, 3, 4, 8);
	free(padded.pixels);
	padded.stride = 16;
	padded.pixels = malloc(padded.stride * 3);
	ck_assert_ptr_nonnull(padded.pixels);
	memset(padded.pixels, 0x55, padded.stride * 3);
	for (uint32_t y = 0; y < 3; y++)
		memcpy(image_row(&padded, y), image_row(&b, y), 12);
	struct compare_result r = compare_ok(&a, &padded, &o, NULL);
	ck_assert_uint_eq(r.diff_pixels, 1);
	ck_assert_uint_eq(r.max_channel_diff, 255);
	r = compare_ok(&b, &padded, &o, NULL);
	ck_assert_uint_eq(r.diff_pixels, 0);
	ck_assert(isinf(r.psnr));
	image_free(&padded);
	image_free(&a);
	image_free(&b);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_metric_parse);
	tcase_add_test(tc, test_bad_options);
	tcase_add_test(tc, test_size_differs);
	suite_add_tcase(s, tc);

	tc = tcase_create("metrics");
	tcase_add_test(tc, test_yiq_delta);
	tcase_add_test(tc, test_yiq_translucent);
	tcase_add_test(tc, test_oklab_delta);
	tcase_add_test(tc, test_oklab_translucent);
	tcase_add_test(tc, test_threshold_one);
	tcase_add_loop_test(tc, test_threshold_zero, METRIC_YIQ, METRIC_OKLAB + 1);
	tcase_add_test(tc, test_threshold_boundary);
	suite_add_tcase(s, tc);

	tc = tcase_create("images");
	tcase_add_loop_test(tc, test_identical, METRIC_YIQ, METRIC_OKLAB + 1);
	tcase_add_test(tc, test_psnr);
	tcase_add_loop_test(tc, test_aa_edge_excluded, METRIC_YIQ, METRIC_OKLAB + 1);
	tcase_add_loop_test(tc, test_flat_change_counted, METRIC_YIQ, METRIC_OKLAB + 1);
	tcase_add_loop_test(tc, test_ignore, METRIC_YIQ, METRIC_OKLAB + 1);
	tcase_add_test(tc, test_ssim);
	tcase_add_loop_test(tc, test_three_equal_neighbours, METRIC_YIQ, METRIC_OKLAB + 1);
	tcase_add_test(tc, test_aa_alpha_ties);
	tcase_add_loop_test(tc, test_diff_colours, METRIC_YIQ, METRIC_OKLAB + 1);
	tcase_add_test(tc, test_diff_mask_aa);
	tcase_add_loop_test(tc, test_window, METRIC_YIQ, METRIC_OKLAB + 1);
	tcase_add_test(tc, test_window_skips_aa);
	tcase_add_test(tc, test_layouts);
	tcase_add_test(tc, test_padded_stride);
	suite_add_tcase(s, tc);
	return s;
}

