/*
 * imgbatch compare --serve: pairs asked for as JSON lines on stdin, each
 * answered with one JSON line on stdout as soon as a worker has compared it;
 * the run ends at EOF once every request is answered.  The requests reach
 * the pool through the engine's input feed (struct input_feed).
 */
#ifndef IMGBATCH_COMPARE_SERVE_H
#define IMGBATCH_COMPARE_SERVE_H

#include <stdio.h>

#include "engine/job.h"

/* The longest request line; a longer one gets an error answer and the rest
 * of it is skipped. */
#define SERVE_LINE_MAX (1024 * 1024)

/* compare's validate with --serve: refuses operands and the options that
 * make no sense here, and hands the job to compare --serve's hooks (its
 * struct command).  0, or -1 after printing an error to err. */
int compare_serve_validate(struct job *job, FILE *err);

#endif
