/* The master's record of every compared pair, for the reports written at
 * the end (JUnit, HTML): deep copies, in the order they finished. */
#ifndef IMGBATCH_COMPARE_PAIR_LOG_H
#define IMGBATCH_COMPARE_PAIR_LOG_H

#include <stddef.h>

#include "compare/pairs.h"

struct pair_log {
	struct pair_outcome *items;
	size_t n, cap;
};

/* Appends a copy of p (its strings duplicated); -1 when out of memory. */
int pair_log_add(struct pair_log *log, const struct pair_outcome *p);
void pair_log_free(struct pair_log *log);

#endif
