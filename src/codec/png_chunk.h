/* Walking the chunks of a PNG held in memory: shared by png.c (sniffing),
 * png_text.c (tEXt) and png_restream.c (IDAT). */
#ifndef IMGBATCH_CODEC_PNG_CHUNK_H
#define IMGBATCH_CODEC_PNG_CHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PNG_SIGNATURE_LEN 8
/* A chunk is length (4) + type (4) + data + CRC (4). */
#define PNG_CHUNK_HEAD 8
#define PNG_CHUNK_OVERHEAD 12
/* The PNG spec caps chunk lengths at 2^31 - 1. */
#define PNG_CHUNK_LEN_MAX 0x7fffffffu

extern const uint8_t png_signature[PNG_SIGNATURE_LEN];

static inline uint32_t png_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void png_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Whether data[0..len) starts with the PNG signature. */
bool png_has_signature(const uint8_t *data, size_t len);

struct png_chunk {
	size_t start;           /* offset of its length field */
	uint32_t length;        /* of its data */
	const uint8_t *type;    /* 4 bytes, followed by the data, then the CRC */
};

enum png_chunk_status {
	PNG_CHUNK_OK,
	PNG_CHUNK_END,          /* *pos is the end of the file */
	PNG_CHUNK_CUT_HEAD,     /* fewer than 8 bytes left */
	PNG_CHUNK_BAD_LENGTH,   /* over PNG_CHUNK_LEN_MAX */
	PNG_CHUNK_CUT,          /* its data or CRC runs past the end */
};

/* The chunk at *pos; on PNG_CHUNK_OK *pos moves past it (c->length is set
 * from PNG_CHUNK_BAD_LENGTH on). */
enum png_chunk_status png_chunk_next(const uint8_t *data, size_t len, size_t *pos,
				     struct png_chunk *c);

static inline bool png_chunk_is(const struct png_chunk *c, const char *type)
{
	return memcmp(c->type, type, 4) == 0;
}

#endif
