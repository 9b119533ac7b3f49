#include "config.h"
#include "codec/png_chunk.h"

#include <string.h>

const uint8_t png_signature[PNG_SIGNATURE_LEN] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

bool png_has_signature(const uint8_t *data, size_t len)
{
	return len >= PNG_SIGNATURE_LEN && memcmp(data, png_signature, PNG_SIGNATURE_LEN) == 0;
}

enum png_chunk_status png_chunk_next(const uint8_t *data, size_t len, size_t *pos,
				     struct png_chunk *c)
{
	if (*pos == len)
		return PNG_CHUNK_END;
	if (len - *pos < PNG_CHUNK_HEAD)
		return PNG_CHUNK_CUT_HEAD;
	c->start = *pos;
	c->length = png_be32(data + *pos);
	c->type = data + *pos + 4;
	if (c->length > PNG_CHUNK_LEN_MAX)
		return PNG_CHUNK_BAD_LENGTH;
	if (len - *pos - PNG_CHUNK_HEAD < (size_t)c->length + 4)
		return PNG_CHUNK_CUT;
	*pos += PNG_CHUNK_OVERHEAD + (size_t)c->length;
	return PNG_CHUNK_OK;
}
