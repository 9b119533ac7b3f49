/*
 * JPEG XL with libjxl (codestream or container): the image at 8 bits, or 16
 * when it has more, with alpha.  The decoder keeps the stored orientation so
 * the pipeline applies it like EXIF's; an attached ICC profile goes through
 * the ICC path, an encoded colour description is taken as sRGB.  No
 * parallel runner: a worker decodes on one core.
 *
 * JPEG XL is also written: lossy at a distance from -q, --lossless exact
 * (modular), --effort 1-9, alpha, 8 or 16 bits, gray or RGB, the ICC
 * profile when it is for the image's colours (else sRGB), on one core too.
 *
 * libjxl is loaded with dlopen when the first JPEG XL file is opened or
 * written, not linked: its dependency libhwy runs CPU probes when it is
 * loaded that valgrind cannot execute (SIGILL), which would stop every
 * imgbatch process under make check-valgrind, JPEG XL or not.
 */
#include "config.h"

#include <jxl/decode.h>
#include <jxl/encode.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "util/dynlib.h"

#define JXL_FUNCTIONS(X) \
	X(JxlDecoderCloseInput) X(JxlDecoderCreate) X(JxlDecoderDestroy) \
	X(JxlDecoderGetBasicInfo) X(JxlDecoderGetColorAsEncodedProfile) \
	X(JxlDecoderGetColorAsICCProfile) X(JxlDecoderGetICCProfileSize) \
	X(JxlDecoderImageOutBufferSize) X(JxlDecoderProcessInput) \
	X(JxlDecoderSetImageOutBuffer) X(JxlDecoderSetInput) \
	X(JxlDecoderSetKeepOrientation) X(JxlDecoderSubscribeEvents) \
	X(JxlColorEncodingSetToSRGB) X(JxlEncoderAddImageFrame) X(JxlEncoderCloseInput) \
	X(JxlEncoderCreate) X(JxlEncoderDestroy) X(JxlEncoderFrameSettingsCreate) \
	X(JxlEncoderFrameSettingsSetOption) X(JxlEncoderGetError) X(JxlEncoderInitBasicInfo) \
	X(JxlEncoderProcessOutput) X(JxlEncoderSetBasicInfo) X(JxlEncoderSetColorEncoding) \
	X(JxlEncoderSetFrameDistance) X(JxlEncoderSetFrameLossless) X(JxlEncoderSetICCProfile) \
	X(JxlEncoderUseContainer) X(JxlEncoderUseBoxes) X(JxlEncoderAddBox)

/* libjxl's functions, once loaded. */
static struct {
#define DECLARE(name) __typeof__(&name) name;
	JXL_FUNCTIONS(DECLARE)
#undef DECLARE
	bool loaded;
} jxl;

static int load_libjxl(struct ib_error *err)
{
	if (jxl.loaded)
		return 0;
	void *lib = dynlib_open("JPEG XL", JXL_SONAME, err);
	if (!lib)
		return -1;
#define LOAD(name) \
	if (!(jxl.name = (__typeof__(jxl.name))dynlib_symbol(lib, "JPEG XL", JXL_SONAME, #name, err))) \
		return -1;
	JXL_FUNCTIONS(LOAD)
#undef LOAD
	jxl.loaded = true;
	return 0;
}

struct jxl_state {
	JxlDecoder *dec;
	JxlPixelFormat format;
	uint8_t *icc;
};

/* A bare codestream (FF 0A) or the container's signature box; checked here
 * so that sniffing never loads libjxl. */
static bool sniff_jxl(const uint8_t *data, size_t len)
{
	static const uint8_t box[12] = { 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A };
	return (len >= 2 && data[0] == 0xFF && data[1] == 0x0A) ||
	       (len >= sizeof box && memcmp(data, box, sizeof box) == 0);
}

static void state_free(struct jxl_state *st)
{
	jxl.JxlDecoderDestroy(st->dec);
	free(st->icc);
	free(st);
}

/* Runs the decoder to the next event; JXL_DEC_ERROR and a premature
 * JXL_DEC_NEED_MORE_INPUT (the whole file is given) become a reason. */
static JxlDecoderStatus next_event(JxlDecoder *dec, struct ib_error *err)
{
	JxlDecoderStatus s = jxl.JxlDecoderProcessInput(dec);
	if (s == JXL_DEC_ERROR)
		ib_fail(err, "JPEG XL: corrupt data");
	else if (s == JXL_DEC_NEED_MORE_INPUT)
		ib_fail(err, "JPEG XL: truncated file");
	return s;
}

/* An attached ICC profile (none when the colour is an encoded description,
 * which is taken as sRGB). */
static void read_icc(struct jxl_state *st, struct image_info *info)
{
	JxlColorEncoding encoded;
	size_t size = 0;
	if (jxl.JxlDecoderGetColorAsEncodedProfile(st->dec, NULL, JXL_COLOR_PROFILE_TARGET_DATA,
					       &encoded) == JXL_DEC_SUCCESS ||
	    jxl.JxlDecoderGetICCProfileSize(st->dec, NULL, JXL_COLOR_PROFILE_TARGET_DATA, &size) !=
		    JXL_DEC_SUCCESS || !size || !(st->icc = malloc(size)))
		return;
	if (jxl.JxlDecoderGetColorAsICCProfile(st->dec, NULL, JXL_COLOR_PROFILE_TARGET_DATA, st->icc,
					   size) != JXL_DEC_SUCCESS) {
		free(st->icc);
		st->icc = NULL;
		return;
	}
	info->icc = st->icc;
	info->icc_len = size;
}

/* Reads up to the colour encoding: basic info and profile. */
static int read_header(struct jxl_state *st, struct image_info *info, struct ib_error *err)
{
	JxlBasicInfo basic;
	for (;;) {
		JxlDecoderStatus s = next_event(st->dec, err);
		if (s == JXL_DEC_ERROR || s == JXL_DEC_NEED_MORE_INPUT)
			return -1;
		if (s == JXL_DEC_BASIC_INFO) {
			if (jxl.JxlDecoderGetBasicInfo(st->dec, &basic) != JXL_DEC_SUCCESS)
				return ib_fail(err, "JPEG XL: unreadable header");
			uint32_t colours = basic.num_color_channels == 1 ? 1 : 3;
			info->width = basic.xsize;
			info->height = basic.ysize;
			info->channels = colours + (basic.alpha_bits ? 1 : 0);
			info->depth = basic.bits_per_sample > 8 ? 16 : 8;
			info->orientation = basic.orientation >= 1 && basic.orientation <= 8
					    ? (int)basic.orientation : 1;
		} else if (s == JXL_DEC_COLOR_ENCODING) {
			read_icc(st, info);
			return 0;
		} else if (s == JXL_DEC_SUCCESS) {
			return ib_fail(err, "JPEG XL: no image in the file");
		}
	}
}

static int open_jxl(struct decoder *d, const uint8_t *data, size_t len, struct ib_error *err)
{
	if (load_libjxl(err) < 0)
		return -1;
	struct jxl_state *st = calloc(1, sizeof *st);
	if (!st || !(st->dec = jxl.JxlDecoderCreate(NULL))) {
		free(st);
		return ib_fail(err, "JPEG XL: out of memory");
	}
	jxl.JxlDecoderSetKeepOrientation(st->dec, JXL_TRUE);
	if (jxl.JxlDecoderSubscribeEvents(st->dec, JXL_DEC_BASIC_INFO | JXL_DEC_COLOR_ENCODING |
						       JXL_DEC_FULL_IMAGE) != JXL_DEC_SUCCESS ||
	    jxl.JxlDecoderSetInput(st->dec, data, len) != JXL_DEC_SUCCESS) {
		state_free(st);
		return ib_fail(err, "JPEG XL: cannot start the decoder");
	}
	jxl.JxlDecoderCloseInput(st->dec);
	d->codec = &codec_jxl;
	d->info = (struct image_info){ .orientation = 1 };
	if (read_header(st, &d->info, err) < 0) {
		state_free(st);
		return -1;
	}
	st->format = (JxlPixelFormat){
		.num_channels = d->info.channels,
		.data_type = d->info.depth == 16 ? JXL_TYPE_UINT16 : JXL_TYPE_UINT8,
		.endianness = JXL_NATIVE_ENDIAN,
	};
	d->state = st;
	return 0;
}

static int decode_jxl(struct decoder *d, uint32_t min_w, uint32_t min_h, uint64_t max_pixels,
		      struct image *out, struct ib_error *err)
{
	struct jxl_state *st = d->state;
	(void)min_w;
	(void)min_h;
	if (image_alloc(out, d->info.width, d->info.height, d->info.channels, d->info.depth,
			max_pixels, err) < 0)
		return -1;
	for (;;) {
		JxlDecoderStatus s = next_event(st->dec, err);
		size_t need = 0;
		if (s == JXL_DEC_NEED_IMAGE_OUT_BUFFER) {
			/* image_alloc's rows are packed: the layout libjxl wants */
			if (jxl.JxlDecoderImageOutBufferSize(st->dec, &st->format, &need) != JXL_DEC_SUCCESS ||
			    need != out->stride * out->height ||
			    jxl.JxlDecoderSetImageOutBuffer(st->dec, &st->format, out->pixels, need) !=
				    JXL_DEC_SUCCESS) {
				ib_fail(err, "JPEG XL: unexpected image layout");
				break;
			}
		} else if (s == JXL_DEC_FULL_IMAGE) {
			return 0;   /* the first frame is the image */
		} else if (s == JXL_DEC_ERROR || s == JXL_DEC_NEED_MORE_INPUT || s == JXL_DEC_SUCCESS) {
			if (s == JXL_DEC_SUCCESS)
				ib_fail(err, "JPEG XL: no image in the file");
			break;
		}
	}
	image_free(out);
	return -1;
}

static void close_jxl(struct decoder *d)
{
	if (d->state)
		state_free(d->state);
	d->state = NULL;
}

/* ---- JPEG XL output ---- */

/* -q as a Butteraugli distance by the formula of JxlEncoderDistanceFromQuality,
 * which libjxl has from 0.9 and 0.7 lacks (cjxl 0.7's -q agrees from 30 up):
 * linear from 0.1 at 100 through 1.0 at 90 to 6.4 at 30, then a parabola up
 * to 23.9 at 1.  Distance 0 alone would not be lossless: --lossless is. */
static float distance_of(int quality)
{
	double q = quality;
	if (q >= 30)
		return (float)(0.1 + (100 - q) * 0.09);
	return (float)(53.0 / 3000.0 * q * q - 23.0 / 20.0 * q + 25.0);
}

static int encoder_fail(JxlEncoder *enc, const char *what, struct ib_error *err)
{
	const char *why;
	switch (jxl.JxlEncoderGetError(enc)) {
	case JXL_ENC_ERR_OOM: why = "out of memory"; break;
	case JXL_ENC_ERR_BAD_INPUT: why = "invalid input"; break;
	case JXL_ENC_ERR_NOT_SUPPORTED: why = "not supported by libjxl"; break;
	case JXL_ENC_ERR_API_USAGE: why = "refused by libjxl"; break;
	default: why = "encoder error"; break;
	}
	return ib_fail(err, "JPEG XL: %s: %s", what, why);
}

/* Whether the profile's colour space (bytes 16-19 of its header) is the
 * image's: -f grayscale makes gray pixels under an RGB profile, which libjxl
 * refuses; such an image is written as sRGB gray. */
static bool icc_fits(const struct encode_options *opts, bool gray)
{
	return opts->icc && opts->icc_len >= 20 &&
	       memcmp(opts->icc + 16, gray ? "GRAY" : "RGB ", 4) == 0;
}

/* The header: size, samples, alpha, and the colour: the ICC profile, or sRGB. */
static int set_header(JxlEncoder *enc, const struct image *img, const struct encode_options *opts,
		      struct ib_error *err)
{
	JxlBasicInfo basic;
	jxl.JxlEncoderInitBasicInfo(&basic);
	bool alpha = image_has_alpha(img), gray = img->channels <= 2;
	basic.xsize = img->width;
	basic.ysize = img->height;
	basic.bits_per_sample = img->depth;
	basic.num_color_channels = gray ? 1 : 3;
	basic.num_extra_channels = alpha ? 1 : 0;
	basic.alpha_bits = alpha ? img->depth : 0;
	/* lossless keeps the samples as they are, not converted to XYB */
	basic.uses_original_profile = opts->lossless;
	if (jxl.JxlEncoderSetBasicInfo(enc, &basic) != JXL_ENC_SUCCESS)
		return encoder_fail(enc, "header", err);
	if (icc_fits(opts, gray)) {
		if (jxl.JxlEncoderSetICCProfile(enc, opts->icc, opts->icc_len) != JXL_ENC_SUCCESS)
			return encoder_fail(enc, "ICC profile", err);
		return 0;
	}
	JxlColorEncoding srgb;
	jxl.JxlColorEncodingSetToSRGB(&srgb, gray);
	if (jxl.JxlEncoderSetColorEncoding(enc, &srgb) != JXL_ENC_SUCCESS)
		return encoder_fail(enc, "colour encoding", err);
	return 0;
}

/*
 * EXIF and XMP as "Exif" and "xml " boxes of the container, uncompressed.
 * An Exif box starts with the 4-byte offset of the TIFF header after it.
 */
static int add_boxes(JxlEncoder *enc, const struct metadata *meta, struct ib_error *err)
{
	if (!meta->exif && !meta->xmp)
		return 0;
	if (jxl.JxlEncoderUseContainer(enc, JXL_TRUE) != JXL_ENC_SUCCESS ||
	    jxl.JxlEncoderUseBoxes(enc) != JXL_ENC_SUCCESS)
		return encoder_fail(enc, "metadata", err);
	if (meta->exif) {
		uint8_t *exif = calloc(1, meta->exif_len + 4);
		if (!exif)
			return ib_fail(err, "JPEG XL: out of memory");
		memcpy(exif + 4, meta->exif, meta->exif_len);
		JxlEncoderStatus s = jxl.JxlEncoderAddBox(enc, "Exif", exif, meta->exif_len + 4, JXL_FALSE);
		free(exif);
		if (s != JXL_ENC_SUCCESS)
			return encoder_fail(enc, "EXIF", err);
	}
	if (meta->xmp && jxl.JxlEncoderAddBox(enc, "xml ", meta->xmp, meta->xmp_len, JXL_FALSE) !=
			 JXL_ENC_SUCCESS)
		return encoder_fail(enc, "XMP", err);
	return 0;
}

/* The one frame: lossless or at -q's distance, at --effort. */
static int add_frame(JxlEncoder *enc, const struct image *img, const struct encode_options *opts,
		     struct ib_error *err)
{
	JxlEncoderFrameSettings *fs = jxl.JxlEncoderFrameSettingsCreate(enc, NULL);
	if (!fs)
		return ib_fail(err, "JPEG XL: out of memory");
	if ((opts->lossless ? jxl.JxlEncoderSetFrameLossless(fs, JXL_TRUE)
			    : jxl.JxlEncoderSetFrameDistance(fs, distance_of(opts->quality))) !=
	    JXL_ENC_SUCCESS)
		return encoder_fail(enc, "quality", err);
	/* checked here: libjxl would print its refusal on stderr */
	if (opts->effort == 0)
		return ib_fail(err, "JPEG XL: effort 0 is not from 1 to 9");
	if (opts->effort > 0 &&
	    jxl.JxlEncoderFrameSettingsSetOption(fs, JXL_ENC_FRAME_SETTING_EFFORT, opts->effort) !=
		    JXL_ENC_SUCCESS)
		return encoder_fail(enc, "effort", err);
	/* rows are stride bytes apart: the width's bytes rounded up to align */
	JxlPixelFormat format = {
		.num_channels = img->channels,
		.data_type = img->depth == 16 ? JXL_TYPE_UINT16 : JXL_TYPE_UINT8,
		.endianness = JXL_NATIVE_ENDIAN,
		.align = img->stride,
	};
	if (jxl.JxlEncoderAddImageFrame(fs, &format, img->pixels, img->stride * img->height) !=
	    JXL_ENC_SUCCESS)
		return encoder_fail(enc, "image", err);
	jxl.JxlEncoderCloseInput(enc);
	return 0;
}

/* Runs the encoder, appending what it makes to out. */
static int drain(JxlEncoder *enc, struct buffer *out, struct ib_error *err)
{
	uint8_t chunk[65536];
	JxlEncoderStatus s;
	do {
		uint8_t *next = chunk;
		size_t avail = sizeof chunk;
		s = jxl.JxlEncoderProcessOutput(enc, &next, &avail);
		if (s == JXL_ENC_ERROR)
			return encoder_fail(enc, "encoding", err);
		if (buffer_append(out, chunk, (size_t)(next - chunk), err) < 0)
			return -1;
	} while (s == JXL_ENC_NEED_MORE_OUTPUT);
	return 0;
}

/* No parallel runner: the worker is the unit of parallelism. */
static int encode_jxl(const struct image *img, const struct encode_options *opts,
		      struct buffer *out, struct ib_error *err)
{
	if (load_libjxl(err) < 0)
		return -1;
	JxlEncoder *enc = jxl.JxlEncoderCreate(NULL);
	if (!enc)
		return ib_fail(err, "JPEG XL: out of memory");
	int ret = set_header(enc, img, opts, err);
	if (ret == 0)
		ret = add_boxes(enc, &opts->meta, err);
	if (ret == 0)
		ret = add_frame(enc, img, opts, err);
	if (ret == 0)
		ret = drain(enc, out, err);
	jxl.JxlEncoderDestroy(enc);
	return ret;
}

const struct codec codec_jxl = {
	.name = "jxl",
	.extension = "jxl",
	.mime = "image/jxl",
	.format = FORMAT_JXL,
	.write_as = FORMAT_JXL,
	.sniff = sniff_jxl,
	.open = open_jxl,
	.decode = decode_jxl,
	.close = close_jxl,
	.encode = encode_jxl,
};
