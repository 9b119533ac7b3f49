#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "codec/metadata.h"
#include "tests/check_main.h"

/* ---- metadata_set and metadata_copy --------------------------------------- */

START_TEST(test_set_limits)
{
	static uint8_t big[METADATA_MAX_BLOCK + 1];
	const uint8_t *block = NULL;
	size_t len = 0;
	metadata_set(&block, &len, big, sizeof big);
	ck_assert_ptr_null(block);
	metadata_set(&block, &len, big, 0);
	ck_assert_ptr_null(block);
	metadata_set(&block, &len, big, METADATA_MAX_BLOCK);
	ck_assert_ptr_eq(block, big);
	ck_assert_uint_eq(len, METADATA_MAX_BLOCK);
}
END_TEST

START_TEST(test_copy)
{
	const uint8_t exif[] = "II*", comment[] = "hello";
	struct metadata m = { .exif = exif, .exif_len = 3, .comment = comment, .comment_len = 5 };
	uint8_t *copy;
	ck_assert_int_eq(metadata_copy(&m, &copy), 0);
	ck_assert_ptr_nonnull(copy);
	ck_assert_ptr_ne(m.exif, exif);
	ck_assert_mem_eq(m.exif, "II*", 3);
	ck_assert_mem_eq(m.comment, "hello", 5);
	ck_assert_ptr_null(m.xmp);
	ck_assert_ptr_null(m.iptc);
	free(copy);
	struct metadata none = { 0 };
	ck_assert_int_eq(metadata_copy(&none, &copy), 0);
	ck_assert_ptr_null(copy);
}
END_TEST

/* ---- Photoshop resources ---------------------------------------------------- */

/* A resource block: a 0x03ED resource named "ab" (odd data, padded), then
 * IPTC (0x0404, unnamed) holding "\x1C\x02\x00XY". */
static const uint8_t irb[] =
	"8BIM\x03\xED\x02" "ab\0" "\0\0\0\x03" "xyz\0"
	"8BIM\x04\x04\0\0" "\0\0\0\x05" "\x1C\x02\x00XY\0";

START_TEST(test_iptc_found)
{
	const uint8_t *iptc;
	size_t n;
	ck_assert(metadata_iptc_from_irb(irb, sizeof irb - 1, &iptc, &n));
	ck_assert_uint_eq(n, 5);
	ck_assert_mem_eq(iptc, "\x1C\x02\x00XY", 5);
}
END_TEST

START_TEST(test_iptc_malformed)
{
	const uint8_t *iptc;
	size_t n;
	/* every cut of the block: found only once the IPTC data is whole */
	for (size_t cut = 0; cut < sizeof irb - 1; cut++) {
		uint8_t *part = malloc(cut + 1);
		memcpy(part, irb, cut);
		bool found = metadata_iptc_from_irb(part, cut, &iptc, &n);
		ck_assert(!found || (iptc >= part && iptc + n <= part + cut));
		free(part);
	}
	uint8_t bad[sizeof irb];
	memcpy(bad, irb, sizeof irb);
	bad[13] = 0x7F;                     /* the first resource's size runs past the end */
	ck_assert(!metadata_iptc_from_irb(bad, sizeof irb - 1, &iptc, &n));
	ck_assert(!metadata_iptc_from_irb((const uint8_t *)"8BIX", 4, &iptc, &n));
}
END_TEST

START_TEST(test_irb_round_trip)
{
	struct buffer out = { 0 };
	struct ib_error err;
	const uint8_t *iptc;
	size_t n;
	ck_assert_int_eq(metadata_irb_from_iptc((const uint8_t *)"\x1C\x02\x00XY", 5, &out, &err), 0);
	ck_assert_mem_eq(out.data, PHOTOSHOP_PREFIX, PHOTOSHOP_PREFIX_LEN);
	ck_assert_uint_eq(out.len, PHOTOSHOP_PREFIX_LEN + 12 + 6);   /* padded to even */
	ck_assert(metadata_iptc_from_irb(out.data + PHOTOSHOP_PREFIX_LEN,
					 out.len - PHOTOSHOP_PREFIX_LEN, &iptc, &n));
	ck_assert_uint_eq(n, 5);
	ck_assert_mem_eq(iptc, "\x1C\x02\x00XY", 5);
	buffer_free(&out);
}
END_TEST

/* ---- XMP orientation -------------------------------------------------------- */

static void upright(const char *in, const char *expected)
{
	size_t len = strlen(in);
	char *xmp = strdup(in);
	metadata_xmp_upright((uint8_t *)xmp, len);
	ck_assert_str_eq(xmp, expected);
	free(xmp);
}

START_TEST(test_xmp_upright)
{
	upright("<x tiff:Orientation=\"6\"/>", "<x tiff:Orientation=\"1\"/>");
	upright("<x tiff:Orientation='8'/>", "<x tiff:Orientation='1'/>");
	upright("<tiff:Orientation>3</tiff:Orientation>", "<tiff:Orientation>1</tiff:Orientation>");
	/* not a lone digit 1-8, another prefix, or cut: left alone */
	upright("<x tiff:Orientation=\"9\"/>", "<x tiff:Orientation=\"9\"/>");
	upright("<x tiff:Orientation=\"16\"/>", "<x tiff:Orientation=\"16\"/>");
	upright("<x t:Orientation=\"6\"/>", "<x t:Orientation=\"6\"/>");
	upright("<x tiff:Orientation=\"6", "<x tiff:Orientation=\"6");
	upright("", "");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("metadata");
	TCase *tc = tcase_create("blocks");
	tcase_add_test(tc, test_set_limits);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_iptc_found);
	tcase_add_test(tc, test_iptc_malformed);
	tcase_add_test(tc, test_irb_round_trip);
	tcase_add_test(tc, test_xmp_upright);
	suite_add_tcase(s, tc);
	return s;
}
