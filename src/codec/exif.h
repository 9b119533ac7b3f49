/* EXIF orientation: a bounds-checked reader of the TIFF structure, and the
 * eight transforms that make an image upright. */
#ifndef IMGBATCH_CODEC_EXIF_H
#define IMGBATCH_CODEC_EXIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "codec/image.h"

/*
 * Returns the Orientation tag (1..8) from an EXIF block: the payload of a JPEG
 * APP1 segment after its "Exif\0\0" prefix, or a PNG eXIf chunk, i.e. data
 * starts with the TIFF header "II*\0" or "MM\0*".  Returns 1 for a missing,
 * malformed or out-of-range tag: a broken EXIF block never fails a file.
 */
int exif_orientation(const uint8_t *tiff, size_t len);

/*
 * The JPEG thumbnail an EXIF block carries (IFD1's JPEGInterchangeFormat and
 * its length): true with tiff[*offset..+*length) lying wholly inside the
 * block and starting with a JPEG SOI, false when there is none or it is
 * malformed.
 */
bool exif_thumbnail(const uint8_t *tiff, size_t len, size_t *offset, size_t *length);

/*
 * A copy of an EXIF block (as exif_orientation takes it) fit for an output
 * of width x height that displays upright: Orientation set to 1,
 * PixelXDimension and PixelYDimension (in the Exif IFD) to the output's
 * size, IFD1 (the stale thumbnail) dropped; with drop_gps, the GPS IFD too.
 * What is dropped is zeroed, and cut off when it ends the block, so no
 * stale byte is left behind.  Returns 1 with *out (malloc'd) and *out_len,
 * 0 when the block is malformed (the caller drops it, never a failure), -1
 * when out of memory.
 */
int exif_rewrite(const uint8_t *tiff, size_t len, uint32_t width, uint32_t height,
		 bool drop_gps, uint8_t **out, size_t *out_len);

/* Whether IFD0 of a TIFF structure has an entry for tag. */
bool exif_ifd0_has(const uint8_t *tiff, size_t len, uint16_t tag);

/*
 * The ASCII value of tag in IFD0 into buf (cut to cap - 1 bytes, always
 * NUL-terminated): false when there is none or it does not lie inside data.
 */
bool exif_ifd0_string(const uint8_t *tiff, size_t len, uint16_t tag, char *buf, size_t cap);

/* Whether orientation swaps width and height (5..8). */
static inline int exif_swaps_axes(int orientation)
{
	return orientation >= 5 && orientation <= 8;
}

/*
 * Applies orientation to img so that it displays upright: on success img is
 * replaced by the transformed image (1 = no-op).  Works on every layout.
 */
int exif_apply_orientation(struct image *img, int orientation, struct ib_error *err);

#endif
