#include "config.h"
#include "compare/ignore.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/load.h"
#include "util/file.h"
#include "util/number.h"

static int rects_add(struct ignore_rects *r, struct ignore_rect rect, struct ib_error *err)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		struct ignore_rect *items = realloc(r->items, cap * sizeof *items);
		if (!items)
			return ib_fail(err, "out of memory");
		r->items = items;
		r->cap = cap;
	}
	r->items[r->n++] = rect;
	return 0;
}

int ignore_add_arg(struct ignore_set *s, const char *arg, struct ib_error *err)
{
	uint32_t v[4];
	const char *p = arg;

	for (int i = 0; i < 4; i++) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char field[24];
		unsigned long long n;
		/* three commas, four fields */
		if ((i < 3) != (comma != NULL) || len >= sizeof field)
			return ib_fail(err, "use X,Y,W,H: whole numbers, W and H >= 1");
		memcpy(field, p, len);
		field[len] = '\0';
		if (number_parse(field, i < 2 ? 0 : 1, UINT32_MAX, &n) < 0)
			return ib_fail(err, "use X,Y,W,H: whole numbers, W and H >= 1");
		v[i] = (uint32_t)n;
		p = comma + 1;
	}
	struct ignore_rect r = { v[0], v[1], v[2], v[3] };
	return rects_add(&s->everywhere, r, err);
}

/* ---- the ignore file: a small strict JSON reader for its one shape ---- */

struct reader {
	const char *p, *start;
	struct ib_error *err;
};

static int line_of(const struct reader *rd)
{
	int line = 1;
	for (const char *q = rd->start; q < rd->p; q++)
		line += *q == '\n';
	return line;
}

static int bad(struct reader *rd, const char *what)
{
	return ib_fail(rd->err, "line %d: %s", line_of(rd), what);
}

static void skip_space(struct reader *rd)
{
	while (*rd->p == ' ' || *rd->p == '\t' || *rd->p == '\n' || *rd->p == '\r')
		rd->p++;
}

/* The next non-space character is c: consumed. */
static bool take(struct reader *rd, char c)
{
	skip_space(rd);
	if (*rd->p != c)
		return false;
	rd->p++;
	return true;
}

static int expect(struct reader *rd, char c)
{
	char what[32];
	if (take(rd, c))
		return 0;
	snprintf(what, sizeof what, "'%c' expected", c);
	return bad(rd, what);
}

static int hex4(struct reader *rd, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = *rd->p++;
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return bad(rd, "bad \\u escape");
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX, a surrogate pair joined, after the "\u". */
static int unicode_escape(struct reader *rd, unsigned *cp)
{
	unsigned low;
	if (hex4(rd, cp) < 0)
		return -1;
	if (*cp >= 0xdc00 && *cp < 0xe000)
		return bad(rd, "lone low surrogate");
	if (*cp < 0xd800 || *cp >= 0xdc00)
		return 0;
	if (rd->p[0] != '\\' || rd->p[1] != 'u')
		return bad(rd, "lone high surrogate");
	rd->p += 2;
	if (hex4(rd, &low) < 0)
		return -1;
	if (low < 0xdc00 || low >= 0xe000)
		return bad(rd, "bad surrogate pair");
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (low - 0xdc00);
	return 0;
}

/* A string, unescaped into a new allocation *out. */
static int read_string(struct reader *rd, char **out)
{
	if (expect(rd, '"') < 0)
		return -1;
	/* unescaped, a string never grows: \uXXXX is 6 bytes for at most 4 */
	const char *end = rd->p;
	while (*end && *end != '"')
		end += end[0] == '\\' && end[1] ? 2 : 1;
	char *s = malloc((size_t)(end - rd->p) + 1), *w = s;
	if (!s)
		return ib_fail(rd->err, "out of memory");
	while (*rd->p != '"') {
		unsigned char c = (unsigned char)*rd->p++;
		unsigned cp;
		if (c == 0 || c < 0x20) {
			free(s);
			return bad(rd, c ? "control character in a string" : "unterminated string");
		}
		if (c != '\\') {
			*w++ = (char)c;
			continue;
		}
		static const char escapes[] = "\"\\/bfnrt", meanings[] = "\"\\/\b\f\n\r\t";
		const char *simple = *rd->p ? strchr(escapes, *rd->p) : NULL;
		if (simple) {
			*w++ = meanings[simple - escapes];
			rd->p++;
			continue;
		}
		if (*rd->p++ != 'u' || unicode_escape(rd, &cp) < 0 || cp == 0) {
			free(s);
			return rd->err->msg[0] ? -1 : bad(rd, "bad escape");
		}
		w += put_utf8(w, cp);
	}
	rd->p++;
	*w = '\0';
	*out = s;
	return 0;
}

static int read_whole(struct reader *rd, unsigned long long min, uint32_t *out)
{
	skip_space(rd);
	unsigned long long v = 0;
	const char *digits = rd->p;
	while (*rd->p >= '0' && *rd->p <= '9' && v <= UINT32_MAX)
		v = v * 10 + (unsigned)(*rd->p++ - '0');
	if (rd->p == digits || (digits[0] == '0' && rd->p - digits > 1) || v > UINT32_MAX ||
	    v < min || *rd->p == '.' || *rd->p == 'e' || *rd->p == 'E')
		return bad(rd, min ? "a whole number >= 1 expected" : "a whole number expected");
	*out = (uint32_t)v;
	return 0;
}

/* [[x, y, w, h], ...] */
static int read_rects(struct reader *rd, struct ignore_rects *rects)
{
	if (expect(rd, '[') < 0)
		return -1;
	if (take(rd, ']'))
		return 0;
	do {
		struct ignore_rect r;
		if (expect(rd, '[') < 0 || read_whole(rd, 0, &r.x) < 0 || expect(rd, ',') < 0 ||
		    read_whole(rd, 0, &r.y) < 0 || expect(rd, ',') < 0 ||
		    read_whole(rd, 1, &r.w) < 0 || expect(rd, ',') < 0 ||
		    read_whole(rd, 1, &r.h) < 0 || expect(rd, ']') < 0 ||
		    rects_add(rects, r, rd->err) < 0)
			return -1;
	} while (take(rd, ','));
	return expect(rd, ']');
}

static struct ignore_rects *named_rects(struct ignore_set *s, char *name, struct reader *rd)
{
	for (size_t i = 0; i < s->nnamed; i++) {
		if (strcmp(s->named[i].name, name) == 0) {
			bad(rd, "a name given twice");
			return NULL;
		}
	}
	struct ignore_entry *named = realloc(s->named, (s->nnamed + 1) * sizeof *named);
	if (!named) {
		ib_fail(rd->err, "out of memory");
		return NULL;
	}
	s->named = named;
	named[s->nnamed] = (struct ignore_entry) { .name = name };
	return &named[s->nnamed++].rects;
}

/* {"NAME": [...], ...} */
static int read_regions(struct reader *rd, struct ignore_set *s)
{
	bool star_seen = false;
	if (expect(rd, '{') < 0)
		return -1;
	if (take(rd, '}'))
		return 0;
	do {
		char *name;
		struct ignore_rects *rects;
		if (read_string(rd, &name) < 0)
			return -1;
		if (strcmp(name, "*") == 0) {
			free(name);
			if (star_seen)
				return bad(rd, "a name given twice");
			star_seen = true;
			rects = &s->everywhere;
		} else if (!(rects = named_rects(s, name, rd))) {
			free(name);
			return -1;
		}
		if (expect(rd, ':') < 0 || read_rects(rd, rects) < 0)
			return -1;
	} while (take(rd, ','));
	return expect(rd, '}');
}

static int read_document(struct reader *rd, struct ignore_set *s)
{
	char *key;
	if (expect(rd, '{') < 0 || read_string(rd, &key) < 0)
		return -1;
	bool known = strcmp(key, "regions") == 0;
	free(key);
	if (!known)
		return bad(rd, "the one member is \"regions\"");
	if (expect(rd, ':') < 0 || read_regions(rd, s) < 0 || expect(rd, '}') < 0)
		return -1;
	skip_space(rd);
	return *rd->p ? bad(rd, "text after the object") : 0;
}

int ignore_load_file(struct ignore_set *s, const char *path, struct ib_error *err)
{
	struct file_bytes file;
	if (file_bytes_read(path, 1 << 24, &file, err) < 0)
		return -1;
	char *text = malloc(file.len + 1);
	int ret = -1;
	if (!text) {
		ret = ib_fail(err, "out of memory");
	} else if (memchr(file.data, '\0', file.len)) {
		ret = ib_fail(err, "a NUL byte: not JSON");
	} else {
		memcpy(text, file.data, file.len);
		text[file.len] = '\0';
		struct reader rd = { text, text, err };
		err->msg[0] = '\0';
		ret = read_document(&rd, s);
	}
	free(text);
	file_bytes_free(&file);
	return ret;
}

/* ---- the mask ---- */

int ignore_load_mask(struct ignore_set *s, const char *path, struct ib_error *err)
{
	struct file_bytes file;
	struct image img = { 0 };
	int ret = -1;

	if (file_bytes_read(path, 0, &file, err) < 0)
		return -1;
	if (image_decode_bytes(&file, IMAGE_DEFAULT_MAX_PIXELS, &img, err) < 0)
		goto out;
	if (!image_has_alpha(&img)) {
		ib_fail(err, "it has no alpha channel (its opaque pixels are the ones ignored)");
		goto out;
	}
	if (image_alloc(&s->mask, img.width, img.height, 1, 8, 0, err) < 0)
		goto out;
	/* opaque: alpha >= 128 of 255, or of 65535 for 16-bit samples */
	uint32_t half = img.depth == 16 ? 32768 : 128;
	for (uint32_t y = 0; y < img.height; y++) {
		const uint8_t *p = image_row(&img, y);
		uint8_t *out = image_row(&s->mask, y);
		for (uint32_t x = 0; x < img.width; x++, p += image_bytes_per_pixel(&img))
			out[x] = image_sample(p, img.depth, img.channels - 1) >= half;
	}
	ret = 0;
out:
	image_free(&img);
	file_bytes_free(&file);
	return ret;
}

static void mark_rects(const struct ignore_rects *r, uint8_t *mask, uint32_t width,
		       uint32_t height)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct ignore_rect *q = &r->items[i];
		if (q->x >= width || q->y >= height)
			continue;
		uint32_t w = q->w < width - q->x ? q->w : width - q->x;
		uint32_t h = q->h < height - q->y ? q->h : height - q->y;
		for (uint32_t y = q->y; y < q->y + h; y++)
			memset(mask + (size_t)y * width + q->x, 1, w);
	}
}

static const struct ignore_rects *rects_named(const struct ignore_set *s, const char *name)
{
	for (size_t i = 0; i < s->nnamed; i++)
		if (strcmp(s->named[i].name, name) == 0)
			return &s->named[i].rects;
	return NULL;
}

int ignore_mask_for(const struct ignore_set *s, const char *name, uint32_t image_w,
		    uint32_t image_h, uint32_t width, uint32_t height, uint8_t **mask,
		    struct ib_error *err)
{
	const struct ignore_rects *named = rects_named(s, name);
	*mask = NULL;
	if (!s->everywhere.n && !named && !s->mask.pixels)
		return 0;
	if (s->mask.pixels && (s->mask.width != image_w || s->mask.height != image_h))
		return ib_fail(err, "the mask is %ux%u, the expected image %ux%u", s->mask.width,
			       s->mask.height, image_w, image_h);
	uint8_t *m = calloc((size_t)width * height, 1);
	if (!m)
		return ib_fail(err, "cannot allocate a %ux%u mask", width, height);
	mark_rects(&s->everywhere, m, width, height);
	if (named)
		mark_rects(named, m, width, height);
	for (uint32_t y = 0; s->mask.pixels && y < height; y++) {
		const uint8_t *row = image_row(&s->mask, y);
		for (uint32_t x = 0; x < width; x++)
			m[(size_t)y * width + x] |= row[x];
	}
	*mask = m;
	return 0;
}

void ignore_free(struct ignore_set *s)
{
	free(s->everywhere.items);
	for (size_t i = 0; i < s->nnamed; i++) {
		free(s->named[i].name);
		free(s->named[i].rects.items);
	}
	free(s->named);
	image_free(&s->mask);
	memset(s, 0, sizeof *s);
}
