#include "config.h"
#include "args.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void arg_scan_init(struct arg_scan *s, const char *filter, const char *args,
		   struct ib_error *err)
{
	s->filter = filter;
	s->p = args ? args : "";
	s->err = err;
}

bool arg_at_end(const struct arg_scan *s)
{
	return *s->p == '\0';
}

bool arg_accept(struct arg_scan *s, char c)
{
	if (*s->p != c)
		return false;
	s->p++;
	return true;
}

/* strtod without hex, inf or nan: only [+-]digits[.digits][e[+-]digits]. */
static bool starts_decimal(const char *p)
{
	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.')
		p++;
	return isdigit((unsigned char)*p);
}

int arg_number(struct arg_scan *s, const char *param, double *out)
{
	char *end;
	double v;

	if (!starts_decimal(s->p))
		goto bad;
	v = strtod(s->p, &end);
	if (!isfinite(v))
		goto bad;
	s->p = end;
	*out = v;
	return 0;
bad:
	if (*s->p == '\0')
		return ib_fail(s->err, "%s: %s is missing", s->filter, param);
	return ib_fail(s->err, "%s: %s must be a number, got '%s'", s->filter, param, s->p);
}

int arg_number_percent(struct arg_scan *s, const char *param, double *out, bool *percent)
{
	if (arg_number(s, param, out) < 0)
		return -1;
	*percent = arg_accept(s, '%');
	return 0;
}

const char *arg_rest(struct arg_scan *s)
{
	const char *rest = s->p;

	s->p += strlen(s->p);
	return rest;
}

int arg_end(struct arg_scan *s)
{
	if (arg_at_end(s))
		return 0;
	return ib_fail(s->err, "%s: unexpected '%s' after the parameters", s->filter, s->p);
}

int arg_check(struct arg_scan *s, bool ok, const char *param, const char *what, double value)
{
	if (ok)
		return 0;
	return ib_fail(s->err, "%s: %s must be %s, got %g", s->filter, param, what, value);
}
