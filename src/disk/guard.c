#include "config.h"
#include "disk/guard.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The absolute, resolved form of path into buf: realpath when it exists,
 * else its parent's resolved form with the remaining names appended (so a
 * file about to be created below a symlinked folder resolves through it).
 */
static bool resolve(const char *path, char *buf, size_t cap)
{
	char resolved[PATH_MAX], head[PATH_MAX];
	if (realpath(path, resolved))
		return (size_t)snprintf(buf, cap, "%s", resolved) < cap;
	size_t len = strnlen(path, sizeof head);
	if (len == 0 || len >= sizeof head)
		return false;
	memcpy(head, path, len + 1);
	while (len > 1 && head[len - 1] == '/')
		head[--len] = '\0';
	char *slash = strrchr(head, '/');
	const char *name = slash ? slash + 1 : head;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;   /* a missing "x/.." cannot be placed */
	if (slash == head)
		return (size_t)snprintf(buf, cap, "/%s", name) < cap;
	if (slash)
		*slash = '\0';
	if (!resolve(slash ? head : ".", resolved, sizeof resolved))
		return false;
	bool root = strcmp(resolved, "/") == 0;
	return (size_t)snprintf(buf, cap, "%s/%s", root ? "" : resolved, name) < cap;
}

bool disk_path_within(const char *path, const char *tree)
{
	char p[PATH_MAX], t[PATH_MAX];
	if (!resolve(path, p, sizeof p) || !resolve(tree, t, sizeof t))
		return false;
	size_t n = strlen(t);
	if (strcmp(t, "/") == 0)
		return true;
	return strncmp(p, t, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

int disk_refuse_within(const char *what, const char *path, const char *const *trees, size_t n,
		       struct ib_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (trees[i] && disk_path_within(path, trees[i]))
			return ib_fail(err, "%s %s lies within %s, which is read: refusing to write "
				       "there", what, path, trees[i]);
	return 0;
}
