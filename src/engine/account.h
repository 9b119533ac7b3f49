/* The master's account of every input, and what the user sees of it:
 * progress (bar on a TTY, periodic lines otherwise), failures as they
 * happen, JSON lines (--json on stdout, --manifest), the final summary. */
#ifndef IMGBATCH_ENGINE_ACCOUNT_H
#define IMGBATCH_ENGINE_ACCOUNT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/job.h"
#include "engine/wire.h"
#include "util/error.h"

/* The final account of one input. */
struct outcome {
	const char *input;
	enum result_status status;
	const char *reason;             /* done: a warning, or "" */
	const struct wire_result *res;  /* NULL when no worker ran it */
};

/* How many inputs were skipped for one reason. */
struct skip_reason {
	char text[64];
	uint64_t count;
};

/* Reasons counted apart in the summary; the rest are "other reasons". */
#define ACCOUNT_SKIP_REASONS 16

struct account {
	const struct job *job;
	FILE *out;                      /* JSON lines */
	FILE *err;                      /* progress, failures, summary */
	FILE *manifest;                 /* --manifest, or NULL */
	bool tty;
	uint64_t seen;                  /* inputs found so far */
	uint64_t done, skipped, failed, not_started;
	uint64_t warned;                /* done, with a warning */
	uint64_t in_bytes, out_bytes;
	struct skip_reason skip_reasons[ACCOUNT_SKIP_REASONS];
	size_t nskip_reasons;           /* the last one counts all reasons past the others */
	double start;                   /* monotonic seconds */
	double last_progress;
	double last_flush;              /* of the JSON lines */
	bool bar_shown;
	char **failures;                /* "path: reason", the first ACCOUNT_MAX_LISTED */
	size_t nfailures;
	int out_errno;                  /* the first error writing JSON lines to out */
	int manifest_errno;             /* ... or the manifest */
};

/* The exit status when out's reader has gone (a closed pipe): the run stops
 * as on Ctrl-C, with the status a shell gives a process killed by SIGPIPE. */
#define ACCOUNT_EXIT_READER_GONE 141

/* Whether out's reader has gone (EPIPE): nobody reads what is made. */
static inline bool account_reader_gone(const struct account *acc)
{
	return acc->out_errno == EPIPE;
}

#define ACCOUNT_MAX_LISTED 1000

void account_init(struct account *acc, const struct job *job, FILE *out, FILE *err);
void account_release(struct account *acc);

/* --manifest: opens path for appending and writes this run's "run" line
 * (host, pid, command, shard, start time); every outcome and the summary
 * are then appended too, one JSON line each (see imgbatch report). */
int account_open_manifest(struct account *acc, const char *path, struct ib_error *err);

/* An input was found (counts toward the total shown). */
void account_seen(struct account *acc);

/* Counts one input's outcome (exactly once per input seen); a failure is
 * printed (unless --json) and remembered for the summary. */
void account_count(struct account *acc, const struct outcome *oc);

/* Writes one JSON line, made by write(out, ctx), to stdout with --json and
 * to the manifest, buffered until account_flush_lines. */
void account_emit(struct account *acc, void (*write)(FILE *out, const void *ctx),
		  const void *ctx);

/*
 * Hands the buffered JSON lines to the kernel: the run loop calls it before
 * it sleeps, and while it does not (a long scan) at least every 100 ms with
 * `due`, so a reader of a pipe sees each line within a loop's turn.  (A
 * write a line made 10,189 writes at 10,000 files; this, 1,311.)
 */
void account_flush_lines(struct account *acc, bool due);

/* "12.3 MB": decimal units, as ls --si and du --si print them. */
void account_format_bytes(char *buf, size_t cap, uint64_t bytes);

/* Writes a path member ",\"key\":\"...\"" (and key_hex when the path is
 * not UTF-8), for JSON lines. */
void account_put_path(FILE *out, const char *key, const char *path);

/* The JSON name of a status: "done", "skipped", "failed", "not_started". */
const char *account_status_name(enum result_status status);

/* Redraws progress when due (or always with force). */
void account_progress(struct account *acc, bool scan_done, bool force);

/* Prints the summary (and the failures), writes the JSON summary and the
 * manifest's last line; returns 0, 1 (some input failed, or JSON lines or
 * the manifest could not be written), 130 or ACCOUNT_EXIT_READER_GONE. */
int account_finish(struct account *acc, bool interrupted, bool scan_done);

#endif
