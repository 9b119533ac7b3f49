/*
 * Smart crop (--gravity smart): where a box of the output's size shows the
 * most of what catches the eye.  Each pixel scores its edges (the luma
 * Laplacian), its saturation and whether its colour is skin's, weighted by
 * its opacity; the box with the largest sum wins, the centred one among
 * equals.  The idea is vips' "attention" crop; the measure is our own.
 */
#ifndef IMGBATCH_PIPELINE_ATTENTION_H
#define IMGBATCH_PIPELINE_ATTENTION_H

#include <stdint.h>

#include "codec/image.h"
#include "util/error.h"

/* The top-left corner of the w x h box of img (w <= width, h <= height)
 * that draws the most attention; -1 when out of memory. */
int attention_box(const struct image *img, uint32_t w, uint32_t h, uint32_t *x, uint32_t *y,
		  struct ib_error *err);

#endif
