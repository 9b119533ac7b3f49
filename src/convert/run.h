/* One input file end to end, inside a worker: read, decode, orient, resize,
 * crop, encode, commit.  Nothing else. */
#ifndef IMGBATCH_CONVERT_RUN_H
#define IMGBATCH_CONVERT_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "codec/codec.h"
#include "util/error.h"
#include "engine/job.h"
#include "engine/wire.h"

/* What a worker keeps between tasks: the output root and a cache of the last
 * output directory opened below it, and the file buffer (reused so a worker's
 * memory stays flat). */
struct task_context {
	const struct job *job;
	int out_root_fd;          /* -o directory; -1 with --in-place */
	int dir_fd;               /* cached output directory */
	char dir_rel[WIRE_MAX_PATH + 1];
	uint8_t *file_buf;
	size_t file_cap;
};

void task_context_init(struct task_context *ctx, const struct job *job, int out_root_fd);
void task_context_release(struct task_context *ctx);

/* Runs one task and fills res (every field; res->task_id = task->id). */
void task_run(struct task_context *ctx, const struct wire_task *task, struct wire_result *res);

/*
 * The output path of an input, relative to the output directory (or, with
 * --in-place, to the input's own directory): the --name template expanded
 * for rel (the input's mirrored path), its detected format and the output
 * size.  Workers and the master both call this, so what the master reports is
 * what the worker wrote.
 */
int task_output_name(const struct job *job, const char *rel, enum image_format in_format,
		     uint32_t w, uint32_t h, char *buf, size_t cap, struct ib_error *err);

/* The format a task writes for an input of in_format. */
enum image_format task_output_format(const struct job *job, enum image_format in_format);

#endif
