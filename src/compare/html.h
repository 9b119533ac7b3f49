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
 * inline CSS and JS only.  The pairs are grouped failures, errors,
 * missing/new, allowed missing/new, passes (input order within a group);
 * each group holds its pairs as JSON, gzipped in base64, and the page's
 * script draws their cards a page at a time once the group is open
 * (failing groups start open).  For scripts and tests the page keeps these hooks: p#summary,
 * details.group#group-<id>[data-group][data-failing] with its
 * button.more, section.pair[data-status][data-failing], img.expected/
 * .actual/.diff, img.flip-image[data-showing] with its button.flip, and
 * the input#failures-only filter.
 */
int html_report_write(const char *dir, const struct pair_outcome *pairs, size_t n,
		      struct ib_error *err);

#endif
