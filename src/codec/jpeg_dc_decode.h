/*
 * A progressive JPEG's 1/8-scale image decoded from its DC scans here, not
 * by libjpeg, which would allocate every coefficient of the image for a
 * progressive file (48 MB for 16 MP) where the DCs need 2 bytes a block.
 * Gives what libjpeg-turbo's 1/8 decode of the same scans gives (jpeg_idct_1x1,
 * box upsampling, its YCbCr arithmetic); anything unusual is left to it.
 */
#ifndef IMGBATCH_CODEC_JPEG_DC_DECODE_H
#define IMGBATCH_CODEC_JPEG_DC_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* How the components are stored (libjpeg's reading of the header). */
enum dc_colour {
	DC_GRAY,
	DC_YCBCR,
	DC_RGB,
	DC_CMYK,
	DC_YCCK,
};

#define DC_MAX_COMPS 4

struct dc_plane {
	int16_t *coef;            /* each block's quantised DC, row by row */
	uint32_t bw, bh;          /* blocks, whole MCUs */
	uint32_t wib, hib;        /* the blocks inside the image */
	unsigned h, v;            /* sampling factors, 1 or 2 */
	unsigned hshift, vshift;  /* 1 where the output repeats each block twice */
	unsigned quant;           /* the DC quantiser, as at the first scan */
	int tq;                   /* its table */
	uint8_t id;
	int bits;                 /* low DC bits still to come; -1 before any */
};

struct jpeg_dc {
	enum dc_colour colour;
	uint32_t width, height;   /* of the 1/8 output */
	unsigned ncomp;
	struct dc_plane comp[DC_MAX_COMPS];
};

/*
 * Decodes the DC scans of data[0..len), a whole progressive (SOF2, 8-bit)
 * JPEG whose components libjpeg reads as colour, into dc.  Returns 1 when
 * it did; 0 when it cannot (another kind of file, more than max_scans scans,
 * anything libjpeg would warn about or refuse: the caller then lets libjpeg
 * decode); -1 when out of memory.  jpeg_dc_free releases dc in every case.
 */
int jpeg_dc_decode(const uint8_t *data, size_t len, enum dc_colour colour,
		   unsigned max_scans, struct jpeg_dc *dc, struct ib_error *err);

/* Row y of the 1/8 image as libjpeg outputs it: gray 1 byte a pixel, YCbCr
 * and RGB as RGB, CMYK and YCCK as CMYK. */
void jpeg_dc_row(const struct jpeg_dc *dc, uint32_t y, uint8_t *dst);

/* Bytes a pixel jpeg_dc_row writes. */
unsigned jpeg_dc_row_channels(const struct jpeg_dc *dc);

void jpeg_dc_free(struct jpeg_dc *dc);

#endif
