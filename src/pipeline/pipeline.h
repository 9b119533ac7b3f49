/*
 * The pixel pipeline of one file: the sizes every step will produce (planned
 * from the header alone, before decoding, so output names with {w}/{h} and
 * --update need no pixels), then decode with shrink-on-load, orientation and
 * the -r/-f steps in command-line order.
 */
#ifndef IMGBATCH_PIPELINE_PIPELINE_H
#define IMGBATCH_PIPELINE_PIPELINE_H

#include <stdint.h>

#include <stdbool.h>

#include "codec/codec.h"
#include "codec/image.h"
#include "filters/filter.h"
#include "pipeline/geometry.h"
#include "resample/resize.h"
#include "util/error.h"

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

#define PIPELINE_MAX_STEPS 32
/* -r with a list of sizes, "480,960,1920": one output per size, all from one
 * decode. */
#define PIPELINE_MAX_SIZES 8

/* What becomes of an image's pixels between decoding and encoding: what the
 * commands that make images (convert, thumbnail) were asked for. */
struct pixel_settings {
	struct step steps[PIPELINE_MAX_STEPS];
	unsigned nsteps;
	/* With a list of sizes, the pipeline branches at steps[branch] (a
	 * STEP_RESIZE whose geometry is sizes[0]): the steps before it run once,
	 * that step and those after it once per size.  nsizes is 0 without a
	 * list, and branch is then nsteps. */
	struct geometry sizes[PIPELINE_MAX_SIZES];
	unsigned nsizes;
	unsigned branch;
	bool crop;                  /* --crop: cut each WxH^ result to exactly WxH */
	enum gravity gravity;
	bool smart_crop;            /* --gravity smart (or --crop=smart): where the
	                             * attention is (pipeline/attention.h) */
	struct resize_options resize;
	bool auto_orient;
	bool embedded;              /* --embedded: use a JPEG's EXIF thumbnail when it is enough */
	uint64_t max_pixels;
	enum fail_on fail_on;       /* --fail-on (default truncated) */
};

struct step_plan {
	uint32_t resize_w, resize_h;   /* STEP_RESIZE: the resampled size */
	uint32_t out_w, out_h;         /* after the step (and --crop) */
};

struct plan {
	int orientation;               /* EXIF orientation to apply, 1 = none */
	uint32_t upright_w, upright_h; /* after orientation */
	uint32_t load_w, load_h;       /* shrink-on-load floor, upright axes; 0 = full */
	uint32_t final_w, final_h;
	struct step_plan steps[PIPELINE_MAX_STEPS];
};

/*
 * Plans the job's steps for an image whose header says info: one plan per
 * output, nplans = px->nsizes or 1, plans[i] for size i.  The load size is
 * the same in every plan: the largest any of them needs.
 */
void pipeline_plan(const struct pixel_settings *px, const struct image_info *info, struct plan *plans);

/*
 * Refuses plans whose steps would make an image over max_pixels (a rotation
 * or pad of a long strip, an enlargement): every intermediate image is
 * bounded before anything is decoded.  0, or -1 with the step named.
 */
int pipeline_check_plan(const struct pixel_settings *px, const struct plan *plans,
			struct ib_error *err);

/* How many outputs the settings make of each input. */
unsigned pipeline_outputs(const struct pixel_settings *px);

/*
 * Decodes from the opened decoder into *img (shrinking on load to p's load
 * size), applies the orientation and runs the steps before the branch (all
 * of them without a list of sizes).  On failure *img is freed.
 */
int pipeline_run(const struct pixel_settings *px, const struct plan *p, struct decoder *dec,
		 struct image *img, struct ib_error *err);

/*
 * One output of a list of sizes, from base (what pipeline_run made): the
 * branch resize, done from *prev (the previous output's resized image) when
 * that is at least as large, else from base; then the steps after it.  *prev
 * is replaced by this output's resized image (the caller frees it at the
 * end); *out is the finished output.  Make outputs largest first.
 */
int pipeline_branch(const struct pixel_settings *px, const struct plan *p, const struct image *base,
		    struct image *prev, struct image *out, struct ib_error *err);

#endif
