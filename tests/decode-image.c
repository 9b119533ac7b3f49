/*
 * Test helper: decodes images with imgbatch's own codecs so end-to-end tests
 * can check pixels.
 *   decode-image info FILE            -> "W H CHANNELS DEPTH ORIENTATION ICCBYTES"
 *   decode-image diff A B [--orient]  -> "MAXDIFF PSNR" of two same-size images
 *                                        (8-bit, after flattening to RGB on
 *                                        white; --orient applies EXIF first)
 *   decode-image pixel FILE X Y       -> the samples at (X, Y), space-separated
 *   decode-image sharpness FILE       -> high-frequency energy: the mean
 *                                        absolute Laplacian |4p - N - S - E - W|
 *                                        of the inner pixels' samples (8-bit,
 *                                        flattened to RGB on white)
 *   decode-image text FILE            -> every tEXt chunk before the image data
 *                                        as "KEY=VALUE" lines, read by libpng
 * Exit 0 on success, 1 when a file does not decode (reason on stderr).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "codec/exif.h"
#include "codec/image.h"

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *data = NULL;
	size_t cap = 0;
	*len = 0;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *p = realloc(data, cap);
			if (!p)
				break;
			data = p;
		}
		size_t n = fread(data + *len, 1, cap - *len, f);
		if (n == 0)
			break;
		*len += n;
	}
	fclose(f);
	return data;
}

/* Decodes path at full size; on success the caller owns img. */
static int load(const char *path, bool orient, struct image *img, struct image_info *info)
{
	size_t len;
	uint8_t *data = read_file(path, &len);
	struct ib_error err = { .msg = "cannot read file" };
	const struct codec *codec = data ? codec_sniff(data, len) : NULL;
	struct decoder dec = { .codec = codec };
	int rc = -1;
	if (data && !codec)
		ib_fail(&err, "not a JPEG or PNG");
	if (codec && codec->open(&dec, data, len, &err) == 0) {
		*info = dec.info;
		info->icc = NULL;
		if (codec->decode(&dec, 0, 0, 0, img, &err) == 0 &&
		    (!orient || exif_apply_orientation(img, dec.info.orientation, &err) == 0))
			rc = 0;
		codec->close(&dec);
	}
	if (rc < 0)
		fprintf(stderr, "decode-image: %s: %s\n", path, err.msg);
	free(data);
	return rc;
}

static int cmd_info(const char *path)
{
	struct image img = { 0 };
	struct image_info info;
	size_t len;
	uint8_t *data = read_file(path, &len);
	const struct codec *codec = data ? codec_sniff(data, len) : NULL;
	struct decoder dec = { .codec = codec };
	struct ib_error err;
	size_t icc_len = 0;
	if (codec && codec->open(&dec, data, len, &err) == 0) {
		icc_len = dec.info.icc_len;
		codec->close(&dec);
	}
	free(data);
	if (load(path, false, &img, &info) < 0)
		return 1;
	printf("%u %u %u %u %d %zu\n", img.width, img.height, img.channels, img.depth,
	       info.orientation, icc_len);
	image_free(&img);
	return 0;
}

static int cmd_diff(const char *a, const char *b, bool orient)
{
	struct image ia = { 0 }, ib = { 0 };
	struct image_info info;
	struct ib_error err;
	int rc = 1;
	if (load(a, orient, &ia, &info) < 0 || load(b, orient, &ib, &info) < 0)
		goto out;
	if (image_prepare_for_jpeg(&ia, (struct rgb8){ 255, 255, 255 }, &err) < 0 ||
	    image_prepare_for_jpeg(&ib, (struct rgb8){ 255, 255, 255 }, &err) < 0) {
		fprintf(stderr, "decode-image: %s\n", err.msg);
		goto out;
	}
	if (ia.width != ib.width || ia.height != ib.height || ia.channels != ib.channels) {
		fprintf(stderr, "decode-image: layouts differ: %ux%ux%u vs %ux%ux%u\n", ia.width,
			ia.height, ia.channels, ib.width, ib.height, ib.channels);
		goto out;
	}
	int maxdiff = 0;
	double sse = 0;
	size_t row_bytes = (size_t)ia.width * ia.channels;
	for (uint32_t y = 0; y < ia.height; y++) {
		const uint8_t *pa = image_row(&ia, y), *pb = image_row(&ib, y);
		for (size_t i = 0; i < row_bytes; i++) {
			int d = abs((int)pa[i] - (int)pb[i]);
			maxdiff = d > maxdiff ? d : maxdiff;
			sse += (double)d * d;
		}
	}
	double mse = sse / ((double)row_bytes * ia.height);
	printf("%d %.2f\n", maxdiff, mse == 0 ? 99.0 : 10 * log10(255.0 * 255.0 / mse));
	rc = 0;
out:
	image_free(&ia);
	image_free(&ib);
	return rc;
}

static int cmd_sharpness(const char *path)
{
	struct image img = { 0 };
	struct image_info info;
	struct ib_error err;
	double sum = 0;
	size_t n = 0;

	if (load(path, false, &img, &info) < 0)
		return 1;
	if (image_prepare_for_jpeg(&img, (struct rgb8){ 255, 255, 255 }, &err) < 0) {
		fprintf(stderr, "decode-image: %s\n", err.msg);
		image_free(&img);
		return 1;
	}
	size_t ch = img.channels;
	for (uint32_t y = 1; y + 1 < img.height; y++) {
		const uint8_t *up = image_row(&img, y - 1), *row = image_row(&img, y);
		const uint8_t *down = image_row(&img, y + 1);
		for (size_t i = ch; i + ch < (size_t)img.width * ch; i++, n++)
			sum += abs(4 * row[i] - row[i - ch] - row[i + ch] - up[i] - down[i]);
	}
	printf("%.4f\n", n ? sum / n : 0.0);
	image_free(&img);
	return 0;
}

static int cmd_pixel(const char *path, const char *xs, const char *ys)
{
	struct image img = { 0 };
	struct image_info info;
	if (load(path, false, &img, &info) < 0)
		return 1;
	unsigned long x = strtoul(xs, NULL, 10), y = strtoul(ys, NULL, 10);
	if (x >= img.width || y >= img.height) {
		fprintf(stderr, "decode-image: pixel outside the image\n");
		image_free(&img);
		return 1;
	}
	const uint8_t *row = image_row(&img, (uint32_t)y);
	for (uint32_t c = 0; c < img.channels; c++) {
		size_t i = x * img.channels + c;
		unsigned v = img.depth == 16 ? ((const uint16_t *)row)[i] : row[i];
		printf(c ? " %u" : "%u", v);
	}
	putchar('\n');
	image_free(&img);
	return 0;
}

/* libpng's own reading of the text chunks: an independent check of ours. */
static int cmd_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	int ret = 1;

	if (!f || !info)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_init_io(png, f);
	png_read_info(png, info);
	png_textp text;
	int n = png_get_text(png, info, &text, NULL);
	for (int i = 0; i < n; i++)
		printf("%s=%s\n", text[i].key, text[i].text);
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "decode-image: %s: cannot read PNG text\n", path);
	png_destroy_read_struct(&png, &info, NULL);
	if (f)
		fclose(f);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "info") == 0)
		return cmd_info(argv[2]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "diff") == 0)
		return cmd_diff(argv[2], argv[3], argc == 5 && strcmp(argv[4], "--orient") == 0);
	if (argc == 3 && strcmp(argv[1], "text") == 0)
		return cmd_text(argv[2]);
	if (argc == 5 && strcmp(argv[1], "pixel") == 0)
		return cmd_pixel(argv[2], argv[3], argv[4]);
	if (argc == 3 && strcmp(argv[1], "sharpness") == 0)
		return cmd_sharpness(argv[2]);
	fprintf(stderr, "usage: decode-image info FILE | diff A B [--orient] | pixel FILE X Y | "
		"text FILE | sharpness FILE\n");
	return 2;
}
