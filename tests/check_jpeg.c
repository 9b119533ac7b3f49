#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <jpeglib.h>

#include "codec/codec.h"
#include "codec/image.h"
#include "codec/jpeg_dc_decode.h"
#include "tests/check_main.h"

/* ---- helpers --------------------------------------------------------------- */

/* A smooth test pattern: horizontal, vertical and diagonal ramps. */
static void make_gradient(struct image *img, uint32_t w, uint32_t h, uint32_t channels)
{
	struct ib_error err = { 0 };
	ck_assert_int_eq(image_alloc(img, w, h, channels, 8, 0, &err), 0);
	for (uint32_t y = 0; y < h; y++) {
		uint8_t *row = image_row(img, y);
		for (uint32_t x = 0; x < w; x++) {
			uint8_t *p = row + (size_t)x * channels;
			p[0] = (uint8_t)(x * 255 / (w - 1));
			if (channels == 3) {
				p[1] = (uint8_t)(y * 255 / (h - 1));
				p[2] = (uint8_t)((x + y) * 127 / (w + h - 2) + 64);
			}
		}
	}
}

static void fill_flat(struct image *img, uint8_t value)
{
	for (uint32_t y = 0; y < img->height; y++)
		memset(image_row(img, y), value, (size_t)img->width * img->channels);
}

static void encode_ok(const struct image *img, int quality, bool progressive,
		      const uint8_t *icc, size_t icc_len, struct buffer *out)
{
	struct encode_options opts = {
		.quality = quality,
		.progressive = progressive,
		.icc = icc,
		.icc_len = icc_len,
	};
	struct ib_error err = { 0 };
	ck_assert_msg(codec_jpeg.encode(img, &opts, out, &err) == 0, "encode: %s", err.msg);
	ck_assert_uint_gt(out->len, 3);
}

/* Open + decode + close; info (optional) gets the header, without icc. */
static int decode_jpeg(const uint8_t *data, size_t len, uint32_t min_w, uint32_t min_h,
		       uint64_t max_pixels, struct image *out, struct image_info *info,
		       struct ib_error *err)
{
	struct decoder d = { 0 };
	if (codec_jpeg.open(&d, data, len, err) < 0)
		return -1;
	ck_assert_ptr_eq(d.codec, &codec_jpeg);
	if (info) {
		*info = d.info;
		info->icc = NULL;
	}
	int ret = codec_jpeg.decode(&d, min_w, min_h, max_pixels, out, err);
	codec_jpeg.close(&d);
	ck_assert_ptr_null(d.state);
	return ret;
}

static void decode_ok(const struct buffer *jpg, uint32_t min_w, uint32_t min_h,
		      struct image *out, struct image_info *info)
{
	struct ib_error err = { 0 };
	ck_assert_msg(decode_jpeg(jpg->data, jpg->len, min_w, min_h, 0, out, info, &err) == 0,
		      "decode: %s", err.msg);
}

static void expect_decode_failure(const uint8_t *data, size_t len, const char *reason)
{
	struct image out;
	struct ib_error err = { 0 };
	ck_assert_int_eq(decode_jpeg(data, len, 0, 0, 0, &out, NULL, &err), -1);
	ck_assert_str_eq(err.msg, reason);
	ck_assert_ptr_null(out.pixels);
	ck_assert_uint_eq(out.width, 0);
}

struct diff {
	unsigned max;
	double psnr;
};

static struct diff compare(const struct image *a, const struct image *b)
{
	ck_assert_uint_eq(a->width, b->width);
	ck_assert_uint_eq(a->height, b->height);
	ck_assert_uint_eq(a->channels, b->channels);
	struct diff d = { 0, 0 };
	double sq = 0;
	size_t n = (size_t)a->width * a->channels;
	for (uint32_t y = 0; y < a->height; y++) {
		for (size_t i = 0; i < n; i++) {
			int e = image_row(a, y)[i] - image_row(b, y)[i];
			unsigned ae = (unsigned)abs(e);
			if (ae > d.max)
				d.max = ae;
			sq += (double)e * e;
		}
	}
	double mse = sq / ((double)n * a->height);
	d.psnr = mse == 0 ? INFINITY : 10 * log10(255.0 * 255.0 / mse);
	return d;
}

/* Offset of the first marker FF <code> after SOI, or 0. */
static size_t find_marker(const struct buffer *jpg, uint8_t code)
{
	for (size_t i = 2; i + 1 < jpg->len; i++)
		if (jpg->data[i] == 0xFF && jpg->data[i + 1] == code)
			return i;
	return 0;
}

/*
 * Direct libjpeg compression for files our encoder never writes: CMYK/YCCK,
 * and extra APP1 markers.  pixels holds width * height * components samples.
 */
struct raw_jpeg {
	uint32_t width, height;
	int components;
	J_COLOR_SPACE in_space, jpeg_space;
	bool adobe_marker;
	const uint8_t *pixels;
	const uint8_t *app1[2];
	size_t app1_len[2];
	int quality;                    /* 0: 100 */
	int h_samp, v_samp;             /* the first component's; 0: libjpeg's */
	bool progressive;               /* libjpeg's script unless scans */
	const jpeg_scan_info *scans;
	int num_scans;
	int restart_rows;
};

static void compress_raw(const struct raw_jpeg *r, struct buffer *out)
{
	struct jpeg_compress_struct cinfo;
	struct jpeg_error_mgr jerr;
	unsigned char *mem = NULL;
	unsigned long mem_len = 0;

	cinfo.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&cinfo);
	jpeg_mem_dest(&cinfo, &mem, &mem_len);
	cinfo.image_width = r->width;
	cinfo.image_height = r->height;
	cinfo.input_components = r->components;
	cinfo.in_color_space = r->in_space;
	jpeg_set_defaults(&cinfo);
	jpeg_set_colorspace(&cinfo, r->jpeg_space);
	cinfo.write_Adobe_marker = r->adobe_marker;
	jpeg_set_quality(&cinfo, r->quality ? r->quality : 100, TRUE);
	if (r->h_samp) {
		cinfo.comp_info[0].h_samp_factor = r->h_samp;
		cinfo.comp_info[0].v_samp_factor = r->v_samp;
	}
	if (r->progressive)
		jpeg_simple_progression(&cinfo);
	if (r->scans) {
		cinfo.scan_info = r->scans;
		cinfo.num_scans = r->num_scans;
	}
	cinfo.restart_in_rows = r->restart_rows;
	jpeg_start_compress(&cinfo, TRUE);
	for (int i = 0; i < 2; i++)
		if (r->app1[i])
			jpeg_write_marker(&cinfo, JPEG_APP0 + 1, r->app1[i],
					  (unsigned)r->app1_len[i]);
	while (cinfo.next_scanline < cinfo.image_height) {
		JSAMPROW row = (JSAMPROW)r->pixels +
			(size_t)cinfo.next_scanline * r->width * (size_t)r->components;
		jpeg_write_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);

	out->data = malloc(mem_len);
	ck_assert_ptr_nonnull(out->data);
	memcpy(out->data, mem, mem_len);
	out->len = out->cap = mem_len;
	free(mem);
}

/* ---- sniff ----------------------------------------------------------------- */

START_TEST(test_sniff)
{
	static const uint8_t jpg[] = { 0xFF, 0xD8, 0xFF, 0xE0 };
	static const uint8_t png[] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
	static const uint8_t soi_only[] = { 0xFF, 0xD8, 0x00 };
	ck_assert(codec_jpeg.sniff(jpg, sizeof jpg));
	ck_assert(codec_jpeg.sniff(jpg, 3));
	ck_assert(!codec_jpeg.sniff(jpg, 2));
	ck_assert(!codec_jpeg.sniff(jpg, 0));
	ck_assert(!codec_jpeg.sniff(png, sizeof png));
	ck_assert(!codec_jpeg.sniff(soi_only, sizeof soi_only));
	ck_assert_str_eq(codec_jpeg.name, "jpeg");
	ck_assert_str_eq(codec_jpeg.extension, "jpg");
	ck_assert_int_eq(codec_jpeg.format, FORMAT_JPEG);
}
END_TEST

/* ---- round trips ----------------------------------------------------------- */

START_TEST(test_rgb_round_trip)
{
	struct image img, back;
	struct image_info info;
	struct buffer jpg = { 0 };
	make_gradient(&img, 64, 48, 3);
	encode_ok(&img, 95, false, NULL, 0, &jpg);
	ck_assert_mem_eq(jpg.data, "\xFF\xD8\xFF", 3);
	ck_assert_uint_ne(find_marker(&jpg, 0xC0), 0);         /* baseline */
	decode_ok(&jpg, 0, 0, &back, &info);
	ck_assert_uint_eq(info.width, 64);
	ck_assert_uint_eq(info.height, 48);
	ck_assert_uint_eq(info.channels, 3);
	ck_assert_uint_eq(info.depth, 8);
	ck_assert_int_eq(info.orientation, 1);
	ck_assert_uint_eq(info.icc_len, 0);
	ck_assert_uint_eq(back.channels, 3);
	ck_assert_uint_eq(back.depth, 8);
	struct diff d = compare(&img, &back);
	ck_assert_uint_le(d.max, 4);
	ck_assert_double_ge(d.psnr, 45);
	image_free(&img);
	image_free(&back);
	buffer_free(&jpg);
}
END_TEST

START_TEST(test_gray_round_trip)
{
	struct image img, back;
	struct image_info info;
	struct buffer jpg = { 0 };
	make_gradient(&img, 40, 30, 1);
	encode_ok(&img, 95, false, NULL, 0, &jpg);
	decode_ok(&jpg, 0, 0, &back, &info);
	ck_assert_uint_eq(info.channels, 1);
	ck_assert_uint_eq(back.channels, 1);
	ck_assert_uint_eq(back.width, 40);
	ck_assert_uint_eq(back.height, 30);
	struct diff d = compare(&img, &back);
	ck_assert_uint_le(d.max, 3);
	ck_assert_double_ge(d.psnr, 45);
	/* One component in the SOF0: 8 bits, 30 rows, 40 columns, 1 component. */
	size_t sof = find_marker(&jpg, 0xC0);
	ck_assert_uint_ne(sof, 0);
	ck_assert_mem_eq(jpg.data + sof + 4, "\x08\x00\x1E\x00\x28\x01", 6);
	image_free(&img);
	image_free(&back);
	buffer_free(&jpg);
}
END_TEST

START_TEST(test_progressive_round_trip)
{
	struct image img, back;
	struct buffer jpg = { 0 };
	make_gradient(&img, 64, 48, 3);
	encode_ok(&img, 95, true, NULL, 0, &jpg);
	ck_assert_uint_ne(find_marker(&jpg, 0xC2), 0);         /* SOF2 */
	ck_assert_uint_eq(find_marker(&jpg, 0xC0), 0);
	decode_ok(&jpg, 0, 0, &back, NULL);
	struct diff d = compare(&img, &back);
	ck_assert_uint_le(d.max, 4);
	ck_assert_double_ge(d.psnr, 45);
	image_free(&img);
	image_free(&back);
	buffer_free(&jpg);
}
END_TEST

START_TEST(test_low_quality_round_trip)
{
	struct image img, back;
	struct buffer jpg = { 0 }, best = { 0 };
	make_gradient(&img, 64, 48, 3);
	encode_ok(&img, 10, false, NULL, 0, &jpg);
	encode_ok(&img, 100, false, NULL, 0, &best);
	ck_assert_uint_lt(jpg.len, best.len);
	decode_ok(&jpg, 0, 0, &back, NULL);
	ck_assert_double_ge(compare(&img, &back).psnr, 25);
	image_free(&back);
	decode_ok(&best, 0, 0, &back, NULL);
	ck_assert_uint_le(compare(&img, &back).max, 3);
	image_free(&img);
	image_free(&back);
	buffer_free(&jpg);
	buffer_free(&best);
}
END_TEST

/* Component 1's sampling byte: 0x22 for 4:2:0, 0x11 for 4:4:4. */
START_TEST(test_chroma_subsampling_policy)
{
	static const struct { int quality; uint8_t luma_sampling; } cases[] = {
		{ 50, 0x22 }, { 89, 0x22 }, { 90, 0x11 }, { 100, 0x11 },
	};
	struct image img;
	make_gradient(&img, 32, 16, 3);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buffer jpg = { 0 };
		encode_ok(&img, cases[i].quality, false, NULL, 0, &jpg);
		size_t sof = find_marker(&jpg, 0xC0);
		ck_assert_uint_ne(sof, 0);
		ck_assert_uint_eq(jpg.data[sof + 9], 3);           /* components */
		ck_assert_uint_eq(jpg.data[sof + 11], cases[i].luma_sampling);
		ck_assert_uint_eq(jpg.data[sof + 14], 0x11);        /* Cb */
		ck_assert_uint_eq(jpg.data[sof + 17], 0x11);        /* Cr */
		buffer_free(&jpg);
	}
	image_free(&img);
}
END_TEST

START_TEST(test_encode_appends)
{
	struct image img, back;
	struct buffer jpg = { malloc(3), 3, 3 };
	ck_assert_ptr_nonnull(jpg.data);
	memcpy(jpg.data, "abc", 3);
	make_gradient(&img, 16, 16, 3);
	encode_ok(&img, 80, false, NULL, 0, &jpg);
	ck_assert_mem_eq(jpg.data, "abc\xFF\xD8\xFF", 6);
	ck_assert_mem_eq(jpg.data + jpg.len - 2, "\xFF\xD9", 2);
	struct ib_error err = { 0 };
	ck_assert_int_eq(decode_jpeg(jpg.data + 3, jpg.len - 3, 0, 0, 0, &back, NULL, &err), 0);
	ck_assert_uint_eq(back.width, 16);
	image_free(&img);
	image_free(&back);
	buffer_free(&jpg);
}
END_TEST

/* Larger than the 64 KiB first chunk: the destination has to grow. */
START_TEST(test_encode_grows_buffer)
{
	struct image img, back;
	struct buffer jpg = { 0 };
	make_gradient(&img, 512, 512, 3);
	for (uint32_t y = 0; y < 512; y++)         /* noise compresses badly */
		for (uint32_t x = 0; x < 512 * 3; x++)
			image_row(&img, y)[x] ^= (uint8_t)((x * 2654435761u + y * 40503u) >> 13);
	encode_ok(&img, 100, false, NULL, 0, &jpg);
	ck_assert_uint_gt(jpg.len, 4 * 65536);
	ck_assert_uint_le(jpg.len, jpg.cap);
	decode_ok(&jpg, 0, 0, &back, NULL);
	ck_assert_double_ge(compare(&img, &back).psnr, 35);
	image_free(&img);
	image_free(&back);
	buffer_free(&jpg);
}
END_TEST

/* ---- encode refusals ------------------------------------------------------- */

START_TEST(test_encode_rejects_layouts)
{
	static const struct { uint32_t channels, depth; const char *reason; } cases[] = {
		{ 2, 8, "JPEG: cannot encode a 8-bit image with 2 channels (needs 8-bit gray or RGB)" },
		{ 4, 8, "JPEG: cannot encode a 8-bit image with 4 channels (needs 8-bit gray or RGB)" },
		{ 3, 16, "JPEG: cannot encode a 16-bit image with 3 channels (needs 8-bit gray or RGB)" },
		{ 1, 16, "JPEG: cannot encode a 16-bit image with 1 channels (needs 8-bit gray or RGB)" },
	};
	struct encode_options opts = { .quality = 90 };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct image img;
		struct buffer jpg = { 0 };
		struct ib_error err = { 0 };
		ck_assert_int_eq(image_alloc(&img, 4, 4, cases[i].channels, cases[i].depth, 0, &err), 0);
		memset(img.pixels, 0, img.stride * 4);
		ck_assert_int_eq(codec_jpeg.encode(&img, &opts, &jpg, &err), -1);
		ck_assert_str_eq(err.msg, cases[i].reason);
		ck_assert_uint_eq(jpg.len, 0);
		image_free(&img);
	}
}
END_TEST

START_TEST(test_encode_rejects_options)
{
	struct image img;
	struct buffer jpg = { 0 };
	struct ib_error err = { 0 };
	static const uint8_t icc[16];
	make_gradient(&img, 8, 8, 3);

	struct encode_options opts = { .quality = 0 };
	ck_assert_int_eq(codec_jpeg.encode(&img, &opts, &jpg, &err), -1);
	ck_assert_str_eq(err.msg, "JPEG: quality 0 is outside 1..100");
	opts.quality = 101;
	ck_assert_int_eq(codec_jpeg.encode(&img, &opts, &jpg, &err), -1);
	ck_assert_str_eq(err.msg, "JPEG: quality 101 is outside 1..100");

	/* Only the length is looked at before refusing. */
	opts = (struct encode_options) { .quality = 90, .icc = icc, .icc_len = 255 * 65519 + 1 };
	ck_assert_int_eq(codec_jpeg.encode(&img, &opts, &jpg, &err), -1);
	ck_assert_str_eq(err.msg, "JPEG: ICC profile of 16707346 bytes is too large to embed");
	ck_assert_uint_eq(jpg.len, 0);
	image_free(&img);
}
END_TEST

/* A libjpeg error in mid-encode leaves the buffer as it was. */
START_TEST(test_encode_libjpeg_error_restores_buffer)
{
	struct image img;
	struct buffer jpg = { malloc(2), 2, 2 };
	struct ib_error err = { 0 };
	struct encode_options opts = { .quality = 90 };
	ck_assert_ptr_nonnull(jpg.data);
	memcpy(jpg.data, "ok", 2);
	ck_assert_int_eq(image_alloc(&img, 70000, 1, 1, 8, 0, &err), 0);
	fill_flat(&img, 7);
	ck_assert_int_eq(codec_jpeg.encode(&img, &opts, &jpg, &err), -1);
	ck_assert_str_eq(err.msg, "JPEG: Maximum supported image dimension is 65500 pixels");
	ck_assert_uint_eq(jpg.len, 2);
	ck_assert_mem_eq(jpg.data, "ok", 2);
	image_free(&img);
	buffer_free(&jpg);
}
END_TEST

/* ---- shrink on load -------------------------------------------------------- */

static const struct {
	uint32_t min_w, min_h, w, h;
} shrink_cases[] = {
	{ 0, 0, 1600, 1200 },
	{ 200, 150, 200, 150 },         /* 1/8 */
	{ 1, 1, 200, 150 },
	{ 201, 150, 400, 300 },         /* 2/8 */
	{ 200, 151, 400, 300 },
	{ 400, 0, 1600, 1200 },         /* 0 on either side: full size */
	{ 401, 300, 600, 450 },         /* 3/8 */
	{ 0, 300, 1600, 1200 },
	{ 401, 451, 800, 600 },         /* 4/8 */
	{ 1400, 1050, 1400, 1050 },     /* 7/8 */
	{ 1401, 0, 1600, 1200 },
	{ 1600, 1200, 1600, 1200 },
	{ 5000, 5000, 1600, 1200 },     /* never upscales */
};

START_TEST(test_shrink_on_load)
{
	struct image img, back;
	struct image_info info;
	struct buffer jpg = { 0 };
	struct ib_error err = { 0 };
	ck_assert_int_eq(image_alloc(&img, 1600, 1200, 3, 8, 0, &err), 0);
	fill_flat(&img, 200);
	encode_ok(&img, 75, false, NULL, 0, &jpg);
	decode_ok(&jpg, shrink_cases[_i].min_w, shrink_cases[_i].min_h, &back, &info);
	ck_assert_uint_eq(info.width, 1600);
	ck_assert_uint_eq(info.height, 1200);
	ck_assert_uint_eq(back.width, shrink_cases[_i].w);
	ck_assert_uint_eq(back.height, shrink_cases[_i].h);
	ck_assert_uint_eq(back.channels, 3);
	/* A flat image stays flat at every scale. */
	for (uint32_t y = 0; y < back.height; y += 7)
		for (uint32_t x = 0; x < back.width * 3; x += 5)
			ck_assert_int_le(abs(image_row(&back, y)[x] - 200), 1);
	image_free(&img);
	image_free(&back);
	buffer_free(&jpg);
}
END_TEST

START_TEST(test_shrink_rounds_up_odd_sizes)
{
	/* libjpeg-turbo rounds scaled sizes up: ceil(1001 / 8) = 126. */
	struct image img, back;
	struct buffer jpg = { 0 };
	make_gradient(&img, 1001, 17, 1);
	encode_ok(&img, 75, true, NULL, 0, &jpg);
	decode_ok(&jpg, 100, 1, &back, NULL);
	ck_assert_uint_eq(back.width, 126);
	ck_assert_uint_eq(back.height, 3);
	ck_assert_uint_eq(back.channels, 1);
	image_free(&back);
	decode_ok(&jpg, 127, 1, &back, NULL);
	ck_assert_uint_eq(back.width, 251);                 /* ceil(2002 / 8) */
	ck_assert_uint_eq(back.height, 5);                  /* ceil(34 / 8) */
	image_free(&img);
	image_free(&back);
	buffer_free(&jpg);
}
END_TEST

/* ---- CMYK ------------------------------------------------------------------ */

/*
 * 16x16 patches: with YCCK's 2x2 subsampled chroma, one DCT block each, so
 * only DC terms: plain CMYK at q=100 (all quantisers 1) is then lossless, and
 * YCCK nearly so.  The check skips the 4 pixels next to each patch edge,
 * where chroma upsampling blends neighbours.
 * Expected RGB from R = (255 - C)(255 - K) / 255 rounded, etc.
 */
static const struct {
	uint8_t cmyk[4], rgb[3];
} cmyk_patches[] = {
	{ { 0, 0, 0, 0 }, { 255, 255, 255 } },
	{ { 255, 0, 0, 0 }, { 0, 255, 255 } },
	{ { 0, 255, 255, 0 }, { 255, 0, 0 } },
	{ { 0, 0, 0, 255 }, { 0, 0, 0 } },
	{ { 0, 0, 0, 128 }, { 127, 127, 127 } },        /* 255 * 127 / 255 */
	/* 204 * 204 / 255 = 163.2, 153 * 204 / 255 = 122.4, 102 * 204 / 255 = 81.6 */
	{ { 51, 102, 153, 51 }, { 163, 122, 82 } },
};
#define N_PATCHES (sizeof cmyk_patches / sizeof cmyk_patches[0])
#define PATCH 16

static void check_cmyk(J_COLOR_SPACE jpeg_space, bool adobe, bool inverted, int tolerance)
{
	static uint8_t pixels[PATCH][N_PATCHES * PATCH][4];
	for (int y = 0; y < PATCH; y++)
		for (size_t x = 0; x < N_PATCHES * PATCH; x++)
			for (int c = 0; c < 4; c++) {
				uint8_t v = cmyk_patches[x / PATCH].cmyk[c];
				pixels[y][x][c] = inverted ? (uint8_t)(255 - v) : v;
			}
	struct raw_jpeg raw = {
		.width = N_PATCHES * PATCH, .height = PATCH, .components = 4,
		.in_space = JCS_CMYK, .jpeg_space = jpeg_space,
		.adobe_marker = adobe, .pixels = &pixels[0][0][0],
	};
	struct buffer jpg = { 0 };
	struct image back;
	struct image_info info;
	compress_raw(&raw, &jpg);
	decode_ok(&jpg, 0, 0, &back, &info);
	ck_assert_uint_eq(info.channels, 3);
	ck_assert_uint_eq(back.channels, 3);
	ck_assert_uint_eq(back.width, N_PATCHES * PATCH);
	ck_assert_uint_eq(back.height, PATCH);
	for (uint32_t y = 4; y < PATCH - 4; y++)
		for (uint32_t x = 0; x < back.width; x++) {
			if (x % PATCH < 4 || x % PATCH >= PATCH - 4)
				continue;
			for (int c = 0; c < 3; c++)
				ck_assert_int_le(abs(image_row(&back, y)[x * 3 + c] -
						     cmyk_patches[x / PATCH].rgb[c]), tolerance);
		}
	image_free(&back);
	buffer_free(&jpg);
}

START_TEST(test_cmyk_plain)
{
	check_cmyk(JCS_CMYK, false, false, 0);
}
END_TEST

START_TEST(test_cmyk_adobe_inverted)
{
	check_cmyk(JCS_CMYK, true, true, 0);
}
END_TEST

START_TEST(test_ycck_adobe_inverted)
{
	check_cmyk(JCS_YCCK, true, true, 2);
}
END_TEST

/* Two components: neither gray, nor colour, nor CMYK. */
START_TEST(test_unknown_color_space)
{
	uint8_t samples[8 * 8 * 2];
	memset(samples, 100, sizeof samples);
	struct raw_jpeg raw = {
		.width = 8, .height = 8, .components = 2,
		.in_space = JCS_UNKNOWN, .jpeg_space = JCS_UNKNOWN,
		.pixels = samples,
	};
	struct buffer jpg = { 0 };
	struct decoder d = { 0 };
	struct ib_error err = { 0 };
	compress_raw(&raw, &jpg);
	ck_assert_int_eq(codec_jpeg.open(&d, jpg.data, jpg.len, &err), -1);
	ck_assert_str_eq(err.msg, "JPEG: unsupported colour space (2 components)");
	ck_assert_ptr_null(d.state);
	buffer_free(&jpg);
}
END_TEST

/* ---- corrupt input --------------------------------------------------------- */

#define TRUNCATED "JPEG: truncated data (premature end of file)"

static void check_truncations(bool progressive)
{
	struct image img;
	struct buffer jpg = { 0 };
	make_gradient(&img, 256, 192, 3);
	encode_ok(&img, 90, progressive, NULL, 0, &jpg);
	/* Cut at half: the header is whole, open succeeds, decode fails. */
	expect_decode_failure(jpg.data, jpg.len / 2, TRUNCATED);
	/* Only EOI missing. */
	expect_decode_failure(jpg.data, jpg.len - 2, TRUNCATED);
	/* Cut inside the header: open fails. */
	struct decoder d = { 0 };
	struct ib_error err = { 0 };
	ck_assert_int_eq(codec_jpeg.open(&d, jpg.data, 30, &err), -1);
	ck_assert_str_eq(err.msg, TRUNCATED);
	ck_assert_ptr_null(d.state);
	image_free(&img);
	buffer_free(&jpg);
}

START_TEST(test_truncated_baseline)
{
	check_truncations(false);
}
END_TEST

START_TEST(test_truncated_progressive)
{
	check_truncations(true);
}
END_TEST

START_TEST(test_garbage_after_soi)
{
	uint8_t junk[200];
	struct decoder d = { 0 };
	struct ib_error err = { 0 };
	junk[0] = 0xFF;
	junk[1] = 0xD8;
	for (size_t i = 2; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	/* No 0xFF anywhere: libjpeg skips to the end looking for a marker. */
	ck_assert_int_eq(codec_jpeg.open(&d, junk, sizeof junk, &err), -1);
	ck_assert_ptr_null(d.state);
	ck_assert_str_eq(err.msg, TRUNCATED);
	/* FF 7A: 2 * 37 + 11 = 0x55, 3 * 37 + 11 = 0x7A. */
	junk[2] = 0xFF;
	ck_assert_int_eq(codec_jpeg.open(&d, junk, sizeof junk, &err), -1);
	ck_assert_ptr_null(d.state);
	ck_assert_str_eq(err.msg, "JPEG: Unsupported marker type 0x7a");
}
END_TEST

/* A well-formed header without tables: open succeeds, decode fails. */
START_TEST(test_missing_tables)
{
	static const uint8_t jpg[] = {
		0xFF, 0xD8,
		0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x10, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00,
		0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00,
		0x01, 0x02, 0x03, 0x04,
		0xFF, 0xD9,
	};
	expect_decode_failure(jpg, sizeof jpg, "JPEG: Quantization table 0x00 was not defined");
}
END_TEST

START_TEST(test_not_a_jpeg)
{
	static const uint8_t png[] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
	struct decoder d = { 0 };
	struct ib_error err = { 0 };
	ck_assert_int_eq(codec_jpeg.open(&d, png, sizeof png, &err), -1);
	ck_assert_str_eq(err.msg, "JPEG: Not a JPEG file: starts with 0x89 0x50");
	ck_assert_int_eq(codec_jpeg.open(&d, png, 0, &err), -1);
	ck_assert_str_eq(err.msg, "JPEG: Empty input file");
}
END_TEST

/* Every scanline is intact but a bogus marker stands where EOI should. */
START_TEST(test_bad_marker_instead_of_eoi)
{
	struct image img;
	struct buffer jpg = { 0 };
	make_gradient(&img, 64, 48, 3);
	encode_ok(&img, 90, false, NULL, 0, &jpg);
	ck_assert_mem_eq(jpg.data + jpg.len - 2, "\xFF\xD9", 2);
	jpg.data[jpg.len - 1] = 0x7A;
	expect_decode_failure(jpg.data, jpg.len, "JPEG: Unsupported marker type 0x7a");
	image_free(&img);
	buffer_free(&jpg);
}
END_TEST

/* An EOI marker in the middle of the entropy-coded data. */
START_TEST(test_corrupt_scan)
{
	struct image img;
	struct buffer jpg = { 0 };
	make_gradient(&img, 256, 192, 3);
	encode_ok(&img, 90, false, NULL, 0, &jpg);
	size_t sos = find_marker(&jpg, 0xDA);
	ck_assert_uint_ne(sos, 0);
	size_t mid = sos + (jpg.len - sos) / 2;
	jpg.data[mid] = 0xFF;
	jpg.data[mid + 1] = 0xD9;
	expect_decode_failure(jpg.data, jpg.len,
			      "JPEG: corrupt data: premature end of data segment");
	image_free(&img);
	buffer_free(&jpg);
}
END_TEST

/* --fail-on's order: each level fails on the damage of those before it. */
START_TEST(test_fail_on_levels)
{
	static const struct { const char *level; bool fails[3]; } table[] = {
		{ "none", { false, false, false } },
		{ "truncated", { true, false, false } },
		{ "error", { true, true, false } },
		{ "warning", { true, true, true } },
	};
	static const enum damage kinds[3] = { DAMAGE_TRUNCATED, DAMAGE_ERROR, DAMAGE_WARNING };
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		for (int k = 0; k < 3; k++) {
			struct decoder d = { 0 };
			ck_assert_int_eq(fail_on_parse(table[i].level, &d.fail_on), 0);
			ck_assert_int_eq(decoder_warn(&d, kinds[k], "damage"), table[i].fails[k]);
			/* what does not fail is kept as the warning */
			ck_assert_str_eq(d.warning, table[i].fails[k] ? "" : "damage");
		}
	struct decoder d = { 0 };   /* the zero value: truncated */
	ck_assert(decoder_warn(&d, DAMAGE_TRUNCATED, "cut"));
	ck_assert(!decoder_warn(&d, DAMAGE_ERROR, "first"));
	ck_assert(!decoder_warn(&d, DAMAGE_WARNING, "second"));
	ck_assert_str_eq(d.warning, "first");
	ck_assert_int_eq(fail_on_parse("sometimes", &d.fail_on), -1);
}
END_TEST

/* Bytes before EOI: decoded with a warning, or failed under warning. */
START_TEST(test_extraneous_bytes_warning)
{
	struct image img, back;
	struct buffer jpg = { 0 };
	make_gradient(&img, 64, 48, 3);
	encode_ok(&img, 90, false, NULL, 0, &jpg);
	static const uint8_t junk[] = { 1, 2, 3, 0xFF, 0xD9 };
	jpg.len -= 2;
	ck_assert_int_eq(buffer_append(&jpg, junk, sizeof junk, NULL), 0);
	struct decoder d = { 0 };
	struct ib_error err = { 0 };
	ck_assert_int_eq(codec_jpeg.open(&d, jpg.data, jpg.len, &err), 0);
	ck_assert_int_eq(codec_jpeg.decode(&d, 0, 0, 1000000, &back, &err), 0);
	ck_assert_ptr_nonnull(strstr(d.warning, "extraneous bytes before marker 0xd9"));
	codec_jpeg.close(&d);
	image_free(&back);
	d = (struct decoder){ .fail_on = FAIL_ON_WARNING };
	ck_assert_int_eq(codec_jpeg.open(&d, jpg.data, jpg.len, &err), 0);
	ck_assert_int_eq(codec_jpeg.decode(&d, 0, 0, 1000000, &back, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "JPEG: corrupt data: "));
	ck_assert_ptr_null(back.pixels);
	codec_jpeg.close(&d);
	image_free(&img);
	buffer_free(&jpg);
}
END_TEST

/* ---- progressive files at 1/8: DC scans only ------------------------------- */

/* DC of each component in a scan of its own, then their AC. */
static const jpeg_scan_info separate_dc[] = {
	{ 1, { 0 }, 0, 0, 0, 0 }, { 1, { 1 }, 0, 0, 0, 0 }, { 1, { 2 }, 0, 0, 0, 0 },
	{ 1, { 0 }, 1, 63, 0, 0 }, { 1, { 1 }, 1, 63, 0, 0 }, { 1, { 2 }, 1, 63, 0, 0 },
};

/* DC without its two low bits, refined between AC scans, the last one only
 * after every AC scan. */
static const jpeg_scan_info refined_dc[] = {
	{ 3, { 0, 1, 2 }, 0, 0, 0, 2 },
	{ 1, { 0 }, 1, 63, 0, 0 },
	{ 3, { 0, 1, 2 }, 0, 0, 2, 1 },
	{ 1, { 1 }, 1, 63, 0, 0 },
	{ 2, { 0, 1 }, 0, 0, 1, 0 },
	{ 1, { 2 }, 1, 63, 0, 0 },
	{ 1, { 2 }, 0, 0, 1, 0 },
};
#define SCRIPT(s) s, (int)(sizeof s / sizeof s[0])

/* libjpeg's own script (jpegtran's and cjpeg's -progressive) has two DC
 * scans, the second after the luma AC scans. */
static const struct dc_case {
	int components;
	int h_samp, v_samp;
	const jpeg_scan_info *scans;   /* NULL: libjpeg's */
	int num_scans;
	int dc_scans;
	int restart_rows;
	bool ycck;                      /* Adobe YCCK, not plain CMYK */
} dc_cases[] = {
	{ 3, 2, 2, NULL, 0, 2, 0, false },
	{ 3, 2, 2, NULL, 0, 2, 1, false },
	{ 3, 2, 2, SCRIPT(refined_dc), 4, 0, false },
	{ 3, 2, 1, SCRIPT(separate_dc), 3, 0, false },
	{ 3, 2, 1, NULL, 0, 2, 2, false },
	{ 3, 1, 1, SCRIPT(refined_dc), 4, 1, false },
	{ 3, 1, 1, SCRIPT(separate_dc), 3, 0, false },
	{ 1, 1, 1, NULL, 0, 2, 0, false },
	{ 1, 1, 1, NULL, 0, 2, 1, false },
	{ 4, 1, 1, NULL, 0, 2, 0, false },
	{ 4, 1, 1, NULL, 0, 2, 1, false },
	{ 4, 2, 2, NULL, 0, 2, 1, true },
};

#define DC_W 203
#define DC_H 150

/* A detailed pattern (large AC terms), gray, RGB or CMYK. */
static void make_detailed(uint8_t *pixels, int components)
{
	for (uint32_t y = 0; y < DC_H; y++)
		for (uint32_t x = 0; x < DC_W; x++)
			for (int c = 0; c < components; c++) {
				double v = 128 + 90 * sin(x * 0.37 + c) * cos(y * 0.23 - c) +
					   (double)((x * 7919 + y * 104729 + (uint32_t)c * 31) % 29);
				*pixels++ = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
			}
}

static void compress_case(const struct dc_case *dc, bool progressive, struct buffer *out)
{
	static uint8_t pixels[DC_W * DC_H * 4];
	J_COLOR_SPACE space = dc->components == 1 ? JCS_GRAYSCALE :
			      dc->components == 3 ? JCS_RGB : JCS_CMYK;
	make_detailed(pixels, dc->components);
	struct raw_jpeg raw = {
		.width = DC_W, .height = DC_H, .components = dc->components,
		.in_space = space, .adobe_marker = dc->ycck,
		.jpeg_space = space == JCS_RGB ? JCS_YCbCr : dc->ycck ? JCS_YCCK : space,
		.pixels = pixels, .quality = 80,
		.h_samp = dc->h_samp, .v_samp = dc->v_samp,
		.progressive = progressive,
		.scans = progressive ? dc->scans : NULL, .num_scans = dc->num_scans,
		.restart_rows = dc->restart_rows,
	};
	compress_raw(&raw, out);
}

/*
 * The file with its first dc_scans DC scans only, then EOI, into out (which
 * libjpeg decodes as "the same scans"); returns where the last of them ends
 * in jpg.
 */
static size_t keep_dc_scans(const struct buffer *jpg, int dc_scans, struct buffer *out)
{
	static const uint8_t eoi[] = { 0xFF, 0xD9 };
	const uint8_t *d = jpg->data;
	size_t pos = 2;
	ck_assert_int_eq(buffer_append(out, d, 2, NULL), 0);
	while (dc_scans > 0) {
		ck_assert_uint_lt(pos + 4, jpg->len);
		ck_assert_uint_eq(d[pos], 0xFF);
		size_t end = pos + 2 + ((size_t)d[pos + 2] << 8 | d[pos + 3]);
		bool ac = false;
		if (d[pos + 1] == 0xDA) {
			ac = d[pos + 5 + 2 * d[pos + 4]] != 0;          /* Ss */
			dc_scans -= !ac;
			while (d[end] != 0xFF || d[end + 1] == 0 ||
			       (d[end + 1] >= 0xD0 && d[end + 1] <= 0xD7))
				end++;
		}
		if (!ac)
			ck_assert_int_eq(buffer_append(out, d + pos, end - pos, NULL), 0);
		pos = end;
	}
	ck_assert_int_eq(buffer_append(out, eoi, 2, NULL), 0);
	return pos;
}

/* libjpeg-turbo's own 1/8 decode (djpeg -scale 1/8 -dct int) without block
 * smoothing, which blurs DC-only data (see jpeg.c). */
static void libjpeg_eighth(const struct buffer *jpg, struct image *out)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_error_mgr jerr;
	struct ib_error err = { 0 };

	cinfo.err = jpeg_std_error(&jerr);
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, jpg->data, jpg->len);
	jpeg_read_header(&cinfo, TRUE);
	cinfo.scale_num = 1;
	cinfo.scale_denom = 8;
	cinfo.dct_method = JDCT_ISLOW;
	cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE :
				cinfo.num_components == 4 ? JCS_CMYK : JCS_RGB;
	cinfo.do_block_smoothing = FALSE;
	jpeg_start_decompress(&cinfo);
	ck_assert_int_eq(image_alloc(out, cinfo.output_width, cinfo.output_height,
				     (uint32_t)cinfo.output_components, 8, 0, &err), 0);
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW row = image_row(out, cinfo.output_scanline);
		jpeg_read_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_decompress(&cinfo);
	jpeg_destroy_decompress(&cinfo);
}

/* Our 1/8 equals libjpeg's of the DC scans alone (its colour conversion:
 * not CMYK's) within a level, exactly here. */
START_TEST(test_dc_scans_as_libjpeg)
{
	const struct dc_case *dc = &dc_cases[_i];
	struct buffer jpg = { 0 }, cut = { 0 };
	struct image ours, ref;
	if (dc->components == 4)
		return;
	compress_case(dc, true, &jpg);
	keep_dc_scans(&jpg, dc->dc_scans, &cut);
	decode_ok(&jpg, 1, 1, &ours, NULL);
	ck_assert_uint_eq(ours.width, (DC_W + 7) / 8);
	libjpeg_eighth(&cut, &ref);
	ck_assert_uint_eq(compare(&ours, &ref).max, 0);
	image_free(&ref);
	image_free(&ours);
	buffer_free(&jpg);
	buffer_free(&cut);
}
END_TEST

/*
 * With complete DCs, 1/8 is the full file's 1/8, which a baseline file with
 * the same tables gives: exactly, but for 4:2:0, whose chroma libjpeg
 * scales 2/8 (three AC terms, estimated without the AC scans).
 */
START_TEST(test_dc_scans_as_whole_file)
{
	const struct dc_case *dc = &dc_cases[_i];
	struct buffer jpg = { 0 }, baseline = { 0 };
	struct image ours, ref;
	if (dc->h_samp == 2 && dc->v_samp == 2)
		return;
	compress_case(dc, true, &jpg);
	compress_case(dc, false, &baseline);
	decode_ok(&jpg, 1, 1, &ours, NULL);
	decode_ok(&baseline, 1, 1, &ref, NULL);
	ck_assert_uint_eq(compare(&ours, &ref).max, 0);
	image_free(&ref);
	image_free(&ours);
	buffer_free(&jpg);
	buffer_free(&baseline);
}
END_TEST

/* Nothing after the DC scans is read at 1/8: garbage there fails 1/4 only. */
START_TEST(test_dc_scans_read_alone)
{
	const struct dc_case *dc = &dc_cases[_i];
	struct buffer jpg = { 0 }, cut = { 0 };
	struct image whole, damaged;
	struct ib_error err = { 0 };
	compress_case(dc, true, &jpg);
	size_t end = keep_dc_scans(&jpg, dc->dc_scans, &cut);
	decode_ok(&jpg, 1, 1, &whole, NULL);
	jpg.data[end + 1] = 0x7A;       /* an FF 7A marker, then junk */
	memset(jpg.data + end + 2, 0x5A, jpg.len - end - 2);
	decode_ok(&jpg, 1, 1, &damaged, NULL);
	ck_assert_uint_eq(compare(&whole, &damaged).max, 0);
	image_free(&damaged);
	ck_assert_int_eq(decode_jpeg(jpg.data, jpg.len, (DC_W + 7) / 8 + 1, 1, 0, &damaged, NULL,
				     &err), -1);
	ck_assert_str_eq(err.msg, "JPEG: Unsupported marker type 0x7a");
	image_free(&whole);
	buffer_free(&jpg);
	buffer_free(&cut);
}
END_TEST

/* A file cut before its DCs are complete is read whole at 1/8 too: libjpeg
 * reports the cut.  Cut after them, nothing is missed. */
START_TEST(test_dc_scans_cut)
{
	const struct dc_case *dc = &dc_cases[0];
	struct buffer jpg = { 0 }, cut = { 0 };
	struct image img;
	struct ib_error err = { 0 };
	compress_case(dc, true, &jpg);
	size_t end = keep_dc_scans(&jpg, dc->dc_scans, &cut);
	ck_assert_int_eq(decode_jpeg(jpg.data, end - 10, 1, 1, 0, &img, NULL, &err), -1);
	ck_assert_str_eq(err.msg, TRUNCATED);
	ck_assert_int_eq(decode_jpeg(jpg.data, end + 2, 1, 1, 0, &img, NULL, &err), 0);
	image_free(&img);
	buffer_free(&jpg);
	buffer_free(&cut);
}
END_TEST

/* jpeg_dc_decode's 1/8 image of jpg, as libjpeg outputs it (CMYK as CMYK),
 * into out when it returns 1. */
static int dc_decode(const struct buffer *jpg, enum dc_colour colour, struct image *out)
{
	struct jpeg_dc dc;
	struct ib_error err = { 0 };
	int ret = jpeg_dc_decode(jpg->data, jpg->len, colour, 500, &dc, &err);
	if (ret == 1) {
		ck_assert_int_eq(image_alloc(out, dc.width, dc.height, jpeg_dc_row_channels(&dc),
					     8, 0, &err), 0);
		for (uint32_t y = 0; y < dc.height; y++)
			jpeg_dc_row(&dc, y, image_row(out, y));
	}
	jpeg_dc_free(&dc);
	return ret;
}

static enum dc_colour case_colour(const struct dc_case *dc)
{
	return dc->components == 1 ? DC_GRAY : dc->components == 3 ? DC_YCBCR :
	       dc->ycck ? DC_YCCK : DC_CMYK;
}

/* The DC decoder itself (not libjpeg, which it leaves the unusual to) reads
 * every case, as libjpeg reads its DC scans: CMYK and YCCK too. */
START_TEST(test_dc_decoder_as_libjpeg)
{
	const struct dc_case *dc = &dc_cases[_i];
	struct buffer jpg = { 0 }, cut = { 0 };
	struct image ours, ref;
	compress_case(dc, true, &jpg);
	keep_dc_scans(&jpg, dc->dc_scans, &cut);
	ck_assert_int_eq(dc_decode(&jpg, case_colour(dc), &ours), 1);
	libjpeg_eighth(&cut, &ref);
	ck_assert_uint_eq(compare(&ours, &ref).max, 0);
	image_free(&ref);
	image_free(&ours);
	buffer_free(&jpg);
	buffer_free(&cut);
}
END_TEST

/*
 * Every cut before the DCs are complete, and corrupt DC data, are left to
 * libjpeg (which reports them): never read past, never a crash.  The file:
 * libjpeg's script, whose first DC scan follows the tables.
 */
START_TEST(test_dc_decoder_refuses_damage)
{
	const struct dc_case *dc = &dc_cases[1];        /* restart markers */
	struct buffer jpg = { 0 }, cut = { 0 };
	struct image img;
	struct ib_error err = { 0 };
	compress_case(dc, true, &jpg);
	size_t end = keep_dc_scans(&jpg, dc->dc_scans, &cut);
	for (size_t len = 0; len < end; len++) {
		struct buffer part = { .data = jpg.data, .len = len };
		ck_assert_int_eq(dc_decode(&part, DC_YCBCR, &img), 0);
	}
	struct buffer part = { .data = jpg.data, .len = end + 2 };
	ck_assert_int_eq(dc_decode(&part, DC_YCBCR, &img), 1);
	image_free(&img);
	ck_assert_int_eq(dc_decode(&jpg, DC_GRAY, &img), 0);           /* 3 components */

	/* 0xFE bytes: the first DC code is the all-ones one, which none is;
	 * libjpeg then skips its way to the restart marker */
	size_t data = find_marker(&jpg, 0xDA);
	data += 2 + ((size_t)jpg.data[data + 2] << 8 | jpg.data[data + 3]);
	memset(jpg.data + data, 0xFE, 64);
	ck_assert_int_eq(dc_decode(&jpg, DC_YCBCR, &img), 0);
	ck_assert_int_eq(decode_jpeg(jpg.data, jpg.len, 1, 1, 0, &img, NULL, &err), -1);
	ck_assert_str_eq(err.msg, "JPEG: corrupt data: premature end of data segment");
	/* a byte between the last scan's data and EOI */
	ck_assert_int_eq(dc_decode(&cut, DC_YCBCR, &img), 1);
	image_free(&img);
	cut.len -= 2;
	ck_assert_int_eq(buffer_append(&cut, "\x00\xFF\xD9", 3, NULL), 0);
	ck_assert_int_eq(dc_decode(&cut, DC_YCBCR, &img), 0);
	buffer_free(&jpg);
	buffer_free(&cut);
}
END_TEST

#ifndef __SANITIZE_ADDRESS__   /* see test_suite() */
/* VmData of this process, in bytes. */
static rlim_t data_size(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long kb = 0;
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmData: %lu kB", &kb) == 1)
			break;
	fclose(f);
	ck_assert_uint_gt(kb, 0);
	return (rlim_t)kb * 1024;
}

/*
 * At 1/8 a progressive file's DCs take 2 bytes a block where libjpeg holds
 * every coefficient (2 bytes a sample): a 2048x2048 file decodes at 1/8 with
 * 4 MB to spare, not at 1/4, for which libjpeg wants 12 MB.
 */
START_TEST(test_dc_decoder_memory)
{
	struct image img, small;
	struct buffer jpg = { 0 };
	struct ib_error err = { 0 };
	struct rlimit saved, lim;
	make_gradient(&img, 2048, 2048, 3);
	encode_ok(&img, 50, true, NULL, 0, &jpg);
	image_free(&img);
	ck_assert_int_eq(getrlimit(RLIMIT_DATA, &saved), 0);
	lim = saved;
	lim.rlim_cur = data_size() + 4u * 1024 * 1024;
	ck_assert_int_eq(setrlimit(RLIMIT_DATA, &lim), 0);
	int eighth = decode_jpeg(jpg.data, jpg.len, 256, 256, 0, &small, NULL, &err);
	int quarter = decode_jpeg(jpg.data, jpg.len, 512, 512, 0, &img, NULL, &err);
	ck_assert_int_eq(setrlimit(RLIMIT_DATA, &saved), 0);
	ck_assert_int_eq(eighth, 0);
	ck_assert_uint_eq(small.width, 256);
	ck_assert_int_eq(quarter, -1);
	ck_assert_str_eq(err.msg, "JPEG: out of memory");
	image_free(&small);
	buffer_free(&jpg);
}
END_TEST
#endif

/* ---- pixel limit ----------------------------------------------------------- */

START_TEST(test_max_pixels)
{
	struct image img, back;
	struct buffer jpg = { 0 };
	struct ib_error err = { 0 };
	make_gradient(&img, 10, 10, 3);
	encode_ok(&img, 90, false, NULL, 0, &jpg);
	ck_assert_int_eq(decode_jpeg(jpg.data, jpg.len, 0, 0, 50, &back, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "pixel"));
	ck_assert_ptr_null(back.pixels);
	/* The stored size counts, even when shrinking on load. */
	ck_assert_int_eq(decode_jpeg(jpg.data, jpg.len, 1, 1, 99, &back, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "pixel"));
	ck_assert_int_eq(decode_jpeg(jpg.data, jpg.len, 0, 0, 100, &back, NULL, &err), 0);
	ck_assert_uint_eq(back.width, 10);
	image_free(&back);
	image_free(&img);
	buffer_free(&jpg);
}
END_TEST

/*
 * A 16x16 file whose SOF claims 65500x65500: refused from the header, before
 * any allocation (a 12 GB one would abort under AddressSanitizer).
 */
START_TEST(test_max_pixels_huge_header)
{
	struct image img, back;
	struct image_info info;
	struct buffer jpg = { 0 };
	struct ib_error err = { 0 };
	make_gradient(&img, 16, 16, 3);
	encode_ok(&img, 90, false, NULL, 0, &jpg);
	size_t sof = find_marker(&jpg, 0xC0);
	ck_assert_uint_ne(sof, 0);
	memcpy(jpg.data + sof + 5, "\xFF\xDC\xFF\xDC", 4);   /* height, width */
	ck_assert_int_eq(decode_jpeg(jpg.data, jpg.len, 0, 0, IMAGE_DEFAULT_MAX_PIXELS,
				     &back, &info, &err), -1);
	ck_assert_uint_eq(info.width, 65500);
	ck_assert_uint_eq(info.height, 65500);
	ck_assert_ptr_nonnull(strstr(err.msg, "pixel"));
	ck_assert_ptr_null(back.pixels);
	ck_assert_int_eq(decode_jpeg(jpg.data, jpg.len, 100, 100, IMAGE_DEFAULT_MAX_PIXELS,
				     &back, &info, &err), -1);
	ck_assert_ptr_null(back.pixels);
	image_free(&img);
	buffer_free(&jpg);
}
END_TEST

/* ---- metadata -------------------------------------------------------------- */

static void check_icc_round_trip(size_t len)
{
	uint8_t *icc = malloc(len);
	ck_assert_ptr_nonnull(icc);
	for (size_t i = 0; i < len; i++)
		icc[i] = (uint8_t)(i * 7 + i / 251);
	struct image img, back;
	struct buffer jpg = { 0 };
	struct ib_error err = { 0 };
	make_gradient(&img, 16, 16, 3);
	encode_ok(&img, 90, false, icc, len, &jpg);

	struct decoder d = { 0 };
	ck_assert_int_eq(codec_jpeg.open(&d, jpg.data, jpg.len, &err), 0);
	ck_assert_uint_eq(d.info.icc_len, len);
	ck_assert_ptr_nonnull(d.info.icc);
	ck_assert_mem_eq(d.info.icc, icc, len);
	ck_assert_int_eq(codec_jpeg.decode(&d, 0, 0, 0, &back, &err), 0);
	/* Still there after decode; close frees it. */
	ck_assert_mem_eq(d.info.icc, icc, len);
	codec_jpeg.close(&d);
	ck_assert_ptr_null(d.info.icc);
	image_free(&back);
	image_free(&img);
	buffer_free(&jpg);
	free(icc);
}

START_TEST(test_icc_round_trip)
{
	check_icc_round_trip(3000);
}
END_TEST

START_TEST(test_icc_round_trip_multi_marker)
{
	check_icc_round_trip(150000);   /* three APP2 markers */
}
END_TEST

START_TEST(test_icc_absent)
{
	struct image img;
	struct buffer jpg = { 0 };
	struct decoder d = { 0 };
	struct ib_error err = { 0 };
	make_gradient(&img, 8, 8, 1);
	encode_ok(&img, 90, false, NULL, 0, &jpg);
	ck_assert_int_eq(codec_jpeg.open(&d, jpg.data, jpg.len, &err), 0);
	ck_assert_ptr_null(d.info.icc);
	ck_assert_uint_eq(d.info.icc_len, 0);
	codec_jpeg.close(&d);
	image_free(&img);
	buffer_free(&jpg);
}
END_TEST

/* "Exif\0\0" + a big-endian TIFF with Orientation = value. */
static const uint8_t exif_be6[] = {
	'E', 'x', 'i', 'f', 0, 0,
	'M', 'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
	0x00, 0x01,
	0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t exif_le3[] = {
	'E', 'x', 'i', 'f', 0, 0,
	'I', 'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x01, 0x00,
	0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>";
static const uint8_t exif_broken[] = { 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0x00, 0x2A, 0xFF };

static int orientation_of(const uint8_t *first, size_t first_len,
			  const uint8_t *second, size_t second_len)
{
	uint8_t gray[8 * 8];
	memset(gray, 90, sizeof gray);
	struct raw_jpeg raw = {
		.width = 8, .height = 8, .components = 1,
		.in_space = JCS_GRAYSCALE, .jpeg_space = JCS_GRAYSCALE,
		.pixels = gray,
		.app1 = { first, second }, .app1_len = { first_len, second_len },
	};
	struct buffer jpg = { 0 };
	struct image back;
	struct image_info info;
	compress_raw(&raw, &jpg);
	decode_ok(&jpg, 0, 0, &back, &info);
	/* Orientation is reported, never applied by the decoder. */
	ck_assert_uint_eq(back.width, 8);
	image_free(&back);
	buffer_free(&jpg);
	return info.orientation;
}

START_TEST(test_exif_orientation)
{
	ck_assert_int_eq(orientation_of(exif_be6, sizeof exif_be6, NULL, 0), 6);
	ck_assert_int_eq(orientation_of(exif_le3, sizeof exif_le3, NULL, 0), 3);
	/* XMP shares APP1; it is skipped. */
	ck_assert_int_eq(orientation_of(xmp, sizeof xmp, exif_be6, sizeof exif_be6), 6);
	/* The first EXIF block wins. */
	ck_assert_int_eq(orientation_of(exif_le3, sizeof exif_le3, exif_be6, sizeof exif_be6), 3);
	/* Broken or absent EXIF never fails the file. */
	ck_assert_int_eq(orientation_of(exif_broken, sizeof exif_broken, NULL, 0), 1);
	ck_assert_int_eq(orientation_of(exif_be6 + 6, sizeof exif_be6 - 6, NULL, 0), 1);
	ck_assert_int_eq(orientation_of(NULL, 0, NULL, 0), 1);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("jpeg");
	TCase *tc = tcase_create("encode");
	tcase_add_test(tc, test_sniff);
	tcase_add_test(tc, test_rgb_round_trip);
	tcase_add_test(tc, test_gray_round_trip);
	tcase_add_test(tc, test_progressive_round_trip);
	tcase_add_test(tc, test_low_quality_round_trip);
	tcase_add_test(tc, test_chroma_subsampling_policy);
	tcase_add_test(tc, test_encode_appends);
	tcase_add_test(tc, test_encode_grows_buffer);
	tcase_add_test(tc, test_encode_rejects_layouts);
	tcase_add_test(tc, test_encode_rejects_options);
	tcase_add_test(tc, test_encode_libjpeg_error_restores_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_shrink_on_load, 0,
			    sizeof shrink_cases / sizeof shrink_cases[0]);
	tcase_add_test(tc, test_shrink_rounds_up_odd_sizes);
	tcase_add_test(tc, test_cmyk_plain);
	tcase_add_test(tc, test_cmyk_adobe_inverted);
	tcase_add_test(tc, test_ycck_adobe_inverted);
	tcase_add_test(tc, test_unknown_color_space);
	tcase_add_test(tc, test_truncated_baseline);
	tcase_add_test(tc, test_fail_on_levels);
	tcase_add_test(tc, test_extraneous_bytes_warning);
	tcase_add_test(tc, test_truncated_progressive);
	tcase_add_test(tc, test_garbage_after_soi);
	tcase_add_test(tc, test_missing_tables);
	tcase_add_test(tc, test_not_a_jpeg);
	tcase_add_test(tc, test_corrupt_scan);
	tcase_add_test(tc, test_bad_marker_instead_of_eoi);
	tcase_add_test(tc, test_max_pixels);
	tcase_add_test(tc, test_max_pixels_huge_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("dc scans");
	tcase_add_loop_test(tc, test_dc_scans_as_libjpeg, 0, sizeof dc_cases / sizeof dc_cases[0]);
	tcase_add_loop_test(tc, test_dc_scans_as_whole_file, 0, sizeof dc_cases / sizeof dc_cases[0]);
	tcase_add_loop_test(tc, test_dc_scans_read_alone, 0, sizeof dc_cases / sizeof dc_cases[0]);
	tcase_add_test(tc, test_dc_scans_cut);
	tcase_add_loop_test(tc, test_dc_decoder_as_libjpeg, 0, sizeof dc_cases / sizeof dc_cases[0]);
	tcase_add_test(tc, test_dc_decoder_refuses_damage);
#ifndef __SANITIZE_ADDRESS__
	/* AddressSanitizer's allocator cannot work under RLIMIT_DATA (it hangs
	 * asking for its shadow memory): this one runs in the plain builds */
	tcase_add_test(tc, test_dc_decoder_memory);
#endif
	suite_add_tcase(s, tc);

	tc = tcase_create("metadata");
	tcase_add_test(tc, test_icc_round_trip);
	tcase_add_test(tc, test_icc_round_trip_multi_marker);
	tcase_add_test(tc, test_icc_absent);
	tcase_add_test(tc, test_exif_orientation);
	suite_add_tcase(s, tc);
	return s;
}

