#include "config.h"
#include "codec/codec.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define BUFFER_FIRST_CAP 65536

static const struct codec *const codecs[] = {
	&codec_jpeg, &codec_png, &codec_webp, &codec_gif,
	/* the RAWs built on TIFF before TIFF itself */
	&codec_cr2, &codec_dng, &codec_nef, &codec_arw, &codec_pef, &codec_tiff,
	&codec_heif, &codec_avif, &codec_jxl,
	&codec_cr3, &codec_orf, &codec_rw2, &codec_raf,
};

const struct codec *codec_sniff(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
		if (codecs[i]->sniff(data, len))
			return codecs[i];
	return NULL;
}

/* "BM", then at 14 the size of a DIB header BMP writers use. */
static bool looks_like_bmp(const uint8_t *data, size_t len)
{
	static const uint32_t dib_sizes[] = { 12, 40, 52, 56, 64, 108, 124 };
	if (len < 18 || data[0] != 'B' || data[1] != 'M')
		return false;
	uint32_t dib = (uint32_t)data[14] | (uint32_t)data[15] << 8 | (uint32_t)data[16] << 16 |
		       (uint32_t)data[17] << 24;
	for (size_t i = 0; i < sizeof dib_sizes / sizeof dib_sizes[0]; i++)
		if (dib == dib_sizes[i])
			return true;
	return false;
}

const char *codec_unsupported_format(const uint8_t *data, size_t len)
{
	static const struct {
		const char *name;
		size_t at, len;
		const char *magic;
	} formats[] = {
		{ "PSD", 0, 4, "8BPS" },
		{ "JPEG 2000", 0, 12, "\0\0\0\x0cjP  \r\n\x87\n" },
		{ "JPEG 2000", 0, 4, "\xff\x4f\xff\x51" },
		{ "ICO", 0, 4, "\0\0\1\0" },
		{ "OpenEXR", 0, 4, "\x76\x2f\x31\x01" },
		{ "Radiance HDR", 0, 10, "#?RADIANCE" },
		{ "QOI", 0, 4, "qoif" },
		{ "PDF", 0, 5, "%PDF-" },
	};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (len >= formats[i].at + formats[i].len &&
		    memcmp(data + formats[i].at, formats[i].magic, formats[i].len) == 0)
			return formats[i].name;
	return looks_like_bmp(data, len) ? "BMP" : NULL;
}

int codec_sniff_path(const char *path, const struct codec **codec)
{
	uint8_t head[CODEC_SNIFF_BYTES];
	/* O_NONBLOCK: a FIFO in place of a file must not hang the caller */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, head, sizeof head);
	close(fd);
	if (n < 0)
		return -1;
	*codec = codec_sniff(head, (size_t)n);
	return 1;
}

const struct codec *codec_for_format(enum image_format format)
{
	for (size_t i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
		if (codecs[i]->format == format)
			return codecs[i];
	return NULL;
}

const struct codec *codec_at(size_t i)
{
	return i < sizeof codecs / sizeof codecs[0] ? codecs[i] : NULL;
}

enum image_format format_from_name(const char *name)
{
	static const struct { const char *name; enum image_format format; } names[] = {
		{ "jpeg", FORMAT_JPEG }, { "jpg", FORMAT_JPEG }, { "png", FORMAT_PNG },
		{ "webp", FORMAT_WEBP }, { "gif", FORMAT_GIF }, { "tiff", FORMAT_TIFF },
		{ "tif", FORMAT_TIFF }, { "heif", FORMAT_HEIF }, { "heic", FORMAT_HEIF },
		{ "avif", FORMAT_AVIF }, { "jxl", FORMAT_JXL }, { "cr2", FORMAT_CR2 },
		{ "cr3", FORMAT_CR3 }, { "nef", FORMAT_NEF }, { "arw", FORMAT_ARW },
		{ "dng", FORMAT_DNG }, { "orf", FORMAT_ORF }, { "rw2", FORMAT_RW2 },
		{ "raf", FORMAT_RAF }, { "pef", FORMAT_PEF },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcasecmp(name, names[i].name))
			return names[i].format;
	return FORMAT_UNKNOWN;
}

/* Doubles the capacity until need fits, so appends cost amortised O(1). */
static int buffer_reserve(struct buffer *buf, size_t need, struct ib_error *err)
{
	size_t cap = buf->cap ? buf->cap : BUFFER_FIRST_CAP;

	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	uint8_t *data = realloc(buf->data, cap);
	if (!data)
		return ib_fail(err, "out of memory (output of %zu bytes)", need);
	buf->data = data;
	buf->cap = cap;
	return 0;
}

int buffer_append(struct buffer *buf, const void *data, size_t len,
		  struct ib_error *err)
{
	if (len > SIZE_MAX - buf->len)
		return ib_fail(err, "output too large");
	if (buf->len + len > buf->cap &&
	    buffer_reserve(buf, buf->len + len, err) < 0)
		return -1;
	if (len)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	return 0;
}

void buffer_free(struct buffer *buf)
{
	free(buf->data);
	memset(buf, 0, sizeof *buf);
}

int fail_on_parse(const char *name, enum fail_on *out)
{
	static const struct { const char *name; enum fail_on level; } names[] = {
		{ "none", FAIL_ON_NONE }, { "truncated", FAIL_ON_TRUNCATED },
		{ "error", FAIL_ON_ERROR }, { "warning", FAIL_ON_WARNING },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(name, names[i].name)) {
			*out = names[i].level;
			return 0;
		}
	return -1;
}

/* In libvips' order: a level fails on the damage of every rank up to its own. */
static int fail_on_rank(enum fail_on level)
{
	switch (level) {
	case FAIL_ON_NONE: return 0;
	case FAIL_ON_TRUNCATED: return 1;
	case FAIL_ON_ERROR: return 2;
	default: return 3;
	}
}

static int damage_rank(enum damage kind)
{
	return kind == DAMAGE_TRUNCATED ? 1 : kind == DAMAGE_ERROR ? 2 : 3;
}

bool decoder_warn(struct decoder *d, enum damage kind, const char *what)
{
	if (damage_rank(kind) <= fail_on_rank(d->fail_on))
		return true;
	if (!d->warning[0])
		snprintf(d->warning, sizeof d->warning, "%s", what);
	return false;
}
