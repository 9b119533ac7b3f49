/* TIFF through the codec table: the encoder's output read back by our
 * decoder in every 8-bit layout over several strips, the ICC profile
 * carried, libtiff's errors kept as the reason, never printed; and the pages
 * read sample by sample (tiff_samples.c), made here with libtiff: 32-bit and
 * floating-point, signed, 16-bit CMYK, CIELab, in strips and tiles. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include "codec/codec.h"
#include "codec/icc.h"
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

/* struct page's photometric for a page without the tag. */
#define NO_PHOTOMETRIC 0xffff

/* One page for make_tiff: samples in native byte order, rows top first. */
struct page {
	uint32_t w, h;
	uint16_t photometric, bits, format, spp;
	uint16_t extra;         /* EXTRASAMPLE_* of the last sample, 0 for none */
	uint32_t tile;          /* tile width and height (multiple of 16), 0 for strips */
	const void *samples;
};

static size_t page_row(const struct page *p)
{
	return (size_t)p->w * p->spp * (p->bits / 8);
}

/* The page's tiles, edges padded with zeros. */
static void write_tiles(TIFF *tif, const struct page *p)
{
	size_t px = (size_t)p->spp * (p->bits / 8), tile_row = p->tile * px;
	uint8_t *tile = malloc(tile_row * p->tile);
	ck_assert_ptr_nonnull(tile);
	for (uint32_t ty = 0; ty < p->h; ty += p->tile)
		for (uint32_t tx = 0; tx < p->w; tx += p->tile) {
			memset(tile, 0, tile_row * p->tile);
			for (uint32_t y = ty; y < p->h && y < ty + p->tile; y++) {
				uint32_t cols = p->w - tx < p->tile ? p->w - tx : p->tile;
				memcpy(tile + (y - ty) * tile_row,
				       (const uint8_t *)p->samples + y * page_row(p) + tx * px, cols * px);
			}
			ck_assert_int_ge(TIFFWriteTile(tif, tile, tx, ty, 0, 0), 0);
		}
	free(tile);
}

/* p as a TIFF file in *file, written by libtiff (one row a strip). */
static void make_tiff(const struct page *p, struct buffer *file)
{
	struct ib_error err;
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	TIFF *tif = TIFFFdOpen(dup(fileno(f)), "fixture", "w");
	ck_assert_ptr_nonnull(tif);
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, p->w);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, p->h);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, p->bits);
	TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, p->format);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, p->spp);
	if (p->photometric != NO_PHOTOMETRIC)
		TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, p->photometric);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
	if (p->extra)
		TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, &p->extra);
	if (p->tile) {
		TIFFSetField(tif, TIFFTAG_TILEWIDTH, p->tile);
		TIFFSetField(tif, TIFFTAG_TILELENGTH, p->tile);
		write_tiles(tif, p);
	} else {
		TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 1);
		for (uint32_t y = 0; y < p->h; y++)
			ck_assert_int_eq(TIFFWriteScanline(tif, (uint8_t *)p->samples + y * page_row(p), y, 0), 1);
	}
	TIFFClose(tif);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long len = ftell(f);
	ck_assert_int_gt(len, 0);
	rewind(f);
	*file = (struct buffer){ 0 };
	uint8_t chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ck_assert_int_eq(buffer_append(file, chunk, n, &err), 0);
	fclose(f);
}

/* Decodes p as written; *out is the image, checked for channels and depth. */
static void decode_page(const struct page *p, uint32_t channels, uint32_t depth, struct image *out)
{
	struct buffer file;
	struct decoder dec = { 0 };
	make_tiff(p, &file);
	decode(&file, &dec, out);
	ck_assert_uint_eq(dec.info.channels, channels);
	ck_assert_uint_eq(dec.info.depth, depth);
	ck_assert_uint_eq(out->channels, channels);
	ck_assert_uint_eq(out->depth, depth);
	ck_assert_uint_eq(out->width, p->w);
	ck_assert_uint_eq(out->height, p->h);
	codec_tiff.close(&dec);
	buffer_free(&file);
}

static uint32_t sample_at(const struct image *img, uint32_t x, uint32_t y, uint32_t c)
{
	return image_sample(image_row(img, y) + x * image_bytes_per_pixel(img), img->depth, c);
}

/* The sRGB encoding of linear 0.5 at 16 bits. */
#define SRGB_HALF 48192

/* RGB floats are linear light (libvips' scRGB): clipped to 0..1, NaN as 0,
 * then the sRGB curve; 32 and 64 bits alike. */
START_TEST(test_float_rgb_is_linear_light)
{
	static const float f32[] = { 0.5f, 0.0f, 2.0f, -1.0f, NAN, 1.0f };
	static const double f64[] = { 0.5, 0.0, 2.0, -1.0, NAN, 1.0 };
	const void *samples[] = { f32, f64 };
	for (int i = 0; i < 2; i++) {
		struct page p = { .w = 2, .h = 1, .photometric = PHOTOMETRIC_RGB,
				  .bits = i ? 64 : 32, .format = SAMPLEFORMAT_IEEEFP, .spp = 3,
				  .samples = samples[i] };
		struct image img = { 0 };
		decode_page(&p, 3, 16, &img);
		uint32_t want[] = { SRGB_HALF, 0, 65535, 0, 0, 65535 };
		for (uint32_t k = 0; k < 6; k++)
			ck_assert_uint_eq(sample_at(&img, k / 3, 0, k % 3), want[k]);
		image_free(&img);
	}
}
END_TEST

/* Associated alpha: the colour is divided by it before the curve. */
START_TEST(test_float_rgba_associated_alpha_is_undone)
{
	static const float f32[] = { 0.25f, 0.25f, 0.0f, 0.5f };
	struct page p = { .w = 1, .h = 1, .photometric = PHOTOMETRIC_RGB, .bits = 32,
			  .format = SAMPLEFORMAT_IEEEFP, .spp = 4,
			  .extra = EXTRASAMPLE_ASSOCALPHA, .samples = f32 };
	struct image img = { 0 };
	decode_page(&p, 4, 16, &img);
	ck_assert_uint_eq(sample_at(&img, 0, 0, 0), SRGB_HALF);
	ck_assert_uint_eq(sample_at(&img, 0, 0, 2), 0);
	ck_assert_uint_eq(sample_at(&img, 0, 0, 3), 32768);
	image_free(&img);
}
END_TEST

/* 32-bit integers keep their top 16 bits, in strips and in tiles (20 x 18
 * over 16 x 16 tiles: four, three of them cut). */
START_TEST(test_uint32_keeps_its_top_bits_in_strips_and_tiles)
{
	uint32_t v[20 * 18];
	for (uint32_t i = 0; i < 20 * 18; i++)
		v[i] = i * 11930464u; /* spread over the whole 32-bit range */
	for (uint32_t tile = 0; tile <= 16; tile += 16) {
		struct page p = { .w = 20, .h = 18, .photometric = PHOTOMETRIC_MINISBLACK,
				  .bits = 32, .format = SAMPLEFORMAT_UINT, .spp = 1,
				  .tile = tile, .samples = v };
		struct image img = { 0 };
		decode_page(&p, 1, 16, &img);
		for (uint32_t y = 0; y < 18; y++)
			for (uint32_t x = 0; x < 20; x++) {
				uint32_t want = (uint32_t)(v[y * 20 + x] / 4294967295.0 * 65535 + 0.5);
				ck_assert_uint_eq(sample_at(&img, x, y, 0), want);
			}
		image_free(&img);
	}
}
END_TEST

/* Signed samples: negatives are 0, the rest keep their scale (libvips'
 * cast to the unsigned type of the same width). */
START_TEST(test_signed_samples_clip_at_zero)
{
	static const int8_t s8[] = { -128, -1, 0, 100, 127 };
	static const int16_t s16[] = { -5, 32767, 1000 };
	struct page gray = { .w = 5, .h = 1, .photometric = PHOTOMETRIC_MINISBLACK, .bits = 8,
			     .format = SAMPLEFORMAT_INT, .spp = 1, .samples = s8 };
	struct page rgb = { .w = 1, .h = 1, .photometric = PHOTOMETRIC_RGB, .bits = 16,
			    .format = SAMPLEFORMAT_INT, .spp = 3, .samples = s16 };
	struct image img = { 0 };
	decode_page(&gray, 1, 8, &img);
	ck_assert_mem_eq(image_row(&img, 0), ((uint8_t[]){ 0, 0, 0, 100, 127 }), 5);
	image_free(&img);
	decode_page(&rgb, 3, 16, &img);
	ck_assert_uint_eq(sample_at(&img, 0, 0, 0), 0);
	ck_assert_uint_eq(sample_at(&img, 0, 0, 1), 32767);
	ck_assert_uint_eq(sample_at(&img, 0, 0, 2), 1000);
	image_free(&img);
}
END_TEST

/* A page without a Photometric tag is gray (one sample) or RGB, as the
 * RGBA interface assumes: Pillow's 10ct_32bit_128.tiff is 32-bit float so. */
START_TEST(test_float_page_without_photometric)
{
	static const float f32[] = { 1.0f, 0.25f };
	struct page p = { .w = 2, .h = 1, .photometric = NO_PHOTOMETRIC, .bits = 32,
			  .format = SAMPLEFORMAT_IEEEFP, .spp = 1, .samples = f32 };
	struct image img = { 0 };
	decode_page(&p, 1, 16, &img);
	ck_assert_uint_eq(sample_at(&img, 0, 0, 0), 65535);
	ck_assert_uint_eq(sample_at(&img, 1, 0, 0), 16384);
	image_free(&img);
}
END_TEST

/* 16-bit CMYK without a profile: R = (1 - C)(1 - K), as 8-bit CMYK and
 * CMYK JPEGs are converted; tiled too. */
START_TEST(test_cmyk16_is_inverted_inks)
{
	uint16_t v[20 * 18 * 4];
	for (uint32_t i = 0; i < 20 * 18; i++) {
		uint16_t px[4] = { 65535, 0, (uint16_t)(i * 180), i % 2 ? 32768 : 0 };
		memcpy(v + 4 * i, px, sizeof px);
	}
	struct page p = { .w = 20, .h = 18, .photometric = PHOTOMETRIC_SEPARATED, .bits = 16,
			  .format = SAMPLEFORMAT_UINT, .spp = 4, .tile = 16, .samples = v };
	struct image img = { 0 };
	decode_page(&p, 3, 16, &img);
	for (uint32_t i = 0; i < 20 * 18; i++) {
		uint32_t x = i % 20, y = i / 20;
		double white = i % 2 ? 1 - 32768 / 65535.0 : 1;
		ck_assert_uint_eq(sample_at(&img, x, y, 0), 0);
		ck_assert_uint_eq(sample_at(&img, x, y, 1), (uint32_t)(white * 65535 + 0.5));
		ck_assert_uint_eq(sample_at(&img, x, y, 2),
				  (uint32_t)((1 - i * 180 / 65535.0) * white * 65535 + 0.5));
	}
	image_free(&img);
}
END_TEST

/* CIELab (a and b signed) and ICCLab (offset by 128) through Little CMS:
 * white, black and mid gray stay neutral; +a is red, -a green. */
START_TEST(test_cielab_becomes_srgb)
{
	static const uint8_t cielab[] = { 255, 0, 0, 0, 0, 0, 128, 0, 0, 128, 80, 0, 128, 0xb0, 0 };
	static const uint8_t icclab[] = { 255, 128, 128, 0, 128, 128, 128, 128, 128, 128, 208, 128,
					  128, 48, 128 };
	const uint8_t *samples[] = { cielab, icclab };
	uint16_t photometric[] = { PHOTOMETRIC_CIELAB, PHOTOMETRIC_ICCLAB };
	if (!icc_available())
		return;
	for (int i = 0; i < 2; i++) {
		struct page p = { .w = 5, .h = 1, .photometric = photometric[i], .bits = 8,
				  .format = SAMPLEFORMAT_UINT, .spp = 3, .samples = samples[i] };
		struct image img = { 0 };
		decode_page(&p, 3, 8, &img);
		const uint8_t *o = image_row(&img, 0);
		for (int c = 0; c < 3; c++) {
			ck_assert_uint_ge(o[c], 254);
			ck_assert_uint_le(o[3 + c], 1);
			/* L 50.2: Y 0.186, sRGB 119 */
			ck_assert_uint_ge(o[6 + c], 118);
			ck_assert_uint_le(o[6 + c], 120);
		}
		ck_assert_uint_gt(o[9], o[10] + 100);
		ck_assert_uint_gt(o[13], o[12] + 50);
		image_free(&img);
	}
}
END_TEST

/* --max-pixels refuses before anything is read or allocated, and a cut
 * file fails with libtiff's reason. */
START_TEST(test_limits_and_damage)
{
	float f[64 * 3] = { 0 };
	struct page p = { .w = 8, .h = 8, .photometric = PHOTOMETRIC_RGB, .bits = 32,
			  .format = SAMPLEFORMAT_IEEEFP, .spp = 3, .samples = f };
	struct buffer file;
	struct decoder dec = { 0 };
	struct image img = { 0 };
	struct ib_error err;
	make_tiff(&p, &file);
	ck_assert_int_eq(codec_tiff.open(&dec, file.data, file.len, &err), 0);
	ck_assert_int_eq(codec_tiff.decode(&dec, 0, 0, 63, &img, &err), -1);
	ck_assert_msg(strstr(err.msg, "--max-pixels") != NULL, "reason: %s", err.msg);
	ck_assert_ptr_null(img.pixels);
	codec_tiff.close(&dec);
	/* the strips lie at the start, the directory at the end: cut in the strips */
	uint8_t *cut = malloc(file.len);
	ck_assert_ptr_nonnull(cut);
	memcpy(cut, file.data, file.len);
	memset(cut + 8, 0xff, 40);
	ck_assert_int_eq(codec_tiff.open(&dec, cut, file.len, &err), 0);
	ck_assert_int_eq(codec_tiff.decode(&dec, 0, 0, 0, &img, &err), -1);
	ck_assert_msg(strncmp(err.msg, "TIFF: cannot decode the page: ", 30) == 0, "reason: %s",
		      err.msg);
	ck_assert_ptr_null(img.pixels);
	codec_tiff.close(&dec);
	free(cut);
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
	tcase_add_test(tc, test_float_rgb_is_linear_light);
	tcase_add_test(tc, test_float_rgba_associated_alpha_is_undone);
	tcase_add_test(tc, test_uint32_keeps_its_top_bits_in_strips_and_tiles);
	tcase_add_test(tc, test_signed_samples_clip_at_zero);
	tcase_add_test(tc, test_float_page_without_photometric);
	tcase_add_test(tc, test_cmyk16_is_inverted_inks);
	tcase_add_test(tc, test_cielab_becomes_srgb);
	tcase_add_test(tc, test_limits_and_damage);
	suite_add_tcase(s, tc);
	return s;
}
