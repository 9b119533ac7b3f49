#include "config.h"
#include "util/keyset.h"

#include <stdlib.h>

uint64_t keyset_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

static size_t probe(const struct keyset *set, uint64_t key)
{
	size_t mask = set->cap - 1;
	size_t i = (size_t)(key ^ (key >> 29)) & mask;
	while (set->slots[i] != 0 && set->slots[i] != key)
		i = (i + 1) & mask;
	return i;
}

static int grow(struct keyset *set)
{
	size_t cap = set->cap ? set->cap * 2 : 1024;
	uint64_t *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	struct keyset bigger = { .slots = slots, .cap = cap, .count = set->count };
	for (size_t i = 0; i < set->cap; i++)
		if (set->slots[i])
			bigger.slots[probe(&bigger, set->slots[i])] = set->slots[i];
	free(set->slots);
	*set = bigger;
	return 0;
}

int keyset_add(struct keyset *set, uint64_t key)
{
	if ((set->count + 1) * 2 > set->cap && grow(set) < 0)
		return -1;
	size_t i = probe(set, key);
	if (set->slots[i] == key)
		return 0;
	set->slots[i] = key;
	set->count++;
	return 1;
}

bool keyset_contains(const struct keyset *set, uint64_t key)
{
	return set->cap && set->slots[probe(set, key)] == key;
}

void keyset_free(struct keyset *set)
{
	free(set->slots);
	set->slots = NULL;
	set->cap = set->count = 0;
}
