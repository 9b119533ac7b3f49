#include "config.h"
#include "codec/jpeg_dc_decode.h"
#include "codec/jpeg_dc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define M_SOF2 0xC2
#define M_DHT 0xC4
#define M_SOS 0xDA
#define M_DQT 0xDB
#define M_DRI 0xDD
#define M_APP0 0xE0
#define M_APP15 0xEF
#define M_COM 0xFE

/* libjpeg's limits: blocks in an interleaved MCU, the point transform. */
#define MAX_BLOCKS_IN_MCU 10
#define MAX_AL 13

/* Codes up to LOOKAHEAD bits long are found in one table look-up. */
#define LOOKAHEAD 9

struct huff {
	bool usable;              /* defined, valid, every symbol a DC size <= 15 */
	uint16_t fast[1u << LOOKAHEAD];   /* length << 8 | symbol; 0: a longer code */
	int32_t maxcode[17];      /* the largest code of each length; -1: none */
	int32_t valoff[17];       /* a code of that length minus its symbol's index */
	uint8_t vals[256];
};

/* Entropy-coded data, bit by bit, without its stuffed zero bytes. */
struct bits {
	const uint8_t *data;
	size_t len, pos;          /* pos: the next byte not in buf */
	uint64_t buf;
	unsigned n;               /* bits in buf (its low ones) */
};

struct parser {
	const uint8_t *data;
	size_t len, pos;
	struct jpeg_dc *dc;
	unsigned max_scans, scans;
	bool frame;
	unsigned max_h, max_v;
	uint32_t mcux, mcuy;      /* MCUs across and down an interleaved scan */
	unsigned quant[4];        /* each table's DC quantiser */
	bool quant_set[4];
	struct huff dc_tables[4];
	unsigned restart;         /* MCUs between restart markers; 0: none */
};

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* ---- bits ------------------------------------------------------------------ */

/* Tops buf up, stopping at a marker or the end of the data. */
static void fill(struct bits *b)
{
	while (b->n <= 56 && b->pos < b->len) {
		uint8_t c = b->data[b->pos];
		if (c == 0xFF) {
			if (b->pos + 1 >= b->len || b->data[b->pos + 1] != 0)
				return;
			b->pos++;
		}
		b->pos++;
		b->buf = b->buf << 8 | c;
		b->n += 8;
	}
}

/* The next count (1..16) bits, or -1 when the data ends first (libjpeg
 * would make up zeros and warn). */
static int32_t get_bits(struct bits *b, unsigned count)
{
	if (b->n < count) {
		fill(b);
		if (b->n < count)
			return -1;
	}
	b->n -= count;
	return (int32_t)((b->buf >> b->n) & ((1u << count) - 1));
}

static int decode_symbol(struct bits *b, const struct huff *h)
{
	if (b->n < 16)
		fill(b);
	unsigned peek = b->n >= LOOKAHEAD ? (unsigned)(b->buf >> (b->n - LOOKAHEAD))
					  : (unsigned)(b->buf << (LOOKAHEAD - b->n));
	unsigned hit = h->fast[peek & ((1u << LOOKAHEAD) - 1)];
	if (hit) {
		if ((hit >> 8) > b->n)
			return -1;
		b->n -= hit >> 8;
		return hit & 0xFF;
	}
	int32_t code = 0;
	for (unsigned l = 1; l <= 16; l++) {
		int32_t bit = get_bits(b, 1);
		if (bit < 0)
			return -1;
		code = code << 1 | bit;
		if (code <= h->maxcode[l])
			return h->vals[code - h->valoff[l]];
	}
	return -1;                              /* no such code */
}

/* At an interval's or scan's end: nothing but the padding of its last byte
 * may be left before the marker (libjpeg skips more with a warning). */
static bool at_marker(const struct bits *b)
{
	return b->n < 8 && b->pos + 1 < b->len && b->data[b->pos] == 0xFF &&
	       b->data[b->pos + 1] != 0;
}

static bool restart(struct bits *b, unsigned *next_rst)
{
	if (!at_marker(b) || b->data[b->pos + 1] != 0xD0 + *next_rst)
		return false;
	b->pos += 2;
	b->n = 0;
	*next_rst = (*next_rst + 1) & 7;
	return true;
}

/* ---- tables ---------------------------------------------------------------- */

/* Canonical codes from the counts of each length, refused as libjpeg does
 * when they overflow (the all-ones code included). */
static bool build_huff(struct huff *h, const uint8_t *counts, const uint8_t *vals,
		       unsigned nvals)
{
	memset(h, 0, sizeof *h);
	memcpy(h->vals, vals, nvals);
	int32_t code = 0;
	unsigned k = 0;
	for (unsigned l = 1; l <= 16; l++) {
		h->valoff[l] = code - (int32_t)k;
		for (unsigned i = 0; i < counts[l - 1]; i++, k++, code++) {
			if (code + 1 >= (int32_t)1 << l || vals[k] > 15)
				return false;
			if (l > LOOKAHEAD)
				continue;
			unsigned shift = LOOKAHEAD - l;
			for (unsigned j = 0; j < 1u << shift; j++)
				h->fast[(unsigned)code << shift | j] = (uint16_t)(l << 8 | vals[k]);
		}
		h->maxcode[l] = counts[l - 1] ? code - 1 : -1;
		code <<= 1;
	}
	return true;
}

/* seg, n: a segment after its length field. */
static bool read_dht(struct parser *p, const uint8_t *seg, size_t n)
{
	while (n > 0) {
		if (n < 17)
			return false;
		unsigned count = 0, tc = seg[0] >> 4, th = seg[0] & 15;
		for (unsigned i = 0; i < 16; i++)
			count += seg[1 + i];
		if (tc > 1 || th > 3 || count > 256 || n < 17 + count)
			return false;
		/* AC tables serve scans that are skipped. */
		if (tc == 0)
			p->dc_tables[th].usable = build_huff(&p->dc_tables[th], seg + 1, seg + 17, count);
		seg += 17 + count;
		n -= 17 + count;
	}
	return true;
}

static bool read_dqt(struct parser *p, const uint8_t *seg, size_t n)
{
	while (n > 0) {
		unsigned pq = seg[0] >> 4, tq = seg[0] & 15;
		size_t size = 1 + 64 * (pq ? 2 : 1);
		if (pq > 1 || tq > 3 || n < size)
			return false;
		p->quant[tq] = pq ? be16(seg + 1) : seg[1];    /* the DC's, first */
		p->quant_set[tq] = true;
		seg += size;
		n -= size;
	}
	return true;
}

/* ---- frame ----------------------------------------------------------------- */

static unsigned components_of(enum dc_colour colour)
{
	return colour == DC_GRAY ? 1 : colour == DC_CMYK || colour == DC_YCCK ? 4 : 3;
}

static uint32_t div_up(uint32_t a, uint32_t b)
{
	return (a + b - 1) / b;
}

static struct dc_plane *component(struct jpeg_dc *dc, uint8_t id)
{
	for (unsigned c = 0; c < dc->ncomp; c++)
		if (dc->comp[c].id == id)
			return &dc->comp[c];
	return NULL;
}

/* Sizes each component's DC plane and allocates it. */
static int plan_planes(struct parser *p, uint32_t width, uint32_t height,
		       struct ib_error *err)
{
	struct jpeg_dc *dc = p->dc;
	p->mcux = div_up(width, 8 * p->max_h);
	p->mcuy = div_up(height, 8 * p->max_v);
	dc->width = div_up(width, 8);
	dc->height = div_up(height, 8);
	for (unsigned c = 0; c < dc->ncomp; c++) {
		struct dc_plane *pl = &dc->comp[c];
		pl->wib = div_up(width * pl->h, 8 * p->max_h);
		pl->hib = div_up(height * pl->v, 8 * p->max_v);
		pl->bw = p->mcux * pl->h;
		pl->bh = p->mcuy * pl->v;
		pl->hshift = pl->h < p->max_h;
		pl->vshift = pl->v < p->max_v;
		pl->bits = -1;
		pl->coef = calloc((size_t)pl->bw * pl->bh, sizeof *pl->coef);
		if (!pl->coef)
			return ib_fail(err, "JPEG: out of memory");
	}
	return 1;
}

/* SOF2: 8-bit samples, the components libjpeg found, factors 1 or 2. */
static int read_sof(struct parser *p, const uint8_t *seg, size_t n, struct ib_error *err)
{
	struct jpeg_dc *dc = p->dc;
	if (p->frame || n < 6 || seg[0] != 8 || seg[5] != dc->ncomp || n != 6u + 3u * dc->ncomp)
		return 0;
	uint32_t height = be16(seg + 1), width = be16(seg + 3);
	if (!width || !height)
		return 0;
	for (unsigned c = 0; c < dc->ncomp; c++) {
		const uint8_t *d = seg + 6 + 3 * c;
		struct dc_plane *pl = &dc->comp[c];
		if (component(dc, d[0]) || d[2] > 3)
			return 0;
		pl->id = d[0];
		pl->h = d[1] >> 4;
		pl->v = d[1] & 15;
		pl->tq = d[2];
		if (pl->h < 1 || pl->h > 2 || pl->v < 1 || pl->v > 2)
			return 0;
		p->max_h = pl->h > p->max_h ? pl->h : p->max_h;
		p->max_v = pl->v > p->max_v ? pl->v : p->max_v;
	}
	p->frame = true;
	return plan_planes(p, width, height, err);
}

/* ---- scans ----------------------------------------------------------------- */

struct scan {
	unsigned ns;
	struct dc_plane *comp[DC_MAX_COMPS];
	const struct huff *table[DC_MAX_COMPS];
	int32_t pred[DC_MAX_COMPS];
	unsigned ah, al;
};

static bool first_block(struct bits *b, struct scan *s, unsigned k, int16_t *coef)
{
	int size = decode_symbol(b, s->table[k]);
	if (size < 0)
		return false;
	int32_t diff = 0;
	if (size) {
		int32_t r = get_bits(b, (unsigned)size);
		if (r < 0)
			return false;
		diff = r < (1 << (size - 1)) ? r - (1 << size) + 1 : r;
	}
	int32_t *pred = &s->pred[k];
	if ((diff > 0 && *pred > INT32_MAX - diff) || (diff < 0 && *pred < INT32_MIN - diff))
		return false;
	*pred += diff;
	/* libjpeg keeps the DC in 16 bits, as here */
	*coef = (int16_t)(uint16_t)((uint32_t)*pred << s->al);
	return true;
}

static bool refine_block(struct bits *b, const struct scan *s, int16_t *coef)
{
	int32_t bit = get_bits(b, 1);
	if (bit < 0)
		return false;
	if (bit)
		*coef = (int16_t)(uint16_t)((uint16_t)*coef | 1u << s->al);
	return true;
}

static bool block(struct bits *b, struct scan *s, unsigned k, uint32_t bx, uint32_t by)
{
	struct dc_plane *pl = s->comp[k];
	int16_t *coef = &pl->coef[(size_t)by * pl->bw + bx];
	return s->ah ? refine_block(b, s, coef) : first_block(b, s, k, coef);
}

/* MCU m: one block of a lone component, in its own order, else every
 * component's h x v blocks. */
static bool mcu(const struct parser *p, struct bits *b, struct scan *s, uint32_t m)
{
	if (s->ns == 1)
		return block(b, s, 0, m % s->comp[0]->wib, m / s->comp[0]->wib);
	uint32_t mx = m % p->mcux, my = m / p->mcux;
	for (unsigned k = 0; k < s->ns; k++) {
		const struct dc_plane *pl = s->comp[k];
		for (unsigned y = 0; y < pl->v; y++)
			for (unsigned x = 0; x < pl->h; x++)
				if (!block(b, s, k, mx * pl->h + x, my * pl->v + y))
					return false;
	}
	return true;
}

/* Decodes the scan's data from p->pos on, leaving p->pos at its end. */
static bool decode_scan(struct parser *p, struct scan *s)
{
	struct bits b = { .data = p->data, .len = p->len, .pos = p->pos };
	uint32_t total = s->ns == 1 ? s->comp[0]->wib * s->comp[0]->hib : p->mcux * p->mcuy;
	unsigned next_rst = 0, left = p->restart;
	for (uint32_t m = 0; m < total; m++) {
		if (p->restart && left-- == 0) {
			if (!restart(&b, &next_rst))
				return false;
			memset(s->pred, 0, sizeof s->pred);
			left = p->restart - 1;
		}
		if (!mcu(p, &b, s, m))
			return false;
	}
	if (!at_marker(&b))
		return false;
	p->pos = b.pos;
	return true;
}

/* Checks the scan against the components' progression (as libjpeg would
 * without a warning) and latches their quantisers at their first scan. */
static bool dc_scan_valid(struct parser *p, struct scan *s)
{
	unsigned blocks = 0;
	if (s->al > MAX_AL || (s->ah && s->al != s->ah - 1))
		return false;
	for (unsigned k = 0; k < s->ns; k++) {
		struct dc_plane *pl = s->comp[k];
		blocks += pl->h * pl->v;
		if (pl->bits != (s->ah ? (int)s->ah : -1))
			return false;
		if (!s->ah && !s->table[k]->usable)
			return false;
		if (pl->bits < 0) {
			if (!p->quant_set[pl->tq])
				return false;
			pl->quant = p->quant[pl->tq];
		}
	}
	return s->ns == 1 || blocks <= MAX_BLOCKS_IN_MCU;
}

static bool dc_complete(const struct jpeg_dc *dc)
{
	for (unsigned c = 0; c < dc->ncomp; c++)
		if (dc->comp[c].bits != 0)
			return false;
	return true;
}

/* An AC scan is walked over; one before its component's first DC scan
 * (which libjpeg warns about) is refused. */
static bool skip_ac_scan(struct parser *p, const struct scan *s, unsigned se)
{
	if (s->ns != 1 || se > 63 || s->comp[0]->bits < 0)
		return false;
	p->pos = jpeg_entropy_end(p->data, p->len, p->pos);
	return p->pos < p->len;
}

/* Returns 2 when the DCs are complete, 1 to go on, 0 when we cannot. */
static int read_sos(struct parser *p, const uint8_t *seg, size_t n)
{
	struct scan s = { .ns = n ? seg[0] : 0 };
	if (!p->frame || s.ns == 0 || s.ns > p->dc->ncomp || n != 4 + 2 * s.ns ||
	    ++p->scans > p->max_scans)
		return 0;
	for (unsigned k = 0; k < s.ns; k++) {
		s.comp[k] = component(p->dc, seg[1 + 2 * k]);
		for (unsigned j = 0; j < k; j++)
			if (s.comp[j] == s.comp[k])
				return 0;
		if (!s.comp[k] || (seg[2 + 2 * k] >> 4) > 3)
			return 0;
		s.table[k] = &p->dc_tables[seg[2 + 2 * k] >> 4];
	}
	unsigned ss = seg[1 + 2 * s.ns], se = seg[2 + 2 * s.ns];
	s.ah = seg[3 + 2 * s.ns] >> 4;
	s.al = seg[3 + 2 * s.ns] & 15;
	if (ss)
		return skip_ac_scan(p, &s, se);
	if (se || !dc_scan_valid(p, &s) || !decode_scan(p, &s))
		return 0;
	for (unsigned k = 0; k < s.ns; k++)
		s.comp[k]->bits = (int)s.al;
	return dc_complete(p->dc) ? 2 : 1;
}

/*
 * The segment at p->pos (fill bytes allowed before it).  Returns 2 when the
 * DCs are complete, 1 to go on, 0 when we cannot, -1 when out of memory.
 * Markers other than these are libjpeg's to judge.
 */
static int step(struct parser *p, struct ib_error *err)
{
	size_t at = p->pos;
	while (at + 1 < p->len && p->data[at] == 0xFF && p->data[at + 1] == 0xFF)
		at++;
	if (at + 4 > p->len || p->data[at] != 0xFF)
		return 0;
	uint8_t code = p->data[at + 1];
	size_t seg_len = be16(p->data + at + 2);
	if (seg_len < 2 || seg_len > p->len - at - 2)
		return 0;
	const uint8_t *seg = p->data + at + 4;
	size_t n = seg_len - 2;
	p->pos = at + 2 + seg_len;
	switch (code) {
	case M_SOF2:
		return read_sof(p, seg, n, err);
	case M_DHT:
		return read_dht(p, seg, n);
	case M_DQT:
		return read_dqt(p, seg, n);
	case M_DRI:
		p->restart = n == 2 ? be16(seg) : 0;
		return n == 2;
	case M_SOS:
		return read_sos(p, seg, n);
	default:
		return (code >= M_APP0 && code <= M_APP15) || code == M_COM;
	}
}

int jpeg_dc_decode(const uint8_t *data, size_t len, enum dc_colour colour,
		   unsigned max_scans, struct jpeg_dc *dc, struct ib_error *err)
{
	memset(dc, 0, sizeof *dc);
	dc->colour = colour;
	dc->ncomp = components_of(colour);
	if (len < 2 || data[0] != 0xFF || data[1] != 0xD8)
		return 0;
	/* The Huffman tables make it 6 KB: off the stack. */
	struct parser *p = calloc(1, sizeof *p);
	if (!p)
		return ib_fail(err, "JPEG: out of memory");
	*p = (struct parser){ .data = data, .len = len, .pos = 2, .dc = dc,
			      .max_scans = max_scans };
	int ret;
	do
		ret = step(p, err);
	while (ret == 1);
	free(p);
	return ret == 2 ? 1 : ret;
}

/* ---- output ---------------------------------------------------------------- */

/*
 * libjpeg's 1/8 IDCT (jpeg_idct_1x1; its 2x2 one for 4:2:0 chroma gives the
 * same from a DC alone): the block's mean, DC * Q / 8 rounded, plus 128.
 * Its range-limit table wraps values far outside 0..255 that no encoder
 * writes; here they are clamped.
 */
static int sample(const struct dc_plane *pl, uint32_t x, uint32_t y)
{
	int32_t dc = pl->coef[(size_t)(y >> pl->vshift) * pl->bw + (x >> pl->hshift)];
	int32_t v = ((dc * (int32_t)pl->quant + 4) >> 3) + 128;
	return v < 0 ? 0 : v > 255 ? 255 : v;
}

static uint8_t clamp(int32_t v)
{
	return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* JFIF's YCbCr to RGB in libjpeg's fixed point: 16 fraction bits, the
 * constants rounded to them, the sum rounded down after adding a half. */
#define FIX(x) ((int32_t)((x) * 65536.0 + 0.5))
#define HALF (1 << 15)

static void ycc_to_rgb(const int *s, uint8_t *rgb)
{
	int32_t y = s[0], cb = s[1] - 128, cr = s[2] - 128;
	rgb[0] = clamp(y + ((FIX(1.40200) * cr + HALF) >> 16));
	rgb[1] = clamp(y + ((-FIX(0.34414) * cb - FIX(0.71414) * cr + HALF) >> 16));
	rgb[2] = clamp(y + ((FIX(1.77200) * cb + HALF) >> 16));
}

unsigned jpeg_dc_row_channels(const struct jpeg_dc *dc)
{
	return dc->colour == DC_YCBCR ? 3 : dc->colour == DC_YCCK ? 4 : dc->ncomp;
}

/* Chroma is repeated, as libjpeg's upsampling does at 1/8, where it is
 * never "fancy" (it interpolates only from IDCT outputs larger than 1x1). */
void jpeg_dc_row(const struct jpeg_dc *dc, uint32_t y, uint8_t *dst)
{
	unsigned channels = jpeg_dc_row_channels(dc);
	for (uint32_t x = 0; x < dc->width; x++, dst += channels) {
		int s[DC_MAX_COMPS];
		for (unsigned c = 0; c < dc->ncomp; c++)
			s[c] = sample(&dc->comp[c], x, y);
		switch (dc->colour) {
		case DC_YCBCR:
			ycc_to_rgb(s, dst);
			break;
		case DC_YCCK:
			/* inverted CMY in YCbCr, then K */
			ycc_to_rgb(s, dst);
			for (int c = 0; c < 3; c++)
				dst[c] = (uint8_t)(255 - dst[c]);
			dst[3] = (uint8_t)s[3];
			break;
		default:
			for (unsigned c = 0; c < dc->ncomp; c++)
				dst[c] = (uint8_t)s[c];
		}
	}
}

void jpeg_dc_free(struct jpeg_dc *dc)
{
	for (unsigned c = 0; c < DC_MAX_COMPS; c++)
		free(dc->comp[c].coef);
	memset(dc, 0, sizeof *dc);
}
