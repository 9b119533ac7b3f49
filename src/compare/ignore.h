/*
 * imgbatch compare: pixels left out of the comparison.  --ignore X,Y,W,H
 * gives rectangles for every pair, --ignore-file rectangles by pair name,
 * --mask an image whose opaque pixels (alpha >= 128) are ignored.
 *
 * The ignore file is JSON, strictly:
 *   {"regions": {"NAME": [[x, y, w, h], ...], "*": [[x, y, w, h], ...]}}
 * NAME is a pair's name as reports give it (its path below the two
 * directories, or the ACTUAL operand between two files); "*" applies to
 * every pair.  Numbers are whole, x and y >= 0, w and h >= 1; rectangles
 * may reach past the image (the part inside counts).  Nothing else is
 * allowed: no other member, no name twice.
 */
#ifndef IMGBATCH_COMPARE_IGNORE_H
#define IMGBATCH_COMPARE_IGNORE_H

#include <stddef.h>
#include <stdint.h>

#include "codec/image.h"
#include "util/error.h"

struct ignore_rect {
	uint32_t x, y, w, h;
};

struct ignore_rects {
	struct ignore_rect *items;
	size_t n, cap;
};

/* The rectangles an ignore file gives one pair name. */
struct ignore_entry {
	char *name;
	struct ignore_rects rects;
};

struct ignore_set {
	struct ignore_rects everywhere;   /* --ignore, and the file's "*" */
	struct ignore_entry *named;       /* the file's other names */
	size_t nnamed;
	struct image mask;                /* --mask, 8-bit: 1 where ignored; or none */
};

/* Parses "X,Y,W,H" (whole numbers, W and H >= 1) and adds it. */
int ignore_add_arg(struct ignore_set *s, const char *arg, struct ib_error *err);

/* Reads an ignore file into s; err names the line of a mistake. */
int ignore_load_file(struct ignore_set *s, const char *path, struct ib_error *err);

/* Reads --mask: an image with an alpha channel. */
int ignore_load_mask(struct ignore_set *s, const char *path, struct ib_error *err);

/*
 * The pixels of the pair called name to ignore, within the width x height
 * area compared (the top left of its expected image, image_w x image_h):
 * *mask gets width * height bytes (1 = ignored; free it), or NULL when none
 * is.  Fails when --mask is not image_w x image_h.
 */
int ignore_mask_for(const struct ignore_set *s, const char *name, uint32_t image_w,
		    uint32_t image_h, uint32_t width, uint32_t height, uint8_t **mask,
		    struct ib_error *err);

void ignore_free(struct ignore_set *s);

#endif
