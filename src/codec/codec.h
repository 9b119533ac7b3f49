/*
 * struct codec: one per file format, behind which libjpeg-turbo and libpng
 * live.  Decoding is two-phase so the caller can pick a target size from the
 * header before any pixel is decoded (JPEG shrink-on-load, --max-pixels).
 * All codecs work on an in-memory copy of the file and never print or exit:
 * every library error becomes an ib_error reason, and a warning either that
 * or, as --fail-on says (decoder_warn), the decoder's warning.
 */
#ifndef IMGBATCH_CODEC_CODEC_H
#define IMGBATCH_CODEC_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "codec/image.h"

enum image_format {
	FORMAT_UNKNOWN = 0,
	FORMAT_JPEG,
	FORMAT_PNG,
	FORMAT_WEBP,
	FORMAT_GIF,
	FORMAT_TIFF,
	FORMAT_HEIF,
	FORMAT_AVIF,
	FORMAT_JXL,
	/* camera RAW files, read for their embedded preview (raw.c) */
	FORMAT_CR2,
	FORMAT_CR3,
	FORMAT_NEF,
	FORMAT_ARW,
	FORMAT_DNG,
	FORMAT_ORF,
	FORMAT_RW2,
	FORMAT_RAF,
	FORMAT_PEF,
};

/*
 * Metadata carried from an input to its outputs as opaque blocks (README
 * "Metadata"), each NULL with length 0 when absent.  A block over
 * METADATA_MAX_BLOCK is dropped when read: never a failure.
 */
struct metadata {
	const uint8_t *exif;      /* a TIFF structure ("II*\0" or "MM\0*"), no "Exif\0\0" */
	size_t exif_len;
	const uint8_t *xmp;       /* the XMP packet (XML text) */
	size_t xmp_len;
	const uint8_t *iptc;      /* IPTC-IIM records (Photoshop resource 0x0404's data) */
	size_t iptc_len;
	const uint8_t *comment;   /* a JPEG COM segment's text */
	size_t comment_len;
};

#define METADATA_MAX_BLOCK (1u << 20)

/* *block and *len set to data[0..n), unless it is empty or too big. */
void metadata_set(const uint8_t **block, size_t *len, const uint8_t *data, size_t n);

/* Copies every block of meta into one allocation and points meta at the
 * copies: returns it (to free), NULL when meta has no block; -1 when out of
 * memory (meta is then unchanged). */
int metadata_copy(struct metadata *meta, uint8_t **copy);

/* What the header says, before decoding. */
struct image_info {
	uint32_t width, height;   /* as stored, before EXIF orientation */
	uint32_t channels;        /* what decode will deliver: 1..4 */
	uint32_t depth;           /* what decode will deliver: 8 or 16 */
	int orientation;          /* EXIF orientation 1..8 (1 when absent or invalid) */
	const uint8_t *icc;       /* embedded ICC profile or NULL; owned by the decoder */
	size_t icc_len;
	const uint8_t *thumb;     /* the EXIF thumbnail (a JPEG) or NULL; owned by the decoder */
	size_t thumb_len;
	struct metadata meta;     /* owned by the decoder */
};

/*
 * --fail-on: which damage a decoder that could go on past it fails on
 * (libvips' names and order, each failing on more than the one before).
 * The zero value is the default, truncated.
 */
enum fail_on {
	FAIL_ON_TRUNCATED = 0,    /* a cut file (or data that stops the decoder) */
	FAIL_ON_NONE,             /* nothing: keep what a damaged file decoded */
	FAIL_ON_ERROR,            /* also corrupt data the decoder skips */
	FAIL_ON_WARNING,          /* also anything the library warns about */
};

/* What a decoder recovered from, by how bad it is. */
enum damage {
	DAMAGE_TRUNCATED,         /* the picture is partial (a grey or black rest) */
	DAMAGE_ERROR,             /* corrupt data, skipped or resynchronised */
	DAMAGE_WARNING,           /* a warning that leaves the pixels alone */
};

/* A --fail-on name ("none", "truncated", "error", "warning"); -1 when unknown. */
int fail_on_parse(const char *name, enum fail_on *out);

struct decoder {
	const struct codec *codec;
	struct image_info info;
	void *state;              /* codec-private */
	enum fail_on fail_on;     /* set before open */
	/* The first damage decoding went on past (see decoder_warn): "" when
	 * none.  The codec sets it, open and decode alike. */
	char warning[IB_REASON_MAX];
};

/*
 * A codec met damage of this kind that it can decode past, described by
 * what: true when d->fail_on says to fail on it (the codec then fails with
 * what as the reason); else what becomes d->warning unless one is there.
 */
bool decoder_warn(struct decoder *d, enum damage kind, const char *what);

/* A PNG tEXt chunk: keyword (1-79 Latin-1 bytes) and text. */
struct text_entry {
	const char *key, *value;
};

#define ENCODE_MAX_TEXT 16

struct encode_options {
	int quality;              /* JPEG, WebP, AVIF, JPEG XL 1..100 */
	bool lossless;            /* WebP, AVIF, JPEG XL */
	int effort;               /* AVIF 0 (fastest) .. 9 (smallest), JPEG XL 1..9;
	                           * -1: the encoder's default */
	bool progressive;         /* JPEG progressive scans, PNG Adam7 interlacing */
	int subsample;            /* JPEG, AVIF chroma: 444, 422 or 420; 0: the
	                           * default (JPEG by quality, see jpeg.c) */
	int compression;          /* PNG zlib level 0..9 */
	unsigned palette;         /* PNG: 0 truecolour, else at most this many
	                           * colours (2..256) through libimagequant */
	float dither;             /* with palette: 0 (none) .. 1 (full) */
	const uint8_t *icc;       /* profile to embed, or NULL */
	size_t icc_len;
	const struct text_entry *text;   /* PNG: tEXt chunks, at most ENCODE_MAX_TEXT */
	unsigned ntext;
	struct metadata meta;     /* blocks to write, as the format can */
};

/* A growable byte buffer that encoders write into. */
struct buffer {
	uint8_t *data;
	size_t len, cap;
};

/* Appends len bytes, growing the buffer; on failure buf is unchanged. */
int buffer_append(struct buffer *buf, const void *data, size_t len,
		  struct ib_error *err);
void buffer_free(struct buffer *buf);

struct codec {
	const char *name;         /* "jpeg", "png" */
	const char *extension;    /* canonical: "jpg", "png" */
	const char *mime;         /* "image/jpeg" */
	enum image_format format;
	/* The format outputs take under --format same when this codec cannot
	 * encode (encode is NULL); else its own format. */
	enum image_format write_as;
	/* True when the first len bytes (len >= CODEC_SNIFF_BYTES when the file is
	 * that long) carry this format's signature. */
	bool (*sniff)(const uint8_t *data, size_t len);
	/* Parses the header of data[0..len) (which must outlive the decoder) and
	 * fills d->info; on failure nothing needs closing. */
	int (*open)(struct decoder *d, const uint8_t *data, size_t len,
		    struct ib_error *err);
	/* Decodes into out (allocated here).  The decoder may shrink on load to
	 * any size whose both sides are >= min_w/min_h (0 = full size); out gets
	 * the real decoded size.  Refuses images over max_pixels before
	 * allocating.  Called at most once per open. */
	int (*decode)(struct decoder *d, uint32_t min_w, uint32_t min_h,
		      uint64_t max_pixels, struct image *out, struct ib_error *err);
	void (*close)(struct decoder *d);
	/* Appends the encoded image to out, or NULL for a format we only read.
	 * JPEG accepts 8-bit gray or RGB only (see image_prepare_for_jpeg); PNG
	 * accepts every struct image layout. */
	int (*encode)(const struct image *img, const struct encode_options *opts,
		      struct buffer *out, struct ib_error *err);
};

/* Enough for every signature, HEIF's and AVIF's ftyp brands included. */
#define CODEC_SNIFF_BYTES 32

/* The reason a file without any codec's signature is skipped. */
#define CODEC_NOT_AN_IMAGE "not an image in a format imgbatch reads"

extern const struct codec codec_jpeg;
extern const struct codec codec_png;
extern const struct codec codec_webp;
extern const struct codec codec_gif;
extern const struct codec codec_tiff;
extern const struct codec codec_heif;
extern const struct codec codec_avif;
extern const struct codec codec_jxl;
extern const struct codec codec_cr2, codec_cr3, codec_nef, codec_arw, codec_dng, codec_orf,
	codec_rw2, codec_raf, codec_pef;

/* The name of a well-known image format imgbatch does not read ("PSD",
 * "JPEG 2000", ...) whose signature data starts with, or NULL. */
const char *codec_unsupported_format(const uint8_t *data, size_t len);

/* The codec whose signature data starts with, or NULL.  TIFF-based camera
 * RAWs (DNG, NEF, ARW, PEF) need their IFD0: given only the first bytes of
 * such a file this answers TIFF, and the whole file tells (see raw.c). */
const struct codec *codec_sniff(const uint8_t *data, size_t len);
/* The codec of the file at path by its first bytes: 1 with *codec set (NULL
 * when it is no image we read), or -1 when it cannot be opened or read. */
int codec_sniff_path(const char *path, const struct codec **codec);
/* Looks a codec up by format. */
const struct codec *codec_for_format(enum image_format format);

/* The codec table's i-th codec, NULL past the last. */
const struct codec *codec_at(size_t i);
/* A format by its name or a usual extension ("jpeg"/"jpg", "png", "webp",
 * "gif", "tiff"/"tif", "heif"/"heic", "avif", "jxl", and the RAW ones: "cr2",
 * "cr3", "nef", "arw", "dng", "orf", "rw2", "raf", "pef"), case-insensitive;
 * FORMAT_UNKNOWN otherwise. */
enum image_format format_from_name(const char *name);

#endif
