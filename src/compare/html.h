/* imgbatch compare: a self-contained HTML page to look at the pairs. */
#ifndef IMGBATCH_COMPARE_HTML_H
#define IMGBATCH_COMPARE_HTML_H

#include <stddef.h>

#include "util/error.h"
#include "compare/pairs.h"

/*
 * Creates dir (with its parents), places the expected, actual and diff image
 * of each pair into dir/img/ as <index>-<role><.ext> (pairs[index]; a hard
 * link, or a copy across file systems) and writes dir/index.html atomically:
 * inline CSS and JS only, pairs ordered failures, errors, missing/new, then
 * allowed missing/new, then passes.  For scripts and tests the page keeps
 * these hooks: p#summary, section.pair[data-status][data-failing],
 * img.expected/.actual/.diff, img.flip-image[data-showing] with its
 * button.flip, and the input#failures-only filter.
 */
int html_report_write(const char *dir, const struct pair_outcome *pairs, size_t n,
		      struct ib_error *err);

#endif
