#include "config.h"
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads fd to EOF into file, starting with room for size_hint + 1 bytes:
 * a file of the size fstat gave reaches EOF without a realloc; one that
 * grew doubles the buffer. */
int file_too_large(uint64_t size, uint64_t max, struct ib_error *err)
{
	return ib_fail(err, "%s%llu bytes, over --max-input-size %llu", size > max ? "" : "over ",
		       (unsigned long long)(size > max ? size : max), (unsigned long long)max);
}

static int read_to_end(int fd, size_t size_hint, uint64_t max, struct file_bytes *file,
		       const char *path, struct ib_error *err)
{
	size_t cap = size_hint + 1;
	if (!(file->data = malloc(cap)))
		return ib_fail(err, "out of memory reading %s", path);
	for (;;) {
		ssize_t n = read(fd, file->data + file->len, cap - file->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ib_fail_errno(err, errno, "read error on %s", path);
		if (n == 0)
			return 0;
		file->len += (size_t)n;
		if (max && file->len > max)
			return file_too_large(file->len, max, err);   /* it grew */
		if (file->len < cap)
			continue;
		uint8_t *bigger = cap <= SIZE_MAX / 2 ? realloc(file->data, cap * 2) : NULL;
		if (!bigger)
			return ib_fail(err, "out of memory reading %s", path);
		file->data = bigger;
		cap *= 2;
	}
}

int file_bytes_read(const char *path, uint64_t max, struct file_bytes *file,
		    struct ib_error *err)
{
	struct stat st;
	int ret = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	file->data = NULL;
	file->len = 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		ib_fail_errno(err, errno, "cannot open %s", path);
	else if (!S_ISREG(st.st_mode))
		ib_fail(err, "%s is not a regular file", path);
	else if (max && (uint64_t)st.st_size > max)
		file_too_large((uint64_t)st.st_size, max, err);
	else
		ret = read_to_end(fd, (size_t)st.st_size, max, file, path, err);
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		file_bytes_free(file);
	return ret;
}

void file_bytes_free(struct file_bytes *file)
{
	free(file->data);
	file->data = NULL;
	file->len = 0;
}
