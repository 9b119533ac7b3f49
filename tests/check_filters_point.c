/*
 * Point filters: grayscale, invert, sepia, brightness / contrast /
 * brightness-contrast, gamma, level, auto-level, threshold.  Tiny images with
 * values worked out by hand (the arithmetic is in the comments), at both
 * depths, gray and colour, with and without alpha.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filters/filter.h"
#include "filters/pixels.h"
#include "tests/check_main.h"

extern const struct filter filter_grayscale, filter_invert, filter_sepia,
	filter_brightness, filter_contrast, filter_brightness_contrast, filter_gamma,
	filter_level, filter_auto_level, filter_threshold;

static const struct filter *const point_filters[] = {
	&filter_grayscale, &filter_invert, &filter_sepia, &filter_brightness,
	&filter_contrast, &filter_brightness_contrast, &filter_gamma, &filter_level,
	&filter_auto_level, &filter_threshold,
};

#define N_POINT_FILTERS (sizeof point_filters / sizeof point_filters[0])

/* A width x 1 image of the given layout holding samples (pixel-interleaved). */
static struct image make_image(uint32_t channels, uint32_t depth, uint32_t width,
			       const uint32_t *samples)
{
	struct image img;
	struct ib_error err = { 0 };

	ck_assert_msg(image_alloc(&img, width, 1, channels, depth, 0, &err) == 0, "%s", err.msg);
	for (uint32_t x = 0; x < width; x++)
		for (uint32_t c = 0; c < channels; c++)
			sample_set(&img, image_row(&img, 0), x, c, samples[x * channels + c]);
	return img;
}

/* Checks img's layout and every sample, then frees it. */
static void expect_image(struct image *img, uint32_t channels, uint32_t depth, uint32_t width,
			 const uint32_t *samples)
{
	ck_assert_uint_eq(img->channels, channels);
	ck_assert_uint_eq(img->depth, depth);
	ck_assert_uint_eq(img->width, width);
	ck_assert_uint_eq(img->height, 1);
	for (uint32_t x = 0; x < width; x++)
		for (uint32_t c = 0; c < channels; c++)
			ck_assert_msg(sample_get(img, image_row(img, 0), x, c) ==
				      samples[x * channels + c],
				      "pixel %u channel %u: expected %u, got %u", x, c,
				      samples[x * channels + c],
				      sample_get(img, image_row(img, 0), x, c));
	image_free(img);
}

static void parse_ok(const struct filter *f, const char *args, struct filter_params *params)
{
	struct ib_error err = { 0 };

	memset(params, 0, sizeof *params);
	ck_assert_msg(f->parse(args, params, &err) == 0, "%s=%s: %s", f->name,
		      args ? args : "(null)", err.msg);
}

static void parse_fails(const struct filter *f, const char *args, const char *reason)
{
	struct filter_params params;
	struct ib_error err = { 0 };

	ck_assert_int_eq(f->parse(args, &params, &err), -1);
	ck_assert_str_eq(err.msg, reason);
}

/* parse(NULL) gives the same parameters as writing the defaults out. */
static void expect_defaults(const struct filter *f, const char *written)
{
	struct filter_params implicit, explicit;

	parse_ok(f, NULL, &implicit);
	parse_ok(f, written, &explicit);
	ck_assert_int_eq(memcmp(&implicit, &explicit, sizeof implicit), 0);
}

static void expect_same_params(const struct filter *f, const char *a, const char *b)
{
	struct filter_params pa, pb;

	parse_ok(f, a, &pa);
	parse_ok(f, b, &pb);
	ck_assert_int_eq(memcmp(&pa, &pb, sizeof pa), 0);
}

/* Parses args and applies f to the width x 1 image in, expecting out. */
static void expect_filter(const struct filter *f, const char *args,
			  uint32_t in_channels, uint32_t depth, uint32_t width, const uint32_t *in,
			  uint32_t out_channels, const uint32_t *out)
{
	struct filter_params params;
	struct ib_error err = { 0 };
	struct image img = make_image(in_channels, depth, width, in);

	parse_ok(f, args, &params);
	ck_assert_msg(f->apply(&params, &img, &err) == 0, "%s: %s", f->name, err.msg);
	expect_image(&img, out_channels, depth, width, out);
}

/* ---- every point filter ---- */

START_TEST(test_descriptions)
{
	for (size_t i = 0; i < N_POINT_FILTERS; i++) {
		const struct filter *f = point_filters[i];
		ck_assert_ptr_nonnull(f->name);
		ck_assert_ptr_nonnull(f->usage);
		ck_assert_ptr_nonnull(f->defaults);
		ck_assert_msg(f->summary && *f->summary, "%s: no summary", f->name);
		ck_assert_msg(f->formula && *f->formula, "%s: no formula", f->name);
		ck_assert_msg(!*f->usage == !*f->defaults, "%s: usage and defaults disagree",
			      f->name);
		ck_assert_ptr_nonnull(f->parse);
		ck_assert_ptr_nonnull(f->apply);
		/* Point filters never change the size. */
		ck_assert_ptr_null(f->output_size);
	}
}
END_TEST

/* Every filter on a 3x2 image of each layout keeps its size (output_size is
 * NULL: the size must not change). */
START_TEST(test_size_kept)
{
	static const uint32_t layouts[][2] = {
		{ 1, 8 }, { 2, 8 }, { 3, 8 }, { 4, 8 }, { 1, 16 }, { 2, 16 }, { 3, 16 }, { 4, 16 },
	};
	const struct filter *f = point_filters[_i];

	for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++) {
		struct image img;
		struct filter_params params;
		struct ib_error err = { 0 };

		ck_assert_int_eq(image_alloc(&img, 3, 2, layouts[l][0], layouts[l][1], 0, &err), 0);
		for (uint32_t y = 0; y < 2; y++)
			for (uint32_t x = 0; x < 3; x++)
				for (uint32_t c = 0; c < img.channels; c++)
					sample_set(&img, image_row(&img, y), x, c, 40 * x + 90 * y + c);
		parse_ok(f, NULL, &params);
		ck_assert_msg(f->apply(&params, &img, &err) == 0, "%s: %s", f->name, err.msg);
		ck_assert_uint_eq(img.width, 3);
		ck_assert_uint_eq(img.height, 2);
		ck_assert_uint_eq(img.depth, layouts[l][1]);
		image_free(&img);
	}
}
END_TEST

/* ---- grayscale ---- */

START_TEST(test_grayscale_parse)
{
	struct filter_params params;

	parse_ok(&filter_grayscale, NULL, &params);
	parse_ok(&filter_grayscale, "", &params);
	parse_fails(&filter_grayscale, "709", "grayscale: unexpected '709' after the parameters");
}
END_TEST

START_TEST(test_grayscale_rgb8)
{
	/* Y' = (2126 R + 7152 G + 722 B) / 10000, rounded:
	 * (10,200,30): 21260 + 1430400 + 21660 = 1473320 -> 147.332 -> 147
	 * (255,0,0):   542130 -> 54.213 -> 54
	 * (0,0,255):   184110 -> 18.411 -> 18
	 * (1,232,5):   2126 + 1659264 + 3610 = 1665000 -> 166.5 -> 167 (half up)
	 * (255,255,255): 2550000 -> 255 */
	static const uint32_t in[] = { 10, 200, 30, 255, 0, 0, 0, 0, 255, 1, 232, 5, 255, 255, 255 };
	static const uint32_t out[] = { 147, 54, 18, 167, 255 };

	expect_filter(&filter_grayscale, NULL, 3, 8, 5, in, 1, out);
}
END_TEST

START_TEST(test_grayscale_rgba8_keeps_alpha)
{
	/* Same lumas as above; alpha carried over untouched. */
	static const uint32_t in[] = { 10, 200, 30, 77, 255, 0, 0, 0 };
	static const uint32_t out[] = { 147, 77, 54, 0 };

	expect_filter(&filter_grayscale, NULL, 4, 8, 2, in, 2, out);
}
END_TEST

START_TEST(test_grayscale_rgb16)
{
	/* (1000,60000,32768): 2126000 + 429120000 + 23658496 = 454904496
	 * -> 45490.4496 -> 45490, at full 16-bit precision.  White stays 65535. */
	static const uint32_t in[] = { 1000, 60000, 32768, 65535, 65535, 65535 };
	static const uint32_t out[] = { 45490, 65535 };

	expect_filter(&filter_grayscale, NULL, 3, 16, 2, in, 1, out);
}
END_TEST

START_TEST(test_grayscale_rgba16_keeps_alpha)
{
	static const uint32_t in[] = { 1000, 60000, 32768, 12345 };
	static const uint32_t out[] = { 45490, 12345 };

	expect_filter(&filter_grayscale, NULL, 4, 16, 1, in, 2, out);
}
END_TEST

START_TEST(test_grayscale_gray_unchanged)
{
	static const uint32_t g8[] = { 0, 17, 255 };
	static const uint32_t ga16[] = { 100, 200, 65535, 0 };

	expect_filter(&filter_grayscale, NULL, 1, 8, 3, g8, 1, g8);
	expect_filter(&filter_grayscale, NULL, 2, 16, 2, ga16, 2, ga16);
}
END_TEST

/* ---- invert ---- */

START_TEST(test_invert_parse)
{
	struct filter_params params;

	parse_ok(&filter_invert, NULL, &params);
	parse_fails(&filter_invert, "1", "invert: unexpected '1' after the parameters");
}
END_TEST

START_TEST(test_invert)
{
	/* v' = max - v; alpha untouched. */
	static const uint32_t g8[] = { 0, 1, 128, 255 };
	static const uint32_t g8_out[] = { 255, 254, 127, 0 };
	static const uint32_t rgba8[] = { 10, 200, 30, 77 };
	static const uint32_t rgba8_out[] = { 245, 55, 225, 77 };
	static const uint32_t ga16[] = { 0, 65535, 1000, 5 };
	static const uint32_t ga16_out[] = { 65535, 65535, 64535, 5 };
	static const uint32_t rgb16[] = { 1, 2, 65534 };
	static const uint32_t rgb16_out[] = { 65534, 65533, 1 };

	expect_filter(&filter_invert, NULL, 1, 8, 4, g8, 1, g8_out);
	expect_filter(&filter_invert, NULL, 4, 8, 1, rgba8, 4, rgba8_out);
	expect_filter(&filter_invert, NULL, 2, 16, 2, ga16, 2, ga16_out);
	expect_filter(&filter_invert, NULL, 3, 16, 1, rgb16, 3, rgb16_out);
}
END_TEST

/* ---- sepia ---- */

START_TEST(test_sepia_parse)
{
	expect_defaults(&filter_sepia, "80%");
	expect_same_params(&filter_sepia, "80", "80%");
	parse_fails(&filter_sepia, "120%", "sepia: threshold must be between 0% and 100%, got 120");
	parse_fails(&filter_sepia, "-1", "sepia: threshold must be between 0% and 100%, got -1");
	parse_fails(&filter_sepia, "dark", "sepia: threshold must be a number, got 'dark'");
	parse_fails(&filter_sepia, "80%%", "sepia: unexpected '%' after the parameters");
}
END_TEST

/*
 * t = 0.8.  Tone T(Y) = (min(1, Y+1-t), max(t/7, min(1, Y+1-7t/6)),
 * max(t/7, Y-t/6)); T(0) = (0.2, 4/35, 4/35), luma lo = 0.04252 + 0.7874 *
 * 4/35 = 0.132509; T(1) = (1, 1, 13/15), luma hi = 0.9278 + 0.0722 * 13/15 =
 * 0.990373.  Stretch c -> (c - lo)/(hi - lo) clamped, then scale by m'/m,
 * m the largest channel, m' = m/2 + (sin(pi(m-1/2))+1)/4.
 *  Y = 0: stretched (0.078674, 0, 0); m' = 0.039337 + 0.007597 = 0.046934
 *         -> 8 bits 11.97 -> 12, 16 bits 3075.83 -> 3076.
 *  Y = 1: stretched (1, 1, 0.855797); m = m' = 1 -> 8 bits (255, 255,
 *         218.23 -> 218), 16 bits B = 56084.66 -> 56085.
 *  Y = 128/255 = 0.501961: T = (0.701961, 0.568627, 0.368627), stretched
 *         (0.663802, 0.508377, 0.275240); m' = 0.331901 + 0.373046 = 0.704947
 *         (x1.061985) -> (0.704947, 0.539889, 0.292301)
 *         -> (179.76, 137.67, 74.54) -> (180, 138, 75).
 *  RGB (10,200,30): Y = 147.332/255 = 0.577773: stretched (0.752174,
 *         0.596750, 0.363613); m' = 0.804067 (x1.068991)
 *         -> (205.04, 162.67, 99.12) -> (205, 163, 99).
 */
START_TEST(test_sepia_gray8_becomes_rgb)
{
	static const uint32_t in[] = { 0, 128, 255 };
	static const uint32_t out[] = { 12, 0, 0, 180, 138, 75, 255, 255, 218 };

	expect_filter(&filter_sepia, NULL, 1, 8, 3, in, 3, out);
}
END_TEST

START_TEST(test_sepia_rgba8_keeps_alpha)
{
	static const uint32_t in[] = { 10, 200, 30, 77, 255, 255, 255, 0 };
	static const uint32_t out[] = { 205, 163, 99, 77, 255, 255, 218, 0 };

	expect_filter(&filter_sepia, "80%", 4, 8, 2, in, 4, out);
}
END_TEST

START_TEST(test_sepia_gray_alpha16)
{
	/* Gray+alpha becomes RGBA at 16 bits; values from the table above. */
	static const uint32_t in[] = { 0, 1, 65535, 40000 };
	static const uint32_t out[] = { 3076, 0, 0, 1, 65535, 65535, 56085, 40000 };

	expect_filter(&filter_sepia, NULL, 2, 16, 2, in, 4, out);
}
END_TEST

START_TEST(test_sepia_threshold)
{
	/* t = 0.5: T(0) = (0.5, 1/14, 1/14), lo = 0.409457; T(1) = (1, 1, 11/12),
	 * hi = 0.993983.  Y = 100/255 = 0.392157: T = (0.892157, 0.808824,
	 * 0.308824), stretched (0.825797, 0.683231, 0 (clamped));
	 * m' = 0.412899 + 0.463486 = 0.876385 (x1.061260)
	 * -> (0.876385, 0.725085, 0) -> (223.48, 184.90, 0) -> (223, 185, 0). */
	static const uint32_t in[] = { 100 };
	static const uint32_t out[] = { 223, 185, 0 };

	expect_filter(&filter_sepia, "50", 1, 8, 1, in, 3, out);
}
END_TEST

/* ---- brightness, contrast, brightness-contrast ---- */

START_TEST(test_bc_parse)
{
	expect_defaults(&filter_brightness, "10");
	expect_defaults(&filter_contrast, "10");
	expect_defaults(&filter_brightness_contrast, "10x10");
	expect_same_params(&filter_brightness_contrast, "10", "10x0");
	expect_same_params(&filter_brightness_contrast, "10%x-5%", "10x-5");
	expect_same_params(&filter_brightness, "-20%", "-20");
	parse_fails(&filter_brightness, "150",
		    "brightness: brightness must be between -100 and 100, got 150");
	parse_fails(&filter_brightness, "light",
		    "brightness: brightness must be a number, got 'light'");
	parse_fails(&filter_brightness, "5x5", "brightness: unexpected 'x5' after the parameters");
	parse_fails(&filter_contrast, "-101",
		    "contrast: contrast must be between -100 and 100, got -101");
	parse_fails(&filter_brightness_contrast, "5x200",
		    "brightness-contrast: contrast must be between -100 and 100, got 200");
	parse_fails(&filter_brightness_contrast, "-100.5x0",
		    "brightness-contrast: brightness must be between -100 and 100, got -100.5");
	parse_fails(&filter_brightness_contrast, "5x",
		    "brightness-contrast: contrast is missing");
	parse_fails(&filter_brightness_contrast, "x5",
		    "brightness-contrast: brightness must be a number, got 'x5'");
	parse_fails(&filter_brightness_contrast, "5,5",
		    "brightness-contrast: unexpected ',5' after the parameters");
}
END_TEST

START_TEST(test_brightness)
{
	/* B = 20, C = 0: slope tan(pi/4) = 1, pivot 0.4, v' = v + 0.2:
	 * 0 -> 51, 100 -> 151, 230 -> 281 -> 255, 255 -> 255; alpha kept. */
	static const uint32_t in[] = { 0, 9, 100, 99, 230, 255, 255, 0 };
	static const uint32_t out[] = { 51, 9, 151, 99, 255, 255, 255, 0 };

	expect_filter(&filter_brightness, "20", 2, 8, 4, in, 2, out);
}
END_TEST

START_TEST(test_contrast)
{
	/* C = 50: slope tan(3pi/8) = 2.414214, pivot 0.5:
	 * 100 -> 0.5 + 2.414214 (0.392157 - 0.5) = 0.239644 -> 61.11 -> 61
	 * 150 -> 0.5 + 2.414214 (0.588235 - 0.5) = 0.713019 -> 181.82 -> 182
	 * 0 -> below 0 -> 0; 255 -> above 1 -> 255. */
	static const uint32_t in[] = { 100, 150, 0 };
	static const uint32_t out[] = { 61, 182, 0 };
	static const uint32_t in_a[] = { 255, 100, 150, 42 };
	static const uint32_t out_a[] = { 255, 61, 182, 42 };

	expect_filter(&filter_contrast, "50", 3, 8, 1, in, 3, out);
	expect_filter(&filter_contrast, "50", 4, 8, 1, in_a, 4, out_a);
}
END_TEST

START_TEST(test_contrast_flat)
{
	/* C = -100: slope tan(0) = 0, every colour becomes 0.5: 127.5 -> 128 at
	 * 8 bits, 32767.5 -> 32768 at 16 bits. */
	static const uint32_t in8[] = { 0, 100, 255 };
	static const uint32_t out8[] = { 128, 128, 128 };
	static const uint32_t in16[] = { 0, 65535, 7 };
	static const uint32_t out16[] = { 32768, 32768, 32768 };

	expect_filter(&filter_contrast, "-100", 1, 8, 3, in8, 1, out8);
	expect_filter(&filter_contrast, "-100", 3, 16, 1, in16, 3, out16);
}
END_TEST

START_TEST(test_brightness_contrast16)
{
	/* B = -20, C = 30: slope tan(130pi/400) = 1.631852, pivot 0.6,
	 * v' = 1.631852 (v - 0.6) + 0.4.
	 * 32768: v = 0.500008 -> 0.236827 -> 15520.48 -> 15520
	 * 1000 -> below 0 -> 0; 65535 -> 1.052730 -> 65535; alpha 555 kept. */
	static const uint32_t in[] = { 32768, 1000, 65535, 555 };
	static const uint32_t out[] = { 15520, 0, 65535, 555 };

	expect_filter(&filter_brightness_contrast, "-20x30", 4, 16, 1, in, 4, out);
}
END_TEST

/* ---- gamma ---- */

START_TEST(test_gamma_parse)
{
	expect_defaults(&filter_gamma, "2.2");
	parse_fails(&filter_gamma, "0", "gamma: gamma must be > 0, got 0");
	parse_fails(&filter_gamma, "-1", "gamma: gamma must be > 0, got -1");
	parse_fails(&filter_gamma, "abc", "gamma: gamma must be a number, got 'abc'");
	parse_fails(&filter_gamma, "2x", "gamma: unexpected 'x' after the parameters");
}
END_TEST

START_TEST(test_gamma)
{
	/* G = 2: v' = sqrt(v): 16 -> 0.250490 -> 63.87 -> 64,
	 * 64 -> 0.500979 -> 127.75 -> 128; 0 and 255 fixed; alpha kept. */
	static const uint32_t in8[] = { 0, 200, 16, 200, 64, 200, 255, 200 };
	static const uint32_t out8[] = { 0, 200, 64, 200, 128, 200, 255, 200 };
	/* G = 0.5: v' = v^2 at 16 bits: 1000 -> 15.26 -> 15,
	 * 32768 -> 32768^2 / 65535 = 16384.25 -> 16384. */
	static const uint32_t in16[] = { 1000, 32768, 65535 };
	static const uint32_t out16[] = { 15, 16384, 65535 };

	expect_filter(&filter_gamma, "2", 2, 8, 4, in8, 2, out8);
	expect_filter(&filter_gamma, "0.5", 3, 16, 1, in16, 3, out16);
}
END_TEST

/* ---- level ---- */

START_TEST(test_level_parse)
{
	expect_defaults(&filter_level, "5%,95%,1");
	expect_same_params(&filter_level, "5%,95%", "5%,95%,1");
	parse_fails(&filter_level, "120%,130%",
		    "level: black must be between 0% and 100%, got 120");
	parse_fails(&filter_level, "10,300", "level: white must be between 0 and 255, got 300");
	parse_fails(&filter_level, "-1,20", "level: black must be between 0 and 255, got -1");
	parse_fails(&filter_level, "10%,5%", "level: white must be above black, got 5");
	parse_fails(&filter_level, "10%,10%", "level: white must be above black, got 10");
	parse_fails(&filter_level, "5%,95%,0", "level: gamma must be > 0, got 0");
	parse_fails(&filter_level, "5%", "level: white is missing");
	parse_fails(&filter_level, "5%,95%,", "level: gamma is missing");
	parse_fails(&filter_level, "5%x95%", "level: unexpected 'x95%' after the parameters");
	parse_fails(&filter_level, "a,b", "level: black must be a number, got 'a,b'");
	parse_fails(&filter_level, "5%,95%,1,2", "level: unexpected ',2' after the parameters");
}
END_TEST

START_TEST(test_level_percent8)
{
	/* 10%,90%: v' = (v/255 - 0.1) / 0.8:
	 * 25 -> below 0.1 -> 0; 128 -> 128.125 -> 128; 200 -> 218.125 -> 218;
	 * 240 -> 268.1 -> 255. */
	static const uint32_t in[] = { 0, 25, 128, 200, 240 };
	static const uint32_t out[] = { 0, 0, 128, 218, 255 };

	expect_filter(&filter_level, "10%,90%", 1, 8, 5, in, 1, out);
}
END_TEST

START_TEST(test_level_absolute_and_gamma)
{
	/* 51,204 on the 0-255 scale = 20%,80%: 102 -> (0.4 - 0.2)/0.6 -> 85,
	 * 150 -> 165, 204 -> 255; alpha kept. */
	static const uint32_t in[] = { 102, 150, 204, 33 };
	static const uint32_t out[] = { 85, 165, 255, 33 };
	/* 0,255,2: a square root: 64 -> 127.75 -> 128, 128 -> 180.67 -> 181. */
	static const uint32_t in_g[] = { 0, 64, 128, 255 };
	static const uint32_t out_g[] = { 0, 128, 181, 255 };
	/* 5%,95%,1.5: 100 -> ((0.392157 - 0.05)/0.9)^(2/3) = 0.524793 -> 133.82 -> 134;
	 * 160 -> 0.743901 -> 189.69 -> 190. */
	static const uint32_t in_p[] = { 10, 100, 160 };
	static const uint32_t out_p[] = { 0, 134, 190 };

	expect_filter(&filter_level, "51,204", 4, 8, 1, in, 4, out);
	expect_filter(&filter_level, "0,255,2", 1, 8, 4, in_g, 1, out_g);
	expect_filter(&filter_level, "5%,95%,1.5", 3, 8, 1, in_p, 3, out_p);
}
END_TEST

START_TEST(test_level16)
{
	/* 20%,70% at 16 bits: v' = (v/65535 - 0.2)/0.5 * 65535 = 2v - 26214:
	 * 40000 -> 53786; 10000 -> below 0 -> 0; 60000 -> 93786 -> 65535. */
	static const uint32_t in[] = { 40000, 1, 10000, 2, 60000, 3 };
	static const uint32_t out[] = { 53786, 1, 0, 2, 65535, 3 };

	expect_filter(&filter_level, "20%,70%", 2, 16, 3, in, 2, out);
}
END_TEST

/* ---- auto-level ---- */

START_TEST(test_auto_level_parse)
{
	struct filter_params params;

	parse_ok(&filter_auto_level, NULL, &params);
	parse_fails(&filter_auto_level, "3", "auto-level: unexpected '3' after the parameters");
}
END_TEST

START_TEST(test_auto_level_gray)
{
	/* lo 50, hi 250: v' = (v - 50) / 200 * 255: 100 -> 63.75 -> 64. */
	static const uint32_t in[] = { 50, 100, 250 };
	static const uint32_t out[] = { 0, 64, 255 };
	/* 16 bits, lo 1000, hi 5000: 2000 -> 1000/4000 * 65535 = 16383.75 -> 16384. */
	static const uint32_t in16[] = { 1000, 2000, 5000 };
	static const uint32_t out16[] = { 0, 16384, 65535 };

	expect_filter(&filter_auto_level, NULL, 1, 8, 3, in, 1, out);
	expect_filter(&filter_auto_level, NULL, 1, 16, 3, in16, 1, out16);
}
END_TEST

START_TEST(test_auto_level_channels_together)
{
	/* One range over R, G and B (not per channel), alpha outside it and
	 * untouched: lo 20, hi 220, v' = (v - 20) * 255 / 200 = (v - 20) * 1.275:
	 * 45 -> 31.875 -> 32, 60 -> 51, 100 -> 102, 90 -> 89.25 -> 89.
	 * Per channel, R's 100 would have become 255. */
	static const uint32_t in[] = { 20, 45, 60, 0, 100, 90, 220, 255 };
	static const uint32_t out[] = { 0, 32, 51, 0, 102, 89, 255, 255 };

	expect_filter(&filter_auto_level, NULL, 4, 8, 2, in, 4, out);
}
END_TEST

START_TEST(test_auto_level_flat)
{
	/* Nothing to stretch: unchanged. */
	static const uint32_t in[] = { 70, 10, 70, 200 };

	expect_filter(&filter_auto_level, NULL, 2, 8, 2, in, 2, in);
}
END_TEST

/* ---- threshold ---- */

START_TEST(test_threshold_parse)
{
	expect_defaults(&filter_threshold, "50%");
	parse_fails(&filter_threshold, "101%",
		    "threshold: threshold must be between 0% and 100%, got 101");
	parse_fails(&filter_threshold, "256",
		    "threshold: threshold must be between 0 and 255, got 256");
	parse_fails(&filter_threshold, "-1", "threshold: threshold must be between 0 and 255, got -1");
	parse_fails(&filter_threshold, "half", "threshold: threshold must be a number, got 'half'");
	parse_fails(&filter_threshold, "50%%", "threshold: unexpected '%' after the parameters");
}
END_TEST

START_TEST(test_threshold_gray8)
{
	/* 50% = 32768 on the 16-bit scale = 127.502 at 8 bits: 127 black, 128 white. */
	static const uint32_t in[] = { 0, 127, 128, 255 };
	static const uint32_t out[] = { 0, 0, 255, 255 };
	/* 128 (0-255 scale): only values above 128 turn white. */
	static const uint32_t in_n[] = { 127, 128, 129 };
	static const uint32_t out_n[] = { 0, 0, 255 };

	expect_filter(&filter_threshold, NULL, 1, 8, 4, in, 1, out);
	expect_filter(&filter_threshold, "128", 1, 8, 3, in_n, 1, out_n);
}
END_TEST

START_TEST(test_threshold_gray16)
{
	/* 50% = 32768: as in ImageMagick, 32768 itself stays black. */
	static const uint32_t in[] = { 32767, 32768, 32769 };
	static const uint32_t out[] = { 0, 0, 65535 };
	/* 128 -> 128 * 257 = 32896; alpha kept. */
	static const uint32_t in_n[] = { 32896, 9, 32897, 8 };
	static const uint32_t out_n[] = { 0, 9, 65535, 8 };

	expect_filter(&filter_threshold, "50%", 1, 16, 3, in, 1, out);
	expect_filter(&filter_threshold, "128", 2, 16, 2, in_n, 2, out_n);
}
END_TEST

START_TEST(test_threshold_colour)
{
	/* Luma against 128: (10,200,30) 147.332 -> white; (255,0,0) 54.213 ->
	 * black; (0,255,0) 182.376 -> white; (128,128,128) exactly 128, not
	 * above -> black.  Every colour channel set, alpha kept. */
	static const uint32_t in[] = { 10, 200, 30, 77, 255, 0, 0, 1, 0, 255, 0, 2, 128, 128, 128, 3 };
	static const uint32_t out[] = { 255, 255, 255, 77, 0, 0, 0, 1, 255, 255, 255, 2, 0, 0, 0, 3 };
	/* 16 bits, 50%: (65535,0,0) luma 13932.7 -> black; (0,65535,0) 46870.6
	 * -> white. */
	static const uint32_t in16[] = { 65535, 0, 0, 0, 65535, 0 };
	static const uint32_t out16[] = { 0, 0, 0, 65535, 65535, 65535 };

	expect_filter(&filter_threshold, "128", 4, 8, 4, in, 4, out);
	expect_filter(&filter_threshold, NULL, 3, 16, 2, in16, 3, out16);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("filters-point");
	TCase *tc = tcase_create("all");

	tcase_add_test(tc, test_descriptions);
	tcase_add_loop_test(tc, test_size_kept, 0, N_POINT_FILTERS);
	suite_add_tcase(s, tc);

	tc = tcase_create("grayscale");
	tcase_add_test(tc, test_grayscale_parse);
	tcase_add_test(tc, test_grayscale_rgb8);
	tcase_add_test(tc, test_grayscale_rgba8_keeps_alpha);
	tcase_add_test(tc, test_grayscale_rgb16);
	tcase_add_test(tc, test_grayscale_rgba16_keeps_alpha);
	tcase_add_test(tc, test_grayscale_gray_unchanged);
	suite_add_tcase(s, tc);

	tc = tcase_create("invert");
	tcase_add_test(tc, test_invert_parse);
	tcase_add_test(tc, test_invert);
	suite_add_tcase(s, tc);

	tc = tcase_create("sepia");
	tcase_add_test(tc, test_sepia_parse);
	tcase_add_test(tc, test_sepia_gray8_becomes_rgb);
	tcase_add_test(tc, test_sepia_rgba8_keeps_alpha);
	tcase_add_test(tc, test_sepia_gray_alpha16);
	tcase_add_test(tc, test_sepia_threshold);
	suite_add_tcase(s, tc);

	tc = tcase_create("brightness-contrast");
	tcase_add_test(tc, test_bc_parse);
	tcase_add_test(tc, test_brightness);
	tcase_add_test(tc, test_contrast);
	tcase_add_test(tc, test_contrast_flat);
	tcase_add_test(tc, test_brightness_contrast16);
	suite_add_tcase(s, tc);

	tc = tcase_create("gamma");
	tcase_add_test(tc, test_gamma_parse);
	tcase_add_test(tc, test_gamma);
	suite_add_tcase(s, tc);

	tc = tcase_create("level");
	tcase_add_test(tc, test_level_parse);
	tcase_add_test(tc, test_level_percent8);
	tcase_add_test(tc, test_level_absolute_and_gamma);
	tcase_add_test(tc, test_level16);
	tcase_add_test(tc, test_auto_level_parse);
	tcase_add_test(tc, test_auto_level_gray);
	tcase_add_test(tc, test_auto_level_channels_together);
	tcase_add_test(tc, test_auto_level_flat);
	suite_add_tcase(s, tc);

	tc = tcase_create("threshold");
	tcase_add_test(tc, test_threshold_parse);
	tcase_add_test(tc, test_threshold_gray8);
	tcase_add_test(tc, test_threshold_gray16);
	tcase_add_test(tc, test_threshold_colour);
	suite_add_tcase(s, tc);
	return s;
}

