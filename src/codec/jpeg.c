#include "config.h"
#include "codec/codec.h"
#include "codec/exif.h"
#include "codec/icc.h"
#include "codec/metadata.h"
#include "codec/jpeg_dc.h"
#include "codec/jpeg_dc_decode.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#define EXIF_MARKER (JPEG_APP0 + 1)
#define ICC_MARKER (JPEG_APP0 + 2)
#define IPTC_MARKER (JPEG_APP0 + 13)
#define EXIF_PREFIX "Exif\0"    /* six bytes with the implicit NUL */
#define EXIF_PREFIX_LEN 6
#define XMP_PREFIX "http://ns.adobe.com/xap/1.0/"   /* and a NUL */
#define XMP_PREFIX_LEN 29
/* What one marker segment holds after its 2-byte length. */
#define SEGMENT_MAX 65533u
/* jpeg_write_icc_profile splits a profile into at most 255 APP2 markers of
 * 65519 payload bytes each (the sequence number is one byte). */
#define ICC_MAX_LEN (255u * 65519u)
#define ROWS_PER_READ 16
#define DEST_FIRST_CHUNK 65536

/* ---- errors ---------------------------------------------------------------- */

/*
 * libjpeg reports errors through error_exit, which must not return: ours
 * longjmps to the setjmp of the helper that called into libjpeg.  Warnings
 * about corrupt or missing data go to the decoder (decoder_warn): libjpeg
 * goes on past them (a cut file's rest is grey, as djpeg shows it) unless
 * --fail-on says to fail, which takes the error path.  Nothing is printed.
 */
struct fault_mgr {
	struct jpeg_error_mgr mgr;
	jmp_buf bail;
	struct decoder *dec;            /* decoding: where warnings go; NULL encoding */
	bool warning;                   /* the fault was a (fatal) warning */
	bool too_many_scans;            /* stopped by the scan limit */
	char message[JMSG_LENGTH_MAX];
};

/*
 * A progressive JPEG may hold thousands of scans, each a full pass over the
 * coefficients (2,089 took 14 s of CPU).  libjpeg-turbo's documentation
 * advises a limit through the progress monitor; real encoders write about
 * ten (mozjpeg and jpegtran a dozen or so).
 */
#define JPEG_MAX_SCANS 500

static void count_scans(j_common_ptr cinfo)
{
	j_decompress_ptr d = (j_decompress_ptr)cinfo;
	if (!cinfo->is_decompressor || d->input_scan_number <= JPEG_MAX_SCANS)
		return;
	struct fault_mgr *fault = (struct fault_mgr *)cinfo->err;
	fault->too_many_scans = true;
	longjmp(fault->bail, 1);
}

static __attribute__((noreturn)) void raise_fault(j_common_ptr cinfo, bool warning)
{
	struct fault_mgr *fault = (struct fault_mgr *)cinfo->err;
	fault->warning = warning;
	cinfo->err->format_message(cinfo, fault->message);
	longjmp(fault->bail, 1);
}

static __attribute__((noreturn)) void on_error_exit(j_common_ptr cinfo)
{
	raise_fault(cinfo, false);
}

/* Warnings that do not affect the pixels: an unknown JFIF minor revision,
 * and a broken ICC profile, which is then ignored. */
static bool harmless_warning(int code)
{
	return code == JWRN_JFIF_MAJOR || code == JWRN_BOGUS_ICC;
}

/*
 * A premature end of the file or of a scan's data (a marker where coded data
 * should be) leaves the rest of the picture grey, as a cut file; bytes
 * skipped between segments leave the pixels whole; any other warning is
 * about corrupt coded data that libjpeg skips or resynchronises past.
 */
static enum damage damage_of(int code)
{
	if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER)
		return DAMAGE_TRUNCATED;
	return code == JWRN_EXTRANEOUS_DATA ? DAMAGE_WARNING : DAMAGE_ERROR;
}

/* The reason for the warning or error of code, whose libjpeg text is msg. */
static void describe(int code, const char *msg, bool warning, char *out, size_t cap)
{
	static const char corrupt_prefix[] = "Corrupt JPEG data: ";

	if (code == JWRN_JPEG_EOF)
		snprintf(out, cap, "JPEG: truncated data (premature end of file)");
	else if (code == JERR_OUT_OF_MEMORY)
		snprintf(out, cap, "JPEG: out of memory");
	else if (!warning)
		snprintf(out, cap, "JPEG: %s", msg);
	else {
		if (!strncmp(msg, corrupt_prefix, sizeof corrupt_prefix - 1))
			msg += sizeof corrupt_prefix - 1;
		snprintf(out, cap, "JPEG: corrupt data: %s", msg);
	}
}

/* msg_level -1 is a warning; higher levels are trace messages. */
static void on_emit_message(j_common_ptr cinfo, int msg_level)
{
	struct fault_mgr *fault = (struct fault_mgr *)cinfo->err;
	int code = cinfo->err->msg_code;
	char msg[JMSG_LENGTH_MAX], what[IB_REASON_MAX];

	if (msg_level >= 0 || harmless_warning(code))
		return;
	if (!fault->dec)
		raise_fault(cinfo, true);
	cinfo->err->format_message(cinfo, msg);
	describe(code, msg, true, what, sizeof what);
	if (decoder_warn(fault->dec, damage_of(code), what))
		raise_fault(cinfo, true);
}

static void on_output_message(j_common_ptr cinfo)
{
	(void)cinfo;
}

static struct jpeg_error_mgr *fault_init(struct fault_mgr *fault)
{
	struct jpeg_error_mgr *mgr = jpeg_std_error(&fault->mgr);
	mgr->error_exit = on_error_exit;
	mgr->emit_message = on_emit_message;
	mgr->output_message = on_output_message;
	return mgr;
}

/* Turns the fault libjpeg bailed out with into a reason. */
static int fault_reason(const struct fault_mgr *fault, struct ib_error *err)
{
	char what[IB_REASON_MAX];

	if (fault->too_many_scans)
		return ib_fail(err, "JPEG: more than %d progressive scans (a decompression bomb?)",
			       JPEG_MAX_SCANS);
	describe(fault->mgr.msg_code, fault->message, fault->warning, what, sizeof what);
	return ib_fail(err, "%s", what);
}

/* ---- decoding -------------------------------------------------------------- */

struct decoder_state {
	struct jpeg_decompress_struct cinfo;
	struct fault_mgr fault;
	struct jpeg_progress_mgr progress;
	JOCTET *icc;                    /* malloc'd by jpeg_read_icc_profile */
	unsigned int icc_len;
	/* info.meta's blocks: the saved markers go when decoding ends */
	uint8_t *meta;
	const uint8_t *data;            /* the file, which libjpeg reads */
	size_t len;
};

static bool jpeg_sniff(const uint8_t *data, size_t len)
{
	return len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

/* What decode asks libjpeg for: gray stays gray, CMYK is converted here. */
static J_COLOR_SPACE output_color_space(J_COLOR_SPACE stored)
{
	switch (stored) {
	case JCS_GRAYSCALE:
		return JCS_GRAYSCALE;
	case JCS_YCbCr:
	case JCS_RGB:
		return JCS_RGB;
	case JCS_CMYK:
	case JCS_YCCK:
		return JCS_CMYK;
	default:
		return JCS_UNKNOWN;
	}
}

static void decoder_destroy(struct decoder_state *st)
{
	/* Safe on a never-created (zeroed) cinfo: it checks cinfo->mem. */
	jpeg_destroy_decompress(&st->cinfo);
	free(st->icc);
	free(st->meta);
	free(st);
}

/* Reads everything up to the first scan; -1 when libjpeg bailed out. */
static int read_header(struct decoder_state *st, const uint8_t *data, size_t len)
{
	j_decompress_ptr cinfo = &st->cinfo;

	cinfo->err = fault_init(&st->fault);
	if (setjmp(st->fault.bail))
		return -1;
	jpeg_create_decompress(cinfo);
	st->progress.progress_monitor = count_scans;
	cinfo->progress = &st->progress;
	jpeg_mem_src(cinfo, data, len);
	jpeg_save_markers(cinfo, EXIF_MARKER, 0xFFFF);
	jpeg_save_markers(cinfo, ICC_MARKER, 0xFFFF);
	jpeg_save_markers(cinfo, IPTC_MARKER, 0xFFFF);
	jpeg_save_markers(cinfo, JPEG_COM, 0xFFFF);
	jpeg_read_header(cinfo, TRUE);
	/* Leaves icc NULL when the file has no (valid) profile. */
	jpeg_read_icc_profile(cinfo, &st->icc, &st->icc_len);
	return 0;
}

/* Whether marker m is a segment of type marker starting with prefix; then
 * *data and *len are what follows the prefix. */
static bool segment_is(jpeg_saved_marker_ptr m, int marker, const char *prefix,
		       size_t prefix_len, const uint8_t **data, size_t *len)
{
	if (m->marker != marker || m->data_length < prefix_len ||
	    memcmp(m->data, prefix, prefix_len))
		return false;
	*data = m->data + prefix_len;
	*len = m->data_length - prefix_len;
	return true;
}

/* Orientation and thumbnail from the first APP1 segment that holds EXIF,
 * the first XMP packet (extended XMP is not read), IPTC and comment. */
static void read_metadata(const struct jpeg_decompress_struct *cinfo, struct image_info *info)
{
	struct metadata *meta = &info->meta;
	const uint8_t *data, *iptc;
	size_t len, at, n;
	info->orientation = 1;
	for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next) {
		if (!meta->exif && segment_is(m, EXIF_MARKER, EXIF_PREFIX, EXIF_PREFIX_LEN, &data, &len)) {
			info->orientation = exif_orientation(data, len);
			if (exif_thumbnail(data, len, &at, &n)) {
				info->thumb = data + at;
				info->thumb_len = n;
			}
			metadata_set(&meta->exif, &meta->exif_len, data, len);
		} else if (!meta->xmp && segment_is(m, EXIF_MARKER, XMP_PREFIX, XMP_PREFIX_LEN, &data, &len)) {
			metadata_set(&meta->xmp, &meta->xmp_len, data, len);
		} else if (!meta->iptc && segment_is(m, IPTC_MARKER, PHOTOSHOP_PREFIX,
						     PHOTOSHOP_PREFIX_LEN, &data, &len) &&
			   metadata_iptc_from_irb(data, len, &iptc, &n)) {
			metadata_set(&meta->iptc, &meta->iptc_len, iptc, n);
		} else if (!meta->comment && segment_is(m, JPEG_COM, "", 0, &data, &len)) {
			metadata_set(&meta->comment, &meta->comment_len, data, len);
		}
	}
}

static int jpeg_open(struct decoder *d, const uint8_t *data, size_t len,
		     struct ib_error *err)
{
	struct decoder_state *st = calloc(1, sizeof *st);
	if (!st)
		return ib_fail(err, "JPEG: out of memory");

	st->fault.dec = d;
	st->data = data;
	st->len = len;
	if (read_header(st, data, len) < 0) {
		fault_reason(&st->fault, err);
		goto fail;
	}
	J_COLOR_SPACE space = output_color_space(st->cinfo.jpeg_color_space);
	if (space == JCS_UNKNOWN) {
		ib_fail(err, "JPEG: unsupported colour space (%d components)",
			st->cinfo.num_components);
		goto fail;
	}

	d->codec = &codec_jpeg;
	d->state = st;
	d->info = (struct image_info) {
		.width = st->cinfo.image_width,
		.height = st->cinfo.image_height,
		.channels = space == JCS_GRAYSCALE ? 1 : 3,
		.depth = 8,
	};
	read_metadata(&st->cinfo, &d->info);
	if (metadata_copy(&d->info.meta, &st->meta) < 0) {
		ib_fail(err, "JPEG: out of memory");
		d->state = NULL;
		goto fail;
	}
	/* A CMYK profile stays here for decode: its pixels come out as sRGB,
	 * which that profile does not describe. */
	if (space != JCS_CMYK) {
		d->info.icc = st->icc;
		d->info.icc_len = st->icc_len;
	}
	return 0;
fail:
	decoder_destroy(st);
	return -1;
}

/*
 * Picks the smallest DCT scaling M/8 whose output still covers min_w x min_h:
 * libjpeg-turbo scales while it decodes, far cheaper than decoding everything
 * and resizing.  It could go up to 16/8, but we never upscale: at most 8/8,
 * which a 0 on either side asks for.  ISLOW is the exact integer IDCT:
 * identical output on every machine.  Returns -1 when libjpeg bailed out.
 */
static int choose_scale(struct decoder_state *st, uint32_t min_w, uint32_t min_h)
{
	j_decompress_ptr cinfo = &st->cinfo;

	if (setjmp(st->fault.bail))
		return -1;
	cinfo->out_color_space = output_color_space(cinfo->jpeg_color_space);
	cinfo->dct_method = JDCT_ISLOW;
	cinfo->scale_denom = 8;
	for (unsigned int m = min_w && min_h ? 1 : 8; m <= 8; m++) {
		cinfo->scale_num = m;
		jpeg_calc_output_dimensions(cinfo);
		if (cinfo->output_width >= min_w && cinfo->output_height >= min_h)
			break;
	}
	return 0;
}

/*
 * CMYK to RGB without a usable colour profile: R = (255 - C) * (255 - K) /
 * 255, and likewise G from M and B from Y.  Adobe (Photoshop) files store the
 * inks inverted (255 = no ink), so there R = C * K / 255 on the stored values.
 */
static void cmyk_to_rgb(const JSAMPLE *src, uint8_t *dst, JDIMENSION width,
			bool inverted)
{
	for (JDIMENSION x = 0; x < width; x++, src += 4, dst += 3) {
		unsigned int k = inverted ? src[3] : 255u - src[3];
		for (int c = 0; c < 3; c++) {
			unsigned int v = inverted ? src[c] : 255u - src[c];
			dst[c] = (uint8_t)((v * k + 127) / 255);
		}
	}
}

/* libjpeg flags the Adobe APP14 marker that Photoshop writes. */
static bool cmyk_inverted(const struct jpeg_decompress_struct *cinfo)
{
	return cinfo->saw_Adobe_marker;
}

/* Through the file's profile when profile is not NULL. */
static void read_cmyk_rows(j_decompress_ptr cinfo, const struct icc_cmyk *profile,
			   const struct image *out)
{
	/* From libjpeg's image pool: released with cinfo, even after a longjmp. */
	JSAMPARRAY cmyk = cinfo->mem->alloc_sarray((j_common_ptr)cinfo, JPOOL_IMAGE,
						   cinfo->output_width * 4, 1);

	while (cinfo->output_scanline < cinfo->output_height) {
		uint8_t *dst = image_row(out, cinfo->output_scanline);
		jpeg_read_scanlines(cinfo, cmyk, 1);
		if (profile)
			icc_cmyk_to_srgb_row(profile, cmyk[0], dst, cinfo->output_width);
		else
			cmyk_to_rgb(cmyk[0], dst, cinfo->output_width, cmyk_inverted(cinfo));
	}
}

/* Gray and RGB scanlines go straight into the image rows. */
static void read_rows(j_decompress_ptr cinfo, const struct image *out)
{
	JSAMPROW rows[ROWS_PER_READ];

	while (cinfo->output_scanline < cinfo->output_height) {
		JDIMENSION n = cinfo->output_height - cinfo->output_scanline;
		if (n > ROWS_PER_READ)
			n = ROWS_PER_READ;
		for (JDIMENSION i = 0; i < n; i++)
			rows[i] = image_row(out, cinfo->output_scanline + i);
		jpeg_read_scanlines(cinfo, rows, n);
	}
}

/* Decodes every scanline into out; -1 when libjpeg bailed out. */
static int read_pixels(struct decoder_state *st, const struct icc_cmyk *profile,
		       const struct image *out)
{
	j_decompress_ptr cinfo = &st->cinfo;

	if (setjmp(st->fault.bail))
		return -1;
	jpeg_start_decompress(cinfo);
	if (cinfo->out_color_space == JCS_CMYK)
		read_cmyk_rows(cinfo, profile, out);
	else
		read_rows(cinfo, out);
	/* Reads up to EOI, so a file cut after its last scanline is truncated
	 * too. */
	jpeg_finish_decompress(cinfo);
	return 0;
}

/*
 * A progressive file decoded at 1/8 that decode_dc_only leaves to libjpeg
 * (an unusual or damaged one) needs its DC scans only: libjpeg then reads
 * them alone, the rest of the stream from where it stands (after the
 * first scan's header) being *dc.  Whatever follows them is never read:
 * neither decoded nor checked for damage.  A file that is not walked to
 * complete DCs (see jpeg_dc_scans) is read whole.  -1 when out of memory.
 */
static int read_dc_scans_only(struct decoder_state *st, struct buffer *dc,
			      struct ib_error *err)
{
	j_decompress_ptr cinfo = &st->cinfo;

	if (!cinfo->progressive_mode || cinfo->scale_num != 1 || cinfo->scale_denom != 8)
		return 0;
	size_t at = (size_t)(cinfo->src->next_input_byte - st->data);
	int ret = jpeg_dc_scans(st->data, st->len, at, JPEG_MAX_SCANS, dc, err);
	if (ret == 1) {
		cinfo->src->next_input_byte = dc->data;
		cinfo->src->bytes_in_buffer = dc->len;
		/* Smoothing guesses missing AC terms for progressive previews;
		 * libjpeg-turbo 2.1 smooths the DC too when no AC is known,
		 * which would blur a 1/8 image (by up to 49 levels on
		 * check_jpeg's pattern) that the exact DCs give as the whole
		 * file does. */
		cinfo->do_block_smoothing = FALSE;
	}
	return ret < 0 ? -1 : 0;
}

/* How jpeg_dc_decode is to read the components: as libjpeg did the header. */
static enum dc_colour dc_colour_of(J_COLOR_SPACE space)
{
	switch (space) {
	case JCS_GRAYSCALE:
		return DC_GRAY;
	case JCS_RGB:
		return DC_RGB;
	case JCS_CMYK:
		return DC_CMYK;
	case JCS_YCCK:
		return DC_YCCK;
	default:
		return DC_YCBCR;
	}
}

/* The DC image's rows into out, CMYK ones through a row of their own. */
static int dc_rows(const struct jpeg_dc *dc, const struct decoder_state *st,
		   const struct icc_cmyk *profile, const struct image *out, struct ib_error *err)
{
	uint8_t *cmyk = NULL;
	bool is_cmyk = dc->colour == DC_CMYK || dc->colour == DC_YCCK;
	if (is_cmyk && !(cmyk = malloc((size_t)dc->width * 4)))
		return ib_fail(err, "JPEG: out of memory");
	for (uint32_t y = 0; y < dc->height; y++) {
		uint8_t *dst = image_row(out, y);
		if (!is_cmyk) {
			jpeg_dc_row(dc, y, dst);
			continue;
		}
		jpeg_dc_row(dc, y, cmyk);
		if (profile)
			icc_cmyk_to_srgb_row(profile, cmyk, dst, dc->width);
		else
			cmyk_to_rgb(cmyk, dst, dc->width, cmyk_inverted(&st->cinfo));
	}
	free(cmyk);
	return 0;
}

/*
 * A progressive file decoded at 1/8 needs its DCs only, which
 * jpeg_dc_decode reads from their scans itself: libjpeg would hold every
 * coefficient of the image (2 bytes a sample) where they take 2 bytes a
 * block.  Returns 1 when out is decoded so, 0 when libjpeg is to decode the
 * file (read_dc_scans_only), -1 on failure.
 */
static int decode_dc_only(struct decoder_state *st, const struct icc_cmyk *profile,
			  uint32_t channels, uint64_t max_pixels, struct image *out,
			  struct ib_error *err)
{
	j_decompress_ptr cinfo = &st->cinfo;
	struct jpeg_dc dc;

	if (!cinfo->progressive_mode || cinfo->scale_num != 1 || cinfo->scale_denom != 8)
		return 0;
	int ret = jpeg_dc_decode(st->data, st->len, dc_colour_of(cinfo->jpeg_color_space),
				 JPEG_MAX_SCANS, &dc, err);
	if (ret == 1 && (image_alloc(out, dc.width, dc.height, channels, 8, max_pixels, err) < 0 ||
			 dc_rows(&dc, st, profile, out, err) < 0)) {
		image_free(out);
		ret = -1;
	}
	jpeg_dc_free(&dc);
	return ret;
}

/*
 * The transform through a CMYK file's own profile into *profile, or NULL when
 * there is none (not CMYK, no profile, or one lcms cannot use, whatever the
 * reason): the naive formula then does.  -1 when out of memory.
 */
static int open_cmyk_profile(const struct decoder_state *st, struct icc_cmyk **profile,
			     struct ib_error *err)
{
	struct ib_error note;

	*profile = NULL;
	if (st->cinfo.out_color_space != JCS_CMYK || !st->icc)
		return 0;
	if (icc_cmyk_open(profile, st->icc, st->icc_len, cmyk_inverted(&st->cinfo),
			  &note) < 0)
		return ib_fail(err, "JPEG: out of memory");
	return 0;
}

static int jpeg_decode(struct decoder *d, uint32_t min_w, uint32_t min_h,
		       uint64_t max_pixels, struct image *out, struct ib_error *err)
{
	struct decoder_state *st = d->state;
	struct icc_cmyk *profile;
	size_t stride;

	memset(out, 0, sizeof *out);
	st->fault.dec = d;    /* d may have been moved since open */
	/*
	 * The limit applies to the stored size, whatever the scale: decoding
	 * time, and a progressive file's coefficient buffers, grow with it.
	 */
	if (image_check_size(d->info.width, d->info.height, d->info.channels, 8,
			     max_pixels, &stride, err) < 0)
		return -1;
	if (choose_scale(st, min_w, min_h) < 0)
		return fault_reason(&st->fault, err);
	if (open_cmyk_profile(st, &profile, err) < 0)
		return -1;
	int done = decode_dc_only(st, profile, d->info.channels, max_pixels, out, err);
	if (done != 0) {
		icc_cmyk_close(profile);
		return done < 0 ? -1 : 0;
	}
	struct buffer dc = { 0 };
	if (read_dc_scans_only(st, &dc, err) < 0 ||
	    image_alloc(out, st->cinfo.output_width, st->cinfo.output_height,
			d->info.channels, 8, max_pixels, err) < 0) {
		icc_cmyk_close(profile);
		buffer_free(&dc);
		return -1;
	}
	int ret = read_pixels(st, profile, out);
	icc_cmyk_close(profile);
	buffer_free(&dc);
	if (ret < 0) {
		image_free(out);
		return fault_reason(&st->fault, err);
	}
	return 0;
}

static void jpeg_close(struct decoder *d)
{
	if (d->state)
		decoder_destroy(d->state);
	d->state = NULL;
	d->info.icc = NULL;
	d->info.icc_len = 0;
	d->info.meta = (struct metadata){ 0 };
}

/* ---- encoding -------------------------------------------------------------- */

/* A libjpeg destination that appends to a struct buffer, growing it. */
struct buffer_dest {
	struct jpeg_destination_mgr mgr;
	struct buffer *buf;
};

struct encoder_state {
	struct jpeg_compress_struct cinfo;
	struct fault_mgr fault;
	struct buffer_dest dest;
};

/* Hands libjpeg the free tail of the buffer, growing it first when full. */
static void dest_reserve(j_compress_ptr cinfo)
{
	struct buffer_dest *dest = (struct buffer_dest *)cinfo->dest;
	struct buffer *buf = dest->buf;

	if (buf->len == buf->cap) {
		size_t cap = buf->cap ? buf->cap * 2 : DEST_FIRST_CHUNK;
		uint8_t *data = cap > buf->cap ? realloc(buf->data, cap) : NULL;
		if (!data)
			ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
		buf->data = data;
		buf->cap = cap;
	}
	dest->mgr.next_output_byte = buf->data + buf->len;
	dest->mgr.free_in_buffer = buf->cap - buf->len;
}

static void dest_init(j_compress_ptr cinfo)
{
	dest_reserve(cinfo);
}

/* Called when libjpeg has filled all the space it was given. */
static boolean dest_empty(j_compress_ptr cinfo)
{
	struct buffer_dest *dest = (struct buffer_dest *)cinfo->dest;
	dest->buf->len = dest->buf->cap;
	dest_reserve(cinfo);
	return TRUE;
}

static void dest_term(j_compress_ptr cinfo)
{
	struct buffer_dest *dest = (struct buffer_dest *)cinfo->dest;
	dest->buf->len = dest->buf->cap - dest->mgr.free_in_buffer;
}

/*
 * Chroma subsampling, set on the luma component's factors (libjpeg's
 * defaults are 2x2 luma against 1x1 chroma, i.e. 4:2:0).  Unless asked for,
 * 4:2:0 below quality 90 and 4:4:4 from 90, since at that quality the colour
 * detail lost to subsampling would dominate the error (the policy of many
 * tools).
 */
static void set_sampling(j_compress_ptr cinfo, int subsample, int quality)
{
	if (cinfo->num_components != 3)
		return;
	if (subsample == 0)
		subsample = quality >= 90 ? 444 : 420;
	cinfo->comp_info[0].h_samp_factor = subsample == 444 ? 1 : 2;
	cinfo->comp_info[0].v_samp_factor = subsample == 420 ? 2 : 1;
}

/* prefix then data[0..len) as one marker segment, when it fits one. */
static void write_segment(j_compress_ptr cinfo, int marker, const void *prefix,
			  size_t prefix_len, const uint8_t *data, size_t len)
{
	if (!data || len > SEGMENT_MAX - prefix_len)
		return;
	jpeg_write_m_header(cinfo, marker, (unsigned int)(prefix_len + len));
	for (size_t i = 0; i < prefix_len; i++)
		jpeg_write_m_byte(cinfo, ((const uint8_t *)prefix)[i]);
	for (size_t i = 0; i < len; i++)
		jpeg_write_m_byte(cinfo, data[i]);
}

/* EXIF, XMP, IPTC (irb: a Photoshop resource block holding them, or NULL),
 * comment: blocks too big for one segment are not written. */
static void write_metadata(j_compress_ptr cinfo, const struct metadata *meta,
			   const struct buffer *irb)
{
	write_segment(cinfo, EXIF_MARKER, EXIF_PREFIX, EXIF_PREFIX_LEN, meta->exif, meta->exif_len);
	write_segment(cinfo, EXIF_MARKER, XMP_PREFIX, XMP_PREFIX_LEN, meta->xmp, meta->xmp_len);
	write_segment(cinfo, IPTC_MARKER, "", 0, irb->data, irb->len);
	write_segment(cinfo, JPEG_COM, "", 0, meta->comment, meta->comment_len);
}

/* Runs the whole compression; -1 when libjpeg bailed out. */
static int compress_image(struct encoder_state *st, const struct image *img,
			  const struct encode_options *opts, const struct buffer *irb)
{
	j_compress_ptr cinfo = &st->cinfo;

	cinfo->err = fault_init(&st->fault);
	if (setjmp(st->fault.bail))
		return -1;
	jpeg_create_compress(cinfo);
	st->dest.mgr.init_destination = dest_init;
	st->dest.mgr.empty_output_buffer = dest_empty;
	st->dest.mgr.term_destination = dest_term;
	cinfo->dest = &st->dest.mgr;

	cinfo->image_width = img->width;
	cinfo->image_height = img->height;
	cinfo->input_components = (int)img->channels;
	cinfo->in_color_space = img->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(cinfo);
	jpeg_set_quality(cinfo, opts->quality, TRUE);
	cinfo->optimize_coding = TRUE;
	cinfo->dct_method = JDCT_ISLOW;
	set_sampling(cinfo, opts->subsample, opts->quality);
	if (opts->progressive)
		jpeg_simple_progression(cinfo);

	jpeg_start_compress(cinfo, TRUE);
	write_metadata(cinfo, &opts->meta, irb);
	if (opts->icc && opts->icc_len)
		jpeg_write_icc_profile(cinfo, opts->icc, (unsigned int)opts->icc_len);
	while (cinfo->next_scanline < cinfo->image_height) {
		JSAMPROW row = image_row(img, cinfo->next_scanline);
		jpeg_write_scanlines(cinfo, &row, 1);
	}
	jpeg_finish_compress(cinfo);
	return 0;
}

static int jpeg_encode(const struct image *img, const struct encode_options *opts,
		       struct buffer *out, struct ib_error *err)
{
	if (img->depth != 8 || (img->channels != 1 && img->channels != 3))
		return ib_fail(err, "JPEG: cannot encode a %u-bit image with %u channels (needs 8-bit gray or RGB)",
			       img->depth, img->channels);
	if (opts->quality < 1 || opts->quality > 100)
		return ib_fail(err, "JPEG: quality %d is outside 1..100", opts->quality);
	if (opts->subsample && opts->subsample != 444 && opts->subsample != 422 &&
	    opts->subsample != 420)
		return ib_fail(err, "JPEG: chroma subsampling %d is not 444, 422 or 420",
			       opts->subsample);
	if (opts->icc && opts->icc_len > ICC_MAX_LEN)
		return ib_fail(err, "JPEG: ICC profile of %zu bytes is too large to embed",
			       opts->icc_len);

	struct buffer irb = { 0 };
	if (opts->meta.iptc &&
	    metadata_irb_from_iptc(opts->meta.iptc, opts->meta.iptc_len, &irb, err) < 0)
		return -1;
	struct encoder_state st = { .dest.buf = out };
	size_t start_len = out->len;
	int ret = compress_image(&st, img, opts, &irb);
	if (ret < 0) {
		fault_reason(&st.fault, err);
		out->len = start_len;
	}
	jpeg_destroy_compress(&st.cinfo);
	buffer_free(&irb);
	return ret;
}

const struct codec codec_jpeg = {
	.name = "jpeg",
	.extension = "jpg",
	.mime = "image/jpeg",
	.format = FORMAT_JPEG,
	.write_as = FORMAT_JPEG,
	.sniff = jpeg_sniff,
	.open = jpeg_open,
	.decode = jpeg_decode,
	.close = jpeg_close,
	.encode = jpeg_encode,
};
