/* A whole file in memory. */
#ifndef IMGBATCH_UTIL_FILE_H
#define IMGBATCH_UTIL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct file_bytes {
	uint8_t *data;
	size_t len;
};

/* Reads the regular file at path to its end into *file (malloc'd; free
 * with file_bytes_free).  A file that grows while it is read is read to
 * its new end; one that shrinks, to its new end too.  A file over max
 * bytes (0: no limit), before or while it is read, fails. */
int file_bytes_read(const char *path, uint64_t max, struct file_bytes *file,
		    struct ib_error *err);

/* The reason for a file over max bytes; returns -1. */
int file_too_large(uint64_t size, uint64_t max, struct ib_error *err);
void file_bytes_free(struct file_bytes *file);

#endif
