/* Resizing: kernel names, and the choice of filters and stages (a box
 * stage for extreme reductions, then our resampler, resample.h). */
#ifndef IMGBATCH_RESAMPLE_RESIZE_H
#define IMGBATCH_RESAMPLE_RESIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"
#include "codec/image.h"

enum resize_kernel {
	KERNEL_DEFAULT = 0,   /* Lanczos 3 when shrinking, Catmull-Rom when enlarging */
	KERNEL_BOX,
	KERNEL_TRIANGLE,
	KERNEL_CUBICBSPLINE,
	KERNEL_CATMULLROM,
	KERNEL_MITCHELL,
	KERNEL_LANCZOS2,
	KERNEL_LANCZOS3,
};

struct resize_options {
	enum resize_kernel kernel;
	bool linear;          /* resample in linear light (sRGB decoded) */
};

/* Parses a kernel name: default, box, triangle, cubic-bspline, catmull-rom,
 * mitchell, lanczos2, lanczos3. */
int resize_kernel_parse(const char *name, enum resize_kernel *kernel);
/* The names, space separated, for --help and errors. */
const char *resize_kernel_names(void);

/*
 * Resizes src to w x h into dst (allocated here; same channels and depth).
 * Alpha is premultiplied during filtering so transparent pixels never bleed
 * their colour into opaque ones.
 */
int resize_image(const struct image *src, uint32_t w, uint32_t h,
		 const struct resize_options *opts, struct image *dst,
		 struct ib_error *err);

#endif
