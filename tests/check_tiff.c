/* TIFF through the codec table: the encoder's output read back by our
 * decoder in every 8-bit layout over several strips, the ICC profile
 * carried, and libtiff's errors kept as the reason, never printed. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec/codec.h"
#include "tests/check_main.h"

/* A w x h 8-bit image of the layout with a recognisable pattern; alpha, if
 * any, opaque, as our decoder gets RGBA premultiplied from libtiff. */
static void pattern(struct image *img, uint32_t w, uint32_t h, uint32_t channels)
{
	struct ib_error err;
	ck_assert_int_eq(image_alloc(img, w, h, channels, 8, 0, &err), 0);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w * channels; x++)
			image_row(img, y)[x] = channels == 4 && x % 4 == 3 ? 255 : (uint8_t)(x * 7 + y * 13);
}

static void decode(const struct buffer *file, struct decoder *dec, struct image *out)
{
	struct ib_error err;
	ck_assert_ptr_eq(codec_sniff(file->data, file->len), &codec_tiff);
	ck_assert_int_eq(codec_tiff.open(dec, file->data, file->len, &err), 0);
	ck_assert_int_eq(codec_tiff.decode(dec, 0, 0, 0, out, &err), 0);
}

/* 300 RGBA pixels a row make 54 rows a strip: 130 rows are three strips,
 * the last one short. */
START_TEST(test_round_trip_in_every_layout)
{
	for (uint32_t channels = 1; channels <= 4; channels++) {
		struct image img = { 0 }, back = { 0 };
		struct buffer file = { 0 };
		struct decoder dec = { 0 };
		struct encode_options opts = { .compression = 6 };
		struct ib_error err;
		pattern(&img, 300, 130, channels);
		ck_assert_int_eq(codec_tiff.encode(&img, &opts, &file, &err), 0);
		decode(&file, &dec, &back);
		ck_assert_uint_eq(back.channels, channels);
		ck_assert_uint_eq(back.height, 130);
		for (uint32_t y = 0; y < img.height; y++)
			ck_assert_mem_eq(image_row(&back, y), image_row(&img, y), 300 * channels);
		ck_assert_ptr_null(dec.info.icc);
		codec_tiff.close(&dec);
		image_free(&img);
		image_free(&back);
		buffer_free(&file);
	}
}
END_TEST

START_TEST(test_icc_is_carried_after_bytes_already_in_the_buffer)
{
	static const uint8_t profile[] = "not really a profile, but bytes to carry";
	struct image img = { 0 }, back = { 0 };
	struct buffer file = { 0 }, tail = { 0 };
	struct decoder dec = { 0 };
	struct encode_options opts = { .compression = 9, .icc = profile, .icc_len = sizeof profile };
	struct ib_error err;
	pattern(&img, 16, 9, 3);
	ck_assert_int_eq(buffer_append(&file, "prefix", 6, &err), 0);
	ck_assert_int_eq(codec_tiff.encode(&img, &opts, &file, &err), 0);
	ck_assert_mem_eq(file.data, "prefix", 6);
	ck_assert_int_eq(buffer_append(&tail, file.data + 6, file.len - 6, &err), 0);
	decode(&tail, &dec, &back);
	ck_assert_uint_eq(dec.info.icc_len, sizeof profile);
	ck_assert_mem_eq(dec.info.icc, profile, sizeof profile);
	ck_assert_mem_eq(image_row(&back, 8), image_row(&img, 8), 16 * 3);
	codec_tiff.close(&dec);
	image_free(&img);
	image_free(&back);
	buffer_free(&file);
	buffer_free(&tail);
}
END_TEST

START_TEST(test_libtiff_error_is_the_reason_and_nothing_is_printed)
{
	struct image img = { 0 };
	struct buffer file = { 0 };
	struct encode_options opts = { .compression = 99 };
	struct ib_error err;
	FILE *captured = tmpfile();
	ck_assert_ptr_nonnull(captured);
	ck_assert_int_eq(dup2(fileno(captured), STDERR_FILENO), STDERR_FILENO);
	pattern(&img, 4, 4, 3);
	ck_assert_int_eq(codec_tiff.encode(&img, &opts, &file, &err), -1);
	ck_assert_msg(strncmp(err.msg, "TIFF: cannot write the image: ", 30) == 0 && err.msg[30],
		      "reason: %s", err.msg);
	ck_assert_uint_eq(file.len, 0);
	fflush(stderr);
	ck_assert_int_eq(lseek(STDERR_FILENO, 0, SEEK_END), 0);
	image_free(&img);
	buffer_free(&file);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("tiff");
	TCase *tc = tcase_create("codec");
	tcase_add_test(tc, test_round_trip_in_every_layout);
	tcase_add_test(tc, test_icc_is_carried_after_bytes_already_in_the_buffer);
	tcase_add_test(tc, test_libtiff_error_is_the_reason_and_nothing_is_printed);
	suite_add_tcase(s, tc);
	return s;
}
