/*
 * The PNG codec: sniffing, every stored layout, round trips, damage,
 * metadata, image data made in one go (png_idat.c) and restreaming
 * (png_restream.c).  Built twice: as check_png, and as check_png_portable
 * with PNG_IDAT_PORTABLE, which takes png_idat.c's loops without SSE2.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zlib.h>

#include "codec/codec.h"
#include "codec/image.h"
#include "codec/png_idat.h"
#include "codec/png_restream.h"
#include "tests/check_main.h"

static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

/* ---- building files by hand ------------------------------------------------- */

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The CRC-32 of PNG chunks (and zip), bit by bit: speed does not matter here. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *data, size_t len)
{
	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
	}
	return ~crc;
}

static void append(struct buffer *buf, const void *data, size_t len)
{
	struct ib_error err = { 0 };
	ck_assert_msg(buffer_append(buf, data, len, &err) == 0, "append: %s", err.msg);
}

static void append_chunk(struct buffer *png, const char *type, const uint8_t *data,
			 size_t len)
{
	uint8_t head[8], crc[4];
	put_be32(head, (uint32_t)len);
	memcpy(head + 4, type, 4);
	put_be32(crc, crc32_update(crc32_update(0, head + 4, 4), data, len));
	append(png, head, sizeof head);
	append(png, data, len);
	append(png, crc, sizeof crc);
}

/* Signature and an IHDR chunk; interlace, compression and filter 0. */
static void start_png(struct buffer *png, uint32_t width, uint32_t height,
		      uint8_t bit_depth, uint8_t color_type)
{
	uint8_t ihdr[13] = { 0 };
	put_be32(ihdr, width);
	put_be32(ihdr + 4, height);
	ihdr[8] = bit_depth;
	ihdr[9] = color_type;
	append(png, signature, sizeof signature);
	append_chunk(png, "IHDR", ihdr, sizeof ihdr);
}

/* Copies png with a chunk inserted at offset at (a chunk boundary). */
static void insert_chunk(const struct buffer *png, size_t at, const char *type,
			 const uint8_t *data, size_t len, struct buffer *out)
{
	append(out, png->data, at);
	append_chunk(out, type, data, len);
	append(out, png->data + at, png->len - at);
}

static uint32_t adler32_of(const uint8_t *data, size_t len)
{
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < len; i++) {
		a = (a + data[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

/* A zlib stream of one stored (uncompressed) deflate block; len < 65536. */
static void append_zlib_stored(struct buffer *out, const uint8_t *data, size_t len)
{
	uint8_t head[7] = {
		0x78, 0x01,                     /* deflate, 32K window; check bits */
		0x01,                           /* final block, stored */
		(uint8_t)len, (uint8_t)(len >> 8),
		(uint8_t)~len, (uint8_t)(~len >> 8),
	};
	uint8_t adler[4];
	ck_assert_uint_lt(len, 65536);
	put_be32(adler, adler32_of(data, len));
	append(out, head, sizeof head);
	append(out, data, len);
	append(out, adler, sizeof adler);
}

/*
 * A well-formed ICC profile of len (>= 160) bytes for colour space cs
 * ("RGB ", "GRAY", "CMYK"): the header fields libpng checks, one tag whose
 * data fills the rest with a pattern.
 */
static uint8_t *make_icc(size_t len, const char *cs)
{
	uint8_t *icc = calloc(1, len);
	ck_assert_ptr_nonnull(icc);
	put_be32(icc, (uint32_t)len);
	memcpy(icc + 12, "mntr", 4);
	memcpy(icc + 16, cs, 4);
	memcpy(icc + 20, "XYZ ", 4);
	memcpy(icc + 36, "acsp", 4);
	put_be32(icc + 68, 0xF6D6);             /* D50 illuminant */
	put_be32(icc + 72, 0x10000);
	put_be32(icc + 76, 0xD32D);
	put_be32(icc + 128, 1);                 /* tag count */
	memcpy(icc + 132, "desc", 4);
	put_be32(icc + 136, 144);
	put_be32(icc + 140, (uint32_t)len - 144);
	for (size_t i = 144; i < len; i++)
		icc[i] = (uint8_t)(i * 7 + i / 251);
	return icc;
}

/* ---- writing with libpng directly --------------------------------------------- */

/* Layouts our encoder never writes: palettes, low bit depths, tRNS, Adam7. */
struct png_spec {
	uint32_t width, height;
	int bit_depth, color_type, interlace;
	const png_color *palette;
	int num_palette;
	const png_byte *trans_alpha;            /* palette tRNS */
	int num_trans;
	const png_color_16 *trans_color;        /* gray or RGB tRNS */
	const uint8_t *exif;
	uint32_t exif_len;
};

static void write_to_buffer(png_structp png, png_bytep data, size_t len)
{
	if (buffer_append(png_get_io_ptr(png), data, len, NULL) < 0)
		png_error(png, "out of memory");
}

static void flush_nothing(png_structp png)
{
	(void)png;
}

/* rows: height rows of packed samples exactly as PNG stores them. */
static void write_with_libpng(const struct png_spec *spec, const uint8_t *rows,
			      size_t rows_len, struct buffer *out)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	png_bytep *row_pointers = calloc(spec->height, sizeof *row_pointers);

	ck_assert_ptr_nonnull(info);
	ck_assert_ptr_nonnull(row_pointers);
	if (setjmp(png_jmpbuf(png)))
		ck_abort_msg("libpng could not write the test image");
	png_set_write_fn(png, out, write_to_buffer, flush_nothing);
	png_set_IHDR(png, info, spec->width, spec->height, spec->bit_depth,
		     spec->color_type, spec->interlace, PNG_COMPRESSION_TYPE_BASE,
		     PNG_FILTER_TYPE_BASE);
	if (spec->palette)
		png_set_PLTE(png, info, spec->palette, spec->num_palette);
	if (spec->trans_alpha || spec->trans_color)
		png_set_tRNS(png, info, spec->trans_alpha, spec->num_trans, spec->trans_color);
	if (spec->exif)
		png_set_eXIf_1(png, info, spec->exif_len, (png_bytep)spec->exif);
	size_t rowbytes = png_get_rowbytes(png, info);
	ck_assert_uint_eq(rows_len, rowbytes * spec->height);
	for (uint32_t y = 0; y < spec->height; y++)
		row_pointers[y] = (png_bytep)rows + y * rowbytes;
	png_write_info(png, info);
	png_write_image(png, row_pointers);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row_pointers);
}

/* ---- decoding helpers --------------------------------------------------------- */

/* Open + decode + close; info (optional) gets the header, without icc. */
static int decode_png(const uint8_t *data, size_t len, uint64_t max_pixels,
		      struct image *out, struct image_info *info, struct ib_error *err)
{
	struct decoder d = { 0 };

	memset(out, 0, sizeof *out);
	if (codec_png.open(&d, data, len, err) < 0)
		return -1;
	ck_assert_ptr_eq(d.codec, &codec_png);
	if (info) {
		*info = d.info;
		info->icc = NULL;
	}
	int ret = codec_png.decode(&d, 0, 0, max_pixels, out, err);
	codec_png.close(&d);
	ck_assert_ptr_null(d.state);
	return ret;
}

static void decode_ok(const struct buffer *png, struct image *out, struct image_info *info)
{
	struct ib_error err = { 0 };
	ck_assert_msg(decode_png(png->data, png->len, 0, out, info, &err) == 0,
		      "decode: %s", err.msg);
}

/* The open fails with reason. */
static void expect_open_failure(const uint8_t *data, size_t len, const char *reason)
{
	struct decoder d = { 0 };
	struct ib_error err = { 0 };
	ck_assert_int_eq(codec_png.open(&d, data, len, &err), -1);
	ck_assert_str_eq(err.msg, reason);
	ck_assert_ptr_null(d.state);
}

/* The open succeeds, the decode fails with reason and leaves out zeroed. */
static void expect_decode_failure(const uint8_t *data, size_t len, uint64_t max_pixels,
				  const char *reason)
{
	struct decoder d = { 0 };
	struct image out;
	struct ib_error err = { 0 };
	ck_assert_msg(codec_png.open(&d, data, len, &err) == 0, "open: %s", err.msg);
	memset(&out, 0xA5, sizeof out);
	ck_assert_int_eq(codec_png.decode(&d, 0, 0, max_pixels, &out, &err), -1);
	ck_assert_str_eq(err.msg, reason);
	ck_assert_ptr_null(out.pixels);
	ck_assert_uint_eq(out.width, 0);
	codec_png.close(&d);
}

static uint32_t get_sample(const struct image *img, uint32_t x, uint32_t y, uint32_t c)
{
	const uint8_t *p = image_row(img, y) + x * image_bytes_per_pixel(img);
	if (img->depth == 16) {
		uint16_t v;
		memcpy(&v, p + 2 * c, sizeof v);
		return v;
	}
	return p[c];
}

static void set_sample(struct image *img, uint32_t x, uint32_t y, uint32_t c, uint32_t v)
{
	uint8_t *p = image_row(img, y) + x * image_bytes_per_pixel(img);
	if (img->depth == 16) {
		uint16_t s = (uint16_t)v;
		memcpy(p + 2 * c, &s, sizeof s);
	} else {
		p[c] = (uint8_t)v;
	}
}

static void encode_ok(const struct image *img, int compression, const uint8_t *icc,
		      size_t icc_len, struct buffer *out)
{
	struct encode_options opts = {
		.compression = compression,
		.icc = icc,
		.icc_len = icc_len,
	};
	struct ib_error err = { 0 };
	ck_assert_msg(codec_png.encode(img, &opts, out, &err) == 0, "encode: %s", err.msg);
}

/* Distinct samples, both bytes of 16-bit ones varying. */
static void make_pattern(struct image *img, uint32_t w, uint32_t h, uint32_t channels,
			 uint32_t depth)
{
	struct ib_error err = { 0 };
	ck_assert_int_eq(image_alloc(img, w, h, channels, depth, 0, &err), 0);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			for (uint32_t c = 0; c < channels; c++)
				set_sample(img, x, y, c, depth == 16 ?
					   x * 9001 + y * 2579 + c * 4099 :
					   x * 37 + y * 11 + c * 89);
}

/* A small RGB image, stored (compression 0) so that offsets are predictable. */
static void make_stored_png(struct buffer *png)
{
	struct image img;
	make_pattern(&img, 8, 8, 3, 8);
	encode_ok(&img, 0, NULL, 0, png);
	image_free(&img);
}

/* ---- sniff -------------------------------------------------------------------- */

START_TEST(test_sniff)
{
	uint8_t seven_bit[16];
	static const uint8_t jpg[] = { 0xFF, 0xD8, 0xFF, 0xE0 };
	struct buffer png = { 0 };

	make_stored_png(&png);
	ck_assert(codec_png.sniff(png.data, png.len));
	ck_assert(codec_png.sniff(signature, sizeof signature));
	ck_assert(!codec_png.sniff(signature, 7));
	ck_assert(!codec_png.sniff(signature, 0));
	ck_assert(!codec_png.sniff(jpg, sizeof jpg));
	ck_assert_ptr_eq(codec_sniff(png.data, png.len), &codec_png);
	ck_assert_ptr_null(codec_sniff((const uint8_t *)"hello, world", 12));

	/* A signature damaged in place, followed by IHDR, is still a PNG... */
	memcpy(seven_bit, png.data, sizeof seven_bit);
	seven_bit[0] = 0x09;
	ck_assert(codec_png.sniff(seven_bit, sizeof seven_bit));
	ck_assert(!codec_png.sniff(seven_bit, 15));
	/* ...which libpng then refuses. */
	png.data[0] = 0x09;
	expect_open_failure(png.data, png.len, "PNG: Not a PNG file");

	ck_assert_str_eq(codec_png.name, "png");
	ck_assert_str_eq(codec_png.extension, "png");
	ck_assert_int_eq(codec_png.format, FORMAT_PNG);
	ck_assert_ptr_eq(codec_for_format(FORMAT_PNG), &codec_png);
	ck_assert_int_eq(format_from_name("PNG"), FORMAT_PNG);
	buffer_free(&png);
}
END_TEST

/* ---- codec.c: registry and output buffer --------------------------------------- */

START_TEST(test_codec_registry)
{
	static const uint8_t jpg[] = { 0xFF, 0xD8, 0xFF, 0xE0 };

	ck_assert_ptr_eq(codec_sniff(jpg, sizeof jpg), &codec_jpeg);
	ck_assert_ptr_null(codec_sniff(jpg, 0));
	ck_assert_ptr_eq(codec_for_format(FORMAT_JPEG), &codec_jpeg);
	ck_assert_ptr_eq(codec_for_format(FORMAT_PNG), &codec_png);
	ck_assert_ptr_null(codec_for_format(FORMAT_UNKNOWN));
	ck_assert_int_eq(format_from_name("png"), FORMAT_PNG);
	ck_assert_int_eq(format_from_name("Png"), FORMAT_PNG);
	ck_assert_int_eq(format_from_name("jpg"), FORMAT_JPEG);
	ck_assert_int_eq(format_from_name("JPEG"), FORMAT_JPEG);
	ck_assert_int_eq(format_from_name("jpe"), FORMAT_UNKNOWN);
	ck_assert_int_eq(format_from_name("pngx"), FORMAT_UNKNOWN);
	ck_assert_int_eq(format_from_name(""), FORMAT_UNKNOWN);
}
END_TEST

/* The first allocation is 64 KiB; then the capacity doubles until it fits. */
START_TEST(test_buffer_append)
{
	struct buffer buf = { 0 };
	struct ib_error err = { 0 };
	uint8_t *big = malloc(300000);

	ck_assert_ptr_nonnull(big);
	for (size_t i = 0; i < 300000; i++)
		big[i] = (uint8_t)(i % 253);
	ck_assert_int_eq(buffer_append(&buf, NULL, 0, &err), 0);
	ck_assert_uint_eq(buf.len, 0);
	ck_assert_int_eq(buffer_append(&buf, "x", 1, &err), 0);
	ck_assert_uint_eq(buf.len, 1);
	ck_assert_uint_eq(buf.cap, 65536);
	ck_assert_int_eq(buffer_append(&buf, big, 70000, &err), 0);
	ck_assert_uint_eq(buf.len, 70001);
	ck_assert_uint_eq(buf.cap, 131072);
	ck_assert_uint_eq(buf.data[0], 'x');
	ck_assert_mem_eq(buf.data + 1, big, 70000);
	ck_assert_int_eq(buffer_append(&buf, big, 300000, &err), 0);
	ck_assert_uint_eq(buf.len, 370001);
	ck_assert_uint_eq(buf.cap, 524288);
	ck_assert_mem_eq(buf.data + 70001, big, 300000);
	buffer_free(&buf);
	ck_assert_ptr_null(buf.data);
	ck_assert_uint_eq(buf.len, 0);
	ck_assert_uint_eq(buf.cap, 0);
	free(big);
}
END_TEST

/* A length that would wrap is refused before anything is touched. */
START_TEST(test_buffer_append_overflow)
{
	uint8_t byte = 0;
	struct buffer buf = { &byte, SIZE_MAX - 1, SIZE_MAX - 1 };
	struct ib_error err = { 0 };

	ck_assert_int_eq(buffer_append(&buf, &byte, 2, &err), -1);
	ck_assert_str_eq(err.msg, "output too large");
	ck_assert_ptr_eq(buf.data, &byte);
	ck_assert_uint_eq(buf.len, SIZE_MAX - 1);
	ck_assert_uint_eq(buf.cap, SIZE_MAX - 1);
}
END_TEST

/* ---- every stored layout ------------------------------------------------------ */

#define SPEC(w, h, bits, type, ...) \
	{ .width = w, .height = h, .bit_depth = bits, .color_type = type, __VA_ARGS__ }
#define RAW(...) \
	.raw = (const uint8_t[]){ __VA_ARGS__ }, \
	.raw_len = sizeof((const uint8_t[]){ __VA_ARGS__ })
#define EXPECT(...) \
	.expect = (const uint16_t[]){ __VA_ARGS__ }, \
	.expect_len = sizeof((const uint16_t[]){ __VA_ARGS__ }) / sizeof(uint16_t)

static const png_color palette4[] = {
	{ 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 10, 20, 30 },
};
static const png_color palette2[] = { { 9, 8, 7 }, { 200, 100, 50 } };
static const png_byte trans_two[] = { 0, 128 };
static const png_byte trans_four[] = { 255, 1, 254, 0 };
static const png_color_16 trans_gray128 = { .gray = 128 };
static const png_color_16 trans_gray1 = { .gray = 1 };
static const png_color_16 trans_gray16 = { .gray = 0x1234 };
static const png_color_16 trans_rgb = { .red = 1, .green = 2, .blue = 3 };

/* raw: the rows as stored; expect: the samples decode must deliver. */
static const struct layout_case {
	const char *name;
	struct png_spec spec;
	const uint8_t *raw;
	size_t raw_len;
	uint32_t channels, depth;
	const uint16_t *expect;
	size_t expect_len;
} layout_cases[] = {
	{ "gray 1-bit",
	  SPEC(10, 2, 1, PNG_COLOR_TYPE_GRAY),
	  RAW(0xA5, 0xC0, 0x5A, 0x40), 1, 8,
	  EXPECT(255, 0, 255, 0, 0, 255, 0, 255, 255, 255,
		 0, 255, 0, 255, 255, 0, 255, 0, 0, 255) },
	{ "gray 2-bit",
	  SPEC(5, 1, 2, PNG_COLOR_TYPE_GRAY),
	  RAW(0x1B, 0x80), 1, 8,                  /* 0 1 2 3 | 2 */
	  EXPECT(0, 85, 170, 255, 170) },
	{ "gray 4-bit",
	  SPEC(3, 2, 4, PNG_COLOR_TYPE_GRAY),
	  RAW(0x07, 0xF0, 0x18, 0xE0), 1, 8,
	  EXPECT(0, 0x77, 0xFF, 0x11, 0x88, 0xEE) },
	{ "gray 8-bit",
	  SPEC(3, 1, 8, PNG_COLOR_TYPE_GRAY),
	  RAW(0, 128, 255), 1, 8,
	  EXPECT(0, 128, 255) },
	{ "gray 16-bit",
	  SPEC(2, 1, 16, PNG_COLOR_TYPE_GRAY),
	  RAW(0x12, 0x34, 0xFE, 0xDC), 1, 16,
	  EXPECT(0x1234, 0xFEDC) },
	{ "gray 8-bit + tRNS",
	  SPEC(3, 1, 8, PNG_COLOR_TYPE_GRAY, .trans_color = &trans_gray128),
	  RAW(0, 128, 255), 2, 8,
	  EXPECT(0, 255, 128, 0, 255, 255) },
	{ "gray 2-bit + tRNS",
	  SPEC(4, 1, 2, PNG_COLOR_TYPE_GRAY, .trans_color = &trans_gray1),
	  RAW(0x1B), 2, 8,
	  EXPECT(0, 255, 85, 0, 170, 255, 255, 255) },
	{ "gray 16-bit + tRNS",
	  SPEC(2, 1, 16, PNG_COLOR_TYPE_GRAY, .trans_color = &trans_gray16),
	  RAW(0x12, 0x34, 0x12, 0x35), 2, 16,
	  EXPECT(0x1234, 0, 0x1235, 0xFFFF) },
	{ "gray+alpha 8-bit",
	  SPEC(2, 1, 8, PNG_COLOR_TYPE_GRAY_ALPHA),
	  RAW(10, 20, 30, 40), 2, 8,
	  EXPECT(10, 20, 30, 40) },
	{ "gray+alpha 16-bit",
	  SPEC(1, 2, 16, PNG_COLOR_TYPE_GRAY_ALPHA),
	  RAW(0x01, 0x02, 0x03, 0x04, 0xFF, 0xFE, 0x80, 0x01), 2, 16,
	  EXPECT(0x0102, 0x0304, 0xFFFE, 0x8001) },
	{ "RGB 8-bit",
	  SPEC(2, 1, 8, PNG_COLOR_TYPE_RGB),
	  RAW(1, 2, 3, 250, 251, 252), 3, 8,
	  EXPECT(1, 2, 3, 250, 251, 252) },
	{ "RGB 16-bit",
	  SPEC(1, 1, 16, PNG_COLOR_TYPE_RGB),
	  RAW(0x01, 0x02, 0x03, 0x04, 0x05, 0x06), 3, 16,
	  EXPECT(0x0102, 0x0304, 0x0506) },
	{ "RGB 8-bit + tRNS",
	  SPEC(3, 1, 8, PNG_COLOR_TYPE_RGB, .trans_color = &trans_rgb),
	  RAW(1, 2, 3, 1, 2, 4, 250, 251, 252), 4, 8,
	  EXPECT(1, 2, 3, 0, 1, 2, 4, 255, 250, 251, 252, 255) },
	{ "RGBA 8-bit",
	  SPEC(2, 1, 8, PNG_COLOR_TYPE_RGB_ALPHA),
	  RAW(1, 2, 3, 4, 255, 254, 253, 0), 4, 8,
	  EXPECT(1, 2, 3, 4, 255, 254, 253, 0) },
	{ "RGBA 16-bit",
	  SPEC(1, 1, 16, PNG_COLOR_TYPE_RGB_ALPHA),
	  RAW(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88), 4, 16,
	  EXPECT(0x1122, 0x3344, 0x5566, 0x7788) },
	{ "palette 8-bit",
	  SPEC(4, 1, 8, PNG_COLOR_TYPE_PALETTE, .palette = palette4, .num_palette = 4),
	  RAW(3, 2, 1, 0), 3, 8,
	  EXPECT(10, 20, 30, 0, 0, 255, 0, 255, 0, 255, 0, 0) },
	{ "palette 1-bit",
	  SPEC(9, 1, 1, PNG_COLOR_TYPE_PALETTE, .palette = palette2, .num_palette = 2),
	  RAW(0xA5, 0x80), 3, 8,                  /* 1 0 1 0 0 1 0 1 | 1 */
	  EXPECT(200, 100, 50, 9, 8, 7, 200, 100, 50, 9, 8, 7, 9, 8, 7,
		 200, 100, 50, 9, 8, 7, 200, 100, 50, 200, 100, 50) },
	{ "palette 2-bit",
	  SPEC(3, 1, 2, PNG_COLOR_TYPE_PALETTE, .palette = palette4, .num_palette = 4),
	  RAW(0xC8), 3, 8,                        /* 3 0 2 */
	  EXPECT(10, 20, 30, 255, 0, 0, 0, 0, 255) },
	{ "palette 4-bit + short tRNS",
	  SPEC(3, 1, 4, PNG_COLOR_TYPE_PALETTE, .palette = palette4, .num_palette = 3,
	       .trans_alpha = trans_two, .num_trans = 2),
	  RAW(0x01, 0x20), 4, 8,                  /* 0 1 | 2: no alpha entry, opaque */
	  EXPECT(255, 0, 0, 0, 0, 255, 0, 128, 0, 0, 255, 255) },
	{ "palette 8-bit + tRNS",
	  SPEC(4, 1, 8, PNG_COLOR_TYPE_PALETTE, .palette = palette4, .num_palette = 4,
	       .trans_alpha = trans_four, .num_trans = 4),
	  RAW(0, 1, 2, 3), 4, 8,
	  EXPECT(255, 0, 0, 255, 0, 255, 0, 1, 0, 0, 255, 254, 10, 20, 30, 0) },
	/* 5x5 has pixels in all seven Adam7 passes. */
	{ "gray 8-bit Adam7",
	  SPEC(5, 5, 8, PNG_COLOR_TYPE_GRAY, .interlace = PNG_INTERLACE_ADAM7),
	  RAW(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140,
	      150, 160, 170, 180, 190, 200, 210, 220, 230, 240), 1, 8,
	  EXPECT(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140,
		 150, 160, 170, 180, 190, 200, 210, 220, 230, 240) },
	{ "gray 1-bit Adam7",
	  SPEC(9, 3, 1, PNG_COLOR_TYPE_GRAY, .interlace = PNG_INTERLACE_ADAM7),
	  RAW(0xA5, 0x80, 0x5A, 0x00, 0xFF, 0x00), 1, 8,
	  EXPECT(255, 0, 255, 0, 0, 255, 0, 255, 255,
		 0, 255, 0, 255, 255, 0, 255, 0, 0,
		 255, 255, 255, 255, 255, 255, 255, 255, 0) },
	{ "RGBA 16-bit Adam7",
	  SPEC(2, 2, 16, PNG_COLOR_TYPE_RGB_ALPHA, .interlace = PNG_INTERLACE_ADAM7),
	  RAW(0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04,
	      0x10, 0x01, 0x10, 0x02, 0x10, 0x03, 0x10, 0x04,
	      0x20, 0x01, 0x20, 0x02, 0x20, 0x03, 0x20, 0x04,
	      0xF0, 0x01, 0xF0, 0x02, 0xF0, 0x03, 0xF0, 0x04), 4, 16,
	  EXPECT(0x0001, 0x0002, 0x0003, 0x0004, 0x1001, 0x1002, 0x1003, 0x1004,
		 0x2001, 0x2002, 0x2003, 0x2004, 0xF001, 0xF002, 0xF003, 0xF004) },
	{ "palette 2-bit + tRNS Adam7, one pixel",
	  SPEC(1, 1, 2, PNG_COLOR_TYPE_PALETTE, .interlace = PNG_INTERLACE_ADAM7,
	       .palette = palette4, .num_palette = 4,
	       .trans_alpha = trans_four, .num_trans = 4),
	  RAW(0x40), 4, 8,
	  EXPECT(0, 255, 0, 1) },
};

START_TEST(test_decode_layout)
{
	const struct layout_case *lc = &layout_cases[_i];
	const struct png_spec *spec = &lc->spec;
	struct buffer png = { 0 };
	struct decoder d = { 0 };
	struct image out;
	struct ib_error err = { 0 };

	write_with_libpng(spec, lc->raw, lc->raw_len, &png);
	ck_assert_uint_eq(lc->expect_len, (size_t)spec->width * spec->height * lc->channels);
	ck_assert_msg(codec_png.open(&d, png.data, png.len, &err) == 0, "%s: open: %s",
		      lc->name, err.msg);
	ck_assert_uint_eq(d.info.width, spec->width);
	ck_assert_uint_eq(d.info.height, spec->height);
	ck_assert_uint_eq(d.info.channels, lc->channels);
	ck_assert_uint_eq(d.info.depth, lc->depth);
	ck_assert_int_eq(d.info.orientation, 1);
	ck_assert_ptr_null(d.info.icc);
	ck_assert_uint_eq(d.info.icc_len, 0);

	ck_assert_msg(codec_png.decode(&d, 0, 0, 0, &out, &err) == 0, "%s: decode: %s",
		      lc->name, err.msg);
	ck_assert_uint_eq(out.width, spec->width);
	ck_assert_uint_eq(out.height, spec->height);
	ck_assert_uint_eq(out.channels, lc->channels);
	ck_assert_uint_eq(out.depth, lc->depth);
	ck_assert_uint_eq(out.stride, spec->width * lc->channels * lc->depth / 8);
	for (uint32_t y = 0; y < out.height; y++)
		for (uint32_t x = 0; x < out.width; x++)
			for (uint32_t c = 0; c < out.channels; c++) {
				size_t i = ((size_t)y * out.width + x) * out.channels + c;
				ck_assert_msg(get_sample(&out, x, y, c) == lc->expect[i],
					      "%s: sample %u of (%u,%u) is %u, expected %u",
					      lc->name, c, x, y, get_sample(&out, x, y, c),
					      lc->expect[i]);
			}
	codec_png.close(&d);
	image_free(&out);
	buffer_free(&png);
}
END_TEST

/*
 * A gray tRNS value wider than the bit depth: only its low bits count (the
 * PNG spec stores the value in the least significant bits), so 7 means 3.
 * Built by hand, as libpng will not write it.
 */
START_TEST(test_trns_out_of_range)
{
	static const uint8_t trns[] = { 0x00, 0x07 };
	static const uint8_t row[] = { 0x00, 0x1B };    /* filter none; 0 1 2 3 */
	static const uint8_t expect[] = { 0, 255, 85, 255, 170, 255, 255, 0 };
	struct buffer png = { 0 }, idat = { 0 };
	struct image out;
	struct image_info info;

	start_png(&png, 4, 1, 2, PNG_COLOR_TYPE_GRAY);
	append_chunk(&png, "tRNS", trns, sizeof trns);
	append_zlib_stored(&idat, row, sizeof row);
	append_chunk(&png, "IDAT", idat.data, idat.len);
	append_chunk(&png, "IEND", NULL, 0);
	decode_ok(&png, &out, &info);
	ck_assert_uint_eq(info.channels, 2);
	ck_assert_uint_eq(info.depth, 8);
	ck_assert_uint_eq(out.channels, 2);
	ck_assert_mem_eq(out.pixels, expect, sizeof expect);
	image_free(&out);
	buffer_free(&idat);
	buffer_free(&png);
}
END_TEST

/* ---- round trips -------------------------------------------------------------- */

static const struct {
	uint32_t channels, depth;
	uint8_t color_type;
} round_trip_layouts[] = {
	{ 1, 8, PNG_COLOR_TYPE_GRAY }, { 2, 8, PNG_COLOR_TYPE_GRAY_ALPHA },
	{ 3, 8, PNG_COLOR_TYPE_RGB }, { 4, 8, PNG_COLOR_TYPE_RGB_ALPHA },
	{ 1, 16, PNG_COLOR_TYPE_GRAY }, { 2, 16, PNG_COLOR_TYPE_GRAY_ALPHA },
	{ 3, 16, PNG_COLOR_TYPE_RGB }, { 4, 16, PNG_COLOR_TYPE_RGB_ALPHA },
};

START_TEST(test_round_trip)
{
	static const int levels[] = { 0, 1, 6, 9 };
	uint32_t channels = round_trip_layouts[_i].channels;
	uint32_t depth = round_trip_layouts[_i].depth;
	struct image img;

	make_pattern(&img, 13, 7, channels, depth);
	for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
		struct buffer png = { 0 };
		struct image back;
		struct image_info info;
		encode_ok(&img, levels[l], NULL, 0, &png);
		ck_assert_mem_eq(png.data, signature, sizeof signature);
		ck_assert_mem_eq(png.data + 12, "IHDR", 4);
		ck_assert_uint_eq(png.data[24], depth);
		ck_assert_uint_eq(png.data[25], round_trip_layouts[_i].color_type);
		ck_assert_uint_eq(png.data[28], PNG_INTERLACE_NONE);
		decode_ok(&png, &back, &info);
		ck_assert_uint_eq(info.width, 13);
		ck_assert_uint_eq(info.height, 7);
		ck_assert_uint_eq(info.channels, channels);
		ck_assert_uint_eq(info.depth, depth);
		ck_assert_uint_eq(back.width, 13);
		ck_assert_uint_eq(back.height, 7);
		ck_assert_uint_eq(back.channels, channels);
		ck_assert_uint_eq(back.depth, depth);
		ck_assert_uint_eq(back.stride, img.stride);
		ck_assert_mem_eq(back.pixels, img.pixels, img.stride * 7);
		image_free(&back);
		buffer_free(&png);
	}
	image_free(&img);
}
END_TEST

/* Stored without compression, the samples show up big-endian in the file. */
START_TEST(test_encode_16_bit_is_big_endian)
{
	static const uint8_t stored_row[] = {
		0x00, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0
	};
	static const uint16_t samples[] = { 0x1234, 0x5678, 0x9ABC, 0xDEF0 };
	struct image img;
	struct buffer png = { 0 };
	struct ib_error err = { 0 };

	ck_assert_int_eq(image_alloc(&img, 4, 1, 1, 16, 0, &err), 0);
	memcpy(img.pixels, samples, sizeof samples);
	encode_ok(&img, 0, NULL, 0, &png);
	ck_assert_ptr_nonnull(memmem(png.data, png.len, stored_row, sizeof stored_row));
	image_free(&img);
	buffer_free(&png);
}
END_TEST

/* Rows are read through stride: padding at row ends is not encoded. */
START_TEST(test_encode_padded_stride)
{
	uint8_t pixels[2 * 8];
	struct image img = {
		.width = 2, .height = 2, .channels = 3, .depth = 8,
		.stride = 8, .pixels = pixels,
	};
	static const uint8_t expect[] = { 1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16 };
	struct buffer png = { 0 };
	struct image back;

	memset(pixels, 0xEE, sizeof pixels);
	memcpy(pixels, expect, 6);
	memcpy(pixels + 8, expect + 6, 6);
	encode_ok(&img, 6, NULL, 0, &png);
	decode_ok(&png, &back, NULL);
	ck_assert_uint_eq(back.stride, 6);
	ck_assert_mem_eq(back.pixels, expect, sizeof expect);
	image_free(&back);
	buffer_free(&png);
}
END_TEST

/* libpng's default limit is one million pixels per side. */
START_TEST(test_wide_round_trip)
{
	struct image img, back;
	struct buffer png = { 0 };
	struct ib_error err = { 0 };

	ck_assert_int_eq(image_alloc(&img, 1000001, 1, 1, 8, 0, &err), 0);
	for (uint32_t x = 0; x < img.width; x++)
		img.pixels[x] = (uint8_t)(x % 251);
	encode_ok(&img, 1, NULL, 0, &png);
	decode_ok(&png, &back, NULL);
	ck_assert_uint_eq(back.width, 1000001);
	ck_assert_mem_eq(back.pixels, img.pixels, img.width);
	image_free(&img);
	image_free(&back);
	buffer_free(&png);
}
END_TEST

START_TEST(test_encode_appends)
{
	struct image img, back;
	struct buffer png = { malloc(3), 3, 3 };

	ck_assert_ptr_nonnull(png.data);
	memcpy(png.data, "abc", 3);
	make_pattern(&img, 5, 4, 3, 8);
	encode_ok(&img, 6, NULL, 0, &png);
	ck_assert_mem_eq(png.data, "abc\x89PNG", 7);
	struct ib_error err = { 0 };
	ck_assert_int_eq(decode_png(png.data + 3, png.len - 3, 0, &back, NULL, &err), 0);
	ck_assert_mem_eq(back.pixels, img.pixels, img.stride * 4);
	image_free(&img);
	image_free(&back);
	buffer_free(&png);
}
END_TEST

START_TEST(test_encode_rejects)
{
	static const struct { uint32_t channels, depth; const char *reason; } layouts[] = {
		{ 0, 8, "PNG: cannot encode a 8-bit image with 0 channels" },
		{ 5, 8, "PNG: cannot encode a 8-bit image with 5 channels" },
		{ 3, 12, "PNG: cannot encode a 12-bit image with 3 channels" },
		{ 1, 1, "PNG: cannot encode a 1-bit image with 1 channels" },
	};
	uint8_t pixels[64] = { 0 };
	struct buffer png = { 0 };
	struct ib_error err = { 0 };

	for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
		struct image img = {
			.width = 2, .height = 2, .channels = layouts[i].channels,
			.depth = layouts[i].depth, .stride = 16, .pixels = pixels,
		};
		struct encode_options opts = { .compression = 6 };
		ck_assert_int_eq(codec_png.encode(&img, &opts, &png, &err), -1);
		ck_assert_str_eq(err.msg, layouts[i].reason);
	}

	struct image img = {
		.width = 2, .height = 2, .channels = 3, .depth = 8,
		.stride = 6, .pixels = pixels,
	};
	struct encode_options opts = { .compression = -1 };
	ck_assert_int_eq(codec_png.encode(&img, &opts, &png, &err), -1);
	ck_assert_str_eq(err.msg, "PNG: compression level -1 is outside 0..9");
	opts.compression = 10;
	ck_assert_int_eq(codec_png.encode(&img, &opts, &png, &err), -1);
	ck_assert_str_eq(err.msg, "PNG: compression level 10 is outside 0..9");
	/* Only the length is looked at before refusing. */
	opts = (struct encode_options){ .compression = 6, .icc = pixels,
					.icc_len = 0x80000000u };
	ck_assert_int_eq(codec_png.encode(&img, &opts, &png, &err), -1);
	ck_assert_str_eq(err.msg, "PNG: ICC profile of 2147483648 bytes is too large to embed");
	ck_assert_uint_eq(png.len, 0);
	ck_assert_ptr_null(png.data);
}
END_TEST

/* A libpng error leaves the buffer as it was. */
START_TEST(test_encode_libpng_error_restores_buffer)
{
	uint8_t pixel = 0;
	struct image img = {
		.width = 0x80000000u, .height = 1, .channels = 1, .depth = 8,
		.stride = 0x80000000u, .pixels = &pixel,
	};
	struct encode_options opts = { .compression = 6 };
	struct buffer png = { malloc(2), 2, 2 };
	struct ib_error err = { 0 };

	ck_assert_ptr_nonnull(png.data);
	memcpy(png.data, "ok", 2);
	ck_assert_int_eq(codec_png.encode(&img, &opts, &png, &err), -1);
	ck_assert_str_eq(err.msg,
			 "PNG: Invalid IHDR data (after warning: Image width exceeds user limit in IHDR)");
	ck_assert_uint_eq(png.len, 2);
	ck_assert_mem_eq(png.data, "ok", 2);
	buffer_free(&png);
}
END_TEST

/* ---- damaged files ------------------------------------------------------------ */

START_TEST(test_truncated)
{
	struct buffer png = { 0 };
	make_stored_png(&png);
	/* Signature 0..8, IHDR 8..33, IDAT 33..len-12, IEND len-12..len. */
	ck_assert_mem_eq(png.data + 37, "IDAT", 4);
	ck_assert_mem_eq(png.data + png.len - 8, "IEND", 4);

	static const size_t cut_before_idat[] = { 0, 1, 4, 7, 8, 12, 16, 20, 29, 32, 33, 37, 40 };
	for (size_t i = 0; i < sizeof cut_before_idat / sizeof cut_before_idat[0]; i++)
		expect_open_failure(png.data, cut_before_idat[i], "PNG: file is truncated");

	/* From the IDAT data on, the header is complete: decode notices. */
	const size_t cut_after_header[] = {
		41, 42, 100, png.len - 16, png.len - 13, png.len - 12, png.len - 5, png.len - 1
	};
	for (size_t i = 0; i < sizeof cut_after_header / sizeof cut_after_header[0]; i++)
		expect_decode_failure(png.data, cut_after_header[i], 0, "PNG: file is truncated");
	buffer_free(&png);
}
END_TEST

START_TEST(test_bad_crc)
{
	struct buffer png = { 0 };
	make_stored_png(&png);

	png.data[29] ^= 0x01;                   /* IHDR CRC */
	expect_open_failure(png.data, png.len, "PNG: IHDR: CRC error");
	png.data[29] ^= 0x01;
	png.data[20] ^= 0x01;                   /* IHDR data */
	expect_open_failure(png.data, png.len, "PNG: IHDR: CRC error");
	png.data[20] ^= 0x01;

	png.data[png.len - 13] ^= 0x80;         /* IDAT CRC */
	expect_decode_failure(png.data, png.len, 0, "PNG: IDAT: CRC error");
	png.data[png.len - 13] ^= 0x80;
	png.data[png.len - 1] ^= 0x80;          /* IEND CRC */
	expect_decode_failure(png.data, png.len, 0, "PNG: IEND: CRC error");
	buffer_free(&png);
}
END_TEST

START_TEST(test_zero_length)
{
	ck_assert(!codec_png.sniff(signature, 0));
	expect_open_failure(signature, 0, "PNG: file is truncated");
}
END_TEST

START_TEST(test_garbage_after_signature)
{
	struct buffer png = { 0 };
	append(&png, signature, sizeof signature);
	append(&png, "garbage garbage garbage garbage", 31);
	/* Length "garb", type "age " with a space, shown escaped. */
	expect_open_failure(png.data, png.len, "PNG: age[20]: invalid chunk type");
	buffer_free(&png);
}
END_TEST

START_TEST(test_missing_ihdr)
{
	struct buffer png = { 0 };
	append(&png, signature, sizeof signature);
	append_chunk(&png, "IEND", NULL, 0);
	expect_open_failure(png.data, png.len, "PNG: IEND: out of place");
	buffer_free(&png);
}
END_TEST

START_TEST(test_invalid_ihdr)
{
	struct buffer png = { 0 };
	start_png(&png, 4, 4, 3, PNG_COLOR_TYPE_GRAY);
	append_chunk(&png, "IEND", NULL, 0);
	expect_open_failure(png.data, png.len,
			    "PNG: Invalid IHDR data (after warning: Invalid bit depth in IHDR)");
	buffer_free(&png);
}
END_TEST

/* Refused from the header alone: the file has no pixel data at all. */
START_TEST(test_max_pixels_huge_header)
{
	struct buffer png = { 0 };
	struct decoder d = { 0 };
	struct ib_error err = { 0 };

	start_png(&png, 100000, 100000, 8, PNG_COLOR_TYPE_RGB_ALPHA);
	append_chunk(&png, "IDAT", NULL, 0);
	append_chunk(&png, "IEND", NULL, 0);
	ck_assert_int_eq(codec_png.open(&d, png.data, png.len, &err), 0);
	ck_assert_uint_eq(d.info.width, 100000);
	ck_assert_uint_eq(d.info.height, 100000);
	ck_assert_uint_eq(d.info.channels, 4);
	ck_assert_uint_eq(d.info.depth, 8);
	codec_png.close(&d);

	expect_decode_failure(png.data, png.len, 1000000,
			      "image is 100000x100000 = 10000000000 pixels, over the limit "
			      "of 1000000 (--max-pixels)");
	expect_decode_failure(png.data, png.len, IMAGE_DEFAULT_MAX_PIXELS,
			      "image is 100000x100000 = 10000000000 pixels, over the limit "
			      "of 256000000 (--max-pixels)");
	buffer_free(&png);
}
END_TEST

START_TEST(test_max_pixels_boundary)
{
	struct image img, back;
	struct buffer png = { 0 };
	struct ib_error err = { 0 };

	make_pattern(&img, 40, 25, 1, 8);
	encode_ok(&img, 6, NULL, 0, &png);
	ck_assert_int_eq(decode_png(png.data, png.len, 1000, &back, NULL, &err), 0);
	ck_assert_uint_eq(back.width * back.height, 1000);
	image_free(&back);
	expect_decode_failure(png.data, png.len, 999,
			      "image is 40x25 = 1000 pixels, over the limit of 999 (--max-pixels)");
	image_free(&img);
	buffer_free(&png);
}
END_TEST

/* PNG has no reduced-size decoding: min_w/min_h never shrink. */
START_TEST(test_decode_ignores_min_size)
{
	struct image img, back;
	struct buffer png = { 0 };
	struct decoder d = { 0 };
	struct ib_error err = { 0 };

	make_pattern(&img, 64, 48, 3, 8);
	encode_ok(&img, 6, NULL, 0, &png);
	ck_assert_int_eq(codec_png.open(&d, png.data, png.len, &err), 0);
	ck_assert_int_eq(codec_png.decode(&d, 8, 6, 0, &back, &err), 0);
	ck_assert_uint_eq(back.width, 64);
	ck_assert_uint_eq(back.height, 48);
	ck_assert_mem_eq(back.pixels, img.pixels, img.stride * 48);
	codec_png.close(&d);
	image_free(&img);
	image_free(&back);
	buffer_free(&png);
}
END_TEST

/* ---- metadata ----------------------------------------------------------------- */

static void check_icc_round_trip(uint32_t channels, uint32_t depth, const char *cs,
				 size_t len)
{
	uint8_t *icc = make_icc(len, cs);
	struct image img, back;
	struct buffer png = { 0 };
	struct decoder d = { 0 };
	struct ib_error err = { 0 };

	make_pattern(&img, 6, 5, channels, depth);
	encode_ok(&img, 6, icc, len, &png);
	ck_assert_int_eq(codec_png.open(&d, png.data, png.len, &err), 0);
	ck_assert_uint_eq(d.info.icc_len, len);
	ck_assert_ptr_nonnull(d.info.icc);
	ck_assert_mem_eq(d.info.icc, icc, len);
	ck_assert_int_eq(codec_png.decode(&d, 0, 0, 0, &back, &err), 0);
	/* Still there after decode; close frees it. */
	ck_assert_mem_eq(d.info.icc, icc, len);
	ck_assert_mem_eq(back.pixels, img.pixels, img.stride * 5);
	codec_png.close(&d);
	ck_assert_ptr_null(d.info.icc);
	ck_assert_uint_eq(d.info.icc_len, 0);
	image_free(&back);
	image_free(&img);
	buffer_free(&png);
	free(icc);
}

START_TEST(test_icc_round_trip)
{
	check_icc_round_trip(3, 8, "RGB ", 3000);
	check_icc_round_trip(4, 16, "RGB ", 200000);
	check_icc_round_trip(1, 16, "GRAY", 400);
	check_icc_round_trip(2, 8, "GRAY", 1000);
}
END_TEST

START_TEST(test_icc_absent)
{
	struct buffer png = { 0 };
	struct decoder d = { 0 };
	struct ib_error err = { 0 };

	make_stored_png(&png);
	ck_assert_int_eq(codec_png.open(&d, png.data, png.len, &err), 0);
	ck_assert_ptr_null(d.info.icc);
	ck_assert_uint_eq(d.info.icc_len, 0);
	codec_png.close(&d);
	buffer_free(&png);
}
END_TEST

static size_t icc_len_after_encode(uint32_t channels, const char *cs)
{
	uint8_t *icc = make_icc(500, cs);
	struct image img;
	struct buffer png = { 0 };
	struct decoder d = { 0 };
	struct ib_error err = { 0 };

	make_pattern(&img, 3, 3, channels, 8);
	encode_ok(&img, 6, icc, 500, &png);
	ck_assert_ptr_null(memmem(png.data, png.len, "iCCP", 4));
	ck_assert_int_eq(codec_png.open(&d, png.data, png.len, &err), 0);
	size_t len = d.info.icc_len;
	codec_png.close(&d);
	image_free(&img);
	buffer_free(&png);
	free(icc);
	return len;
}

/* A profile that does not describe the pixels is left out, not fatal. */
START_TEST(test_icc_unsuitable_is_left_out)
{
	ck_assert_uint_eq(icc_len_after_encode(3, "CMYK"), 0);
	ck_assert_uint_eq(icc_len_after_encode(3, "GRAY"), 0);
	ck_assert_uint_eq(icc_len_after_encode(1, "RGB "), 0);
}
END_TEST

/* The iCCP chunk of a profile: name, compression method, zlib stream. */
static void make_iccp(const uint8_t *icc, size_t len, struct buffer *chunk)
{
	append(chunk, "Test\0\0", 6);
	append_zlib_stored(chunk, icc, len);
}

/* A file's iCCP chunk, written by hand: found; broken ones are dropped. */
START_TEST(test_icc_from_file)
{
	uint8_t *rgb = make_icc(400, "RGB ");
	struct buffer iccp = { 0 }, png = { 0 }, with = { 0 };
	struct decoder d = { 0 };
	struct image back;
	struct ib_error err = { 0 };

	make_stored_png(&png);
	make_iccp(rgb, 400, &iccp);
	insert_chunk(&png, 33, "iCCP", iccp.data, iccp.len, &with);
	ck_assert_int_eq(codec_png.open(&d, with.data, with.len, &err), 0);
	ck_assert_uint_eq(d.info.icc_len, 400);
	ck_assert_mem_eq(d.info.icc, rgb, 400);
	codec_png.close(&d);

	/*
	 * libpng reads exactly the profile's length and then ignores the CRC of
	 * iCCP (a warning): a chunk damaged only there keeps its profile.
	 */
	size_t crc_at = 33 + 8 + iccp.len;
	with.data[crc_at] ^= 0x01;
	ck_assert_int_eq(codec_png.open(&d, with.data, with.len, &err), 0);
	ck_assert_uint_eq(d.info.icc_len, 400);
	ck_assert_mem_eq(d.info.icc, rgb, 400);
	codec_png.close(&d);
	with.data[crc_at] ^= 0x01;

	/* A damaged profile signature ("acsp"): dropped, the file is fine. */
	with.data[33 + 8 + 6 + 7 + 36] ^= 0x01;
	ck_assert_int_eq(codec_png.open(&d, with.data, with.len, &err), 0);
	ck_assert_ptr_null(d.info.icc);
	ck_assert_uint_eq(d.info.icc_len, 0);
	ck_assert_int_eq(codec_png.decode(&d, 0, 0, 0, &back, &err), 0);
	codec_png.close(&d);
	image_free(&back);

	/* A GRAY profile in an RGB file: libpng drops it. */
	memcpy(rgb + 16, "GRAY", 4);
	iccp.len = 0;
	with.len = 0;
	make_iccp(rgb, 400, &iccp);
	insert_chunk(&png, 33, "iCCP", iccp.data, iccp.len, &with);
	ck_assert_int_eq(codec_png.open(&d, with.data, with.len, &err), 0);
	ck_assert_ptr_null(d.info.icc);
	ck_assert_int_eq(codec_png.decode(&d, 0, 0, 0, &back, &err), 0);
	codec_png.close(&d);
	image_free(&back);

	buffer_free(&iccp);
	buffer_free(&with);
	buffer_free(&png);
	free(rgb);
}
END_TEST

/* TIFF structures holding one Orientation entry. */
static const uint8_t exif_be6[] = {
	'M', 'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
	0x00, 0x01,
	0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t exif_le8[] = {
	'I', 'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x01, 0x00,
	0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t exif_le9[] = {
	'I', 'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x01, 0x00,
	0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

static int orientation_of(const uint8_t *exif, uint32_t exif_len)
{
	static const uint8_t rows[] = { 1, 2, 3, 4, 5, 6 };
	struct png_spec spec = SPEC(3, 2, 8, PNG_COLOR_TYPE_GRAY,
				    .exif = exif, .exif_len = exif_len);
	struct buffer png = { 0 };
	struct image back;
	struct image_info info;

	write_with_libpng(&spec, rows, sizeof rows, &png);
	decode_ok(&png, &back, &info);
	/* Orientation is reported, never applied by the decoder. */
	ck_assert_uint_eq(back.width, 3);
	ck_assert_mem_eq(back.pixels, rows, sizeof rows);
	image_free(&back);
	buffer_free(&png);
	return info.orientation;
}

START_TEST(test_exif_orientation)
{
	ck_assert_int_eq(orientation_of(exif_be6, sizeof exif_be6), 6);
	ck_assert_int_eq(orientation_of(exif_le8, sizeof exif_le8), 8);
	ck_assert_int_eq(orientation_of(exif_le9, sizeof exif_le9), 1);
	ck_assert_int_eq(orientation_of(NULL, 0), 1);
}
END_TEST

/* ---- image data made in one go (png_idat.c) ------------------------------------- */

/* The filter byte of each row of a PNG with one IDAT, inflated with zlib. */
static void filter_bytes(const struct buffer *png, size_t row_bytes, uint32_t rows,
			 uint8_t *filters);

/* A noisy gradient whose rows favour different filters; every seventh row
 * is black, which None encodes best. */
static void make_noise(struct image *img, uint32_t w, uint32_t h, uint32_t channels,
		       uint32_t depth)
{
	struct ib_error err = { 0 };
	uint32_t seed = 7;

	ck_assert_int_eq(image_alloc(img, w, h, channels, depth, 0, &err), 0);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			for (uint32_t c = 0; c < channels; c++) {
				seed = seed * 1103515245 + 12345;
				uint32_t smooth = (x * 5 + y * 3 + c * 40) * (depth == 16 ? 257 : 1);
				uint32_t v = (smooth + (seed >> 20) % 9) & (depth == 16 ? 0xFFFF : 0xFF);
				set_sample(img, x, y, c, y % 7 == 3 ? 0 : v);
			}
}

/* Level 6: row 0 a ramp (Sub predicts it), row 1 the same (Up), row 2 the
 * running mean of its left neighbour and the ramp above (Average, exactly),
 * row 3 zeros (None ties with Sub and Paeth at 0 and comes first).  Levels
 * 0 and 1: None and Sub throughout. */
START_TEST(test_idat_filter_choice)
{
	struct image img, back;
	struct buffer png = { 0 };
	struct ib_error err = { 0 };
	uint8_t filters[4];

	ck_assert_int_eq(image_alloc(&img, 40, 4, 1, 8, 0, &err), 0);
	for (uint32_t x = 0; x < 40; x++) {
		img.pixels[x] = (uint8_t)(100 + 3 * x);
		img.pixels[40 + x] = (uint8_t)(100 + 3 * x);
		img.pixels[80 + x] = (uint8_t)(((x ? img.pixels[80 + x - 1] : 0) + img.pixels[40 + x]) / 2);
		img.pixels[120 + x] = 0;
	}
	encode_ok(&img, 6, NULL, 0, &png);
	filter_bytes(&png, 40, 4, filters);
	ck_assert_uint_eq(filters[0], 1);
	ck_assert_uint_eq(filters[1], 2);
	ck_assert_uint_eq(filters[2], 3);
	ck_assert_uint_eq(filters[3], 0);
	decode_ok(&png, &back, NULL);
	ck_assert_mem_eq(back.pixels, img.pixels, 160);
	image_free(&back);
	buffer_free(&png);
	for (int level = 0; level <= 1; level++) {
		encode_ok(&img, level, NULL, 0, &png);
		filter_bytes(&png, 40, 4, filters);
		for (int y = 0; y < 4; y++)
			ck_assert_uint_eq(filters[y], (unsigned)level);
		buffer_free(&png);
	}
	image_free(&img);
}
END_TEST

/* Noise in every layout at level 9: Paeth gets used too, and what the
 * filters write decodes back exactly. */
START_TEST(test_idat_noise_round_trip)
{
	bool paeth_used = false;

	for (size_t i = 0; i < sizeof round_trip_layouts / sizeof round_trip_layouts[0]; i++) {
		uint32_t channels = round_trip_layouts[i].channels, depth = round_trip_layouts[i].depth;
		struct image img, back;
		struct buffer png = { 0 };
		uint8_t filters[53];

		make_noise(&img, 97, 53, channels, depth);
		encode_ok(&img, 9, NULL, 0, &png);
		decode_ok(&png, &back, NULL);
		for (uint32_t y = 0; y < img.height; y++)
			ck_assert_mem_eq(image_row(&back, y), image_row(&img, y),
					 97 * image_bytes_per_pixel(&img));
		filter_bytes(&png, 97 * image_bytes_per_pixel(&img), 53, filters);
		for (int y = 0; y < 53; y++) {
			ck_assert_uint_lt(filters[y], 5);
			paeth_used |= filters[y] == 4;
		}
		image_free(&img);
		image_free(&back);
		buffer_free(&png);
	}
	ck_assert_msg(paeth_used, "Paeth never chosen");
}
END_TEST

/* Above PNG_IDAT_MAX_RAW, libpng and zlib stream the rows: same pixels. */
START_TEST(test_idat_large_image_streamed)
{
	struct image img, back;
	struct buffer png = { 0 };

	make_noise(&img, 1500, 1500, 4, 8);
	ck_assert_uint_gt(png_idat_raw_size(&img), PNG_IDAT_MAX_RAW);
	encode_ok(&img, 1, NULL, 0, &png);
	decode_ok(&png, &back, NULL);
	ck_assert_mem_eq(back.pixels, img.pixels, (size_t)img.stride * img.height);
	image_free(&img);
	image_free(&back);
	buffer_free(&png);
}
END_TEST

/* ---- restreaming (png_restream.c) ------------------------------------------------ */

/* The file as libpng's simplified API reads it, as 8-bit RGBA; NULL when
 * libpng refuses it. */
static uint8_t *libpng_rgba(const uint8_t *data, size_t len, size_t *n)
{
	png_image im = { .version = PNG_IMAGE_VERSION };

	if (!png_image_begin_read_from_memory(&im, data, len))
		return NULL;
	im.format = PNG_FORMAT_RGBA;
	*n = PNG_IMAGE_SIZE(im);
	uint8_t *pixels = malloc(*n);
	ck_assert_ptr_nonnull(pixels);
	if (!png_image_finish_read(&im, NULL, pixels, 0, NULL)) {
		free(pixels);
		png_image_free(&im);
		return NULL;
	}
	return pixels;
}

/* Restreamed, the file reads as the same pixels, and a second restream
 * changes nothing. */
static void expect_restreamed_alike(const uint8_t *data, size_t len, const char *what)
{
	size_t re_len = 0, again_len = 0, n_orig = 0, n_re = 0;
	uint8_t *re = png_restream(data, len, &re_len);

	ck_assert_msg(re != NULL, "%s: not restreamed", what);
	uint8_t *orig_px = libpng_rgba(data, len, &n_orig), *re_px = libpng_rgba(re, re_len, &n_re);
	ck_assert_msg(orig_px && re_px, "%s: libpng refused the original or the restreamed file",
		      what);
	ck_assert_uint_eq(n_orig, n_re);
	ck_assert_msg(memcmp(orig_px, re_px, n_orig) == 0, "%s: pixels differ", what);
	uint8_t *again = png_restream(re, re_len, &again_len);
	ck_assert_ptr_nonnull(again);
	ck_assert_uint_eq(again_len, re_len);
	ck_assert_mem_eq(again, re, re_len);
	free(again);
	free(orig_px);
	free(re_px);
	free(re);
}

static void expect_not_restreamed(const uint8_t *data, size_t len, const char *what)
{
	size_t out_len = 12345;

	ck_assert_msg(png_restream(data, len, &out_len) == NULL, "%s: restreamed", what);
	ck_assert_uint_eq(out_len, 12345);
}

/* Every layout but the interlaced ones (left to libpng). */
START_TEST(test_restream_layouts)
{
	const struct layout_case *lc = &layout_cases[_i];
	struct buffer png = { 0 };

	write_with_libpng(&lc->spec, lc->raw, lc->raw_len, &png);
	if (lc->spec.interlace)
		expect_not_restreamed(png.data, png.len, lc->name);
	else
		expect_restreamed_alike(png.data, png.len, lc->name);
	buffer_free(&png);
}
END_TEST

/* The offset of the first chunk of that type. */
static size_t find_chunk(const struct buffer *png, const char *type)
{
	for (size_t at = 8; at + 12 <= png->len;) {
		uint32_t len = (uint32_t)png->data[at] << 24 | (uint32_t)png->data[at + 1] << 16 |
			       (uint32_t)png->data[at + 2] << 8 | png->data[at + 3];
		if (memcmp(png->data + at + 4, type, 4) == 0)
			return at;
		at += 12 + len;
	}
	ck_abort_msg("no %s chunk", type);
	return 0;
}

static uint32_t chunk_length(const struct buffer *png, size_t at)
{
	return (uint32_t)png->data[at] << 24 | (uint32_t)png->data[at + 1] << 16 |
	       (uint32_t)png->data[at + 2] << 8 | png->data[at + 3];
}

/* The CRC of the chunk at `at`, computed again after its data changed. */
static void fix_crc(struct buffer *png, size_t at)
{
	uint32_t len = chunk_length(png, at);
	put_be32(png->data + at + 8 + len, crc32_update(0, png->data + at + 4, 4 + len));
}

/*
 * A small PNG is restreamed (its image data inflated by libdeflate) and
 * libpng is told not to check its critical chunks' CRCs and its Adler-32
 * again: the restreaming must have checked them, or left the file to
 * libpng.  Ancillary chunks stay libpng's to check (a bad one is skipped).
 */
START_TEST(test_restreamed_checks)
{
	static const png_color palette[] = { { 1, 2, 3 }, { 4, 5, 6 } };
	const struct png_spec spec = SPEC(2, 1, 8, PNG_COLOR_TYPE_PALETTE, .palette = palette,
					  .num_palette = 2);
	struct buffer png = { 0 }, with_text = { 0 };
	struct image img;

	write_with_libpng(&spec, (const uint8_t[]){ 0, 1 }, 2, &png);
	size_t plte = find_chunk(&png, "PLTE");
	png.data[plte + 8] ^= 0x01;                     /* PLTE data, CRC now wrong */
	expect_open_failure(png.data, png.len, "PNG: PLTE: CRC error");
	buffer_free(&png);

	make_stored_png(&png);
	size_t idat = find_chunk(&png, "IDAT");
	size_t adler = idat + 8 + chunk_length(&png, idat) - 4;
	png.data[adler + 3] ^= 0x01;                    /* a wrong Adler-32, a right CRC */
	fix_crc(&png, idat);
	expect_decode_failure(png.data, png.len, 0, "PNG: IDAT: incorrect data check");
	png.data[adler + 3] ^= 0x01;
	fix_crc(&png, idat);

	static const uint8_t text[] = "Comment\0hello";
	insert_chunk(&png, idat, "tEXt", text, sizeof text - 1, &with_text);
	with_text.data[idat + 8] ^= 0x01;               /* tEXt data, CRC now wrong */
	decode_ok(&with_text, &img, NULL);
	ck_assert_uint_eq(img.width, 8);
	image_free(&img);
	buffer_free(&with_text);
	buffer_free(&png);
}
END_TEST

/*
 * png (one IDAT) rebuilt with that IDAT's payload, plus `extra` bytes
 * after it, cut into `parts` IDAT chunks, and `between` (a chunk type, or
 * NULL) inserted after the first part.
 */
static void rebuild_idat(const struct buffer *png, size_t parts, const uint8_t *extra,
			 size_t extra_len, const char *between, struct buffer *out)
{
	size_t at = find_chunk(png, "IDAT");
	uint32_t len = chunk_length(png, at);
	struct buffer payload = { 0 };

	append(&payload, png->data + at + 8, len);
	append(&payload, extra, extra_len);
	append(out, png->data, at);
	for (size_t i = 0, from = 0; i < parts; i++) {
		size_t to = payload.len * (i + 1) / parts;
		append_chunk(out, "IDAT", payload.data + from, to - from);
		if (i == 0 && between)
			append_chunk(out, between, (const uint8_t *)"x", 1);
		from = to;
	}
	append(out, png->data + at + 12 + len, png->len - (at + 12 + len));
	buffer_free(&payload);
}

static void filter_bytes(const struct buffer *png, size_t row_bytes, uint32_t rows,
			 uint8_t *filters)
{
	size_t at = find_chunk(png, "IDAT");
	uLongf raw_len = (row_bytes + 1) * rows;
	uint8_t *raw = malloc(raw_len);

	ck_assert_ptr_nonnull(raw);
	ck_assert_int_eq(uncompress(raw, &raw_len, png->data + at + 8, chunk_length(png, at)), Z_OK);
	ck_assert_uint_eq(raw_len, (row_bytes + 1) * rows);
	for (uint32_t y = 0; y < rows; y++)
		filters[y] = raw[y * (row_bytes + 1)];
	free(raw);
}

/* 300x300 RGB: 270,300 bytes of image data, five stored blocks. */
static void make_photo_png(struct buffer *png, uint32_t w, uint32_t h, uint32_t channels)
{
	struct image img;

	make_pattern(&img, w, h, channels, 8);
	encode_ok(&img, 6, NULL, 0, png);
	image_free(&img);
}

START_TEST(test_restream_blocks_and_chunks)
{
	struct buffer png = { 0 }, split = { 0 };

	make_photo_png(&png, 300, 300, 3);
	expect_restreamed_alike(png.data, png.len, "300x300 RGB, one IDAT");
	rebuild_idat(&png, 7, NULL, 0, NULL, &split);
	expect_restreamed_alike(split.data, split.len, "300x300 RGB, seven IDATs");
	buffer_free(&split);
	buffer_free(&png);
}
END_TEST

START_TEST(test_restream_declines)
{
	struct buffer png = { 0 }, b = { 0 };
	static const uint8_t junk[] = { 1, 2, 3 };

	make_photo_png(&png, 64, 64, 3);
	expect_restreamed_alike(png.data, png.len, "64x64 RGB");
	size_t idat = find_chunk(&png, "IDAT");
	uint32_t idat_len = chunk_length(&png, idat);

	/* damage that libpng must report in its own words */
	expect_not_restreamed(png.data, idat + 20, "cut in the IDAT");
	png.data[idat + 8 + idat_len] ^= 1;
	expect_not_restreamed(png.data, png.len, "bad IDAT CRC");
	png.data[idat + 8 + idat_len] ^= 1;
	png.data[0] ^= 1;
	expect_not_restreamed(png.data, png.len, "bad signature");
	png.data[0] ^= 1;

	/* a damaged deflate stream with a valid CRC */
	rebuild_idat(&png, 1, NULL, 0, NULL, &b);
	struct buffer bad = { 0 };
	append(&bad, png.data, png.len);
	bad.data[idat + 8 + idat_len / 2] ^= 0xFF;
	buffer_free(&b);
	rebuild_idat(&bad, 1, NULL, 0, NULL, &b);   /* the CRC made right again */
	expect_not_restreamed(b.data, b.len, "damaged deflate data");
	buffer_free(&b);
	buffer_free(&bad);

	/* a zlib header declaring a 256-byte window for 12 KB: zlib enforces
	 * the window, libdeflate would not */
	append(&bad, png.data, png.len);
	bad.data[idat + 8] = 0x08;
	bad.data[idat + 9] = 0x1D;              /* (0x08 << 8 | 0x1D) % 31 == 0 */
	rebuild_idat(&bad, 1, NULL, 0, NULL, &b);
	expect_not_restreamed(b.data, b.len, "a 256-byte window");
	buffer_free(&b);
	buffer_free(&bad);

	rebuild_idat(&png, 1, junk, sizeof junk, NULL, &b);
	expect_not_restreamed(b.data, b.len, "bytes after the zlib stream");
	buffer_free(&b);
	rebuild_idat(&png, 3, NULL, 0, "tEXt", &b);
	expect_not_restreamed(b.data, b.len, "IDAT chunks in two runs");
	buffer_free(&b);
	buffer_free(&png);

	/* 1024x1024 gray: 1,049,600 bytes, over PNG_RESTREAM_MAX_RAW */
	make_photo_png(&png, 1024, 1024, 1);
	expect_not_restreamed(png.data, png.len, "over 1 MiB of image data");
	buffer_free(&png);
	/* 340x1000 RGB, 1,021,000 bytes, is under it */
	make_photo_png(&png, 340, 1000, 3);
	expect_restreamed_alike(png.data, png.len, "340x1000 RGB");
	buffer_free(&png);
}
END_TEST

/* A stream that ends before the image does: libpng's reason, as before. */
START_TEST(test_restream_short_stream_left_to_libpng)
{
	struct buffer b = { 0 }, z = { 0 };
	uint8_t rows[4 * (1 + 8 * 3)] = { 0 };

	start_png(&b, 8, 8, 8, PNG_COLOR_TYPE_RGB);
	append_zlib_stored(&z, rows, sizeof rows);      /* 4 of the 8 rows */
	append_chunk(&b, "IDAT", z.data, z.len);
	append_chunk(&b, "IEND", NULL, 0);
	expect_not_restreamed(b.data, b.len, "half the rows");
	expect_decode_failure(b.data, b.len, 0, "PNG: Not enough image data");
	buffer_free(&z);
	buffer_free(&b);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("png");
	TCase *tc = tcase_create("codec");
	tcase_add_test(tc, test_codec_registry);
	tcase_add_test(tc, test_buffer_append);
	tcase_add_test(tc, test_buffer_append_overflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("layouts");
	tcase_add_test(tc, test_sniff);
	tcase_add_loop_test(tc, test_decode_layout, 0,
			    sizeof layout_cases / sizeof layout_cases[0]);
	tcase_add_test(tc, test_trns_out_of_range);
	tcase_add_loop_test(tc, test_round_trip, 0,
			    sizeof round_trip_layouts / sizeof round_trip_layouts[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("encode");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_encode_16_bit_is_big_endian);
	tcase_add_test(tc, test_encode_padded_stride);
	tcase_add_test(tc, test_wide_round_trip);
	tcase_add_test(tc, test_encode_appends);
	tcase_add_test(tc, test_encode_rejects);
	tcase_add_test(tc, test_encode_libpng_error_restores_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("damage");
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_bad_crc);
	tcase_add_test(tc, test_restreamed_checks);
	tcase_add_test(tc, test_zero_length);
	tcase_add_test(tc, test_garbage_after_signature);
	tcase_add_test(tc, test_missing_ihdr);
	tcase_add_test(tc, test_invalid_ihdr);
	tcase_add_test(tc, test_max_pixels_huge_header);
	tcase_add_test(tc, test_max_pixels_boundary);
	tcase_add_test(tc, test_decode_ignores_min_size);
	suite_add_tcase(s, tc);

	tc = tcase_create("idat");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_idat_filter_choice);
	tcase_add_test(tc, test_idat_noise_round_trip);
	tcase_add_test(tc, test_idat_large_image_streamed);
	suite_add_tcase(s, tc);

	tc = tcase_create("restream");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_restream_layouts, 0,
			    sizeof layout_cases / sizeof layout_cases[0]);
	tcase_add_test(tc, test_restream_blocks_and_chunks);
	tcase_add_test(tc, test_restream_declines);
	tcase_add_test(tc, test_restream_short_stream_left_to_libpng);
	suite_add_tcase(s, tc);

	tc = tcase_create("metadata");
	tcase_add_test(tc, test_icc_round_trip);
	tcase_add_test(tc, test_icc_absent);
	tcase_add_test(tc, test_icc_unsuitable_is_left_out);
	tcase_add_test(tc, test_icc_from_file);
	tcase_add_test(tc, test_exif_orientation);
	suite_add_tcase(s, tc);
	return s;
}

