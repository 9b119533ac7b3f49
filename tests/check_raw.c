/* Telling camera RAWs from other files by content (raw.c's rule): the
 * formats with their own magic, and TIFFs, which stay TIFF unless they are
 * a CR2, a DNG or a maker's CFA RAW that libraw opens. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include "codec/codec.h"
#include "codec/exif.h"
#include "tests/check_main.h"

#define SIDE 64   /* libraw takes no RAW under 22 pixels a side */

struct tiff_spec {
	const char *make;
	bool dng;                 /* with DNGVersion */
	bool cfa;                 /* a 16-bit RGGB mosaic, else 8-bit RGB */
};

/* Rows of either layout: the buffer holds a row of the larger. */
static void write_rows(TIFF *tif)
{
	uint8_t row[SIDE * 3] = { 0 };
	for (uint32_t y = 0; y < SIDE; y++) {
		memset(row, (int)(y * 4), sizeof row);
		ck_assert_int_ge(TIFFWriteScanline(tif, row, y, 0), 0);
	}
}

/* A SIDE x SIDE TIFF as spec says, read back whole into *len bytes. */
static uint8_t *make_tiff(const struct tiff_spec *spec, size_t *len)
{
	static const uint8_t dng_version[4] = { 1, 4, 0, 0 };
	static const uint16_t dim[2] = { 2, 2 };
	static const uint8_t rggb[4] = { 0, 1, 1, 2 };
	char path[] = "/tmp/check_raw.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	TIFF *tif = TIFFFdOpen(fd, path, "w");
	ck_assert_ptr_nonnull(tif);
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, SIDE);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, SIDE);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, spec->cfa ? 16 : 8);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, spec->cfa ? 1 : 3);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, spec->cfa ? 32803 : PHOTOMETRIC_RGB);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, SIDE);
	TIFFSetField(tif, TIFFTAG_MAKE, spec->make);
	TIFFSetField(tif, TIFFTAG_MODEL, "Test");
	if (spec->cfa) {
		TIFFSetField(tif, TIFFTAG_CFAREPEATPATTERNDIM, dim);
		TIFFSetField(tif, TIFFTAG_CFAPATTERN, 4, rggb);
	}
	if (spec->dng)
		TIFFSetField(tif, TIFFTAG_DNGVERSION, dng_version);
	write_rows(tif);
	TIFFClose(tif);
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	uint8_t *data = malloc(1 << 17);
	ck_assert_ptr_nonnull(data);
	*len = fread(data, 1, 1 << 17, f);
	fclose(f);
	unlink(path);
	return data;
}

/* What codec_sniff says of the whole file and of its first bytes alone. */
static void assert_sniffed(const struct tiff_spec *spec, const struct codec *whole)
{
	size_t len;
	uint8_t *data = make_tiff(spec, &len);
	ck_assert_ptr_eq(codec_sniff(data, len), whole);
	ck_assert_ptr_eq(codec_sniff(data, CODEC_SNIFF_BYTES), &codec_tiff);
	free(data);
}

START_TEST(test_plain_tiff_from_a_camera_maker_stays_tiff)
{
	assert_sniffed(&(struct tiff_spec){ .make = "NIKON CORPORATION" }, &codec_tiff);
	assert_sniffed(&(struct tiff_spec){ .make = "SONY" }, &codec_tiff);
	assert_sniffed(&(struct tiff_spec){ .make = "Canon" }, &codec_tiff);
}
END_TEST

START_TEST(test_dng_version_makes_a_dng)
{
	assert_sniffed(&(struct tiff_spec){ .make = "Canon", .dng = true, .cfa = true }, &codec_dng);
	/* DNGVersion decides even on an RGB image (a linear DNG) */
	assert_sniffed(&(struct tiff_spec){ .make = "NIKON CORPORATION", .dng = true }, &codec_dng);
}
END_TEST

START_TEST(test_maker_cfa_tiff_is_that_makers_raw)
{
	assert_sniffed(&(struct tiff_spec){ .make = "NIKON CORPORATION", .cfa = true }, &codec_nef);
	/* a CFA mosaic from a maker without a TIFF-based RAW stays TIFF */
	assert_sniffed(&(struct tiff_spec){ .make = "Acme", .cfa = true }, &codec_tiff);
}
END_TEST

START_TEST(test_own_magic)
{
	static const struct {
		const char *head;
		size_t len;
		const struct codec *codec;
	} cases[] = {
		{ "II*\0\x10\0\0\0CR\2\0", 12, &codec_cr2 },
		{ "II*\0\x10\0\0\0CR\3\0", 12, &codec_tiff },   /* not major version 2 */
		{ "\0\0\0\x18" "ftypcrx ", 12, &codec_cr3 },
		{ "FUJIFILMCCD-RAW 0201", 20, &codec_raf },
		{ "IIU\0\x08\0\0\0", 8, &codec_rw2 },
		{ "IIRO\x08\0\0\0", 8, &codec_orf },
		{ "IIRS\x08\0\0\0", 8, &codec_orf },
		{ "MMOR\0\0\0\x08", 8, &codec_orf },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_ptr_eq(codec_sniff((const uint8_t *)cases[i].head, cases[i].len),
				 cases[i].codec);
}
END_TEST

START_TEST(test_ifd0_string_stays_inside_the_data)
{
	/* IFD0 at 8: one entry, Make (ASCII, 6 bytes at 26) */
	uint8_t tiff[32] = "II*\0\x08\0\0\0\x01\0\x0f\x01\x02\0\x06\0\0\0\x1a\0\0\0\0\0\0\0NIKON";
	char make[8];
	ck_assert(exif_ifd0_string(tiff, sizeof tiff, 0x010F, make, sizeof make));
	ck_assert_str_eq(make, "NIKON");
	ck_assert(exif_ifd0_string(tiff, sizeof tiff, 0x010F, make, 4));
	ck_assert_str_eq(make, "NIK");
	ck_assert(!exif_ifd0_string(tiff, 30, 0x010F, make, sizeof make));   /* cut */
	ck_assert(!exif_ifd0_string(tiff, sizeof tiff, 0x0110, make, sizeof make));
	ck_assert(exif_ifd0_has(tiff, sizeof tiff, 0x010F));
	ck_assert(!exif_ifd0_has(tiff, sizeof tiff, 0xC612));
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("raw");
	TCase *tc = tcase_create("sniff");
	tcase_add_test(tc, test_plain_tiff_from_a_camera_maker_stays_tiff);
	tcase_add_test(tc, test_dng_version_makes_a_dng);
	tcase_add_test(tc, test_maker_cfa_tiff_is_that_makers_raw);
	tcase_add_test(tc, test_own_magic);
	tcase_add_test(tc, test_ifd0_string_stays_inside_the_data);
	suite_add_tcase(s, tc);
	return s;
}
