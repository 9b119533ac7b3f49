/*
 * Test helper: writes a small DNG the RAW tests read, as a camera would lay
 * it out (no camera files are available offline):
 *   make-dng FILE PW PH RW RH [ORIENTATION [MAKE]]
 * IFD0 is a PW x PH preview (NewSubFileType 1, JPEG-compressed YCbCr, whole
 * in one strip with its own tables, so the strip is a complete JPEG file)
 * with DNGVersion 1.4, Make, Model and the TIFF Orientation (default 1);
 * its SubIFD is an RW x RH 16-bit RGGB CFA raw image, uncompressed.  MAKE
 * (default "Canon") is the camera maker.
 * The preview's four quadrants are red, green, blue and white (top left,
 * top right, bottom left, bottom right), so orientation shows.
 * Exit 0 on success, 1 on failure (reason on stderr).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

/* The colour of the preview pixel (x, y) of a w x h preview. */
static void quadrant_colour(uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint8_t rgb[3])
{
	static const uint8_t colours[4][3] = {
		{ 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 255, 255, 255 },
	};
	memcpy(rgb, colours[(y >= h / 2) * 2 + (x >= w / 2)], 3);
}

static int write_preview(TIFF *tif, uint32_t w, uint32_t h, int orientation, const char *make)
{
	static const uint8_t dng_version[4] = { 1, 4, 0, 0 };
	toff_t subifd = 0;
	TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_REDUCEDIMAGE);
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
	TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
	TIFFSetField(tif, TIFFTAG_JPEGQUALITY, 95);
	TIFFSetField(tif, TIFFTAG_JPEGTABLESMODE, 0);   /* tables in the strip */
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, h);
	TIFFSetField(tif, TIFFTAG_ORIENTATION, orientation);
	TIFFSetField(tif, TIFFTAG_MAKE, make);
	TIFFSetField(tif, TIFFTAG_MODEL, "Test Camera");
	TIFFSetField(tif, TIFFTAG_DNGVERSION, dng_version);
	TIFFSetField(tif, TIFFTAG_UNIQUECAMERAMODEL, "Test Camera");
	TIFFSetField(tif, TIFFTAG_SUBIFD, 1, &subifd);
	uint8_t *row = malloc((size_t)w * 3);
	if (!row)
		return -1;
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++)
			quadrant_colour(x, y, w, h, row + 3 * x);
		if (TIFFWriteScanline(tif, row, y, 0) < 0) {
			free(row);
			return -1;
		}
	}
	free(row);
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

int main(int argc, char **argv)
{
	if (argc < 6 || argc > 8) {
		fprintf(stderr, "usage: make-dng FILE PW PH RW RH [ORIENTATION [MAKE]]\n");
		return 1;
	}
	uint32_t pw = (uint32_t)atoi(argv[2]), ph = (uint32_t)atoi(argv[3]);
	uint32_t rw = (uint32_t)atoi(argv[4]), rh = (uint32_t)atoi(argv[5]);
	int orientation = argc > 6 ? atoi(argv[6]) : 1;
	const char *make = argc > 7 ? argv[7] : "Canon";
	TIFF *tif = TIFFOpen(argv[1], "w");
	if (!tif || write_preview(tif, pw, ph, orientation, make) < 0 ||
	    write_cfa(tif, rw, rh) < 0) {
		fprintf(stderr, "make-dng: cannot write %s\n", argv[1]);
		if (tif)
			TIFFClose(tif);
		return 1;
	}
	TIFFClose(tif);
	return 0;
}
