/* struct image: size checks, allocation, crop, colours, flattening for JPEG. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/image.h"
#include "tests/check_main.h"

/* A stride image_check_size must leave alone when it refuses. */
#define UNTOUCHED 12345

static void expect_size_ok(uint32_t w, uint32_t h, uint32_t channels, uint32_t depth,
			   uint64_t max_pixels, size_t stride)
{
	size_t got = UNTOUCHED;
	struct ib_error err = { 0 };
	ck_assert_msg(image_check_size(w, h, channels, depth, max_pixels, &got, &err) == 0,
		      "%ux%u: %s", w, h, err.msg);
	ck_assert_uint_eq(got, stride);
}

static void expect_size_refused(uint32_t w, uint32_t h, uint32_t channels, uint32_t depth,
				uint64_t max_pixels, const char *reason)
{
	size_t got = UNTOUCHED;
	struct ib_error err = { 0 };
	ck_assert_int_eq(image_check_size(w, h, channels, depth, max_pixels, &got, &err), -1);
	ck_assert_str_eq(err.msg, reason);
	ck_assert_uint_eq(got, UNTOUCHED);
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof v);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* ---- image_check_size --------------------------------------------------------- */

START_TEST(test_check_size_strides)
{
	expect_size_ok(1, 1, 1, 8, 0, 1);
	expect_size_ok(7, 1, 2, 8, 0, 14);
	expect_size_ok(3, 2, 3, 16, 0, 18);
	expect_size_ok(5, 9, 4, 8, 0, 20);
	expect_size_ok(5, 9, 4, 16, 0, 40);
	/* The limit is inclusive. */
	expect_size_ok(1000, 1000, 3, 8, 1000000, 3000);
	expect_size_ok(UINT32_MAX, 1, 1, 8, UINT32_MAX, UINT32_MAX);
}
END_TEST

START_TEST(test_check_size_refusals)
{
	expect_size_refused(0, 5, 3, 8, 0, "image has no pixels (0x5)");
	expect_size_refused(5, 0, 3, 8, 0, "image has no pixels (5x0)");
	expect_size_refused(0, 0, 3, 8, 0, "image has no pixels (0x0)");
	expect_size_refused(5, 5, 0, 8, 0, "unsupported image layout: 0 channels of 8 bits");
	expect_size_refused(5, 5, 5, 8, 0, "unsupported image layout: 5 channels of 8 bits");
	expect_size_refused(5, 5, 3, 12, 0, "unsupported image layout: 3 channels of 12 bits");
	expect_size_refused(5, 5, 1, 1, 0, "unsupported image layout: 1 channels of 1 bits");
	expect_size_refused(1000, 1000, 3, 8, 999999,
			    "image is 1000x1000 = 1000000 pixels, over the limit of 999999 "
			    "(--max-pixels)");
	expect_size_refused(100000, 100000, 4, 8, IMAGE_DEFAULT_MAX_PIXELS,
			    "image is 100000x100000 = 10000000000 pixels, over the limit of "
			    "256000000 (--max-pixels)");
	/* The pixel count is exact in 64 bits even for the largest sides. */
	expect_size_refused(UINT32_MAX, UINT32_MAX, 1, 8, 1,
			    "image is 4294967295x4294967295 = 18446744065119617025 pixels, "
			    "over the limit of 1 (--max-pixels)");
}
END_TEST

/* Byte sizes past size_t, or past PTRDIFF_MAX (no pointer difference may overflow). */
START_TEST(test_check_size_overflow)
{
#if SIZE_MAX == UINT64_MAX && PTRDIFF_MAX == INT64_MAX
	/* 8 * (2^32 - 1) * (2^32 - 1) bytes: wraps size_t. */
	expect_size_refused(UINT32_MAX, UINT32_MAX, 4, 16, 0,
			    "image of 4294967295x4294967295 is too large to fit in memory");
	/* Rows of 2^35 - 8 bytes: 2^28 of them is 2^63 - 2^31 bytes, just fits... */
	expect_size_ok(UINT32_MAX, 1u << 28, 4, 16, 0, (1ull << 35) - 8);
	/* ...one more row passes PTRDIFF_MAX without wrapping size_t. */
	expect_size_refused(UINT32_MAX, (1u << 28) + 1, 4, 16, 0,
			    "image of 4294967295x268435457 is too large to fit in memory");
	expect_size_refused(UINT32_MAX, 1u << 29, 4, 16, 0,
			    "image of 4294967295x536870912 is too large to fit in memory");
#else
	/* 32-bit size_t: one gigapixel of RGBA16 is 8 GB. */
	expect_size_refused(1u << 15, 1u << 15, 4, 16, 0,
			    "image of 32768x32768 is too large to fit in memory");
#endif
}
END_TEST

/* ---- image_alloc / image_free ------------------------------------------------- */

START_TEST(test_alloc_free)
{
	struct image img;
	struct ib_error err = { 0 };

	memset(&img, 0xA5, sizeof img);
	ck_assert_int_eq(image_alloc(&img, 5, 3, 2, 16, 15, &err), 0);
	ck_assert_uint_eq(img.width, 5);
	ck_assert_uint_eq(img.height, 3);
	ck_assert_uint_eq(img.channels, 2);
	ck_assert_uint_eq(img.depth, 16);
	ck_assert_uint_eq(img.stride, 20);
	ck_assert_ptr_nonnull(img.pixels);
	ck_assert(image_has_alpha(&img));
	ck_assert_uint_eq(image_bytes_per_pixel(&img), 4);
	ck_assert_ptr_eq(image_row(&img, 2), img.pixels + 40);
	memset(img.pixels, 0x5A, 60);           /* the whole buffer is writable */

	image_free(&img);
	ck_assert_ptr_null(img.pixels);
	ck_assert_uint_eq(img.width, 0);
	ck_assert_uint_eq(img.height, 0);
	ck_assert_uint_eq(img.channels, 0);
	ck_assert_uint_eq(img.depth, 0);
	ck_assert_uint_eq(img.stride, 0);
	image_free(&img);                       /* safe on a zeroed image */
}
END_TEST

START_TEST(test_alloc_refusals_leave_image_zeroed)
{
	static const struct image zero;
	struct image img;
	struct ib_error err = { 0 };

	memset(&img, 0xA5, sizeof img);
	ck_assert_int_eq(image_alloc(&img, 5, 3, 2, 16, 14, &err), -1);
	ck_assert_str_eq(err.msg, "image is 5x3 = 15 pixels, over the limit of 14 (--max-pixels)");
	ck_assert_mem_eq(&img, &zero, sizeof img);

	memset(&img, 0xA5, sizeof img);
	ck_assert_int_eq(image_alloc(&img, 5, 3, 3, 32, 0, &err), -1);
	ck_assert_str_eq(err.msg, "unsupported image layout: 3 channels of 32 bits");
	ck_assert_mem_eq(&img, &zero, sizeof img);
	image_free(&img);
}
END_TEST

START_TEST(test_layout_helpers)
{
	static const struct { uint32_t channels, depth; bool alpha; size_t bpp; } cases[] = {
		{ 1, 8, false, 1 }, { 2, 8, true, 2 }, { 3, 8, false, 3 }, { 4, 8, true, 4 },
		{ 1, 16, false, 2 }, { 2, 16, true, 4 }, { 3, 16, false, 6 }, { 4, 16, true, 8 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct image img = { .channels = cases[i].channels, .depth = cases[i].depth };
		ck_assert(image_has_alpha(&img) == cases[i].alpha);
		ck_assert_uint_eq(image_bytes_per_pixel(&img), cases[i].bpp);
	}
}
END_TEST

/* ---- image_crop --------------------------------------------------------------- */

/* 4x3 RGB, pixel (x, y) = (x, y, 10x + y). */
static void make_rgb_grid(struct image *img)
{
	struct ib_error err = { 0 };
	ck_assert_int_eq(image_alloc(img, 4, 3, 3, 8, 0, &err), 0);
	for (uint32_t y = 0; y < 3; y++)
		for (uint32_t x = 0; x < 4; x++) {
			uint8_t *p = image_row(img, y) + 3 * x;
			p[0] = (uint8_t)x;
			p[1] = (uint8_t)y;
			p[2] = (uint8_t)(10 * x + y);
		}
}

START_TEST(test_crop)
{
	static const uint8_t middle[] = {
		1, 1, 11, 2, 1, 21,
		1, 2, 12, 2, 2, 22,
	};
	static const uint8_t corner[] = { 3, 2, 32 };
	static const uint8_t column[] = { 0, 0, 0, 0, 1, 1, 0, 2, 2 };
	struct image src, dst;
	struct ib_error err = { 0 };

	make_rgb_grid(&src);
	ck_assert_int_eq(image_crop(&src, 1, 1, 2, 2, &dst, &err), 0);
	ck_assert_uint_eq(dst.width, 2);
	ck_assert_uint_eq(dst.height, 2);
	ck_assert_uint_eq(dst.channels, 3);
	ck_assert_uint_eq(dst.depth, 8);
	ck_assert_uint_eq(dst.stride, 6);
	ck_assert_mem_eq(dst.pixels, middle, sizeof middle);
	image_free(&dst);

	ck_assert_int_eq(image_crop(&src, 3, 2, 1, 1, &dst, &err), 0);
	ck_assert_mem_eq(dst.pixels, corner, sizeof corner);
	image_free(&dst);

	ck_assert_int_eq(image_crop(&src, 0, 0, 1, 3, &dst, &err), 0);
	ck_assert_mem_eq(dst.pixels, column, sizeof column);
	image_free(&dst);

	ck_assert_int_eq(image_crop(&src, 0, 0, 4, 3, &dst, &err), 0);
	ck_assert_ptr_ne(dst.pixels, src.pixels);
	ck_assert_mem_eq(dst.pixels, src.pixels, 36);
	image_free(&dst);
	image_free(&src);
}
END_TEST

START_TEST(test_crop_16_bit)
{
	struct image src, dst;
	struct ib_error err = { 0 };

	/* 3x2 gray+alpha, samples (100y + 10x, 100y + 10x + 1). */
	ck_assert_int_eq(image_alloc(&src, 3, 2, 2, 16, 0, &err), 0);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 3; x++) {
			uint8_t *p = image_row(&src, y) + 4 * x;
			put16(p, (uint16_t)(100 * y + 10 * x));
			put16(p + 2, (uint16_t)(100 * y + 10 * x + 1));
		}
	ck_assert_int_eq(image_crop(&src, 1, 0, 2, 2, &dst, &err), 0);
	ck_assert_uint_eq(dst.stride, 8);
	ck_assert_uint_eq(get16(image_row(&dst, 0)), 10);
	ck_assert_uint_eq(get16(image_row(&dst, 0) + 2), 11);
	ck_assert_uint_eq(get16(image_row(&dst, 0) + 4), 20);
	ck_assert_uint_eq(get16(image_row(&dst, 0) + 6), 21);
	ck_assert_uint_eq(get16(image_row(&dst, 1)), 110);
	ck_assert_uint_eq(get16(image_row(&dst, 1) + 2), 111);
	ck_assert_uint_eq(get16(image_row(&dst, 1) + 4), 120);
	ck_assert_uint_eq(get16(image_row(&dst, 1) + 6), 121);
	image_free(&dst);
	image_free(&src);
}
END_TEST

static void expect_crop_refused(const struct image *src, uint32_t x, uint32_t y,
				uint32_t w, uint32_t h, const char *reason)
{
	struct image dst;
	struct ib_error err = { 0 };
	ck_assert_int_eq(image_crop(src, x, y, w, h, &dst, &err), -1);
	ck_assert_str_eq(err.msg, reason);
}

START_TEST(test_crop_refusals)
{
	struct image src;
	make_rgb_grid(&src);
	expect_crop_refused(&src, 3, 0, 2, 1, "crop 2x1+3+0 lies outside the 4x3 image");
	expect_crop_refused(&src, 0, 1, 1, 3, "crop 1x3+0+1 lies outside the 4x3 image");
	expect_crop_refused(&src, 0, 0, 5, 3, "crop 5x3+0+0 lies outside the 4x3 image");
	expect_crop_refused(&src, 4, 0, 1, 1, "crop 1x1+4+0 lies outside the 4x3 image");
	expect_crop_refused(&src, 0, 0, 0, 3, "crop 0x3+0+0 lies outside the 4x3 image");
	expect_crop_refused(&src, 0, 0, 4, 0, "crop 4x0+0+0 lies outside the 4x3 image");
	/* x + w would wrap to 1 in 32 bits. */
	expect_crop_refused(&src, UINT32_MAX, 0, 2, 1,
			    "crop 2x1+4294967295+0 lies outside the 4x3 image");
	expect_crop_refused(&src, 0, UINT32_MAX, 1, 2,
			    "crop 1x2+0+4294967295 lies outside the 4x3 image");
	image_free(&src);
}
END_TEST

/* ---- rgb8_parse --------------------------------------------------------------- */

START_TEST(test_rgb8_parse)
{
	static const struct { const char *text; struct rgb8 rgb; } cases[] = {
		{ "white", { 255, 255, 255 } },
		{ "WHITE", { 255, 255, 255 } },
		{ "black", { 0, 0, 0 } },
		{ "Black", { 0, 0, 0 } },
		{ "#fff", { 255, 255, 255 } },
		{ "#000", { 0, 0, 0 } },
		{ "#F0a", { 0xFF, 0x00, 0xAA } },
		{ "#123", { 0x11, 0x22, 0x33 } },
		{ "#1a2B3c", { 0x1A, 0x2B, 0x3C } },
		{ "#FFFFFF", { 255, 255, 255 } },
		{ "#000000", { 0, 0, 0 } },
		{ "0,128,255", { 0, 128, 255 } },
		{ "255,255,255", { 255, 255, 255 } },
		{ "0,0,0", { 0, 0, 0 } },
		{ "7,08,009", { 7, 8, 9 } },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rgb8 out = { 1, 2, 3 };
		ck_assert_msg(rgb8_parse(cases[i].text, &out) == 0, "%s refused", cases[i].text);
		ck_assert_msg(out.r == cases[i].rgb.r && out.g == cases[i].rgb.g &&
			      out.b == cases[i].rgb.b, "%s gave %u,%u,%u", cases[i].text,
			      out.r, out.g, out.b);
	}
}
END_TEST

START_TEST(test_rgb8_parse_rejects)
{
	static const char *const bad[] = {
		"#12", "256,0,0", "1,2", "", "#ggg",
		"#", "#1234", "#12345", "#1234567", "#12345g", "#-12",
		"0,256,0", "0,0,999", "1,2,3,", "1,2,3,4", "1,,3", ",1,2",
		" 1,2,3", "1, 2,3", "1,2,3 ", "0001,2,3", "-1,2,3", "+1,2,3",
		"0x10,0,0", "whitey", "red", "#fff ",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rgb8 out = { 1, 2, 3 };
		ck_assert_msg(rgb8_parse(bad[i], &out) == -1, "\"%s\" accepted", bad[i]);
		/* A refusal leaves the colour alone. */
		ck_assert_uint_eq(out.r, 1);
		ck_assert_uint_eq(out.g, 2);
		ck_assert_uint_eq(out.b, 3);
	}
}
END_TEST

/* ---- image_prepare_for_jpeg --------------------------------------------------- */

static const struct rgb8 white = { 255, 255, 255 };
static const struct rgb8 black = { 0, 0, 0 };

/* A 1-row image of n pixels holding samples (8 or 16 bits each). */
static void make_row(struct image *img, uint32_t n, uint32_t channels, uint32_t depth,
		     const uint16_t *samples)
{
	struct ib_error err = { 0 };
	ck_assert_int_eq(image_alloc(img, n, 1, channels, depth, 0, &err), 0);
	for (uint32_t i = 0; i < n * channels; i++) {
		if (depth == 16)
			put16(img->pixels + 2 * i, samples[i]);
		else
			img->pixels[i] = (uint8_t)samples[i];
	}
}

/* Flattens a 1-row image and checks the 8-bit samples. */
static void expect_prepared(const uint16_t *samples, uint32_t n, uint32_t channels,
			    uint32_t depth, struct rgb8 bg, const uint8_t *expect,
			    uint32_t out_channels)
{
	struct image img;
	struct ib_error err = { 0 };

	make_row(&img, n, channels, depth, samples);
	ck_assert_int_eq(image_prepare_for_jpeg(&img, bg, &err), 0);
	ck_assert_uint_eq(img.width, n);
	ck_assert_uint_eq(img.height, 1);
	ck_assert_uint_eq(img.channels, out_channels);
	ck_assert_uint_eq(img.depth, 8);
	ck_assert_uint_eq(img.stride, n * out_channels);
	for (uint32_t i = 0; i < n * out_channels; i++)
		ck_assert_msg(img.pixels[i] == expect[i], "sample %u is %u, expected %u",
			      i, img.pixels[i], expect[i]);
	image_free(&img);
}

/* round(v * 255 / 65535): 257k is exactly k, and k + 0.5 lies at 257k + 128.5. */
START_TEST(test_prepare_16_to_8_rounding)
{
	static const uint16_t gray[] = {
		0x8080, 0xFFFF, 0, 0x0080, 0x0081, 257 * 7, 257 * 200, 0x7F7F,
		0x807F, 257 * 254 + 128, 257 * 254 + 129, 1,
	};
	static const uint8_t expect[] = {
		0x80, 255, 0, 0, 1, 7, 200, 127,
		128, 254, 255, 0,
	};
	expect_prepared(gray, 12, 1, 16, white, expect, 1);
}
END_TEST

START_TEST(test_prepare_every_257k)
{
	uint16_t gray[256];
	uint8_t expect[256];
	for (uint32_t k = 0; k < 256; k++) {
		gray[k] = (uint16_t)(257 * k);
		expect[k] = (uint8_t)k;
	}
	expect_prepared(gray, 256, 1, 16, black, expect, 1);
}
END_TEST

/* Without alpha the background plays no part. */
START_TEST(test_prepare_rgb16)
{
	static const uint16_t rgb[] = { 0x1234, 0x5678, 0x9ABC, 0xFFFF, 0x0000, 0x8080 };
	/* 0x1234 * 255 / 65535 = 18.13, 0x5678 -> 86.13, 0x9ABC -> 154.13 */
	static const uint8_t expect[] = { 18, 86, 154, 255, 0, 128 };
	expect_prepared(rgb, 2, 3, 16, white, expect, 3);
	expect_prepared(rgb, 2, 3, 16, black, expect, 3);
}
END_TEST

/*
 * (c * a + bg * (255 - a)) / 255, rounded.  For (200, 100, 0) at a = 128:
 * over white (25600 + 32385) / 255 = 227.39, (12800 + 32385) / 255 = 177.20,
 * 32385 / 255 = 127.00; over black 100.39, 50.20, 0.
 */
START_TEST(test_prepare_rgba8)
{
	static const uint16_t rgba[] = {
		200, 100, 0, 128,
		200, 100, 0, 0,
		200, 100, 0, 255,
	};
	static const uint8_t over_white[] = { 227, 177, 127, 255, 255, 255, 200, 100, 0 };
	static const uint8_t over_black[] = { 100, 50, 0, 0, 0, 0, 200, 100, 0 };
	expect_prepared(rgba, 3, 4, 8, white, over_white, 3);
	expect_prepared(rgba, 3, 4, 8, black, over_black, 3);

	/*
	 * Over (30, 20, 10) at a = 64: (640 + 5730) / 255 = 24.98,
	 * (16000 + 3820) / 255 = 77.73, 1910 / 255 = 7.49.
	 */
	static const uint16_t one[] = { 10, 250, 0, 64 };
	static const uint8_t over_bg[] = { 25, 78, 7 };
	expect_prepared(one, 1, 4, 8, (struct rgb8){ 30, 20, 10 }, over_bg, 3);
}
END_TEST

/*
 * Gray is flattened over the Rec. 709 luma of the background: 255 for white,
 * 0 for black, (2126 * 255) / 10000 = 54.2 for red.  (100, a = 128): over
 * white (12800 + 32385) / 255 = 177.20, over black 50.20, over red
 * (12800 + 54 * 127) / 255 = 77.09.
 */
START_TEST(test_prepare_gray_alpha8)
{
	static const uint16_t ga[] = { 100, 128, 100, 0, 100, 255 };
	static const uint8_t over_white[] = { 177, 255, 100 };
	static const uint8_t over_black[] = { 50, 0, 100 };
	static const uint8_t over_red[] = { 77, 54, 100 };
	expect_prepared(ga, 3, 2, 8, white, over_white, 1);
	expect_prepared(ga, 3, 2, 8, black, over_black, 1);
	expect_prepared(ga, 3, 2, 8, (struct rgb8){ 255, 0, 0 }, over_red, 1);
}
END_TEST

/*
 * 16-bit alpha is composited at full precision, rounded once:
 * (0x8000, a = 0x8000) is 127.50 * 0.500008 + bg * 0.499992, i.e. 191.25
 * over white and 63.75 over black.
 */
START_TEST(test_prepare_gray_alpha16)
{
	static const uint16_t ga[] = { 0x8000, 0x8000, 0x1234, 0xFFFF, 0xFFFF, 0 };
	static const uint8_t over_white[] = { 191, 18, 255 };
	static const uint8_t over_black[] = { 64, 18, 0 };
	expect_prepared(ga, 3, 2, 16, white, over_white, 1);
	expect_prepared(ga, 3, 2, 16, black, over_black, 1);
}
END_TEST

/*
 * Two rows, so that the in-place conversion must move the second row to the
 * new, narrower stride.  Over (255, 0, 128):
 * (0xC000, 0x4000, 0, a = 0x4000): 0.75 * 0.25 + 0.75 of bg -> 239.06, 15.94, 96.00
 * (50, 100, 150) * 257 at a = 0x8080 (0.50196): 152.10, 50.20, 139.04
 */
START_TEST(test_prepare_rgba16_two_rows)
{
	static const uint16_t rows[] = {
		0x8000, 0x8000, 0x8000, 0x8000,
		0xC000, 0x4000, 0x0000, 0x4000,
		0x1234, 0x5678, 0x9ABC, 0xFFFF,
		0xFFFF, 0xFFFF, 0xFFFF, 0x0000,
		0x0000, 0x0000, 0x0000, 0xFFFF,
		50 * 257, 100 * 257, 150 * 257, 0x8080,
	};
	static const uint8_t expect[] = {
		191, 64, 128, 239, 16, 96, 18, 86, 154,
		255, 0, 128, 0, 0, 0, 152, 50, 139,
	};
	struct image img;
	struct ib_error err = { 0 };

	ck_assert_int_eq(image_alloc(&img, 3, 2, 4, 16, 0, &err), 0);
	for (uint32_t i = 0; i < 24; i++)
		put16(img.pixels + 2 * i, rows[i]);
	ck_assert_int_eq(image_prepare_for_jpeg(&img, (struct rgb8){ 255, 0, 128 }, &err), 0);
	ck_assert_uint_eq(img.channels, 3);
	ck_assert_uint_eq(img.depth, 8);
	ck_assert_uint_eq(img.stride, 9);
	ck_assert_mem_eq(image_row(&img, 0), expect, 9);
	ck_assert_mem_eq(image_row(&img, 1), expect + 9, 9);
	image_free(&img);
}
END_TEST

/* 8-bit gray and RGB already fit: nothing moves, even with a padded stride. */
START_TEST(test_prepare_8_bit_unchanged)
{
	uint8_t pixels[2 * 8];
	struct image rgb = {
		.width = 2, .height = 2, .channels = 3, .depth = 8,
		.stride = 8, .pixels = pixels,
	};
	struct ib_error err = { 0 };

	for (size_t i = 0; i < sizeof pixels; i++)
		pixels[i] = (uint8_t)(i * 13);
	ck_assert_int_eq(image_prepare_for_jpeg(&rgb, black, &err), 0);
	ck_assert_ptr_eq(rgb.pixels, pixels);
	ck_assert_uint_eq(rgb.stride, 8);
	ck_assert_uint_eq(rgb.channels, 3);
	ck_assert_uint_eq(rgb.depth, 8);
	for (size_t i = 0; i < sizeof pixels; i++)
		ck_assert_uint_eq(pixels[i], (uint8_t)(i * 13));

	struct image gray = rgb;
	gray.channels = 1;
	ck_assert_int_eq(image_prepare_for_jpeg(&gray, white, &err), 0);
	ck_assert_uint_eq(gray.stride, 8);
	ck_assert_uint_eq(gray.channels, 1);
	for (size_t i = 0; i < sizeof pixels; i++)
		ck_assert_uint_eq(pixels[i], (uint8_t)(i * 13));
}
END_TEST

START_TEST(test_prepare_rejects_layout)
{
	uint8_t pixels[16] = { 0 };
	struct image img = {
		.width = 1, .height = 1, .channels = 5, .depth = 8,
		.stride = 5, .pixels = pixels,
	};
	struct ib_error err = { 0 };

	ck_assert_int_eq(image_prepare_for_jpeg(&img, white, &err), -1);
	ck_assert_str_eq(err.msg, "unsupported image layout: 5 channels of 8 bits");
	img.channels = 3;
	img.depth = 12;
	ck_assert_int_eq(image_prepare_for_jpeg(&img, white, &err), -1);
	ck_assert_str_eq(err.msg, "unsupported image layout: 3 channels of 12 bits");
	ck_assert_uint_eq(img.depth, 12);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("size");
	tcase_add_test(tc, test_check_size_strides);
	tcase_add_test(tc, test_check_size_refusals);
	tcase_add_test(tc, test_check_size_overflow);
	tcase_add_test(tc, test_alloc_free);
	tcase_add_test(tc, test_alloc_refusals_leave_image_zeroed);
	tcase_add_test(tc, test_layout_helpers);
	suite_add_tcase(s, tc);

	tc = tcase_create("crop");
	tcase_add_test(tc, test_crop);
	tcase_add_test(tc, test_crop_16_bit);
	tcase_add_test(tc, test_crop_refusals);
	suite_add_tcase(s, tc);

	tc = tcase_create("colour");
	tcase_add_test(tc, test_rgb8_parse);
	tcase_add_test(tc, test_rgb8_parse_rejects);
	suite_add_tcase(s, tc);

	tc = tcase_create("jpeg");
	tcase_add_test(tc, test_prepare_16_to_8_rounding);
	tcase_add_test(tc, test_prepare_every_257k);
	tcase_add_test(tc, test_prepare_rgb16);
	tcase_add_test(tc, test_prepare_rgba8);
	tcase_add_test(tc, test_prepare_gray_alpha8);
	tcase_add_test(tc, test_prepare_gray_alpha16);
	tcase_add_test(tc, test_prepare_rgba16_two_rows);
	tcase_add_test(tc, test_prepare_8_bit_unchanged);
	tcase_add_test(tc, test_prepare_rejects_layout);
	suite_add_tcase(s, tc);
	return s;
}

