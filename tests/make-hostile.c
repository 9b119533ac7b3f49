/*
 * Test helper: writes the hostile files the reliability tests feed imgbatch.
 *   make-hostile flat-png W H FILE     a valid W x H gray PNG of one colour:
 *                                      a few KB that decode to W*H bytes
 *   make-hostile huge-png W H FILE     a PNG whose header declares W x H and
 *                                      whose data stops after a few rows
 *   make-hostile huge-jpeg W H FILE    a 16x16 JPEG whose SOF declares W x H
 *   make-hostile flat-jpeg W H FILE    a valid W x H gray JPEG of one colour
 *   make-hostile exif-thumb W H TW TH FILE  a red W x H JPEG whose EXIF block
 *                                      carries a green TW x TH thumbnail
 *   make-hostile copies N SRC DIR      N copies of SRC as DIR/dK/fI.EXT, ten
 *                                      folders (a scale test's tree, fast)
 *   make-hostile scan-bomb W H FILE    a valid W x H gray progressive JPEG of
 *                                      704 scans (every coefficient refined
 *                                      one bit at a time)
 * Exit 0 on success, 1 on failure (reason on stderr).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec/codec.h"
#include "codec/image.h"
#include "codec/load.h"

/* A W x H gray PNG of zeros; complete, or cut off after 16 rows. */
static int write_gray_png(const char *path, uint32_t w, uint32_t h, bool complete)
{
	FILE *f = fopen(path, "wb");
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	png_bytep row = calloc(w, 1);
	int ret = 1;
	if (!f || !info || !row)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_init_io(png, f);
	png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
	png_set_compression_level(png, 9);
	png_set_compression_buffer_size(png, 256);   /* IDATs come out as rows go in */
	png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (uint32_t y = 0; y < (complete ? h : 16); y++)
		png_write_row(png, row);
	if (complete)
		png_write_end(png, info);
	else
		png_write_flush(png);
	ret = 0;
out:
	png_destroy_write_struct(&png, &info);
	free(row);
	if (f && fclose(f) != 0)
		ret = 1;
	return ret;
}

/* The first SOFn marker's offset in a JPEG, or 0. */
static size_t find_sof(const struct buffer *jpg)
{
	for (size_t i = 2; i + 9 < jpg->len; i++)
		if (jpg->data[i] == 0xFF && jpg->data[i + 1] >= 0xC0 && jpg->data[i + 1] <= 0xC2)
			return i;
	return 0;
}

/* A W x H gray JPEG of mid-gray; with declare_w/h, its SOF then claims
 * that size instead. */
static int write_gray_jpeg(const char *path, uint32_t w, uint32_t h, uint32_t declare_w,
			   uint32_t declare_h)
{
	struct image img;
	struct ib_error err = { 0 };
	struct buffer jpg = { 0 };
	struct encode_options opts = { .quality = 90 };
	if (declare_w > 65535 || declare_h > 65535 || image_alloc(&img, w, h, 1, 8, 0, &err) < 0)
		return 1;
	memset(img.pixels, 128, img.stride * img.height);
	int ret = 1;
	size_t sof;
	if (codec_jpeg.encode(&img, &opts, &jpg, &err) == 0 && (sof = find_sof(&jpg))) {
		uint8_t *p = jpg.data + sof + 5;   /* height, then width, big-endian */
		if (declare_w) {
			p[0] = (uint8_t)(declare_h >> 8), p[1] = (uint8_t)declare_h;
			p[2] = (uint8_t)(declare_w >> 8), p[3] = (uint8_t)declare_w;
		}
		FILE *f = fopen(path, "wb");
		ret = !f || fwrite(jpg.data, 1, jpg.len, f) != jpg.len;
		if (f && fclose(f) != 0)
			ret = 1;
	}
	image_free(&img);
	buffer_free(&jpg);
	return ret;
}

/* A w x h RGB JPEG of one colour, appended to out. */
static int solid_jpeg(uint32_t w, uint32_t h, const uint8_t rgb[3], struct buffer *out)
{
	struct image img;
	struct ib_error err = { 0 };
	struct encode_options opts = { .quality = 90 };
	if (image_alloc(&img, w, h, 3, 8, 0, &err) < 0)
		return -1;
	for (size_t i = 0; i < (size_t)w * h; i++)
		memcpy(img.pixels + 3 * i, rgb, 3);
	int ret = codec_jpeg.encode(&img, &opts, out, &err);
	image_free(&img);
	return ret;
}

static void put_le(uint8_t *p, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Little-endian TIFF: IFD0 with Orientation 1, IFD1 pointing at the thumb. */
static int write_exif_thumb(const char *path, uint32_t w, uint32_t h, uint32_t tw, uint32_t th)
{
	static const uint8_t red[3] = { 255, 0, 0 }, green[3] = { 0, 255, 0 };
	struct buffer full = { 0 }, thumb = { 0 };
	int ret = 1;
	if (solid_jpeg(w, h, red, &full) < 0 || solid_jpeg(tw, th, green, &thumb) < 0 ||
	    thumb.len > 60000)
		goto out;
	uint8_t tiff[64] = "II*\0";
	put_le(tiff + 4, 8, 4);                       /* IFD0 at 8 */
	put_le(tiff + 8, 1, 2);                       /* one entry: Orientation */
	put_le(tiff + 10, 0x0112, 2), put_le(tiff + 12, 3, 2), put_le(tiff + 14, 1, 4);
	put_le(tiff + 18, 1, 2);
	put_le(tiff + 22, 26, 4);                     /* IFD1 at 26 */
	put_le(tiff + 26, 2, 2);                      /* offset and length */
	put_le(tiff + 28, 0x0201, 2), put_le(tiff + 30, 4, 2), put_le(tiff + 32, 1, 4);
	put_le(tiff + 36, 56, 4);                     /* the thumbnail at 56 */
	put_le(tiff + 40, 0x0202, 2), put_le(tiff + 42, 4, 2), put_le(tiff + 44, 1, 4);
	put_le(tiff + 48, (uint32_t)thumb.len, 4);
	put_le(tiff + 52, 0, 4);                      /* no IFD2 */
	size_t seg = 2 + 6 + 56 + thumb.len;          /* APP1 length field onwards */
	uint8_t head[10] = { 0xFF, 0xD8, 0xFF, 0xE1, (uint8_t)(seg >> 8), (uint8_t)seg,
			     'E', 'x', 'i', 'f' };
	FILE *f = fopen(path, "wb");
	ret = !f || fwrite(head, 1, 10, f) != 10 || fwrite("\0\0", 1, 2, f) != 2 ||
	      fwrite(tiff, 1, 56, f) != 56 || fwrite(thumb.data, 1, thumb.len, f) != thumb.len ||
	      fwrite(full.data + 2, 1, full.len - 2, f) != full.len - 2;   /* after its SOI */
	if (f && fclose(f) != 0)
		ret = 1;
out:
	buffer_free(&full);
	buffer_free(&thumb);
	return ret;
}

static int write_copies(unsigned long n, const char *src, const char *dir)
{
	struct file_bytes data;
	struct ib_error err;
	const char *dot = strrchr(src, '.');
	char path[4096];
	int ret = file_bytes_read(src, 0, &data, &err) < 0;
	for (unsigned k = 0; k < 10 && !ret; k++) {
		snprintf(path, sizeof path, "%s/d%u", dir, k);
		ret = mkdir(path, 0755) != 0 && errno != EEXIST;
	}
	for (unsigned long i = 0; i < n && !ret; i++) {
		snprintf(path, sizeof path, "%s/d%lu/f%lu%s", dir, i % 10, i, dot ? dot : "");
		FILE *f = fopen(path, "wb");
		ret = !f || fwrite(data.data, 1, data.len, f) != data.len;
		if (f && fclose(f) != 0)
			ret = 1;
	}
	file_bytes_free(&data);
	return ret;
}

/* The scan script: the DC coefficient, then each AC coefficient alone,
 * each sent at 1/1024 precision (libjpeg's limit) and refined bit by bit
 * (11 scans each). */
#define BOMB_SCANS (64 * 11)

static void bomb_script(jpeg_scan_info *scans)
{
	int n = 0;
	for (int k = 0; k < 64; k++) {
		for (int al = 10; al >= 0; al--, n++) {
			scans[n] = (jpeg_scan_info){ .comps_in_scan = 1, .component_index = { 0 },
						     .Ss = k, .Se = k, .Ah = al == 10 ? 0 : al + 1,
						     .Al = al };
		}
	}
}

static int write_scan_bomb(const char *path, uint32_t w, uint32_t h)
{
	static jpeg_scan_info scans[BOMB_SCANS];
	struct jpeg_compress_struct cinfo;
	struct jpeg_error_mgr jerr;
	FILE *f = fopen(path, "wb");
	JSAMPLE *row = malloc(w);
	if (!f || !row) {
		free(row);
		if (f)
			fclose(f);
		return 1;
	}
	cinfo.err = jpeg_std_error(&jerr);   /* errors exit: a test helper */
	jpeg_create_compress(&cinfo);
	jpeg_stdio_dest(&cinfo, f);
	cinfo.image_width = w;
	cinfo.image_height = h;
	cinfo.input_components = 1;
	cinfo.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&cinfo);
	bomb_script(scans);
	cinfo.scan_info = scans;
	cinfo.num_scans = BOMB_SCANS;
	jpeg_start_compress(&cinfo, TRUE);
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++)
			row[x] = (JSAMPLE)((x * 3 + y * 5) & 255);
		jpeg_write_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	free(row);
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "exif-thumb") == 0)
		return write_exif_thumb(argv[6], (uint32_t)atoi(argv[2]), (uint32_t)atoi(argv[3]),
					(uint32_t)atoi(argv[4]), (uint32_t)atoi(argv[5]));
	if (argc == 5 && strcmp(argv[1], "copies") == 0)
		return write_copies(strtoul(argv[2], NULL, 10), argv[3], argv[4]);
	if (argc != 5) {
		fprintf(stderr, "usage: make-hostile flat-png|huge-png|huge-jpeg|flat-jpeg|scan-bomb W H FILE | "
			"exif-thumb W H TW TH FILE | copies N SRC DIR\n");
		return 2;
	}
	uint32_t w = (uint32_t)strtoul(argv[2], NULL, 10), h = (uint32_t)strtoul(argv[3], NULL, 10);
	int ret = 2;
	if (strcmp(argv[1], "flat-png") == 0)
		ret = write_gray_png(argv[4], w, h, true);
	else if (strcmp(argv[1], "huge-png") == 0)
		ret = write_gray_png(argv[4], w, h, false);
	else if (strcmp(argv[1], "huge-jpeg") == 0)
		ret = write_gray_jpeg(argv[4], 16, 16, w, h);
	else if (strcmp(argv[1], "flat-jpeg") == 0)
		ret = write_gray_jpeg(argv[4], w, h, 0, 0);
	else if (strcmp(argv[1], "scan-bomb") == 0)
		ret = write_scan_bomb(argv[4], w, h);
	if (ret == 1)
		fprintf(stderr, "make-hostile: cannot write %s\n", argv[4]);
	return ret;
}
