#include "config.h"
#include "codec/load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec/codec.h"

int file_bytes_read(const char *path, struct file_bytes *file, struct ib_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	file->data = NULL;
	file->len = 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		ib_fail_errno(err, errno, "cannot open %s", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ib_fail(err, "%s is not a regular file", path);
		goto fail;
	}
	/* one byte more than the size, so that growth shows as a short file */
	file->data = malloc((size_t)st.st_size + 1);
	if (!file->data) {
		ib_fail(err, "out of memory reading %s", path);
		goto fail;
	}
	for (;;) {
		ssize_t n = read(fd, file->data + file->len, (size_t)st.st_size + 1 - file->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ib_fail_errno(err, errno, "read error on %s", path);
			goto fail;
		}
		file->len += (size_t)n;
		if (n == 0 || file->len == (size_t)st.st_size + 1)
			break;
	}
	close(fd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	file_bytes_free(file);
	return -1;
}

void file_bytes_free(struct file_bytes *file)
{
	free(file->data);
	file->data = NULL;
	file->len = 0;
}

int image_decode_bytes(const struct file_bytes *file, uint64_t max_pixels, struct image *img,
		       struct ib_error *err)
{
	const struct codec *codec = codec_sniff(file->data, file->len);
	struct decoder dec = { .codec = codec };

	if (!codec)
		return ib_fail(err, "not a JPEG or PNG image");
	if (codec->open(&dec, file->data, file->len, err) < 0)
		return -1;
	int ret = codec->decode(&dec, 0, 0, max_pixels, img, err);
	codec->close(&dec);
	return ret;
}
