/* struct job: what the engine was asked for.  Built by cli.c before the pool
 * starts, read-only afterwards; workers inherit it through fork().  What a
 * command was asked for lives in its own settings, behind job->settings. */
#ifndef IMGBATCH_ENGINE_JOB_H
#define IMGBATCH_ENGINE_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/shard.h"

struct command;
struct scan_item;

/*
 * A live source of inputs, in place of the scan of roots and --files-from
 * (a server's requests, read as they come).  The pool polls fd for
 * readability while its queue has room and then calls next(), which must
 * not block: it returns 1 with *item filled (item->path valid until the
 * next call), 0 when no item is ready yet, -1 at the end (no more items:
 * the pool then finishes what it holds and returns).  With ahead set, the
 * pool holds at most that many items queued for its workers, so that the
 * feed's own order decides what runs next.
 */
struct input_feed {
	int fd;
	int (*next)(void *ctx, struct scan_item *item);
	void *ctx;
	unsigned ahead;             /* 0: the pool's own bound */
};

enum progress_mode {
	PROGRESS_AUTO = 0,  /* bar on a TTY, periodic lines otherwise */
	PROGRESS_QUIET,
};

struct job {
	const struct command *command;
	/* The command's own settings (and its master-side state, such as the
	 * pairs compare keeps for its reports): a struct of its module. */
	void *settings;

	/* inputs */
	char **roots;               /* files and directories from argv */
	unsigned nroots;
	const char *files_from;     /* path or "-" (stdin), or NULL */
	bool nul_separated;         /* -0 */
	bool follow_symlinks;       /* --follow-symlinks: descend into symlinked dirs */
	const struct input_feed *feed; /* NULL: scan roots and files_from */

	/* Where outputs go.  out_dir is created, opened for the workers (their
	 * out_root_fd), marked with the run's id (temp files of dead runs are
	 * swept) and never scanned; skip_dir is only never scanned. */
	const char *out_dir;
	const char *skip_dir;

	/* scale-out */
	const char *shard_arg;      /* --shard K/N|auto, parsed into shard */
	const char *shard_count_arg; /* --shard-count N (Kubernetes) */
	struct shard shard;         /* count 0: every input is ours */
	const char *manifest;       /* --manifest FILE: JSON lines appended */

	/* pool and reporting */
	unsigned jobs;              /* -j */
	unsigned chunk;             /* --chunk; 0 = auto */
	unsigned timeout_s;         /* --timeout: seconds one input may take; 0 = none */
	uint64_t max_memory;        /* --max-memory: address space per worker; 0 = no limit */
	uint64_t max_input_size;    /* --max-input-size: bytes of one input; 0 = no limit */
	unsigned max_failures;      /* --max-failures: stop after this many identical
	                             * write errors in a row; 0 = never */
	enum progress_mode progress;
	bool json;
	bool dry_run;               /* write nothing: -o is neither created nor
	                             * marked; the command only reports */
};

#endif
