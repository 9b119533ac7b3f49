/*
 * Names and places of the freedesktop.org Thumbnail Managing Standard:
 * a thumbnail of file F lives in <cache root>/<size dir>/<md5(URI of F)>.png,
 * where the URI is F's absolute path as GLib writes it (g_filename_to_uri),
 * since that is what file managers compute when they look the thumbnail up.
 */
#ifndef IMGBATCH_THUMBNAIL_SPEC_H
#define IMGBATCH_THUMBNAIL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum thumb_size {
	THUMB_NORMAL,
	THUMB_LARGE,
	THUMB_XLARGE,
	THUMB_XXLARGE,
	THUMB_NSIZES
};

/* A mask with every size's bit (1u << size) set. */
#define THUMB_SIZES_ALL ((1u << THUMB_NSIZES) - 1)

/* Length of a thumbnail file name: 32 hex digits + ".png". */
#define THUMB_NAME_LEN 36

/* Directory name under the cache root ("normal", ...); NULL out of range. */
const char *thumb_size_dir(enum thumb_size size);

/* Longest side in pixels (128, 256, 512, 1024); 0 out of range. */
uint32_t thumb_size_pixels(enum thumb_size size);

/*
 * Parses the --size argument: comma-separated size names ("normal,large"),
 * "all" standing for every size.  Sets *mask to the union of (1u << size);
 * *mask is left alone on error (unknown name, empty item or empty list).
 */
int thumb_sizes_parse(const char *list, unsigned *mask, struct ib_error *err);
/* The names --size takes, space-separated: every size's and "all". */
const char *thumb_size_names(void);

/*
 * Writes the absolute form of path into buf: relative paths are taken from
 * the current directory.  The result is normalised lexically ("//" and "."
 * dropped, ".." removes the previous component and stops at "/", no
 * trailing slash) without resolving symlinks, since a file manager names
 * the file by the path it was shown, not by its target.
 */
int thumb_absolute_path(const char *path, char *buf, size_t cap, struct ib_error *err);

/*
 * Writes "file://" + abs_path into buf, escaping exactly the bytes that
 * g_filename_to_uri escapes (%XX, upper-case hex).  abs_path must start
 * with '/'.
 */
int thumb_uri(const char *abs_path, char *buf, size_t cap, struct ib_error *err);

/*
 * The reverse of thumb_uri, for cleaning the cache: accepts "file:///path"
 * and "file://localhost/path" and writes the decoded path into buf.
 */
int thumb_uri_to_path(const char *uri, char *buf, size_t cap, struct ib_error *err);

/* The thumbnail file name of uri: lower-case hex MD5 of its bytes + ".png". */
void thumb_name(const char *uri, char out[THUMB_NAME_LEN + 1]);

/*
 * The cache root: $XDG_CACHE_HOME/thumbnails, or $HOME/.cache/thumbnails
 * when XDG_CACHE_HOME is unset, empty or relative (the XDG Base Directory
 * spec says to ignore relative values).  The result is normalised as by
 * thumb_absolute_path.
 */
int thumb_cache_root(char *buf, size_t cap, struct ib_error *err);


#endif
