/*
 * The streaming input walk: argv roots, then --files-from entries, yielding
 * one item at a time so the master can dispatch work while it scans.  Memory
 * is one open directory handle and one path per level of the tree being
 * walked, whatever the number of files.
 */
#ifndef IMGBATCH_ENGINE_SCAN_H
#define IMGBATCH_ENGINE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"
#include "engine/job.h"

enum scan_kind {
	SCAN_FILE = 1,   /* a regular file to process */
	SCAN_SKIP,       /* seen and deliberately not processed (reason says why) */
	SCAN_ERROR,      /* could not be examined (reason says why) */
};

struct scan_item {
	enum scan_kind kind;
	const char *path;      /* valid until the next scan_next call */
	size_t rel_off;        /* path + rel_off is mirrored under -o */
	size_t root_off;       /* see wire_task.root_off */
	const char *reason;    /* for SCAN_SKIP and SCAN_ERROR */
	bool named;            /* a file named in argv, not found in a directory or
	                        * a --files-from list: what is not an image fails */
};

struct scan;

/*
 * Starts a scan of job's inputs.  exclude_dev/exclude_ino name a directory
 * never to descend into (the output directory, when it lies strictly inside an
 * input tree); pass 0/0 for none.
 */
struct scan *scan_open(const struct job *job, dev_t exclude_dev, ino_t exclude_ino,
		       struct ib_error *err);

/* Returns 1 with *item filled, or 0 when every input has been seen. */
int scan_next(struct scan *scan, struct scan_item *item);

void scan_close(struct scan *scan);

/*
 * Whether outputs written under out_dir may land on files of the input
 * trees: an input directory (a file root's directory; the current one for
 * --files-from) is out_dir or lies below it.  Outputs there must then never
 * replace an existing file, which may be an input not yet (or already)
 * processed.  A directory that does not exist yet holds no inputs.
 */
bool scan_inputs_within(const struct job *job, const char *out_dir);

#endif
