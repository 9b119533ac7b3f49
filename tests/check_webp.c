/* WebP through the codec table: lossless round trips in every layout, the
 * ICC profile carried as an ICCP chunk, and the encoder's limits. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "tests/check_main.h"

/* A w x h image of the layout with a recognisable pattern. */
static void pattern(struct image *img, uint32_t w, uint32_t h, uint32_t channels)
{
	struct ib_error err;
	ck_assert_int_eq(image_alloc(img, w, h, channels, 8, 0, &err), 0);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w * channels; x++)
			image_row(img, y)[x] = (uint8_t)(x * 7 + y * 13);
}

static void decode(const struct buffer *file, struct decoder *dec, struct image *out)
{
	struct ib_error err;
	ck_assert_ptr_eq(codec_sniff(file->data, file->len), &codec_webp);
	ck_assert_int_eq(codec_webp.open(dec, file->data, file->len, &err), 0);
	ck_assert_int_eq(codec_webp.decode(dec, 0, 0, 0, out, &err), 0);
}

START_TEST(test_lossless_round_trip_rgb_and_rgba)
{
	for (uint32_t channels = 3; channels <= 4; channels++) {
		struct image img = { 0 }, back = { 0 };
		struct buffer file = { 0 };
		struct decoder dec = { 0 };
		struct encode_options opts = { .quality = 50, .lossless = true };
		struct ib_error err;
		pattern(&img, 37, 21, channels);
		ck_assert_int_eq(codec_webp.encode(&img, &opts, &file, &err), 0);
		decode(&file, &dec, &back);
		ck_assert_uint_eq(back.channels, channels);
		for (uint32_t y = 0; y < img.height; y++)
			ck_assert_mem_eq(image_row(&back, y), image_row(&img, y), 37 * channels);
		ck_assert_ptr_null(dec.info.icc);
		codec_webp.close(&dec);
		image_free(&img);
		image_free(&back);
		buffer_free(&file);
	}
}
END_TEST

START_TEST(test_gray_becomes_rgb_and_icc_is_carried)
{
	static const uint8_t profile[] = "not really a profile, but bytes to carry";
	struct image img = { 0 }, back = { 0 };
	struct buffer file = { 0 };
	struct decoder dec = { 0 };
	struct encode_options opts = {
		.quality = 90, .lossless = true, .icc = profile, .icc_len = sizeof profile,
	};
	struct ib_error err;
	pattern(&img, 16, 9, 1);
	ck_assert_int_eq(codec_webp.encode(&img, &opts, &file, &err), 0);
	decode(&file, &dec, &back);
	ck_assert_uint_eq(back.channels, 3);
	ck_assert_uint_eq(image_row(&back, 3)[5 * 3 + 1], image_row(&img, 3)[5]);
	ck_assert_uint_eq(dec.info.icc_len, sizeof profile);
	ck_assert_mem_eq(dec.info.icc, profile, sizeof profile);
	codec_webp.close(&dec);
	image_free(&img);
	image_free(&back);
	buffer_free(&file);
}
END_TEST

START_TEST(test_too_wide_is_refused_with_a_reason)
{
	struct image img = { 0 };
	struct buffer file = { 0 };
	struct encode_options opts = { .quality = 80 };
	struct ib_error err;
	pattern(&img, 16384, 1, 3);
	ck_assert_int_eq(codec_webp.encode(&img, &opts, &file, &err), -1);
	ck_assert_str_eq(err.msg, "WebP: image larger than 16383 pixels a side");
	ck_assert_uint_eq(file.len, 0);
	image_free(&img);
	buffer_free(&file);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("webp");
	TCase *tc = tcase_create("codec");
	tcase_add_test(tc, test_lossless_round_trip_rgb_and_rgba);
	tcase_add_test(tc, test_gray_becomes_rgb_and_icc_is_carried);
	tcase_add_test(tc, test_too_wide_is_refused_with_a_reason);
	suite_add_tcase(s, tc);
	return s;
}

