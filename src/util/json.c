#include "config.h"
#include "util/json.h"

#include <stdint.h>
#include <string.h>

#include "util/hex.h"

/* Length of the valid UTF-8 sequence at s, or 0 when the byte starts none. */
static int utf8_sequence_length(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	int len;
	uint32_t cp, min;
	if ((c & 0xE0) == 0xC0) {
		len = 2, cp = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, cp = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, cp = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

bool json_is_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = utf8_sequence_length(p);
		if (n == 0)
			return false;
		p += n;
	}
	return true;
}

void json_put_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	putc('"', out);
	while (*p) {
		int n = utf8_sequence_length(p);
		if (n == 0) {
			fputs("\\ufffd", out);
			p++;
		} else if (n > 1) {
			fwrite(p, 1, (size_t)n, out);
			p += n;
		} else {
			unsigned char c = *p++;
			if (c == '"' || c == '\\')
				fprintf(out, "\\%c", c);
			else if (c == '\n')
				fputs("\\n", out);
			else if (c == '\t')
				fputs("\\t", out);
			else if (c < 0x20 || c == 0x7F)
				fprintf(out, "\\u%04x", c);
			else
				putc(c, out);
		}
	}
	putc('"', out);
}

void json_put_hex(FILE *out, const char *s)
{
	putc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		putc(hex_digit(*p >> 4, 0), out);
		putc(hex_digit(*p, 0), out);
	}
	putc('"', out);
}

/* ---- reading ---------------------------------------------------------- */

static char *skip_space(char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Appends code point cp (< 0x110000, not a surrogate) as UTF-8 at *out. */
static void put_utf8(char **out, uint32_t cp)
{
	unsigned char *o = (unsigned char *)*out;
	if (cp < 0x80) {
		*o++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*o++ = (unsigned char)(0xC0 | cp >> 6);
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (unsigned char)(0xE0 | cp >> 12);
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (unsigned char)(0xF0 | cp >> 18);
		*o++ = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	*out = (char *)o;
}

/* Reads four hex digits at p. */
static int read_u16(const char *p, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		int d = hex_value(p[i]);
		if (d < 0)
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

/*
 * Unescapes the string whose opening quote is at *pp, in place (the result
 * is never longer than the escaped text).  Returns its start, NUL-terminated,
 * with *pp after the closing quote; NULL when malformed or holding \u0000.
 */
static char *read_string(char **pp)
{
	char *in = *pp + 1, *start = in, *out = in;
	while (*in != '"') {
		if (!*in || (unsigned char)*in < 0x20)
			return NULL;
		if (*in != '\\') {
			*out++ = *in++;
			continue;
		}
		in++;
		const char *simple = strchr("\"\\/bfnrt", *in);
		if (simple && *in) {
			*out++ = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
			in++;
			continue;
		}
		uint32_t cp, low;
		if (*in != 'u' || read_u16(in + 1, &cp) < 0)
			return NULL;
		in += 5;
		if (cp == 0)   /* a NUL-terminated value cannot hold it */
			return NULL;
		if (cp >= 0xD800 && cp < 0xDC00) {   /* a surrogate pair */
			if (in[0] != '\\' || in[1] != 'u' || read_u16(in + 2, &low) < 0 ||
			    low < 0xDC00 || low > 0xDFFF)
				return NULL;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
			in += 6;
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			return NULL;
		}
		put_utf8(&out, cp);
	}
	*out = '\0';
	*pp = in + 1;
	return start;
}

/* A number, true, false or null, NUL-terminated in place: returns its
 * start, *pp at the NUL and *delim the character the NUL replaced. */
static char *read_scalar(char **pp, char *delim)
{
	char *start = *pp, *p = start;
	while (*p && strchr("0123456789+-.eEtruefalsn", *p))
		p++;
	if (p == start)
		return NULL;
	*delim = *p;
	*p = '\0';
	*pp = p;
	return start;
}

int json_read_flat_object(char *text, int (*member)(const struct json_member *m, void *ctx),
			  void *ctx)
{
	char *p = skip_space(text);
	if (*p++ != '{')
		return -1;
	p = skip_space(p);
	if (*p == '}')
		return *skip_space(p + 1) ? -1 : 0;
	for (;;) {
		struct json_member m;
		char next;
		if (*p != '"' || !(m.key = read_string(&p)))
			return -1;
		p = skip_space(p);
		if (*p++ != ':')
			return -1;
		p = skip_space(p);
		m.is_string = *p == '"';
		if (m.is_string) {
			if (!(m.value = read_string(&p)))
				return -1;
			p = skip_space(p);
			next = *p;
		} else {
			if (!(m.value = read_scalar(&p, &next)))
				return -1;
			if (next && strchr(" \t\r\n", next)) {
				p = skip_space(p + 1);
				next = *p;
			}
		}
		if ((next != ',' && next != '}') || member(&m, ctx) < 0)
			return -1;
		p = skip_space(p + 1);
		if (next == '}')
			return *p ? -1 : 0;
	}
}

int json_unhex(char *text)
{
	char *out = text;
	for (const char *p = text; *p; p += 2) {
		int hi = hex_value(p[0]), lo = hi < 0 ? -1 : hex_value(p[1]);
		if (lo < 0)
			return -1;
		*out++ = (char)(hi << 4 | lo);
	}
	*out = '\0';
	return 0;
}
