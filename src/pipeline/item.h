/*
 * One image input inside a worker, for the commands that make images from
 * it (convert, thumbnail): open it, tell its format by its first bytes (a
 * file that is no image is not read further), read it, plan every output
 * from its header, then decode once and make every output, largest first.
 * Where and how outputs are written is the command's (an item_writer).
 */
#ifndef IMGBATCH_PIPELINE_ITEM_H
#define IMGBATCH_PIPELINE_ITEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "codec/codec.h"
#include "engine/wire.h"
#include "pipeline/image_result.h"
#include "pipeline/pipeline.h"
#include "util/error.h"

/* What a worker keeps across inputs: the file buffer (reused, so a
 * worker's memory stays flat). */
struct item_worker {
	const struct pixel_settings *px;
	uint64_t max_input_size;      /* --max-input-size; 0: no limit */
	uint8_t *file_buf;
	size_t file_cap;
};

void item_worker_init(struct item_worker *w, const struct pixel_settings *px,
		      uint64_t max_input_size);
void item_worker_release(struct item_worker *w);

/* One input; released in one place, item_release. */
struct item {
	const char *path;
	bool named;                   /* given by name: not an image is a failure */
	int in_fd;
	struct stat in_st;
	size_t in_len;
	bool in_whole;                /* in_len bytes are the whole file (its end was seen) */
	const struct codec *codec;
	struct decoder dec;
	bool dec_open;
	struct image img;             /* decoded, steps before the branch done */
	struct image resized, out;    /* with a list of sizes: see pipeline_branch */
	uint8_t *embedded;            /* --embedded: the EXIF thumbnail dec reads */
	uint8_t *embedded_meta;       /* ... and the image's metadata, which dec carries */
	unsigned noutputs;
	struct plan plans[PIPELINE_MAX_SIZES];
	struct image_result info;     /* what the result reports */
};

/* Starts an item for the task's input (nothing opened yet). */
void item_init(struct item *it, const struct wire_task *task);

/* Opens the input and tells its format.  0, or -1 with err set and
 * res->status RESULT_SKIPPED when the input is no regular file, or no image
 * imgbatch reads found in a folder (else left for a failure). */
int item_open(struct item_worker *w, struct item *it, struct wire_result *res,
	      struct ib_error *err);

/* Reads the whole file and its header and plans every output. */
int item_plan(struct item_worker *w, struct item *it, struct wire_result *res,
	      struct ib_error *err);

/* Writes output i of an item; img may be changed. */
typedef int (*item_writer)(void *ctx, struct item *it, unsigned i, struct image *img,
			   struct wire_result *res, struct ib_error *err);

/* Decodes once and makes every output, largest first, through write. */
int item_make_outputs(struct item_worker *w, struct item *it, item_writer write, void *ctx,
		      struct wire_result *res, struct ib_error *err);

/* Records a written output of img's size and bytes (the first one made is
 * the largest: its size is reported). */
void item_count_output(struct item *it, const struct image *img, uint64_t bytes,
		       struct wire_result *res);

/* An output could not be written: the master watches the errno to stop a
 * batch that fails every write the same way (--max-failures).  Failures
 * without one (an encoder's, a symlink refused) are this input's alone.
 * Returns -1. */
int item_write_failed(struct wire_result *res, const struct ib_error *err);

/* Ends the item: its status and reason into res (done when ok is 0), its
 * payload, and everything it holds released. */
void item_finish(struct item *it, int ok, const struct ib_error *err, struct wire_result *res);

#endif
