/*
 * struct filter: one image operation of the -f chain.  Every filter is one
 * file under filters/ that defines a `const struct filter filter_NAME` and one
 * line in the registry table (filters/registry.c).  The CLI, --list-filters,
 * the man page and README all read from that table.
 *
 * Life of a filter step: the master parses the user's argument text once with
 * parse() (before any work starts; errors exit 2), workers inherit the parsed
 * parameters through fork() and call output_size() when planning a file and
 * apply() on its pixels.
 */
#ifndef IMGBATCH_FILTER_H
#define IMGBATCH_FILTER_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "util/error.h"
#include "codec/image.h"

/* Largest parameter block any filter uses (checked by a unit test). */
#define FILTER_PARAMS_MAX 512

/* Parsed parameters: opaque storage each filter casts to its own struct. */
struct filter_params {
	_Alignas(max_align_t) unsigned char bytes[FILTER_PARAMS_MAX];
};

struct filter {
	const char *name;        /* as written on the command line: "blur" */
	const char *usage;       /* the argument syntax: "SIGMA" or "" when none */
	const char *summary;     /* one line: what it does */
	const char *defaults;    /* the defaults, e.g. "sigma 1", or "" */
	const char *formula;     /* the exact formula, for the man page */
	/*
	 * Parses args (the text after "name=", or NULL when there was none) into
	 * params, applying defaults.  On a bad value fails with a message that
	 * names the filter, the parameter and what is allowed, e.g.
	 * "blur: sigma must be > 0, got -1".
	 */
	int (*parse)(const char *args, struct filter_params *params, struct ib_error *err);
	/* The size apply() will produce for an in_w x in_h image.  NULL when the
	 * filter never changes the size. */
	void (*output_size)(const struct filter_params *params, uint32_t in_w, uint32_t in_h,
			    uint32_t *out_w, uint32_t *out_h);
	/*
	 * Applies the filter to img, which may be any layout (1-4 channels, 8 or
	 * 16 bits).  The result replaces *img (in place, or a new image after
	 * freeing the old one); the layout may change only where the filter says
	 * so (grayscale gives gray).  On failure img is left valid.
	 */
	int (*apply)(const struct filter_params *params, struct image *img, struct ib_error *err);
};

/* The registry: every filter, in --list-filters order, NULL-terminated. */
extern const struct filter *const filter_registry[];

/* The filter called name (exact, case-sensitive), or NULL. */
const struct filter *filter_find(const char *name);
/* Same, for the first len bytes of name. */
const struct filter *filter_find_prefix(const char *name, size_t len);

/* Prints every filter for --list-filters in format "plain" (or NULL), "man"
 * (roff for the man page) or "markdown" (README); -1 for another format. */
int filter_list(FILE *out, const char *format);
/* Every filter's name, space-separated (what -f completes to). */
const char *filter_names(void);

/*
 * Splits a -f chain ("grayscale,level=5%,95%,blur=2") into steps and calls
 * add(filter, args) for each, in order; args is NULL for a bare name.
 * Pieces are separated by commas; a piece that does not start with a filter
 * name continues the previous step's arguments (so "level=5%,95%" and colour
 * triplets keep their commas).  Stops at the first failure of add.
 */
int filter_spec_parse(const char *spec,
		      int (*add)(const struct filter *f, const char *args, void *ctx,
				 struct ib_error *err),
		      void *ctx, struct ib_error *err);

#endif
