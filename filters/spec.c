#include "config.h"
#include "filters/filter.h"

#include <stdlib.h>
#include <string.h>

/* The filter a piece of the chain starts with, or NULL. */
static const struct filter *piece_filter(const char *piece)
{
	return filter_find_prefix(piece, strcspn(piece, "=,"));
}

/* Where the arguments starting at args end: at the first comma followed by
 * a piece that names a filter, or at the end of the text. */
static const char *args_end(const char *args)
{
	const char *comma = strchr(args, ',');

	while (comma && !piece_filter(comma + 1))
		comma = strchr(comma + 1, ',');
	return comma ? comma : args + strlen(args);
}

static int add_step(const struct filter *f, const char *args, size_t len,
		    int (*add)(const struct filter *, const char *, void *, struct ib_error *),
		    void *ctx, struct ib_error *err)
{
	char *copy;
	int r;

	if (!args)
		return add(f, NULL, ctx, err);
	copy = strndup(args, len);
	if (!copy)
		return ib_fail(err, "out of memory");
	r = add(f, copy, ctx, err);
	free(copy);
	return r;
}

int filter_spec_parse(const char *spec,
		      int (*add)(const struct filter *f, const char *args, void *ctx,
				 struct ib_error *err),
		      void *ctx, struct ib_error *err)
{
	const char *p = spec;

	do {
		size_t name_len = strcspn(p, "=,");
		const struct filter *f = filter_find_prefix(p, name_len);
		const char *args = NULL, *end = p + name_len;

		if (!f)
			return ib_fail(err, "unknown filter '%.*s' (imgbatch --list-filters lists them)",
				       (int)name_len, p);
		if (*end == '=') {
			args = end + 1;
			end = args_end(args);
		}
		if (add_step(f, args, args ? (size_t)(end - args) : 0, add, ctx, err) < 0)
			return -1;
		p = *end ? end + 1 : end;
	} while (*p || p[-1] == ',');
	return 0;
}
