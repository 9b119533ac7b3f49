/*
 * Test helper: writes a small DNG the RAW tests read, as a camera would lay
 * it out (no camera files are available offline):
 *   make-dng FILE PW PH RW RH [ORIENTATION [PREVIEW]]
 * IFD0 is a PW x PH preview (NewSubFileType 1) with DNGVersion 1.4, Make,
 * Model and the TIFF Orientation (default 1); its SubIFD is an RW x RH
 * 16-bit RGGB CFA raw image, uncompressed.  PREVIEW is how IFD0 holds it:
 *   jpeg    (default) JPEG-compressed YCbCr in one strip with its own
 *           tables, so the strip is a whole JPEG file (libtiff encodes it)
 *   exif    the same, but a JPEG of ours whose EXIF block says Orientation 6
 *   bitmap  uncompressed 8-bit RGB (libraw's BITMAP preview)
 * The preview's four quadrants are red, green, blue and white (top left,
 * top right, bottom left, bottom right), so orientation shows.
 * Exit 0 on success, 1 on failure (reason on stderr).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <tiffio.h>

enum preview { PREVIEW_JPEG, PREVIEW_EXIF, PREVIEW_BITMAP };

/* A little-endian EXIF block: IFD0 with Orientation (SHORT) 6 alone. */
static const uint8_t exif_orientation_6[] = {
	'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0,
	1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
};

/* Row y of the w x h preview: four quadrants of red, green, blue, white. */
static void quadrant_row(uint8_t *row, uint32_t y, uint32_t w, uint32_t h)
{
	static const uint8_t colours[4][3] = {
		{ 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 255, 255, 255 },
	};
	for (uint32_t x = 0; x < w; x++)
		memcpy(row + 3 * x, colours[(y >= h / 2) * 2 + (x >= w / 2)], 3);
}

/* The preview as a JPEG file with the EXIF block, in *out (malloc'd). */
static void exif_jpeg(uint32_t w, uint32_t h, uint8_t *row, unsigned char **out,
		      unsigned long *len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr jerr;
	c.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, out, len);
	c.image_width = w;
	c.image_height = h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 95, TRUE);
	jpeg_start_compress(&c, TRUE);
	jpeg_write_marker(&c, JPEG_APP0 + 1, exif_orientation_6, sizeof exif_orientation_6);
	for (uint32_t y = 0; y < h; y++) {
		quadrant_row(row, y, w, h);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
}

/* The pixels of IFD0: encoded by libtiff, or our EXIF JPEG as it is. */
static int write_pixels(TIFF *tif, uint32_t w, uint32_t h, enum preview kind)
{
	uint8_t *row = malloc((size_t)w * 3);
	int ret = row ? 0 : -1;
	if (row && kind == PREVIEW_EXIF) {
		unsigned char *jpeg = NULL;
		unsigned long len = 0;
		exif_jpeg(w, h, row, &jpeg, &len);
		ret = TIFFWriteRawStrip(tif, 0, jpeg, (tmsize_t)len) < 0 ? -1 : 0;
		free(jpeg);
	}
	for (uint32_t y = 0; row && kind != PREVIEW_EXIF && y < h && ret == 0; y++) {
		quadrant_row(row, y, w, h);
		ret = TIFFWriteScanline(tif, row, y, 0) < 0 ? -1 : 0;
	}
	free(row);
	return ret;
}

static int write_preview(TIFF *tif, uint32_t w, uint32_t h, int orientation, enum preview kind)
{
	static const uint8_t dng_version[4] = { 1, 4, 0, 0 };
	toff_t subifd = 0;
	TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_REDUCEDIMAGE);
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	if (kind == PREVIEW_BITMAP) {
		TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
		TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
	} else {
		TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
		TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
		TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
		TIFFSetField(tif, TIFFTAG_JPEGQUALITY, 95);
		TIFFSetField(tif, TIFFTAG_JPEGTABLESMODE, 0);   /* tables in the strip */
	}
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, h);
	TIFFSetField(tif, TIFFTAG_ORIENTATION, orientation);
	TIFFSetField(tif, TIFFTAG_MAKE, "Canon");
	TIFFSetField(tif, TIFFTAG_MODEL, "Test Camera");
	TIFFSetField(tif, TIFFTAG_DNGVERSION, dng_version);
	TIFFSetField(tif, TIFFTAG_UNIQUECAMERAMODEL, "Test Camera");
	TIFFSetField(tif, TIFFTAG_SUBIFD, 1, &subifd);
	if (write_pixels(tif, w, h, kind) < 0)
		return -1;
	return TIFFWriteDirectory(tif) ? 0 : -1;
}

/* A mid-grey RGGB mosaic, 16 bits a sample. */
static int write_cfa(TIFF *tif, uint32_t w, uint32_t h)
{
	static const uint16_t dim[2] = { 2, 2 };
	static const uint8_t rggb[4] = { 0, 1, 1, 2 };
	TIFFSetField(tif, TIFFTAG_SUBFILETYPE, 0);
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 16);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, 32803);   /* CFA */
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, h);
	TIFFSetField(tif, TIFFTAG_CFAREPEATPATTERNDIM, dim);
	TIFFSetField(tif, TIFFTAG_CFAPATTERN, 4, rggb);
	uint16_t *row = malloc((size_t)w * 2);
	if (!row)
		return -1;
	for (uint32_t x = 0; x < w; x++)
		row[x] = 0x4000;
	for (uint32_t y = 0; y < h; y++)
		if (TIFFWriteScanline(tif, row, y, 0) < 0) {
			free(row);
			return -1;
		}
	free(row);
	return TIFFWriteDirectory(tif) ? 0 : -1;
}

static int preview_kind(const char *name)
{
	static const char *const names[] = { "jpeg", "exif", "bitmap" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	int kind = argc > 7 ? preview_kind(argv[7]) : PREVIEW_JPEG;
	if (argc < 6 || argc > 8 || kind < 0) {
		fprintf(stderr, "usage: make-dng FILE PW PH RW RH [ORIENTATION [jpeg|exif|bitmap]]\n");
		return 1;
	}
	uint32_t pw = (uint32_t)atoi(argv[2]), ph = (uint32_t)atoi(argv[3]);
	uint32_t rw = (uint32_t)atoi(argv[4]), rh = (uint32_t)atoi(argv[5]);
	int orientation = argc > 6 ? atoi(argv[6]) : 1;
	TIFF *tif = TIFFOpen(argv[1], "w");
	if (!tif || write_preview(tif, pw, ph, orientation, (enum preview)kind) < 0 ||
	    write_cfa(tif, rw, rh) < 0) {
		fprintf(stderr, "make-dng: cannot write %s\n", argv[1]);
		if (tif)
			TIFFClose(tif);
		return 1;
	}
	TIFFClose(tif);
	return 0;
}
