/* JSON string output that is exact for every byte of a Unix path. */
#ifndef IMGBATCH_UTIL_JSON_H
#define IMGBATCH_UTIL_JSON_H

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

/* A member of a flat JSON object, as json_read_flat_object gives it. */
struct json_member {
	const char *key;
	bool is_string;        /* else a number, true, false or null: its text */
	const char *value;     /* NUL-terminated; strings unescaped (UTF-8) */
};

/*
 * Reads one flat JSON object (members whose values are strings, numbers,
 * true, false or null: what imgbatch's JSON lines hold) from text,
 * modifying text in place, and calls member() for each; a member() that
 * returns -1 stops the read.  Returns 0, or -1 when text is not such an
 * object (a line cut short by a crash, say) or a string in it holds \u0000
 * (which would cut its value short).
 */
int json_read_flat_object(char *text, int (*member)(const struct json_member *m, void *ctx),
			  void *ctx);

/* The bytes a json_put_hex string spells, decoded in place; -1 if malformed. */
int json_unhex(char *text);

#endif
