#include "config.h"
#include "disk/output_name.h"

#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/*
 * Paths are opaque bytes: only '/' is structural, so spaces, newlines,
 * leading dashes and non-UTF-8 bytes pass through unchanged.
 */

enum field {
	FIELD_DIR,
	FIELD_ROOT,
	FIELD_STEM,
	FIELD_EXT,
	FIELD_W,
	FIELD_H,
	FIELD_UNKNOWN,
	FIELD_UNBALANCED,
};

static const char *const field_names[] = {
	[FIELD_DIR] = "dir",
	[FIELD_ROOT] = "root",
	[FIELD_STEM] = "stem",
	[FIELD_EXT] = "ext",
	[FIELD_W] = "w",
	[FIELD_H] = "h",
};

/* open points at a '{'; on success *close points at the matching '}'. */
static enum field parse_field(const char *open, const char **close)
{
	const char *name = open + 1;
	size_t len = strcspn(name, "{}");

	if (name[len] != '}')
		return FIELD_UNBALANCED;
	*close = name + len;
	for (int f = 0; f < FIELD_UNKNOWN; f++)
		if (strlen(field_names[f]) == len && !memcmp(field_names[f], name, len))
			return (enum field)f;
	return FIELD_UNKNOWN;
}

static bool is_dot_dot(const char *s, size_t len)
{
	return len == 2 && s[0] == '.' && s[1] == '.';
}

/* True when some '/'-separated component of s is exactly "..". */
static bool has_dot_dot_component(const char *s)
{
	for (;;) {
		size_t len = strcspn(s, "/");
		if (is_dot_dot(s, len))
			return true;
		if (!s[len])
			return false;
		s += len + 1;
	}
}

/* True when the last component of path is empty or ".". */
static bool lacks_file_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *last = slash ? slash + 1 : path;

	return !*last || !strcmp(last, ".");
}

static int check_fields(const char *tmpl, struct ib_error *err)
{
	for (const char *p = tmpl; *p; p++) {
		const char *close;

		if (*p == '}')
			return ib_fail(err, "unbalanced '}' in --name template");
		if (*p != '{')
			continue;
		switch (parse_field(p, &close)) {
		case FIELD_UNBALANCED:
			return ib_fail(err, "unbalanced '{' in --name template");
		case FIELD_UNKNOWN:
			return ib_fail(err, "unknown field %.*s in --name template",
				       (int)(close - p + 1), p);
		default:
			p = close;
		}
	}
	return 0;
}

int output_template_check(const char *tmpl, struct ib_error *err)
{
	if (!*tmpl)
		return ib_fail(err, "empty --name template");
	if (tmpl[0] == '/')
		return ib_fail(err, "--name template is absolute");
	if (has_dot_dot_component(tmpl))
		return ib_fail(err, "--name template has a '..' component");
	if (lacks_file_name(tmpl))
		return ib_fail(err, "--name template has no file name after the last '/'");
	return check_fields(tmpl, err);
}

int output_template_needs_size(const char *tmpl)
{
	for (const char *p = strchr(tmpl, '{'); p; p = strchr(p + 1, '{')) {
		const char *close;
		enum field f = parse_field(p, &close);

		if (f == FIELD_W || f == FIELD_H)
			return 1;
	}
	return 0;
}

/*
 * Builds the result while normalising it: empty and "." components are
 * dropped as they end (so an empty {dir} followed by '/' leaves no leading
 * '/', and "a//b" becomes "a/b"), and every limit is checked on the final
 * form, so a result fits exactly when its normalised form fits cap.
 */
struct emitter {
	char *buf;
	size_t cap;
	size_t len;
	size_t comp;           /* where the current component starts in buf */
	const char *why;       /* first failure, or NULL */
};

static void emit_byte(struct emitter *e, char c)
{
	if (e->why)
		return;
	if (e->len + 1 >= e->cap || e->len - e->comp >= NAME_MAX) {
		e->why = "output name too long";
		return;
	}
	e->buf[e->len++] = c;
}

/* Ends the current component; the last one must be a file name. */
static void end_component(struct emitter *e, bool last)
{
	const char *c = e->buf + e->comp;
	size_t n = e->len - e->comp;

	if (e->why)
		return;
	if (is_dot_dot(c, n)) {
		e->why = "output name has a '..' component";
	} else if (n == 0 || (n == 1 && c[0] == '.')) {
		e->len = e->comp;
		if (last)
			e->why = "output name has no file name";
	} else if (!last) {
		/* The next byte starts a new component: no NAME_MAX check. */
		e->comp = e->len + 1;
		if (e->len + 1 >= e->cap)
			e->why = "output name too long";
		else
			e->buf[e->len++] = '/';
	}
}

static void emit(struct emitter *e, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '/')
			end_component(e, false);
		else
			emit_byte(e, s[i]);
	}
}

/* The parts of rel's last component that the fields print. */
struct input_name {
	const char *dir;
	size_t dir_len;
	const char *stem;
	size_t stem_len;
	const char *ext;       /* after the dot, or NULL when there is none */
};

/*
 * The extension starts after the last '.' that follows some other byte than
 * '.', and must not be empty: ".hidden" and "..." have none, "a." has none,
 * "archive.tar.gz" has "gz".  So a stem is never empty, "." or "..".
 */
static void split_name(const char *rel, struct input_name *in)
{
	const char *slash = strrchr(rel, '/');
	const char *name = slash ? slash + 1 : rel;
	const char *body = name + strspn(name, ".");
	const char *dot = strrchr(body, '.');

	in->dir = rel;
	in->dir_len = slash ? (size_t)(slash - rel) : 0;
	in->stem = name;
	in->ext = NULL;
	if (dot && dot > body && dot[1])
		in->ext = dot + 1;
	in->stem_len = in->ext ? (size_t)(dot - name) : strlen(name);
}

static int check_rel(const char *rel, struct ib_error *err)
{
	if (!*rel)
		return ib_fail(err, "empty input path");
	if (rel[0] == '/')
		return ib_fail(err, "input path is absolute");
	if (has_dot_dot_component(rel))
		return ib_fail(err, "input path has a '..' component");
	if (lacks_file_name(rel))
		return ib_fail(err, "input path has no file name");
	return 0;
}

/* A root is one folder's name, or "". */
static int check_root(const char *root, struct ib_error *err)
{
	if (strchr(root, '/') || !strcmp(root, ".") || !strcmp(root, ".."))
		return ib_fail(err, "input folder name '%s' is not one name", root);
	return 0;
}

static void emit_size(struct emitter *e, uint32_t v, const char *unset)
{
	char num[16];
	int n;

	if (!v) {
		emit(e, unset, strlen(unset));
		return;
	}
	n = snprintf(num, sizeof num, "%" PRIu32, v);
	emit(e, num, (size_t)n);
}

static int emit_ext(struct emitter *e, const struct input_name *in,
		    enum image_format in_format, enum image_format out_format,
		    struct ib_error *err)
{
	const struct codec *codec;

	if (in->ext && in_format == out_format) {
		emit(e, in->ext, strlen(in->ext));
		return 0;
	}
	codec = codec_for_format(out_format);
	if (!codec)
		return ib_fail(err, "no codec for the output format");
	emit(e, codec->extension, strlen(codec->extension));
	return 0;
}

int output_expand(const char *tmpl, const char *rel, const char *root,
		  enum image_format in_format,
		  enum image_format out_format, uint32_t w, uint32_t h,
		  char *buf, size_t cap, struct ib_error *err)
{
	struct emitter e = { .buf = buf, .cap = cap };
	struct input_name in;
	int ret = -1;

	if (output_template_check(tmpl, err) || check_rel(rel, err) || check_root(root, err))
		goto out;
	split_name(rel, &in);
	for (const char *p = tmpl; *p; p++) {
		const char *close = p;

		if (*p != '{') {
			emit(&e, p, 1);
			continue;
		}
		switch (parse_field(p, &close)) {
		case FIELD_DIR:
			emit(&e, in.dir, in.dir_len);
			break;
		case FIELD_ROOT:
			emit(&e, root, strlen(root));
			break;
		case FIELD_STEM:
			emit(&e, in.stem, in.stem_len);
			break;
		case FIELD_EXT:
			if (emit_ext(&e, &in, in_format, out_format, err))
				goto out;
			break;
		case FIELD_W:
			emit_size(&e, w, "{w}");
			break;
		case FIELD_H:
			emit_size(&e, h, "{h}");
			break;
		default:        /* output_template_check rejected the rest */
			break;
		}
		p = close;
	}
	end_component(&e, true);
	if (e.why) {
		ib_fail(err, "%s", e.why);
		goto out;
	}
	buf[e.len] = '\0';
	ret = 0;
out:
	if (ret && cap)
		buf[0] = '\0';
	return ret;
}

const char *output_mirror_part(const char *path)
{
	for (;;) {
		path += strspn(path, "/");
		if (path[0] != '.' || path[1] != '/')
			return path;
		path += 2;
	}
}
