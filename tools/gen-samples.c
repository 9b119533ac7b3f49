#include "config.h"

/*
 * gen-samples OUTDIR: writes the project's sample images (and the end-to-end
 * tests' fixtures) into OUTDIR.  Every picture is computed from fixed seeds,
 * so two runs on the same machine give byte-identical files.
 *
 * Pictures are painted into a float canvas (samples in [0, 1]); the encoders
 * quantize to 8 or 16 bits and produce the file in memory, so the corrupt
 * samples can damage a valid file before it is written.  It uses libpng and
 * libjpeg directly on purpose: the fixtures must not depend on the codecs
 * they test.
 */

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gif_lib.h>
#include <jpeglib.h>
#include <png.h>
#include <tiffio.h>
#include <webp/encode.h>

#define PROGRAM "gen-samples"

/* ---- errors, PRNG, small maths ---- */

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints one line to stderr and returns -1, so callers can `return fail(...)`. */
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs(PROGRAM ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* xorshift64*: tiny, fast and good enough for pixel noise. */
struct rng {
	uint64_t state;
};

static void rng_seed(struct rng *r, uint64_t seed)
{
	r->state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static uint32_t rng_next(struct rng *r)
{
	r->state ^= r->state >> 12;
	r->state ^= r->state << 25;
	r->state ^= r->state >> 27;
	return (uint32_t)((r->state * 0x2545f4914f6cdd1dULL) >> 32);
}

/* Uniform in [0, 1). */
static float rng_unit(struct rng *r)
{
	return (float)(rng_next(r) >> 8) / 16777216.0f;
}

/* Approximately normal, mean 0, variance 1: the sum of four uniforms. */
static float rng_gauss(struct rng *r)
{
	float sum = rng_unit(r) + rng_unit(r) + rng_unit(r) + rng_unit(r);

	return (sum - 2.0f) * 1.7320508f;
}

static float clampf(float v, float lo, float hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static float mixf(float a, float b, float t)
{
	return a + (b - a) * t;
}

static float smoothstep(float edge0, float edge1, float x)
{
	float t = clampf((x - edge0) / (edge1 - edge0), 0.0f, 1.0f);

	return t * t * (3.0f - 2.0f * t);
}

static void mix3(float out[3], const float a[3], const float b[3], float t)
{
	for (int i = 0; i < 3; i++)
		out[i] = mixf(a[i], b[i], t);
}

/* Hue in [0, 1) at full saturation and value. */
static void hue_to_rgb(float hue, float rgb[3])
{
	for (int i = 0; i < 3; i++) {
		float k = fmodf(hue * 6.0f + (float)(5 - 2 * i), 6.0f);

		rgb[i] = 1.0f - clampf(fminf(k, 4.0f - k), 0.0f, 1.0f);
	}
}

/* A stateless hash of a lattice point, in [0, 1): the basis of value noise. */
static float lattice_hash(int x, int y, uint32_t seed)
{
	uint32_t h = (uint32_t)x * 0x8da6b343u ^ (uint32_t)y * 0xd8163841u ^
		     seed * 0xcb1ab31fu;

	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	h *= 0x297a2d39u;
	h ^= h >> 15;
	return (float)(h >> 8) / 16777216.0f;
}

static float value_noise(float x, float y, uint32_t seed)
{
	float fx = floorf(x), fy = floorf(y);
	int ix = (int)fx, iy = (int)fy;
	float tx = smoothstep(0.0f, 1.0f, x - fx);
	float ty = smoothstep(0.0f, 1.0f, y - fy);
	float top = mixf(lattice_hash(ix, iy, seed),
			 lattice_hash(ix + 1, iy, seed), tx);
	float bottom = mixf(lattice_hash(ix, iy + 1, seed),
			    lattice_hash(ix + 1, iy + 1, seed), tx);

	return mixf(top, bottom, ty);
}

/* Fractal noise in [0, 1]; coordinates are resolution independent. */
static float fbm(float x, float y, int octaves, uint32_t seed)
{
	float sum = 0.0f, norm = 0.0f, amp = 0.5f;

	for (int i = 0; i < octaves; i++) {
		sum += amp * value_noise(x, y, seed + (uint32_t)i);
		norm += amp;
		x *= 2.03f;
		y *= 2.03f;
		amp *= 0.5f;
	}
	return sum / norm;
}

/* ---- canvas ---- */

struct canvas {
	int width, height, channels;
	float *px;	/* rows top to bottom, channels interleaved, in [0, 1] */
};

static int canvas_init(struct canvas *c, int width, int height, int channels)
{
	size_t n = (size_t)width * (size_t)height * (size_t)channels;

	c->width = width;
	c->height = height;
	c->channels = channels;
	c->px = calloc(n, sizeof(*c->px));
	if (!c->px)
		return fail("out of memory for a %dx%d canvas", width, height);
	return 0;
}

static void canvas_free(struct canvas *c)
{
	free(c->px);
	c->px = NULL;
}

static float *canvas_at(const struct canvas *c, int x, int y)
{
	return c->px + ((size_t)y * (size_t)c->width + (size_t)x) * (size_t)c->channels;
}

/* color has c->channels entries; points outside the canvas are ignored. */
static void canvas_plot(struct canvas *c, int x, int y, const float *color)
{
	if (x < 0 || y < 0 || x >= c->width || y >= c->height)
		return;
	memcpy(canvas_at(c, x, y), color, (size_t)c->channels * sizeof(*color));
}

/* Fills [x0, x1) x [y0, y1). */
static void canvas_fill_rect(struct canvas *c, int x0, int y0, int x1, int y1,
			     const float *color)
{
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			canvas_plot(c, x, y, color);
}

/* A 1-pixel Bresenham line, both ends included. */
static void canvas_line(struct canvas *c, int x0, int y0, int x1, int y1,
			const float *color)
{
	int dx = abs(x1 - x0), dy = -abs(y1 - y0);
	int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
	int e = dx + dy;

	for (;;) {
		int e2 = 2 * e;

		canvas_plot(c, x0, y0, color);
		if (x0 == x1 && y0 == y1)
			return;
		if (e2 >= dy) {
			e += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			e += dx;
			y0 += sy;
		}
	}
}

/* ---- a 5x7 bitmap font, just the characters of "IMGBATCH 0123456789" ---- */

struct glyph {
	char ch;
	uint8_t rows[7];	/* bit 4 is the leftmost column */
};

static const struct glyph font[] = {
	{ ' ', { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 } },
	{ 'A', { 0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11 } },
	{ 'B', { 0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e } },
	{ 'C', { 0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e } },
	{ 'G', { 0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f } },
	{ 'H', { 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11 } },
	{ 'I', { 0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e } },
	{ 'M', { 0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11 } },
	{ 'T', { 0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 } },
	{ '0', { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e } },
	{ '1', { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e } },
	{ '2', { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f } },
	{ '3', { 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e } },
	{ '4', { 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 } },
	{ '5', { 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e } },
	{ '6', { 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e } },
	{ '7', { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 } },
	{ '8', { 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e } },
	{ '9', { 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c } },
};

static const struct glyph *find_glyph(char ch)
{
	for (size_t i = 0; i < sizeof(font) / sizeof(font[0]); i++)
		if (font[i].ch == ch)
			return &font[i];
	return &font[0];
}

/* Each font pixel becomes a scale x scale block; glyphs advance 6 columns. */
static void canvas_text(struct canvas *c, int x, int y, int scale,
			const char *text, const float *color)
{
	for (; *text; text++, x += 6 * scale) {
		const struct glyph *g = find_glyph(*text);

		for (int row = 0; row < 7; row++)
			for (int col = 0; col < 5; col++)
				if (g->rows[row] & (0x10 >> col))
					canvas_fill_rect(c, x + col * scale,
							 y + row * scale,
							 x + (col + 1) * scale,
							 y + (row + 1) * scale,
							 color);
	}
}

/* ---- byte buffers and files ---- */

struct buffer {
	unsigned char *data;
	size_t len, cap;
};

static int buffer_append(struct buffer *b, const void *p, size_t n)
{
	if (n > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *data;

		while (n > cap - b->len) {
			if (cap > SIZE_MAX / 2)
				return fail("buffer size overflow");
			cap *= 2;
		}
		data = realloc(b->data, cap);
		if (!data)
			return fail("out of memory for a %zu-byte buffer", cap);
		b->data = data;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

static void buffer_free(struct buffer *b)
{
	free(b->data);
	*b = (struct buffer){ 0 };
}

/* Creates dir and its missing parents, like mkdir -p. */
static int make_dirs(const char *dir)
{
	char path[4096];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(path))
		return fail("bad output directory '%s'", dir);
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return fail("mkdir %s: %s", path, strerror(errno));
		*p = saved;
		if (saved == '\0')
			return 0;
	}
}

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return fail("path too long: %s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return fail("%s: %s", path, strerror(errno));
	if (fwrite(data, 1, len, f) != len) {
		fail("%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0)
		return fail("%s: %s", path, strerror(errno));
	return 0;
}

static unsigned quantize(float v, unsigned max)
{
	return (unsigned)(clampf(v, 0.0f, 1.0f) * (float)max + 0.5f);
}

/* ---- PNG encoding ---- */

struct png_spec {
	int width, height, bit_depth, color_type, interlace;
	const png_color *palette;	/* color_type PNG_COLOR_TYPE_PALETTE only */
	int num_palette;
	const png_byte *trans;		/* optional tRNS alphas, by palette index */
	int num_trans;
};

static void png_append(png_structp png, png_bytep data, size_t len)
{
	if (buffer_append(png_get_io_ptr(png), data, len) != 0)
		png_error(png, "cannot grow the output buffer");
}

static void png_flush_nothing(png_structp png)
{
	(void)png;
}

static void png_report_error(png_structp png, png_const_charp msg)
{
	fail("libpng: %s", msg);
	png_longjmp(png, 1);
}

static void png_report_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	fail("libpng warning: %s", msg);
}

/* Runs libpng's writer; a libpng error longjmps back here and returns -1. */
static int png_write_all(png_structp png, png_infop info,
			 const struct png_spec *spec, png_bytep *rows,
			 struct buffer *out)
{
	if (setjmp(png_jmpbuf(png)))
		return -1;
	png_set_write_fn(png, out, png_append, png_flush_nothing);
	png_set_IHDR(png, info, (png_uint_32)spec->width, (png_uint_32)spec->height,
		     spec->bit_depth, spec->color_type, spec->interlace,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (spec->palette)
		png_set_PLTE(png, info, spec->palette, spec->num_palette);
	if (spec->trans)
		png_set_tRNS(png, info, spec->trans, spec->num_trans, NULL);
	png_set_rows(png, info, rows);
	/* png_write_png runs the Adam7 passes itself for interlaced output. */
	png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
	return 0;
}

/* Encodes ready-made rows (already in PNG byte order) into out. */
static int encode_png_rows(const struct png_spec *spec, png_bytep *rows,
			   struct buffer *out)
{
	png_structp png;
	png_infop info;
	int ret = -1;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
				      png_report_error, png_report_warning);
	if (!png)
		return fail("png_create_write_struct failed");
	info = png_create_info_struct(png);
	if (info)
		ret = png_write_all(png, info, spec, rows, out);
	else
		fail("png_create_info_struct failed");
	png_destroy_write_struct(&png, &info);
	return ret;
}

static const int png_color_types[] = {
	0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
	PNG_COLOR_TYPE_RGB_ALPHA,
};

/* Quantizes the canvas to depth (8 or 16) bits, big-endian as PNG wants. */
static int encode_png(const struct canvas *c, int depth, int interlace,
		      struct buffer *out)
{
	struct png_spec spec = {
		.width = c->width, .height = c->height, .bit_depth = depth,
		.color_type = png_color_types[c->channels],
		.interlace = interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
	};
	size_t row_samples = (size_t)c->width * (size_t)c->channels;
	size_t row_bytes = row_samples * (size_t)(depth / 8);
	png_bytep bytes = malloc(row_bytes * (size_t)c->height);
	png_bytep *rows = malloc(sizeof(*rows) * (size_t)c->height);
	int ret = -1;

	if (!bytes || !rows) {
		fail("out of memory for PNG rows");
		goto out;
	}
	for (int y = 0; y < c->height; y++) {
		const float *src = canvas_at(c, 0, y);
		png_bytep dst = bytes + (size_t)y * row_bytes;

		rows[y] = dst;
		for (size_t i = 0; i < row_samples; i++) {
			if (depth == 16) {
				unsigned v = quantize(src[i], 65535);

				dst[2 * i] = (png_byte)(v >> 8);
				dst[2 * i + 1] = (png_byte)(v & 0xff);
			} else {
				dst[i] = (png_byte)quantize(src[i], 255);
			}
		}
	}
	ret = encode_png_rows(&spec, rows, out);
out:
	free(rows);
	free(bytes);
	return ret;
}

static int save_png(const char *dir, const char *name, const struct canvas *c,
		    int depth, int interlace)
{
	struct buffer buf = { 0 };
	int ret = encode_png(c, depth, interlace, &buf);

	if (ret == 0)
		ret = write_file(dir, name, buf.data, buf.len);
	buffer_free(&buf);
	return ret;
}

/* ---- JPEG encoding ---- */

struct jpeg_spec {
	int quality;
	bool progressive;
	bool full_chroma;	/* 4:4:4 instead of libjpeg's default 4:2:0 */
	int orientation;	/* 1..8 writes an Exif APP1 segment; 0 none */
};

struct jpeg_failure {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
};

static void jpeg_report_error(j_common_ptr cinfo)
{
	struct jpeg_failure *f = (struct jpeg_failure *)cinfo->err;
	char msg[JMSG_LENGTH_MAX];

	cinfo->err->format_message(cinfo, msg);
	fail("libjpeg: %s", msg);
	longjmp(f->jump, 1);
}

/*
 * The APP1 payload: "Exif\0\0", then a little-endian TIFF header and an IFD0
 * holding the single entry Orientation (0x0112), SHORT, count 1.
 */
static void build_exif(int orientation, JOCTET exif[32])
{
	static const JOCTET head[] = {
		'E', 'x', 'i', 'f', 0, 0,
		'I', 'I', 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00,	/* IFD0 at 8 */
		0x01, 0x00,					/* 1 entry */
		0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,	/* tag, type, count */
	};

	memset(exif, 0, 32);
	memcpy(exif, head, sizeof(head));
	exif[sizeof(head)] = (JOCTET)orientation;
	/* Two pad bytes of the value field and a zero next-IFD offset follow. */
}

static void pack_jpeg_row(const struct canvas *c, int y, bool cmyk, JSAMPLE *row)
{
	const float *src = canvas_at(c, 0, y);
	size_t n = (size_t)c->width * (size_t)c->channels;

	for (size_t i = 0; i < n; i++) {
		/*
		 * The canvas holds ink amounts; Adobe's CMYK JPEGs (which every
		 * decoder that reads an Adobe APP14 marker expects) store them
		 * inverted, 0 meaning full ink.
		 */
		float v = cmyk ? 1.0f - src[i] : src[i];

		row[i] = (JSAMPLE)quantize(v, 255);
	}
}

/*
 * Runs libjpeg's compressor into a malloc'd buffer (*mem, *mem_len); a libjpeg
 * error longjmps back here and returns -1.  Canvas channels: 1 gray, 3 RGB,
 * 4 CMYK ink amounts.
 */
static int jpeg_compress_canvas(struct jpeg_compress_struct *cinfo,
				struct jpeg_failure *failure,
				const struct canvas *c, const struct jpeg_spec *spec,
				JSAMPLE *row, unsigned char **mem,
				unsigned long *mem_len)
{
	static const J_COLOR_SPACE spaces[] = {
		JCS_UNKNOWN, JCS_GRAYSCALE, JCS_UNKNOWN, JCS_RGB, JCS_CMYK,
	};

	if (setjmp(failure->jump))
		return -1;
	jpeg_create_compress(cinfo);
	jpeg_mem_dest(cinfo, mem, mem_len);
	cinfo->image_width = (JDIMENSION)c->width;
	cinfo->image_height = (JDIMENSION)c->height;
	cinfo->input_components = c->channels;
	cinfo->in_color_space = spaces[c->channels];
	jpeg_set_defaults(cinfo);
	jpeg_set_quality(cinfo, spec->quality, TRUE);
	cinfo->optimize_coding = TRUE;	/* still baseline (SOF0), just smaller */
	cinfo->dct_method = JDCT_ISLOW;
	if (c->channels == 4)
		cinfo->write_Adobe_marker = TRUE;
	if (spec->full_chroma)
		for (int i = 0; i < cinfo->num_components; i++)
			cinfo->comp_info[i].h_samp_factor =
				cinfo->comp_info[i].v_samp_factor = 1;
	if (spec->progressive)
		jpeg_simple_progression(cinfo);
	/* Exif files start with APP1, not JFIF's APP0, as cameras write them. */
	if (spec->orientation)
		cinfo->write_JFIF_header = FALSE;
	jpeg_start_compress(cinfo, TRUE);
	if (spec->orientation) {
		JOCTET exif[32];

		build_exif(spec->orientation, exif);
		jpeg_write_marker(cinfo, JPEG_APP0 + 1, exif, sizeof(exif));
	}
	while (cinfo->next_scanline < cinfo->image_height) {
		pack_jpeg_row(c, (int)cinfo->next_scanline, c->channels == 4, row);
		jpeg_write_scanlines(cinfo, &row, 1);
	}
	jpeg_finish_compress(cinfo);
	return 0;
}

static int encode_jpeg(const struct canvas *c, const struct jpeg_spec *spec,
		       struct buffer *out)
{
	/* Zeroed so that destroying it is safe even if creating it failed. */
	struct jpeg_compress_struct cinfo = { 0 };
	struct jpeg_failure failure;
	unsigned char *mem = NULL;
	unsigned long mem_len = 0;
	JSAMPLE *row = malloc((size_t)c->width * (size_t)c->channels);
	int ret;

	if (!row)
		return fail("out of memory for a JPEG row");
	cinfo.err = jpeg_std_error(&failure.mgr);
	failure.mgr.error_exit = jpeg_report_error;
	ret = jpeg_compress_canvas(&cinfo, &failure, c, spec, row, &mem, &mem_len);
	if (ret == 0)
		ret = buffer_append(out, mem, mem_len);
	jpeg_destroy_compress(&cinfo);
	free(mem);	/* jpeg_mem_dest's buffer is the caller's to free */
	free(row);
	return ret;
}

static int save_jpeg(const char *dir, const char *name, const struct canvas *c,
		     const struct jpeg_spec *spec)
{
	struct buffer buf = { 0 };
	int ret = encode_jpeg(c, spec, &buf);

	if (ret == 0)
		ret = write_file(dir, name, buf.data, buf.len);
	buffer_free(&buf);
	return ret;
}

/* ---- photo-like pictures ---- */

static const float sky_top[3] = { 0.16f, 0.30f, 0.62f };
static const float sky_low[3] = { 0.72f, 0.80f, 0.90f };
static const float far_hill[3] = { 0.30f, 0.42f, 0.48f };
static const float grass[3] = { 0.26f, 0.46f, 0.14f };
static const float brick[3] = { 0.66f, 0.18f, 0.10f };
static const float roof[3] = { 0.22f, 0.20f, 0.22f };
static const float window_glass[3] = { 0.10f, 0.12f, 0.18f };

static void paint_sky(float u, float v, float rgb[3])
{
	static const float cloud_white[3] = { 0.96f, 0.96f, 0.97f };
	static const float sun_warm[3] = { 1.0f, 0.93f, 0.70f };
	float cloud = fbm(u * 6.0f, v * 14.0f, 5, 11);
	float dist = hypotf(u - 0.74f, (v - 0.20f) * 0.75f);

	mix3(rgb, sky_top, sky_low, smoothstep(0.0f, 0.6f, v));
	cloud = smoothstep(0.52f, 0.78f, cloud) * (1.0f - smoothstep(0.2f, 0.55f, v));
	mix3(rgb, rgb, cloud_white, 0.85f * cloud);
	mix3(rgb, rgb, sun_warm, 0.55f * expf(-dist * dist * 80.0f));
	mix3(rgb, rgb, sun_warm, 1.0f - smoothstep(0.034f, 0.040f, dist));
}

/* soft: half the width of an anti-aliased edge, in picture units. */
static void paint_hills(float u, float v, float soft, float rgb[3])
{
	float far_edge = 0.50f + 0.04f * sinf(u * 5.0f + 1.0f) +
			 0.08f * (fbm(u * 3.0f, 0.5f, 4, 21) - 0.5f);
	float near_edge = 0.68f + 0.06f * sinf(u * 3.2f + 2.0f) +
			  0.05f * (fbm(u * 6.0f, 1.5f, 4, 31) - 0.5f);
	float far_col[3], near_col[3];
	float tex = fbm(u * 40.0f, v * 40.0f, 4, 41);
	float blades = fbm(u * 220.0f, v * 50.0f, 3, 51);
	float shade = 1.0f - 0.45f * smoothstep(near_edge, 1.0f, v);

	for (int i = 0; i < 3; i++) {
		far_col[i] = far_hill[i] * (0.8f + 0.4f * tex);
		near_col[i] = grass[i] * (0.55f + 0.5f * tex + 0.35f * blades) * shade;
	}
	mix3(rgb, rgb, far_col, smoothstep(far_edge - soft, far_edge + soft, v));
	mix3(rgb, rgb, near_col, smoothstep(near_edge - soft, near_edge + soft, v));
}

/* Coverage of [lo, hi] at x with anti-aliased edges. */
static float band(float x, float lo, float hi, float soft)
{
	return smoothstep(lo - soft, lo + soft, x) *
	       (1.0f - smoothstep(hi - soft, hi + soft, x));
}

static void paint_house(float u, float v, float soft, float rgb[3])
{
	float body = band(u, 0.16f, 0.29f, soft) * band(v, 0.62f, 0.75f, soft);
	float half_width = 0.075f * smoothstep(0.54f, 0.62f, v);
	float gable = band(u, 0.225f - half_width, 0.225f + half_width, soft) *
		      band(v, 0.54f, 0.62f, soft);
	float window = band(u, 0.19f, 0.23f, soft) * band(v, 0.65f, 0.70f, soft);
	/* Staggered courses of bricks: dark mortar lines every few pixels. */
	float course = floorf(v * 160.0f);
	float mortar = fmaxf(band(fmodf(v * 160.0f, 1.0f), 0.0f, 0.15f, 0.02f),
			     band(fmodf(u * 60.0f + 0.5f * fmodf(course, 2.0f), 1.0f),
				  0.0f, 0.08f, 0.02f));
	float wall[3];

	for (int i = 0; i < 3; i++)
		wall[i] = brick[i] * (1.0f - 0.45f * mortar);
	mix3(rgb, rgb, wall, body);
	mix3(rgb, rgb, roof, gable);
	mix3(rgb, rgb, window_glass, window);
}

/* The noiseless scene at (u, v) in [0, 1]^2; aspect 4:3. */
static void photo_sample(float u, float v, float soft, float rgb[3])
{
	float dx = u - 0.5f, dy = (v - 0.5f) * 0.75f;
	float vignette = 1.0f - 0.6f * (dx * dx + dy * dy);

	paint_sky(u, v, rgb);
	paint_hills(u, v, soft, rgb);
	paint_house(u, v, soft, rgb);
	for (int i = 0; i < 3; i++)
		rgb[i] *= vignette;
}

/* Renders the scene plus sensor-like noise (shared luminance and per channel). */
static int render_photo(struct canvas *c, int width, int height, uint64_t seed)
{
	struct rng rng;
	float soft = 0.75f / (float)height;

	if (canvas_init(c, width, height, 3) != 0)
		return -1;
	rng_seed(&rng, seed);
	for (int y = 0; y < height; y++) {
		for (int x = 0; x < width; x++) {
			float *px = canvas_at(c, x, y);
			float luma_noise = 0.012f * rng_gauss(&rng);

			photo_sample(((float)x + 0.5f) / (float)width,
				     ((float)y + 0.5f) / (float)height, soft, px);
			for (int i = 0; i < 3; i++)
				px[i] += luma_noise + 0.006f * rng_gauss(&rng);
		}
	}
	return 0;
}

static int canvas_to_gray(const struct canvas *rgb, struct canvas *gray)
{
	if (canvas_init(gray, rgb->width, rgb->height, 1) != 0)
		return -1;
	for (int y = 0; y < rgb->height; y++)
		for (int x = 0; x < rgb->width; x++) {
			const float *p = canvas_at(rgb, x, y);

			*canvas_at(gray, x, y) = 0.299f * p[0] + 0.587f * p[1] +
						 0.114f * p[2];
		}
	return 0;
}

/* Naive RGB to CMYK ink amounts with full black generation. */
static int canvas_to_cmyk(const struct canvas *rgb, struct canvas *cmyk)
{
	if (canvas_init(cmyk, rgb->width, rgb->height, 4) != 0)
		return -1;
	for (int y = 0; y < rgb->height; y++)
		for (int x = 0; x < rgb->width; x++) {
			const float *p = canvas_at(rgb, x, y);
			float *q = canvas_at(cmyk, x, y);
			float r = clampf(p[0], 0, 1), g = clampf(p[1], 0, 1);
			float b = clampf(p[2], 0, 1);
			float white = fmaxf(r, fmaxf(g, b));

			q[3] = 1.0f - white;
			q[0] = white > 0 ? (white - r) / white : 0;
			q[1] = white > 0 ? (white - g) / white : 0;
			q[2] = white > 0 ? (white - b) / white : 0;
		}
	return 0;
}

static int make_photos(const char *dir)
{
	static const struct jpeg_spec baseline = { .quality = 90 };
	static const struct jpeg_spec progressive = { .quality = 90, .progressive = true };
	struct canvas big = { 0 }, mid = { 0 }, small = { 0 }, gray = { 0 }, cmyk = { 0 };
	int ret = -1;

	if (render_photo(&big, 1024, 768, 1) != 0 ||
	    save_jpeg(dir, "photo.jpg", &big, &baseline) != 0 ||
	    render_photo(&mid, 800, 600, 2) != 0 ||
	    save_jpeg(dir, "photo-progressive.jpg", &mid, &progressive) != 0 ||
	    render_photo(&small, 640, 480, 3) != 0 ||
	    canvas_to_gray(&small, &gray) != 0 ||
	    save_jpeg(dir, "photo-gray.jpg", &gray, &baseline) != 0 ||
	    canvas_to_cmyk(&small, &cmyk) != 0 ||
	    save_jpeg(dir, "photo-cmyk.jpg", &cmyk, &baseline) != 0)
		goto out;
	ret = 0;
out:
	canvas_free(&big);
	canvas_free(&mid);
	canvas_free(&small);
	canvas_free(&gray);
	canvas_free(&cmyk);
	return ret;
}

/* ---- synthetic test patterns ---- */

/*
 * The phase grows with r^2 so the local frequency grows linearly with the
 * radius, reaching Nyquist (0.5 cycle/pixel) at the middle of each edge; the
 * corners alias, which is what makes it a good resampling test.
 */
static int make_zoneplate(const char *dir)
{
	const int size = 512;
	const float pi = 3.14159265f;
	struct canvas c;
	int ret;

	if (canvas_init(&c, size, size, 1) != 0)
		return -1;
	for (int y = 0; y < size; y++)
		for (int x = 0; x < size; x++) {
			float dx = (float)(x - size / 2), dy = (float)(y - size / 2);

			*canvas_at(&c, x, y) =
				0.5f + 0.5f * cosf(pi * (dx * dx + dy * dy) / (float)size);
		}
	ret = save_png(dir, "zoneplate.png", &c, 8, 0);
	canvas_free(&c);
	return ret;
}

static int make_text_edges(const char *dir)
{
	static const float white[3] = { 1, 1, 1 }, black[3] = { 0, 0, 0 };
	static const float navy[3] = { 0.05f, 0.10f, 0.45f }, red[3] = { 0.85f, 0.05f, 0.05f };
	static const float green[3] = { 0.0f, 0.55f, 0.15f };
	struct canvas c;
	int ret;

	if (canvas_init(&c, 600, 200, 3) != 0)
		return -1;
	canvas_fill_rect(&c, 0, 0, 600, 200, white);
	canvas_text(&c, 12, 12, 8, "IMGBATCH", black);
	canvas_text(&c, 12, 84, 4, "0123456789", navy);
	/* Vertical 1-pixel lines whose gaps shrink from 8 pixels to 1. */
	for (int gap = 8, x = 410; gap >= 1; x += gap + 1, gap--)
		canvas_line(&c, x, 12, x, 100, black);
	/* Horizontal 1-pixel red lines, 2 pixels apart. */
	for (int y = 12; y <= 60; y += 3)
		canvas_line(&c, 470, y, 588, y, red);
	/* A fan of diagonals to show staircase edges at several slopes. */
	for (int k = 0; k <= 6; k++)
		canvas_line(&c, 12, 190, 12 + 60 * k, 130, green);
	/* One-pixel checkerboard, then a hard black/white step. */
	for (int y = 130; y < 190; y++)
		for (int x = 400; x < 480; x++)
			if ((x + y) % 2)
				canvas_plot(&c, x, y, black);
	canvas_fill_rect(&c, 500, 130, 540, 190, black);
	canvas_fill_rect(&c, 470, 70, 590, 72, navy);
	ret = save_png(dir, "text-edges.png", &c, 8, 0);
	canvas_free(&c);
	return ret;
}

/* Full-range 16-bit gradients: their low bytes are not copies of the high. */
static int make_deep_pngs(const char *dir)
{
	struct canvas gray = { 0 }, rgb = { 0 };
	int ret = -1;

	if (canvas_init(&gray, 300, 200, 1) != 0 || canvas_init(&rgb, 320, 240, 3) != 0)
		goto out;
	for (int y = 0; y < gray.height; y++)
		for (int x = 0; x < gray.width; x++)
			*canvas_at(&gray, x, y) = 0.9f * (float)x / (float)(gray.width - 1) +
						  0.1f * (float)y / (float)(gray.height - 1);
	for (int y = 0; y < rgb.height; y++)
		for (int x = 0; x < rgb.width; x++) {
			float *p = canvas_at(&rgb, x, y);
			float u = (float)x / (float)(rgb.width - 1);
			float v = (float)y / (float)(rgb.height - 1);

			p[0] = u;
			p[1] = v;
			p[2] = 0.5f + 0.5f * sinf(6.0f * (u + v));
		}
	if (save_png(dir, "gray16.png", &gray, 16, 0) != 0 ||
	    save_png(dir, "rgb16.png", &rgb, 16, 0) != 0)
		goto out;
	ret = 0;
out:
	canvas_free(&gray);
	canvas_free(&rgb);
	return ret;
}

/* Hue stripes on a checker, opaque in the middle and fading to clear. */
static void paint_rgba_soft(struct canvas *c)
{
	for (int y = 0; y < c->height; y++)
		for (int x = 0; x < c->width; x++) {
			float *p = canvas_at(c, x, y);
			float u = ((float)x + 0.5f) / (float)c->width - 0.5f;
			float v = ((float)y + 0.5f) / (float)c->height - 0.5f;
			float checker = ((x / 25 + y / 25) % 2) ? 1.0f : 0.6f;

			hue_to_rgb((float)(x + y) / 350.0f, p);
			for (int i = 0; i < 3; i++)
				p[i] *= checker;
			p[3] = 1.0f - smoothstep(0.15f, 0.5f, hypotf(u, v));
		}
}

/* Gray rings under a left-to-right alpha ramp. */
static void paint_gray_alpha(struct canvas *c)
{
	for (int y = 0; y < c->height; y++)
		for (int x = 0; x < c->width; x++) {
			float *p = canvas_at(c, x, y);
			float d = hypotf((float)(x - c->width / 2), (float)(y - c->height / 2));

			p[0] = 0.5f + 0.5f * cosf(d / 6.0f);
			p[1] = (float)x / (float)(c->width - 1);
		}
}

static int make_alpha_pngs(const char *dir)
{
	struct canvas rgba = { 0 }, ga = { 0 };
	int ret = -1;

	if (canvas_init(&rgba, 400, 300, 4) != 0 || canvas_init(&ga, 320, 240, 2) != 0)
		goto out;
	paint_rgba_soft(&rgba);
	paint_gray_alpha(&ga);
	if (save_png(dir, "rgba-soft.png", &rgba, 8, 0) != 0 ||
	    save_png(dir, "gray-alpha.png", &ga, 8, 0) != 0)
		goto out;
	ret = 0;
out:
	canvas_free(&rgba);
	canvas_free(&ga);
	return ret;
}

/*
 * 218 colours: index 0 is fully transparent (the background between tiles),
 * index 1 half-transparent white (a disc), then the 6x6x6 colour cube.
 */
static int make_palette(const char *dir)
{
	enum { W = 256, H = 192, TILE = 16, CUBE = 216, FIRST = 2 };
	static const png_byte trans[] = { 0, 128 };
	png_color palette[FIRST + CUBE] = { { 0, 0, 0 }, { 255, 255, 255 } };
	png_byte pixels[H][W];
	png_bytep rows[H];
	struct png_spec spec = {
		.width = W, .height = H, .bit_depth = 8,
		.color_type = PNG_COLOR_TYPE_PALETTE, .interlace = PNG_INTERLACE_NONE,
		.palette = palette, .num_palette = FIRST + CUBE,
		.trans = trans, .num_trans = 2,
	};
	struct buffer buf = { 0 };
	int ret;

	for (int i = 0; i < CUBE; i++)
		palette[FIRST + i] = (png_color){ (png_byte)(51 * (i / 36)),
						  (png_byte)(51 * (i / 6 % 6)),
						  (png_byte)(51 * (i % 6)) };
	for (int y = 0; y < H; y++) {
		rows[y] = pixels[y];
		for (int x = 0; x < W; x++) {
			int tile = (y / TILE) * (W / TILE) + x / TILE;
			bool gap = x % TILE < 2 || y % TILE < 2;
			int dx = x - W / 2, dy = y - H / 2;

			if (dx * dx + dy * dy < 48 * 48)
				pixels[y][x] = 1;
			else
				pixels[y][x] = gap ? 0 : (png_byte)(FIRST + (tile * 7) % CUBE);
		}
	}
	ret = encode_png_rows(&spec, rows, &buf);
	if (ret == 0)
		ret = write_file(dir, "palette.png", buf.data, buf.len);
	buffer_free(&buf);
	return ret;
}

/* Hue across, brightness down, and a 1-pixel grid that shows pass errors. */
static int make_interlaced(const char *dir)
{
	static const float black[3] = { 0, 0, 0 };
	struct canvas c;
	int ret;

	if (canvas_init(&c, 320, 240, 3) != 0)
		return -1;
	for (int y = 0; y < c.height; y++)
		for (int x = 0; x < c.width; x++) {
			float *p = canvas_at(&c, x, y);
			float value = 1.0f - 0.7f * (float)y / (float)c.height;

			hue_to_rgb((float)x / (float)c.width, p);
			for (int i = 0; i < 3; i++)
				p[i] *= value;
		}
	for (int k = 0; k < 320; k += 16) {
		canvas_line(&c, k, 0, k, c.height - 1, black);
		canvas_line(&c, 0, k, c.width - 1, k, black);
	}
	ret = save_png(dir, "interlaced.png", &c, 8, 1);
	canvas_free(&c);
	return ret;
}

/* ---- EXIF orientation ---- */

/*
 * An upright 300x200 "F" in three colours on a two-colour background: it has
 * no symmetry, so each of the eight orientations looks different.  Edges sit
 * on multiples of 8 and are large so JPEG noise cannot hide the shape.
 */
static int paint_upright_f(struct canvas *c)
{
	static const float sky[3] = { 0.55f, 0.75f, 0.95f }, earth[3] = { 0.15f, 0.30f, 0.10f };
	static const float stem[3] = { 0.85f, 0.10f, 0.10f }, top[3] = { 1.0f, 0.85f, 0.0f };
	static const float middle[3] = { 0.10f, 0.20f, 0.80f };

	if (canvas_init(c, 300, 200, 3) != 0)
		return -1;
	canvas_fill_rect(c, 0, 0, 300, 96, sky);
	canvas_fill_rect(c, 0, 96, 300, 200, earth);
	canvas_fill_rect(c, 40, 24, 80, 176, stem);
	canvas_fill_rect(c, 80, 24, 224, 64, top);
	canvas_fill_rect(c, 80, 88, 184, 120, middle);
	return 0;
}

/*
 * Where the stored pixel (x, y) lands once a viewer applies orientation n to
 * a stored image of sw x sh pixels (EXIF 2.3, tag 0x0112).
 */
static void oriented_position(int n, int x, int y, int sw, int sh, int *dx, int *dy)
{
	bool swap = n >= 5;
	/* 5..8 first transpose, then act like 1..4 on the transposed image. */
	int tx = swap ? y : x, ty = swap ? x : y;
	int tw = swap ? sh : sw, th = swap ? sw : sh;
	/* Mirrored left-right: 2 mirror, 3 rotate 180, 6 rotate 90 cw, 7 transverse. */
	bool mirror = n == 2 || n == 3 || n == 6 || n == 7;
	/* Flipped top-bottom: 3, 4 flip, 7, 8 rotate 90 ccw. */
	bool flip = n == 3 || n == 4 || n == 7 || n == 8;

	*dx = mirror ? tw - 1 - tx : tx;
	*dy = flip ? th - 1 - ty : ty;
}

/* Stores upright so that applying orientation n displays it upright again. */
static int store_for_orientation(const struct canvas *upright, int n,
				 struct canvas *stored)
{
	bool swap = n >= 5;
	int sw = swap ? upright->height : upright->width;
	int sh = swap ? upright->width : upright->height;

	if (canvas_init(stored, sw, sh, upright->channels) != 0)
		return -1;
	for (int y = 0; y < sh; y++)
		for (int x = 0; x < sw; x++) {
			int dx, dy;

			oriented_position(n, x, y, sw, sh, &dx, &dy);
			memcpy(canvas_at(stored, x, y), canvas_at(upright, dx, dy),
			       (size_t)upright->channels * sizeof(float));
		}
	return 0;
}

static int make_orientations(const char *dir)
{
	struct canvas upright = { 0 };
	int ret = -1;

	if (paint_upright_f(&upright) != 0)
		return -1;
	for (int n = 1; n <= 8; n++) {
		struct jpeg_spec spec = { .quality = 95, .full_chroma = true, .orientation = n };
		struct canvas stored = { 0 };
		char name[32];
		int rc;

		snprintf(name, sizeof(name), "orientation-%d.jpg", n);
		rc = store_for_orientation(&upright, n, &stored);
		if (rc == 0)
			rc = save_jpeg(dir, name, &stored, &spec);
		canvas_free(&stored);
		if (rc != 0)
			goto out;
	}
	ret = 0;
out:
	canvas_free(&upright);
	return ret;
}

/* ---- the other formats: WebP, TIFF and GIF, through their own libraries ---- */

/* The canvas as 8-bit interleaved samples (malloc'd), or NULL. */
static uint8_t *canvas_bytes(const struct canvas *c)
{
	size_t n = (size_t)c->width * (size_t)c->height * (size_t)c->channels;
	uint8_t *out = malloc(n);

	if (!out) {
		fail("out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)quantize(c->px[i], 255);
	return out;
}

/* lossless: WebP's lossless mode, else lossy at quality 80. */
static int save_webp(const char *dir, const char *name, const struct canvas *c, bool lossless)
{
	uint8_t *px = canvas_bytes(c), *out = NULL;
	int stride = c->width * c->channels;
	size_t len = 0;

	if (!px)
		return -1;
	if (c->channels == 4)
		len = lossless ? WebPEncodeLosslessRGBA(px, c->width, c->height, stride, &out)
			       : WebPEncodeRGBA(px, c->width, c->height, stride, 80, &out);
	else
		len = lossless ? WebPEncodeLosslessRGB(px, c->width, c->height, stride, &out)
			       : WebPEncodeRGB(px, c->width, c->height, stride, 80, &out);
	free(px);
	int ret = len ? write_file(dir, name, out, len) : fail("WebP: cannot encode %s", name);
	WebPFree(out);
	return ret;
}

/* An 8-bit RGB TIFF in strips, deflate-compressed. */
static int save_tiff(const char *dir, const char *name, const struct canvas *c)
{
	char path[4096];
	uint8_t *px = canvas_bytes(c);
	int ret = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	TIFF *tif = px ? TIFFOpen(path, "w") : NULL;
	if (!tif)
		goto out;
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)c->width);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)c->height);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)c->channels);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (uint16_t)8);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, (uint32_t)16);
	for (int y = 0; y < c->height; y++)
		if (TIFFWriteScanline(tif, px + (size_t)y * (size_t)c->width * (size_t)c->channels,
				      (uint32_t)y, 0) < 0)
			goto out;
	ret = 0;
out:
	if (tif)
		TIFFClose(tif);
	free(px);
	return ret ? fail("TIFF: cannot write %s", name) : 0;
}

/* A 6x6x6 colour cube (216 entries) and a transparent index 216. */
#define GIF_TRANSPARENT 216

static ColorMapObject *gif_palette(void)
{
	ColorMapObject *map = GifMakeMapObject(256, NULL);

	for (int i = 0; map && i < 256; i++) {
		int cube = i < 216 ? i : 0;
		map->Colors[i].Red = (GifByteType)(cube / 36 * 51);
		map->Colors[i].Green = (GifByteType)(cube / 6 % 6 * 51);
		map->Colors[i].Blue = (GifByteType)(cube % 6 * 51);
	}
	return map;
}

/* The cube index of a pixel, or the transparent one under half alpha. */
static GifByteType gif_index(const struct canvas *c, int x, int y)
{
	const float *p = canvas_at(c, x, y);

	if (c->channels == 4 && p[3] < 0.5f)
		return GIF_TRANSPARENT;
	return (GifByteType)(quantize(p[0], 5) * 36 + quantize(p[1], 5) * 6 + quantize(p[2], 5));
}

/* An interlaced GIF89a with a transparent colour: rows go in the four
 * passes' order (every 8th from 0, every 8th from 4, every 4th from 2,
 * every 2nd from 1). */
static int save_gif(const char *dir, const char *name, const struct canvas *c)
{
	static const int start[] = { 0, 4, 2, 1 }, step[] = { 8, 8, 4, 2 };
	static const GraphicsControlBlock gcb = {
		.DisposalMode = DISPOSAL_UNSPECIFIED, .TransparentColor = GIF_TRANSPARENT,
	};
	char path[4096];
	int code, ret = -1;
	GifByteType gce[4], *row = malloc((size_t)c->width);
	ColorMapObject *map = gif_palette();

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	GifFileType *gif = row && map ? EGifOpenFileName(path, false, &code) : NULL;
	if (!gif)
		goto out;
	EGifSetGifVersion(gif, true);
	size_t gce_len = EGifGCBToExtension(&gcb, gce);
	if (EGifPutScreenDesc(gif, c->width, c->height, 8, 0, map) != GIF_OK ||
	    EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, (int)gce_len, gce) != GIF_OK ||
	    EGifPutImageDesc(gif, 0, 0, c->width, c->height, true, NULL) != GIF_OK)
		goto out;
	for (int pass = 0; pass < 4; pass++)
		for (int y = start[pass]; y < c->height; y += step[pass]) {
			for (int x = 0; x < c->width; x++)
				row[x] = gif_index(c, x, y);
			if (EGifPutLine(gif, row, c->width) != GIF_OK)
				goto out;
		}
	ret = 0;
out:
	if (gif && EGifCloseFile(gif, &code) != GIF_OK)
		ret = -1;
	if (ret == 0 && chmod(path, 0644) != 0)   /* giflib creates it 0600 */
		ret = -1;
	GifFreeMapObject(map);
	free(row);
	return ret ? fail("GIF: cannot write %s", name) : 0;
}

static int make_other_formats(const char *dir)
{
	struct canvas photo = { 0 }, small = { 0 }, soft = { 0 };
	int ret = -1;

	if (render_photo(&photo, 480, 360, 5) != 0 || render_photo(&small, 320, 240, 6) != 0 ||
	    canvas_init(&soft, 400, 300, 4) != 0)
		goto out;
	paint_rgba_soft(&soft);
	if (save_webp(dir, "webp-photo.webp", &photo, false) != 0 ||
	    save_webp(dir, "webp-alpha.webp", &soft, true) != 0 ||
	    save_tiff(dir, "tiff-photo.tif", &small) != 0 ||
	    save_gif(dir, "gif-transparent.gif", &soft) != 0)
		goto out;
	ret = 0;
out:
	canvas_free(&photo);
	canvas_free(&small);
	canvas_free(&soft);
	return ret;
}

/* ---- broken inputs ---- */

static uint32_t read_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Flips the middle byte of the first IDAT's data, leaving its CRC stale. */
static int damage_idat(struct buffer *png)
{
	size_t at = 8;	/* past the signature */

	while (png->len - at >= 12) {
		uint32_t len = read_be32(png->data + at);

		if (len > png->len - at - 12)
			break;
		if (len > 0 && memcmp(png->data + at + 4, "IDAT", 4) == 0) {
			png->data[at + 8 + len / 2] ^= 0xff;
			return 0;
		}
		at += 12 + (size_t)len;
	}
	return fail("no IDAT chunk to damage");
}

static int make_corrupt_png(const char *dir)
{
	struct canvas c;
	struct buffer buf = { 0 };
	int ret = -1;

	if (canvas_init(&c, 128, 128, 3) != 0)
		return -1;
	for (int y = 0; y < c.height; y++)
		for (int x = 0; x < c.width; x++)
			hue_to_rgb((float)(x + 2 * y) / 384.0f, canvas_at(&c, x, y));
	if (encode_png(&c, 8, 0, &buf) != 0 || damage_idat(&buf) != 0)
		goto out;
	ret = write_file(dir, "corrupt.png", buf.data, buf.len);
out:
	buffer_free(&buf);
	canvas_free(&c);
	return ret;
}

static int make_corrupt_jpeg(const char *dir)
{
	static const struct jpeg_spec spec = { .quality = 85 };
	struct canvas c = { 0 };
	struct buffer buf = { 0 };
	int ret = -1;

	if (render_photo(&c, 320, 240, 4) != 0 || encode_jpeg(&c, &spec, &buf) != 0)
		goto out;
	ret = write_file(dir, "corrupt.jpg", buf.data, buf.len / 2);
out:
	buffer_free(&buf);
	canvas_free(&c);
	return ret;
}

static int make_broken_inputs(const char *dir)
{
	static const char text[] =
		"This is not an image: imgbatch must skip it with a clear error\n"
		"and go on with the other files.\n";

	if (make_corrupt_jpeg(dir) != 0 || make_corrupt_png(dir) != 0)
		return -1;
	return write_file(dir, "not-an-image.txt", text, sizeof(text) - 1);
}

int main(int argc, char **argv)
{
	static int (*const families[])(const char *dir) = {
		make_photos, make_zoneplate, make_text_edges, make_deep_pngs,
		make_alpha_pngs, make_palette, make_interlaced, make_orientations,
		make_other_formats, make_broken_inputs,
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTDIR\n", PROGRAM);
		return 2;
	}
	if (make_dirs(argv[1]) != 0)
		return EXIT_FAILURE;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i](argv[1]) != 0)
			return EXIT_FAILURE;
	return EXIT_SUCCESS;
}
