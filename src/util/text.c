#include "config.h"
#include "util/text.h"

#include <stdint.h>

#include "util/hex.h"
#include "util/json.h"

static void put_byte_escape(FILE *out, unsigned char c)
{
	switch (c) {
	case '\n': fputs("\\n", out); return;
	case '\r': fputs("\\r", out); return;
	case '\t': fputs("\\t", out); return;
	default:
		fputs("\\x", out);
		putc(hex_digit(c >> 4, 0), out);
		putc(hex_digit(c, 0), out);
	}
}

/* The length of the UTF-8 sequence at p (1..4), or 0 when it is not one. */
static int utf8_length(const unsigned char *p)
{
	int n = p[0] < 0x80 ? 1 : p[0] >= 0xC2 && p[0] <= 0xDF ? 2
		: p[0] >= 0xE0 && p[0] <= 0xEF ? 3 : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	/* overlong, surrogate and out-of-range forms */
	if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
	    (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
		return 0;
	return n;
}

void text_put(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = utf8_length(p);
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7F))) {
			put_byte_escape(out, *p++);
		} else if (n == 2 && p[0] == 0xC2 && p[1] <= 0x9F) {
			fprintf(out, "\\u%04x", p[1]);   /* a C1 control */
			p += 2;
		} else if (n == 1 && *p == '\\') {
			fputs("\\\\", out);
			p++;
		} else {
			fwrite(p, 1, (size_t)n, out);
			p += n;
		}
	}
}

const char *text_plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}
