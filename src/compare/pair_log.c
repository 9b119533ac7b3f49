#include "config.h"
#include "compare/pair_log.h"

#include <stdlib.h>
#include <string.h>

/* strdup that keeps NULL */
static char *copy(const char *s, bool *failed)
{
	if (!s)
		return NULL;
	char *c = strdup(s);
	if (!c)
		*failed = true;
	return c;
}

static void free_strings(struct pair_outcome *p)
{
	free((char *)p->name);
	free((char *)p->expected);
	free((char *)p->actual);
	free((char *)p->diff);
	free((char *)p->reason);
}

int pair_log_add(struct pair_log *log, const struct pair_outcome *p)
{
	if (log->n == log->cap) {
		size_t cap = log->cap ? 2 * log->cap : 64;
		struct pair_outcome *items = realloc(log->items, cap * sizeof *items);
		if (!items)
			return -1;
		log->items = items;
		log->cap = cap;
	}
	bool failed = false;
	struct pair_outcome c = *p;
	c.name = copy(p->name, &failed);
	c.expected = copy(p->expected, &failed);
	c.actual = copy(p->actual, &failed);
	c.diff = copy(p->diff, &failed);
	c.reason = copy(p->reason, &failed);
	if (failed) {
		free_strings(&c);
		return -1;
	}
	log->items[log->n++] = c;
	return 0;
}

void pair_log_free(struct pair_log *log)
{
	for (size_t i = 0; i < log->n; i++)
		free_strings(&log->items[i]);
	free(log->items);
	log->items = NULL;
	log->n = log->cap = 0;
}
