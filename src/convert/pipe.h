/*
 * Pipes for the convert command: "-" as the input reads one image from
 * standard input, "-o -" writes one image to standard output (--format
 * required), through a private folder the run works in (see pipe.c).
 */
#ifndef IMGBATCH_CONVERT_PIPE_H
#define IMGBATCH_CONVERT_PIPE_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/job.h"
#include "util/error.h"

struct convert_settings;

/* The master's state of a run with pipes; all NULL when there are none. */
struct convert_pipe {
	char *folder;       /* private, 0700, removed by pipe_release */
	char *input;        /* the copy of standard input, when read */
	char *output_dir;   /* the -o the run writes in, for -o - */
	char *made;         /* the output the run made there */
};

/* Whether path is "-", standard input or output. */
bool pipe_is_stdio(const char *path);

/* Refuses what pipes cannot do ("-" twice; -o - without one input, with
 * --format unset, --json or several sizes); -1 with a message on err. */
int pipe_validate(const struct job *job, const struct convert_settings *cs, FILE *err);

/* Before the run: copies standard input into the folder and names it as
 * the input; points -o - at the folder. */
int pipe_prepare(struct job *job, struct convert_pipe *p, struct ib_error *err);

/* The master's account of an output written (the first counts). */
void pipe_note_output(struct convert_pipe *p, const char *output);

/* After the run: copies the output to standard output; 0, or 1 with a
 * message on err when it could not be written. */
int pipe_finish(const struct convert_pipe *p, FILE *err);

/* Removes the folder and what is in it. */
void pipe_release(struct convert_pipe *p);

#endif
