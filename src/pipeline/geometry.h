/* ImageMagick's geometry grammar for -resize, and gravity for cropping.
 * Pure functions: no I/O, unit-tested against `convert -resize`. */
#ifndef IMGBATCH_PIPELINE_GEOMETRY_H
#define IMGBATCH_PIPELINE_GEOMETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

enum geometry_flag {
	GEOM_PERCENT = 1 << 0,      /* N% or WxH% */
	GEOM_EXACT = 1 << 1,        /* ! ignore aspect ratio */
	GEOM_COVER = 1 << 2,        /* ^ fill: the smaller side fits */
	GEOM_SHRINK_ONLY = 1 << 3,  /* > only if larger */
	GEOM_ENLARGE_ONLY = 1 << 4, /* < only if smaller */
	GEOM_AREA = 1 << 5,         /* @ pixel-count limit */
};

struct geometry {
	double width, height;       /* pixel sizes rounded as ImageMagick reads them; % and @ keep fractions; 0 when absent */
	bool has_width, has_height;
	unsigned flags;
};

/* Parses e.g. "800x600", "800x", "x600", "50%", "60x40%", "800x600^",
 * "800x600!", "800x600>", "@10000".  Rejects anything else with a reason. */
int geometry_parse(const char *text, struct geometry *geom, struct ib_error *err);

/* The output size that `convert -resize GEOM` gives for an in_w x in_h image
 * (never below 1x1). */
void geometry_apply(const struct geometry *geom, uint32_t in_w, uint32_t in_h,
		    uint32_t *out_w, uint32_t *out_h);

enum gravity {
	GRAVITY_CENTER = 0,
	GRAVITY_NORTHWEST, GRAVITY_NORTH, GRAVITY_NORTHEAST,
	GRAVITY_WEST, GRAVITY_EAST,
	GRAVITY_SOUTHWEST, GRAVITY_SOUTH, GRAVITY_SOUTHEAST,
};

/* Parses ImageMagick gravity names (case-insensitive): Center, North, ... */
int gravity_parse(const char *text, enum gravity *gravity);
/* The gravity names, space-separated (what --gravity completes to). */
const char *gravity_names_list(void);

/*
 * The top-left corner, in outer's coordinates, of an inner_w x inner_h box
 * that ImageMagick's -gravity G places in an outer_w x outer_h one, moved by
 * (dx, dy) away from the gravity's edge (towards the inside).  The middle of
 * an axis is outer/2 - inner/2, each half rounded down, as ImageMagick
 * computes it (1 of 4 lands at 2).  Negative when the box is larger.
 */
void gravity_place(enum gravity gravity, uint32_t outer_w, uint32_t outer_h,
		   uint32_t inner_w, uint32_t inner_h, int64_t dx, int64_t dy,
		   int64_t *x, int64_t *y);

/* Top-left corner of a crop_w x crop_h window placed by gravity inside an
 * img_w x img_h image (crop no larger than the image), as ImageMagick's
 * -gravity G -crop WxH+0+0 places it. */
void gravity_offset(enum gravity gravity, uint32_t img_w, uint32_t img_h,
		    uint32_t crop_w, uint32_t crop_h, uint32_t *x, uint32_t *y);

#endif
