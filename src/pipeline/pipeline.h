/*
 * The pixel pipeline of one file: the sizes every step will produce (planned
 * from the header alone, before decoding, so output names with {w}/{h} and
 * --update need no pixels), then decode with shrink-on-load, orientation and
 * the -r/-f steps in command-line order.
 */
#ifndef IMGBATCH_PIPELINE_PIPELINE_H
#define IMGBATCH_PIPELINE_PIPELINE_H

#include <stdint.h>

#include "codec/codec.h"
#include "util/error.h"
#include "codec/image.h"
#include "engine/job.h"

struct step_plan {
	uint32_t resize_w, resize_h;   /* STEP_RESIZE: the resampled size */
	uint32_t out_w, out_h;         /* after the step (and --crop) */
};

struct plan {
	int orientation;               /* EXIF orientation to apply, 1 = none */
	uint32_t upright_w, upright_h; /* after orientation */
	uint32_t load_w, load_h;       /* shrink-on-load floor, upright axes; 0 = full */
	uint32_t final_w, final_h;
	struct step_plan steps[JOB_MAX_STEPS];
};

/*
 * Plans the job's steps for an image whose header says info: one plan per
 * output, nplans = job->nsizes or 1, plans[i] for size i.  The load size is
 * the same in every plan: the largest any of them needs.
 */
void pipeline_plan(const struct job *job, const struct image_info *info, struct plan *plans);

/* How many outputs a job makes of each input. */
unsigned pipeline_outputs(const struct job *job);

/*
 * Decodes from the opened decoder into *img (shrinking on load to p's load
 * size), applies the orientation and runs the steps before the branch (all
 * of them without a list of sizes).  On failure *img is freed.
 */
int pipeline_run(const struct job *job, const struct plan *p, struct decoder *dec,
		 struct image *img, struct ib_error *err);

/*
 * One output of a list of sizes, from base (what pipeline_run made): the
 * branch resize, done from *prev (the previous output's resized image) when
 * that is at least as large, else from base; then the steps after it.  *prev
 * is replaced by this output's resized image (the caller frees it at the
 * end); *out is the finished output.  Make outputs largest first.
 */
int pipeline_branch(const struct job *job, const struct plan *p, const struct image *base,
		    struct image *prev, struct image *out, struct ib_error *err);

#endif
