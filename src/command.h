/*
 * A command of imgbatch: convert (the default), thumbnail, compare, report.
 * Each is one struct command in its own module; commands.c lists them.  The
 * engine (src/engine/) knows commands only through these hooks, called in
 * this order:
 *
 *   master: init -> apply_option... -> validate -> prepare -> first_outcomes
 *           then, per scanned input, admit; per finished input, outcome
 *   worker: worker_start -> run (one input, many times) -> worker_stop
 *   master: finish -> (summary) -> release
 *
 * A command that needs no pool (report) has main and nothing else.
 */
#ifndef IMGBATCH_COMMAND_H
#define IMGBATCH_COMMAND_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "engine/account.h"
#include "engine/job.h"
#include "engine/wire.h"
#include "util/error.h"

/* What becomes of a scanned input. */
enum admit_verdict {
	ADMIT_QUEUE,        /* to a worker */
	ADMIT_ACCOUNT,      /* accounted at once with *status and *reason */
	ADMIT_ACCOUNTED,    /* the command has accounted for it already (compare's
	                     * new images, copied into the expected tree) */
};

struct command {
	const char *name;
	const char *invocation;           /* how users call it: "imgbatch thumbnail" */
	const char *summary;              /* one line, for imgbatch --help */

	/* The whole command, for one that runs no pool: argv[0] is its name. */
	int (*main)(int argc, char **argv);

	/* The command line: --help is usage, then the groups, then epilogue. */
	const char *usage;
	const struct cli_group *const *groups;   /* NULL-terminated */
	const char *epilogue;
	const char *item_noun;            /* "files", "pairs": in the summary */
	const char *item_one;             /* "file", "pair" */
	const char *done_word;            /* "done", "passed" */
	/* Sets the defaults: allocates job->settings.  0 or -1 (out of memory). */
	int (*init)(struct job *job);
	/* One option of the command's own groups: 0, -1 after printing an error
	 * to err, or CLI_OPTION_EXIT after printing what was asked to out. */
	int (*apply_option)(struct job *job, int key, const char *arg, FILE *out, FILE *err);
	/* After the options and operands; -1 after printing an error. */
	int (*validate)(struct job *job, FILE *err);

	/* A run that needs no pool, in this process (thumbnail --one), before
	 * prepare: the exit status, or -1 to go on with prepare and the pool. */
	int (*run_alone)(struct job *job, FILE *err);
	/* Master, before the pool: 0 to run it, 1 when nothing is left to do,
	 * -1 with err set (exit status 2). */
	int (*prepare)(struct job *job, struct ib_error *err);
	/* Outcomes the master knows before any worker runs; 0 or -1 with err. */
	int (*first_outcomes)(const struct job *job, struct account *acc, struct ib_error *err);
	/* A scanned input, before it is queued (see enum admit_verdict). */
	enum admit_verdict (*admit)(const struct job *job, const struct wire_task *input,
				    enum result_status *status, const char **reason);

	/* Worker: its state across inputs (NULL is a valid state). */
	void *(*worker_start)(const struct job *job, int out_root_fd);
	/* One input: fills res's status, reason, bytes, output and payload. */
	void (*run)(void *state, const struct wire_task *task, struct wire_result *res);
	void (*worker_stop)(void *state);

	/* Master: one input's end.  res is NULL when no worker ran it. */
	void (*outcome)(const struct job *job, struct account *acc, const char *input,
			size_t rel_off, enum result_status status, const char *reason,
			const struct wire_result *res);
	/* Master, after the pool and before the summary: 0, or an exit status
	 * that overrides 0 and 1 (compare: 2 for unreadable images). */
	int (*finish)(const struct job *job, struct account *acc);
	/* Frees job->settings and what prepare opened. */
	void (*release)(struct job *job);
};

/* Every command, the default (convert) first; NULL-terminated. */
extern const struct command *const commands[];

/* The command argv[1] names (argc and argv then skip it), else convert. */
const struct command *command_find(int *argc, char ***argv);

/* The command a word that is no command, option or existing file is
 * probably a misspelling of ("thumbnai"), or NULL. */
const char *command_misspelled(const char *word);

#endif
