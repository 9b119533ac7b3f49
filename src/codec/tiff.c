/*
 * TIFF with libtiff: the first page, through libtiff's RGBA interface, which
 * reads every photometric (gray, RGB, palette, CMYK, YCbCr), strips and
 * tiles, and 1 to 16 bits a sample (delivered as 8); pages it refuses or
 * reads wrongly (32-bit, floating point, signed, 16-bit CMYK, CMYK with a
 * profile, CIELab) are read sample by sample instead (tiff_samples.c).  The
 * file is read from memory; libtiff's messages are kept as the failure's
 * reason, never printed.  Gray pages come out gray, pages without alpha as
 * RGB; the ICC profile is passed on but for CMYK and CIELab pages.
 * Encoding: Deflate, one strip per ~64 KB of rows, 8 or 16 bits a sample as
 * the image has them, alpha unassociated, the ICC profile embedded; classic
 * TIFF, so an output over 4 GiB fails with libtiff's reason.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "codec/codec.h"
#include "codec/tiff_samples.h"

struct tiff_state {
	TIFF *tif;
	const uint8_t *data;
	toff_t len, pos;
	uint16_t orientation;         /* the page's tag, 1..8 */
	bool premultiplied;           /* libtiff delivers colour times alpha */
	bool by_samples;              /* read through tiff_samples.c, as layout says */
	struct tiff_layout layout;
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
	st->by_samples = tiff_samples_wanted(st->tif, &st->layout);
	if (!w || !h || (!st->by_samples && !TIFFRGBAImageOK(st->tif, why))) {
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
	if (st->by_samples) {
		d->info.channels = st->layout.channels;
		d->info.depth = st->layout.depth;
	}
	uint32_t icc_len = 0;
	const uint8_t *icc = NULL;
	/* A CMYK or CIELab page's profile describes its inks or Lab, not the
	 * RGB it becomes: CMYK's is applied (or not) here, never passed on. */
	uint16_t photometric = PHOTOMETRIC_MINISBLACK;
	TIFFGetField(st->tif, TIFFTAG_PHOTOMETRIC, &photometric);
	bool own_space = photometric == PHOTOMETRIC_SEPARATED ||
			 (st->by_samples && (photometric == PHOTOMETRIC_CIELAB ||
					     photometric == PHOTOMETRIC_ICCLAB));
	if (!own_space && TIFFGetField(st->tif, TIFFTAG_ICCPROFILE, &icc_len, &icc) && icc &&
	    icc_len) {
		d->info.icc = icc;
		d->info.icc_len = icc_len;
	}
	/* libtiff holds the XMP packet while the file is open */
	uint32_t xmp_len = 0;
	const uint8_t *xmp = NULL;
	if (TIFFGetField(st->tif, TIFFTAG_XMLPACKET, &xmp_len, &xmp))
		metadata_set(&d->info.meta.xmp, &d->info.meta.xmp_len, xmp, xmp_len);
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
	last_message[0] = '\0';
	if (st->by_samples) {
		int rc = tiff_samples_decode(st->tif, &st->layout, max_pixels, out, err);
		return rc == TIFF_SAMPLES_READ_ERROR ? tiff_fail(err, "cannot decode the page") : rc;
	}
	/* libtiff fills 4 bytes a pixel; they are packed to the page's channels after */
	if (image_alloc(out, d->info.width, d->info.height, 4, 8, max_pixels, err) < 0)
		return -1;
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

/* Where the encoder's bytes go: out, from base on.  libtiff seeks back to
 * patch offsets and may seek past the end, so this is a file in memory. */
struct tiff_sink {
	struct buffer *out;
	size_t base;
	toff_t pos;
	bool out_of_memory;
};

/* Makes out hold at least base + end bytes, zero-filling any gap. */
static int sink_extend(struct tiff_sink *s, size_t end)
{
	static const uint8_t zeros[512];
	struct ib_error err;
	while (s->out->len < s->base + end) {
		size_t gap = s->base + end - s->out->len;
		if (buffer_append(s->out, zeros, gap < sizeof zeros ? gap : sizeof zeros, &err) < 0) {
			s->out_of_memory = true;
			return -1;
		}
	}
	return 0;
}

static tmsize_t write_sink(thandle_t h, void *in, tmsize_t n)
{
	struct tiff_sink *s = h;
	if (n < 0 || s->pos > SIZE_MAX - s->base - (size_t)n || sink_extend(s, s->pos + (size_t)n) < 0)
		return -1;
	memcpy(s->out->data + s->base + s->pos, in, (size_t)n);
	s->pos += (toff_t)n;
	return n;
}

static tmsize_t read_sink(thandle_t h, void *out, tmsize_t n)
{
	struct tiff_sink *s = h;
	size_t len = s->out->len - s->base;
	if (n < 0)
		return -1;
	size_t take = s->pos < len ? len - s->pos : 0;
	take = (size_t)n < take ? (size_t)n : take;
	if (take)
		memcpy(out, s->out->data + s->base + s->pos, take);
	s->pos += take;
	return (tmsize_t)take;
}

static toff_t seek_sink(thandle_t h, toff_t off, int whence)
{
	struct tiff_sink *s = h;
	toff_t len = s->out->len - s->base;
	toff_t from = whence == SEEK_CUR ? s->pos : whence == SEEK_END ? len : 0;
	if (off > UINT64_MAX - from)
		return (toff_t)-1;
	s->pos = from + off;
	return s->pos;
}

static toff_t size_of_sink(thandle_t h)
{
	struct tiff_sink *s = h;
	return s->out->len - s->base;
}

/* Rows a strip of about 64 KB holds, at least one. */
static uint32_t rows_per_strip(const struct image *img)
{
	size_t row = (size_t)img->width * image_bytes_per_pixel(img);
	size_t rows = row < 65536 ? 65536 / row : 1;
	return rows < img->height ? (uint32_t)rows : img->height;
}

static bool set_fields(TIFF *tif, const struct image *img, const struct encode_options *opts)
{
	uint16_t alpha = EXTRASAMPLE_UNASSALPHA;
	bool ok = TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, img->width) &&
		  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, img->height) &&
		  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (uint16_t)img->depth) &&
		  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)img->channels) &&
		  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC,
			       img->channels <= 2 ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_RGB) &&
		  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) &&
		  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rows_per_strip(img)) &&
		  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE) &&
		  TIFFSetField(tif, TIFFTAG_ZIPQUALITY, opts->compression);
	/* Deflate compresses the differences of neighbours better than levels */
	if (ok && img->depth == 8)
		ok = TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
	if (ok && image_has_alpha(img))
		ok = TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, &alpha);
	if (ok && opts->icc)
		ok = TIFFSetField(tif, TIFFTAG_ICCPROFILE, (uint32_t)opts->icc_len, opts->icc);
	if (ok && opts->meta.xmp)
		ok = TIFFSetField(tif, TIFFTAG_XMLPACKET, (uint32_t)opts->meta.xmp_len, opts->meta.xmp);
	return ok;
}

/* Writes img strip by strip through a copy: libtiff alters the buffer it is
 * given (predictor, byte swapping), and img's rows may be padded. */
static bool write_strips(TIFF *tif, const struct image *img)
{
	uint32_t per_strip = rows_per_strip(img);
	size_t row = (size_t)img->width * image_bytes_per_pixel(img);
	uint8_t *strip = malloc(row * per_strip);
	if (!strip) {
		snprintf(last_message, sizeof last_message, "out of memory");
		return false;
	}
	bool ok = true;
	for (uint32_t y = 0; ok && y < img->height; y += per_strip) {
		uint32_t rows = img->height - y < per_strip ? img->height - y : per_strip;
		for (uint32_t i = 0; i < rows; i++)
			memcpy(strip + i * row, image_row(img, y + i), row);
		ok = TIFFWriteEncodedStrip(tif, y / per_strip, strip, (tmsize_t)(row * rows)) >= 0;
	}
	free(strip);
	return ok;
}

static int encode_tiff(const struct image *img, const struct encode_options *opts,
		       struct buffer *out, struct ib_error *err)
{
	struct tiff_sink sink = { .out = out, .base = out->len };
	last_message[0] = '\0';
	TIFFSetErrorHandler(keep_message);
	TIFFSetWarningHandler(ignore_warning);
	TIFF *tif = TIFFClientOpen("output", "wm", &sink, read_sink, write_sink, seek_sink,
				   close_memory, size_of_sink, NULL, NULL);
	bool ok = tif && set_fields(tif, img, opts) && write_strips(tif, img) && TIFFFlush(tif);
	if (tif)
		TIFFClose(tif);
	if (ok)
		return 0;
	out->len = sink.base;
	if (sink.out_of_memory)
		return ib_fail(err, "TIFF: out of memory");
	return tiff_fail(err, "cannot write the image");
}

const struct codec codec_tiff = {
	.name = "tiff",
	.extension = "tif",
	.mime = "image/tiff",
	.format = FORMAT_TIFF,
	.write_as = FORMAT_TIFF,
	.sniff = sniff_tiff,
	.open = open_tiff,
	.decode = decode_tiff,
	.close = close_tiff,
	.encode = encode_tiff,
};
