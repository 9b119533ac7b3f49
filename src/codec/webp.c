/*
 * WebP with libwebp: lossy, lossless and alpha; an animated WebP gives its
 * first frame, placed on its canvas.  libwebp scales while it decodes, so a
 * small output decodes a small image (shrink-on-load).  The ICCP and EXIF
 * chunks come from the demuxer.  Encoding: lossy at -q or lossless, alpha
 * kept, an ICC profile added as an ICCP chunk with the muxer.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>
#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "codec/codec.h"
#include "codec/exif.h"

struct webp_state {
	WebPDemuxer *demux;
	WebPIterator frame;           /* the first frame */
	bool have_frame;
	uint32_t canvas_w, canvas_h;
};

static bool sniff_webp(const uint8_t *data, size_t len)
{
	return len >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0;
}

static void state_free(struct webp_state *st)
{
	if (st->have_frame)
		WebPDemuxReleaseIterator(&st->frame);
	WebPDemuxDelete(st->demux);
	free(st);
}

/* The payload of chunk fourcc, or NULL. */
static const uint8_t *chunk(WebPDemuxer *demux, const char *fourcc, size_t *len)
{
	WebPChunkIterator it;
	const uint8_t *bytes = NULL;
	if (WebPDemuxGetChunk(demux, fourcc, 1, &it)) {
		bytes = it.chunk.bytes;
		*len = it.chunk.size;
		WebPDemuxReleaseChunkIterator(&it);
	}
	return bytes;
}

/* The EXIF chunk, which may or may not start with "Exif\0\0", or NULL. */
static const uint8_t *exif_chunk(WebPDemuxer *demux, size_t *len)
{
	const uint8_t *exif = chunk(demux, "EXIF", len);
	if (exif && *len >= 6 && memcmp(exif, "Exif\0\0", 6) == 0) {
		exif += 6;
		*len -= 6;
	}
	return exif;
}

/* Orientation, EXIF and XMP; the chunks lie in the file's bytes. */
static void read_metadata(WebPDemuxer *demux, struct image_info *info)
{
	size_t len = 0;
	const uint8_t *exif = exif_chunk(demux, &len);
	info->orientation = exif ? exif_orientation(exif, len) : 1;
	metadata_set(&info->meta.exif, &info->meta.exif_len, exif, len);
	len = 0;
	const uint8_t *xmp = chunk(demux, "XMP ", &len);
	metadata_set(&info->meta.xmp, &info->meta.xmp_len, xmp, len);
}

static int open_webp(struct decoder *d, const uint8_t *data, size_t len, struct ib_error *err)
{
	struct webp_state *st = calloc(1, sizeof *st);
	if (!st)
		return ib_fail(err, "WebP: out of memory");
	WebPData whole = { data, len };
	WebPDemuxState parsed;
	st->demux = WebPDemuxPartial(&whole, &parsed);
	if (!st->demux || parsed != WEBP_DEMUX_DONE) {
		state_free(st);
		return ib_fail(err, "WebP: %s", parsed == WEBP_DEMUX_PARSED_HEADER ||
			       parsed == WEBP_DEMUX_PARSING_HEADER ? "truncated file" : "malformed file");
	}
	st->canvas_w = WebPDemuxGetI(st->demux, WEBP_FF_CANVAS_WIDTH);
	st->canvas_h = WebPDemuxGetI(st->demux, WEBP_FF_CANVAS_HEIGHT);
	st->have_frame = WebPDemuxGetFrame(st->demux, 1, &st->frame);
	if (!st->have_frame || !st->canvas_w || !st->canvas_h) {
		state_free(st);
		return ib_fail(err, "WebP: no image in the file");
	}
	bool alpha = st->frame.has_alpha || st->frame.width != (int)st->canvas_w ||
		     st->frame.height != (int)st->canvas_h;
	d->codec = &codec_webp;
	d->state = st;
	d->info = (struct image_info){
		.width = st->canvas_w, .height = st->canvas_h,
		.channels = alpha ? 4 : 3, .depth = 8,
	};
	read_metadata(st->demux, &d->info);
	d->info.icc = chunk(st->demux, "ICCP", &d->info.icc_len);
	return 0;
}

/* The smallest scaled size, keeping the aspect ratio, that covers min_w x
 * min_h (0 = full size).  Only a whole still image is scaled. */
static void scaled_size(const struct webp_state *st, uint32_t min_w, uint32_t min_h,
			uint32_t *w, uint32_t *h)
{
	*w = st->canvas_w;
	*h = st->canvas_h;
	if (!min_w || !min_h || st->frame.width != (int)st->canvas_w ||
	    st->frame.height != (int)st->canvas_h)
		return;
	double s = (double)min_w / st->canvas_w;
	if ((double)min_h / st->canvas_h > s)
		s = (double)min_h / st->canvas_h;
	if (s >= 1)
		return;
	uint32_t sw = (uint32_t)((double)st->canvas_w * s + 0.999999);
	uint32_t sh = (uint32_t)((double)st->canvas_h * s + 0.999999);
	*w = sw < min_w ? min_w : sw ? sw : 1;
	*h = sh < min_h ? min_h : sh ? sh : 1;
}

static const char *vp8_reason(VP8StatusCode status)
{
	switch (status) {
	case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
	case VP8_STATUS_NOT_ENOUGH_DATA: return "truncated data";
	case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
	default: return "corrupt data";
	}
}

static int decode_webp(struct decoder *d, uint32_t min_w, uint32_t min_h, uint64_t max_pixels,
		       struct image *out, struct ib_error *err)
{
	struct webp_state *st = d->state;
	WebPDecoderConfig config;
	uint32_t w, h;
	if (!WebPInitDecoderConfig(&config))
		return ib_fail(err, "WebP: library version mismatch");
	scaled_size(st, min_w, min_h, &w, &h);
	if (image_alloc(out, w, h, d->info.channels, 8, max_pixels, err) < 0)
		return -1;
	if (w != st->canvas_w || h != st->canvas_h) {
		config.options.use_scaling = 1;
		config.options.scaled_width = (int)w;
		config.options.scaled_height = (int)h;
	}
	/* the first frame of an animation lies on a transparent canvas */
	if (d->info.channels == 4)
		memset(out->pixels, 0, out->stride * h);
	size_t at = (size_t)st->frame.y_offset * out->stride + (size_t)st->frame.x_offset * d->info.channels;
	config.output.colorspace = d->info.channels == 4 ? MODE_RGBA : MODE_RGB;
	config.output.is_external_memory = 1;
	config.output.u.RGBA.rgba = out->pixels + at;
	config.output.u.RGBA.stride = (int)out->stride;
	config.output.u.RGBA.size = out->stride * h - at;
	VP8StatusCode status = WebPDecode(st->frame.fragment.bytes, st->frame.fragment.size, &config);
	WebPFreeDecBuffer(&config.output);
	if (status != VP8_STATUS_OK) {
		image_free(out);
		return ib_fail(err, "WebP: %s", vp8_reason(status));
	}
	return 0;
}

static void close_webp(struct decoder *d)
{
	if (d->state)
		state_free(d->state);
	d->state = NULL;
}

static const char *encode_reason(WebPEncodingError e)
{
	switch (e) {
	case VP8_ENC_ERROR_OUT_OF_MEMORY: return "out of memory";
	case VP8_ENC_ERROR_BAD_DIMENSION: return "image larger than 16383 pixels a side";
	default: return "encoder error";
	}
}

/* Encodes rgb8 (8-bit RGB or RGBA) as a bare WebP into w. */
static int encode_pixels(const struct image *rgb8, const struct encode_options *opts,
			 WebPMemoryWriter *w, struct ib_error *err)
{
	WebPConfig config;
	WebPPicture pic;
	if (!WebPConfigInit(&config) || !WebPPictureInit(&pic))
		return ib_fail(err, "WebP: library version mismatch");
	config.quality = (float)opts->quality;
	config.lossless = opts->lossless;
	/* lossless means every sample, the colour under clear pixels too */
	config.exact = opts->lossless;
	pic.use_argb = opts->lossless;
	pic.width = (int)rgb8->width;
	pic.height = (int)rgb8->height;
	pic.writer = WebPMemoryWrite;
	pic.custom_ptr = w;
	int imported = rgb8->channels == 4
		? WebPPictureImportRGBA(&pic, rgb8->pixels, (int)rgb8->stride)
		: WebPPictureImportRGB(&pic, rgb8->pixels, (int)rgb8->stride);
	int ok = imported && WebPEncode(&config, &pic);
	WebPEncodingError e = imported ? pic.error_code : VP8_ENC_ERROR_OUT_OF_MEMORY;
	WebPPictureFree(&pic);
	return ok ? 0 : ib_fail(err, "WebP: %s", encode_reason(e));
}

/* Sets chunk fourcc to data[0..len) when there is data. */
static bool set_chunk(WebPMux *mux, const char *fourcc, const uint8_t *data, size_t len)
{
	WebPData chunk = { data, len };
	return !data || WebPMuxSetChunk(mux, fourcc, &chunk, 0) == WEBP_MUX_OK;
}

/* The bare WebP with ICCP, EXIF and XMP chunks added. */
static int add_chunks(const WebPMemoryWriter *w, const struct encode_options *opts,
		      struct buffer *out, struct ib_error *err)
{
	WebPData image = { w->mem, w->size }, whole = { 0 };
	WebPMux *mux = WebPMuxCreate(&image, 0);
	int ret = -1;
	if (mux && set_chunk(mux, "ICCP", opts->icc, opts->icc_len) &&
	    set_chunk(mux, "EXIF", opts->meta.exif, opts->meta.exif_len) &&
	    set_chunk(mux, "XMP ", opts->meta.xmp, opts->meta.xmp_len) &&
	    WebPMuxAssemble(mux, &whole) == WEBP_MUX_OK)
		ret = buffer_append(out, whole.bytes, whole.size, err);
	else
		ib_fail(err, "WebP: cannot add the ICC profile or metadata");
	WebPDataClear(&whole);
	WebPMuxDelete(mux);
	return ret;
}

static int encode_webp(const struct image *img, const struct encode_options *opts,
		       struct buffer *out, struct ib_error *err)
{
	struct image rgb8 = { 0 };
	WebPMemoryWriter w;
	WebPMemoryWriterInit(&w);
	int ret = image_copy_rgb8(img, &rgb8, err);
	if (ret == 0)
		ret = encode_pixels(&rgb8, opts, &w, err);
	if (ret == 0)
		ret = opts->icc || opts->meta.exif || opts->meta.xmp
		      ? add_chunks(&w, opts, out, err) : buffer_append(out, w.mem, w.size, err);
	WebPMemoryWriterClear(&w);
	image_free(&rgb8);
	return ret;
}

const struct codec codec_webp = {
	.name = "webp",
	.extension = "webp",
	.mime = "image/webp",
	.format = FORMAT_WEBP,
	.write_as = FORMAT_WEBP,
	.sniff = sniff_webp,
	.open = open_webp,
	.decode = decode_webp,
	.close = close_webp,
	.encode = encode_webp,
};
