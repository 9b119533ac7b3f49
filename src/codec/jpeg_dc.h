/*
 * The DC scans of a progressive JPEG, for jpeg.c's 1/8-scale decoding: by
 * libjpeg of the files jpeg_dc_decode.c leaves to it.  At
 * 1/8 libjpeg makes each 8x8 block one pixel from its DC coefficient alone
 * (4:2:0 chroma, which it scales 2/8 to spare upsampling, also takes three
 * AC coefficients, then zero).
 * A progressive file sends the DCs in scans of their own, a twentieth of the
 * file or so; jpegtran's and cjpeg's scripts send the DCs' last bit after
 * the luma AC scans, which only need walking over, not decoding.
 */
#ifndef IMGBATCH_CODEC_JPEG_DC_H
#define IMGBATCH_CODEC_JPEG_DC_H

#include <stddef.h>
#include <stdint.h>

#include "codec/codec.h"

/*
 * Appends to out the bytes of data from offset from on as they would be if
 * the file held its DC scans only: every segment up to the scan that
 * completes the DC of the last component (successive-approximation
 * refinements included), less the AC scans and their data, then EOI.
 * Returns 1 when it did; 0, out unchanged, when the file is not a
 * progressive JPEG walked to such a point (baseline, EOI or the end of the
 * data first, a malformed segment, more than max_scans scans); -1 when out
 * of memory.
 */
int jpeg_dc_scans(const uint8_t *data, size_t len, size_t from, unsigned max_scans,
		  struct buffer *out, struct ib_error *err);

/* Offset of the marker that ends the entropy-coded data starting at pos
 * (stuffed FF 00 bytes and restart markers belong to the data), or len. */
size_t jpeg_entropy_end(const uint8_t *data, size_t len, size_t pos);

#endif
