/*
 * A PNG's image data made in one go: the rows filtered (none at level 0,
 * Sub at level 1, from level 2 on the filter of least absolute sum per row,
 * the choice libpng makes) and compressed with libdeflate in one call.
 *
 * Why: for small images zlib's set-up (deflateInit clears a 64 KiB hash
 * table, libpng allocates its buffers) and its slower compressor were the
 * largest cost of writing: a 32x32 RGB PNG took about 31 us with zlib at
 * level 6, 18-25 us with libdeflate counting a fresh compressor each time;
 * a worker keeps one compressor per level.  The filters run 16 bytes at a
 * time with SSE2 where it exists (all of x86-64), with the same choices and
 * bytes as the portable loops.
 */
#ifndef IMGBATCH_CODEC_PNG_IDAT_H
#define IMGBATCH_CODEC_PNG_IDAT_H

#include <stddef.h>
#include <stdint.h>

#include "codec/image.h"

/* Filtered image data up to this size is made in one go; larger images are
 * streamed through libpng and zlib, so that memory stays at one image. */
#define PNG_IDAT_MAX_RAW (8u << 20)

/* The size of img's filtered rows: a filter byte and the samples of each. */
uint64_t png_idat_raw_size(const struct image *img);

/*
 * The zlib stream of img's filtered rows at compression level 0-9, in a
 * malloc'd buffer of *len bytes; NULL when memory is short.  img has 1-4
 * channels of 8 or 16 bits (native-endian, stored big-endian).
 */
uint8_t *png_idat_compress(const struct image *img, int level, size_t *len);

#endif
