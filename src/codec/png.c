#include "config.h"
#include "codec/codec.h"
#include "codec/exif.h"
#include "codec/png_chunk.h"
#include "codec/png_idat.h"
#include "codec/png_palette.h"
#include "codec/png_restream.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

/* The IHDR chunk type, which must follow the signature and its length. */
#define IHDR_TYPE_OFFSET 12
/* The iTXt keyword of an XMP packet. */
#define XMP_KEY "XML:com.adobe.xmp"
/*
 * Caps what libpng may allocate for one ancillary chunk, compressed or not:
 * in practice an ICC profile or eXIf block.  16 MiB holds the largest real
 * profiles (JPEG can carry about as much) while a forged length or a zlib
 * bomb in iCCP cannot make it allocate more.
 */
#define CHUNK_MALLOC_MAX (16u << 20)
/* Chunks that imgbatch never uses: libpng skips them instead of inflating
 * and storing them.  Five bytes per name, NUL included. */
static const png_byte ignored_chunks[] = "tEXt\0zTXt\0iTXt\0sPLT";
#define IGNORED_CHUNK_COUNT ((int)(sizeof ignored_chunks / 5))

/* ---- errors ---------------------------------------------------------------- */

/*
 * libpng reports errors through an error function that must not return: ours
 * keeps the message and longjmps to the setjmp of the helper that called
 * into libpng.  Warnings (benign errors such as an ancillary chunk's bad CRC
 * among them) are never printed: decoding, they go to the decoder
 * (decoder_warn), which may make them fatal; the last one is quoted in the
 * reason when an error follows it.
 */
struct fault {
	jmp_buf bail;
	struct decoder *dec;            /* decoding: where warnings go; NULL encoding */
	char message[IB_REASON_MAX];
	char warning[IB_REASON_MAX];
};

static __attribute__((noreturn)) void on_error(png_structp png, png_const_charp msg)
{
	struct fault *fault = png_get_error_ptr(png);
	snprintf(fault->message, sizeof fault->message, "%s", msg);
	longjmp(fault->bail, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
	struct fault *fault = png_get_error_ptr(png);
	char what[IB_REASON_MAX];

	snprintf(what, sizeof what, "PNG: %s", msg);
	if (fault->dec && decoder_warn(fault->dec, DAMAGE_WARNING, what)) {
		fault->warning[0] = '\0';
		on_error(png, msg);
	}
	snprintf(fault->warning, sizeof fault->warning, "%s", msg);
}

static int fault_reason(const struct fault *fault, struct ib_error *err)
{
	if (fault->warning[0])
		return ib_fail(err, "PNG: %s (after warning: %s)", fault->message,
			       fault->warning);
	return ib_fail(err, "PNG: %s", fault->message);
}

static bool host_is_little_endian(void)
{
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}

/* ---- decoding -------------------------------------------------------------- */

struct decoder_state {
	png_structp png;
	png_infop info;
	struct fault fault;
	const uint8_t *data;
	size_t len, pos;
	uint8_t *restreamed;   /* data, when png_restream made it */
	bool rows_started;     /* read_pixels got to the rows */
};

/*
 * The PNG signature, or a damaged signature followed by an IHDR chunk: a
 * file whose signature was mangled in place (e.g. its high bit cleared by a
 * 7-bit transfer) is still a PNG, which must fail with libpng's reason rather
 * than be skipped as "not an image".
 */
static bool sniff_png(const uint8_t *data, size_t len)
{
	if (png_has_signature(data, len))
		return true;
	return len >= IHDR_TYPE_OFFSET + 4 && !memcmp(data + IHDR_TYPE_OFFSET, "IHDR", 4);
}

/* libpng's read callback: serves the in-memory file, never past its end. */
static void read_data(png_structp png, png_bytep out, size_t len)
{
	struct decoder_state *st = png_get_io_ptr(png);

	if (len > st->len - st->pos)
		png_error(png, "file is truncated");
	memcpy(out, st->data + st->pos, len);
	st->pos += len;
}

/*
 * Per-side limits: the format's own (2^31 - 1) instead of libpng's default of
 * one million, which would refuse wide images.  Reading, the area is what
 * --max-pixels limits, in decode, before libpng allocates its row buffers.
 */
static void set_side_limits(png_structp png)
{
	png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
}

static void set_limits(png_structp png)
{
	set_side_limits(png);
	png_set_chunk_malloc_max(png, CHUNK_MALLOC_MAX);
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, ignored_chunks,
				    IGNORED_CHUNK_COUNT);
}

/* Reads the chunks up to the first IDAT; -1 when libpng bailed out. */
static int read_header(struct decoder_state *st)
{
	if (setjmp(st->fault.bail))
		return -1;
	st->info = png_create_info_struct(st->png);
	if (!st->info)
		png_error(st->png, "out of memory");
	png_set_read_fn(st->png, st, read_data);
	set_limits(st->png);
	png_read_info(st->png, st->info);
	return 0;
}

/*
 * The layout decode delivers (see the transforms in read_pixels): a palette
 * becomes RGB, gray of 1, 2 or 4 bits becomes 8-bit, a tRNS chunk becomes an
 * alpha channel; 16-bit stays 16-bit.
 */
static void delivered_layout(struct decoder_state *st, uint32_t *channels,
			     uint32_t *depth)
{
	int type = png_get_color_type(st->png, st->info);
	bool trns = png_get_valid(st->png, st->info, PNG_INFO_tRNS);
	bool alpha = (type & PNG_COLOR_MASK_ALPHA) || trns;

	/* A palette's colour type has the colour bit set. */
	*channels = ((type & PNG_COLOR_MASK_COLOR) ? 3 : 1) + alpha;
	*depth = png_get_bit_depth(st->png, st->info) == 16 ? 16 : 8;
}

/* Orientation and EXIF from the eXIf chunk (libpng keeps it). */
static void read_exif(const struct decoder_state *st, struct image_info *info)
{
	png_uint_32 len;
	png_bytep exif;

	info->orientation = 1;
	if (!png_get_eXIf_1(st->png, st->info, &len, &exif))
		return;
	info->orientation = exif_orientation(exif, len);
	metadata_set(&info->meta.exif, &info->meta.exif_len, exif, len);
}

/*
 * The XMP packet: the first iTXt chunk keyed XMP_KEY, uncompressed (as XMP
 * writers store it; a compressed one is not read).  libpng is told to skip
 * text chunks, so the file's chunks are walked here; the packet stays in
 * data, which outlives the decoder.
 */
static void read_xmp(const uint8_t *data, size_t len, struct image_info *info)
{
	struct png_chunk c;
	size_t pos = PNG_SIGNATURE_LEN, key = sizeof XMP_KEY;
	while (png_chunk_next(data, len, &pos, &c) == PNG_CHUNK_OK && !png_chunk_is(&c, "IEND")) {
		const uint8_t *p = c.type + 4, *end = p + c.length;
		if (!png_chunk_is(&c, "iTXt") || c.length < key + 2 || memcmp(p, XMP_KEY, key) ||
		    p[key] != 0)
			continue;
		/* compression flag, method, language tag\0, translated keyword\0 */
		const uint8_t *lang = p + key + 2;
		const uint8_t *nul = memchr(lang, 0, (size_t)(end - lang));
		nul = nul ? memchr(nul + 1, 0, (size_t)(end - nul - 1)) : NULL;
		if (nul)
			metadata_set(&info->meta.xmp, &info->meta.xmp_len, nul + 1,
				     (size_t)(end - nul - 1));
		return;
	}
}

/* libpng validated the profile (and dropped a broken one) while reading. */
static void read_icc(const struct decoder_state *st, struct image_info *info)
{
	png_charp name;
	int compression;
	png_bytep profile;
	png_uint_32 len;

	if (png_get_iCCP(st->png, st->info, &name, &compression, &profile, &len)) {
		info->icc = profile;
		info->icc_len = len;
	}
}

static void decoder_destroy(struct decoder_state *st)
{
	/* Safe on NULL pointers. */
	png_destroy_read_struct(&st->png, &st->info, NULL);
	free(st->restreamed);
	free(st);
}

/* png_restream checked the critical chunks' CRCs and the image data's
 * Adler-32 already; ancillary chunks' CRCs are still libpng's to check. */
static void trust_restreamed_checks(png_structp png)
{
	png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_DEFAULT);
#ifdef PNG_IGNORE_ADLER32
	png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
}

static int open_png(struct decoder *d, const uint8_t *data, size_t len,
			    struct ib_error *err)
{
	struct decoder_state *st = calloc(1, sizeof *st);
	if (!st)
		return ib_fail(err, "PNG: out of memory");
	st->restreamed = png_restream(data, len, &st->len);
	st->data = st->restreamed ? st->restreamed : data;
	if (!st->restreamed)
		st->len = len;
	st->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &st->fault,
					 on_error, on_warning);
	if (!st->png) {
		ib_fail(err, "PNG: out of memory");
		goto fail;
	}
	st->fault.dec = d;
	if (st->restreamed)
		trust_restreamed_checks(st->png);
	if (read_header(st) < 0) {
		fault_reason(&st->fault, err);
		goto fail;
	}

	d->codec = &codec_png;
	d->state = st;
	d->info = (struct image_info) {
		.width = png_get_image_width(st->png, st->info),
		.height = png_get_image_height(st->png, st->info),
	};
	delivered_layout(st, &d->info.channels, &d->info.depth);
	read_icc(st, &d->info);
	read_exif(st, &d->info);
	read_xmp(data, len, &d->info);
	return 0;
fail:
	decoder_destroy(st);
	return -1;
}

/*
 * Asks libpng for the delivered layout, checks that its rows are exactly the
 * rows of out, and decodes every pass of every row into out.  Reads on to
 * IEND, so damage after the last row (a bad CRC of the last IDAT, a cut
 * file) counts too.  Returns -1 when libpng bailed out.
 */
static int read_pixels(struct decoder_state *st, const struct image *out)
{
	png_structp png = st->png;

	if (setjmp(st->fault.bail))
		return -1;
	png_set_expand(png);
	if (out->depth == 16 && host_is_little_endian())
		png_set_swap(png);
	int passes = png_set_interlace_handling(png);
	png_read_update_info(png, st->info);
	if (png_get_rowbytes(png, st->info) != (size_t)out->width * image_bytes_per_pixel(out))
		png_error(png, "unexpected row layout after transformations");
	st->rows_started = true;

	/* An interlaced image fills each row's pixels over several passes. */
	for (int pass = 0; pass < passes; pass++)
		for (uint32_t y = 0; y < out->height; y++)
			png_read_row(png, image_row(out, y), NULL);
	png_read_end(png, st->info);
	return 0;
}

static int decode_png(struct decoder *d, uint32_t min_w, uint32_t min_h,
			      uint64_t max_pixels, struct image *out,
			      struct ib_error *err)
{
	struct decoder_state *st = d->state;
	struct ib_error why;

	/* PNG has no cheap reduced-size decoding: always the full image. */
	(void)min_w;
	(void)min_h;
	if (image_alloc(out, d->info.width, d->info.height, d->info.channels,
			d->info.depth, max_pixels, err) < 0)
		return -1;
	/* --fail-on none keeps a damaged file's rows: the rest stays 0. */
	if (d->fail_on == FAIL_ON_NONE)
		memset(out->pixels, 0, out->stride * out->height);
	st->fault.dec = d;    /* d may have been moved since open */
	if (read_pixels(st, out) == 0)
		return 0;
	fault_reason(&st->fault, &why);
	/* libpng cannot go on past an error: what it decoded is a cut picture. */
	if (st->rows_started && !decoder_warn(d, DAMAGE_TRUNCATED, why.msg))
		return 0;
	image_free(out);
	return ib_fail(err, "%s", why.msg);
}

static void close_png(struct decoder *d)
{
	if (d->state)
		decoder_destroy(d->state);
	d->state = NULL;
	d->info.icc = NULL;
	d->info.icc_len = 0;
	d->info.meta = (struct metadata){ 0 };
}

/* ---- encoding -------------------------------------------------------------- */

struct encoder_state {
	png_structp png;
	png_infop info;
	struct fault fault;
	uint8_t *idat;          /* png_idat_compress's stream, while written */
	char *xmp;              /* the XMP packet with a NUL, or NULL */
};

static void write_data(png_structp png, png_bytep data, size_t len)
{
	if (buffer_append(png_get_io_ptr(png), data, len, NULL) < 0)
		png_error(png, "out of memory");
}

/* Everything goes to memory: nothing to flush. */
static void flush_data(png_structp png)
{
	(void)png;
}

static int color_type(uint32_t channels)
{
	static const int types[] = {
		PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
		PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA,
	};
	return types[channels - 1];
}

/*
 * libpng checks the profile against the image (it must be a valid RGB
 * profile for colour, GRAY for gray) and leaves out, with a warning, one
 * that does not fit, e.g. the CMYK profile of a CMYK JPEG whose pixels
 * were converted to RGB: it would describe the image wrongly.  Writing,
 * libpng treats such a profile as an application error that aborts the
 * whole encode unless benign errors are allowed.
 */
static void set_icc(png_structp png, png_infop info, const struct encode_options *opts)
{
	if (opts->icc && opts->icc_len) {
		png_set_benign_errors(png, 1);
		png_set_iCCP(png, info, "ICC profile", PNG_COMPRESSION_TYPE_BASE,
			     opts->icc, (png_uint_32)opts->icc_len);
	}
}

/* tEXt chunks, written before the image data where readers look first. */
static void set_text(png_structp png, png_infop info, const struct encode_options *opts)
{
	png_text text[ENCODE_MAX_TEXT];
	unsigned n = opts->ntext < ENCODE_MAX_TEXT ? opts->ntext : ENCODE_MAX_TEXT;

	memset(text, 0, sizeof text);
	for (unsigned i = 0; i < n; i++) {
		text[i].compression = PNG_TEXT_COMPRESSION_NONE;
		/* libpng copies the strings; its struct is not const-qualified */
		text[i].key = (char *)opts->text[i].key;
		text[i].text = (char *)opts->text[i].value;
	}
	if (n)
		png_set_text(png, info, text, (int)n);
}

/* EXIF as eXIf, XMP as an uncompressed iTXt chunk (xmp: its text with a NUL,
 * as libpng wants it, or NULL). */
static void set_metadata(png_structp png, png_infop info, const struct encode_options *opts,
			 char *xmp)
{
	if (opts->meta.exif)
		png_set_eXIf_1(png, info, (png_uint_32)opts->meta.exif_len,
			       (png_bytep)opts->meta.exif);
	if (xmp) {
		png_text text = {
			.compression = PNG_ITXT_COMPRESSION_NONE,
			.key = XMP_KEY,
			.text = xmp,
			.lang = "",
			.lang_key = "",
		};
		png_set_text(png, info, &text, 1);
	}
}

/*
 * Filters: none at level 0, where nothing is compressed and filtering would
 * only cost time; Sub alone at level 1, the fast setting (trying all five
 * filters on every row takes more time than zlib at that level); libpng's
 * adaptive choice per row from level 2 on.
 */
static void set_compression(png_structp png, int level)
{
	png_set_compression_level(png, level);
	if (level <= 1)
		png_set_filter(png, PNG_FILTER_TYPE_BASE, level == 0 ? PNG_FILTER_NONE : PNG_FILTER_SUB);
}

/*
 * The image data as one IDAT chunk made by png_idat_compress, then IEND.
 * libpng's png_write_end is not called: it would insist on image data of its
 * own making, and everything it would add (text, tIME) was written before.
 */
static int write_idat_in_one(struct encoder_state *st, const struct image *img, int level)
{
	size_t len = 0;

	st->idat = png_idat_compress(img, level, &len);
	if (!st->idat)
		png_error(st->png, "out of memory");
	png_write_chunk(st->png, (png_const_bytep)"IDAT", st->idat, len);
	png_write_chunk(st->png, (png_const_bytep)"IEND", NULL, 0);
	return 0;
}

/* The image's layout in IHDR, and for a palette its PLTE and tRNS. */
static void set_header(png_structp png, png_infop info, const struct image *img,
		       const struct png_palette *pal, bool interlaced)
{
	png_set_IHDR(png, info, img->width, img->height, (int)img->depth,
		     pal ? PNG_COLOR_TYPE_PALETTE : color_type(img->channels),
		     interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
	if (!pal)
		return;
	png_color plte[256];
	for (unsigned i = 0; i < pal->count; i++)
		plte[i] = (png_color){ pal->rgb[i][0], pal->rgb[i][1], pal->rgb[i][2] };
	png_set_PLTE(png, info, plte, (int)pal->count);
	if (pal->transparent)
		png_set_tRNS(png, info, pal->alpha, (int)pal->transparent, NULL);
}

/*
 * The rows through libpng: every pass of Adam7 (png_set_interlace_handling
 * picks each pass's pixels from the whole rows it is given), or once.
 */
static void write_rows(png_structp png, const struct image *img, bool interlaced)
{
	int passes = interlaced ? png_set_interlace_handling(png) : 1;
	/* PNG stores 16-bit samples big-endian. */
	if (img->depth == 16 && host_is_little_endian())
		png_set_swap(png);
	for (int pass = 0; pass < passes; pass++)
		for (uint32_t y = 0; y < img->height; y++)
			png_write_row(png, image_row(img, y));
}

/* Runs the whole compression; -1 when libpng bailed out.  img is the
 * pixels, or with pal the palette indices.  Adam7 goes through libpng only:
 * the fast single-IDAT path writes plain rows. */
static int compress_image(struct encoder_state *st, const struct image *img,
			  const struct png_palette *pal, const struct encode_options *opts,
			  struct buffer *out)
{
	png_structp png = st->png;
	bool interlaced = opts->progressive;

	if (setjmp(st->fault.bail))
		return -1;
	st->info = png_create_info_struct(png);
	if (!st->info)
		png_error(png, "out of memory");
	png_set_write_fn(png, out, write_data, flush_data);
	set_side_limits(png);
	set_header(png, st->info, img, pal, interlaced);
	set_compression(png, opts->compression);
	set_icc(png, st->info, opts);
	set_text(png, st->info, opts);
	set_metadata(png, st->info, opts, st->xmp);
	png_write_info(png, st->info);
	/* written: png_write_end would write eXIf again after the image data
	 * (libpng 1.6.39 does not mark it written) */
	png_free_data(png, st->info, PNG_FREE_EXIF, -1);
	if (!interlaced && png_idat_raw_size(img) <= PNG_IDAT_MAX_RAW)
		return write_idat_in_one(st, img, opts->compression);
	write_rows(png, img, interlaced);
	png_write_end(png, st->info);
	return 0;
}

static int encode_png(const struct image *img, const struct encode_options *opts,
		      struct buffer *out, struct ib_error *err)
{
	if (img->channels < 1 || img->channels > 4 || (img->depth != 8 && img->depth != 16))
		return ib_fail(err, "PNG: cannot encode a %u-bit image with %u channels",
			       img->depth, img->channels);
	if (opts->compression < 0 || opts->compression > 9)
		return ib_fail(err, "PNG: compression level %d is outside 0..9",
			       opts->compression);
	if (opts->icc && opts->icc_len > PNG_UINT_31_MAX)
		return ib_fail(err, "PNG: ICC profile of %zu bytes is too large to embed",
			       opts->icc_len);

	struct encoder_state st = { 0 };
	size_t start_len = out->len;
	if (opts->meta.xmp) {
		if (!(st.xmp = malloc(opts->meta.xmp_len + 1)))
			return ib_fail(err, "PNG: out of memory");
		memcpy(st.xmp, opts->meta.xmp, opts->meta.xmp_len);
		st.xmp[opts->meta.xmp_len] = '\0';
	}
	struct png_palette pal;
	if (opts->palette) {
		if (png_palette_make(img, opts->palette, opts->dither, &pal, err) < 0) {
			free(st.xmp);
			return -1;
		}
		img = &pal.indices;
	}
	int ret = -1;

	st.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &st.fault,
					 on_error, on_warning);
	if (!st.png)
		ib_fail(err, "PNG: out of memory");
	else if ((ret = compress_image(&st, img, opts->palette ? &pal : NULL, opts, out)) < 0) {
		fault_reason(&st.fault, err);
		out->len = start_len;
	}
	png_destroy_write_struct(&st.png, &st.info);
	free(st.idat);
	free(st.xmp);
	if (opts->palette)
		png_palette_free(&pal);
	return ret;
}

const struct codec codec_png = {
	.name = "png",
	.extension = "png",
	.mime = "image/png",
	.format = FORMAT_PNG,
	.write_as = FORMAT_PNG,
	.sniff = sniff_png,
	.open = open_png,
	.decode = decode_png,
	.close = close_png,
	.encode = encode_png,
};
