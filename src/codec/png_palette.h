/*
 * --palette: an image reduced to at most 256 colours (with their alpha) by
 * libimagequant, for a PNG of colour type 3 (PLTE, and tRNS for alpha).
 */
#ifndef IMGBATCH_CODEC_PNG_PALETTE_H
#define IMGBATCH_CODEC_PNG_PALETTE_H

#include <stdint.h>

#include "codec/image.h"
#include "util/error.h"

struct png_palette {
	struct image indices;     /* one 8-bit sample a pixel: its palette entry */
	uint8_t rgb[256][3];
	uint8_t alpha[256];
	unsigned count;           /* entries used, 1..256 */
	unsigned transparent;     /* entries up to the last one not opaque: the
	                           * length of tRNS (0: no tRNS) */
};

/*
 * Quantises img (any layout; gray and 16-bit are made 8-bit RGBA first) to
 * at most colours (2..256) entries, dithered at level dither (0 none .. 1
 * full Floyd-Steinberg).  On success pal->indices is allocated.
 */
int png_palette_make(const struct image *img, unsigned colours, float dither,
		     struct png_palette *pal, struct ib_error *err);
void png_palette_free(struct png_palette *pal);

#endif
