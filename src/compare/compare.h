/*
 * imgbatch compare: EXPECTED and ACTUAL images, two files or two trees
 * paired by relative path, compared as pixelmatch does.  command.c holds
 * the command line and the master's side (new images, the pair's JSON line,
 * JUnit and HTML reports), pair.c a worker's side; pixelmatch.c compares.
 */
#ifndef IMGBATCH_COMPARE_COMPARE_H
#define IMGBATCH_COMPARE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "command.h"
#include "compare/ignore.h"
#include "compare/pair_log.h"
#include "compare/pairs.h"
#include "compare/pixelmatch.h"
#include "util/keyset.h"

struct compare_settings {
	const char *expected, *actual;   /* two files, or two directories */
	bool dirs;
	struct compare_options opts;
	bool ssim;                       /* --metric ssim instead of pixelmatch */
	double min_ssim;                 /* --min-ssim: pass when the mean SSIM >= this */
	bool min_ssim_given;
	struct ignore_set ignore;        /* --ignore, --ignore-file, --mask */
	uint64_t max_pixels;             /* refuse images over this many pixels */
	uint64_t max_diff_pixels;        /* pass when diff pixels <= this (default 0) */
	double max_diff_ratio;           /* or when diff pixels / pixels <= this; < 0: unset */
	const char *diff_dir;            /* --diff-dir, or NULL */
	const char *diff_file;           /* compare --serve: the diff image's name in
	                                  * diff_dir, as the request gave it */
	bool serve;                      /* --serve: requests on stdin (serve.c) */
	bool diff_all;                   /* diff images for passing pairs too */
	bool allow_missing, allow_new;
	bool allow_size_change;          /* sizes may differ: the common area is judged */
	bool update_golden;              /* copy failing and new actual images over the golden ones */
	const char *junit, *html;        /* report paths, or NULL */
	/* the master's: every pair for the reports, and unreadable ones */
	struct pair_log pairs;
	uint64_t pair_errors;
	struct keyset accepted_new;      /* new images copied into the expected tree by
	                                  * --update-golden: already accounted */
};

/* What a worker reports of a pair (its result's payload). */
struct pair_result {
	uint8_t status;                  /* enum pair_status */
	uint8_t allowed;                 /* not a failure (--allow-*, --update-golden) */
	uint8_t size_fail;               /* failed because the sizes differ */
	uint32_t width, height;          /* the area compared; 0 when not compared */
	uint32_t expected_width, expected_height, actual_width, actual_height;
	uint32_t max_channel_diff;
	uint64_t diff_pixels, aa_pixels, window_diff_pixels, ignored_pixels;
	double psnr;
	double ssim;                     /* mean SSIM; NAN without --metric ssim */
};

extern const struct command compare_command;

/* One pair's JSON line: --json, the manifest and compare --serve's answers. */
struct pair_line {
	const struct pair_outcome *pair;
	bool window;                     /* --window: its count too */
	const char *id;                  /* compare --serve: the request's id, as JSON
	                                  * text, first in the line; or NULL */
};
void compare_write_pair_line(FILE *out, const void *line);

/* The pair a task was, from its result (res NULL: no worker compared it,
 * e.g. the scan could not read it); actual[cap] holds its actual path. */
void compare_describe_pair(const struct compare_settings *cs, const char *expected,
			   size_t rel_off, enum result_status status, const char *reason,
			   const struct wire_result *res, struct pair_outcome *p, char *actual,
			   size_t cap);

/* The master's account of one pair (compare_outcome's and new images'). */
void compare_account_pair(const struct compare_settings *cs, struct account *acc,
			  enum result_status status, const struct pair_outcome *pair,
			  const struct wire_result *res);

/* The worker's side (pair.c). */
void *compare_worker_start(const struct job *job, int out_root_fd);
void compare_run(void *state, const struct wire_task *task, struct wire_result *res);
/* One pair as cs says, its diff image (if any) written below diff_root_fd. */
void compare_run_pair(const struct compare_settings *cs, int diff_root_fd,
		      uint64_t max_input_size, const struct wire_task *task,
		      struct wire_result *res);

#endif
