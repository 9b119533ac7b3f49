#include "config.h"
#include "thumbnail/spec.h"

#include <errno.h>
#include <md5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/hex.h"

static const struct {
	const char *dir;
	uint32_t pixels;
} thumb_sizes[THUMB_NSIZES] = {
	[THUMB_NORMAL] = { "normal", 128 },
	[THUMB_LARGE] = { "large", 256 },
	[THUMB_XLARGE] = { "x-large", 512 },
	[THUMB_XXLARGE] = { "xx-large", 1024 },
};

static const char uri_scheme[] = "file://";

const char *thumb_size_dir(enum thumb_size size)
{
	return (unsigned)size < THUMB_NSIZES ? thumb_sizes[size].dir : NULL;
}

const char *thumb_size_names(void)
{
	static char names[64];
	size_t n = 0;
	if (names[0])
		return names;
	for (size_t i = 0; i < THUMB_NSIZES; i++)
		n += (size_t)snprintf(names + n, sizeof names - n, "%s ", thumb_sizes[i].dir);
	snprintf(names + n, sizeof names - n, "all");
	return names;
}

uint32_t thumb_size_pixels(enum thumb_size size)
{
	return (unsigned)size < THUMB_NSIZES ? thumb_sizes[size].pixels : 0;
}

/* The bits item[0..n) stands for, or 0 when it names no size. */
static unsigned size_item_mask(const char *item, size_t n)
{
	if (n == 3 && memcmp(item, "all", 3) == 0)
		return THUMB_SIZES_ALL;
	for (unsigned s = 0; s < THUMB_NSIZES; s++) {
		if (strlen(thumb_sizes[s].dir) == n && memcmp(item, thumb_sizes[s].dir, n) == 0)
			return 1u << s;
	}
	return 0;
}

int thumb_sizes_parse(const char *list, unsigned *mask, struct ib_error *err)
{
	if (*list == '\0')
		return ib_fail(err, "--size: no size given");
	unsigned found = 0;
	const char *item = list;
	for (;;) {
		size_t n = strcspn(item, ",");
		if (n == 0)
			return ib_fail(err, "--size: empty item in \"%s\"", list);
		unsigned bits = size_item_mask(item, n);
		if (!bits)
			return ib_fail(err,
				       "--size: unknown size \"%.*s\" (normal, large, x-large, xx-large or all)",
				       (int)n, item);
		found |= bits;
		if (item[n] == '\0')
			break;
		item += n + 1;
	}
	*mask = found;
	return 0;
}

/*
 * Appends the components of p to the normalised path work[0..*len), kept
 * as "/c1/c2" ("" standing for "/"): empty and "." components vanish, ".."
 * drops the last component (nothing above "/").  work must have room for
 * strlen(p) + 1 more bytes.
 */
static void push_components(char *work, size_t *len, const char *p)
{
	while (*p) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			const char *slash = memrchr(work, '/', *len);
			*len = slash ? (size_t)(slash - work) : 0;
		} else if (n > 1 || (n == 1 && p[0] != '.')) {
			work[(*len)++] = '/';
			memcpy(work + *len, p, n);
			*len += n;
		}
		p += n;
	}
}

/*
 * Writes the normalised form of base + "/" + path into buf (base NULL when
 * path is absolute).  Normalising in a scratch buffer sized for the worst
 * case means a ".." that shortens the path is not reported as too long.
 */
static int normalise_into(const char *base, const char *path, char *buf, size_t cap,
			  struct ib_error *err)
{
	size_t room = (base ? strlen(base) : 0) + strlen(path) + 3;
	char *work = malloc(room);
	if (!work)
		return ib_fail(err, "out of memory (path of %zu bytes)", room);
	size_t len = 0;
	if (base)
		push_components(work, &len, base);
	push_components(work, &len, path);
	if (len == 0)
		work[len++] = '/';
	int rc = 0;
	if (len < cap) {
		memcpy(buf, work, len);
		buf[len] = '\0';
	} else {
		rc = ib_fail(err, "absolute path of \"%s\" too long (%zu bytes)", path, len);
	}
	free(work);
	return rc;
}

int thumb_absolute_path(const char *path, char *buf, size_t cap, struct ib_error *err)
{
	if (*path == '\0')
		return ib_fail(err, "empty path");
	if (*path == '/')
		return normalise_into(NULL, path, buf, cap, err);
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return ib_fail_errno(err, errno, "absolute path of \"%s\": current directory", path);
	int rc = normalise_into(cwd, path, buf, cap, err);
	free(cwd);
	return rc;
}

/* The bytes g_filename_to_uri leaves unescaped in a path (GLib's
 * UNSAFE_PATH table): ASCII letters, digits and these marks. */
static bool uri_keeps(unsigned char c)
{
	static const char marks[] = "/!$&'()*+,-.:=@_~";
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && memchr(marks, c, sizeof marks - 1) != NULL;
}

int thumb_uri(const char *abs_path, char *buf, size_t cap, struct ib_error *err)
{
	if (*abs_path != '/')
		return ib_fail(err, "URI of \"%s\": not an absolute path", abs_path);
	size_t len = strlen(uri_scheme);
	if (len >= cap)
		return ib_fail(err, "URI of \"%s\" too long", abs_path);
	memcpy(buf, uri_scheme, len);
	for (const unsigned char *p = (const unsigned char *)abs_path; *p; p++) {
		size_t need = uri_keeps(*p) ? 1 : 3;
		if (len + need >= cap)
			return ib_fail(err, "URI of \"%s\" too long", abs_path);
		if (need == 1) {
			buf[len++] = (char)*p;
		} else {
			buf[len++] = '%';
			buf[len++] = hex_digit(*p >> 4, 1);
			buf[len++] = hex_digit(*p, 1);
		}
	}
	buf[len] = '\0';
	return 0;
}

/* The path part of a local file URI (starting with '/'), or NULL.  Scheme
 * and host are case-insensitive (RFC 3986). */
static const char *uri_local_path(const char *uri)
{
	static const char localhost[] = "localhost";
	size_t scheme_len = strlen(uri_scheme);
	if (strncasecmp(uri, uri_scheme, scheme_len) != 0)
		return NULL;
	const char *rest = uri + scheme_len;
	if (strncasecmp(rest, localhost, strlen(localhost)) == 0)
		rest += strlen(localhost);
	return *rest == '/' ? rest : NULL;
}

int thumb_uri_to_path(const char *uri, char *buf, size_t cap, struct ib_error *err)
{
	const char *p = uri_local_path(uri);
	if (!p)
		return ib_fail(err, "\"%s\" is not a local file URI", uri);
	size_t len = 0;
	while (*p) {
		int c = (unsigned char)*p++;
		if (c == '%') {
			int hi = hex_value(p[0]);
			int lo = hi < 0 ? -1 : hex_value(p[1]);
			if (lo < 0)
				return ib_fail(err, "malformed escape in URI \"%s\"", uri);
			c = hi << 4 | lo;
			p += 2;
			/* GLib refuses an escaped '/' too: it would split a name. */
			if (c == '\0' || c == '/')
				return ib_fail(err, "escaped %s in URI \"%s\"",
					       c ? "'/'" : "NUL", uri);
		}
		if (len + 1 >= cap)
			return ib_fail(err, "path of URI \"%s\" too long", uri);
		buf[len++] = (char)c;
	}
	buf[len] = '\0';
	return 0;
}

void thumb_name(const char *uri, char out[THUMB_NAME_LEN + 1])
{
	uint8_t digest[MD5_DIGEST_LENGTH];
	MD5_CTX ctx;

	MD5Init(&ctx);
	MD5Update(&ctx, (const uint8_t *)uri, strlen(uri));
	MD5Final(digest, &ctx);
	hex_encode(digest, MD5_DIGEST_LENGTH, out);
	memcpy(out + 2 * MD5_DIGEST_LENGTH, ".png", sizeof ".png");
}

int thumb_cache_root(char *buf, size_t cap, struct ib_error *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	if (xdg && *xdg == '/')
		return normalise_into(xdg, "thumbnails", buf, cap, err);
	const char *home = getenv("HOME");
	if (!home || !*home)
		return ib_fail(err, "thumbnail cache: HOME is not set");
	if (*home != '/')
		return ib_fail(err, "thumbnail cache: HOME is not an absolute path (\"%s\")", home);
	return normalise_into(home, ".cache/thumbnails", buf, cap, err);
}
