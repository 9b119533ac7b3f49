/* A set of 64-bit keys (hashes of output paths), so the master can tell when
 * two inputs would write the same output.  Open addressing, 8 bytes a slot,
 * kept at most half full: about 16 bytes per input at worst. */
#ifndef IMGBATCH_UTIL_KEYSET_H
#define IMGBATCH_UTIL_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keyset {
	uint64_t *slots;     /* 0 marks an empty slot */
	size_t cap, count;
};

/* 64-bit FNV-1a of a string, never 0. */
uint64_t keyset_hash(const char *s);

/* Adds key: returns 1 when added, 0 when it was already there, -1 when out of
 * memory. */
int keyset_add(struct keyset *set, uint64_t key);

/* Whether key has been added. */
bool keyset_contains(const struct keyset *set, uint64_t key);

void keyset_free(struct keyset *set);

#endif
