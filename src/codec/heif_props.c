/*
 * ISO BMFF box walking for a HEIF item's transforms: meta > iprp holds
 * ipco (the properties, numbered from 1 in order) and ipma (per item, the
 * numbers of its properties, in the order they apply).
 */
#include "config.h"

#include <string.h>

#include "codec/heif_props.h"

struct span {
	const uint8_t *p;
	size_t len;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* The next box of *in: its type and body; in advances past it.  False at
 * the end or on a box that does not fit. */
static bool next_box(struct span *in, char type[4], struct span *body)
{
	if (in->len < 8)
		return false;
	uint64_t size = be32(in->p);
	size_t head = 8;
	if (size == 1) {
		if (in->len < 16)
			return false;
		size = (uint64_t)be32(in->p + 8) << 32 | be32(in->p + 12);
		head = 16;
	} else if (size == 0) {
		size = in->len;
	}
	if (size < head || size > in->len)
		return false;
	memcpy(type, in->p + 4, 4);
	*body = (struct span){ in->p + head, (size_t)size - head };
	in->p += size;
	in->len -= (size_t)size;
	return true;
}

/* The body of the first box of type in in (a full box's after its version
 * and flags when full); false when there is none. */
static bool find_box(struct span in, const char *want, bool full, struct span *body)
{
	char type[4];
	while (next_box(&in, type, body))
		if (memcmp(type, want, 4) == 0) {
			if (full && body->len < 4)
				return false;
			if (full) {
				body->p += 4;
				body->len -= 4;
			}
			return true;
		}
	return false;
}

/* Adds property box number index (from 1) of ipco to out if a transform. */
static int add_property(struct span ipco, uint32_t index, struct heif_transforms *out)
{
	char type[4];
	struct span body;
	for (uint32_t i = 1; next_box(&ipco, type, &body); i++) {
		if (i != index)
			continue;
		if (memcmp(type, "clap", 4) == 0)
			out->crop = true;
		bool rot = memcmp(type, "irot", 4) == 0, mir = memcmp(type, "imir", 4) == 0;
		if (!rot && !mir)
			return 0;
		if (body.len < 1 || out->n == HEIF_MAX_TRANSFORMS)
			return -1;
		if (rot && (body.p[0] & 3))
			out->op[out->n++] = (enum heif_transform)(body.p[0] & 3);
		else if (mir)
			out->op[out->n++] = body.p[0] & 1 ? HEIF_FLIP_HORIZONTALLY
							  : HEIF_FLIP_VERTICALLY;
		return 0;
	}
	return -1;
}

/* Reads item's associations from ipma (version and flags at p[-4..0)). */
static int read_ipma(struct span ipma, struct span ipco, uint32_t item,
		     struct heif_transforms *out)
{
	uint8_t version = ipma.p[-4];
	bool wide_index = ipma.p[-1] & 1;
	size_t id_len = version < 1 ? 2 : 4, index_len = wide_index ? 2 : 1;
	if (ipma.len < 4)
		return -1;
	uint32_t entries = be32(ipma.p);
	size_t at = 4;
	for (uint32_t e = 0; e < entries; e++) {
		if (at + id_len + 1 > ipma.len)
			return -1;
		uint32_t id = id_len == 2 ? be16(ipma.p + at) : be32(ipma.p + at);
		unsigned count = ipma.p[at + id_len];
		at += id_len + 1;
		if (at + (size_t)count * index_len > ipma.len)
			return -1;
		for (unsigned a = 0; id == item && a < count; a++) {
			const uint8_t *q = ipma.p + at + (size_t)a * index_len;
			uint32_t index = wide_index ? be16(q) & 0x7fff : q[0] & 0x7fu;
			if (index && add_property(ipco, index, out) < 0)
				return -1;
		}
		if (id == item)
			return 0;
		at += (size_t)count * index_len;
	}
	return 0;
}

int heif_item_transforms(const uint8_t *data, size_t len, uint32_t item,
			 struct heif_transforms *out)
{
	struct span meta, iprp, ipco, ipma;
	*out = (struct heif_transforms){ 0 };
	if (!find_box((struct span){ data, len }, "meta", true, &meta) ||
	    !find_box(meta, "iprp", false, &iprp) || !find_box(iprp, "ipco", false, &ipco))
		return -1;
	/* an item with no properties has no ipma entry, or a file no ipma */
	if (!find_box(iprp, "ipma", true, &ipma))
		return 0;
	return read_ipma(ipma, ipco, item, out);
}

bool heif_transforms_equal(const struct heif_transforms *a, const struct heif_transforms *b)
{
	return a->n == b->n && a->crop == b->crop &&
	       memcmp(a->op, b->op, a->n * sizeof a->op[0]) == 0;
}

int heif_transform_orientation(enum heif_transform t)
{
	switch (t) {
	case HEIF_ROTATE_90:
		return 8;         /* shown after turning 90 degrees anticlockwise */
	case HEIF_ROTATE_180:
		return 3;
	case HEIF_ROTATE_270:
		return 6;
	case HEIF_FLIP_HORIZONTALLY:
		return 2;
	case HEIF_FLIP_VERTICALLY:
		return 4;
	}
	return 1;
}
