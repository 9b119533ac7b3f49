/* tEXt chunks of a PNG held in memory (thumbnails keep Thumb::URI there). */
#ifndef IMGBATCH_CODEC_PNG_TEXT_H
#define IMGBATCH_CODEC_PNG_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/*
 * Called for each tEXt chunk.  key is the keyword (1-79 bytes); value is a
 * NUL-terminated copy of the text, value_len its length in bytes.  Both are
 * only valid during the call.  Nonzero stops the walk.
 */
typedef int (*png_text_visit_fn)(const char *key, const char *value, size_t value_len,
				 void *ctx);

/*
 * Walks the chunks of the PNG in data[0..len) up to IEND and calls visit
 * for every well-formed tEXt chunk, in file order; a tEXt chunk with no
 * keyword separator or a keyword outside 1-79 bytes is skipped.  CRCs are
 * not checked.
 *
 * Returns 0 after IEND, the visitor's value when it stops the walk, or -1
 * (err filled) on a bad signature, a truncated chunk or a missing IEND.
 */
int png_text_read(const uint8_t *data, size_t len, png_text_visit_fn visit, void *ctx,
		  struct ib_error *err);

/*
 * Copies the text of the first tEXt chunk whose keyword is key into value
 * (NUL-terminated).  Returns 1 when found, 0 when not, -1 (err filled) when
 * the PNG is malformed or the text does not fit cap.
 */
int png_text_find(const uint8_t *data, size_t len, const char *key, char *value, size_t cap,
		  struct ib_error *err);

#endif
