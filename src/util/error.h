/* One-line failure reasons that travel from a worker to the master. */
#ifndef IMGBATCH_UTIL_ERROR_H
#define IMGBATCH_UTIL_ERROR_H

#include <stddef.h>

/* A reason must fit the fixed-size result message (see wire.h). */
#define IB_REASON_MAX 240

struct ib_error {
	char msg[IB_REASON_MAX];
	int errnum;           /* the errno behind msg (ib_fail_errno), else 0 */
};

/* Formats a reason into err (truncating); returns -1 so callers can write
 * `return ib_fail(err, "...")`.  err may be NULL. */
int ib_fail(struct ib_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like ib_fail, with ": strerror(errnum)" appended and errnum kept. */
int ib_fail_errno(struct ib_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
