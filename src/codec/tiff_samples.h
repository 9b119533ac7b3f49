/*
 * TIFF pages that libtiff's RGBA interface reads wrongly or not at all, read
 * sample by sample instead (strips or tiles, one plane): 32-bit integer and
 * 32/64-bit floating-point samples, signed samples, 16-bit CMYK, CMYK with
 * an ICC profile, and CIELab.
 */
#ifndef IMGBATCH_CODEC_TIFF_SAMPLES_H
#define IMGBATCH_CODEC_TIFF_SAMPLES_H

#include <stdbool.h>
#include <stdint.h>
#include <tiffio.h>

#include "codec/image.h"
#include "util/error.h"

/* What a page stores and what it becomes. */
struct tiff_layout {
	uint32_t width, height;
	uint16_t photometric, bits, format, spp;
	uint16_t colours;          /* colour samples a pixel: 1 gray, 3 RGB or Lab, 4 CMYK */
	bool alpha, associated;    /* the first extra sample is alpha, premultiplied or not */
	uint32_t channels, depth;  /* of the decoded image: 1-4, 8 or 16 */
	double white[2];           /* CIELab: the WhitePoint tag's x, y, else D65's */
	const uint8_t *icc;        /* CMYK: its ICC profile (libtiff's), else NULL */
	uint32_t icc_len;
};

/*
 * Whether the page is one of those kinds and can be read so (one plane, a
 * layout this reader knows); fills *l when it is.  CIELab pages only with
 * Little CMS (without, libtiff's RGBA interface converts them).
 */
bool tiff_samples_wanted(TIFF *tif, struct tiff_layout *l);

/* libtiff could not read a strip or tile: its message says why. */
#define TIFF_SAMPLES_READ_ERROR (-2)

/*
 * Decodes the page into out (allocated here, after the max_pixels check) as
 * l->channels at l->depth bits, rows as stored.  Returns 0, -1 with *err set,
 * or TIFF_SAMPLES_READ_ERROR.
 */
int tiff_samples_decode(TIFF *tif, const struct tiff_layout *l, uint64_t max_pixels,
			struct image *out, struct ib_error *err);

#endif
