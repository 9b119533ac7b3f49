/*
 * TIFF with libtiff: the first page, through libtiff's RGBA interface, which
 * reads every photometric (gray, RGB, palette, CMYK, YCbCr), strips and
 * tiles, and 1 to 16 bits a sample (delivered as 8).  The file is read from
 * memory; libtiff's messages are kept as the failure's reason, never
 * printed.  Gray pages come out gray, pages without alpha as RGB.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "codec/codec.h"

struct tiff_state {
	TIFF *tif;
	const uint8_t *data;
	toff_t len, pos;
	uint16_t orientation;         /* the page's tag, 1..8 */
	bool premultiplied;           /* libtiff delivers colour times alpha */
};

/* libtiff reports through process-wide handlers; a worker decodes one file
 * at a time, so the last message is the current file's. */
static char last_message[IB_REASON_MAX];

static void keep_message(const char *module, const char *fmt, va_list ap)
{
	(void)module;
	vsnprintf(last_message, sizeof last_message, fmt, ap);
}

static void ignore_warning(const char *module, const char *fmt, va_list ap)
{
	(void)module;
	(void)fmt;
	(void)ap;
}

static int tiff_fail(struct ib_error *err, const char *what)
{
	return ib_fail(err, "TIFF: %s%s%s", what, last_message[0] ? ": " : "", last_message);
}

static bool sniff_tiff(const uint8_t *data, size_t len)
{
	return len >= 4 && (memcmp(data, "II*\0", 4) == 0 || memcmp(data, "MM\0*", 4) == 0 ||
			    memcmp(data, "II+\0", 4) == 0 || memcmp(data, "MM\0+", 4) == 0);
}

static tmsize_t read_memory(thandle_t h, void *out, tmsize_t n)
{
	struct tiff_state *st = h;
	if (n < 0)
		return -1;
	toff_t left = st->pos < st->len ? st->len - st->pos : 0;
	toff_t take = (toff_t)n < left ? (toff_t)n : left;
	memcpy(out, st->data + st->pos, (size_t)take);
	st->pos += take;
	return (tmsize_t)take;
}

static tmsize_t refuse_write(thandle_t h, void *in, tmsize_t n)
{
	(void)h;
	(void)in;
	(void)n;
	return -1;
}

static toff_t seek_memory(thandle_t h, toff_t off, int whence)
{
	struct tiff_state *st = h;
	toff_t base = whence == SEEK_CUR ? st->pos : whence == SEEK_END ? st->len : 0;
	if (off > UINT64_MAX - base)
		return (toff_t)-1;
	st->pos = base + off;
	return st->pos;
}

static int close_memory(thandle_t h)
{
	(void)h;
	return 0;
}

static toff_t size_of_memory(thandle_t h)
{
	return ((struct tiff_state *)h)->len;
}

/* What the page delivers: gray, gray+alpha, RGB or RGBA, and whether
 * libtiff's RGBA interface hands the colour premultiplied (it converts RGB
 * with unassociated alpha; gray it passes through as stored). */
static uint32_t page_channels(TIFF *tif, bool *premultiplied)
{
	uint16_t photometric = PHOTOMETRIC_RGB, spp = 1, nextra = 0;
	uint16_t *extra = NULL;
	TIFFGetFieldDefaulted(tif, TIFFTAG_PHOTOMETRIC, &photometric);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &nextra, &extra);
	bool alpha = nextra > 0 && extra &&
		     (extra[0] == EXTRASAMPLE_ASSOCALPHA || extra[0] == EXTRASAMPLE_UNASSALPHA);
	bool gray = photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE;
	*premultiplied = alpha && (!gray || extra[0] == EXTRASAMPLE_ASSOCALPHA);
	if (gray)
		return alpha ? 2 : 1;
	return alpha ? 4 : 3;
}

static void state_free(struct tiff_state *st)
{
	if (st->tif)
		TIFFClose(st->tif);
	free(st);
}

static int open_tiff(struct decoder *d, const uint8_t *data, size_t len, struct ib_error *err)
{
	struct tiff_state *st = calloc(1, sizeof *st);
	uint32_t w = 0, h = 0;
	uint16_t orientation = ORIENTATION_TOPLEFT;
	char why[1024];
	if (!st)
		return ib_fail(err, "TIFF: out of memory");
	last_message[0] = '\0';
	TIFFSetErrorHandler(keep_message);
	TIFFSetWarningHandler(ignore_warning);
	st->data = data;
	st->len = len;
	st->tif = TIFFClientOpen("input", "rm", st, read_memory, refuse_write, seek_memory,
				 close_memory, size_of_memory, NULL, NULL);
	if (!st->tif) {
		state_free(st);
		return tiff_fail(err, "cannot read the header");
	}
	TIFFGetField(st->tif, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(st->tif, TIFFTAG_IMAGELENGTH, &h);
	TIFFGetFieldDefaulted(st->tif, TIFFTAG_ORIENTATION, &orientation);
	if (!w || !h || !TIFFRGBAImageOK(st->tif, why)) {
		size_t n = strnlen(w && h ? why : "no image size", sizeof last_message - 1);
		memcpy(last_message, w && h ? why : "no image size", n);
		last_message[n] = '\0';
		state_free(st);
		return tiff_fail(err, "unsupported page");
	}
	d->codec = &codec_tiff;
	d->state = st;
	st->orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
	d->info = (struct image_info){
		.width = w, .height = h, .channels = page_channels(st->tif, &st->premultiplied),
		.depth = 8,
		.orientation = st->orientation,
	};
	uint32_t icc_len = 0;
	const uint8_t *icc = NULL;
	if (TIFFGetField(st->tif, TIFFTAG_ICCPROFILE, &icc_len, &icc) && icc && icc_len) {
		d->info.icc = icc;
		d->info.icc_len = icc_len;
	}
	return 0;
}

/* struct image holds straight alpha. */
static void unpremultiply(uint8_t px[4])
{
	if (px[3] == 0 || px[3] == 255)
		return;
	for (int c = 0; c < 3; c++) {
		unsigned v = (px[c] * 255u + px[3] / 2u) / px[3];
		px[c] = (uint8_t)(v > 255 ? 255 : v);
	}
}

/* Packs libtiff's RGBA pixels (one uint32 each, in place in out's rows)
 * down to out's channels. */
static void pack_pixels(struct image *out, bool premultiplied)
{
	for (uint32_t y = 0; y < out->height; y++) {
		uint8_t *row = image_row(out, y);
		const uint32_t *rgba = (const uint32_t *)(void *)row;
		for (uint32_t x = 0; x < out->width; x++) {
			uint32_t p = rgba[x];
			uint8_t px[4] = { TIFFGetR(p), TIFFGetG(p), TIFFGetB(p), TIFFGetA(p) };
			if (premultiplied)
				unpremultiply(px);
			uint8_t *o = row + (size_t)x * out->channels;
			switch (out->channels) {
			case 1: o[0] = px[0]; break;
			case 2: o[0] = px[0]; o[1] = px[3]; break;
			default: memmove(o, px, out->channels); break;
			}
		}
	}
}

static int decode_tiff(struct decoder *d, uint32_t min_w, uint32_t min_h, uint64_t max_pixels,
		       struct image *out, struct ib_error *err)
{
	struct tiff_state *st = d->state;
	(void)min_w;
	(void)min_h;
	/* libtiff fills 4 bytes a pixel; they are packed to the page's channels after */
	if (image_alloc(out, d->info.width, d->info.height, 4, 8, max_pixels, err) < 0)
		return -1;
	last_message[0] = '\0';
	/* Asked for the page's own orientation, libtiff flips nothing: the rows
	 * come as stored, top first, and the pipeline applies the orientation
	 * as it does EXIF's (libtiff alone would flip but never transpose). */
	if (!TIFFReadRGBAImageOriented(st->tif, d->info.width, d->info.height,
				       (uint32_t *)(void *)out->pixels, st->orientation, 0)) {
		image_free(out);
		return tiff_fail(err, "cannot decode the page");
	}
	out->channels = d->info.channels;
	pack_pixels(out, st->premultiplied);
	return 0;
}

static void close_tiff(struct decoder *d)
{
	if (d->state)
		state_free(d->state);
	d->state = NULL;
}

const struct codec codec_tiff = {
	.name = "tiff",
	.extension = "tif",
	.mime = "image/tiff",
	.format = FORMAT_TIFF,
	.write_as = FORMAT_PNG,
	.sniff = sniff_tiff,
	.open = open_tiff,
	.decode = decode_tiff,
	.close = close_tiff,
};
