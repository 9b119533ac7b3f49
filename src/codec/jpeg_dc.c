#include "config.h"
#include "codec/jpeg_dc.h"

#include <stdbool.h>
#include <string.h>

/* What libjpeg decodes for us: gray, YCbCr or RGB, CMYK or YCCK. */
#define DC_MAX_COMPONENTS 4

#define M_SOF2 0xC2             /* progressive, Huffman coding */
#define M_SOF10 0xCA            /* progressive, arithmetic coding */
#define M_SOS 0xDA
#define M_EOI 0xD9

struct walk {
	const uint8_t *data;
	size_t len, from;
	struct buffer *out;
	bool progressive;
	unsigned ncomp;
	uint8_t ids[DC_MAX_COMPONENTS];
	/* How many low bits of each component's DC are still to come; -1
	 * before its first DC scan. */
	int dc_bits[DC_MAX_COMPONENTS];
};

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC). */
static bool is_sof(uint8_t code)
{
	return code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 && code != 0xCC;
}

/* Appends the part of [start, end) at or after w->from. */
static int keep(struct walk *w, size_t start, size_t end, struct ib_error *err)
{
	if (start < w->from)
		start = w->from;
	if (end <= start)
		return 0;
	return buffer_append(w->out, w->data + start, end - start, err);
}

size_t jpeg_entropy_end(const uint8_t *data, size_t len, size_t pos)
{
	while (pos + 1 < len) {
		const uint8_t *ff = memchr(data + pos, 0xFF, len - pos - 1);
		if (!ff)
			break;
		pos = (size_t)(ff - data);
		uint8_t next = data[pos + 1];
		if (next != 0x00 && (next < 0xD0 || next > 0xD7))
			return pos;
		pos += 2;
	}
	return len;
}

/* seg: the frame header from its length field on (precision, height,
 * width, then id, sampling and table of each component). */
static bool read_sof(struct walk *w, uint8_t code, const uint8_t *seg, unsigned seg_len)
{
	if (seg_len < 8 || seg[7] == 0 || seg[7] > DC_MAX_COMPONENTS ||
	    seg_len != 8u + 3u * seg[7])
		return false;
	w->progressive = code == M_SOF2 || code == M_SOF10;
	w->ncomp = seg[7];
	for (unsigned c = 0; c < w->ncomp; c++) {
		w->ids[c] = seg[8 + 3 * c];
		w->dc_bits[c] = -1;
	}
	return true;
}

/* Index of the component whose id is id, or -1. */
static int component(const struct walk *w, uint8_t id)
{
	for (unsigned c = 0; c < w->ncomp; c++)
		if (w->ids[c] == id)
			return (int)c;
	return -1;
}

/* Records a DC scan whose header is seg, from its length field on (count,
 * id and tables of each component, Ss, Se, Ah/Al); false when it names a
 * component the frame does not have. */
static bool read_dc_scan(struct walk *w, const uint8_t *seg)
{
	unsigned ns = seg[2];
	uint8_t al = seg[5 + 2 * ns] & 0x0F;         /* low nibble of Ah/Al */
	for (unsigned k = 0; k < ns; k++) {
		int c = component(w, seg[3 + 2 * k]);
		if (c < 0)
			return false;
		w->dc_bits[c] = al;
	}
	return true;
}

static bool dc_complete(const struct walk *w)
{
	for (unsigned c = 0; c < w->ncomp; c++)
		if (w->dc_bits[c] != 0)
			return false;
	return true;
}

/*
 * One segment at *pos (an FF, maybe more fill FFs, then its code): kept
 * unless it is an AC scan, a scan with its data.  Returns 1 when the DC is
 * complete, 0 to go on, -1 when the walk cannot go on, -2 out of memory.
 */
static int step(struct walk *w, size_t *pos, unsigned *scans, unsigned max_scans,
		struct ib_error *err)
{
	size_t at = *pos;
	while (at + 1 < w->len && w->data[at] == 0xFF && w->data[at + 1] == 0xFF)
		at++;
	if (at + 4 > w->len || w->data[at] != 0xFF)
		return -1;
	uint8_t code = w->data[at + 1];
	unsigned seg_len = be16(w->data + at + 2);
	const uint8_t *seg = w->data + at + 2;
	/* standalone markers (EOI, RSTn, SOI, TEM) have no length */
	if (code == 0x01 || (code >= 0xD0 && code <= 0xD9) || seg_len < 2 ||
	    seg_len > w->len - at - 2)
		return -1;
	size_t end = at + 2 + seg_len;
	bool dc_scan = false;
	if (is_sof(code) && !read_sof(w, code, seg, seg_len))
		return -1;
	if (code == M_SOS) {
		if (!w->progressive || seg_len < 3 || seg[2] == 0 || seg[2] > DC_MAX_COMPONENTS ||
		    seg_len != 6u + 2u * seg[2] || ++*scans > max_scans)
			return -1;
		dc_scan = seg[3 + 2 * seg[2]] == 0;       /* Ss */
		if (dc_scan && !read_dc_scan(w, seg))
			return -1;
		end = jpeg_entropy_end(w->data, w->len, end);
		if (end == w->len)
			return -1;                          /* cut: libjpeg says so */
	}
	if ((code != M_SOS || dc_scan) && keep(w, *pos, end, err) < 0)
		return -2;
	*pos = end;
	return dc_scan && dc_complete(w);
}

int jpeg_dc_scans(const uint8_t *data, size_t len, size_t from, unsigned max_scans,
		  struct buffer *out, struct ib_error *err)
{
	static const uint8_t eoi[] = { 0xFF, M_EOI };
	struct walk w = { .data = data, .len = len, .from = from, .out = out };
	size_t start_len = out->len, pos = 2;
	unsigned scans = 0;
	int ret = 0;

	if (len < 2 || data[0] != 0xFF || data[1] != 0xD8)
		return 0;
	while (ret == 0)
		ret = step(&w, &pos, &scans, max_scans, err);
	if (ret == 1 && buffer_append(out, eoi, sizeof eoi, err) < 0)
		ret = -2;
	if (ret < 0)
		out->len = start_len;
	return ret == -2 ? -1 : ret == 1;
}
