/*
 * JPEG XL with libjxl (codestream or container): the image at 8 bits, or 16
 * when it has more, with alpha.  The decoder keeps the stored orientation so
 * the pipeline applies it like EXIF's; an attached ICC profile goes through
 * the ICC path, an encoded colour description is taken as sRGB.  No
 * parallel runner: a worker decodes on one core.
 */
#include "config.h"

#include <jxl/decode.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

struct jxl_state {
	JxlDecoder *dec;
	JxlPixelFormat format;
	uint8_t *icc;
};

static bool sniff_jxl(const uint8_t *data, size_t len)
{
	JxlSignature sig = JxlSignatureCheck(data, len);
	return sig == JXL_SIG_CODESTREAM || sig == JXL_SIG_CONTAINER;
}

static void state_free(struct jxl_state *st)
{
	JxlDecoderDestroy(st->dec);
	free(st->icc);
	free(st);
}

/* Runs the decoder to the next event; JXL_DEC_ERROR and a premature
 * JXL_DEC_NEED_MORE_INPUT (the whole file is given) become a reason. */
static JxlDecoderStatus next_event(JxlDecoder *dec, struct ib_error *err)
{
	JxlDecoderStatus s = JxlDecoderProcessInput(dec);
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
	if (JxlDecoderGetColorAsEncodedProfile(st->dec, NULL, JXL_COLOR_PROFILE_TARGET_DATA,
					       &encoded) == JXL_DEC_SUCCESS ||
	    JxlDecoderGetICCProfileSize(st->dec, NULL, JXL_COLOR_PROFILE_TARGET_DATA, &size) !=
		    JXL_DEC_SUCCESS || !size || !(st->icc = malloc(size)))
		return;
	if (JxlDecoderGetColorAsICCProfile(st->dec, NULL, JXL_COLOR_PROFILE_TARGET_DATA, st->icc,
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
			if (JxlDecoderGetBasicInfo(st->dec, &basic) != JXL_DEC_SUCCESS)
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
	struct jxl_state *st = calloc(1, sizeof *st);
	if (!st || !(st->dec = JxlDecoderCreate(NULL))) {
		free(st);
		return ib_fail(err, "JPEG XL: out of memory");
	}
	JxlDecoderSetKeepOrientation(st->dec, JXL_TRUE);
	if (JxlDecoderSubscribeEvents(st->dec, JXL_DEC_BASIC_INFO | JXL_DEC_COLOR_ENCODING |
						       JXL_DEC_FULL_IMAGE) != JXL_DEC_SUCCESS ||
	    JxlDecoderSetInput(st->dec, data, len) != JXL_DEC_SUCCESS) {
		state_free(st);
		return ib_fail(err, "JPEG XL: cannot start the decoder");
	}
	JxlDecoderCloseInput(st->dec);
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
			if (JxlDecoderImageOutBufferSize(st->dec, &st->format, &need) != JXL_DEC_SUCCESS ||
			    need != out->stride * out->height ||
			    JxlDecoderSetImageOutBuffer(st->dec, &st->format, out->pixels, need) !=
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

const struct codec codec_jxl = {
	.name = "jxl",
	.extension = "jxl",
	.mime = "image/jxl",
	.format = FORMAT_JXL,
	.write_as = FORMAT_PNG,
	.sniff = sniff_jxl,
	.open = open_jxl,
	.decode = decode_jxl,
	.close = close_jxl,
};
