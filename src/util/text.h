/* Names and reasons in the lines people read: a file name may hold any
 * byte, and one with ESC or a newline must not drive the terminal or forge
 * a line of its own. */
#ifndef IMGBATCH_UTIL_TEXT_H
#define IMGBATCH_UTIL_TEXT_H

#include <stdint.h>
#include <stdio.h>

/*
 * Writes s to out with what a terminal would act on made visible: C0
 * controls (ESC, BEL, CR, LF...) and DEL as \xHH (\n, \r, \t as such),
 * C1 controls (U+0080..U+009F) as \u0080, bytes that are not UTF-8 as \xHH,
 * and the backslash as \\ so an escape can be told from a name.  Valid
 * UTF-8 text is written as it is.
 */
void text_put(FILE *out, const char *s);

/* one when n is 1, else many: "1 entry", "2 entries". */
const char *text_plural(uint64_t n, const char *one, const char *many);

#endif
