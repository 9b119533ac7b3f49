#include "config.h"
#include "util/error.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ib_fail(struct ib_error *err, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->errnum = 0;
	}
	return -1;
}

/* msg = text + suffix, cutting the middle of text ("...") when both do not
 * fit: a long path must not push the reason (the errno) out of the line,
 * and the ends of a path say the most. */
static void join_keeping_ends(char *msg, size_t cap, const char *text, const char *suffix)
{
	static const char cut[] = "...";
	size_t len = strlen(text), add = strlen(suffix);
	if (len + add < cap) {
		memcpy(msg, text, len);
	} else {
		size_t keep = cap - 1 - add - (sizeof cut - 1);   /* suffix < cap / 2 */
		size_t head = keep / 2, tail = keep - head;
		memcpy(msg, text, head);
		memcpy(msg + head, cut, sizeof cut - 1);
		memcpy(msg + head + sizeof cut - 1, text + len - tail, tail);
		len = head + sizeof cut - 1 + tail;
	}
	memcpy(msg + len, suffix, add + 1);
}

int ib_fail_errno(struct ib_error *err, int errnum, const char *fmt, ...)
{
	if (err) {
		char text[2 * PATH_MAX + IB_REASON_MAX], suffix[IB_REASON_MAX / 2];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(text, sizeof text, fmt, ap);
		va_end(ap);
		snprintf(suffix, sizeof suffix, ": %s", strerror(errnum));
		join_keeping_ends(err->msg, sizeof err->msg, text, suffix);
		err->errnum = errnum;
	}
	return -1;
}
