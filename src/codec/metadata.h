/*
 * Metadata blocks other than EXIF's (see exif.h): IPTC inside a Photoshop
 * image resource block (JPEG APP13), and XMP's orientation.  Every reader
 * is bounds-checked: a malformed block is ignored, never a failure.
 */
#ifndef IMGBATCH_CODEC_METADATA_H
#define IMGBATCH_CODEC_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec/codec.h"

/* The prefix of a JPEG APP13 segment that holds Photoshop resources, NUL
 * included. */
#define PHOTOSHOP_PREFIX "Photoshop 3.0"
#define PHOTOSHOP_PREFIX_LEN 14

/*
 * The IPTC-IIM records of a Photoshop image resource block (the payload of
 * an APP13 segment after PHOTOSHOP_PREFIX): resource 0x0404's data.  False
 * when there is none or the block is malformed.  Other resources (an old
 * thumbnail, print settings) are not carried.
 */
bool metadata_iptc_from_irb(const uint8_t *irb, size_t len, const uint8_t **iptc,
			    size_t *iptc_len);

/* The bytes of a resource block holding only IPTC records iptc[0..len), with
 * PHOTOSHOP_PREFIX in front, appended to out. */
int metadata_irb_from_iptc(const uint8_t *iptc, size_t len, struct buffer *out,
			   struct ib_error *err);

/*
 * Sets XMP's tiff:Orientation to 1 in place, in either spelling:
 * tiff:Orientation="6" (an attribute) or <tiff:Orientation>6</...> (an
 * element).  Only a single digit 1-8 is changed (the length stays), and
 * only the first occurrence of each spelling: a packet that says it more
 * often, or in another prefix than tiff:, is left as it is.
 */
void metadata_xmp_upright(uint8_t *xmp, size_t len);

#endif
