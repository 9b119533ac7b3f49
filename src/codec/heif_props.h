/*
 * The geometric transforms (irot, imir, clap) a HEIF item's properties
 * apply, read from the file's meta box.  libheif 1.15 offers no call for
 * them, and the thumbnail item needs them: its coded pixels are oriented
 * like the primary image's, so the primary's transforms are what make it
 * upright (iPhones give the thumbnail no irot of its own).
 */
#ifndef IMGBATCH_CODEC_HEIF_PROPS_H
#define IMGBATCH_CODEC_HEIF_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEIF_MAX_TRANSFORMS 8

/* One transform, in the order the item's ipma lists it. */
enum heif_transform {
	HEIF_ROTATE_90 = 1,       /* irot: anticlockwise, by 90 * value degrees */
	HEIF_ROTATE_180 = 2,
	HEIF_ROTATE_270 = 3,
	/* imir, read as libheif reads it (and so decodes the primary image) */
	HEIF_FLIP_VERTICALLY,     /* axis 0: top and bottom swap */
	HEIF_FLIP_HORIZONTALLY,   /* axis 1: left and right swap */
};

struct heif_transforms {
	unsigned n;
	enum heif_transform op[HEIF_MAX_TRANSFORMS];
	bool crop;                /* a clap property (not in op) */
};

/* The transforms of item in the file data[0..len): 0, or -1 when the meta
 * box cannot be read or lists more than HEIF_MAX_TRANSFORMS. */
int heif_item_transforms(const uint8_t *data, size_t len, uint32_t item,
			 struct heif_transforms *out);

/* True when a and b apply the same transforms. */
bool heif_transforms_equal(const struct heif_transforms *a, const struct heif_transforms *b);

/* The EXIF orientation (2..8) one transform amounts to. */
int heif_transform_orientation(enum heif_transform t);

#endif
