/*
 * HEIF (HEIC from phones) and AVIF with libheif: the primary image, with its
 * grid, alpha and 10/12-bit samples (delivered as 16-bit).  libheif applies
 * the file's own transforms (irot, imir) while decoding, so the image comes
 * out upright and the pipeline applies no EXIF orientation on top.  When
 * every output needs no more than a thumbnail item holds (and it has the
 * image's aspect ratio within a pixel), the thumbnail is decoded instead,
 * turned upright by the primary's irot/imir (heif_props.c reads them).  An
 * ICC profile (prof, rICC) goes through the ICC path like JPEG's; so does an
 * nclx box with other primaries than sRGB's (iPhones' Display P3), as a
 * profile made from its chromaticities and curve.  HDR curves (PQ, HLG) are
 * taken as sRGB.  AVIF is also written, through libheif's AV1 encoder (aom
 * as Debian builds it): -q or lossless, --effort, alpha, the ICC profile.
 *
 * libheif is loaded with dlopen when the first HEIF or AVIF file is opened
 * or written, not linked: it brings libde265, x265, aom and dav1d, whose
 * loading cost every imgbatch process some 8-10 ms of CPU at start-up, and
 * most runs read no HEIF.  Sniffing is done here, without it.
 */
#include "config.h"

#include <libheif/heif.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "codec/exif.h"
#include "codec/heif_props.h"
#include "codec/icc.h"
#include "util/dynlib.h"

#define HEIF_FUNCTIONS(X) \
	X(heif_context_add_XMP_metadata) X(heif_context_add_exif_metadata) \
	X(heif_context_alloc) X(heif_context_encode_image) X(heif_context_free) \
	X(heif_context_get_encoder_for_format) X(heif_context_get_primary_image_ID) \
	X(heif_context_get_primary_image_handle) X(heif_context_read_from_memory_without_copy) \
	X(heif_context_set_max_decoding_threads) X(heif_context_write) X(heif_decode_image) \
	X(heif_encoder_release) X(heif_encoder_set_lossless) X(heif_encoder_set_lossy_quality) \
	X(heif_encoder_set_parameter_integer) X(heif_encoder_set_parameter_string) \
	X(heif_image_add_plane) X(heif_image_create) X(heif_image_get_height) \
	X(heif_image_get_plane) X(heif_image_get_plane_readonly) X(heif_image_get_width) \
	X(heif_image_handle_get_color_profile_type) X(heif_image_handle_get_height) \
	X(heif_image_handle_get_list_of_metadata_block_IDs) \
	X(heif_image_handle_get_list_of_thumbnail_IDs) \
	X(heif_image_handle_get_luma_bits_per_pixel) X(heif_image_handle_get_metadata) \
	X(heif_image_handle_get_metadata_content_type) X(heif_image_handle_get_metadata_size) \
	X(heif_image_handle_get_nclx_color_profile) X(heif_image_handle_get_raw_color_profile) \
	X(heif_image_handle_get_raw_color_profile_size) X(heif_image_handle_get_thumbnail) \
	X(heif_image_handle_get_width) X(heif_image_handle_has_alpha_channel) \
	X(heif_image_handle_release) X(heif_image_release) X(heif_image_set_nclx_color_profile) \
	X(heif_image_set_raw_color_profile) X(heif_nclx_color_profile_alloc) \
	X(heif_nclx_color_profile_free)

/* libheif's functions, once loaded. */
static struct {
#define DECLARE(name) __typeof__(&name) name;
	HEIF_FUNCTIONS(DECLARE)
#undef DECLARE
	bool loaded;
} heif;

/* name ("HEIF" or "AVIF") starts the reason when libheif cannot be loaded. */
static int load_libheif(const char *name, struct ib_error *err)
{
	if (heif.loaded)
		return 0;
	void *lib = dynlib_open(name, HEIF_SONAME, err);
	if (!lib)
		return -1;
#define LOAD(name_) \
	if (!(heif.name_ = (__typeof__(heif.name_))dynlib_symbol(lib, name, HEIF_SONAME, #name_, err))) \
		return -1;
	HEIF_FUNCTIONS(LOAD)
#undef LOAD
	heif.loaded = true;
	return 0;
}

struct heif_state {
	struct heif_context *ctx;
	struct heif_image_handle *primary;
	const uint8_t *data;          /* the file, for the item properties */
	size_t len;
	const char *name;             /* "HEIF" or "AVIF", for reasons */
	uint8_t *icc;
	uint8_t *exif, *xmp;          /* the blocks of info.meta */
	int bits;                     /* luma bits per sample */
};

/* The brand at data[at..at+4) is one of the NULL-terminated list. */
static bool brand_in(const uint8_t *data, size_t at, const char *const *brands)
{
	for (; *brands; brands++)
		if (memcmp(data + at, *brands, 4) == 0)
			return true;
	return false;
}

/* An ISO BMFF file whose ftyp box lists brand, as major or compatible
 * brand, within the len bytes seen. */
static bool ftyp_lists(const uint8_t *data, size_t len, const char *const *brands)
{
	if (len < 12 || memcmp(data + 4, "ftyp", 4) != 0)
		return false;
	size_t box = (size_t)data[0] << 24 | (size_t)data[1] << 16 | (size_t)data[2] << 8 | data[3];
	if (brand_in(data, 8, brands))
		return true;
	for (size_t at = 16; at + 4 <= len && at + 4 <= box; at += 4)
		if (brand_in(data, at, brands))
			return true;
	return false;
}

static const char *const avif_brands[] = { "avif", "avis", NULL };
static const char *const heif_brands[] = {
	"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", NULL,
};

static bool sniff_avif(const uint8_t *data, size_t len)
{
	return ftyp_lists(data, len, avif_brands);
}

static bool sniff_heif(const uint8_t *data, size_t len)
{
	return !sniff_avif(data, len) && ftyp_lists(data, len, heif_brands);
}

/* libheif's message, without the newline some of its messages end with. */
static int heif_fail(const struct heif_state *st, struct heif_error e, struct ib_error *err)
{
	const char *msg = e.message && e.message[0] ? e.message : "corrupt file";
	int len = (int)strcspn(msg, "\n");
	return ib_fail(err, "%s: %.*s", st->name, len, msg);
}

static void state_free(struct heif_state *st)
{
	if (st->primary)
		heif.heif_image_handle_release(st->primary);
	if (st->ctx)
		heif.heif_context_free(st->ctx);
	free(st->icc);
	free(st->exif);
	free(st->xmp);
	free(st);
}

/* The curve of an nclx transfer characteristic; -1 for those a profile
 * cannot say (PQ, HLG: HDR) or that are sRGB's anyway. */
static int nclx_curve(enum heif_transfer_characteristics t)
{
	switch (t) {
	case heif_transfer_characteristic_ITU_R_BT_709_5:
	case heif_transfer_characteristic_ITU_R_BT_601_6:
	case heif_transfer_characteristic_ITU_R_BT_2020_2_10bit:
	case heif_transfer_characteristic_ITU_R_BT_2020_2_12bit:
		return ICC_CURVE_BT709;
	case heif_transfer_characteristic_ITU_R_BT_470_6_System_M:
		return ICC_CURVE_GAMMA22;
	case heif_transfer_characteristic_linear:
		return ICC_CURVE_LINEAR;
	case heif_transfer_characteristic_IEC_61966_2_1:
	case heif_transfer_characteristic_unspecified:
		return ICC_CURVE_SRGB;
	default:
		return -1;
	}
}

/*
 * The profile an nclx box describes, for primaries other than sRGB's
 * (iPhones write Display P3 so); NULL when it says sRGB, or HDR.
 */
static uint8_t *nclx_profile(const struct heif_image_handle *h, size_t *len)
{
	struct heif_color_profile_nclx *nclx = NULL;
	uint8_t *icc = NULL;
	struct ib_error ignored;
	if (heif.heif_image_handle_get_nclx_color_profile(h, &nclx).code != heif_error_Ok)
		return NULL;
	int curve = nclx_curve(nclx->transfer_characteristics);
	bool srgb_primaries = nclx->color_primaries == heif_color_primaries_ITU_R_BT_709_5 ||
			      nclx->color_primaries == heif_color_primaries_unspecified;
	double xy[8] = {
		nclx->color_primary_red_x, nclx->color_primary_red_y,
		nclx->color_primary_green_x, nclx->color_primary_green_y,
		nclx->color_primary_blue_x, nclx->color_primary_blue_y,
		nclx->color_primary_white_x, nclx->color_primary_white_y,
	};
	if (curve >= 0 && !(srgb_primaries && curve == ICC_CURVE_SRGB) &&
	    icc_profile_from_primaries(xy, (enum icc_curve)curve, &icc, len, &ignored) < 0)
		icc = NULL;
	heif.heif_nclx_color_profile_free(nclx);
	return icc;
}

/* The ICC profile of a handle: embedded, or made from its nclx box; NULL
 * for none (sRGB). */
static uint8_t *read_icc(const struct heif_image_handle *h, size_t *len)
{
	enum heif_color_profile_type type = heif.heif_image_handle_get_color_profile_type(h);
	if (type == heif_color_profile_type_nclx)
		return nclx_profile(h, len);
	if (type != heif_color_profile_type_prof && type != heif_color_profile_type_rICC)
		return NULL;
	size_t n = heif.heif_image_handle_get_raw_color_profile_size(h);
	uint8_t *icc = n ? malloc(n) : NULL;
	if (icc && heif.heif_image_handle_get_raw_color_profile(h, icc).code != heif_error_Ok) {
		free(icc);
		return NULL;
	}
	*len = icc ? n : 0;
	return icc;
}

/* A copy of the first metadata item of type (and content type, unless
 * NULL), or NULL; its size in *len. */
static uint8_t *read_item(const struct heif_image_handle *h, const char *type,
			  const char *content_type, size_t *len)
{
	heif_item_id ids[8];
	int n = heif.heif_image_handle_get_list_of_metadata_block_IDs(h, type, ids, 8);
	for (int i = 0; i < n; i++) {
		const char *ct = heif.heif_image_handle_get_metadata_content_type(h, ids[i]);
		size_t size = heif.heif_image_handle_get_metadata_size(h, ids[i]);
		if ((content_type && (!ct || strcmp(ct, content_type))) || !size ||
		    size > METADATA_MAX_BLOCK)
			continue;
		uint8_t *data = malloc(size);
		if (data &&
		    heif.heif_image_handle_get_metadata(h, ids[i], data).code == heif_error_Ok) {
			*len = size;
			return data;
		}
		free(data);
	}
	return NULL;
}

/*
 * EXIF and XMP into info.meta.  A HEIF Exif item starts with the 4-byte
 * offset of the TIFF header after it.
 */
static void read_metadata(struct heif_state *st, struct metadata *meta)
{
	size_t len = 0;
	st->exif = read_item(st->primary, "Exif", NULL, &len);
	if (st->exif && len >= 4) {
		uint32_t skip = (uint32_t)st->exif[0] << 24 | (uint32_t)st->exif[1] << 16 |
				(uint32_t)st->exif[2] << 8 | st->exif[3];
		if (skip <= len - 4)
			metadata_set(&meta->exif, &meta->exif_len, st->exif + 4 + skip, len - 4 - skip);
	}
	len = 0;
	st->xmp = read_item(st->primary, "mime", "application/rdf+xml", &len);
	metadata_set(&meta->xmp, &meta->xmp_len, st->xmp, len);
}

static int open_with(struct decoder *d, const struct codec *codec, const char *name,
		     const uint8_t *data, size_t len, struct ib_error *err)
{
	if (load_libheif(name, err) < 0)
		return -1;
	struct heif_state *st = calloc(1, sizeof *st);
	if (!st)
		return ib_fail(err, "%s: out of memory", name);
	st->name = name;
	st->data = data;
	st->len = len;
	st->ctx = heif.heif_context_alloc();
	if (!st->ctx) {
		state_free(st);
		return ib_fail(err, "%s: out of memory", name);
	}
	/* a worker is one process on one core: no decoding threads */
	heif.heif_context_set_max_decoding_threads(st->ctx, 0);
	struct heif_error e =
		heif.heif_context_read_from_memory_without_copy(st->ctx, data, len, NULL);
	if (e.code == heif_error_Ok)
		e = heif.heif_context_get_primary_image_handle(st->ctx, &st->primary);
	if (e.code != heif_error_Ok) {
		heif_fail(st, e, err);
		state_free(st);
		return -1;
	}
	bool alpha = heif.heif_image_handle_has_alpha_channel(st->primary);
	st->bits = heif.heif_image_handle_get_luma_bits_per_pixel(st->primary);
	d->codec = codec;
	d->state = st;
	d->info = (struct image_info){
		.width = (uint32_t)heif.heif_image_handle_get_width(st->primary),
		.height = (uint32_t)heif.heif_image_handle_get_height(st->primary),
		.channels = alpha ? 4 : 3, .depth = st->bits > 8 ? 16 : 8,
		.orientation = 1,     /* irot and imir are applied by libheif */
	};
	st->icc = read_icc(st->primary, &d->info.icc_len);
	d->info.icc = st->icc;
	read_metadata(st, &d->info.meta);
	return 0;
}

static int open_heif(struct decoder *d, const uint8_t *data, size_t len, struct ib_error *err)
{
	return open_with(d, &codec_heif, "HEIF", data, len, err);
}

static int open_avif(struct decoder *d, const uint8_t *data, size_t len, struct ib_error *err)
{
	return open_with(d, &codec_avif, "AVIF", data, len, err);
}

/* The size of thumbnail t once the transforms we apply to it (see
 * covering_thumbnail) are applied: libheif's own size for t otherwise. */
static void upright_size(const struct heif_image_handle *t, const struct heif_transforms *ours,
			 uint32_t *w, uint32_t *h)
{
	bool swap = false;
	for (unsigned i = 0; i < ours->n; i++)
		swap ^= ours->op[i] == HEIF_ROTATE_90 || ours->op[i] == HEIF_ROTATE_270;
	uint32_t tw = (uint32_t)heif.heif_image_handle_get_width(t);
	uint32_t th = (uint32_t)heif.heif_image_handle_get_height(t);
	*w = swap ? th : tw;
	*h = swap ? tw : th;
}

/*
 * Whether a tw x th thumbnail has the w x h image's aspect ratio: one side
 * within one pixel of what the other side makes it.  Letterboxed (padded)
 * thumbnails exist and are refused so.
 */
static bool same_aspect(uint32_t tw, uint32_t th, uint32_t w, uint32_t h)
{
	double off = fabs((double)th * w - (double)tw * h);
	return off <= (double)(w > h ? w : h);
}

/*
 * A thumbnail item fit to decode instead of the primary image, or NULL: its
 * alpha and depth the primary's, covering min_w x min_h once upright with
 * the image's aspect ratio.  No crop, and either the primary's transforms
 * (libheif applies them) or none: then the primary's, put in *ours, are
 * for the caller to apply.  One with transforms of its own is not used.
 */
static struct heif_image_handle *covering_thumbnail(const struct decoder *d, uint32_t min_w,
						     uint32_t min_h, struct heif_transforms *ours)
{
	const struct heif_state *st = d->state;
	struct heif_transforms primary;
	heif_item_id ids[8], primary_id;
	if (!min_w || !min_h ||
	    heif.heif_context_get_primary_image_ID(st->ctx, &primary_id).code != heif_error_Ok ||
	    heif_item_transforms(st->data, st->len, primary_id, &primary) < 0 || primary.crop)
		return NULL;
	int n = heif.heif_image_handle_get_list_of_thumbnail_IDs(st->primary, ids, 8);
	for (int i = 0; i < n; i++) {
		struct heif_image_handle *t;
		uint32_t tw, th;
		if (heif_item_transforms(st->data, st->len, ids[i], ours) < 0 || ours->crop ||
		    (ours->n && !heif_transforms_equal(ours, &primary)) ||
		    heif.heif_image_handle_get_thumbnail(st->primary, ids[i], &t).code !=
			    heif_error_Ok)
			continue;
		*ours = ours->n ? (struct heif_transforms){ 0 } : primary;
		upright_size(t, ours, &tw, &th);
		if (tw >= min_w && th >= min_h && tw < d->info.width &&
		    same_aspect(tw, th, d->info.width, d->info.height) &&
		    heif.heif_image_handle_has_alpha_channel(t) == (d->info.channels == 4) &&
		    heif.heif_image_handle_get_luma_bits_per_pixel(t) == st->bits)
			return t;
		heif.heif_image_handle_release(t);
	}
	return NULL;
}

/* Copies the decoded interleaved plane into out; samples over 8 bits are
 * scaled to the 16-bit range. */
static void copy_plane(const struct heif_image *img, int bits, struct image *out)
{
	int stride;
	const uint8_t *src =
		heif.heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
	size_t row_bytes = (size_t)out->width * image_bytes_per_pixel(out);
	uint32_t max = (1u << bits) - 1;
	for (uint32_t y = 0; y < out->height; y++) {
		const uint8_t *s = src + (size_t)y * (size_t)stride;
		uint8_t *o = image_row(out, y);
		if (out->depth == 8) {
			memcpy(o, s, row_bytes);
			continue;
		}
		const uint16_t *s16 = (const uint16_t *)(const void *)s;
		uint16_t *o16 = (uint16_t *)(void *)o;
		for (size_t i = 0; i < row_bytes / 2; i++)
			o16[i] = (uint16_t)(((uint32_t)(s16[i] > max ? max : s16[i]) * 65535u + max / 2) / max);
	}
}

static enum heif_chroma chroma_of(const struct image_info *info)
{
	if (info->depth == 8)
		return info->channels == 4 ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB;
	return info->channels == 4 ? heif_chroma_interleaved_RRGGBBAA_LE
				   : heif_chroma_interleaved_RRGGBB_LE;
}

/* Decodes h, with its transforms, into out. */
static int decode_handle(const struct decoder *d, struct heif_image_handle *h,
			 uint64_t max_pixels, struct image *out, struct ib_error *err)
{
	const struct heif_state *st = d->state;
	uint32_t w = (uint32_t)heif.heif_image_handle_get_width(h);
	uint32_t hh = (uint32_t)heif.heif_image_handle_get_height(h);
	struct heif_image *img = NULL;
	int ret = -1;
	/* refused before libheif allocates the picture */
	if (image_alloc(out, w, hh, d->info.channels, d->info.depth, max_pixels, err) < 0)
		goto done;
	struct heif_error e = heif.heif_decode_image(h, &img, heif_colorspace_RGB,
						     chroma_of(&d->info), NULL);
	if (e.code != heif_error_Ok)
		heif_fail(st, e, err);
	else if (heif.heif_image_get_width(img, heif_channel_interleaved) != (int)w ||
		 heif.heif_image_get_height(img, heif_channel_interleaved) != (int)hh)
		ib_fail(err, "%s: decoded size differs from the header's", st->name);
	else {
		copy_plane(img, st->bits > 8 ? st->bits : 8, out);
		ret = 0;
	}
	if (ret < 0)
		image_free(out);
done:
	if (img)
		heif.heif_image_release(img);
	return ret;
}

static int decode_heif(struct decoder *d, uint32_t min_w, uint32_t min_h, uint64_t max_pixels,
		       struct image *out, struct ib_error *err)
{
	struct heif_state *st = d->state;
	struct heif_transforms ours;
	struct heif_image_handle *thumb = covering_thumbnail(d, min_w, min_h, &ours);
	if (!thumb)
		return decode_handle(d, st->primary, max_pixels, out, err);
	int ret = decode_handle(d, thumb, max_pixels, out, err);
	for (unsigned i = 0; ret == 0 && i < ours.n; i++)
		ret = exif_apply_orientation(out, heif_transform_orientation(ours.op[i]), err);
	heif.heif_image_handle_release(thumb);
	return ret;
}

static void close_heif(struct decoder *d)
{
	if (d->state)
		state_free(d->state);
	d->state = NULL;
}

/* ---- AVIF output, through libheif's AV1 encoder ---- */

static struct heif_error append_to_buffer(struct heif_context *ctx, const void *data, size_t size,
					  void *userdata)
{
	struct ib_error ignored;
	(void)ctx;
	if (buffer_append(userdata, data, size, &ignored) < 0)
		return (struct heif_error){ heif_error_Memory_allocation_error,
					    heif_suberror_Unspecified, "out of memory" };
	return (struct heif_error){ heif_error_Ok, heif_suberror_Unspecified, "" };
}

/* A libheif picture holding rgb8 (8-bit RGB or RGBA) and the profile. */
static struct heif_image *picture_of(const struct image *rgb8, const struct encode_options *opts)
{
	struct heif_image *pic = NULL;
	enum heif_chroma chroma = rgb8->channels == 4 ? heif_chroma_interleaved_RGBA
						      : heif_chroma_interleaved_RGB;
	if (heif.heif_image_create((int)rgb8->width, (int)rgb8->height, heif_colorspace_RGB, chroma,
				   &pic).code != heif_error_Ok)
		return NULL;
	int stride;
	uint8_t *plane = NULL;
	if (heif.heif_image_add_plane(pic, heif_channel_interleaved, (int)rgb8->width,
				      (int)rgb8->height, 8).code == heif_error_Ok)
		plane = heif.heif_image_get_plane(pic, heif_channel_interleaved, &stride);
	if (!plane) {
		heif.heif_image_release(pic);
		return NULL;
	}
	for (uint32_t y = 0; y < rgb8->height; y++)
		memcpy(plane + (size_t)y * (size_t)stride, image_row(rgb8, y),
		       (size_t)rgb8->width * rgb8->channels);
	if (opts->icc)
		heif.heif_image_set_raw_color_profile(pic, "prof", opts->icc, opts->icc_len);
	/* lossless needs the samples stored as RGB: no YCbCr rounding */
	struct heif_color_profile_nclx *nclx =
		opts->lossless ? heif.heif_nclx_color_profile_alloc() : NULL;
	if (nclx) {
		nclx->matrix_coefficients = heif_matrix_coefficients_RGB_GBR;
		nclx->full_range_flag = 1;
		heif.heif_image_set_nclx_color_profile(pic, nclx);
		heif.heif_nclx_color_profile_free(nclx);
	}
	return pic;
}

/* The AV1 encoder set for opts: quality or lossless, one thread (a worker
 * is one core), the chroma subsampling and the speed --effort asks for. */
static struct heif_error configure(struct heif_encoder *enc, const struct encode_options *opts)
{
	struct heif_error e = opts->lossless
				     ? heif.heif_encoder_set_lossless(enc, 1)
				     : heif.heif_encoder_set_lossy_quality(enc, opts->quality);
	/* RGB stored as is (see picture_of) needs full chroma: aom aborts
	 * on subsampled identity-matrix images */
	if (e.code == heif_error_Ok && opts->lossless)
		e = heif.heif_encoder_set_parameter_string(enc, "chroma", "444");
	else if (e.code == heif_error_Ok && opts->subsample) {
		char chroma[8];
		snprintf(chroma, sizeof chroma, "%d", opts->subsample);
		e = heif.heif_encoder_set_parameter_string(enc, "chroma", chroma);
	}
	heif.heif_encoder_set_parameter_integer(enc, "threads", 1);
	if (e.code == heif_error_Ok && opts->effort >= 0)
		e = heif.heif_encoder_set_parameter_integer(enc, "speed", 9 - opts->effort);
	return e;
}

/* EXIF and XMP items for the image (libheif puts the offset before EXIF). */
static struct heif_error add_metadata(struct heif_context *ctx, const struct heif_image_handle *h,
				      const struct metadata *meta)
{
	struct heif_error e = { .code = heif_error_Ok };
	if (meta->exif)
		e = heif.heif_context_add_exif_metadata(ctx, h, meta->exif, (int)meta->exif_len);
	if (e.code == heif_error_Ok && meta->xmp)
		e = heif.heif_context_add_XMP_metadata(ctx, h, meta->xmp, (int)meta->xmp_len);
	return e;
}

static int encode_avif(const struct image *img, const struct encode_options *opts,
		       struct buffer *out, struct ib_error *err)
{
	struct heif_state st = { .name = "AVIF" };
	struct image rgb8 = { 0 };
	struct heif_encoder *enc = NULL;
	struct heif_image *pic = NULL;
	struct heif_image_handle *handle = NULL;
	struct heif_writer writer = { .writer_api_version = 1, .write = append_to_buffer };
	int ret = -1;
	if (load_libheif(st.name, err) < 0 || image_copy_rgb8(img, &rgb8, err) < 0)
		return -1;
	if (!(st.ctx = heif.heif_context_alloc()) || !(pic = picture_of(&rgb8, opts))) {
		ib_fail(err, "AVIF: out of memory");
		goto done;
	}
	struct heif_error e =
		heif.heif_context_get_encoder_for_format(st.ctx, heif_compression_AV1, &enc);
	if (e.code == heif_error_Ok)
		e = configure(enc, opts);
	if (e.code == heif_error_Ok)
		e = heif.heif_context_encode_image(st.ctx, pic, enc, NULL, &handle);
	if (e.code == heif_error_Ok)
		e = add_metadata(st.ctx, handle, &opts->meta);
	if (e.code == heif_error_Ok)
		e = heif.heif_context_write(st.ctx, &writer, out);
	ret = e.code == heif_error_Ok ? 0 : heif_fail(&st, e, err);
done:
	if (handle)
		heif.heif_image_handle_release(handle);
	if (enc)
		heif.heif_encoder_release(enc);
	if (pic)
		heif.heif_image_release(pic);
	if (st.ctx)
		heif.heif_context_free(st.ctx);
	image_free(&rgb8);
	return ret;
}

const struct codec codec_heif = {
	.name = "heif",
	.extension = "heic",
	.mime = "image/heif",
	.format = FORMAT_HEIF,
	.write_as = FORMAT_JPEG,
	.sniff = sniff_heif,
	.open = open_heif,
	.decode = decode_heif,
	.close = close_heif,
};

const struct codec codec_avif = {
	.name = "avif",
	.extension = "avif",
	.mime = "image/avif",
	.format = FORMAT_AVIF,
	.write_as = FORMAT_AVIF,
	.sniff = sniff_avif,
	.open = open_avif,
	.decode = decode_heif,
	.close = close_heif,
	.encode = encode_avif,
};
