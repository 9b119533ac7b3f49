/*
 * Camera RAW files (CR2, CR3, NEF, ARW, DNG, ORF, RW2, RAF, PEF) through
 * libraw, for their embedded preview only: no demosaicing.  The preview is
 * what decodes; when it is smaller than the size asked for, decoding fails
 * rather than enlarge it.  A JPEG preview (the usual kind) goes through our
 * JPEG codec, so it shrinks on load; an 8-bit RGB bitmap preview is copied.
 * The image is reported at the RAW's size when the preview has its aspect
 * ratio, so outputs are planned as for the photo itself.
 *
 * Sniffing by content: CR3 ('crx ' brand), RAF ("FUJIFILMCCD-RAW"), RW2
 * ("IIU\0") and ORF ("IIRO", "IIRS", "MMOR") have their own magic; the
 * rest start with a TIFF header, and a TIFF is taken as RAW when
 *   - it is a CR2 ("CR" and major version 2 at byte 8), or
 *   - IFD0 has DNGVersion (a DNG), or
 *   - IFD0's Make is NIKON, SONY, PENTAX or RICOH and libraw opens it (it
 *     does not open a plain RGB TIFF from such a camera).
 * Every other TIFF stays with the TIFF codec.
 */
#include "config.h"

#include <fcntl.h>
#include <libraw/libraw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "codec/codec.h"
#include "codec/exif.h"

#define TAG_MAKE 0x010F
#define TAG_DNG_VERSION 0xC612
#define ASPECT_TOLERANCE 0.01

struct raw_state {
	libraw_data_t *lr;
	struct decoder jpeg;          /* the preview, when it is a JPEG */
	bool have_jpeg;
	uint32_t preview_w, preview_h;
};

static bool is_tiff(const uint8_t *data, size_t len)
{
	return len >= 4 && (memcmp(data, "II*\0", 4) == 0 || memcmp(data, "MM\0*", 4) == 0);
}

static bool sniff_cr2(const uint8_t *data, size_t len)
{
	return len >= 11 && memcmp(data, "II*\0", 4) == 0 && memcmp(data + 8, "CR\2", 3) == 0;
}

static bool sniff_dng(const uint8_t *data, size_t len)
{
	return is_tiff(data, len) && exif_ifd0_has(data, len, TAG_DNG_VERSION);
}

static libraw_data_t *libraw_quiet(void)
{
	/* without these flags libraw prints its errors on stderr */
	return libraw_init(LIBRAW_OPIONS_NO_MEMERR_CALLBACK | LIBRAW_OPIONS_NO_DATAERR_CALLBACK);
}

/*
 * libraw reads a preview's JPEG header with libjpeg's default error manager,
 * which prints warnings on damaged data ("Corrupt JPEG data: ...") to
 * stderr, and offers no hook to replace it.  A codec must not print, so
 * file descriptor 2 points to /dev/null while libraw parses (imgbatch has
 * no threads that could write meanwhile).  Returns the saved descriptor.
 */
static int stderr_off(void)
{
	fflush(stderr);
	int saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && null >= 0)
		dup2(null, 2);
	if (null >= 0)
		close(null);
	return saved;
}

static void stderr_on(int saved)
{
	if (saved < 0)
		return;
	dup2(saved, 2);
	close(saved);
}

/* A TIFF whose Make starts with one of makers (NULL-terminated) and which
 * libraw opens as a RAW (it refuses an RGB TIFF: tests/check_raw.c). */
static bool maker_raw(const uint8_t *data, size_t len, const char *const *makers)
{
	char make[32];
	if (!is_tiff(data, len) || sniff_cr2(data, len) || sniff_dng(data, len) ||
	    !exif_ifd0_string(data, len, TAG_MAKE, make, sizeof make))
		return false;
	bool named = false;
	for (; *makers && !named; makers++)
		named = strncasecmp(make, *makers, strlen(*makers)) == 0;
	if (!named)
		return false;
	libraw_data_t *lr = libraw_quiet();
	int saved = stderr_off();
	bool raw = lr && libraw_open_buffer(lr, (void *)data, len) == LIBRAW_SUCCESS;
	stderr_on(saved);
	if (lr)
		libraw_close(lr);
	return raw;
}

static bool sniff_nef(const uint8_t *data, size_t len)
{
	static const char *const makers[] = { "NIKON", NULL };
	return maker_raw(data, len, makers);
}

static bool sniff_arw(const uint8_t *data, size_t len)
{
	static const char *const makers[] = { "SONY", NULL };
	return maker_raw(data, len, makers);
}

static bool sniff_pef(const uint8_t *data, size_t len)
{
	static const char *const makers[] = { "PENTAX", "RICOH", NULL };
	return maker_raw(data, len, makers);
}

static bool sniff_cr3(const uint8_t *data, size_t len)
{
	return len >= 12 && memcmp(data + 4, "ftypcrx ", 8) == 0;
}

static bool sniff_orf(const uint8_t *data, size_t len)
{
	return len >= 4 && (memcmp(data, "IIRO", 4) == 0 || memcmp(data, "IIRS", 4) == 0 ||
			    memcmp(data, "MMOR", 4) == 0);
}

static bool sniff_rw2(const uint8_t *data, size_t len)
{
	return len >= 4 && memcmp(data, "IIU\0", 4) == 0;
}

static bool sniff_raf(const uint8_t *data, size_t len)
{
	return len >= 15 && memcmp(data, "FUJIFILMCCD-RAW", 15) == 0;
}

static void state_free(struct raw_state *st)
{
	if (st->have_jpeg)
		codec_jpeg.close(&st->jpeg);
	if (st->lr)
		libraw_close(st->lr);
	free(st);
}

/* libraw's flip (dcraw's numbering) as an EXIF orientation. */
static int flip_to_orientation(int flip)
{
	static const int orientation[8] = { 1, 2, 4, 3, 5, 8, 6, 7 };
	return flip >= 0 && flip < 8 ? orientation[flip] : 1;
}

/* Whether the preview the header declares fits in a file of len bytes
 * (checked before libraw allocates it: a damaged header can declare any). */
static bool preview_fits(const libraw_thumbnail_t *t, size_t len)
{
	uint64_t bitmap = (uint64_t)t->twidth * t->theight * 3;
	return t->tlength <= len && (t->tformat != LIBRAW_THUMBNAIL_BITMAP || bitmap <= len);
}

/* The JPEG codec's reason, said to be about the preview: -1. */
static int preview_failed(struct ib_error *err)
{
	char jpeg[IB_REASON_MAX];
	memcpy(jpeg, err->msg, sizeof jpeg);
	return ib_fail(err, "RAW: preview: %s", jpeg);
}

/* Opens the preview libraw unpacked: a JPEG with our codec, or an 8-bit RGB
 * bitmap as it is. */
static int open_preview(struct decoder *d, struct raw_state *st, struct ib_error *err)
{
	const libraw_thumbnail_t *t = &st->lr->thumbnail;
	if (t->tformat == LIBRAW_THUMBNAIL_BITMAP && t->tcolors == 3 && t->twidth && t->theight &&
	    (uint64_t)t->twidth * t->theight * 3 <= t->tlength) {
		st->preview_w = t->twidth;
		st->preview_h = t->theight;
		return 0;
	}
	if (t->tformat != LIBRAW_THUMBNAIL_JPEG)
		return ib_fail(err, "RAW: the preview is in a form imgbatch does not read");
	st->jpeg.fail_on = d->fail_on;
	if (codec_jpeg.open(&st->jpeg, (const uint8_t *)t->thumb, t->tlength, err) < 0)
		return preview_failed(err);
	st->have_jpeg = true;
	st->preview_w = st->jpeg.info.width;
	st->preview_h = st->jpeg.info.height;
	return 0;
}

/* Whether the preview and the RAW have the same aspect ratio (within 1%). */
static bool same_aspect(uint32_t w, uint32_t h, uint32_t W, uint32_t H)
{
	double a = (double)w * H, b = (double)h * W;
	return a <= b * (1 + ASPECT_TOLERANCE) && b <= a * (1 + ASPECT_TOLERANCE);
}

static void fill_info(struct decoder *d, const struct raw_state *st)
{
	uint32_t W = st->lr->sizes.width, H = st->lr->sizes.height;
	bool full = W >= st->preview_w && H >= st->preview_h &&
		    same_aspect(st->preview_w, st->preview_h, W, H);
	/* the preview's own EXIF orientation, when it has one, is about it;
	 * else the RAW's applies (once: the pipeline turns the image) */
	int orientation = st->have_jpeg ? st->jpeg.info.orientation : 1;
	d->info = (struct image_info){
		.width = full ? W : st->preview_w, .height = full ? H : st->preview_h,
		.channels = 3, .depth = 8,
		.orientation = orientation != 1 ? orientation : flip_to_orientation(st->lr->sizes.flip),
	};
	if (st->have_jpeg) {
		d->info.icc = st->jpeg.info.icc;
		d->info.icc_len = st->jpeg.info.icc_len;
	}
}

static int raw_fail(int rc, struct ib_error *err)
{
	if (rc == LIBRAW_NO_THUMBNAIL)
		return ib_fail(err, "RAW: no embedded preview");
	/* the signature was there: a cut file or a camera libraw does not know */
	if (rc == LIBRAW_FILE_UNSUPPORTED)
		return ib_fail(err, "RAW: damaged file or unknown camera (libraw cannot read it)");
	return ib_fail(err, "RAW: %s", libraw_strerror(rc));
}

static int open_raw(struct decoder *d, const uint8_t *data, size_t len, struct ib_error *err)
{
	struct raw_state *st = calloc(1, sizeof *st);
	if (!st || !(st->lr = libraw_quiet())) {
		free(st);
		return ib_fail(err, "RAW: out of memory");
	}
	int saved = stderr_off();
	int rc = libraw_open_buffer(st->lr, (void *)data, len);
	bool fits = rc == LIBRAW_SUCCESS && preview_fits(&st->lr->thumbnail, len);
	if (fits)
		rc = libraw_unpack_thumb(st->lr);
	stderr_on(saved);
	if (rc == LIBRAW_SUCCESS && !fits) {
		state_free(st);
		return ib_fail(err, "RAW: damaged file (its preview lies past the end)");
	}
	if (rc != LIBRAW_SUCCESS) {
		state_free(st);
		return raw_fail(rc, err);
	}
	if (open_preview(d, st, err) < 0) {
		state_free(st);
		return -1;
	}
	fill_info(d, st);
	d->state = st;
	return 0;
}

static int copy_bitmap(const struct raw_state *st, uint64_t max_pixels, struct image *out,
		       struct ib_error *err)
{
	if (image_alloc(out, st->preview_w, st->preview_h, 3, 8, max_pixels, err) < 0)
		return -1;
	const uint8_t *src = (const uint8_t *)st->lr->thumbnail.thumb;
	for (uint32_t y = 0; y < st->preview_h; y++)
		memcpy(image_row(out, y), src + (size_t)y * st->preview_w * 3, (size_t)st->preview_w * 3);
	return 0;
}

static int decode_raw(struct decoder *d, uint32_t min_w, uint32_t min_h, uint64_t max_pixels,
		      struct image *out, struct ib_error *err)
{
	struct raw_state *st = d->state;
	uint32_t want_w = min_w ? min_w : d->info.width, want_h = min_h ? min_h : d->info.height;
	if (st->preview_w < want_w || st->preview_h < want_h)
		return ib_fail(err, "RAW: preview %ux%u is smaller than the %u px asked for",
			       st->preview_w, st->preview_h,
			       st->preview_w < want_w ? want_w : want_h);
	if (!st->have_jpeg)
		return copy_bitmap(st, max_pixels, out, err);
	if (codec_jpeg.decode(&st->jpeg, min_w, min_h, max_pixels, out, err) < 0)
		return preview_failed(err);
	if (!d->warning[0])
		memcpy(d->warning, st->jpeg.warning, sizeof d->warning);
	return 0;
}

static void close_raw(struct decoder *d)
{
	if (d->state)
		state_free(d->state);
	d->state = NULL;
}

#define RAW_CODEC(id, ext, mime_type, fmt) \
	const struct codec codec_##id = { \
		.name = ext, .extension = ext, .mime = mime_type, .format = fmt, \
		.write_as = FORMAT_JPEG, .sniff = sniff_##id, .open = open_raw, \
		.decode = decode_raw, .close = close_raw, .encode = NULL, \
	}

RAW_CODEC(cr2, "cr2", "image/x-canon-cr2", FORMAT_CR2);
RAW_CODEC(cr3, "cr3", "image/x-canon-cr3", FORMAT_CR3);
RAW_CODEC(nef, "nef", "image/x-nikon-nef", FORMAT_NEF);
RAW_CODEC(arw, "arw", "image/x-sony-arw", FORMAT_ARW);
RAW_CODEC(dng, "dng", "image/x-adobe-dng", FORMAT_DNG);
RAW_CODEC(orf, "orf", "image/x-olympus-orf", FORMAT_ORF);
RAW_CODEC(rw2, "rw2", "image/x-panasonic-rw2", FORMAT_RW2);
RAW_CODEC(raf, "raf", "image/x-fuji-raf", FORMAT_RAF);
RAW_CODEC(pef, "pef", "image/x-pentax-pef", FORMAT_PEF);
