/* imgbatch compare: the JUnit XML report CI servers read, and the markup
 * escaping it shares with the HTML report. */
#ifndef IMGBATCH_COMPARE_JUNIT_H
#define IMGBATCH_COMPARE_JUNIT_H

#include <stddef.h>
#include <stdio.h>

#include "util/error.h"
#include "compare/pairs.h"

/*
 * Writes s as XML/HTML text that is safe both as element content and inside
 * a quoted attribute: & < > " ' become references, tab and newline become
 * &#9; and &#10; (so attributes keep them), and every byte that XML 1.0
 * cannot carry -- other control characters, U+007F..U+009F, U+FFFE, U+FFFF
 * and bytes that are not valid UTF-8 -- is shown as \xNN, so two names that
 * differ only in such a byte stay distinct.
 */
void markup_put_text(FILE *out, const char *s);

/* That markup as a JSON string literal, quotes included: what a page's
 * script may put into innerHTML as it is (text only, never an element). */
void markup_put_json_string(FILE *out, const char *s);

/*
 * Writes the JUnit report of n pairs to path atomically (a reader sees the
 * old file or the whole new one).  seconds is the wall time of the run.
 * MISSING/NEW pairs are failures unless allowed, then skipped; ERROR pairs
 * are errors.
 */
int junit_write(const char *path, const struct pair_outcome *pairs, size_t n,
		double seconds, struct ib_error *err);

#endif
