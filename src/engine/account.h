/* Everything the user sees: progress (bar on a TTY, periodic lines
 * otherwise), JSON lines, failures as they happen and the final account. */
#ifndef IMGBATCH_ENGINE_ACCOUNT_H
#define IMGBATCH_ENGINE_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/job.h"
#include "compare/pair_log.h"
#include "engine/wire.h"

/* The final account of one input. */
struct outcome {
	const char *input;
	const char *output;             /* NULL when nothing was written */
	enum result_status status;
	const char *reason;             /* "" when done */
	const struct wire_result *res;  /* NULL when no worker ran it */
	const struct pair_outcome *pair; /* imgbatch compare, else NULL */
};

struct report {
	const struct job *job;
	FILE *out;                      /* JSON lines */
	FILE *err;                      /* progress, failures, summary */
	FILE *manifest;                 /* --manifest, or NULL */
	bool tty;
	uint64_t seen;                  /* inputs found so far */
	uint64_t done, skipped, failed;
	uint64_t in_bytes, out_bytes;
	double start;                   /* monotonic seconds */
	double last_progress;
	bool bar_shown;
	char **failures;                /* "path: reason", the first REPORT_MAX_LISTED */
	size_t nfailures;
	struct pair_log pairs;          /* imgbatch compare with --junit or --html */
	uint64_t pair_errors;           /* unreadable images: exit status 2 */
};

#define REPORT_MAX_LISTED 1000

void report_init(struct report *rep, const struct job *job, FILE *out, FILE *err);
void report_release(struct report *rep);

/* --manifest: opens path for appending and writes this run's "run" line
 * (host, pid, command, shard, start time); every outcome and the summary
 * are then appended too, one JSON line each (see imgbatch report). */
int report_open_manifest(struct report *rep, const char *path, struct ib_error *err);

/* An input was found (counts toward the total shown). */
void report_seen(struct report *rep);

/* Accounts for one input: exactly once per input seen. */
void report_outcome(struct report *rep, const struct outcome *oc);

/* Redraws progress when due (or always with force). */
void report_progress(struct report *rep, bool scan_done, bool force);

/* Prints the summary and writes the compare reports; returns the exit code
 * (0, 1, 2 when an image could not be read by compare, or 130). */
int report_finish(struct report *rep, bool interrupted, bool scan_done);

#endif
