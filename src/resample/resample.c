#include "config.h"
#include "resample/resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Weights are computed in double, normalised so that each output pixel's sum
 * to 1 (flat areas stay flat), and applied in float: four samples at a time
 * in the vertical pass, one pixel at a time in the horizontal one.  8-bit
 * gray and RGB are read and written as bytes in the passes themselves; the
 * other layouts go through premultiplied float rows (see resample_float).
 */

/* ---- kernels (stb_image_resize v0.97's and Lanczos, in double) ---- */

/*
 * Box: a unit box with linear ramps `ramp` wide, i.e. the share of the
 * input pixel that the output pixel covers (ramp = the smaller pixel's
 * width over the larger's).
 */
static double box_weight(double x, double ramp)
{
	double outer = 0.5 + ramp / 2, inner = 0.5 - ramp / 2;

	x = fabs(x);
	if (x >= outer)
		return 0;
	return x <= inner ? 1 : (outer - x) / ramp;
}

static double triangle_weight(double x)
{
	x = fabs(x);
	return x < 1 ? 1 - x : 0;
}

/* The Mitchell-Netravali family of cubics with parameters b and c. */
static double bc_cubic(double x, double b, double c)
{
	x = fabs(x);
	if (x < 1)
		return ((12 - 9 * b - 6 * c) * x * x * x + (-18 + 12 * b + 6 * c) * x * x +
			(6 - 2 * b)) / 6;
	if (x < 2)
		return ((-b - 6 * c) * x * x * x + (6 * b + 30 * c) * x * x +
			(-12 * b - 48 * c) * x + (8 * b + 24 * c)) / 6;
	return 0;
}

static double sinc(double x)
{
	const double pi = 3.14159265358979323846;

	return x == 0 ? 1 : sin(pi * x) / (pi * x);
}

/* Lanczos with `lobes` lobes: sinc windowed by the central lobe of a wider
 * sinc.  Its negative lobes overshoot at edges; the passes clamp. */
static double lanczos_weight(double x, double lobes)
{
	x = fabs(x);
	return x < lobes ? sinc(x) * sinc(x / lobes) : 0;
}

static double kernel_weight(enum resample_filter f, double x, double ramp)
{
	switch (f) {
	case RESAMPLE_BOX:
		return box_weight(x, ramp);
	case RESAMPLE_TRIANGLE:
		return triangle_weight(x);
	case RESAMPLE_CUBIC_BSPLINE:
		return bc_cubic(x, 1, 0);
	case RESAMPLE_CATMULLROM:
		return bc_cubic(x, 0, 0.5);
	case RESAMPLE_MITCHELL:
		return bc_cubic(x, 1.0 / 3, 1.0 / 3);
	case RESAMPLE_LANCZOS2:
		return lanczos_weight(x, 2);
	case RESAMPLE_LANCZOS3:
		return lanczos_weight(x, 3);
	}
	return 0;
}

/* Half-width of the kernel, in kernel units. */
static double kernel_support(enum resample_filter f, double ramp)
{
	switch (f) {
	case RESAMPLE_BOX:
		return 0.5 + ramp / 2;
	case RESAMPLE_TRIANGLE:
		return 1;
	case RESAMPLE_LANCZOS3:
		return 3;
	default:
		return 2;
	}
}

/* ---- the weights of one axis ---- */

/*
 * For output pixel o, the input pixels start[o] .. start[o] + taps - 1 with
 * weights weight[o * taps ...] (zero where a pixel is out of reach).
 */
struct axis {
	uint32_t in, out;
	enum resample_filter filter;
	uint32_t taps;
	uint32_t *start;
	float *weight;
};

static void axis_free(struct axis *a)
{
	free(a->start);
	free(a->weight);
	memset(a, 0, sizeof *a);
}

/* How one output pixel maps onto the input: its centre and reach. */
struct footprint {
	double squeeze;   /* kernel units per input pixel */
	double ramp;      /* box ramp */
	double radius;    /* reach, in input pixels */
	uint32_t span;    /* most input pixels within reach, clamped to in */
};

static struct footprint axis_footprint(enum resample_filter f, uint32_t in, uint32_t out)
{
	double scale = (double)out / in;
	struct footprint fp;

	/* shrinking, the kernel stretches over 1/scale input pixels */
	fp.squeeze = scale < 1 ? scale : 1;
	fp.ramp = scale < 1 ? scale : 1 / scale;
	fp.radius = kernel_support(f, fp.ramp) / fp.squeeze;
	double span = floor(2 * fp.radius) + 2;
	fp.span = span < in ? (uint32_t)span : in;
	return fp;
}

static uint32_t clamp_index(int64_t i, uint32_t n)
{
	return i < 0 ? 0 : i >= n ? n - 1 : (uint32_t)i;
}

/*
 * Output pixel o's weights over input pixels first .. first + *width - 1
 * (edge pixels stand in for those beyond the edge, as stb's EDGE_CLAMP),
 * normalised to sum 1, with zero weights trimmed from both ends.
 * fold has fp->span entries.
 */
static void pixel_weights(enum resample_filter f, const struct footprint *fp, uint32_t in,
			  double scale, uint32_t o, double *fold, float *q, uint32_t *first,
			  uint32_t *width)
{
	double centre = (o + 0.5) / scale;
	int64_t lo = (int64_t)ceil(centre - fp->radius - 0.5);
	int64_t hi = (int64_t)floor(centre + fp->radius - 0.5);
	uint32_t base = clamp_index(lo, in), n = clamp_index(hi, in) - base + 1;
	double total = 0;

	memset(fold, 0, n * sizeof *fold);
	for (int64_t i = lo; i <= hi; i++) {
		double w = kernel_weight(f, (centre - (i + 0.5)) * fp->squeeze, fp->ramp);
		fold[clamp_index(i, in) - base] += w;
		total += w;
	}
	for (uint32_t j = 0; j < n; j++)
		q[j] = (float)(fold[j] / total);
	uint32_t a = 0, b = n;
	while (a < b - 1 && q[a] == 0)
		a++;
	while (b - 1 > a && q[b - 1] == 0)
		b--;
	memmove(q, q + a, (b - a) * sizeof *q);
	*first = base + a;
	*width = b - a;
}

/* Fills a->start and a->weight: rows of a->taps, starts kept in range. */
static void axis_place(struct axis *a, const float *packed, const uint32_t *first,
		       const uint32_t *width, uint32_t stride)
{
	for (uint32_t o = 0; o < a->out; o++) {
		uint32_t start = first[o] + a->taps <= a->in ? first[o] : a->in - a->taps;
		float *row = a->weight + (size_t)o * a->taps;
		memcpy(row + (first[o] - start), packed + (size_t)o * stride,
		       width[o] * sizeof *row);
		a->start[o] = start;
	}
}

static int axis_build(struct axis *a, uint32_t in, uint32_t out, enum resample_filter f)
{
	struct footprint fp = axis_footprint(f, in, out);
	double scale = (double)out / in;
	double *fold = malloc(fp.span * sizeof *fold);
	float *packed = malloc((size_t)out * fp.span * sizeof *packed);
	uint32_t *first = malloc((size_t)out * sizeof *first);
	uint32_t *width = malloc((size_t)out * sizeof *width);
	int rc = -1;

	*a = (struct axis){ .in = in, .out = out, .filter = f };
	if (!fold || !packed || !first || !width)
		goto out;
	for (uint32_t o = 0; o < out; o++) {
		pixel_weights(f, &fp, in, scale, o, fold, packed + (size_t)o * fp.span,
			      &first[o], &width[o]);
		if (width[o] > a->taps)
			a->taps = width[o];
	}
	a->start = malloc((size_t)out * sizeof *a->start);
	a->weight = calloc((size_t)out * a->taps, sizeof *a->weight);
	if (!a->start || !a->weight) {
		axis_free(a);
		goto out;
	}
	axis_place(a, packed, first, width, fp.span);
	rc = 0;
out:
	free(fold);
	free(packed);
	free(first);
	free(width);
	return rc;
}

/*
 * The weights of the last few axes a worker resized: a batch of photos from
 * one camera needs one or two.  Entries live until the process exits.
 */
#define AXIS_CACHE_SIZE 4
static struct axis axis_cache[AXIS_CACHE_SIZE];
static unsigned axis_cache_next;

/* The axis's weights, computed unless cached; never evicts `keep`. */
static const struct axis *axis_get(uint32_t in, uint32_t out, enum resample_filter f,
				   const struct axis *keep)
{
	for (unsigned i = 0; i < AXIS_CACHE_SIZE; i++) {
		const struct axis *a = &axis_cache[i];
		if (a->weight && a->in == in && a->out == out && a->filter == f)
			return a;
	}
	if (&axis_cache[axis_cache_next] == keep)
		axis_cache_next = (axis_cache_next + 1) % AXIS_CACHE_SIZE;
	struct axis *slot = &axis_cache[axis_cache_next];
	axis_free(slot);
	if (axis_build(slot, in, out, f) < 0)
		return NULL;
	axis_cache_next = (axis_cache_next + 1) % AXIS_CACHE_SIZE;
	return slot;
}

/* ---- the two passes ---- */

/*
 * Four floats in one SIMD register: GCC's and clang's vector extension,
 * SSE2 on x86-64, NEON on arm64, plain scalar code elsewhere.  Compilers
 * widen and narrow bytes poorly in it, so those two steps use SSE2 where it
 * exists (all of x86-64), and portable loops elsewhere; tests build both.
 */
typedef float v4f __attribute__((vector_size(16)));

#if defined(__SSE2__) && !defined(RESAMPLE_PORTABLE)
#include <emmintrin.h>

/* p[0..15] as floats, four to a vector. */
static inline void widen16(const uint8_t *p, v4f out[4])
{
	__m128i bytes = _mm_loadu_si128((const __m128i *)p), zero = _mm_setzero_si128();
	__m128i lo = _mm_unpacklo_epi8(bytes, zero), hi = _mm_unpackhi_epi8(bytes, zero);

	out[0] = (v4f)_mm_cvtepi32_ps(_mm_unpacklo_epi16(lo, zero));
	out[1] = (v4f)_mm_cvtepi32_ps(_mm_unpackhi_epi16(lo, zero));
	out[2] = (v4f)_mm_cvtepi32_ps(_mm_unpacklo_epi16(hi, zero));
	out[3] = (v4f)_mm_cvtepi32_ps(_mm_unpackhi_epi16(hi, zero));
}

/* The four lanes rounded to the nearest integer and clamped to 0-255. */
static inline void narrow4(v4f v, uint8_t out[4])
{
	__m128i i32 = _mm_cvtps_epi32((__m128)v);
	__m128i u8 = _mm_packus_epi16(_mm_packs_epi32(i32, i32), i32);
	uint32_t packed = (uint32_t)_mm_cvtsi128_si32(u8);

	memcpy(out, &packed, 4);
}
#else
static inline void widen16(const uint8_t *p, v4f out[4])
{
	for (int i = 0; i < 16; i++)
		out[i / 4][i % 4] = p[i];
}

static inline void narrow4(v4f v, uint8_t out[4])
{
	for (int c = 0; c < 4; c++)
		out[c] = v[c] <= 0 ? 0 : v[c] >= 255 ? 255 : (uint8_t)lrintf(v[c]);
}
#endif

static inline v4f load_v4f(const float *p)
{
	v4f v;
	memcpy(&v, p, sizeof v);
	return v;
}

static inline uint8_t to_u8(float v)
{
	return v <= 0 ? 0 : v >= 255 ? 255 : (uint8_t)lrintf(v);
}

/* mid[0 .. n-1] = the weighted sum of the input rows of output row y. */
static void vertical_row(const struct image *src, const struct axis *ay, uint32_t y,
			 size_t n, float *mid)
{
	const float *w = ay->weight + (size_t)y * ay->taps;
	const uint8_t *top = image_row(src, ay->start[y]);
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		/* four named sums, not an array, stay in registers */
		v4f a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 }, in[4];
		const uint8_t *p = top + i;
		for (uint32_t k = 0; k < ay->taps; k++, p += src->stride) {
			widen16(p, in);
			a0 += w[k] * in[0];
			a1 += w[k] * in[1];
			a2 += w[k] * in[2];
			a3 += w[k] * in[3];
		}
		memcpy(mid + i, &a0, sizeof a0);
		memcpy(mid + i + 4, &a1, sizeof a1);
		memcpy(mid + i + 8, &a2, sizeof a2);
		memcpy(mid + i + 12, &a3, sizeof a3);
	}
	for (; i < n; i++) {
		float acc = 0;
		for (uint32_t k = 0; k < ay->taps; k++)
			acc += w[k] * top[k * src->stride + i];
		mid[i] = acc;
	}
}

/*
 * RGB: one pixel's three samples in one register.  Each load takes a fourth
 * float, the next pixel's red (or the padding after the row), and each
 * store a fourth byte, which the next pixel overwrites; the last pixel's
 * goes through a copy so that nothing is written past the row.
 */
static void horizontal_rgb(const struct axis *ax, const float *mid, uint8_t *out)
{
	const float *w = ax->weight;

	for (uint32_t x = 0; x < ax->out; x++, w += ax->taps, out += 3) {
		const float *in = mid + (size_t)ax->start[x] * 3;
		v4f acc = { 0 };
		for (uint32_t k = 0; k < ax->taps; k++, in += 3)
			acc += w[k] * load_v4f(in);
		if (x + 1 < ax->out) {
			narrow4(acc, out);
		} else {
			uint8_t rgbx[4];
			narrow4(acc, rgbx);
			memcpy(out, rgbx, 3);
		}
	}
}

static void horizontal_gray(const struct axis *ax, const float *mid, uint8_t *out)
{
	const float *w = ax->weight;

	for (uint32_t x = 0; x < ax->out; x++, w += ax->taps) {
		const float *in = mid + ax->start[x];
		float acc = 0;
		for (uint32_t k = 0; k < ax->taps; k++)
			acc += w[k] * in[k];
		out[x] = to_u8(acc);
	}
}

/*
 * The vertical pass's output row, n floats and MID_PAD of padding (zero):
 * the horizontal passes load four floats from a pixel's first sample, so
 * the last pixel of a row reads up to three past it.  Kept from call to call
 * like the weights: a worker allocates it once, and a worker killed
 * mid-resize (the watchdog) still holds it.
 */
#define MID_PAD 3

static float *mid_row(size_t n)
{
	static float *row;
	static size_t capacity;

	if (n + MID_PAD > capacity) {
		float *grown = realloc(row, (n + MID_PAD) * sizeof *grown);
		if (!grown)
			return NULL;
		row = grown;
		capacity = n + MID_PAD;
	}
	memset(row + n, 0, MID_PAD * sizeof *row);
	return row;
}

/* ---- every other layout: alpha, 16 bits, linear light ---- */

/*
 * Samples become floats from 0 to 1 (sRGB decoded when filtering in linear
 * light; alpha never is), colours are multiplied by alpha, and each input
 * row is converted once into a ring of the rows that the vertical weights
 * reach.  As in stb_image_resize, alpha gets ALPHA_EPSILON added before it
 * multiplies: an area that is wholly transparent keeps its colour (divided
 * by the epsilon again) instead of turning black, while the epsilon is lost
 * against any visible alpha, so transparent pixels never bleed colour into
 * visible ones.
 */
#define ALPHA_EPSILON (1.0f / (1 << 20) / (1 << 20))

struct layout {
	uint32_t channels;
	bool alpha;               /* the last channel is alpha */
	bool linear;
	float max;                /* 255 or 65535 */
	const float *decode;      /* sample -> linear light, for colours; or NULL */
};

static double srgb_to_linear(double v)
{
	return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static float linear_to_srgb(float v)
{
	return v <= 0.0031308f ? v * 12.92f : 1.055f * powf(v, 1 / 2.4f) - 0.055f;
}

/* The sRGB decoding table of 8- or 16-bit samples, built once a process. */
static const float *decode_table(uint32_t depth)
{
	static float *tables[2];
	float **t = &tables[depth == 16];
	uint32_t n = depth == 16 ? 65536 : 256;

	if (!*t && (*t = malloc(n * sizeof **t)) != NULL)
		for (uint32_t i = 0; i < n; i++)
			(*t)[i] = (float)srgb_to_linear((double)i / (n - 1));
	return *t;
}

static uint32_t get_sample(const uint8_t *row, size_t i, bool wide)
{
	uint16_t v;

	if (!wide)
		return row[i];
	memcpy(&v, row + 2 * i, sizeof v);
	return v;
}

/* Input row y as premultiplied floats. */
static void load_row(const struct image *src, const struct layout *l, uint32_t y, float *out)
{
	const uint8_t *row = image_row(src, y);
	uint32_t colours = l->channels - l->alpha;
	bool wide = src->depth == 16;

	for (uint32_t x = 0; x < src->width; x++, out += l->channels) {
		size_t at = (size_t)x * l->channels;
		float a = 1;
		if (l->alpha) {
			a = get_sample(row, at + colours, wide) / l->max + ALPHA_EPSILON;
			out[colours] = a;
		}
		for (uint32_t c = 0; c < colours; c++) {
			uint32_t v = get_sample(row, at + c, wide);
			out[c] = a * (l->decode ? l->decode[v] : v / l->max);
		}
	}
}

/* The input rows that the vertical weights reach, slot y % count holding row y. */
struct ring {
	float *rows;
	int64_t *held;           /* which input row each slot holds, -1 none */
	uint32_t count;
	size_t n;                /* floats a row */
};

static const float *ring_row(struct ring *r, const struct image *src, const struct layout *l,
			     uint32_t y)
{
	uint32_t slot = y % r->count;
	float *row = r->rows + slot * r->n;

	if (r->held[slot] != y) {
		load_row(src, l, y, row);
		r->held[slot] = y;
	}
	return row;
}

static void vertical_float(struct ring *r, const struct image *src, const struct layout *l,
			   const struct axis *ay, uint32_t y, float *mid)
{
	const float *w = ay->weight + (size_t)y * ay->taps;

	memset(mid, 0, r->n * sizeof *mid);
	for (uint32_t k = 0; k < ay->taps; k++) {
		const float *in = ring_row(r, src, l, ay->start[y] + k);
		size_t i = 0;
		for (; i + 4 <= r->n; i += 4) {
			v4f sum = load_v4f(mid + i) + w[k] * load_v4f(in + i);
			memcpy(mid + i, &sum, sizeof sum);
		}
		for (; i < r->n; i++)
			mid[i] += w[k] * in[i];
	}
}

static void put_sample(uint8_t *out, size_t i, float v, const struct layout *l)
{
	float clamped = v <= 0 ? 0 : v >= 1 ? l->max : v * l->max;
	uint16_t wide = (uint16_t)lrintf(clamped);

	if (l->max == 255)
		out[i] = (uint8_t)wide;
	else
		memcpy(out + 2 * i, &wide, sizeof wide);
}

/* One output pixel from its premultiplied sums: divided by alpha, encoded. */
static void put_pixel(v4f acc, const struct layout *l, uint8_t *out, uint32_t x)
{
	uint32_t colours = l->channels - l->alpha;
	float a = l->alpha ? acc[colours] : 1;
	size_t at = (size_t)x * l->channels;

	/* alpha rings below 0 near edges: still divided by it, as stb does,
	 * which gives the colour of the transparent side */
	for (uint32_t c = 0; c < colours; c++) {
		float v = a != 0 ? acc[c] / a : 0;
		if (l->linear)
			v = linear_to_srgb(v <= 0 ? 0 : v >= 1 ? 1 : v);
		put_sample(out, at + c, v, l);
	}
	if (l->alpha)
		put_sample(out, at + colours, a - ALPHA_EPSILON, l);
}

static void horizontal_float(const struct axis *ax, const struct layout *l, const float *mid,
			     uint8_t *out)
{
	const float *w = ax->weight;

	for (uint32_t x = 0; x < ax->out; x++, w += ax->taps) {
		const float *in = mid + (size_t)ax->start[x] * l->channels;
		v4f acc = { 0 };
		for (uint32_t k = 0; k < ax->taps; k++, in += l->channels)
			acc += w[k] * load_v4f(in);
		put_pixel(acc, l, out, x);
	}
}

static int resample_float(const struct image *src, struct image *dst, const struct axis *ax,
			  const struct axis *ay, bool linear, float *mid)
{
	struct layout l = {
		.channels = src->channels, .alpha = image_has_alpha(src), .linear = linear,
		.max = src->depth == 16 ? 65535 : 255,
		.decode = linear ? decode_table(src->depth) : NULL,
	};
	struct ring r = { .count = ay->taps, .n = (size_t)src->width * src->channels };

	r.rows = malloc(r.count * r.n * sizeof *r.rows);
	r.held = malloc(r.count * sizeof *r.held);
	if (!r.rows || !r.held || (linear && !l.decode)) {
		free(r.rows);
		free(r.held);
		return -1;
	}
	for (uint32_t i = 0; i < r.count; i++)
		r.held[i] = -1;
	for (uint32_t y = 0; y < dst->height; y++) {
		vertical_float(&r, src, &l, ay, y, mid);
		horizontal_float(ax, &l, mid, image_row(dst, y));
	}
	free(r.rows);
	free(r.held);
	return 0;
}

/* ---- both ---- */

static void resample_u8(const struct image *src, struct image *dst, const struct axis *ax,
			const struct axis *ay, float *mid)
{
	size_t n = (size_t)src->width * src->channels;

	for (uint32_t y = 0; y < dst->height; y++) {
		vertical_row(src, ay, y, n, mid);
		if (src->channels == 3)
			horizontal_rgb(ax, mid, image_row(dst, y));
		else
			horizontal_gray(ax, mid, image_row(dst, y));
	}
}

int resample_image(const struct image *src, struct image *dst, enum resample_filter filter_x,
		   enum resample_filter filter_y, bool linear, struct ib_error *err)
{
	const struct axis *ax = axis_get(src->width, dst->width, filter_x, NULL);
	const struct axis *ay = ax ? axis_get(src->height, dst->height, filter_y, ax) : NULL;
	float *mid = ay ? mid_row((size_t)src->width * src->channels) : NULL;
	bool u8 = !linear && src->depth == 8 && (src->channels == 1 || src->channels == 3);

	if (mid && u8)
		resample_u8(src, dst, ax, ay, mid);
	if (!mid || (!u8 && resample_float(src, dst, ax, ay, linear, mid) < 0))
		return ib_fail(err, "resize %ux%u to %ux%u: out of memory", src->width,
			       src->height, dst->width, dst->height);
	return 0;
}
