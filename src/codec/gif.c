/*
 * GIF with giflib: the first frame, placed on the logical screen, with its
 * transparency and interlacing.  Open reads up to the first image
 * descriptor (extension blocks only), so the header tells whether the
 * output needs alpha before any pixel is decoded.
 */
#include "config.h"

#include <gif_lib.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

struct gif_state {
	GifFileType *gif;
	const uint8_t *data;
	size_t len, pos;
	int transparent;              /* the colour index shown as transparent, or -1 */
	GifImageDesc frame;           /* the first frame's descriptor */
	const ColorMapObject *colours;
};

static bool sniff_gif(const uint8_t *data, size_t len)
{
	return len >= 6 && (memcmp(data, "GIF87a", 6) == 0 || memcmp(data, "GIF89a", 6) == 0);
}

static int read_memory(GifFileType *gif, GifByteType *out, int want)
{
	struct gif_state *st = gif->UserData;
	size_t n = st->len - st->pos < (size_t)want ? st->len - st->pos : (size_t)want;
	memcpy(out, st->data + st->pos, n);
	st->pos += n;
	return (int)n;
}

static int gif_fail(const struct gif_state *st, int code, struct ib_error *err)
{
	/* reading from memory fails only at the end of the data; giflib also
	 * says "read failed" for bad data such as an LZW code size over 8 */
	if (code == D_GIF_ERR_READ_FAILED)
		return ib_fail(err, st->pos < st->len ? "GIF: corrupt data (stopped before the end)"
						      : "GIF: truncated file");
	const char *why = GifErrorString(code);
	return ib_fail(err, "GIF: %s", why ? why : "corrupt data");
}

/* A Graphics Control Extension: its transparent colour index, if flagged. */
static void read_control(const GifByteType *block, int *transparent)
{
	GraphicsControlBlock gcb;
	if (block[0] >= 4 && DGifExtensionToGCB(block[0], block + 1, &gcb) == GIF_OK)
		*transparent = gcb.TransparentColor;
}

/* Skips extension blocks (noting transparency) up to the first image
 * descriptor, which it reads. */
static int read_to_first_frame(struct gif_state *st, struct ib_error *err)
{
	GifFileType *gif = st->gif;
	for (;;) {
		GifRecordType type;
		if (DGifGetRecordType(gif, &type) != GIF_OK)
			return gif_fail(st, gif->Error, err);
		if (type == IMAGE_DESC_RECORD_TYPE) {
			if (DGifGetImageDesc(gif) != GIF_OK)
				return gif_fail(st, gif->Error, err);
			st->frame = gif->Image;
			return 0;
		}
		if (type == TERMINATE_RECORD_TYPE)
			return ib_fail(err, "GIF: no image in the file");
		if (type != EXTENSION_RECORD_TYPE)
			continue;
		int code;
		GifByteType *block;
		if (DGifGetExtension(gif, &code, &block) != GIF_OK)
			return gif_fail(st, gif->Error, err);
		while (block) {
			if (code == GRAPHICS_EXT_FUNC_CODE)
				read_control(block, &st->transparent);
			if (DGifGetExtensionNext(gif, &block) != GIF_OK)
				return gif_fail(st, gif->Error, err);
		}
	}
}

static void state_free(struct gif_state *st)
{
	int ignored;
	if (st->gif)
		DGifCloseFile(st->gif, &ignored);
	free(st);
}

/* For a file with neither a global nor a local colour map, which the GIF
 * spec leaves to the decoder: black and white, as libvips (libnsgif) shows
 * them; paint_row shows the indexes past it as the first. */
static GifColorType black_white[] = { { 0, 0, 0 }, { 255, 255, 255 } };
static const ColorMapObject default_colours = { .ColorCount = 2, .BitsPerPixel = 1,
						 .Colors = black_white };

/* The frame must lie on the screen. */
static int check_frame(struct gif_state *st, struct ib_error *err)
{
	const GifImageDesc *f = &st->frame;
	GifFileType *gif = st->gif;
	if (f->Width <= 0 || f->Height <= 0 || f->Left < 0 || f->Top < 0 ||
	    f->Left + f->Width > gif->SWidth || f->Top + f->Height > gif->SHeight)
		return ib_fail(err, "GIF: the first frame (%dx%d at %d,%d) leaves the %dx%d screen",
			       f->Width, f->Height, f->Left, f->Top, gif->SWidth, gif->SHeight);
	st->colours = f->ColorMap ? f->ColorMap : gif->SColorMap;
	if (!st->colours)
		st->colours = &default_colours;
	return 0;
}

static int open_gif(struct decoder *d, const uint8_t *data, size_t len, struct ib_error *err)
{
	struct gif_state *st = calloc(1, sizeof *st);
	int code;
	if (!st)
		return ib_fail(err, "GIF: out of memory");
	st->data = data;
	st->len = len;
	st->transparent = NO_TRANSPARENT_COLOR;
	st->gif = DGifOpen(st, read_memory, &code);
	if (!st->gif) {
		int failed = gif_fail(st, code, err);
		state_free(st);
		return failed;
	}
	if (read_to_first_frame(st, err) < 0 || check_frame(st, err) < 0) {
		state_free(st);
		return -1;
	}
	const GifImageDesc *f = &st->frame;
	bool covers = f->Width == st->gif->SWidth && f->Height == st->gif->SHeight;
	d->codec = &codec_gif;
	d->state = st;
	d->info = (struct image_info){
		.width = (uint32_t)st->gif->SWidth, .height = (uint32_t)st->gif->SHeight,
		.channels = st->transparent != NO_TRANSPARENT_COLOR || !covers ? 4 : 3,
		.depth = 8, .orientation = 1,
	};
	return 0;
}

/* Colours one row of indexes into out (3 or 4 channels). */
static void paint_row(const struct gif_state *st, const GifByteType *index, int n, uint8_t *out,
		      uint32_t channels)
{
	const ColorMapObject *map = st->colours;
	for (int x = 0; x < n; x++, out += channels) {
		int i = index[x];
		const GifColorType *c = i < map->ColorCount ? &map->Colors[i] : &map->Colors[0];
		out[0] = c->Red;
		out[1] = c->Green;
		out[2] = c->Blue;
		if (channels == 4)
			out[3] = i == st->transparent ? 0 : 255;
	}
}

/* The frame's rows in the order the file stores them (interlaced: four
 * passes, every 8th row from 0, every 8th from 4, every 4th from 2, every
 * 2nd from 1). */
static int read_rows(struct gif_state *st, struct image *out, struct ib_error *err)
{
	static const int start[] = { 0, 4, 2, 1 }, step[] = { 8, 8, 4, 2 };
	const GifImageDesc *f = &st->frame;
	GifByteType *line = malloc((size_t)f->Width);
	if (!line)
		return ib_fail(err, "GIF: out of memory");
	int passes = f->Interlace ? 4 : 1;
	for (int p = 0; p < passes; p++) {
		int from = f->Interlace ? start[p] : 0, by = f->Interlace ? step[p] : 1;
		for (int y = from; y < f->Height; y += by) {
			if (DGifGetLine(st->gif, line, f->Width) != GIF_OK) {
				free(line);
				return gif_fail(st, st->gif->Error, err);
			}
			uint8_t *row = image_row(out, (uint32_t)(f->Top + y)) +
				       (size_t)f->Left * out->channels;
			paint_row(st, line, f->Width, row, out->channels);
		}
	}
	free(line);
	return 0;
}

static int decode_gif(struct decoder *d, uint32_t min_w, uint32_t min_h, uint64_t max_pixels,
		      struct image *out, struct ib_error *err)
{
	(void)min_w;
	(void)min_h;
	if (image_alloc(out, d->info.width, d->info.height, d->info.channels, 8, max_pixels, err) < 0)
		return -1;
	/* around a smaller first frame the screen is transparent (black without
	 * alpha), and so are the rows a cut file leaves out */
	memset(out->pixels, 0, out->stride * out->height);
	struct ib_error why;
	if (read_rows(d->state, out, &why) == 0)
		return 0;
	/* giflib cannot go on past damage in the frame: it is a cut picture */
	if (!decoder_warn(d, DAMAGE_TRUNCATED, why.msg))
		return 0;
	image_free(out);
	return ib_fail(err, "%s", why.msg);
}

static void close_gif(struct decoder *d)
{
	if (d->state)
		state_free(d->state);
	d->state = NULL;
}

const struct codec codec_gif = {
	.name = "gif",
	.extension = "gif",
	.mime = "image/gif",
	.format = FORMAT_GIF,
	.write_as = FORMAT_PNG,
	.sniff = sniff_gif,
	.open = open_gif,
	.decode = decode_gif,
	.close = close_gif,
};
