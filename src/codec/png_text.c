#include "config.h"
#include "codec/png_text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "codec/png_chunk.h"

#define KEYWORD_MAX 79

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
	if (!png_has_signature(data, len))
		return ib_fail(err, "not a PNG file");
	size_t pos = PNG_SIGNATURE_LEN;
	struct png_chunk c;
	for (;;) {
		switch (png_chunk_next(data, len, &pos, &c)) {
		case PNG_CHUNK_END:
			return ib_fail(err, "PNG ends without an IEND chunk");
		case PNG_CHUNK_CUT_HEAD:
			return ib_fail(err, "PNG truncated in a chunk header at offset %zu", pos);
		case PNG_CHUNK_BAD_LENGTH:
			return ib_fail(err, "PNG chunk length %" PRIu32 " out of range at offset %zu",
				       c.length, pos);
		case PNG_CHUNK_CUT:
			return ib_fail(err, "PNG chunk at offset %zu truncated", pos);
		case PNG_CHUNK_OK:
			break;
		}
		if (png_chunk_is(&c, "IEND"))
			return 0;
		if (png_chunk_is(&c, "tEXt")) {
			int rc = visit_text_chunk(c.type + 4, c.length, visit, ctx, err);
			if (rc)
				return rc;
		}
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
