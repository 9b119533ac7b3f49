/* JSON string output that is exact for every byte of a Unix path. */
#ifndef IMGBATCH_JSON_H
#define IMGBATCH_JSON_H

#include <stdbool.h>
#include <stdio.h>

/* Whether s is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool json_is_utf8(const char *s);

/*
 * Writes s as a JSON string literal, quotes included: ", \ and control
 * characters escaped; a byte that is not part of valid UTF-8 becomes U+FFFD,
 * so callers that need the exact bytes also write json_put_hex.
 */
void json_put_string(FILE *out, const char *s);

/* Writes s's bytes as a JSON string of lowercase hex digits. */
void json_put_hex(FILE *out, const char *s);

#endif
