/*
 * Neighbourhood filters: blur, sharpen, unsharp, edge, emboss, median,
 * convolve.  Tiny images with values worked out by hand (the arithmetic is in
 * the comments; v is a sample scaled to 0..1, results are rounded to the
 * nearest level).  Pixels beyond the edges repeat the border, so on a
 * one-row image every vertical pass leaves the row unchanged.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters/filter.h"
#include "tests/check_main.h"

extern const struct filter filter_blur, filter_sharpen, filter_unsharp, filter_edge,
	filter_emboss, filter_median, filter_convolve;

/* A w x h image of the given layout, samples listed row by row. */
static struct image make(uint32_t w, uint32_t h, uint32_t channels, uint32_t depth,
			 const uint32_t *samples)
{
	struct image img = { 0 };
	struct ib_error err = { 0 };
	size_t n = (size_t)w * channels;

	ck_assert_msg(image_alloc(&img, w, h, channels, depth, 0, &err) == 0, "%s", err.msg);
	for (uint32_t y = 0; y < h; y++)
		for (size_t i = 0; i < n; i++) {
			uint8_t *row = image_row(&img, y);
			if (depth == 16)
				((uint16_t *)row)[i] = (uint16_t)samples[y * n + i];
			else
				row[i] = (uint8_t)samples[y * n + i];
		}
	return img;
}

static uint32_t sample(const struct image *img, size_t i)
{
	size_t n = (size_t)img->width * img->channels;
	const uint8_t *row = image_row(img, (uint32_t)(i / n));

	return img->depth == 16 ? ((const uint16_t *)row)[i % n] : row[i % n];
}

static void expect_samples(const struct image *img, const uint32_t *want)
{
	size_t n = (size_t)img->width * img->height * img->channels;

	for (size_t i = 0; i < n; i++)
		ck_assert_msg(sample(img, i) == want[i], "sample %zu: expected %u, got %u", i,
			      want[i], sample(img, i));
}

static void expect_same(const struct image *a, const struct image *b)
{
	size_t n = (size_t)a->width * a->height * a->channels;

	ck_assert_uint_eq(a->width, b->width);
	ck_assert_uint_eq(a->height, b->height);
	ck_assert_uint_eq(a->channels, b->channels);
	ck_assert_uint_eq(a->depth, b->depth);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(sample(a, i) == sample(b, i), "sample %zu: %u vs %u", i, sample(a, i),
			      sample(b, i));
}

/* Parses args (NULL: defaults) and applies the filter to img. */
static void run(const struct filter *f, const char *args, struct image *img)
{
	struct filter_params params;
	struct ib_error err = { 0 };

	ck_assert_msg(f->parse(args, &params, &err) == 0, "%s=%s: %s", f->name,
		      args ? args : "(null)", err.msg);
	ck_assert_msg(f->apply(&params, img, &err) == 0, "%s=%s: %s", f->name,
		      args ? args : "(null)", err.msg);
}

/* Runs the filter on a fresh image made of in and checks every sample. */
static void check(const struct filter *f, const char *args, uint32_t w, uint32_t h,
		  uint32_t channels, uint32_t depth, const uint32_t *in, const uint32_t *want)
{
	struct image img = make(w, h, channels, depth, in);

	run(f, args, &img);
	ck_assert_uint_eq(img.width, w);
	ck_assert_uint_eq(img.height, h);
	ck_assert_uint_eq(img.channels, channels);
	ck_assert_uint_eq(img.depth, depth);
	expect_samples(&img, want);
	image_free(&img);
}

/* Two argument texts that must give the same result on in. */
static void check_same(const struct filter *f, const char *a, const char *b, uint32_t w,
		       uint32_t h, uint32_t channels, uint32_t depth, const uint32_t *in)
{
	struct image ia = make(w, h, channels, depth, in), ib = make(w, h, channels, depth, in);

	run(f, a, &ia);
	run(f, b, &ib);
	expect_same(&ia, &ib);
	image_free(&ia);
	image_free(&ib);
}

static void expect_parse_error(const struct filter *f, const char *args, const char *msg)
{
	struct filter_params params;
	struct ib_error err = { 0 };

	ck_assert_int_eq(f->parse(args, &params, &err), -1);
	ck_assert_str_eq(err.msg, msg);
}

static void expect_parse_ok(const struct filter *f, const char *args)
{
	struct filter_params params;
	struct ib_error err = { 0 };

	ck_assert_msg(f->parse(args, &params, &err) == 0, "%s=%s: %s", f->name, args, err.msg);
}

/* A bright sample between two levels: 50 50 150 50 50. */
static const uint32_t bump[5] = { 50, 50, 150, 50, 50 };

/* ---- blur --------------------------------------------------------------------- */

START_TEST(test_blur_parse)
{
	expect_parse_ok(&filter_blur, "0.01");
	expect_parse_ok(&filter_blur, "1000");
	expect_parse_error(&filter_blur, "0", "blur: sigma must be > 0, got 0");
	expect_parse_error(&filter_blur, "-1", "blur: sigma must be > 0, got -1");
	expect_parse_error(&filter_blur, "1000.5", "blur: sigma must be <= 1000, got 1000.5");
	expect_parse_error(&filter_blur, "abc", "blur: sigma must be a number, got 'abc'");
	/* ImageMagick's RADIUSxSIGMA, as sharpen takes it; never hexadecimal */
	expect_parse_ok(&filter_blur, "0x2");
	expect_parse_ok(&filter_blur, "3x1");
	expect_parse_ok(&filter_blur, "x1.5");
	expect_parse_ok(&filter_blur, "3x");
	expect_parse_error(&filter_blur, "-1x1", "blur: radius must be between 0 and 3000, got -1");
	expect_parse_error(&filter_blur, "1x0", "blur: sigma must be > 0, got 0");
	expect_parse_error(&filter_blur, "2x1x1", "blur: unexpected 'x1' after the parameters");
	check_same(&filter_blur, "0x2", "2", 5, 1, 1, 8, bump);
	check_same(&filter_blur, "x1", "1", 5, 1, 1, 8, bump);
	/* the default is sigma 1, also for an empty argument */
	check_same(&filter_blur, NULL, "1", 5, 1, 1, 8, bump);
	check_same(&filter_blur, "", "1", 5, 1, 1, 8, bump);
}
END_TEST

/*
 * sigma 0.5: radius ceil(1.5) = 2, weights exp(-i^2/0.5) = 1, e^-2, e^-8 =
 * 1, 0.135335, 0.000335 summing (with both sides) to 1.271341, normalised
 * w0 = 0.786571, w1 = 0.106451, w2 = 0.000264.
 */
START_TEST(test_blur_impulse)
{
	static const uint32_t in[5] = { 0, 0, 255, 0, 0 };
	/* 255 w2 = 0.07, 255 w1 = 27.14, 255 w0 = 200.58 */
	static const uint32_t want[5] = { 0, 27, 201, 27, 0 };
	static const uint32_t in16[5] = { 0, 0, 65535, 0, 0 };
	/* 65535 w2 = 17.29, 65535 w1 = 6976.25, 65535 w0 = 51547.91 */
	static const uint32_t want16[5] = { 17, 6976, 51548, 6976, 17 };

	check(&filter_blur, "0.5", 5, 1, 1, 8, in, want);
	check(&filter_blur, "0.5", 5, 1, 1, 16, in16, want16);
}
END_TEST

START_TEST(test_blur_edges_repeat)
{
	static const uint32_t in[3] = { 255, 0, 0 };
	/*
	 * x=0 reads x = -2, -1, 0 (all the 255 of x=0): 255 (w2 + w1 + w0) = 227.79;
	 * x=1 reads x = -1 (w2) and 0 (w1): 255 * 0.106714 = 27.21;
	 * x=2 reads x = 0 at distance 2 only: 255 w2 = 0.07.
	 */
	static const uint32_t want[3] = { 228, 27, 0 };

	check(&filter_blur, "0.5", 3, 1, 1, 8, in, want);
}
END_TEST

START_TEST(test_blur_2d)
{
	static const uint32_t in[9] = { 0, 0, 0, 0, 255, 0, 0, 0, 0 };
	/* separable: 255 w(dx) w(dy): corners 255 w1 w1 = 2.89, sides
	 * 255 w0 w1 = 21.35, centre 255 w0 w0 = 157.77 (the radius-2 taps fall
	 * on the zero border) */
	static const uint32_t want[9] = { 3, 21, 3, 21, 158, 21, 3, 21, 3 };

	check(&filter_blur, "0.5", 3, 3, 1, 8, in, want);
}
END_TEST

START_TEST(test_blur_premultiplied)
{
	/* opaque red, then two transparent pixels whose hidden colour is blue */
	static const uint32_t in[12] = { 255, 0, 0, 255, 0, 0, 255, 0, 0, 0, 255, 0 };
	/*
	 * Premultiplied, the transparent pixels are (0, 0, 0, 0): only the red
	 * pixel contributes, with weight 0.893285 at x=0, 0.106714 at x=1 and
	 * 0.000264 at x=2 (see test_blur_edges_repeat).  Colour / alpha stays pure
	 * red; alpha is 227.79, 27.21, 0.07.  No blue bleeds in.
	 */
	static const uint32_t want[12] = { 255, 0, 0, 228, 255, 0, 0, 27, 255, 0, 0, 0 };

	check(&filter_blur, "0.5", 3, 1, 4, 8, in, want);
}
END_TEST

/*
 * sigma 4 (from 3.5 on): four boxes of variance 16 / 4 = 4 each, which a
 * plain box of radius 3 (7 wide, variance 3 * 4 / 3 = 4) has exactly.  Their
 * combined weights are N(k) / 7^4, N(k) the number of ways k is a sum of four
 * integers in -3..3: N(0..12) = 231 224 206 180 149 116 84 56 35 20 10 4 1.
 */
START_TEST(test_blur_boxes_impulse)
{
	uint32_t in[25] = { 0 };
	/* 255 N(k) / 2401: 24.53 23.79 21.88 19.12 15.82 12.32 8.92 5.95 3.72
	 * 2.12 1.06 0.42 0.11 */
	static const uint32_t want[25] = { 0,  0,  1,  2,  4,  6,  9,  12, 16, 19, 22, 24, 25,
					   24, 22, 19, 16, 12, 9,  6,  4,  2,  1,  0,  0 };

	in[12] = 255;
	check(&filter_blur, "4", 25, 1, 1, 8, in, want);
}
END_TEST

/*
 * sigma 5: boxes of variance 6.25: whole weights at |i| <= 3 (variance 4) and
 * 0.807692 at |i| = 4 make it up exactly.  Any symmetric kernel that sums to 1
 * keeps a straight ramp straight where it does not reach the edges: the four
 * boxes reach 4 * 4 = 16 pixels.
 */
START_TEST(test_blur_boxes_ramp)
{
	uint32_t in[51];
	struct image img;

	for (uint32_t x = 0; x < 51; x++)
		in[x] = 5 * x;
	img = make(51, 1, 1, 8, in);
	run(&filter_blur, "5", &img);
	for (uint32_t x = 16; x <= 34; x++)
		ck_assert_uint_eq(sample(&img, x), 5 * x);
	/* near the ends the repeated border pulls the ramp towards it */
	ck_assert_uint_gt(sample(&img, 0), 0);
	ck_assert_uint_lt(sample(&img, 50), 250);
	image_free(&img);
}
END_TEST

/* A uniform image stays the same for every sigma, exact kernel or boxes. */
START_TEST(test_blur_uniform)
{
	static const char *const sigmas[] = { "0.3", "3.4", "3.5", "50", "1000" };
	uint32_t in[4 * 3 * 3];

	for (size_t i = 0; i < 4 * 3; i++) {
		in[3 * i] = 1234;
		in[3 * i + 1] = 40000;
		in[3 * i + 2] = 65535;
	}
	for (size_t s = 0; s < sizeof sigmas / sizeof *sigmas; s++)
		check(&filter_blur, sigmas[s], 4, 3, 3, 16, in, in);
}
END_TEST

/* ---- sharpen ------------------------------------------------------------------ */

START_TEST(test_sharpen_parse)
{
	expect_parse_ok(&filter_sharpen, "2.5");
	expect_parse_error(&filter_sharpen, "0", "sharpen: sigma must be > 0, got 0");
	expect_parse_error(&filter_sharpen, "2000", "sharpen: sigma must be <= 1000, got 2000");
	expect_parse_error(&filter_sharpen, "one", "sharpen: sigma must be a number, got 'one'");
	expect_parse_error(&filter_sharpen, "1,2", "sharpen: unexpected ',2' after the parameters");
	expect_parse_ok(&filter_sharpen, "2x1");
	expect_parse_ok(&filter_sharpen, "x1.5");
	expect_parse_ok(&filter_sharpen, "3x");
	expect_parse_error(&filter_sharpen, "-1x1", "sharpen: radius must be between 0 and 3000, got -1");
	expect_parse_error(&filter_sharpen, "1x0", "sharpen: sigma must be > 0, got 0");
	check_same(&filter_sharpen, NULL, "1", 5, 1, 1, 8, bump);
	/* "xSIGMA" leaves the radius automatic */
	check_same(&filter_sharpen, "x0.7", "0.7", 5, 1, 1, 8, bump);
}
END_TEST

/*
 * v' = ((2 + g0) v - B(v)) / (1 + g0), B = blur=SIGMA, g0 = w0^2.
 * bump = 50 50 150 50 50 (0.196078, 0.588235 scaled).
 */
START_TEST(test_sharpen_values)
{
	/*
	 * sigma 0.5: g0 = 0.786571^2 = 0.618694; B = 50.03 60.65 128.66 60.65
	 * 50.03 (levels).  Centre: (2.618694 * 150 - 128.66) / 1.618694 = 163.19;
	 * x=1: (2.618694 * 50 - 60.65) / 1.618694 = 43.42; x=0: 49.98.
	 */
	static const uint32_t want05[5] = { 50, 43, 163, 43, 50 };
	/* sigma 1: radius 3, w0 = 0.399050, g0 = 0.159241: 45.34 29.12 201.84 */
	static const uint32_t want1[5] = { 45, 29, 202, 29, 45 };

	check(&filter_sharpen, "0.5", 5, 1, 1, 8, bump, want05);
	check(&filter_sharpen, "1", 5, 1, 1, 8, bump, want1);
}
END_TEST

START_TEST(test_sharpen_opaque_alpha)
{
	/* bump in grey+alpha, all opaque: the grey as without alpha, alpha
	 * ((2 + g0) 1 - 1) / (1 + g0) = 1 */
	static const uint32_t in[10] = { 50, 255, 50, 255, 150, 255, 50, 255, 50, 255 };
	static const uint32_t want[10] = { 50, 255, 43, 255, 163, 255, 43, 255, 50, 255 };

	check(&filter_sharpen, "0.5", 5, 1, 2, 8, in, want);
}
END_TEST

/* ---- unsharp ------------------------------------------------------------------ */

START_TEST(test_unsharp_parse)
{
	expect_parse_ok(&filter_unsharp, "0x1+1+0.05");
	expect_parse_ok(&filter_unsharp, "2");
	expect_parse_ok(&filter_unsharp, "x2");
	expect_parse_ok(&filter_unsharp, "+2");
	expect_parse_ok(&filter_unsharp, "3x2+0.5");
	expect_parse_error(&filter_unsharp, "-1x1", "unsharp: radius must be between 0 and 3000, got -1");
	expect_parse_error(&filter_unsharp, "3001", "unsharp: radius must be between 0 and 3000, got 3001");
	expect_parse_error(&filter_unsharp, "0x0", "unsharp: sigma must be > 0, got 0");
	expect_parse_error(&filter_unsharp, "0x1001", "unsharp: sigma must be <= 1000, got 1001");
	expect_parse_error(&filter_unsharp, "0x1+-1", "unsharp: amount must be between 0 and 1000, got -1");
	expect_parse_error(&filter_unsharp, "0x1+1e300",
			   "unsharp: amount must be between 0 and 1000, got 1e+300");
	expect_parse_error(&filter_unsharp, "0x1+1+2", "unsharp: threshold must be between 0 and 1, got 2");
	expect_parse_error(&filter_unsharp, "0x1+1+-0.1",
			   "unsharp: threshold must be between 0 and 1, got -0.1");
	expect_parse_error(&filter_unsharp, "2x", "unsharp: sigma is missing");
	expect_parse_error(&filter_unsharp, "0x1+", "unsharp: amount is missing");
	expect_parse_error(&filter_unsharp, "0x1+1+", "unsharp: threshold is missing");
	expect_parse_error(&filter_unsharp, "a", "unsharp: radius must be a number, got 'a'");
	expect_parse_error(&filter_unsharp, "0x1y", "unsharp: unexpected 'y' after the parameters");
	expect_parse_error(&filter_unsharp, "0x1+1+0.05+3",
			   "unsharp: unexpected '+3' after the parameters");
	/* ImageMagick's defaults 0x1+1+0.05, whichever parts are left out */
	check_same(&filter_unsharp, NULL, "0x1+1+0.05", 5, 1, 1, 8, bump);
	check_same(&filter_unsharp, "", "0x1+1+0.05", 5, 1, 1, 8, bump);
	check_same(&filter_unsharp, "x1", "0x1+1+0.05", 5, 1, 1, 8, bump);
	check_same(&filter_unsharp, "0x1+1", "0x1+1+0.05", 5, 1, 1, 8, bump);
}
END_TEST

/* v' = v + AMOUNT d where |2 d| >= THRESHOLD, d = v - B(v); bump as above. */
START_TEST(test_unsharp_values)
{
	/*
	 * sigma 0.5: B = 50.03 60.65 128.66 60.65 50.03, so 2 d (0..1) =
	 * -0.0002 -0.0835 0.1674 -0.0835 -0.0002 and with amount 1 and no
	 * threshold v + d = 49.97 39.35 171.34 39.35 49.97.
	 */
	static const uint32_t all[5] = { 50, 39, 171, 39, 50 };
	/* threshold 0.1: only the centre's |2 d| = 0.167 reaches it */
	static const uint32_t centre[5] = { 50, 50, 171, 50, 50 };
	/*
	 * radius 1, sigma 2: weights 1, e^-1/8 = 0.882497 normalised to 0.361664,
	 * 0.319168 (the automatic radius would be 6).  B(1) = 0.361664 * 50 +
	 * 0.319168 * 200 = 81.92, B(2) = 86.17: v + d = 18.08, 213.83; x=0 sees
	 * 50 50 50: 50.
	 */
	static const uint32_t cut[5] = { 50, 18, 214, 18, 50 };
	/* sigma 2 (radius 6), amount 2: v + 2 d = 25.78 14.76 310.06 (clamped) */
	static const uint32_t strong[5] = { 26, 15, 255, 15, 26 };

	check(&filter_unsharp, "0x0.5+1+0", 5, 1, 1, 8, bump, all);
	check(&filter_unsharp, "0x0.5+1+0.1", 5, 1, 1, 8, bump, centre);
	check(&filter_unsharp, "1x2+1+0", 5, 1, 1, 8, bump, cut);
	check(&filter_unsharp, "0x2+2+0", 5, 1, 1, 8, bump, strong);
}
END_TEST

/* ---- edge --------------------------------------------------------------------- */

START_TEST(test_edge_parse)
{
	expect_parse_ok(&filter_edge, "2.5");
	expect_parse_error(&filter_edge, "0", "edge: scale must be > 0, got 0");
	expect_parse_error(&filter_edge, "1001", "edge: scale must be <= 1000, got 1001");
	expect_parse_error(&filter_edge, "x", "edge: scale must be a number, got 'x'");
	expect_parse_error(&filter_edge, "1 2", "edge: unexpected ' 2' after the parameters");
	check_same(&filter_edge, NULL, "1", 5, 1, 1, 8, bump);
}
END_TEST

START_TEST(test_edge_values)
{
	/*
	 * A vertical step 10 | 10 | 40 in every row: Gx = (1 + 2 + 1) (right -
	 * left) = 4 * 30 = 120 at x=1 and at x=2 (whose right neighbour repeats
	 * it), 0 at x=0 (left repeats it, right equal); Gy = 0.
	 */
	static const uint32_t step[9] = { 10, 10, 40, 10, 10, 40, 10, 10, 40 };
	static const uint32_t step_want[9] = { 0, 120, 120, 0, 120, 120, 0, 120, 120 };
	static const uint32_t step16[3] = { 1000, 1000, 4000 };
	static const uint32_t step16_want[3] = { 0, 12000, 12000 };
	/*
	 * One sample of 51 (0.2) at the bottom right: at the centre Gx = Gy =
	 * 0.2 (corner weight 1), sqrt(0.08) = 0.282843 = 72.12; scale 0.5: 36.06.
	 */
	static const uint32_t dot[9] = { 0, 0, 0, 0, 0, 0, 0, 0, 51 };

	check(&filter_edge, NULL, 3, 3, 1, 8, step, step_want);
	check(&filter_edge, NULL, 3, 1, 1, 16, step16, step16_want);
	{
		struct image img = make(3, 3, 1, 8, dot);
		run(&filter_edge, NULL, &img);
		ck_assert_uint_eq(sample(&img, 4), 72);
		image_free(&img);
		img = make(3, 3, 1, 8, dot);
		run(&filter_edge, "0.5", &img);
		ck_assert_uint_eq(sample(&img, 4), 36);
		image_free(&img);
	}
}
END_TEST

START_TEST(test_edge_alpha)
{
	/*
	 * Grey+alpha 10/255, 10/255, 40/51: premultiplied 0.039216, 0.039216,
	 * 0.031373.  Gx = 4 (right - left): x=0: 0; x=1: |4 (0.031373 -
	 * 0.039216)| = 0.031373 -> 8 (alpha 1); x=2: the same over alpha 0.2 ->
	 * 0.156863 = 40.  Alpha is kept.
	 */
	static const uint32_t in[6] = { 10, 255, 10, 255, 40, 51 };
	static const uint32_t want[6] = { 0, 255, 8, 255, 40, 51 };

	check(&filter_edge, NULL, 3, 1, 2, 8, in, want);
}
END_TEST

/* ---- emboss ------------------------------------------------------------------- */

START_TEST(test_emboss_parse)
{
	expect_parse_ok(&filter_emboss, "0.25");
	expect_parse_error(&filter_emboss, "-1", "emboss: strength must be > 0, got -1");
	expect_parse_error(&filter_emboss, "1e4", "emboss: strength must be <= 1000, got 10000");
	expect_parse_error(&filter_emboss, "strong", "emboss: strength must be a number, got 'strong'");
	check_same(&filter_emboss, NULL, "1", 5, 1, 1, 8, bump);
}
END_TEST

/*
 * v' = 1/2 + S (v(x+1,y) + v(x,y+1) + v(x+1,y+1) - v(x-1,y) - v(x,y-1) -
 * v(x-1,y-1)) / 6; on one row (rows repeat) that is 1/2 + S (v(x+1) - v(x-1)) / 3.
 */
START_TEST(test_emboss_values)
{
	static const uint32_t flat[3] = { 77, 77, 77 };
	static const uint32_t grey[3] = { 128, 128, 128 };      /* 127.5 rounds up */
	static const uint32_t flat16[3] = { 9, 9, 9 };
	static const uint32_t grey16[3] = { 32768, 32768, 32768 };
	/* 0 0 61: x=1 and x=2 (right repeats) see 61 - 0: 127.5 + 61 / 3 = 147.83 */
	static const uint32_t step[3] = { 0, 0, 61 };
	static const uint32_t step_want[3] = { 128, 148, 148 };
	/* strength 0.5: 127.5 + 10.17 = 137.67 */
	static const uint32_t step_half[3] = { 128, 138, 138 };
	/*
	 * A bump of 64 in the middle of 3x3: 64 / 6 = 10.67 is added where the
	 * bump is a right, lower or lower-right neighbour (top-left side: lit)
	 * and subtracted where it is a left, upper or upper-left one.
	 */
	static const uint32_t dot[9] = { 0, 0, 0, 0, 64, 0, 0, 0, 0 };
	static const uint32_t dot_want[9] = { 138, 138, 128, 138, 128, 117, 128, 117, 117 };

	check(&filter_emboss, NULL, 3, 1, 1, 8, flat, grey);
	check(&filter_emboss, NULL, 3, 1, 1, 16, flat16, grey16);
	check(&filter_emboss, NULL, 3, 1, 1, 8, step, step_want);
	check(&filter_emboss, "0.5", 3, 1, 1, 8, step, step_half);
	check(&filter_emboss, NULL, 3, 3, 1, 8, dot, dot_want);
}
END_TEST

START_TEST(test_emboss_alpha)
{
	/*
	 * Grey 64 at alpha 1, 1, 1/3: premultiplied 64 64 21.33 (levels).  x=1:
	 * (21.33 - 64) / 3 = -14.22 over alpha 1: 113.28; x=2: (21.33 - 64) / 3 over
	 * alpha 1/3 = -42.67: 84.83; x=0: 127.5.  Alpha is kept.
	 */
	static const uint32_t in[6] = { 64, 255, 64, 255, 64, 85 };
	static const uint32_t want[6] = { 128, 255, 113, 255, 85, 85 };

	check(&filter_emboss, NULL, 3, 1, 2, 8, in, want);
}
END_TEST

/* ---- median ------------------------------------------------------------------- */

START_TEST(test_median_parse)
{
	expect_parse_ok(&filter_median, "50");
	expect_parse_error(&filter_median, "0", "median: radius must be an integer from 1 to 50, got 0");
	expect_parse_error(&filter_median, "51", "median: radius must be an integer from 1 to 50, got 51");
	expect_parse_error(&filter_median, "1.5",
			   "median: radius must be an integer from 1 to 50, got 1.5");
	expect_parse_error(&filter_median, "r", "median: radius must be a number, got 'r'");
	expect_parse_error(&filter_median, "3x3", "median: unexpected 'x3' after the parameters");
	check_same(&filter_median, NULL, "1", 5, 1, 1, 8, bump);
}
END_TEST

/*
 * 10  20  30
 * 40 250  60     with the border repeated, the 3x3 windows hold, sorted:
 * 70  80  90
 * (0,0) 10 10 10 10 [20] 20 40 40 250   (1,0) 10 10 20 20 [30] 30 40 60 250
 * (2,0) 20 20 30 30 [30] 30 60 60 250   (0,1) 10 10 20 40 [40] 70 70 80 250
 * (1,1) 10 20 30 40 [60] 70 80 90 250   (2,1) 20 30 30 60 [60] 80 90 90 250
 * (0,2) 40 40 70 70 [70] 70 80 80 250   (1,2) 40 60 70 70 [80] 80 90 90 250
 * (2,2) 60 60 80 80 [90] 90 90 90 250
 */
static const uint32_t salt[9] = { 10, 20, 30, 40, 250, 60, 70, 80, 90 };
static const uint32_t salt_median[9] = { 20, 30, 30, 40, 60, 60, 70, 80, 90 };

START_TEST(test_median_values)
{
	/*
	 * radius 2: 25 samples, the 13th in order.  (0,0) reads rows and columns
	 * 0 0 0 1 2: 10 x9, 20 x3, 30 x3, 40 x3, 70 x3, 60, 80, 90, 250: 30.
	 * (1,1) reads rows and columns 0 0 1 2 2: the nine samples with weights
	 * 4 (corners), 2 (sides) and 1: 10 x4, 20 x2, 30 x4, 40 x2, 250, 60 x2,
	 * 70 x4, 80 x2, 90 x4: 60.  The others likewise.
	 */
	static const uint32_t want2[9] = { 30, 30, 30, 40, 60, 60, 70, 70, 80 };
	uint32_t salt16[9], want16[9];

	check(&filter_median, NULL, 3, 3, 1, 8, salt, salt_median);
	check(&filter_median, "2", 3, 3, 1, 8, salt, want2);
	/* 16 bits: the same order, other values (x 257 + 1, not level-aligned) */
	for (int i = 0; i < 9; i++) {
		salt16[i] = salt[i] * 257 + 1;
		want16[i] = salt_median[i] * 257 + 1;
	}
	check(&filter_median, NULL, 3, 3, 1, 16, salt16, want16);
}
END_TEST

START_TEST(test_median_rgb_channels_apart)
{
	/* each channel its own median: red = salt, green = 255 - salt, blue 7 */
	uint32_t in[27], want[27];

	for (int i = 0; i < 9; i++) {
		in[3 * i] = salt[i];
		in[3 * i + 1] = 255 - salt[i];
		in[3 * i + 2] = 7;
		want[3 * i] = salt_median[i];
		want[3 * i + 2] = 7;
	}
	/* the median of 255 - v is 255 - the median of v */
	for (int i = 0; i < 9; i++)
		want[3 * i + 1] = 255 - salt_median[i];
	check(&filter_median, NULL, 3, 3, 3, 8, in, want);
}
END_TEST

/*
 * Alpha weights the colours: a colour counts in proportion to its alpha,
 * and the result is the smallest value whose weight, with everything below
 * it, reaches half of the total.
 */
START_TEST(test_median_alpha)
{
	/*
	 * Grey+alpha (100, 255) (50, 64) (0, 64).  x=1 sees each column three
	 * times: grey 0 weighs 192, 50 weighs 192, 100 weighs 765 of 1149: 0 and
	 * 50 make only 384 < 574.5, so 100 (the plain median would be 50);
	 * alpha: the median of 255 x3, 64 x6 = 64.  x=0: 100 weighs 1530 of 1722:
	 * 100; alpha 255 x6, 64 x3: 255.  x=2: 0 weighs 384 of 576: 0; alpha 64.
	 */
	static const uint32_t ga[6] = { 100, 255, 50, 64, 0, 64 };
	static const uint32_t ga_want[6] = { 100, 255, 100, 64, 0, 64 };
	/*
	 * RGBA red, then two transparent blues.  x=0: alpha 255 x6, 0 x3: 255,
	 * colour red.  x=1: alpha 0 x6: 0, colour still red (blue weighs 0).
	 * x=2: nothing but transparent pixels: their own colour stays.
	 */
	static const uint32_t rgba[12] = { 200, 0, 0, 255, 0, 0, 255, 0, 0, 0, 255, 0 };
	static const uint32_t rgba_want[12] = { 200, 0, 0, 255, 200, 0, 0, 0, 0, 0, 255, 0 };
	uint32_t rgba16[12], rgba16_want[12];

	check(&filter_median, NULL, 3, 1, 2, 8, ga, ga_want);
	check(&filter_median, NULL, 3, 1, 4, 8, rgba, rgba_want);
	for (int i = 0; i < 12; i++) {
		rgba16[i] = rgba[i] * 257;
		rgba16_want[i] = rgba_want[i] * 257;
	}
	check(&filter_median, NULL, 3, 1, 4, 16, rgba16, rgba16_want);
}
END_TEST

/* ---- convolve ----------------------------------------------------------------- */

START_TEST(test_convolve_parse)
{
	expect_parse_ok(&filter_convolve, "3x3:0,-1,0,-1,5,-1,0,-1,0");
	expect_parse_ok(&filter_convolve, "3: 0 -1 0  -1 5 -1  0 -1 0");
	expect_parse_ok(&filter_convolve, "11x1:1,1,1,1,1,1,1,1,1,1,1");
	expect_parse_error(&filter_convolve, NULL,
			   "convolve: kernel is missing (WxH:VALUES, e.g. 3x3:0,-1,0,-1,5,-1,0,-1,0)");
	expect_parse_error(&filter_convolve, "",
			   "convolve: kernel is missing (WxH:VALUES, e.g. 3x3:0,-1,0,-1,5,-1,0,-1,0)");
	expect_parse_error(&filter_convolve, "2x3:1,2,3,4,5,6",
			   "convolve: width must be an odd integer from 1 to 11, got 2");
	expect_parse_error(&filter_convolve, "0x3:1,2,3",
			   "convolve: width must be an odd integer from 1 to 11, got 0");
	expect_parse_error(&filter_convolve, "3x13:1",
			   "convolve: height must be an odd integer from 1 to 11, got 13");
	expect_parse_error(&filter_convolve, "1.5x1:1",
			   "convolve: width must be an odd integer from 1 to 11, got 1.5");
	expect_parse_error(&filter_convolve, "3x3",
			   "convolve: kernel size must be followed by ':', got ''");
	expect_parse_error(&filter_convolve, "3x3=1",
			   "convolve: kernel size must be followed by ':', got '=1'");
	expect_parse_error(&filter_convolve, "3x3:1,2", "convolve: kernel must be 9 values (3x3), got 2");
	expect_parse_error(&filter_convolve, "1:1,2", "convolve: kernel must be 1 value (1x1), got 2");
	expect_parse_error(&filter_convolve, "3x1:1,a,3",
			   "convolve: kernel value must be a number, got 'a,3'");
	expect_parse_error(&filter_convolve, "3x1:1,2,", "convolve: kernel value is missing");
	expect_parse_error(&filter_convolve, "3x1:1,2,3;",
			   "convolve: unexpected ';' after the parameters");
	expect_parse_error(&filter_convolve, "1x1:2e6",
			   "convolve: kernel value must be between -1000000 and 1000000, got 2e+06");
}
END_TEST

START_TEST(test_convolve_values)
{
	/*
	 * 3x1:1,2,3 is K(-1) = 1, K(0) = 2, K(1) = 3 and v'(x) = K(-1) v(x+1) +
	 * K(0) v(x) + K(1) v(x-1), raw:
	 * x=0: 20 + 20 + 3 * 10 = 70; x=1: 30 + 40 + 30 = 100; x=2: 30 + 60 + 60 = 150.
	 */
	static const uint32_t line[3] = { 10, 20, 30 };
	static const uint32_t line_want[3] = { 70, 100, 150 };
	/* a true convolution of an impulse draws the kernel as written */
	static const uint32_t dot[9] = { 0, 0, 0, 0, 10, 0, 0, 0, 0 };
	static const uint32_t dot_want[9] = { 10, 20, 30, 40, 50, 60, 70, 80, 90 };
	/* 16 bits, 3x1:1,0,-1: v(x+1) - v(x-1) */
	static const uint32_t line16[3] = { 1000, 2000, 3000 };
	static const uint32_t line16_want[3] = { 1000, 2000, 1000 };
	/* a 5x3 kernel, one weight: v'(x, y) = 0.5 v(x - 2, y - 1) */
	static const uint32_t grid[15] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100,
					   110, 120, 130, 140, 150 };
	static const uint32_t grid_want[15] = { 5, 5, 5, 10, 15, 5, 5, 5, 10, 15,
						30, 30, 30, 35, 40 };

	check(&filter_convolve, "3x1:1,2,3", 3, 1, 1, 8, line, line_want);
	check(&filter_convolve, "3x3:1,2,3,4,5,6,7,8,9", 3, 3, 1, 8, dot, dot_want);
	check(&filter_convolve, "3x1:1,0,-1", 3, 1, 1, 16, line16, line16_want);
	check(&filter_convolve, "5x3:0,0,0,0,0, 0,0,0,0,0, 0,0,0,0,0.5", 5, 3, 1, 8, grid,
	      grid_want);
}
END_TEST

START_TEST(test_convolve_alpha)
{
	/*
	 * Grey+alpha (10, 1) (20, 1) (30, 100/255): premultiplied 10 20 11.76
	 * (levels).  3x1:1,2,4 sums to 7: alpha takes the kernel / 7:
	 * x=0: (1 + 2 + 4) / 7 = 1; x=1: (0.392157 + 2 + 4) / 7 = 0.913165 =
	 * 232.86; x=2: (0.392157 * 3 + 4) / 7 = 0.739496 = 188.57.  Colours take
	 * the raw kernel over the new alpha: x=0: 20 + 20 + 40 = 80; x=1:
	 * (11.76 + 40 + 40) / 0.913165 = 100.49; x=2: (11.76 * 3 + 80) /
	 * 0.739496 = 155.91.
	 */
	static const uint32_t in[6] = { 10, 255, 20, 255, 30, 100 };
	static const uint32_t want[6] = { 80, 255, 100, 233, 156, 189 };
	/*
	 * 3x1:1,0,-1 sums to 0: alpha stays, colours are v(x+1) - v(x-1) over
	 * the pixel's own alpha: 10; 11.76 - 10 = 1.76; 11.76 - 20 < 0: 0.
	 */
	static const uint32_t edge_want[6] = { 10, 255, 2, 255, 0, 100 };

	check(&filter_convolve, "3x1:1,2,4", 3, 1, 2, 8, in, want);
	check(&filter_convolve, "3x1:1,0,-1", 3, 1, 2, 8, in, edge_want);
}
END_TEST

/* ---- every filter, every layout ------------------------------------------------ */

struct layout_case {
	const struct filter *filter;
	const char *args;
	int flat;      /* what a flat image becomes: -1 unchanged, else this fraction x 2 */
};

/*
 * A flat, opaque image of every layout (1-4 channels, 8 and 16 bits) and of
 * sizes down to one pixel: the smoothing filters and an identity kernel leave
 * it alone, edge makes its colours 0 and emboss mid-grey; alpha stays opaque;
 * size and layout stay (output_size is NULL for all of them).
 */
START_TEST(test_all_layouts)
{
	static const struct layout_case cases[] = {
		{ &filter_blur, "2", -1 },        { &filter_blur, "40", -1 },
		{ &filter_blur, "1000", -1 },     { &filter_sharpen, "1", -1 },
		{ &filter_unsharp, "0x2+3+0", -1 }, { &filter_median, "2", -1 },
		{ &filter_median, "50", -1 },     { &filter_convolve, "3x3:0,0,0,0,1,0,0,0,0", -1 },
		{ &filter_edge, "3", 0 },         { &filter_emboss, "2", 1 },
	};
	static const uint32_t sizes[][2] = { { 5, 4 }, { 1, 1 }, { 1, 7 }, { 7, 1 } };

	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		const struct layout_case *lc = &cases[k];
		ck_assert_ptr_null(lc->filter->output_size);
		for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++)
			for (uint32_t channels = 1; channels <= 4; channels++)
				for (uint32_t depth = 8; depth <= 16; depth += 8) {
					uint32_t w = sizes[z][0], h = sizes[z][1];
					uint32_t max = depth == 16 ? 65535 : 255;
					uint32_t in[5 * 4 * 4], want[5 * 4 * 4];
					bool alpha = channels == 2 || channels == 4;
					for (uint32_t i = 0; i < w * h * channels; i++) {
						bool is_alpha = alpha && i % channels == channels - 1;
						in[i] = is_alpha ? max : (i % channels + 1) * max / 5;
						want[i] = is_alpha || lc->flat < 0
								  ? in[i]
								  : (lc->flat ? max / 2 + 1 : 0);
					}
					check(lc->filter, lc->args, w, h, channels, depth, in, want);
				}
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("filters_neighbourhood");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_blur_parse);
	tcase_add_test(tc, test_blur_impulse);
	tcase_add_test(tc, test_blur_edges_repeat);
	tcase_add_test(tc, test_blur_2d);
	tcase_add_test(tc, test_blur_premultiplied);
	tcase_add_test(tc, test_blur_boxes_impulse);
	tcase_add_test(tc, test_blur_boxes_ramp);
	tcase_add_test(tc, test_blur_uniform);
	tcase_add_test(tc, test_sharpen_parse);
	tcase_add_test(tc, test_sharpen_values);
	tcase_add_test(tc, test_sharpen_opaque_alpha);
	tcase_add_test(tc, test_unsharp_parse);
	tcase_add_test(tc, test_unsharp_values);
	tcase_add_test(tc, test_edge_parse);
	tcase_add_test(tc, test_edge_values);
	tcase_add_test(tc, test_edge_alpha);
	tcase_add_test(tc, test_emboss_parse);
	tcase_add_test(tc, test_emboss_values);
	tcase_add_test(tc, test_emboss_alpha);
	tcase_add_test(tc, test_median_parse);
	tcase_add_test(tc, test_median_values);
	tcase_add_test(tc, test_median_rgb_channels_apart);
	tcase_add_test(tc, test_median_alpha);
	tcase_add_test(tc, test_convolve_parse);
	tcase_add_test(tc, test_convolve_values);
	tcase_add_test(tc, test_convolve_alpha);
	tcase_add_test(tc, test_all_layouts);
	suite_add_tcase(s, tc);
	return s;
}

