/*
 * TIFF pages read sample by sample, where libtiff's RGBA interface refuses
 * them (more than 16 bits, 16-bit CMYK) or reads them wrongly (signed
 * samples as unsigned, CIELab with its own display conversion).  The samples
 * map as libvips reads them, where that makes a picture:
 *
 * - unsigned integers: the full scale of their width to the output's (a
 *   32-bit sample keeps its top 16 bits; libvips instead clips 32-bit
 *   samples to 255, which leaves most pictures white);
 * - signed integers: negatives become 0, the rest keep the scale of the
 *   unsigned type of their width (libvips' cast: signed 8-bit 0..127 stays
 *   0..127 of 255);
 * - floating point: clipped to 0..1; RGB is linear light (libvips' scRGB)
 *   and gets the sRGB tone curve, gray is taken as it is (libvips' B_W);
 * - CMYK through its ICC profile (Little CMS, 8 bits a sample, delivered as
 *   8), as libvips and the JPEG codec do; without a usable one, R = (1 - C)
 *   (1 - K), and likewise G from M and B from Y, as the RGBA interface and
 *   the JPEG codec convert CMYK without a profile;
 * - CIELab: through Little CMS's Lab profile (D50) to sRGB.
 *
 * Pages of 8-bit samples come out at 8 bits, the rest at 16 (but CMYK
 * through a profile).
 */
#include "config.h"
#include "codec/tiff_samples.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codec/icc.h"

/* At most this many samples a pixel (colour and extras) on this path. */
#define MAX_SAMPLES 16

/* CIE D65's chromaticity: the white of CIELab without a WhitePoint tag. */
#define D65_X 0.3127
#define D65_Y 0.3290

/* A row while it is converted: 4 doubles a pixel, colour then alpha. */
#define ROW_VALUES 4

struct reader {
	const struct tiff_layout *l;
	size_t sample_bytes, pixel_bytes, row_bytes;
	uint32_t band_rows;        /* rows a strip, or a row of tiles, holds */
	uint32_t tile_width;       /* 0 for strips */
	uint8_t *band;             /* band_rows rows of raw samples */
	uint8_t *tile;             /* one tile of a tiled page */
	double *pixels;            /* one row, ROW_VALUES a pixel */
	struct icc_lab *lab;
	struct icc_cmyk *cmyk;     /* the CMYK page's profile, when lcms can use it */
	uint8_t *inks, *rgb;       /* a row of 8-bit CMYK and the sRGB it makes */
};

static bool is_lab(uint16_t photometric)
{
	return photometric == PHOTOMETRIC_CIELAB || photometric == PHOTOMETRIC_ICCLAB;
}

static bool photometric_colours(uint16_t photometric, uint16_t *colours)
{
	switch (photometric) {
	case PHOTOMETRIC_MINISBLACK:
	case PHOTOMETRIC_MINISWHITE:
		*colours = 1;
		return true;
	case PHOTOMETRIC_RGB:
	case PHOTOMETRIC_CIELAB:
	case PHOTOMETRIC_ICCLAB:
		*colours = 3;
		return true;
	case PHOTOMETRIC_SEPARATED:
		*colours = 4;
		return true;
	default:
		return false;
	}
}

/* The kinds the RGBA interface refuses or gets wrong. */
static bool needs_samples(const struct tiff_layout *l)
{
	if (l->format == SAMPLEFORMAT_IEEEFP || l->format == SAMPLEFORMAT_INT || l->bits == 32)
		return true;
	if (l->photometric == PHOTOMETRIC_SEPARATED && (l->bits == 16 || l->icc))
		return true;
	return is_lab(l->photometric) && icc_available();
}

static bool sample_kind_known(const struct tiff_layout *l)
{
	if (l->format == SAMPLEFORMAT_IEEEFP)
		return (l->bits == 32 || l->bits == 64) && !is_lab(l->photometric);
	if (l->format != SAMPLEFORMAT_UINT && l->format != SAMPLEFORMAT_INT)
		return false;
	return l->bits == 8 || l->bits == 16 || (l->bits == 32 && !is_lab(l->photometric));
}

static void read_tags(TIFF *tif, struct tiff_layout *l, uint16_t *planar, uint16_t *inkset)
{
	TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &l->width);
	TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &l->height);
	TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &l->bits);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &l->format);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &l->spp);
	TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, planar);
	TIFFGetFieldDefaulted(tif, TIFFTAG_INKSET, inkset);
	if (l->format == SAMPLEFORMAT_VOID)
		l->format = SAMPLEFORMAT_UINT;
	l->white[0] = D65_X;
	l->white[1] = D65_Y;
	float *white = NULL;
	/* TIFFGetFieldDefaulted would give D50, after Adobe's note */
	if (TIFFGetField(tif, TIFFTAG_WHITEPOINT, &white) && white && white[0] > 0 && white[1] > 0) {
		l->white[0] = white[0];
		l->white[1] = white[1];
	}
}

bool tiff_samples_wanted(TIFF *tif, struct tiff_layout *l)
{
	uint16_t planar = PLANARCONFIG_CONTIG, inkset = INKSET_CMYK, nextra = 0;
	uint16_t *extra = NULL;

	*l = (struct tiff_layout){ .format = SAMPLEFORMAT_UINT };
	read_tags(tif, l, &planar, &inkset);
	/* without the tag, what the RGBA interface assumes */
	if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &l->photometric))
		l->photometric = l->spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
	if (l->photometric == PHOTOMETRIC_SEPARATED && icc_available())
		TIFFGetField(tif, TIFFTAG_ICCPROFILE, &l->icc_len, &l->icc);
	if (!l->icc_len)
		l->icc = NULL;
	if (!photometric_colours(l->photometric, &l->colours))
		return false;
	if (!needs_samples(l) || !sample_kind_known(l) || planar != PLANARCONFIG_CONTIG ||
	    l->spp < l->colours || l->spp > MAX_SAMPLES || !l->width || !l->height ||
	    (l->photometric == PHOTOMETRIC_SEPARATED && inkset != INKSET_CMYK))
		return false;
	/* whole bytes a sample, so a row is exactly this long */
	if ((uint64_t)TIFFScanlineSize64(tif) != (uint64_t)l->width * l->spp * (l->bits / 8))
		return false;
	TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &nextra, &extra);
	l->alpha = l->spp > l->colours && nextra > 0 && extra &&
		   (extra[0] == EXTRASAMPLE_ASSOCALPHA || extra[0] == EXTRASAMPLE_UNASSALPHA);
	l->associated = l->alpha && extra[0] == EXTRASAMPLE_ASSOCALPHA;
	l->channels = (l->colours == 1 ? 1u : 3u) + (l->alpha ? 1u : 0u);
	l->depth = (l->bits == 8 && l->format != SAMPLEFORMAT_IEEEFP) || l->icc ? 8 : 16;
	return true;
}

/* The stored value of the sample at p (native byte order: libtiff swaps). */
static double raw_sample(const uint8_t *p, const struct tiff_layout *l, bool is_signed)
{
	uint16_t u16;
	uint32_t u32;
	float f;
	double d;

	switch (l->bits) {
	case 8:
		return is_signed ? (double)(int8_t)p[0] : p[0];
	case 16:
		memcpy(&u16, p, sizeof u16);
		return is_signed ? (double)(int16_t)u16 : u16;
	case 32:
		if (l->format == SAMPLEFORMAT_IEEEFP) {
			memcpy(&f, p, sizeof f);
			return f;
		}
		memcpy(&u32, p, sizeof u32);
		return is_signed ? (double)(int32_t)u32 : u32;
	default: /* 64-bit floating point */
		memcpy(&d, p, sizeof d);
		return d;
	}
}

/* The sample at p on 0..1 (see the top of the file); NaN becomes 0. */
static double unit_sample(const uint8_t *p, const struct tiff_layout *l)
{
	double v = raw_sample(p, l, l->format == SAMPLEFORMAT_INT);
	if (!(v > 0))
		return 0;
	if (l->format == SAMPLEFORMAT_IEEEFP)
		return v < 1 ? v : 1;
	return v / (ldexp(1, l->bits) - 1);
}

/* L on 0..100; a and b are stored signed in CIELab, offset by half the
 * range in ICCLab, and at 16 bits carry 8 bits of fraction. */
static void lab_pixel(const uint8_t *p, const struct tiff_layout *l, double lab[3])
{
	bool offset = l->photometric == PHOTOMETRIC_ICCLAB;
	double full = ldexp(1, l->bits) - 1;

	lab[0] = raw_sample(p, l, false) * 100 / full;
	for (int i = 1; i < 3; i++) {
		double v = raw_sample(p + (size_t)i * (l->bits / 8), l, !offset);
		if (offset)
			v -= (full + 1) / 2;
		lab[i] = l->bits == 16 ? v / 256 : v;
	}
}

static double srgb_encode(double v)
{
	return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
}

/* Gray, RGB or CMYK samples s (on 0..1, straight) as RGB in px. */
static void colour_pixel(const struct tiff_layout *l, const double s[4], double px[3])
{
	for (int c = 0; c < 3; c++) {
		switch (l->photometric) {
		case PHOTOMETRIC_MINISBLACK:
			px[c] = s[0];
			break;
		case PHOTOMETRIC_MINISWHITE:
			px[c] = 1 - s[0];
			break;
		case PHOTOMETRIC_SEPARATED:
			px[c] = (1 - s[c]) * (1 - s[3]);
			break;
		default:
			px[c] = l->format == SAMPLEFORMAT_IEEEFP ? srgb_encode(s[c]) : s[c];
			break;
		}
	}
}

/* r->inks into r->pixels' colour, through the page's profile. */
static void cmyk_through_profile(const struct reader *r)
{
	icc_cmyk_to_srgb_row(r->cmyk, r->inks, r->rgb, r->l->width);
	for (uint32_t x = 0; x < r->l->width; x++)
		for (int c = 0; c < 3; c++)
			r->pixels[(size_t)x * ROW_VALUES + c] = r->rgb[3 * (size_t)x + c] / 255.0;
}

/* One stored row into r->pixels: RGB (gray repeated) and alpha. */
static void fill_row(const struct reader *r, const uint8_t *raw)
{
	const struct tiff_layout *l = r->l;

	for (uint32_t x = 0; x < l->width; x++, raw += r->pixel_bytes) {
		double *px = r->pixels + (size_t)x * ROW_VALUES;
		double s[4];
		px[3] = l->alpha ? unit_sample(raw + l->colours * r->sample_bytes, l) : 1;
		if (is_lab(l->photometric)) {
			lab_pixel(raw, l, px);
			continue;
		}
		for (uint16_t c = 0; c < l->colours; c++) {
			s[c] = unit_sample(raw + c * r->sample_bytes, l);
			if (l->associated && px[3] > 0)
				s[c] = s[c] < px[3] ? s[c] / px[3] : 1;
		}
		if (r->cmyk)
			for (int c = 0; c < 4; c++)
				r->inks[4 * (size_t)x + c] = (uint8_t)lround(s[c] * 255);
		else
			colour_pixel(l, s, px);
	}
	if (r->lab)
		icc_lab_to_srgb_row(r->lab, r->pixels, l->width);
	if (r->cmyk)
		cmyk_through_profile(r);
}

/* r->pixels into row y of out, clipped and rounded to out's depth. */
static void store_row(const struct reader *r, const struct image *out, uint32_t y)
{
	double full = out->depth == 16 ? 65535 : 255;
	uint8_t *o = image_row(out, y);
	size_t step = image_bytes_per_pixel(out);

	for (uint32_t x = 0; x < out->width; x++, o += step) {
		const double *px = r->pixels + (size_t)x * ROW_VALUES;
		for (uint32_t c = 0; c < out->channels; c++) {
			double v = px[image_has_alpha(out) && c == out->channels - 1 ? 3 : c];
			v = v > 0 ? (v < 1 ? v : 1) : 0;
			image_store_sample(o, out->depth, c, (uint32_t)lround(v * full));
		}
	}
}

/* Reads the strip from row y into r->band; the rows it held, 0 on an error. */
static uint32_t read_strip(TIFF *tif, const struct reader *r, uint32_t y)
{
	uint32_t rows = r->l->height - y < r->band_rows ? r->l->height - y : r->band_rows;
	tmsize_t want = (tmsize_t)(rows * r->row_bytes);

	if (TIFFReadEncodedStrip(tif, TIFFComputeStrip(tif, y, 0), r->band, want) != want)
		return 0;
	return rows;
}

/* Reads the row of tiles from row y into r->band, tile by tile. */
static uint32_t read_tile_row(TIFF *tif, const struct reader *r, uint32_t y)
{
	const struct tiff_layout *l = r->l;
	uint32_t rows = l->height - y < r->band_rows ? l->height - y : r->band_rows;
	size_t tile_row = r->tile_width * r->pixel_bytes;

	for (uint32_t x = 0; x < l->width; x += r->tile_width) {
		uint32_t cols = l->width - x < r->tile_width ? l->width - x : r->tile_width;
		if (TIFFReadTile(tif, r->tile, x, y, 0, 0) < 0)
			return 0;
		for (uint32_t i = 0; i < rows; i++)
			memcpy(r->band + i * r->row_bytes + x * r->pixel_bytes, r->tile + i * tile_row,
			       cols * r->pixel_bytes);
	}
	return rows;
}

/* a * b, or 0 when it does not fit size_t. */
static size_t size_product(uint64_t a, uint64_t b)
{
	return b && a > SIZE_MAX / b ? 0 : (size_t)(a * b);
}

/* Band and tile sizes; false when the page's are unusable. */
static bool plan_bands(TIFF *tif, struct reader *r, size_t *band_size, size_t *tile_size)
{
	const struct tiff_layout *l = r->l;
	uint32_t rows = l->height, tile_height = 0;

	*tile_size = 0;
	if (TIFFIsTiled(tif)) {
		TIFFGetField(tif, TIFFTAG_TILEWIDTH, &r->tile_width);
		TIFFGetField(tif, TIFFTAG_TILELENGTH, &tile_height);
		if (!r->tile_width || !tile_height)
			return false;
		rows = tile_height;
		*tile_size = size_product(size_product(r->tile_width, tile_height), r->pixel_bytes);
		if (!*tile_size || (uint64_t)TIFFTileSize64(tif) != *tile_size)
			return false;
	} else {
		TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rows);
		rows = rows ? rows : 1;
	}
	r->band_rows = rows < l->height ? rows : l->height;
	*band_size = size_product(r->band_rows, r->row_bytes);
	return *band_size != 0;
}

/* The CMYK page's profile and its rows; a profile lcms cannot use leaves
 * r->cmyk NULL, and the inks are inverted. */
static int open_cmyk_profile(struct reader *r, struct ib_error *err)
{
	struct ib_error note;
	int rc = icc_cmyk_open(&r->cmyk, r->l->icc, r->l->icc_len, false, &note);
	if (rc < 0)
		return ib_fail(err, "%s", note.msg);
	if (!r->cmyk)
		return 0;
	r->inks = malloc((size_t)r->l->width * 4);
	r->rgb = malloc((size_t)r->l->width * 3);
	if (!r->inks || !r->rgb)
		return ib_fail(err, "TIFF: out of memory");
	return 0;
}

static int reader_open(TIFF *tif, struct reader *r, struct ib_error *err)
{
	size_t band_size, tile_size;

	r->sample_bytes = r->l->bits / 8;
	r->pixel_bytes = r->sample_bytes * r->l->spp;
	r->row_bytes = (size_t)r->l->width * r->pixel_bytes;
	if (!plan_bands(tif, r, &band_size, &tile_size))
		return TIFF_SAMPLES_READ_ERROR;
	r->band = malloc(band_size);
	r->tile = tile_size ? malloc(tile_size) : NULL;
	r->pixels = calloc(r->l->width, ROW_VALUES * sizeof *r->pixels);
	if (!r->band || (tile_size && !r->tile) || !r->pixels)
		return ib_fail(err, "TIFF: out of memory");
	if (is_lab(r->l->photometric) && icc_lab_open(&r->lab, r->l->white, err) != ICC_CONVERTED)
		return -1;
	return r->l->icc ? open_cmyk_profile(r, err) : 0;
}

static void reader_close(struct reader *r)
{
	free(r->band);
	free(r->tile);
	free(r->pixels);
	icc_lab_close(r->lab);
	icc_cmyk_close(r->cmyk);
	free(r->inks);
	free(r->rgb);
}

int tiff_samples_decode(TIFF *tif, const struct tiff_layout *l, uint64_t max_pixels,
			struct image *out, struct ib_error *err)
{
	struct reader r = { .l = l };

	if (image_alloc(out, l->width, l->height, l->channels, l->depth, max_pixels, err) < 0)
		return -1;
	int rc = reader_open(tif, &r, err);
	for (uint32_t y = 0; rc == 0 && y < l->height;) {
		uint32_t rows = r.tile_width ? read_tile_row(tif, &r, y) : read_strip(tif, &r, y);
		if (!rows)
			rc = TIFF_SAMPLES_READ_ERROR;
		for (uint32_t i = 0; i < rows; i++, y++) {
			fill_row(&r, r.band + i * r.row_bytes);
			store_row(&r, out, y);
		}
	}
	reader_close(&r);
	if (rc != 0)
		image_free(out);
	return rc;
}
