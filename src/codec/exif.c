#include "config.h"
#include "codec/exif.h"

#include <stdbool.h>
#include <string.h>

#define TIFF_HEADER_LEN 8
#define IFD_ENTRY_LEN 12
#define TAG_ORIENTATION 0x0112
#define TAG_THUMB_OFFSET 0x0201      /* JPEGInterchangeFormat, in IFD1 */
#define TAG_THUMB_LENGTH 0x0202      /* JPEGInterchangeFormatLength */
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
 * Every orientation maps destination pixel (dx, dy) to a source pixel: first
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
