#include "config.h"
#include "codec/metadata.h"

#include <stdlib.h>
#include <string.h>

#define IRB_SIGNATURE "8BIM"
#define IRB_IPTC 0x0404

void metadata_set(const uint8_t **block, size_t *len, const uint8_t *data, size_t n)
{
	if (!data || n == 0 || n > METADATA_MAX_BLOCK)
		return;
	*block = data;
	*len = n;
}

int metadata_copy(struct metadata *meta, uint8_t **copy)
{
	const uint8_t **blocks[] = { &meta->exif, &meta->xmp, &meta->iptc, &meta->comment };
	size_t *lens[] = { &meta->exif_len, &meta->xmp_len, &meta->iptc_len, &meta->comment_len };
	size_t total = 0;
	*copy = NULL;
	for (unsigned i = 0; i < 4; i++)
		total += *lens[i];
	if (!total)
		return 0;
	if (!(*copy = malloc(total)))
		return -1;
	uint8_t *p = *copy;
	for (unsigned i = 0; i < 4; i++) {
		if (*lens[i])
			memcpy(p, *blocks[i], *lens[i]);
		*blocks[i] = *lens[i] ? p : NULL;
		p += *lens[i];
	}
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * A resource: "8BIM", a 2-byte id, a Pascal-string name padded to an even
 * length (count byte included), a 4-byte size, the data padded to even.
 */
bool metadata_iptc_from_irb(const uint8_t *irb, size_t len, const uint8_t **iptc,
			    size_t *iptc_len)
{
	size_t at = 0;
	while (len - at >= 8 && !memcmp(irb + at, IRB_SIGNATURE, 4)) {
		unsigned id = (unsigned)irb[at + 4] << 8 | irb[at + 5];
		size_t name = 1 + (size_t)irb[at + 6];
		name += name & 1;
		if (name + 4 > len - at - 6)
			return false;
		size_t data = at + 6 + name + 4;
		uint32_t size = be32(irb + data - 4);
		if (size > len - data)
			return false;
		if (id == IRB_IPTC) {
			*iptc = irb + data;
			*iptc_len = size;
			return size > 0;
		}
		at = data + size + (size & 1);
		if (at > len)
			return false;
	}
	return false;
}

int metadata_irb_from_iptc(const uint8_t *iptc, size_t len, struct buffer *out,
			   struct ib_error *err)
{
	uint8_t head[12] = { '8', 'B', 'I', 'M', IRB_IPTC >> 8, IRB_IPTC & 0xFF, 0, 0,
			     (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			     (uint8_t)len };
	static const uint8_t pad;
	size_t start = out->len;
	if (buffer_append(out, PHOTOSHOP_PREFIX, PHOTOSHOP_PREFIX_LEN, err) < 0 ||
	    buffer_append(out, head, sizeof head, err) < 0 ||
	    buffer_append(out, iptc, len, err) < 0 ||
	    ((len & 1) && buffer_append(out, &pad, 1, err) < 0)) {
		out->len = start;
		return -1;
	}
	return 0;
}

/* Where needle first occurs in hay[0..len), or NULL. */
static uint8_t *find(uint8_t *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (hay[i] == (uint8_t)needle[0] && !memcmp(hay + i, needle, n))
			return hay + i;
	return NULL;
}

/* Sets the digit after the first needle to 1 when it is a lone 1-8 closed
 * by end. */
static void set_digit_after(uint8_t *xmp, size_t len, const char *needle, char end)
{
	uint8_t *p = find(xmp, len, needle);
	if (!p)
		return;
	p += strlen(needle);
	if ((size_t)(p - xmp) + 2 <= len && p[0] >= '1' && p[0] <= '8' && p[1] == end)
		p[0] = '1';
}

void metadata_xmp_upright(uint8_t *xmp, size_t len)
{
	set_digit_after(xmp, len, "tiff:Orientation=\"", '"');
	set_digit_after(xmp, len, "tiff:Orientation='", '\'');
	set_digit_after(xmp, len, "<tiff:Orientation>", '<');
}
