#include "config.h"
#include "png_text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* A chunk is length (4) + type (4) + data + CRC (4). */
#define CHUNK_HEAD 8
#define CHUNK_CRC 4
/* The PNG spec caps chunk lengths at 2^31 - 1. */
#define CHUNK_LEN_MAX 0x7fffffffu
#define KEYWORD_MAX 79

static uint32_t read_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hands the tEXt chunk data[0..len) to visit; malformed keywords are
 * skipped (0).  The text is copied to add the NUL the file does not have. */
static int visit_text_chunk(const uint8_t *data, uint32_t len, png_text_visit_fn visit,
			    void *ctx, struct ib_error *err)
{
	const uint8_t *nul = memchr(data, '\0', len);
	if (!nul)
		return 0;
	size_t key_len = (size_t)(nul - data);
	if (key_len < 1 || key_len > KEYWORD_MAX)
		return 0;
	size_t value_len = len - key_len - 1;
	char *value = malloc(value_len + 1);
	if (!value)
		return ib_fail(err, "out of memory (PNG text of %zu bytes)", value_len);
	memcpy(value, nul + 1, value_len);
	value[value_len] = '\0';
	int rc = visit((const char *)data, value, value_len, ctx);
	free(value);
	return rc;
}

int png_text_read(const uint8_t *data, size_t len, png_text_visit_fn visit, void *ctx,
		  struct ib_error *err)
{
	if (len < sizeof png_signature || memcmp(data, png_signature, sizeof png_signature) != 0)
		return ib_fail(err, "not a PNG file");
	size_t pos = sizeof png_signature;
	for (;;) {
		if (pos == len)
			return ib_fail(err, "PNG ends without an IEND chunk");
		if (len - pos < CHUNK_HEAD)
			return ib_fail(err, "PNG truncated in a chunk header at offset %zu", pos);
		uint32_t chunk_len = read_be32(data + pos);
		const uint8_t *type = data + pos + 4;
		if (chunk_len > CHUNK_LEN_MAX)
			return ib_fail(err, "PNG chunk length %" PRIu32 " out of range at offset %zu",
				       chunk_len, pos);
		if (len - pos - CHUNK_HEAD < (size_t)chunk_len + CHUNK_CRC)
			return ib_fail(err, "PNG chunk at offset %zu truncated", pos);
		if (memcmp(type, "IEND", 4) == 0)
			return 0;
		if (memcmp(type, "tEXt", 4) == 0) {
			int rc = visit_text_chunk(type + 4, chunk_len, visit, ctx, err);
			if (rc)
				return rc;
		}
		pos += CHUNK_HEAD + (size_t)chunk_len + CHUNK_CRC;
	}
}

struct text_query {
	const char *key;
	char *value;
	size_t cap;
	struct ib_error *err;
};

static int copy_matching_text(const char *key, const char *value, size_t value_len, void *ctx)
{
	struct text_query *q = ctx;
	if (strcmp(key, q->key) != 0)
		return 0;
	if (value_len >= q->cap)
		return ib_fail(q->err, "PNG text \"%s\" too long (%zu bytes)", key, value_len);
	memcpy(q->value, value, value_len + 1);
	return 1;
}

int png_text_find(const uint8_t *data, size_t len, const char *key, char *value, size_t cap,
		  struct ib_error *err)
{
	struct text_query q = { .key = key, .value = value, .cap = cap, .err = err };
	return png_text_read(data, len, copy_matching_text, &q, err);
}
