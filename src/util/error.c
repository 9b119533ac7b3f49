#include "config.h"
#include "util/error.h"

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

int ib_fail_errno(struct ib_error *err, int errnum, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < sizeof err->msg)
			snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s", strerror(errnum));
		err->errnum = errnum;
	}
	return -1;
}
