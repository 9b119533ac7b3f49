#include "config.h"
#include "filters/args.h"

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

static size_t count_digits(const char *p)
{
	size_t n = 0;

	while (isdigit((unsigned char)p[n]))
		n++;
	return n;
}

/* Length of the decimal number at p: [+-]digits[.digits][e[+-]digits], at
 * least one digit; 0 when there is none.  Unlike strtod it never reads hex
 * ("0x5" is the number 0 followed by "x5"), inf or nan. */
static size_t decimal_length(const char *p)
{
	size_t n = (*p == '+' || *p == '-') ? 1 : 0;
	size_t digits = count_digits(p + n);

	n += digits;
	if (p[n] == '.') {
		size_t fraction = count_digits(p + n + 1);
		digits += fraction;
		n += 1 + fraction;
	}
	if (!digits)
		return 0;
	if (p[n] == 'e' || p[n] == 'E') {
		size_t sign = (p[n + 1] == '+' || p[n + 1] == '-') ? 1 : 0;
		size_t exponent = count_digits(p + n + 1 + sign);
		if (exponent)
			n += 1 + sign + exponent;
	}
	return n;
}

int arg_number(struct arg_scan *s, const char *param, double *out)
{
	char text[64];
	size_t len = decimal_length(s->p);
	double v;

	if (!len || len >= sizeof text)
		goto bad;
	memcpy(text, s->p, len);
	text[len] = '\0';
	v = strtod(text, NULL);
	if (!isfinite(v))
		goto bad;
	s->p += len;
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
