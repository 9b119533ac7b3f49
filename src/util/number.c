#include "config.h"
#include "util/number.h"

#include <errno.h>
#include <stdlib.h>

int number_parse(const char *text, unsigned long long min, unsigned long long max,
		 unsigned long long *out)
{
	if (!text[0] || text[0] == '-' || text[0] == '+')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
