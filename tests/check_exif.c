#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "codec/exif.h"
#include "codec/image.h"
#include "tests/check_main.h"

/* ---- exif_orientation ---------------------------------------------------- */

/*
 * A TIFF block: header, IFD0 at offset 8 with an unrelated Make entry and then
 * the orientation entry (tag, type, count, value), next-IFD offset 0.
 */
#define TIFF_LEN (8 + 2 + 2 * 12 + 4)

struct writer {
	uint8_t *p;
	bool be;
};

static void put16(struct writer *w, uint16_t v)
{
	w->p[0] = (uint8_t)(w->be ? v >> 8 : v);
	w->p[1] = (uint8_t)(w->be ? v : v >> 8);
	w->p += 2;
}

static void put32(struct writer *w, uint32_t v)
{
	put16(w, (uint16_t)(w->be ? v >> 16 : v));
	put16(w, (uint16_t)(w->be ? v : v >> 16));
}

static void build_tiff(uint8_t buf[TIFF_LEN], bool be, uint16_t tag,
		       uint16_t type, uint32_t count, uint16_t value)
{
	struct writer w = { buf, be };
	memcpy(w.p, be ? "MM" : "II", 2);
	w.p += 2;
	put16(&w, 42);
	put32(&w, 8);
	put16(&w, 2);
	put16(&w, 0x010F);      /* Make, ASCII[4] "Foo\0" inline */
	put16(&w, 2);
	put32(&w, 4);
	memcpy(w.p, "Foo", 4);
	w.p += 4;
	put16(&w, tag);
	put16(&w, type);
	put32(&w, count);
	put16(&w, value);       /* SHORT: left-justified in the value field */
	put16(&w, 0);
	put32(&w, 0);
}

/* A TIFF block with IFD0 (Orientation 1), IFD1 (the thumbnail's offset and
 * length, as LONGs) and a 4-byte "JPEG" at 56, in either byte order;
 * ifd1 is where IFD0 says IFD1 is (26 for the real one). */
static size_t build_thumb_tiff(uint8_t buf[64], bool be, uint32_t ifd1, uint32_t at,
			       uint32_t len, uint16_t offset_type)
{
	struct writer w = { buf, be };
	memset(buf, 0, 64);
	memcpy(w.p, be ? "MM" : "II", 2);
	w.p += 2;
	put16(&w, 42);
	put32(&w, 8);
	put16(&w, 1);                                   /* IFD0 at 8 */
	put16(&w, 0x0112), put16(&w, 3), put32(&w, 1), put16(&w, 1), put16(&w, 0);
	put32(&w, ifd1);
	put16(&w, 2);                                   /* IFD1 at 26 */
	put16(&w, 0x0201), put16(&w, offset_type), put32(&w, 1), put32(&w, at);
	put16(&w, 0x0202), put16(&w, 4), put32(&w, 1), put32(&w, len);
	put32(&w, 0);
	memcpy(buf + 56, "\xFF\xD8\xFF\xD9", 4);
	return 60;
}

START_TEST(test_thumbnail_found_both_orders)
{
	uint8_t buf[64];
	size_t at, n;
	for (int be = 0; be < 2; be++) {
		size_t len = build_thumb_tiff(buf, be, 26, 56, 4, 4);
		ck_assert(exif_thumbnail(buf, len, &at, &n));
		ck_assert_uint_eq(at, 56);
		ck_assert_uint_eq(n, 4);
		ck_assert_int_eq(exif_orientation(buf, len), 1);
	}
}
END_TEST

/* Out of bounds, not a JPEG, no IFD1, cut short: no thumbnail. */
START_TEST(test_thumbnail_malformed)
{
	uint8_t buf[64];
	size_t at, n;
	size_t len = build_thumb_tiff(buf, false, 26, 56, 5, 4);      /* one byte too long */
	ck_assert(!exif_thumbnail(buf, len, &at, &n));
	len = build_thumb_tiff(buf, false, 26, 0xFFFFFFF0u, 4, 4);   /* offset far out */
	ck_assert(!exif_thumbnail(buf, len, &at, &n));
	len = build_thumb_tiff(buf, false, 26, 52, 4, 4);            /* not at an SOI */
	ck_assert(!exif_thumbnail(buf, len, &at, &n));
	len = build_thumb_tiff(buf, false, 0, 56, 4, 4);             /* no IFD1 */
	ck_assert(!exif_thumbnail(buf, len, &at, &n));
	len = build_thumb_tiff(buf, false, 60, 56, 4, 4);            /* IFD1 past the end */
	ck_assert(!exif_thumbnail(buf, len, &at, &n));
	len = build_thumb_tiff(buf, false, 26, 56, 4, 7);            /* offset UNDEFINED */
	ck_assert(!exif_thumbnail(buf, len, &at, &n));
	len = build_thumb_tiff(buf, false, 26, 56, 4, 4);
	for (size_t cut = 0; cut < len; cut++)
		ck_assert(!exif_thumbnail(buf, cut, &at, &n));
	ck_assert(exif_thumbnail(buf, len, &at, &n));
}
END_TEST

START_TEST(test_orientation_every_value_both_orders)
{
	uint8_t buf[TIFF_LEN];
	for (int be = 0; be <= 1; be++) {
		for (uint16_t v = 1; v <= 8; v++) {
			build_tiff(buf, be, 0x0112, 3, 1, v);
			ck_assert_int_eq(exif_orientation(buf, sizeof buf), v);
		}
	}
}
END_TEST

START_TEST(test_orientation_hand_written_blocks)
{
	/* Written out by hand: MM, IFD0 at 8, one entry 0112 SHORT x1 = 6. */
	static const uint8_t mm[] = {
		'M', 'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
		0x00, 0x01,
		0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t ii[] = {
		'I', 'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,
		0x01, 0x00,
		0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	ck_assert_int_eq(exif_orientation(mm, sizeof mm), 6);
	ck_assert_int_eq(exif_orientation(ii, sizeof ii), 8);
	/* The IFD need not follow the header directly. */
	uint8_t gap[sizeof mm + 4] = { 0 };
	memcpy(gap, mm, 8);
	gap[7] = 12;
	memcpy(gap + 12, mm + 8, sizeof mm - 8);
	ck_assert_int_eq(exif_orientation(gap, sizeof gap), 6);
}
END_TEST

START_TEST(test_orientation_missing_tag)
{
	uint8_t buf[TIFF_LEN];
	build_tiff(buf, false, 0x0110, 3, 1, 6);        /* Model, not Orientation */
	ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
	ck_assert_int_eq(exif_orientation(NULL, 0), 1);
}
END_TEST

START_TEST(test_orientation_truncated)
{
	uint8_t buf[TIFF_LEN];
	build_tiff(buf, true, 0x0112, 3, 1, 6);
	ck_assert_int_eq(exif_orientation(buf, 7), 1);         /* header */
	ck_assert_int_eq(exif_orientation(buf, 9), 1);         /* entry count */
	ck_assert_int_eq(exif_orientation(buf, 8 + 2 + 12), 1); /* second entry */
	ck_assert_int_eq(exif_orientation(buf, 8 + 2 + 24 - 1), 1);
	/* The next-IFD offset is not needed to read IFD0's entries. */
	ck_assert_int_eq(exif_orientation(buf, 8 + 2 + 24), 6);
}
END_TEST

START_TEST(test_orientation_bad_header)
{
	uint8_t buf[TIFF_LEN];
	build_tiff(buf, false, 0x0112, 3, 1, 6);
	buf[2] = 43;                                            /* magic */
	ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
	build_tiff(buf, false, 0x0112, 3, 1, 6);
	memcpy(buf, "IM", 2);                                   /* byte order */
	ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
	build_tiff(buf, true, 0x0112, 3, 1, 6);
	buf[0] = 'I';                                           /* mixed order */
	ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
}
END_TEST

START_TEST(test_orientation_ifd_offset_out_of_range)
{
	uint8_t buf[TIFF_LEN];
	static const uint32_t offsets[] = {
		TIFF_LEN, TIFF_LEN - 1, 0xFFFFFFFF, 0xFFFFFFFE, 0, 4,
	};
	for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		build_tiff(buf, true, 0x0112, 3, 1, 6);
		struct writer w = { buf + 4, true };
		put32(&w, offsets[i]);
		ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
	}
}
END_TEST

START_TEST(test_orientation_entry_count_overflow)
{
	uint8_t buf[TIFF_LEN];
	static const uint16_t counts[] = { 3, 100, 0xFFFF };
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		build_tiff(buf, false, 0x0112, 3, 1, 6);
		struct writer w = { buf + 8, false };
		put16(&w, counts[i]);
		ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
	}
	/* Count 0: a valid, empty IFD. */
	build_tiff(buf, false, 0x0112, 3, 1, 6);
	buf[8] = 0;
	ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
}
END_TEST

START_TEST(test_orientation_wrong_type_or_count)
{
	uint8_t buf[TIFF_LEN];
	build_tiff(buf, true, 0x0112, 4, 1, 6);                 /* LONG */
	ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
	build_tiff(buf, false, 0x0112, 1, 1, 6);                /* BYTE */
	ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
	build_tiff(buf, true, 0x0112, 3, 2, 6);                 /* two SHORTs */
	ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
	build_tiff(buf, false, 0x0112, 3, 0, 6);
	ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
}
END_TEST

START_TEST(test_orientation_out_of_range_value)
{
	uint8_t buf[TIFF_LEN];
	static const uint16_t values[] = { 0, 9, 0x0100, 0xFFFF };
	for (int be = 0; be <= 1; be++) {
		for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
			build_tiff(buf, be, 0x0112, 3, 1, values[i]);
			ck_assert_int_eq(exif_orientation(buf, sizeof buf), 1);
		}
	}
}
END_TEST

/* ---- exif_apply_orientation ---------------------------------------------- */

/*
 * The 3x2 source holds pixel ids
 *     1 2 3
 *     4 5 6
 * and expected[o] lists the ids of the result, row-major.
 */
static const struct {
	uint32_t w, h;
	uint8_t ids[6];
} expected[9] = {
	[1] = { 3, 2, { 1, 2, 3, 4, 5, 6 } },
	[2] = { 3, 2, { 3, 2, 1, 6, 5, 4 } },
	[3] = { 3, 2, { 6, 5, 4, 3, 2, 1 } },
	[4] = { 3, 2, { 4, 5, 6, 1, 2, 3 } },
	[5] = { 2, 3, { 1, 4, 2, 5, 3, 6 } },
	[6] = { 2, 3, { 4, 1, 5, 2, 6, 3 } },
	[7] = { 2, 3, { 6, 3, 5, 2, 4, 1 } },
	[8] = { 2, 3, { 3, 6, 2, 5, 1, 4 } },
};

/* Sample c of pixel id: distinct across pixels and channels, and > 255. */
static unsigned sample_value(unsigned id, unsigned c, uint32_t depth)
{
	return depth == 16 ? id * 4096 + c * 16 + 7 : id * 16 + c;
}

static unsigned get_sample(const struct image *img, uint32_t x, uint32_t y, uint32_t c)
{
	const uint8_t *row = image_row(img, y);
	if (img->depth == 16) {
		uint16_t v;
		memcpy(&v, row + ((size_t)x * img->channels + c) * 2, 2);
		return v;
	}
	return row[(size_t)x * img->channels + c];
}

/* Builds the 3x2 source by hand with a padded stride. */
static void make_source(struct image *img, uint32_t channels, uint32_t depth)
{
	img->width = 3;
	img->height = 2;
	img->channels = channels;
	img->depth = depth;
	img->stride = 3 * channels * depth / 8 + 5;
	img->pixels = calloc(2, img->stride);
	ck_assert_ptr_nonnull(img->pixels);
	for (uint32_t y = 0; y < 2; y++) {
		for (uint32_t x = 0; x < 3; x++) {
			for (uint32_t c = 0; c < channels; c++) {
				unsigned v = sample_value(y * 3 + x + 1, c, depth);
				uint8_t *p = image_row(img, y) + (x * channels + c) * depth / 8;
				if (depth == 16) {
					uint16_t s = (uint16_t)v;
					memcpy(p, &s, 2);
				} else {
					*p = (uint8_t)v;
				}
			}
		}
	}
}

static void check_orientation(uint32_t channels, uint32_t depth, int o)
{
	struct image img;
	struct ib_error err = { 0 };
	make_source(&img, channels, depth);
	ck_assert_int_eq(exif_apply_orientation(&img, o, &err), 0);
	ck_assert_uint_eq(img.width, expected[o].w);
	ck_assert_uint_eq(img.height, expected[o].h);
	ck_assert_uint_eq(img.channels, channels);
	ck_assert_uint_eq(img.depth, depth);
	for (uint32_t y = 0; y < img.height; y++)
		for (uint32_t x = 0; x < img.width; x++)
			for (uint32_t c = 0; c < channels; c++)
				ck_assert_uint_eq(get_sample(&img, x, y, c),
						  sample_value(expected[o].ids[y * img.width + x], c, depth));
	image_free(&img);
}

START_TEST(test_apply_gray8)
{
	check_orientation(1, 8, _i);
}
END_TEST

START_TEST(test_apply_gray_alpha8)
{
	check_orientation(2, 8, _i);
}
END_TEST

START_TEST(test_apply_rgb8)
{
	check_orientation(3, 8, _i);
}
END_TEST

START_TEST(test_apply_rgba8)
{
	check_orientation(4, 8, _i);
}
END_TEST

START_TEST(test_apply_gray16)
{
	check_orientation(1, 16, _i);
}
END_TEST

START_TEST(test_apply_gray_alpha16)
{
	check_orientation(2, 16, _i);
}
END_TEST

START_TEST(test_apply_rgb16)
{
	check_orientation(3, 16, _i);
}
END_TEST

START_TEST(test_apply_rgba16)
{
	check_orientation(4, 16, _i);
}
END_TEST

START_TEST(test_apply_identity_keeps_pixels)
{
	struct image img;
	struct ib_error err = { 0 };
	make_source(&img, 3, 8);
	uint8_t *pixels = img.pixels;
	ck_assert_int_eq(exif_apply_orientation(&img, 1, &err), 0);
	ck_assert_ptr_eq(img.pixels, pixels);
	ck_assert_uint_eq(img.width, 3);
	image_free(&img);
}
END_TEST

START_TEST(test_apply_invalid_orientation)
{
	static const int bad[] = { 0, 9, -1 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct image img;
		struct ib_error err = { 0 };
		make_source(&img, 1, 8);
		uint8_t *pixels = img.pixels;
		ck_assert_int_eq(exif_apply_orientation(&img, bad[i], &err), -1);
		ck_assert_ptr_nonnull(strstr(err.msg, "orientation"));
		ck_assert_ptr_eq(img.pixels, pixels);
		ck_assert_uint_eq(img.width, 3);
		image_free(&img);
	}
}
END_TEST

/* A 1-pixel-wide column and a larger image (rotating back and forth). */
START_TEST(test_apply_round_trip_large)
{
	struct image img, orig;
	struct ib_error err = { 0 };
	ck_assert_int_eq(image_alloc(&img, 37, 23, 3, 8, 0, &err), 0);
	ck_assert_int_eq(image_alloc(&orig, 37, 23, 3, 8, 0, &err), 0);
	for (uint32_t y = 0; y < 23; y++)
		for (uint32_t x = 0; x < 37 * 3; x++)
			image_row(&img, y)[x] = image_row(&orig, y)[x] = (uint8_t)(x * 7 + y * 13);
	/* 6 then 8 is the identity; so are 5,5 and 7,7 and 3,3 and 2,2 and 4,4. */
	static const int pairs[][2] = { { 6, 8 }, { 8, 6 }, { 5, 5 }, { 7, 7 },
					{ 3, 3 }, { 2, 2 }, { 4, 4 } };
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		ck_assert_int_eq(exif_apply_orientation(&img, pairs[i][0], &err), 0);
		ck_assert_uint_eq(img.width, exif_swaps_axes(pairs[i][0]) ? 23 : 37);
		ck_assert_int_eq(exif_apply_orientation(&img, pairs[i][1], &err), 0);
		ck_assert_uint_eq(img.width, 37);
		ck_assert_uint_eq(img.height, 23);
		for (uint32_t y = 0; y < 23; y++)
			ck_assert_mem_eq(image_row(&img, y), image_row(&orig, y), 37 * 3);
	}
	image_free(&img);
	image_free(&orig);

	ck_assert_int_eq(image_alloc(&img, 1, 4, 1, 8, 0, &err), 0);
	for (uint32_t y = 0; y < 4; y++)
		image_row(&img, y)[0] = (uint8_t)(y + 1);
	ck_assert_int_eq(exif_apply_orientation(&img, 6, &err), 0);
	ck_assert_uint_eq(img.width, 4);
	ck_assert_uint_eq(img.height, 1);
	ck_assert_mem_eq(image_row(&img, 0), "\x04\x03\x02\x01", 4);
	image_free(&img);
}
END_TEST

START_TEST(test_swaps_axes)
{
	static const int swaps[10] = { 0, 0, 0, 0, 0, 1, 1, 1, 1, 0 };
	for (int o = 0; o <= 9; o++)
		ck_assert_int_eq(exif_swaps_axes(o), swaps[o]);
}
END_TEST

/* ---- exif_rewrite ---------------------------------------------------------- */

/*
 * A camera-like block: IFD0 at 8 (Orientation 6, Exif and GPS pointers),
 * the Exif IFD at 50 (PixelXDimension a SHORT, PixelYDimension a LONG), the
 * GPS IFD at 80 (GPSLatitude, three RATIONALs out of line at 98: the bytes
 * 0x47 'G'), IFD1 at 122 (the thumbnail's offset and length) and the
 * thumbnail at 152; the block ends with one pad byte.
 */
#define REWRITE_LEN 158

static void entry(struct writer *w, uint16_t tag, uint16_t type, uint32_t count, uint32_t value)
{
	put16(w, tag), put16(w, type), put32(w, count);
	if (type == 3 && count == 1)
		put16(w, (uint16_t)value), put16(w, 0);
	else
		put32(w, value);
}

static void build_rewrite_tiff(uint8_t buf[REWRITE_LEN], bool be)
{
	struct writer w = { buf, be };
	memset(buf, 0, REWRITE_LEN);
	memcpy(w.p, be ? "MM" : "II", 2);
	w.p += 2;
	put16(&w, 42), put32(&w, 8);
	put16(&w, 3);                                       /* IFD0 at 8 */
	entry(&w, 0x0112, 3, 1, 6);
	entry(&w, 0x8769, 4, 1, 50);
	entry(&w, 0x8825, 4, 1, 80);
	put32(&w, 122);
	put16(&w, 2);                                       /* Exif IFD at 50 */
	entry(&w, 0xA002, 3, 1, 4000);
	entry(&w, 0xA003, 4, 1, 3000);
	put32(&w, 0);
	put16(&w, 1);                                       /* GPS IFD at 80 */
	entry(&w, 0x0002, 5, 3, 98);
	put32(&w, 0);
	memset(w.p, 0x47, 24);                              /* its value at 98 */
	w.p += 24;
	put16(&w, 2);                                       /* IFD1 at 122 */
	entry(&w, 0x0201, 4, 1, 152);
	entry(&w, 0x0202, 4, 1, 5);
	put32(&w, 0);
	memcpy(w.p, "\xFF\xD8\xFF\xD9\x01", 5);             /* at 152, then a pad */
	ck_assert_uint_eq((size_t)(w.p + 5 - buf), REWRITE_LEN - 1);
}

struct reader {
	const uint8_t *p;
	bool be;
};

static uint32_t get(const struct reader *r, size_t off, int bytes)
{
	uint32_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint32_t)r->p[off + (size_t)i] << (r->be ? 8 * (bytes - 1 - i) : 8 * i);
	return v;
}

START_TEST(test_rewrite_both_orders)
{
	for (int be = 0; be <= 1; be++) {
		uint8_t in[REWRITE_LEN], *out = NULL;
		size_t len = 0, at, n;
		build_rewrite_tiff(in, be);
		ck_assert_int_eq(exif_orientation(in, sizeof in), 6);
		ck_assert(exif_thumbnail(in, sizeof in, &at, &n));
		ck_assert_int_eq(exif_rewrite(in, sizeof in, 70000, 300, false, &out, &len), 1);
		struct reader r = { out, be };
		ck_assert_int_eq(exif_orientation(out, len), 1);
		ck_assert(!exif_thumbnail(out, len, &at, &n));
		ck_assert_uint_eq(get(&r, 8 + 2 + 3 * 12, 4), 0);        /* no IFD1 */
		/* X: a SHORT too small for 70000 became a LONG; Y stays a LONG */
		ck_assert_uint_eq(get(&r, 52 + 2, 2), 4);
		ck_assert_uint_eq(get(&r, 52 + 8, 4), 70000);
		ck_assert_uint_eq(get(&r, 64 + 8, 4), 300);
		/* GPS kept; IFD1 and the thumbnail cut off (it ended the block) */
		ck_assert_uint_eq(get(&r, 8 + 2 + 2 * 12, 2), 0x8825);
		ck_assert_uint_eq(len, 122);
		ck_assert(memchr(out, 0xD8, len) == NULL);
		free(out);
	}
}
END_TEST

START_TEST(test_rewrite_drops_gps)
{
	for (int be = 0; be <= 1; be++) {
		uint8_t in[REWRITE_LEN], *out = NULL;
		size_t len = 0;
		build_rewrite_tiff(in, be);
		ck_assert_int_eq(exif_rewrite(in, sizeof in, 10, 20, true, &out, &len), 1);
		struct reader r = { out, be };
		ck_assert_uint_eq(get(&r, 8, 2), 2);                   /* two entries left */
		ck_assert_uint_eq(get(&r, 10, 2), 0x0112);
		ck_assert_uint_eq(get(&r, 22, 2), 0x8769);
		ck_assert_uint_eq(get(&r, 34, 4), 0);                  /* next IFD */
		ck_assert_int_eq(exif_orientation(out, len), 1);
		/* the GPS IFD and its value ended the block once IFD1 went */
		ck_assert_uint_eq(len, 80);
		free(out);
	}
}
END_TEST

/* When something kept follows the GPS IFD, its bytes stay, zeroed. */
START_TEST(test_rewrite_zeroes_gps_in_the_middle)
{
	uint8_t in[REWRITE_LEN], *out = NULL;
	size_t len = 0;
	build_rewrite_tiff(in, false);
	/* IFD0's next-IFD offset 0: no IFD1, so the thumbnail's bytes are
	 * something unknown that follows and is kept */
	memset(in + 8 + 2 + 3 * 12, 0, 4);
	ck_assert_int_eq(exif_rewrite(in, sizeof in, 10, 20, true, &out, &len), 1);
	ck_assert_uint_eq(len, REWRITE_LEN);
	ck_assert(memchr(out, 0x47, len) == NULL);
	for (size_t i = 80; i < 122; i++)
		ck_assert_uint_eq(out[i], 0);
	free(out);
}
END_TEST

START_TEST(test_rewrite_malformed)
{
	uint8_t in[REWRITE_LEN], *out = NULL;
	size_t len = 0;
	build_rewrite_tiff(in, true);
	ck_assert_int_eq(exif_rewrite(in, 4, 1, 1, false, &out, &len), 0);
	ck_assert_int_eq(exif_rewrite((const uint8_t *)"XX*\0\0\0\0\x08", 8, 1, 1, false, &out, &len), 0);
	in[50] = 0xFF;                              /* the Exif IFD says 0xFFFF entries */
	in[51] = 0xFF;
	ck_assert_int_eq(exif_rewrite(in, sizeof in, 1, 1, false, &out, &len), 0);
	build_rewrite_tiff(in, true);
	in[4] = 0x7F;                               /* IFD0 far outside */
	ck_assert_int_eq(exif_rewrite(in, sizeof in, 1, 1, false, &out, &len), 0);
	/* every truncation is refused or rewritten within its own bytes */
	build_rewrite_tiff(in, false);
	for (size_t cut = 0; cut < sizeof in; cut++) {
		uint8_t *part = malloc(cut ? cut : 1);
		memcpy(part, in, cut);
		int r = exif_rewrite(part, cut, 1, 1, true, &out, &len);
		ck_assert_int_ge(r, 0);
		if (r) {
			ck_assert_uint_le(len, cut);
			free(out);
		}
		free(part);
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("exif");
	TCase *tc = tcase_create("orientation");
	tcase_add_test(tc, test_orientation_every_value_both_orders);
	tcase_add_test(tc, test_thumbnail_found_both_orders);
	tcase_add_test(tc, test_thumbnail_malformed);
	tcase_add_test(tc, test_orientation_hand_written_blocks);
	tcase_add_test(tc, test_orientation_missing_tag);
	tcase_add_test(tc, test_orientation_truncated);
	tcase_add_test(tc, test_orientation_bad_header);
	tcase_add_test(tc, test_orientation_ifd_offset_out_of_range);
	tcase_add_test(tc, test_orientation_entry_count_overflow);
	tcase_add_test(tc, test_orientation_wrong_type_or_count);
	tcase_add_test(tc, test_orientation_out_of_range_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("rewrite");
	tcase_add_test(tc, test_rewrite_both_orders);
	tcase_add_test(tc, test_rewrite_drops_gps);
	tcase_add_test(tc, test_rewrite_zeroes_gps_in_the_middle);
	tcase_add_test(tc, test_rewrite_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("apply");
	tcase_add_loop_test(tc, test_apply_gray8, 1, 9);
	tcase_add_loop_test(tc, test_apply_gray_alpha8, 1, 9);
	tcase_add_loop_test(tc, test_apply_rgb8, 1, 9);
	tcase_add_loop_test(tc, test_apply_rgba8, 1, 9);
	tcase_add_loop_test(tc, test_apply_gray16, 1, 9);
	tcase_add_loop_test(tc, test_apply_gray_alpha16, 1, 9);
	tcase_add_loop_test(tc, test_apply_rgb16, 1, 9);
	tcase_add_loop_test(tc, test_apply_rgba16, 1, 9);
	tcase_add_test(tc, test_apply_identity_keeps_pixels);
	tcase_add_test(tc, test_apply_invalid_orientation);
	tcase_add_test(tc, test_apply_round_trip_large);
	tcase_add_test(tc, test_swaps_axes);
	suite_add_tcase(s, tc);
	return s;
}

