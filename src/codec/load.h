/* A whole image file into memory and decoded at full size: for tools that
 * need pixels as stored (compare), not the resizing pipeline. */
#ifndef IMGBATCH_CODEC_LOAD_H
#define IMGBATCH_CODEC_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "codec/image.h"

/* The bytes of a file, read whole. */
struct file_bytes {
	uint8_t *data;
	size_t len;
};

/* Reads path whole into *file (malloc'd; free with file_bytes_free). */
int file_bytes_read(const char *path, struct file_bytes *file, struct ib_error *err);
void file_bytes_free(struct file_bytes *file);

/*
 * Decodes file (JPEG or PNG, by content) into *img at full size, without
 * EXIF orientation.  Refuses images over max_pixels before allocating.
 */
int image_decode_bytes(const struct file_bytes *file, uint64_t max_pixels, struct image *img,
		       struct ib_error *err);

#endif
