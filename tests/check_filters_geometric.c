/*
 * Unit tests of the geometric filters: flip, flop, transpose, rotate, crop,
 * pad (and their shared filters/colour.c).  Tiny images whose expected
 * samples are worked out by hand in the comments.
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdlib.h>

#include "filters/filter.h"
#include "codec/image.h"
#include "filters/pixels.h"
#include "tests/check_main.h"

extern const struct filter filter_rotate, filter_flip, filter_flop, filter_transpose,
	filter_crop, filter_pad;

/* ---- helpers -------------------------------------------------------------- */

/* A w x h image of the given layout whose samples are the varargs, row by row. */
static struct image make(uint32_t w, uint32_t h, uint32_t channels, uint32_t depth, ...)
{
	struct image img;
	struct ib_error err;
	va_list ap;

	ck_assert_int_eq(image_alloc(&img, w, h, channels, depth, 0, &err), 0);
	va_start(ap, depth);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			for (uint32_t c = 0; c < channels; c++)
				sample_set(&img, image_row(&img, y), x, c, va_arg(ap, uint32_t));
	va_end(ap);
	return img;
}

static uint32_t at(const struct image *img, uint32_t x, uint32_t y, uint32_t c)
{
	ck_assert_uint_lt(x, img->width);
	ck_assert_uint_lt(y, img->height);
	ck_assert_uint_lt(c, img->channels);
	return sample_get(img, image_row(img, y), x, c);
}

/* Asserts the whole image: its size, layout and samples (varargs, row by row). */
static void expect(const struct image *img, uint32_t w, uint32_t h, uint32_t channels, ...)
{
	va_list ap;

	ck_assert_uint_eq(img->width, w);
	ck_assert_uint_eq(img->height, h);
	ck_assert_uint_eq(img->channels, channels);
	va_start(ap, channels);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			for (uint32_t c = 0; c < channels; c++) {
				uint32_t want = va_arg(ap, uint32_t);
				ck_assert_msg(at(img, x, y, c) == want,
					      "sample (%u, %u, %u) is %u, expected %u", x, y, c,
					      at(img, x, y, c), want);
			}
	va_end(ap);
}

/*
 * Parses args, checks that output_size announces the size apply() makes,
 * and applies f to *img; returns apply's result (err filled on failure).
 */
static int run(const struct filter *f, const char *args, struct image *img,
	       struct ib_error *err)
{
	struct filter_params params;
	uint32_t w = img->width, h = img->height;

	ck_assert_msg(f->parse(args, &params, err) == 0, "%s=%s: %s", f->name, args, err->msg);
	if (f->output_size)
		f->output_size(&params, img->width, img->height, &w, &h);
	if (f->apply(&params, img, err) < 0)
		return -1;
	ck_assert_uint_eq(img->width, w);
	ck_assert_uint_eq(img->height, h);
	return 0;
}

/* Applies f=args to img, which must succeed. */
static void apply_ok(const struct filter *f, const char *args, struct image *img)
{
	struct ib_error err = { 0 };

	ck_assert_msg(run(f, args, img, &err) == 0, "%s=%s: %s", f->name, args, err.msg);
}

static void parse_fails(const struct filter *f, const char *args, const char *message)
{
	struct filter_params params;
	struct ib_error err = { 0 };

	ck_assert_int_eq(f->parse(args, &params, &err), -1);
	ck_assert_str_eq(err.msg, message);
}

static void size_of(const struct filter *f, const char *args, uint32_t in_w, uint32_t in_h,
		    uint32_t out_w, uint32_t out_h)
{
	struct filter_params params;
	struct ib_error err = { 0 };
	uint32_t w, h;

	ck_assert_int_eq(f->parse(args, &params, &err), 0);
	f->output_size(&params, in_w, in_h, &w, &h);
	ck_assert_uint_eq(w, out_w);
	ck_assert_uint_eq(h, out_h);
}

/* ---- flip, flop, transpose ------------------------------------------------ */

/*
 * 3x2 gray 8-bit:   1 2 3
 *                   4 5 6
 */
START_TEST(test_flip_flop_transpose_gray8)
{
	struct image img = make(3, 2, 1, 8, 1, 2, 3, 4, 5, 6);

	apply_ok(&filter_flip, NULL, &img);
	expect(&img, 3, 2, 1, 4, 5, 6, 1, 2, 3);
	apply_ok(&filter_flop, NULL, &img);
	expect(&img, 3, 2, 1, 6, 5, 4, 3, 2, 1);
	/* out(x, y) = in(y, x): columns become rows. */
	apply_ok(&filter_transpose, NULL, &img);
	expect(&img, 2, 3, 1, 6, 3, 5, 2, 4, 1);
	image_free(&img);
}
END_TEST

/* 16-bit RGBA: whole pixels move, alpha with them. */
START_TEST(test_flop_rgba16)
{
	struct image img = make(2, 1, 4, 16, 1, 2, 3, 65535, 60000, 50000, 40000, 0);

	apply_ok(&filter_flop, "", &img);
	expect(&img, 2, 1, 4, 60000, 50000, 40000, 0, 1, 2, 3, 65535);
	apply_ok(&filter_flip, "", &img);   /* one row: unchanged */
	expect(&img, 2, 1, 4, 60000, 50000, 40000, 0, 1, 2, 3, 65535);
	image_free(&img);
}
END_TEST

START_TEST(test_no_argument_filters_reject_arguments)
{
	parse_fails(&filter_flip, "x", "flip: unexpected 'x' after the parameters");
	parse_fails(&filter_flop, "1", "flop: unexpected '1' after the parameters");
	parse_fails(&filter_transpose, "yes", "transpose: unexpected 'yes' after the parameters");
	size_of(&filter_transpose, NULL, 7, 3, 3, 7);
}
END_TEST

/* Sample c of pixel (x, y) of the 3x2 test pattern: distinct, < 256. */
static uint32_t pattern(uint32_t x, uint32_t y, uint32_t c)
{
	return 60 * c + 10 * y + x;
}

static struct image make_pattern(uint32_t channels, uint32_t depth)
{
	struct image img;
	struct ib_error err;

	ck_assert_int_eq(image_alloc(&img, 3, 2, channels, depth, 0, &err), 0);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 3; x++)
			for (uint32_t c = 0; c < channels; c++)
				sample_set(&img, image_row(&img, y), x, c, pattern(x, y, c));
	return img;
}

/*
 * Each exact move on a W x H = 3 x 2 input, as out(x, y) = in(sx, sy).
 * rotate 90 clockwise: the left column becomes the top row read bottom-up.
 */
struct move {
	const struct filter *filter;
	const char *args;
	bool swaps;
	void (*source)(uint32_t x, uint32_t y, uint32_t *sx, uint32_t *sy);
};

static void src_flip(uint32_t x, uint32_t y, uint32_t *sx, uint32_t *sy)
{
	*sx = x;
	*sy = 1 - y;
}

static void src_flop(uint32_t x, uint32_t y, uint32_t *sx, uint32_t *sy)
{
	*sx = 2 - x;
	*sy = y;
}

static void src_transpose(uint32_t x, uint32_t y, uint32_t *sx, uint32_t *sy)
{
	*sx = y;
	*sy = x;
}

static void src_rotate90(uint32_t x, uint32_t y, uint32_t *sx, uint32_t *sy)
{
	*sx = y;
	*sy = 1 - x;
}

static void src_rotate180(uint32_t x, uint32_t y, uint32_t *sx, uint32_t *sy)
{
	*sx = 2 - x;
	*sy = 1 - y;
}

static void src_rotate270(uint32_t x, uint32_t y, uint32_t *sx, uint32_t *sy)
{
	*sx = 2 - y;
	*sy = x;
}

static const struct move moves[] = {
	{ &filter_flip, NULL, false, src_flip },
	{ &filter_flop, NULL, false, src_flop },
	{ &filter_transpose, NULL, true, src_transpose },
	{ &filter_rotate, NULL, true, src_rotate90 },          /* default: 90 */
	{ &filter_rotate, "90", true, src_rotate90 },
	{ &filter_rotate, "-270", true, src_rotate90 },
	{ &filter_rotate, "450:none", true, src_rotate90 },    /* no corner: no alpha */
	{ &filter_rotate, "180", false, src_rotate180 },
	{ &filter_rotate, "-180.0", false, src_rotate180 },
	{ &filter_rotate, "270", true, src_rotate270 },
	{ &filter_rotate, "-90", true, src_rotate270 },
};

/* Every exact move on every layout: 1-4 channels, 8 and 16 bits. */
START_TEST(test_exact_moves_all_layouts)
{
	uint32_t channels = (uint32_t)_i / 2 + 1, depth = _i % 2 ? 16 : 8;

	for (size_t m = 0; m < sizeof moves / sizeof moves[0]; m++) {
		struct image img = make_pattern(channels, depth);
		apply_ok(moves[m].filter, moves[m].args, &img);
		ck_assert_uint_eq(img.width, moves[m].swaps ? 2 : 3);
		ck_assert_uint_eq(img.height, moves[m].swaps ? 3 : 2);
		ck_assert_uint_eq(img.channels, channels);
		ck_assert_uint_eq(img.depth, depth);
		for (uint32_t y = 0; y < img.height; y++)
			for (uint32_t x = 0; x < img.width; x++) {
				uint32_t sx, sy;
				moves[m].source(x, y, &sx, &sy);
				for (uint32_t c = 0; c < channels; c++)
					ck_assert_uint_eq(at(&img, x, y, c), pattern(sx, sy, c));
			}
		image_free(&img);
	}
	/* 0 and 360 leave the image as it is. */
	struct image img = make_pattern(channels, depth);
	apply_ok(&filter_rotate, "360", &img);
	apply_ok(&filter_rotate, "0", &img);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 3; x++)
			for (uint32_t c = 0; c < channels; c++)
				ck_assert_uint_eq(at(&img, x, y, c), pattern(x, y, c));
	image_free(&img);
}
END_TEST

/* ---- rotate ---------------------------------------------------------------- */

START_TEST(test_rotate_parse_errors)
{
	parse_fails(&filter_rotate, "", "rotate: angle is missing");
	parse_fails(&filter_rotate, "abc", "rotate: angle must be a number, got 'abc'");
	parse_fails(&filter_rotate, "30x", "rotate: unexpected 'x' after the parameters");
	parse_fails(&filter_rotate, "30:bluish",
		    "rotate: colour must be white, black, #rgb, #rrggbb, R,G,B, transparent or "
		    "none, got 'bluish'");
	parse_fails(&filter_rotate, "30:",
		    "rotate: colour must be white, black, #rgb, #rrggbb, R,G,B, transparent or "
		    "none, got ''");
	parse_fails(&filter_rotate, "30:1,2,300",
		    "rotate: colour must be white, black, #rgb, #rrggbb, R,G,B, transparent or "
		    "none, got '1,2,300'");
	parse_fails(&filter_rotate, "30:none:x", "rotate: unexpected ':x' after the parameters");
}
END_TEST

/*
 * ImageMagick's canvas for -rotate (checked with convert ... -format %wx%h):
 * the rotated corners' box, grown by 0.5 per side, rounded outwards.  100x50
 * at 30: the corners span x in [50 - 55.80, 50 + 55.80] (55.80 = (100 cos 30 +
 * 50 sin 30) / 2), so left = floor(-5.80 - 0.5) = -7, width = ceil(105.80 + 7
 * + 0.5) = 114; y in [25 - 46.65, 25 + 46.65]: top = floor(-22.15) = -23,
 * height = ceil(71.65 + 23 + 0.5) = 96.
 */
START_TEST(test_rotate_output_size)
{
	size_of(&filter_rotate, NULL, 100, 50, 50, 100);
	size_of(&filter_rotate, "-90:none", 100, 50, 50, 100);
	size_of(&filter_rotate, "180", 100, 50, 100, 50);
	size_of(&filter_rotate, "30", 100, 50, 114, 96);
	size_of(&filter_rotate, "-30", 100, 50, 114, 96);
	size_of(&filter_rotate, "89", 100, 50, 54, 102);
	size_of(&filter_rotate, "10", 300, 200, 332, 252);
	size_of(&filter_rotate, "1", 4, 4, 6, 6);
	size_of(&filter_rotate, "45", 1, 1, 3, 3);
}
END_TEST

/* output_size() agrees with apply() on many sizes and angles. */
START_TEST(test_rotate_size_agrees_with_apply)
{
	static const char *const angles[] = { "0.5", "30", "45", "89.9", "135", "-60", "1000" };

	for (uint32_t w = 1; w <= 5; w++)
		for (uint32_t h = 1; h <= 4; h++)
			for (size_t a = 0; a < sizeof angles / sizeof angles[0]; a++) {
				struct image img;
				struct ib_error err;
				ck_assert_int_eq(image_alloc(&img, w, h, 1, 8, 0, &err), 0);
				for (uint32_t y = 0; y < h; y++)
					for (uint32_t x = 0; x < w; x++)
						sample_set(&img, image_row(&img, y), x, 0, 7);
				apply_ok(&filter_rotate, angles[a], &img);   /* run() checks */
				image_free(&img);
			}
}
END_TEST

/*
 * A single pixel turned by 45 degrees lands on a 3x3 canvas whose output
 * pixel (i, j) samples the source at u = c (i-1) + s (j-1), v = -s (i-1) +
 * c (j-1) (c = s = 1/sqrt 2, pixel-centre coordinates):
 *  - the centre (1, 1) samples (0, 0) exactly: the source pixel;
 *  - an edge middle, e.g. (1, 0), samples (-0.7071, -0.7071): the source
 *    pixel gets the bilinear weight w = (1 - 0.7071)^2 = 1.5 - sqrt 2 =
 *    0.085786, the background the rest 0.914214;
 *  - a corner, e.g. (0, 0) at (-1.414, 0), sees only background.
 * Black on white: edges 0.914214 * 255 = 233.12 -> 233 (8-bit),
 * * 65535 = 59912.99 -> 59913 (16-bit).  Alpha (when present) stays opaque.
 */
START_TEST(test_rotate_45_single_pixel_all_layouts)
{
	uint32_t channels = (uint32_t)_i / 2 + 1, depth = _i % 2 ? 16 : 8;
	uint32_t max = depth == 16 ? 65535 : 255, edge = depth == 16 ? 59913 : 233;
	uint32_t colours = channels == 2 || channels == 4 ? channels - 1 : channels;
	struct image img;
	struct ib_error err;

	ck_assert_int_eq(image_alloc(&img, 1, 1, channels, depth, 0, &err), 0);
	for (uint32_t c = 0; c < channels; c++)
		sample_set(&img, img.pixels, 0, c, c < colours ? 0 : max);
	apply_ok(&filter_rotate, "45", &img);
	ck_assert_uint_eq(img.width, 3);
	ck_assert_uint_eq(img.height, 3);
	ck_assert_uint_eq(img.channels, channels);
	ck_assert_uint_eq(img.depth, depth);
	for (uint32_t y = 0; y < 3; y++)
		for (uint32_t x = 0; x < 3; x++) {
			bool centre = x == 1 && y == 1, corner = x != 1 && y != 1;
			uint32_t want = centre ? 0 : corner ? max : edge;
			for (uint32_t c = 0; c < colours; c++)
				ck_assert_uint_eq(at(&img, x, y, c), want);
			if (colours < channels)
				ck_assert_uint_eq(at(&img, x, y, colours), max);
		}
	image_free(&img);
}
END_TEST

/*
 * Red RGB pixel, 45 degrees on transparent: RGB gains alpha.  Edge middles:
 * premultiplied red = alpha = w = 0.085786, so red unpremultiplies to 255
 * (no dark fringe) and alpha = 0.085786 * 255 = 21.88 -> 22.  Corners are
 * (0, 0, 0, 0).  Centre: the pixel, opaque.
 */
START_TEST(test_rotate_transparent_adds_alpha)
{
	struct image img = make(1, 1, 3, 8, 255, 0, 0);

	apply_ok(&filter_rotate, "45:none", &img);
	expect(&img, 3, 3, 4,
	       0, 0, 0, 0,  255, 0, 0, 22,   0, 0, 0, 0,
	       255, 0, 0, 22,  255, 0, 0, 255,  255, 0, 0, 22,
	       0, 0, 0, 0,  255, 0, 0, 22,   0, 0, 0, 0);
	image_free(&img);
}
END_TEST

/*
 * Half-transparent black (alpha 128/255 = 0.50196) on white, gray+alpha:
 * edge middle, premultiplied: gray = w * 0 + (1 - w) * 1 = 0.914214,
 * alpha = w * 0.50196 + (1 - w) = 0.957275; gray = 0.914214 / 0.957275 =
 * 0.955017 * 255 = 243.53 -> 244, alpha 244.11 -> 244.  16-bit (alpha
 * 32768/65535): alpha 0.957104 * 65535 = 62724.04 -> 62724, gray 0.955187 *
 * 65535 = 62597.97 -> 62598.
 */
START_TEST(test_rotate_premultiplied_alpha)
{
	struct image img = make(1, 1, 2, 8, 0, 128);
	struct image img16 = make(1, 1, 2, 16, 0, 32768);

	apply_ok(&filter_rotate, "45:white", &img);
	expect(&img, 3, 3, 2,
	       255, 255,  244, 244,  255, 255,
	       244, 244,  0, 128,    244, 244,
	       255, 255,  244, 244,  255, 255);
	apply_ok(&filter_rotate, "-45:#fff", &img16);
	ck_assert_uint_eq(at(&img16, 1, 0, 0), 62598);
	ck_assert_uint_eq(at(&img16, 1, 0, 1), 62724);
	ck_assert_uint_eq(at(&img16, 1, 1, 0), 0);
	ck_assert_uint_eq(at(&img16, 1, 1, 1), 32768);
	ck_assert_uint_eq(at(&img16, 0, 0, 0), 65535);
	ck_assert_uint_eq(at(&img16, 0, 0, 1), 65535);
	image_free(&img);
	image_free(&img16);
}
END_TEST

/*
 * The background on gray images is the colour's Rec. 709 luma: red ->
 * 0.2126 * 255 = 54.21 -> 54 (8-bit), 0.2126 * 65535 = 13932.74 -> 13933
 * (16-bit); 10,20,30 -> 2.126 + 14.304 + 2.166 = 18.60 -> 19.  The corner
 * (0, 0) of a 45-degree turn is pure background.
 */
START_TEST(test_rotate_gray_background_is_luma)
{
	struct image a = make(1, 1, 1, 8, 0), b = make(1, 1, 1, 16, 0);
	struct image c = make(1, 1, 2, 8, 0, 255);

	apply_ok(&filter_rotate, "45:#f00", &a);
	apply_ok(&filter_rotate, "45:255,0,0", &b);
	apply_ok(&filter_rotate, "45:10,20,30", &c);
	ck_assert_uint_eq(at(&a, 0, 0, 0), 54);
	ck_assert_uint_eq(at(&b, 0, 0, 0), 13933);
	ck_assert_uint_eq(at(&c, 0, 0, 0), 19);
	ck_assert_uint_eq(at(&c, 0, 0, 1), 255);
	image_free(&a);
	image_free(&b);
	image_free(&c);
}
END_TEST

/* ---- crop ------------------------------------------------------------------ */

/*
 * 4x3 gray, sample = 10 y + x:   0  1  2  3
 *                               10 11 12 13
 *                               20 21 22 23
 */
static struct image make_4x3(void)
{
	return make(4, 3, 1, 8, 0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23);
}

START_TEST(test_crop_offsets_and_gravity)
{
	struct image img = make_4x3();

	apply_ok(&filter_crop, "2x2+1+1", &img);
	expect(&img, 2, 2, 1, 11, 12, 21, 22);
	image_free(&img);

	img = make_4x3();   /* default: +0+0 from the top left */
	apply_ok(&filter_crop, "2x2", &img);
	expect(&img, 2, 2, 1, 0, 1, 10, 11);
	image_free(&img);

	/* center: x = 4/2 - 1/2 = 2 (not (4-1)/2 = 1), y = 3/2 - 1/2 = 1 */
	img = make_4x3();
	apply_ok(&filter_crop, "1x1:center", &img);
	expect(&img, 1, 1, 1, 12);
	image_free(&img);

	/* x = 4/2 - 3/2 = 1, y = 1 */
	img = make_4x3();
	apply_ok(&filter_crop, "3x1:Center", &img);
	expect(&img, 3, 1, 1, 11, 12, 13);
	image_free(&img);

	/* southeast moves inwards: x = 4 - 2 - 1 = 1, y = 3 - 2 - 0 = 1 */
	img = make_4x3();
	apply_ok(&filter_crop, "2x2+1+0:southeast", &img);
	expect(&img, 2, 2, 1, 11, 12, 21, 22);
	image_free(&img);

	/* north: x = 2 - 1 + 1 = 2, y = 0 + 2 = 2 */
	img = make_4x3();
	apply_ok(&filter_crop, "2x1+1+2:NORTH", &img);
	expect(&img, 2, 1, 1, 22, 23);
	image_free(&img);

	/* west: x = -1 clipped to 0, y = 3/2 - 1/2 = 1 */
	img = make_4x3();
	apply_ok(&filter_crop, "2x1-1+0:west", &img);
	expect(&img, 1, 1, 1, 10);
	image_free(&img);
}
END_TEST

START_TEST(test_crop_clips_to_the_image)
{
	struct image img = make_4x3();
	struct ib_error err = { 0 };

	/* [-1, 2) x [-1, 1) meets the image in [0, 2) x [0, 1) */
	apply_ok(&filter_crop, "3x2-1-1", &img);
	expect(&img, 2, 1, 1, 0, 1);
	image_free(&img);

	/* center, 9x9: x = 2 - 4 = -2, y = 1 - 4 = -3: the whole image */
	img = make_4x3();
	apply_ok(&filter_crop, "9x9:center", &img);
	expect(&img, 4, 3, 1, 0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23);

	size_of(&filter_crop, "2x2+4+0", 4, 3, 0, 2);
	ck_assert_int_eq(run(&filter_crop, "2x2+4+0", &img, &err), -1);
	ck_assert_str_eq(err.msg, "crop: the 2x2 window at +4+0 lies outside the 4x3 image");
	ck_assert_int_eq(run(&filter_crop, "2x2-2-3:southeast", &img, &err), -1);
	ck_assert_str_eq(err.msg, "crop: the 2x2 window at +4+4 lies outside the 4x3 image");
	/* the image is left as it was */
	expect(&img, 4, 3, 1, 0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23);
	image_free(&img);
}
END_TEST

START_TEST(test_crop_rgba16)
{
	struct image img = make(2, 2, 4, 16,
				1, 2, 3, 4,  5, 6, 7, 8,
				65535, 0, 65535, 0,  9, 10, 11, 65534);

	apply_ok(&filter_crop, "1x2:east", &img);   /* x = 2 - 1 = 1, y = 0 */
	expect(&img, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 65534);
	image_free(&img);
}
END_TEST

START_TEST(test_crop_parse_errors)
{
	parse_fails(&filter_crop, NULL, "crop: width is missing");
	parse_fails(&filter_crop, "abc", "crop: width must be a number, got 'abc'");
	parse_fails(&filter_crop, "-1x5",
		    "crop: width must be a whole number from 1 to 9999999, got -1");
	parse_fails(&filter_crop, "5x0", "crop: height must be a whole number from 1 to 9999999, got 0");
	parse_fails(&filter_crop, "2.5x5",
		    "crop: width must be a whole number from 1 to 9999999, got 2.5");
	parse_fails(&filter_crop, "5x-1",
		    "crop: height must be a whole number from 1 to 9999999, got -1");
	parse_fails(&filter_crop, "5", "crop: size must be WxH, got '5'");
	parse_fails(&filter_crop, "5x", "crop: height is missing");
	parse_fails(&filter_crop, "5x5+1", "crop: y offset is missing");
	parse_fails(&filter_crop, "5x5+1*2", "crop: y offset must be +N or -N, got '*2'");
	parse_fails(&filter_crop, "5x5+1.5+0",
		    "crop: x offset must be a whole number from -9999999 to +9999999, got 1.5");
	parse_fails(&filter_crop, "5x5+0-10000000",
		    "crop: y offset must be a whole number from -9999999 to +9999999, got -1e+07");
	parse_fails(&filter_crop, "5x5:up",
		    "crop: gravity must be center, north, northeast, east, southeast, south, "
		    "southwest, west or northwest, got 'up'");
	parse_fails(&filter_crop, "5x5:north:x", "crop: unexpected ':x' after the parameters");
	parse_fails(&filter_crop, "5x5 ", "crop: unexpected ' ' after the parameters");
}
END_TEST

/* ---- pad ------------------------------------------------------------------- */

/* 5x1 gray: 0 51 102 153 204 (the ImageMagick -extent check in the notes) */
static struct image make_5x1(void)
{
	return make(5, 1, 1, 8, 0, 51, 102, 153, 204);
}

START_TEST(test_pad_placement)
{
	struct image img = make_5x1();

	/* center: the canvas starts at 5/2 - 8/2 = -2: the image at x = 2 */
	apply_ok(&filter_pad, "8x1", &img);
	expect(&img, 8, 1, 1, 255, 255, 0, 51, 102, 153, 204, 255);
	image_free(&img);

	img = make_5x1();   /* 5/2 - 7/2 = -1 */
	apply_ok(&filter_pad, "7x1:white", &img);
	expect(&img, 7, 1, 1, 255, 0, 51, 102, 153, 204, 255);
	image_free(&img);

	img = make_5x1();   /* narrower: 5/2 - 3/2 = 1, a crop */
	apply_ok(&filter_pad, "3x1", &img);
	expect(&img, 3, 1, 1, 51, 102, 153);
	image_free(&img);

	img = make_5x1();   /* east: 8 - 5 = 3 */
	apply_ok(&filter_pad, "8x1:black:east", &img);
	expect(&img, 8, 1, 1, 0, 0, 0, 0, 51, 102, 153, 204);
	image_free(&img);

	img = make_5x1();   /* east, narrower: the right end is kept */
	apply_ok(&filter_pad, "2x1:black:SouthEast", &img);
	expect(&img, 2, 1, 1, 153, 204);
	image_free(&img);

	/* south on a gray image: red becomes its luma 54; the image goes to
	 * the bottom row, x = 2/2 - 1/2 = 1 */
	img = make(1, 1, 1, 8, 9);
	apply_ok(&filter_pad, "2x3:#ff0000:south", &img);
	expect(&img, 2, 3, 1, 54, 54, 54, 54, 54, 9);
	image_free(&img);

	/* 16 bits: red's luma 0.2126 * 65535 = 13932.74 -> 13933; north: top */
	img = make(1, 1, 1, 16, 40000);
	apply_ok(&filter_pad, "1x2:255,0,0:north", &img);
	expect(&img, 1, 2, 1, 40000, 13933);
	image_free(&img);
}
END_TEST

/*
 * Over an opaque colour the image is composited, as -extent does:
 * c' = (c a + bg (max - a)) / max, rounded, a' = max.  Over red (255, 0, 0):
 * (0, 0, 255, 128) gives r = 255 * 127 / 255 = 127, b = 255 * 128 / 255 = 128
 * (ImageMagick gives the same); (100, 50, 200, 77) gives r = (7700 + 45390) /
 * 255 = 208.20 -> 208, g = 3850 / 255 = 15.10 -> 15, b = 15400 / 255 = 60.39
 * -> 60.  Over 10,20,30: (0, 0, 255, 128) gives r = 1270 / 255 = 4.98 -> 5,
 * g = 2540 / 255 = 9.96 -> 10, b = (32640 + 3810) / 255 = 142.94 -> 143;
 * (100, 50, 200, 77) gives r = (7700 + 1780) / 255 = 37.18 -> 37, g = (3850 +
 * 3560) / 255 = 29.06 -> 29, b = (15400 + 5340) / 255 = 81.33 -> 81.
 */
START_TEST(test_pad_composites_over_opaque_colour)
{
	struct image img = make(2, 1, 4, 8, 0, 0, 255, 128, 100, 50, 200, 77);
	struct image ga = make(1, 1, 2, 8, 200, 100);
	struct image ga16 = make(1, 1, 2, 16, 0, 32768);

	apply_ok(&filter_pad, "4x1:255,0,0", &img);
	expect(&img, 4, 1, 4, 255, 0, 0, 255, 127, 0, 128, 255, 208, 15, 60, 255,
	       255, 0, 0, 255);
	image_free(&img);

	img = make(2, 1, 4, 8, 0, 0, 255, 128, 100, 50, 200, 77);
	apply_ok(&filter_pad, "2x1:10,20,30", &img);
	expect(&img, 2, 1, 4, 5, 10, 143, 255, 37, 29, 81, 255);
	image_free(&img);

	/* gray+alpha (200, 100) over white: (20000 + 39525) / 255 = 233.43 */
	apply_ok(&filter_pad, "1x1", &ga);
	expect(&ga, 1, 1, 2, 233, 255);
	/* 16 bits, 0 at alpha 32768 over white: 65535 * 32767 / 65535 = 32767 */
	apply_ok(&filter_pad, "1x2:white:north", &ga16);
	expect(&ga16, 1, 2, 2, 32767, 65535, 65535, 65535);
	image_free(&ga);
	image_free(&ga16);
}
END_TEST

/* Transparent: pixels are copied as they are, gray and RGB gain alpha. */
START_TEST(test_pad_transparent)
{
	struct image rgb = make(1, 1, 3, 8, 1, 2, 3);
	struct image rgba = make(1, 1, 4, 16, 1, 2, 3, 0);
	struct image gray = make(1, 1, 1, 16, 500);

	apply_ok(&filter_pad, "2x1:none:west", &rgb);
	expect(&rgb, 2, 1, 4, 1, 2, 3, 255, 0, 0, 0, 0);
	apply_ok(&filter_pad, "2x1:Transparent:east", &rgba);
	expect(&rgba, 2, 1, 4, 0, 0, 0, 0, 1, 2, 3, 0);
	apply_ok(&filter_pad, "1x2:none:south", &gray);
	expect(&gray, 1, 2, 2, 0, 0, 500, 65535);
	image_free(&rgb);
	image_free(&rgba);
	image_free(&gray);
}
END_TEST

START_TEST(test_pad_parse_errors)
{
	const char *colours = "pad: colour must be white, black, #rgb, #rrggbb, R,G,B, "
			      "transparent or none, got ";
	char want[200];

	parse_fails(&filter_pad, NULL, "pad: width is missing");
	parse_fails(&filter_pad, "10000000x1",
		    "pad: width must be a whole number from 1 to 9999999, got 1e+07");
	parse_fails(&filter_pad, "10y10", "pad: size must be WxH, got '10y10'");
	snprintf(want, sizeof want, "%s'bluish'", colours);
	parse_fails(&filter_pad, "10x10:bluish", want);
	snprintf(want, sizeof want, "%s''", colours);
	parse_fails(&filter_pad, "10x10::north", want);
	snprintf(want, sizeof want, "%s'256,0,0'", colours);
	parse_fails(&filter_pad, "10x10:256,0,0:north", want);
	snprintf(want, sizeof want, "%s'#abcd'", colours);
	parse_fails(&filter_pad, "10x10:#abcd", want);
	parse_fails(&filter_pad, "10x10:white:up",
		    "pad: gravity must be center, north, northeast, east, southeast, south, "
		    "southwest, west or northwest, got 'up'");
	parse_fails(&filter_pad, "10x10:white:north:", "pad: unexpected ':' after the parameters");
	size_of(&filter_pad, "640x480:#ABCDEF:northwest", 1, 1, 640, 480);
}
END_TEST

/* #rgb doubles each digit: #08f = (0, 136, 255). */
START_TEST(test_pad_short_hex_colour)
{
	struct image img = make(1, 1, 3, 16, 7, 7, 7);

	apply_ok(&filter_pad, "2x1:#08f:west", &img);
	expect(&img, 2, 1, 3, 7, 7, 7, 0, 136 * 257, 65535);
	image_free(&img);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("filters-geometric");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_flip_flop_transpose_gray8);
	tcase_add_test(tc, test_flop_rgba16);
	tcase_add_test(tc, test_no_argument_filters_reject_arguments);
	tcase_add_loop_test(tc, test_exact_moves_all_layouts, 0, 8);
	tcase_add_test(tc, test_rotate_parse_errors);
	tcase_add_test(tc, test_rotate_output_size);
	tcase_add_test(tc, test_rotate_size_agrees_with_apply);
	tcase_add_loop_test(tc, test_rotate_45_single_pixel_all_layouts, 0, 8);
	tcase_add_test(tc, test_rotate_transparent_adds_alpha);
	tcase_add_test(tc, test_rotate_premultiplied_alpha);
	tcase_add_test(tc, test_rotate_gray_background_is_luma);
	tcase_add_test(tc, test_crop_offsets_and_gravity);
	tcase_add_test(tc, test_crop_clips_to_the_image);
	tcase_add_test(tc, test_crop_rgba16);
	tcase_add_test(tc, test_crop_parse_errors);
	tcase_add_test(tc, test_pad_placement);
	tcase_add_test(tc, test_pad_composites_over_opaque_colour);
	tcase_add_test(tc, test_pad_transparent);
	tcase_add_test(tc, test_pad_parse_errors);
	tcase_add_test(tc, test_pad_short_hex_colour);
	suite_add_tcase(s, tc);
	return s;
}

