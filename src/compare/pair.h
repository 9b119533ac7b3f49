/*
 * imgbatch compare, one pair: the worker's side (decode both images,
 * compare, write the diff image, accept the actual image as golden) and the
 * names both sides agree on.  The scan walks the expected side; a task's
 * path is the expected image.
 */
#ifndef IMGBATCH_COMPARE_PAIR_H
#define IMGBATCH_COMPARE_PAIR_H

#include <stddef.h>

#include "util/error.h"
#include "engine/job.h"
#include "compare/pairs.h"
#include "convert/run.h"
#include "engine/wire.h"

/* Compares the pair of task (its path is the expected image); fills res. */
void compare_task_run(struct task_context *ctx, const struct wire_task *task,
		      struct wire_result *res);

/* The actual image paired with the expected one at expected_path, whose
 * part below the expected root starts at rel_off. */
int compare_actual_path(const struct job *job, const char *expected_path, size_t rel_off,
			char *buf, size_t cap, struct ib_error *err);

/* The diff image's path relative to --diff-dir: the pair's name (between
 * two files, the actual file's name without its directory), with ".png"
 * added unless it already ends so ("a.jpg" -> "a.jpg.png"). */
int compare_diff_name(const struct job *job, const char *pair_name, char *buf, size_t cap,
		      struct ib_error *err);

/* The name a pair goes by in reports: its relative path between two
 * directories, the actual file's path between two files. */
const char *compare_pair_name(const struct job *job, const char *expected_path,
			      size_t rel_off);

/* Copies the actual image src to root/rel (the golden one), atomically,
 * creating the directories of rel below root. */
int compare_accept_golden(const char *src, const char *root, const char *rel,
			  struct ib_error *err);

#endif
