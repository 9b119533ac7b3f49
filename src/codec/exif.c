#include "config.h"
#include "codec/exif.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TIFF_HEADER_LEN 8
#define IFD_ENTRY_LEN 12
#define TAG_ORIENTATION 0x0112
#define TAG_THUMB_OFFSET 0x0201      /* JPEGInterchangeFormat, in IFD1 */
#define TAG_THUMB_LENGTH 0x0202      /* JPEGInterchangeFormatLength */
#define TAG_EXIF_IFD 0x8769
#define TAG_GPS_IFD 0x8825
#define TAG_PIXEL_X 0xA002           /* PixelXDimension, in the Exif IFD */
#define TAG_PIXEL_Y 0xA003
#define TYPE_ASCII 2
#define TYPE_SHORT 3
#define TYPE_LONG 4

struct tiff {
	const uint8_t *data;
	size_t len;
	bool big_endian;
};

static uint16_t tiff_u16(const struct tiff *t, size_t off)
{
	const uint8_t *p = t->data + off;
	if (t->big_endian)
		return (uint16_t)(p[0] << 8 | p[1]);
	return (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t tiff_u32(const struct tiff *t, size_t off)
{
	uint32_t hi = tiff_u16(t, off), lo = tiff_u16(t, off + 2);
	if (t->big_endian)
		return hi << 16 | lo;
	return lo << 16 | hi;
}

/* Reads the byte order mark and the magic 42; false if this is no TIFF. */
static bool tiff_init(struct tiff *t, const uint8_t *data, size_t len)
{
	t->data = data;
	t->len = len;
	if (!data || len < TIFF_HEADER_LEN)
		return false;
	if (!memcmp(data, "II", 2))
		t->big_endian = false;
	else if (!memcmp(data, "MM", 2))
		t->big_endian = true;
	else
		return false;
	return tiff_u16(t, 2) == 42;
}

/*
 * Value of the orientation entry at off, or 1.  A SHORT with count 1 sits in
 * the first two bytes of the 4-byte value field, whatever the byte order.
 */
static int orientation_entry(const struct tiff *t, size_t off)
{
	if (tiff_u16(t, off + 2) != TYPE_SHORT || tiff_u32(t, off + 4) != 1)
		return 1;
	uint16_t value = tiff_u16(t, off + 8);
	return value >= 1 && value <= 8 ? value : 1;
}

/* The entries of the IFD at ifd: *count of them from *entries; false when
 * the IFD does not lie wholly inside the data. */
static bool ifd_bounds(const struct tiff *t, uint32_t ifd, uint16_t *count, size_t *entries)
{
	if (ifd < TIFF_HEADER_LEN || ifd > t->len - 2)
		return false;
	*count = tiff_u16(t, ifd);
	*entries = ifd + 2;
	return *count <= (t->len - *entries) / IFD_ENTRY_LEN;
}

/* The offset of the entry for tag in an IFD, or 0. */
static size_t find_entry(const struct tiff *t, uint16_t count, size_t entries, uint16_t tag)
{
	for (uint16_t i = 0; i < count; i++) {
		size_t off = entries + (size_t)i * IFD_ENTRY_LEN;
		if (tiff_u16(t, off) == tag)
			return off;
	}
	return 0;
}

int exif_orientation(const uint8_t *data, size_t len)
{
	struct tiff t;
	uint16_t count;
	size_t entries, off;
	if (!tiff_init(&t, data, len) || !ifd_bounds(&t, tiff_u32(&t, 4), &count, &entries))
		return 1;
	off = find_entry(&t, count, entries, TAG_ORIENTATION);
	return off ? orientation_entry(&t, off) : 1;
}

/* A LONG (or SHORT) with count 1 in the entry at off; false otherwise. */
static bool entry_number(const struct tiff *t, size_t off, uint32_t *value)
{
	uint16_t type = tiff_u16(t, off + 2);
	if (!off || tiff_u32(t, off + 4) != 1 || (type != TYPE_LONG && type != TYPE_SHORT))
		return false;
	*value = type == TYPE_LONG ? tiff_u32(t, off + 8) : tiff_u16(t, off + 8);
	return true;
}

bool exif_thumbnail(const uint8_t *data, size_t len, size_t *offset, size_t *length)
{
	struct tiff t;
	uint16_t count;
	size_t entries;
	uint32_t at, n;
	if (!tiff_init(&t, data, len) || !ifd_bounds(&t, tiff_u32(&t, 4), &count, &entries))
		return false;
	/* IFD1, the thumbnail's, follows IFD0's entries */
	size_t next = entries + (size_t)count * IFD_ENTRY_LEN;
	if (next > len - 4 || !ifd_bounds(&t, tiff_u32(&t, next), &count, &entries))
		return false;
	if (!entry_number(&t, find_entry(&t, count, entries, TAG_THUMB_OFFSET), &at) ||
	    !entry_number(&t, find_entry(&t, count, entries, TAG_THUMB_LENGTH), &n) ||
	    n < 4 || at > len || n > len - at || data[at] != 0xFF || data[at + 1] != 0xD8)
		return false;
	*offset = at;
	*length = n;
	return true;
}

/* ---- rewriting ------------------------------------------------------------ */

static void tiff_put16(const struct tiff *t, size_t off, uint16_t v)
{
	uint8_t *p = (uint8_t *)t->data + off;   /* only ever our own copy */
	p[t->big_endian ? 0 : 1] = (uint8_t)(v >> 8);
	p[t->big_endian ? 1 : 0] = (uint8_t)v;
}

static void tiff_put32(const struct tiff *t, size_t off, uint32_t v)
{
	tiff_put16(t, off + (t->big_endian ? 0 : 2), (uint16_t)(v >> 16));
	tiff_put16(t, off + (t->big_endian ? 2 : 0), (uint16_t)v);
}

/* Bytes per value of a TIFF type (BYTE .. IFD); 0 for an unknown type. */
static size_t type_size(uint16_t type)
{
	static const uint8_t sizes[] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4 };
	return type < sizeof sizes ? sizes[type] : 0;
}

/* The byte ranges a rewrite zeroed, to cut off those that end the block. */
#define MAX_CLEARED 64
struct cleared {
	size_t from[MAX_CLEARED], to[MAX_CLEARED];
	unsigned n;
};

static void clear_range(const struct tiff *t, struct cleared *c, size_t from, size_t to)
{
	memset((uint8_t *)t->data + from, 0, to - from);
	if (c->n < MAX_CLEARED) {
		c->from[c->n] = from;
		c->to[c->n++] = to;
	}
}

/* Zeroes the IFD at ifd, its next-IFD offset and its out-of-line values. */
static void clear_ifd(const struct tiff *t, uint32_t ifd, struct cleared *c)
{
	uint16_t count;
	size_t entries;
	if (!ifd_bounds(t, ifd, &count, &entries))
		return;
	for (uint16_t i = 0; i < count; i++) {
		size_t off = entries + (size_t)i * IFD_ENTRY_LEN;
		uint64_t bytes = (uint64_t)type_size(tiff_u16(t, off + 2)) * tiff_u32(t, off + 4);
		uint32_t value = tiff_u32(t, off + 8);
		if (bytes > 4 && value >= TIFF_HEADER_LEN && value <= t->len && bytes <= t->len - value)
			clear_range(t, c, value, value + (size_t)bytes);
	}
	size_t end = entries + (size_t)count * IFD_ENTRY_LEN;
	clear_range(t, c, ifd, end + 4 <= t->len ? end + 4 : end);
}

/* IFD0's entries; false when data is no TIFF or IFD0 lies outside it. */
static bool ifd0(struct tiff *t, const uint8_t *data, size_t len, uint16_t *count, size_t *entries)
{
	return tiff_init(t, data, len) && ifd_bounds(t, tiff_u32(t, 4), count, entries);
}

bool exif_ifd0_has(const uint8_t *data, size_t len, uint16_t tag)
{
	struct tiff t;
	uint16_t count;
	size_t entries;
	return ifd0(&t, data, len, &count, &entries) && find_entry(&t, count, entries, tag) != 0;
}

bool exif_ifd0_string(const uint8_t *data, size_t len, uint16_t tag, char *buf, size_t cap)
{
	struct tiff t;
	uint16_t count;
	size_t entries, off;
	if (!cap || !ifd0(&t, data, len, &count, &entries) ||
	    !(off = find_entry(&t, count, entries, tag)) || tiff_u16(&t, off + 2) != TYPE_ASCII)
		return false;
	uint32_t n = tiff_u32(&t, off + 4);
	/* up to four bytes sit in the value field itself */
	size_t at = n <= 4 ? off + 8 : tiff_u32(&t, off + 8);
	if (at > len || n > len - at)
		return false;
	size_t keep = n < cap - 1 ? n : cap - 1;
	memcpy(buf, data + at, keep);
	buf[keep] = '\0';
	return true;
}

/*
 * The length of the block once the cleared ranges that end it are cut off,
 * kept even (TIFF values start on word boundaries).  A range followed by one
 * byte still ends the block: writers pad values to an even length, and no
 * value outside an entry is a single byte.
 */
static size_t trimmed_length(const struct cleared *c, size_t len)
{
	size_t end = len;
	for (bool moved = true; moved;) {
		moved = false;
		for (unsigned i = 0; i < c->n; i++)
			if (c->from[i] < end && c->to[i] + 1 >= end) {
				end = c->from[i];
				moved = true;
			}
	}
	end += end & 1 && end < len;
	return end < TIFF_HEADER_LEN ? TIFF_HEADER_LEN : end;
}

/* Sets a SHORT or LONG entry with count 1 to v (a SHORT too small for v
 * becomes a LONG); leaves any other entry alone. */
static void set_number(const struct tiff *t, size_t off, uint32_t v)
{
	uint16_t type = tiff_u16(t, off + 2);
	if (!off || tiff_u32(t, off + 4) != 1 || (type != TYPE_SHORT && type != TYPE_LONG))
		return;
	if (type == TYPE_SHORT && v <= 0xFFFF) {
		tiff_put16(t, off + 8, (uint16_t)v);
		tiff_put16(t, off + 10, 0);
		return;
	}
	tiff_put16(t, off + 2, TYPE_LONG);
	tiff_put32(t, off + 8, v);
}

/* The output's size in the Exif IFD the entry at off points to; false when
 * that IFD lies outside the block. */
static bool set_pixel_dimensions(const struct tiff *t, size_t off, uint32_t width,
				 uint32_t height)
{
	uint32_t ifd;
	uint16_t count;
	size_t entries;
	if (!off)
		return true;
	if (!entry_number(t, off, &ifd) || !ifd_bounds(t, ifd, &count, &entries))
		return false;
	set_number(t, find_entry(t, count, entries, TAG_PIXEL_X), width);
	set_number(t, find_entry(t, count, entries, TAG_PIXEL_Y), height);
	return true;
}

/* Removes IFD0's GPS pointer (the entry at off; entries stay sorted) and
 * zeroes the GPS IFD; IFD0's next-IFD offset, already 0, moves up. */
static void drop_gps_ifd(const struct tiff *t, size_t off, uint16_t count, size_t entries,
			 struct cleared *c)
{
	uint32_t ifd;
	if (entry_number(t, off, &ifd))
		clear_ifd(t, ifd, c);
	size_t end = entries + (size_t)count * IFD_ENTRY_LEN;
	uint8_t *d = (uint8_t *)t->data;
	memmove(d + off, d + off + IFD_ENTRY_LEN, end - off - IFD_ENTRY_LEN);
	tiff_put16(t, entries - 2, (uint16_t)(count - 1));
	memset(d + end - IFD_ENTRY_LEN, 0, IFD_ENTRY_LEN + 4);
}

/* Drops IFD1 and its thumbnail: IFD0's next-IFD offset (at next) set to 0. */
static void drop_ifd1(const struct tiff *t, size_t next, struct cleared *c)
{
	size_t at, n;
	uint32_t ifd1 = tiff_u32(t, next);
	if (!ifd1)
		return;
	if (exif_thumbnail(t->data, t->len, &at, &n))
		clear_range(t, c, at, at + n);
	clear_ifd(t, ifd1, c);
	tiff_put32(t, next, 0);
}

/* Rewrites the copy t in place (see exif_rewrite); false when malformed. */
static bool rewrite(struct tiff *t, uint32_t width, uint32_t height, bool drop_gps)
{
	struct cleared c = { .n = 0 };
	uint16_t count;
	size_t entries;
	if (!ifd_bounds(t, tiff_u32(t, 4), &count, &entries))
		return false;
	size_t next = entries + (size_t)count * IFD_ENTRY_LEN;
	if (next > t->len - 4)
		return false;
	if (!set_pixel_dimensions(t, find_entry(t, count, entries, TAG_EXIF_IFD), width, height))
		return false;
	drop_ifd1(t, next, &c);
	size_t gps = find_entry(t, count, entries, TAG_GPS_IFD);
	if (drop_gps && gps)
		drop_gps_ifd(t, gps, count, entries, &c);
	t->len = trimmed_length(&c, t->len);
	/* IFD0 still whole: nothing it holds was cut off with what was dropped */
	if (!ifd_bounds(t, tiff_u32(t, 4), &count, &entries) ||
	    entries + (size_t)count * IFD_ENTRY_LEN > t->len - 4)
		return false;
	/* Orientation last: in a malformed block the IFDs changed above may
	 * overlap IFD0 and undo it.  A block that still reads otherwise is
	 * malformed beyond use. */
	size_t orientation = find_entry(t, count, entries, TAG_ORIENTATION);
	if (orientation)
		set_number(t, orientation, 1);
	return exif_orientation(t->data, t->len) == 1;
}

int exif_rewrite(const uint8_t *tiff, size_t len, uint32_t width, uint32_t height,
		 bool drop_gps, uint8_t **out, size_t *out_len)
{
	struct tiff t;
	if (!tiff_init(&t, tiff, len))
		return 0;
	uint8_t *copy = malloc(len);
	if (!copy)
		return -1;
	memcpy(copy, tiff, len);
	tiff_init(&t, copy, len);
	if (!rewrite(&t, width, height, drop_gps)) {
		free(copy);
		return 0;
	}
	*out = copy;
	*out_len = t.len;
	return 1;
}

/*
 * Every orientation maps destination
 pixel (dx, dy) to a source pixel: first
 * the axes are swapped (for the four transforms that exchange width and
 * height), then each source axis may run backwards.
 */
struct remap {
	bool swap, flip_x, flip_y;
};

static const struct remap remaps[9] = {
	[1] = { false, false, false },
	[2] = { false, true, false },   /* flip horizontal */
	[3] = { false, true, true },    /* rotate 180 */
	[4] = { false, false, true },   /* flip vertical */
	[5] = { true, false, false },   /* transpose */
	[6] = { true, false, true },    /* rotate 90 CW */
	[7] = { true, true, true },     /* transverse */
	[8] = { true, true, false },    /* rotate 90 CCW */
};

/*
 * Copies n pixels of bpp bytes into dst, taking them from src + off,
 * src + off + step, ...  Inlined with constant bpp so memcpy becomes a move.
 */
static inline __attribute__((always_inline)) void
gather_pixels(uint8_t *dst, const uint8_t *src, ptrdiff_t off, ptrdiff_t step,
	      uint32_t n, size_t bpp)
{
	for (uint32_t i = 0; i < n; i++, off += step)
		memcpy(dst + (size_t)i * bpp, src + off, bpp);
}

static void gather_row(uint8_t *dst, const uint8_t *src, ptrdiff_t off,
		       ptrdiff_t step, uint32_t n, size_t bpp)
{
	switch (bpp) {
	case 1: gather_pixels(dst, src, off, step, n, 1); break;
	case 2: gather_pixels(dst, src, off, step, n, 2); break;
	case 3: gather_pixels(dst, src, off, step, n, 3); break;
	case 4: gather_pixels(dst, src, off, step, n, 4); break;
	case 6: gather_pixels(dst, src, off, step, n, 6); break;
	case 8: gather_pixels(dst, src, off, step, n, 8); break;
	default: gather_pixels(dst, src, off, step, n, bpp); break;
	}
}

static void remap_pixels(const struct image *src, const struct remap *r,
			 struct image *dst)
{
	size_t bpp = image_bytes_per_pixel(src);
	/* Byte steps along the source axes, and where destination (0, 0) is. */
	ptrdiff_t sx_step = r->flip_x ? -(ptrdiff_t)bpp : (ptrdiff_t)bpp;
	ptrdiff_t sy_step = r->flip_y ? -(ptrdiff_t)src->stride : (ptrdiff_t)src->stride;
	ptrdiff_t origin = (r->flip_x ? (ptrdiff_t)(src->width - 1) * (ptrdiff_t)bpp : 0) +
			   (r->flip_y ? (ptrdiff_t)(src->height - 1) * (ptrdiff_t)src->stride : 0);
	ptrdiff_t col_step = r->swap ? sy_step : sx_step;
	ptrdiff_t row_step = r->swap ? sx_step : sy_step;

	for (uint32_t y = 0; y < dst->height; y++)
		gather_row(image_row(dst, y), src->pixels,
			   origin + (ptrdiff_t)y * row_step, col_step,
			   dst->width, bpp);
}

int exif_apply_orientation(struct image *img, int orientation, struct ib_error *err)
{
	if (orientation < 1 || orientation > 8)
		return ib_fail(err, "invalid EXIF orientation %d", orientation);
	if (orientation == 1)
		return 0;

	const struct remap *r = &remaps[orientation];
	uint32_t w = r->swap ? img->height : img->width;
	uint32_t h = r->swap ? img->width : img->height;
	struct image out;
	/* Same pixel count as img, which already passed the limit: no limit. */
	if (image_alloc(&out, w, h, img->channels, img->depth, 0, err) < 0)
		return -1;
	remap_pixels(img, r, &out);
	image_free(img);
	*img = out;
	return 0;
}
