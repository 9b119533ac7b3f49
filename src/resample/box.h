/*
 * An exact box average, for the first stage of extreme reductions: a
 * resampling filter's weights and working rows grow with the input's size
 * over the output's (a 1x200,000,000 strip to 256 px took 6 GB), a box
 * average's memory is one row of sums.  resize.c box-shrinks first when a
 * side shrinks more than RESIZE_BOX_RATIO times, then resamples the rest
 * (about 8x) with the chosen kernel, as libvips does.
 */
#ifndef IMGBATCH_RESAMPLE_BOX_H
#define IMGBATCH_RESAMPLE_BOX_H

#include <stdint.h>

#include "codec/image.h"
#include "util/error.h"

/*
 * dst (allocated here) is src shrunk to w x h (each no larger than src's
 * side) by averaging whole blocks: output pixel x covers input columns
 * [x*W/w, (x+1)*W/w), likewise rows, so every input pixel counts once.
 * Colour is averaged weighted by alpha, so clear pixels never tint.
 */
int box_shrink(const struct image *src, uint32_t w, uint32_t h, struct image *dst,
	       struct ib_error *err);

#endif
