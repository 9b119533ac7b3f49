/*
 * `imgbatch thumbnail`: the freedesktop.org thumbnail cache as imgbatch
 * fills it.  The master opens the cache's directories before forking (the
 * workers inherit them); a worker checks an original's entries, writes its
 * thumbnails or its fail entry.  Names and URIs come from spec.c.
 */
#ifndef IMGBATCH_THUMBNAIL_CACHE_H
#define IMGBATCH_THUMBNAIL_CACHE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "util/error.h"
#include "codec/image.h"
#include "thumbnail/spec.h"

/* The cache's directories, opened (and created 0700) by the master. */
struct thumb_cache {
	char root[PATH_MAX];            /* .../thumbnails */
	unsigned sizes;                 /* requested: bit (1 << enum thumb_size) */
	int size_fd[THUMB_NSIZES];      /* -1 for sizes not requested */
	int fail_fd;                    /* fail/imgbatch-VERSION */
};

/* Opens the cache under thumb_cache_root() for the sizes in the mask. */
int thumb_cache_open(struct thumb_cache *cache, unsigned sizes, struct ib_error *err);
void thumb_cache_close(struct thumb_cache *cache);

/* What the cache records of one original. */
struct thumb_entry {
	char path[PATH_MAX];            /* absolute, normalised */
	char uri[3 * PATH_MAX + 8];
	char name[THUMB_NAME_LEN + 1];  /* md5(uri).png */
	char mtime[24];                 /* whole seconds, decimal */
	char size[24];                  /* bytes, decimal */
};

/* Fills e for the original at path (relative to the working directory). */
int thumb_entry_init(struct thumb_entry *e, const char *path, const struct stat *st,
		     struct ib_error *err);

/* Whether dir_fd holds an entry for e's original as it is now (URI and
 * MTime match). */
bool thumb_entry_current(int dir_fd, const struct thumb_entry *e);

/* Encodes img (8 or 16 bits, any layout) as the PNG thumbnail of e in
 * dir_fd, atomically, mode 0600.  *bytes gets the file's size. */
int thumb_entry_write(int dir_fd, const struct thumb_entry *e, const struct image *img,
		      const char *mime, uint32_t orig_w, uint32_t orig_h, uint64_t *bytes,
		      struct ib_error *err);

/* Encodes img as a PNG named name in dir_fd, atomically, mode 0666 & ~umask,
 * with the keys of no cache entry (--one: the desktop's factory adds them). */
int thumb_image_write(int dir_fd, const char *name, const struct image *img, const char *mime,
		      uint32_t orig_w, uint32_t orig_h, struct ib_error *err);

/* Records that e's original could not be thumbnailed (fail/imgbatch-VERSION). */
int thumb_fail_write(int fail_fd, const struct thumb_entry *e, struct ib_error *err);

/* The path of the largest requested thumbnail of path, for reports. */
int thumb_output_path(const struct thumb_cache *cache, const char *path, char *buf,
		      size_t cap, struct ib_error *err);

/* What a sweep of the cache removes: --clean, or --gc with its limits. */
struct thumb_sweep {
	bool gc;              /* --gc: also every program's fail/ folder */
	uint64_t max_bytes;   /* --max-size: the size folders' total; 0: none */
	int64_t max_age_s;    /* --max-age: fail entries older go; -1: none */
	time_t now;
};

/* Counts of a sweep: entries, and bytes of the entries walked. */
struct thumb_clean_stats {
	uint64_t kept, removed, foreign, errors;
	uint64_t bytes_freed, bytes_kept;
};

/* Where a sweep reports: errors as lines on err; with json (NULL: none) a
 * JSON line of type type ("clean", "gc") for each entry removed or in error. */
struct thumb_clean_out {
	FILE *err;
	FILE *json;
	const char *type;
};

/*
 * Removes every entry (thumbnails of all sizes, and imgbatch's fail entries;
 * with gc every program's) whose original is gone or has another mtime or,
 * where the entry records it, another size.  PNGs without a file:// URI are
 * left alone and counted as foreign.  With gc, fail entries older than
 * max_age_s go too, then with max_bytes the thumbnails least recently used
 * (atime, or mtime when later) until the size folders hold at most
 * max_bytes, foreign ones included.  No symlink is followed: only regular
 * files in real folders below the root are touched.  Errors are reported to
 * out and counted.
 */
void thumb_cache_sweep(const struct thumb_cache *cache, const struct thumb_sweep *how,
		       const struct thumb_clean_out *out, struct thumb_clean_stats *stats);

#endif
