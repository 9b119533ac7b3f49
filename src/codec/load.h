/* A whole image file into memory and decoded at full size: for tools that
 * need pixels as stored (compare), not the resizing pipeline. */
#ifndef IMGBATCH_CODEC_LOAD_H
#define IMGBATCH_CODEC_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/file.h"
#include "codec/image.h"

/*
 * Decodes file (JPEG or PNG, by content) into *img at full size, without
 * EXIF orientation.  Refuses images over max_pixels before allocating.
 */
int image_decode_bytes(const struct file_bytes *file, uint64_t max_pixels, struct image *img,
		       struct ib_error *err);

#endif
