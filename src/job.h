/* struct job: everything the command line asked for.  Built by cli.c before
 * the pool starts, read-only afterwards; workers inherit it through fork(). */
#ifndef IMGBATCH_JOB_H
#define IMGBATCH_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"
#include "geometry.h"
#include "image.h"
#include "resize.h"

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

	/* pixels */
	bool has_geometry;
	struct geometry geometry;   /* -r */
	bool crop;                  /* --crop: cut a ^ result to exactly WxH */
	enum gravity gravity;
	struct resize_options resize;
	enum image_format format;   /* FORMAT_UNKNOWN = same as input */
	int quality;
	bool progressive;
	int compression;
	struct rgb8 background;
	bool auto_orient;
	bool strip;
	uint64_t max_pixels;

	/* pool and reporting */
	unsigned jobs;              /* -j */
	unsigned chunk;             /* --chunk; 0 = auto */
	enum progress_mode progress;
	bool json;
};

#endif
