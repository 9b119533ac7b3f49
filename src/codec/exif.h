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
