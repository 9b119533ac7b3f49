/* struct job: everything the command line asked for.  Built by cli.c before
 * the pool starts, read-only afterwards; workers inherit it through fork(). */
#ifndef IMGBATCH_ENGINE_JOB_H
#define IMGBATCH_ENGINE_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "codec/codec.h"
#include "compare/pixelmatch.h"
#include "filters/filter.h"
#include "pipeline/geometry.h"
#include "codec/image.h"
#include "resample/resize.h"
#include "engine/shard.h"
#include "thumbnail/cache.h"

/* What `imgbatch compare` was asked for. */
struct compare_job {
	const char *expected, *actual;   /* two files, or two directories */
	bool dirs;
	struct compare_options opts;
	uint64_t max_diff_pixels;        /* pass when diff pixels <= this (default 0) */
	double max_diff_ratio;           /* or when diff pixels / pixels <= this; < 0: unset */
	const char *diff_dir;            /* --diff-dir, or NULL */
	bool diff_all;                   /* diff images for passing pairs too */
	bool allow_missing, allow_new;
	bool update_golden;              /* copy failing and new actual images over the golden ones */
	const char *junit, *html;        /* report paths, or NULL */
};

/* One step of the pixel pipeline: -r and -f, in command-line order. */
enum step_kind {
	STEP_RESIZE,
	STEP_FILTER,
};

struct step {
	enum step_kind kind;
	struct geometry geometry;        /* STEP_RESIZE */
	const struct filter *filter;     /* STEP_FILTER */
	struct filter_params params;     /* STEP_FILTER, parsed by the master */
};

#define JOB_MAX_STEPS 32
/* -r with a list of sizes, "480,960,1920": one output per size, all from one
 * decode. */
#define JOB_MAX_SIZES 8

enum progress_mode {
	PROGRESS_AUTO = 0,  /* bar on a TTY, periodic lines otherwise */
	PROGRESS_QUIET,
};

struct job {
	/* inputs */
	char **roots;               /* files and directories from argv */
	unsigned nroots;
	const char *files_from;     /* path or "-" (stdin), or NULL */
	bool nul_separated;         /* -0 */
	bool follow_symlinks;       /* --follow-symlinks: descend into symlinked dirs */

	/* outputs */
	const char *out_dir;        /* -o; NULL with --in-place */
	const char *name_template;  /* --name, default "{dir}/{stem}.{ext}" */
	bool in_place;
	bool update;                /* --update: skip when the output is newer */
	bool fsync_outputs;         /* --fsync */
	bool outputs_among_inputs;  /* outputs may land on input files (--in-place,
	                             * or an input tree inside -o): never replace an
	                             * existing file but the task's own input */

	/* pixels */
	struct step steps[JOB_MAX_STEPS];
	unsigned nsteps;
	/* With a list of sizes, the pipeline branches at steps[branch] (a
	 * STEP_RESIZE whose geometry is sizes[0]): the steps before it run once,
	 * that step and those after it once per size.  nsizes is 0 without a
	 * list, and branch is then nsteps. */
	struct geometry sizes[JOB_MAX_SIZES];
	unsigned nsizes;
	unsigned branch;
	bool crop;                  /* --crop: cut each WxH^ result to exactly WxH */
	enum gravity gravity;
	struct resize_options resize;
	enum image_format format;   /* FORMAT_UNKNOWN = same as input */
	int quality;
	bool progressive;
	int compression;
	struct rgb8 background;
	bool auto_orient;
	bool embedded;              /* --embedded: use a JPEG's EXIF thumbnail when it is enough */
	bool strip;
	uint64_t max_pixels;

	/* imgbatch thumbnail: outputs go to the freedesktop.org cache */
	bool thumbnail;
	bool thumb_clean;           /* --clean */
	struct thumb_cache cache;   /* opened by main() before the pool starts */

	/* imgbatch compare: pairs of EXPECTED/ACTUAL images */
	bool compare;
	struct compare_job cmp;

	/* scale-out */
	const char *shard_arg;      /* --shard K/N|auto, parsed into shard */
	const char *shard_count_arg; /* --shard-count N (Kubernetes) */
	struct shard shard;         /* count 0: every input is ours */
	const char *manifest;       /* --manifest FILE: JSON lines appended */

	/* pool and reporting */
	unsigned jobs;              /* -j */
	unsigned chunk;             /* --chunk; 0 = auto */
	unsigned timeout_s;         /* --timeout: seconds one file may take; 0 = none */
	uint64_t max_memory;        /* --max-memory: address space per worker; 0 = no limit */
	unsigned max_failures;      /* --max-failures: stop after this many identical
	                             * write errors in a row; 0 = never */
	enum progress_mode progress;
	bool json;
};

#endif
