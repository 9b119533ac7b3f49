/* HEIF/AVIF colour: an nclx box with other primaries than sRGB's (iPhones'
 * Display P3) reaches the pipeline as an ICC profile made from it; sRGB's
 * primaries need none.  The files are AVIFs encoded here through libheif. */
#include "config.h"

#include <check.h>
#ifdef HAVE_LCMS2
#include <lcms2.h>
#endif
#include <libheif/heif.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "codec/icc.h"
#include "tests/check_main.h"

struct bytes {
	uint8_t *data;
	size_t len;
};

static struct heif_error append(struct heif_context *ctx, const void *data, size_t size,
				void *userdata)
{
	struct bytes *b = userdata;
	(void)ctx;
	b->data = realloc(b->data, b->len + size);
	ck_assert_ptr_nonnull(b->data);
	memcpy(b->data + b->len, data, size);
	b->len += size;
	return (struct heif_error){ heif_error_Ok, heif_suberror_Unspecified, "" };
}

/* A 16x16 mid-grey AVIF whose colr box says these primaries and curve. */
static struct bytes avif_with_nclx(enum heif_color_primaries primaries,
				   enum heif_transfer_characteristics transfer)
{
	struct heif_context *ctx = heif_context_alloc();
	struct heif_encoder *enc;
	struct heif_image *img;
	ck_assert_int_eq(heif_context_get_encoder_for_format(ctx, heif_compression_AV1, &enc).code,
			 heif_error_Ok);
	ck_assert_int_eq(heif_image_create(16, 16, heif_colorspace_RGB,
					   heif_chroma_interleaved_RGB, &img).code, heif_error_Ok);
	ck_assert_int_eq(heif_image_add_plane(img, heif_channel_interleaved, 16, 16, 8).code,
			 heif_error_Ok);
	int stride;
	uint8_t *p = heif_image_get_plane(img, heif_channel_interleaved, &stride);
	for (int y = 0; y < 16; y++)
		memset(p + (size_t)y * stride, 128, 48);
	struct heif_color_profile_nclx *nclx = heif_nclx_color_profile_alloc();
	nclx->color_primaries = primaries;
	nclx->transfer_characteristics = transfer;
	nclx->matrix_coefficients = heif_matrix_coefficients_ITU_R_BT_601_6;
	nclx->full_range_flag = 1;
	ck_assert_int_eq(heif_image_set_nclx_color_profile(img, nclx).code, heif_error_Ok);
	heif_nclx_color_profile_free(nclx);
	ck_assert_int_eq(heif_context_encode_image(ctx, img, enc, NULL, NULL).code, heif_error_Ok);
	struct bytes out = { NULL, 0 };
	struct heif_writer writer = { .writer_api_version = 1, .write = append };
	ck_assert_int_eq(heif_context_write(ctx, &writer, &out).code, heif_error_Ok);
	heif_encoder_release(enc);
	heif_image_release(img);
	heif_context_free(ctx);
	return out;
}

#ifdef HAVE_LCMS2
/* The red colorant (D50) of a profile. */
static cmsCIEXYZ red_of(const uint8_t *icc, size_t len)
{
	cmsHPROFILE p = cmsOpenProfileFromMem(icc, (cmsUInt32Number)len);
	ck_assert_ptr_nonnull(p);
	const cmsCIEXYZ *red = cmsReadTag(p, cmsSigRedColorantTag);
	ck_assert_ptr_nonnull(red);
	cmsCIEXYZ copy = *red;
	cmsCloseProfile(p);
	return copy;
}

START_TEST(test_nclx_display_p3_becomes_a_profile)
{
	struct bytes file = avif_with_nclx(heif_color_primaries_SMPTE_EG_432_1,
					   heif_transfer_characteristic_IEC_61966_2_1);
	struct decoder d = { 0 };
	struct ib_error err;
	ck_assert_int_eq(codec_avif.open(&d, file.data, file.len, &err), 0);
	ck_assert_ptr_nonnull(d.info.icc);
	ck_assert(!icc_is_srgb(d.info.icc, d.info.icc_len));
	uint8_t *p3;
	size_t p3_len;
	ck_assert_int_eq(icc_profile_make("p3", &p3, &p3_len, &err), 0);
	cmsCIEXYZ got = red_of(d.info.icc, d.info.icc_len), want = red_of(p3, p3_len);
	ck_assert_msg(fabs(got.X - want.X) < 0.002 && fabs(got.Y - want.Y) < 0.002,
		      "red colorant %f %f, Display P3's %f %f", got.X, got.Y, want.X, want.Y);
	free(p3);
	codec_avif.close(&d);
	free(file.data);
}
END_TEST
#endif

START_TEST(test_nclx_srgb_needs_no_profile)
{
	struct bytes file = avif_with_nclx(heif_color_primaries_ITU_R_BT_709_5,
					   heif_transfer_characteristic_IEC_61966_2_1);
	struct decoder d = { 0 };
	struct ib_error err;
	ck_assert_int_eq(codec_avif.open(&d, file.data, file.len, &err), 0);
	ck_assert_ptr_null(d.info.icc);
	codec_avif.close(&d);
	free(file.data);
	/* HDR (PQ) is no profile's to describe: taken as sRGB */
	file = avif_with_nclx(heif_color_primaries_ITU_R_BT_2020_2_and_2100_0,
			      heif_transfer_characteristic_ITU_R_BT_2100_0_PQ);
	ck_assert_int_eq(codec_avif.open(&d, file.data, file.len, &err), 0);
	ck_assert_ptr_null(d.info.icc);
	codec_avif.close(&d);
	free(file.data);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("heif");
	TCase *tc = tcase_create("colour");
	tcase_set_timeout(tc, 60);
#ifdef HAVE_LCMS2
	tcase_add_test(tc, test_nclx_display_p3_becomes_a_profile);
#endif
	tcase_add_test(tc, test_nclx_srgb_needs_no_profile);
	suite_add_tcase(s, tc);
	return s;
}
