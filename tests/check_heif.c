/* HEIF/AVIF colour: an nclx box with other primaries than sRGB's (iPhones'
 * Display P3) reaches the pipeline as an ICC profile made from it; sRGB's
 * primaries need none.  The thumbnail item is decoded instead of the image
 * when it covers the size asked for, has the image's aspect ratio and its
 * orientation.  The files are encoded here through libheif. */
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

/* ---- the thumbnail item ---- */

/* Quadrant colours, top-left, top-right, bottom-left, bottom-right: the
 * primary image's, and the thumbnail's (told apart from the primary's). */
static const uint8_t primary_colours[4][3] = {
	{ 230, 20, 20 }, { 20, 230, 20 }, { 20, 20, 230 }, { 230, 230, 230 },
};
static const uint8_t thumb_colours[4][3] = {
	{ 20, 230, 230 }, { 230, 20, 230 }, { 230, 230, 20 }, { 20, 20, 20 },
};

/* A w x h RGB picture of four quadrants in colours. */
static struct heif_image *quadrants(int w, int h, const uint8_t colours[4][3])
{
	struct heif_image *img;
	ck_assert_int_eq(heif_image_create(w, h, heif_colorspace_RGB, heif_chroma_interleaved_RGB,
					   &img).code, heif_error_Ok);
	ck_assert_int_eq(heif_image_add_plane(img, heif_channel_interleaved, w, h, 8).code,
			 heif_error_Ok);
	int stride;
	uint8_t *p = heif_image_get_plane(img, heif_channel_interleaved, &stride);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			memcpy(p + (size_t)y * stride + 3 * x, colours[(y >= h / 2) * 2 + (x >= w / 2)], 3);
	return img;
}

static struct heif_encoding_options *oriented(enum heif_orientation o)
{
	struct heif_encoding_options *opts = heif_encoding_options_alloc();
	opts->image_orientation = o;
	return opts;
}

/* A 256x192 HEIC (stored size) shown after orientation o, with a tw x th
 * thumbnail item in thumb_colours whose own orientation is thumb_o.  The
 * sizes are at least 64 px a side: libheif wraps smaller HEVC images in a
 * grid.  (libheif 1.15's heif_context_assign_thumbnail makes the master the
 * thumbnail, so the thumbnail is scaled by libheif from twice its size.) */
static struct bytes heic_with_thumbnail(enum heif_orientation o, int tw, int th,
					enum heif_orientation thumb_o)
{
	struct heif_context *ctx = heif_context_alloc();
	struct heif_encoder *enc;
	struct heif_image_handle *primary, *thumb;
	ck_assert_int_eq(heif_context_get_encoder_for_format(ctx, heif_compression_HEVC, &enc).code,
			 heif_error_Ok);
	heif_encoder_set_lossy_quality(enc, 90);
	struct heif_image *img = quadrants(256, 192, primary_colours);
	struct heif_encoding_options *opts = oriented(o);
	ck_assert_int_eq(heif_context_encode_image(ctx, img, enc, opts, &primary).code,
			 heif_error_Ok);
	heif_image_release(img);
	heif_encoding_options_free(opts);
	img = quadrants(2 * tw, 2 * th, thumb_colours);
	opts = oriented(thumb_o);
	ck_assert_int_eq(heif_context_encode_thumbnail(ctx, img, primary, enc, opts,
						       tw > th ? tw : th, &thumb).code, heif_error_Ok);
	ck_assert_ptr_nonnull(thumb);
	heif_image_release(img);
	heif_encoding_options_free(opts);
	struct bytes out = { NULL, 0 };
	struct heif_writer writer = { .writer_api_version = 1, .write = append };
	ck_assert_int_eq(heif_context_write(ctx, &writer, &out).code, heif_error_Ok);
	heif_image_handle_release(thumb);
	heif_image_handle_release(primary);
	heif_encoder_release(enc);
	heif_context_free(ctx);
	return out;
}

/* Decodes file asking for at least min_w x min_h. */
static void decode_file(const struct bytes *file, uint32_t min_w, uint32_t min_h,
			struct image *out)
{
	struct decoder d = { 0 };
	struct ib_error err;
	ck_assert_int_eq(codec_heif.open(&d, file->data, file->len, &err), 0);
	ck_assert_msg(codec_heif.decode(&d, min_w, min_h, 0, out, &err) == 0, "%s", err.msg);
	codec_heif.close(&d);
}

/* Which of colours the pixel at (x, y) of img is nearest, or -1 when it is
 * none of them. */
static int colour_at(const struct image *img, uint32_t x, uint32_t y, const uint8_t colours[4][3])
{
	const uint8_t *p = image_row(img, y) + x * img->channels;
	for (int i = 0; i < 4; i++)
		if (abs(p[0] - colours[i][0]) < 40 && abs(p[1] - colours[i][1]) < 40 &&
		    abs(p[2] - colours[i][2]) < 40)
			return i;
	return -1;
}

/* The quadrant layout of img: which colour each upright quadrant shows. */
static void layout(const struct image *img, const uint8_t colours[4][3], int out[4])
{
	for (int q = 0; q < 4; q++)
		out[q] = colour_at(img, img->width / 4 + (q & 1) * img->width / 2,
				   img->height / 4 + (q >> 1) * img->height / 2, colours);
}

START_TEST(test_thumbnail_item_decoded_when_it_covers)
{
	struct bytes file = heic_with_thumbnail(heif_orientation_normal, 128, 96,
						heif_orientation_normal);
	struct image img;
	int got[4];
	decode_file(&file, 64, 48, &img);
	ck_assert_uint_eq(img.width, 128);
	ck_assert_uint_eq(img.height, 96);
	layout(&img, thumb_colours, got);
	ck_assert_msg(got[0] == 0 && got[3] == 3, "the thumbnail's colours not decoded");
	image_free(&img);
	/* one side more than it holds: the primary image */
	decode_file(&file, 129, 48, &img);
	ck_assert_uint_eq(img.width, 256);
	layout(&img, primary_colours, got);
	ck_assert_msg(got[0] == 0 && got[3] == 3, "the primary's colours not decoded");
	image_free(&img);
	decode_file(&file, 0, 0, &img);
	ck_assert_uint_eq(img.width, 256);
	image_free(&img);
	free(file.data);
}
END_TEST

/* A thumbnail whose aspect ratio is off by more than a pixel (letterboxed,
 * or just wrong) is not used; one pixel of rounding is. */
START_TEST(test_thumbnail_item_of_another_aspect_refused)
{
	static const int sizes[][3] = { { 128, 128, 256 }, { 128, 98, 256 }, { 128, 97, 128 } };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct bytes file = heic_with_thumbnail(heif_orientation_normal, sizes[i][0],
							sizes[i][1], heif_orientation_normal);
		struct image img;
		decode_file(&file, 64, 48, &img);
		ck_assert_msg(img.width == (uint32_t)sizes[i][2], "%dx%d thumbnail: %u wide",
			      sizes[i][0], sizes[i][1], img.width);
		image_free(&img);
		free(file.data);
	}
}
END_TEST

/* The primary's irot/imir turn the thumbnail upright too, whether the
 * thumbnail has none of its own (as iPhones write) or the same; one with
 * other transforms than the primary's is not used. */
START_TEST(test_thumbnail_item_oriented_like_the_primary)
{
	for (int o = heif_orientation_normal; o <= heif_orientation_rotate_270_cw; o++)
		for (int same = 0; same <= 1; same++) {
			struct bytes file = heic_with_thumbnail(
				(enum heif_orientation)o, 128, 96,
				same ? (enum heif_orientation)o : heif_orientation_normal);
			struct image full, thumb;
			int want[4], got[4];
			decode_file(&file, 0, 0, &full);
			decode_file(&file, full.width / 4, full.height / 4, &thumb);
			ck_assert_uint_eq(thumb.width * 2, full.width);
			ck_assert_uint_eq(thumb.height * 2, full.height);
			layout(&full, primary_colours, want);
			layout(&thumb, thumb_colours, got);
			ck_assert_msg(memcmp(want, got, sizeof want) == 0 && want[0] >= 0,
				      "orientation %d (thumbnail's %s): quadrants %d%d%d%d, not %d%d%d%d",
				      o, same ? "the same" : "none", got[0], got[1], got[2], got[3],
				      want[0], want[1], want[2], want[3]);
			image_free(&full);
			image_free(&thumb);
			free(file.data);
		}
	struct bytes file = heic_with_thumbnail(heif_orientation_normal, 128, 96,
						heif_orientation_rotate_180);
	struct image img;
	decode_file(&file, 64, 48, &img);
	ck_assert_uint_eq(img.width, 256);
	image_free(&img);
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
	tc = tcase_create("thumbnail");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_thumbnail_item_decoded_when_it_covers);
	tcase_add_test(tc, test_thumbnail_item_of_another_aspect_refused);
	tcase_add_test(tc, test_thumbnail_item_oriented_like_the_primary);
	suite_add_tcase(s, tc);
	return s;
}
