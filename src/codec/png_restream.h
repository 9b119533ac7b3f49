/*
 * Restreaming a small PNG for libpng: the image data (the IDAT chunks) is
 * inflated in one call with libdeflate and handed back to libpng as stored,
 * uncompressed deflate blocks, so that libpng's own inflate becomes a copy.
 *
 * Why: libpng inflates one row at a time, and zlib's fast decoder needs 258
 * bytes of room, so rows narrower than that (an 85-pixel RGB row) take
 * zlib's slow path.  For 64x64 RGB PNGs of photo-like content zlib needed
 * 78-93 us a file that way, 61 us in one call, and libdeflate 32 us
 * (bench/results/RESULTS.md, issue 6's S3).
 *
 * libpng still does everything else (chunks, filters, palettes, errors), so
 * the pixels are the same.  The critical chunks' CRCs and the stream's
 * Adler-32 are checked here (libdeflate's SIMD code), so the caller tells
 * libpng not to check them again (zlib's scalar code: 6 us of S3's file).
 * Anything unusual is left to libpng as it is: an interlaced or large
 * image, a bad CRC, a stream libdeflate rejects or that does not hold
 * exactly the image's bytes.  libpng then reports the damage in its own
 * words.
 */
#ifndef IMGBATCH_CODEC_PNG_RESTREAM_H
#define IMGBATCH_CODEC_PNG_RESTREAM_H

#include <stddef.h>
#include <stdint.h>

/* The largest inflated image data restreamed: above it, rows are wide
 * enough for zlib's fast path and the copy would cost memory. */
#define PNG_RESTREAM_MAX_RAW (1u << 20)

/*
 * On success returns a malloc'd PNG equivalent to data[0..len) with its
 * image data stored uncompressed, and its length in *out_len.  Returns NULL
 * when the file is not one to restream (see above) or memory is short.
 */
uint8_t *png_restream(const uint8_t *data, size_t len, size_t *out_len);

#endif
