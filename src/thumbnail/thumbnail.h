/*
 * imgbatch thumbnail: fills the freedesktop.org thumbnail cache.  command.c
 * holds its command line and the master's side (opening the cache, --clean),
 * run.c a worker's side; cache.c the cache's directories and entries,
 * spec.c the standard's names and URIs.
 */
#ifndef IMGBATCH_THUMBNAIL_THUMBNAIL_H
#define IMGBATCH_THUMBNAIL_THUMBNAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"
#include "pipeline/item.h"
#include "pipeline/pipeline.h"
#include "thumbnail/cache.h"

struct thumbnail_settings {
	struct pixel_settings px;   /* one resize step per size, as a list of sizes */
	struct thumb_cache cache;   /* opened by prepare, before the pool starts */
	bool cache_open;
	bool clean;                 /* --clean */
	struct thumb_sweep sweep;   /* --gc and its limits */
	bool one;                   /* --one INPUT OUTPUT */
	const char *size_arg;       /* --size: names, or with --one pixels */
	bool serve;                 /* --serve: the D-Bus thumbnailer */
	int idle_exit_s;            /* --idle-exit: seconds, 0: never; -1: not given */
};

/* image_result_outcome reads the pixel settings at the start */
_Static_assert(offsetof(struct thumbnail_settings, px) == 0, "px comes first");

extern const struct command thumbnail_command;

/* The worker's side (run.c). */
struct item;

/* How thumbnailing one original ended (the D-Bus service answers by it). */
enum thumb_end {
	THUMB_END_UNKNOWN,        /* no worker said: it died, or never ran it */
	THUMB_END_MADE,
	THUMB_END_CURRENT,        /* its thumbnails were up to date */
	THUMB_END_UNREADABLE,     /* could not be opened or read */
	THUMB_END_UNSUPPORTED,    /* no image in a format imgbatch reads */
	THUMB_END_IS_THUMBNAIL,   /* inside the thumbnail cache */
	THUMB_END_FAILED_BEFORE,  /* a fail entry says so, and it has not changed */
	THUMB_END_BAD_IMAGE,      /* could not be decoded or converted */
	THUMB_END_NOT_SAVED,      /* a thumbnail could not be written */
};

/* A worker thumbnailing into cache's requested sizes, resized as px says. */
struct thumbnail_worker {
	const struct thumb_cache *cache;
	struct item_worker items;
};

void thumbnail_worker_init(struct thumbnail_worker *w, const struct thumb_cache *cache,
			   const struct pixel_settings *px, uint64_t max_input_size);
/* One original: its thumbnails (or fail entry) written, res filled. */
enum thumb_end thumbnail_original(struct thumbnail_worker *w, const struct wire_task *task,
				  struct wire_result *res);
/* Converts img to sRGB through the input's ICC profile, if it has one. */
int thumbnail_to_srgb(const struct item *it, struct image *img, struct ib_error *err);
void *thumbnail_worker_start(const struct job *job, int out_root_fd);
void thumbnail_run(void *state, const struct wire_task *task, struct wire_result *res);
void thumbnail_worker_stop(void *state);

/* base's settings resizing into the box of one cache size. */
void thumbnail_px_for_size(const struct pixel_settings *base, enum thumb_size size,
			   struct pixel_settings *px);

/* --one (one.c): checks its operands and sets *pixels, the longest side;
 * -1 after printing an error. */
int thumbnail_one_validate(struct job *job, uint32_t *pixels, FILE *err);
/* --one: the thumbnail, in this process; exit status 0 or 1, or -1 when
 * --one was not given. */
int thumbnail_one_run(struct job *job, FILE *err);

#endif
