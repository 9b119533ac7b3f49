/*
 * imgbatch compare: the algorithm of pixelmatch (ISC licence) by
 * Mapbox/Vladimir Agafonkin, written anew so that it counts exactly what the
 * npm packages count: pixelmatch 7.2.0 for METRIC_YIQ, 8.0.0 for
 * METRIC_OKLAB.  That takes the same double arithmetic in the same order,
 * JavaScript's integer conversions where pixelmatch relies on them, and V8's
 * own results where they differ from the C library's (lin_table, v8_cbrt).
 */
#include "config.h"
#include "compare/pixelmatch.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * A fused multiply-add rounds once where JavaScript rounds twice, which
 * would move pixels that sit on the threshold.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* ---- 8-bit RGBA views ------------------------------------------------------------ */

/* Pixels of 4 bytes (r, g, b, a), rows stride bytes apart. */
struct rgba {
	const uint8_t *pixels;
	size_t stride;
};

static inline const uint8_t *pixel_at(const struct rgba *v, uint32_t x, uint32_t y)
{
	return v->pixels + (size_t)y * v->stride + (size_t)x * 4;
}

/* The 4 bytes of a pixel as one word, to test pixels for equality. */
static inline uint32_t pixel_word(const uint8_t *p)
{
	uint32_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

static bool layout_is_valid(const struct image *img)
{
	return img->channels >= 1 && img->channels <= 4 &&
	       (img->depth == 8 || img->depth == 16);
}

/* Sample c of the pixel at p, in 8 bits. */
static uint8_t sample8(const uint8_t *p, uint32_t depth, uint32_t c)
{
	if (depth == 16) {
		uint16_t v;
		memcpy(&v, p + 2 * c, sizeof v);
		return (uint8_t)((v * 255u + 32767) / 65535);
	}
	return p[c];
}

void compare_row_rgba8(const struct image *img, uint32_t y, uint8_t *out)
{
	const uint8_t *p = image_row(img, y);
	size_t bpp = image_bytes_per_pixel(img);
	bool colour = img->channels >= 3;

	for (uint32_t x = 0; x < img->width; x++, p += bpp, out += 4) {
		out[0] = sample8(p, img->depth, 0);
		out[1] = colour ? sample8(p, img->depth, 1) : out[0];
		out[2] = colour ? sample8(p, img->depth, 2) : out[0];
		out[3] = image_has_alpha(img) ? sample8(p, img->depth, img->channels - 1) : 255;
	}
}

/*
 * Sees img as 8-bit RGBA: its own pixels when they are (and writable is
 * false), else a converted copy that *copy owns.
 */
static int view_as_rgba8(const struct image *img, bool writable, struct rgba *v,
			 uint8_t **copy, struct ib_error *err)
{
	*copy = NULL;
	if (img->channels == 4 && img->depth == 8 && !writable) {
		*v = (struct rgba) { img->pixels, img->stride };
		return 0;
	}
	size_t stride = (size_t)img->width * 4, size;
	uint8_t *pixels = NULL;
	if (!__builtin_mul_overflow(stride, (size_t)img->height, &size))
		pixels = malloc(size);
	if (!pixels)
		return ib_fail_errno(err, errno, "cannot allocate a %ux%u image",
				     img->width, img->height);
	for (uint32_t y = 0; y < img->height; y++)
		compare_row_rgba8(img, y, pixels + y * stride);
	*copy = pixels;
	*v = (struct rgba) { pixels, stride };
	return 0;
}

/* ---- pixelmatch 7: YIQ ------------------------------------------------------------- */

/* JavaScript's ToInt32 (x | 0) for 0 <= x < 2^64: truncated, modulo 2^32. */
static int32_t js_int32(double x)
{
	return (int32_t)(uint32_t)(uint64_t)x;
}

static void white_background(int bg[3])
{
	bg[0] = bg[1] = bg[2] = 255;
}

/*
 * pixelmatch 7's background behind translucent pixel i, from its byte offset
 * k = 4i: each channel is dark (48) or light (207) by the parity of k, k/phi
 * and k/phi^2.  k is even, so red is always dark.
 */
static void yiq_background(uint64_t i, bool checkerboard, int bg[3])
{
	if (!checkerboard) {
		white_background(bg);
		return;
	}
	double k = (double)(4 * i);
	bg[0] = 48;
	bg[1] = 48 + 159 * (js_int32(k / 1.618033988749895) % 2);
	bg[2] = 48 + 159 * (js_int32(k / 2.618033988749895) % 2);
}

static bool both_opaque(const uint8_t *a, const uint8_t *b)
{
	return a[3] == 255 && b[3] == 255;
}

/* The r, g, b differences a - b of two opaque pixels. */
static void plain_diff(const uint8_t *a, const uint8_t *b, double d[3])
{
	for (int c = 0; c < 3; c++)
		d[c] = a[c] - b[c];
}

/*
 * The same with both pixels blended on bg first; the numerators are exact
 * integers, as in pixelmatch.
 */
static void blended_diff(const uint8_t *a, const uint8_t *b, const int bg[3], double d[3])
{
	int da = a[3] - b[3];

	for (int c = 0; c < 3; c++)
		d[c] = (a[c] * a[3] - b[c] * b[3] - bg[c] * da) / 255.0;
}

static double yiq_y(const double d[3])
{
	return d[0] * 0.29889531 + d[1] * 0.58662247 + d[2] * 0.11448223;
}

/* Squared YIQ distance (Kotsarenko and Ramos), negated when b is darker. */
static double yiq_delta(const uint8_t *a, const uint8_t *b, uint64_t i, bool checkerboard)
{
	double d[3];

	if (both_opaque(a, b)) {
		plain_diff(a, b, d);
	} else {
		int bg[3];
		yiq_background(i, checkerboard, bg);
		blended_diff(a, b, bg, d);
	}
	double y = yiq_y(d);
	double in = d[0] * 0.59597799 - d[1] * 0.27417610 - d[2] * 0.32180189;
	double q = d[0] * 0.21147017 - d[1] * 0.52261711 + d[2] * 0.31114694;
	double delta = 0.5053 * y * y + 0.299 * in * in + 0.1957 * q * q;

	return y > 0 ? -delta : delta;
}

/* ---- pixelmatch 8: OKLab HyAB ------------------------------------------------------ */

/*
 * sRGB byte to linear light, as V8 computes ((c + 0.055) / 1.055) ** 2.4:
 * its pow is not the C library's, and 32 of these entries would differ in
 * the last bit.  The 257th entry lets blended values interpolate at 255.
 */
static const double lin_table[257] = {
	0x0p+0, 0x1.3e45677c176f7p-12, 0x1.3e45677c176f7p-11, 0x1.dd681b3a23272p-11,
	0x1.3e45677c176f7p-10, 0x1.8dd6c15b1d4b4p-10, 0x1.dd681b3a23272p-10, 0x1.167cba8c94818p-9,
	0x1.3e45677c176f7p-9, 0x1.660e146b9a5d5p-9, 0x1.8dd6c15b1d4b4p-9, 0x1.b6a31b5259c99p-9,
	0x1.e1e31d70c99ddp-9, 0x1.07c38bf8583a9p-8, 0x1.1fcc2beed6421p-8, 0x1.390ffaf95e279p-8,
	0x1.53936cc7bc928p-8, 0x1.6f5addb50c915p-8, 0x1.8c6a94031b562p-8, 0x1.aac6c0fb9735p-8,
	0x1.ca7381f9f602bp-8, 0x1.eb74e160978dp-8, 0x1.06e76bbda92b8p-7, 0x1.18c2a5a8a8044p-7,
	0x1.2b4e09b3f0ae3p-7, 0x1.3e8b7b3bde964p-7, 0x1.527cd60af8b86p-7, 0x1.6723eea8d3709p-7,
	0x1.7c8292a3db6b4p-7, 0x1.929a88d67b521p-7, 0x1.a96d91a8016bdp-7, 0x1.c0fd67499fab6p-7,
	0x1.d94bbdefd740ep-7, 0x1.f25a44089883fp-7, 0x1.061551372c694p-6, 0x1.135f3e4c2cce2p-6,
	0x1.210bb8642b172p-6, 0x1.2f1b8c1ae46bdp-6, 0x1.3d8f839b79c0bp-6, 0x1.4c6866b3e9fa4p-6,
	0x1.5ba6fae794314p-6, 0x1.6b4c0380d2deep-6, 0x1.7b5841a1bf3acp-6, 0x1.8bcc74542addbp-6,
	0x1.9ca95898dc8b4p-6, 0x1.adefa9761c02p-6, 0x1.bfa0200597bdap-6, 0x1.d1bb7381aec1fp-6,
	0x1.e442595227bcap-6, 0x1.f73585185e1b5p-6, 0x1.054ad45d76878p-5, 0x1.0f31ba386ff26p-5,
	0x1.194fcb663747bp-5, 0x1.23a55e62a662ap-5, 0x1.2e32c8e148d11p-5, 0x1.38f85fd21eacfp-5,
	0x1.43f67766310fep-5, 0x1.4f2d6313fa8dp-5, 0x1.5a9d759ba5edp-5, 0x1.6647010b254eep-5,
	0x1.722a56c2239eep-5, 0x1.7e47c775d2428p-5, 0x1.8a9fa33494b08p-5, 0x1.973239698b9ccp-5,
	0x1.a3ffd8e001389p-5, 0x1.b108cfc6b7fbcp-5, 0x1.be4d6bb31d522p-5, 0x1.cbcdf9a4616f2p-5,
	0x1.d98ac60675833p-5, 0x1.e7841cb4f16dfp-5, 0x1.f5ba48fde2048p-5, 0x1.0216cad240765p-4,
	0x1.096f2671eb815p-4, 0x1.10e65c38a5192p-4, 0x1.187c90bf8bce2p-4, 0x1.2031e85f5d6dap-4,
	0x1.28068731a1952p-4, 0x1.2ffa9111cb94bp-4, 0x1.380e299e53f92p-4, 0x1.40417439ca10fp-4,
	0x1.4894940bddbfap-4, 0x1.5107ac0261e59p-4, 0x1.599aded247aacp-4, 0x1.624e4ef892ed4p-4,
	0x1.6b221ebb4817ep-4, 0x1.7416702a539dp-4, 0x1.7d2b65206b528p-4, 0x1.86611f43e9e6ap-4,
	0x1.8fb7c007a4a7p-4, 0x1.992f68abbbc89p-4, 0x1.a2c83a3e6566cp-4, 0x1.ac82559cb3644p-4,
	0x1.b65ddb7354604p-4, 0x1.c05aec3f4fe5ep-4, 0x1.ca79a84ebe03p-4, 0x1.d4ba2fc17a6a5p-4,
	0x1.df1ca289d34b8p-4, 0x1.e9a1206d34003p-4, 0x1.f447c904cbb4ep-4, 0x1.ff10bbbe302c2p-4,
	0x1.04fe0bedfe5f1p-3, 0x1.0a84fe3b36d8fp-3, 0x1.101d443dfc06fp-3, 0x1.15c6ed58eefdfp-3,
	0x1.1b8208da5fefp-3, 0x1.214ea5fc9514ap-3, 0x1.272cd3e610123p-3, 0x1.2d1ca1a9d1cfbp-3,
	0x1.331e1e479cdf5p-3, 0x1.393158ac3674ep-3, 0x1.3f565fb1a5fd5p-3, 0x1.458d421f735dfp-3,
	0x1.4bd60eaae3e72p-3, 0x1.5230d3f736034p-3, 0x1.589da095dbaa1p-3, 0x1.5f1c8306b3a3cp-3,
	0x1.65ad89b841a2bp-3, 0x1.6c50c307e53cp-3, 0x1.73063d420fc8p-3, 0x1.79ce06a279303p-3,
	0x1.80a82d5453b5dp-3, 0x1.8794bf727eb4p-3, 0x1.8e93cb07b867ap-3, 0x1.95a55e0ecec0bp-3,
	0x1.9cc98672cf47ep-3, 0x1.a400520f3619cp-3, 0x1.ab49ceb01c003p-3, 0x1.b2a60a1263b0ap-3,
	0x1.ba1511e3e632cp-3, 0x1.c196f3c39e77p-3, 0x1.c92bbd41d41fep-3, 0x1.d0d37be045851p-3,
	0x1.d88e3d1250f68p-3, 0x1.e05c0e3d1d3ep-3, 0x1.e83cfcb7c16fp-3, 0x1.f03115cb6bfd3p-3,
	0x1.f83866b38924dp-3, 0x1.00297e4ef4553p-2, 0x1.044072557177ap-2, 0x1.086115f6beb3ap-2,
	0x1.0c8b6fb5c735ep-2, 0x1.10bf860ef039ap-2, 0x1.14fd5f782a5a6p-2, 0x1.1945026102997p-2,
	0x1.1d967532b31b1p-2, 0x1.21f1be50339e7p-2, 0x1.2656e41649ae3p-2, 0x1.2ac5ecdb988f8p-2,
	0x1.2f3edef0b0ed8p-2, 0x1.33c1c0a020438p-2, 0x1.384e982e800b1p-2, 0x1.3ce56bda84a81p-2,
	0x1.418641dd0c1bcp-2, 0x1.463120692c7afp-2, 0x1.4ae60dac4229dp-2, 0x1.4fa50fcdfde15p-2,
	0x1.546e2cf0727a9p-2, 0x1.59416b3022858p-2, 0x1.5e1ed0a40daacp-2, 0x1.6306635dbdd7bp-2,
	0x1.67f82969543a2p-2, 0x1.6cf428cd96079p-2, 0x1.71fa678bf915dp-2, 0x1.770aeba0b042ap-2,
	0x1.7c25bb02b7ac5p-2, 0x1.814adba3e0bd8p-2, 0x1.867a5370de0bp-2, 0x1.8bb428514f067p-2,
	0x1.90f86027cb84ep-2, 0x1.964700d1ef1b1p-2, 0x1.9ba010286452p-2, 0x1.a10393feefafdp-2,
	0x1.a67192247a9bep-2, 0x1.abea10631e195p-2, 0x1.b16d14802d5cap-2, 0x1.b6faa43c403bcp-2,
	0x1.bc92c5533d784p-2, 0x1.c2357d7c64e5dp-2, 0x1.c7e2d26a596dep-2, 0x1.cd9ac9cb2aef2p-2,
	0x1.d35d69485ffc5p-2, 0x1.d92ab686ff782p-2, 0x1.df02b7279a10dp-2, 0x1.e4e570c6539c5p-2,
	0x1.ead2e8faec526p-2, 0x1.f0cb2558c9ea4p-2, 0x1.f6ce2b6f00983p-2, 0x1.fcdc00c85bec2p-2,
	0x1.017a5575b3cb2p-1, 0x1.048c17ad3c04bp-1, 0x1.07a349c9d9837p-1, 0x1.0abfee888c05p-1,
	0x1.0de208a4444c8p-1, 0x1.11099ad5e83ebp-1, 0x1.1436a7d456eeep-1, 0x1.176932546ca12p-1,
	0x1.1aa13d0906bdap-1, 0x1.1ddecaa307b85p-1, 0x1.2121ddd15aecep-1, 0x1.246a7940f86d1p-1,
	0x1.27b89f9ce8c4bp-1, 0x1.2b0c538e48b07p-1, 0x1.2e6597bc4ccap-1, 0x1.31c46ecc4528dp-1,
	0x1.3528db61a0f73p-1, 0x1.3892e01df1fccp-1, 0x1.3c027fa0f01ebp-1, 0x1.3f77bc887cd3bp-1,
	0x1.42f29970a68f8p-1, 0x1.467318f3ac22dp-1, 0x1.49f93daa00113p-1, 0x1.4d850a2a4bde1p-1,
	0x1.51168109734e6p-1, 0x1.54ada4da97a1bp-1, 0x1.584a782f1ac23p-1, 0x1.5becfd96a2698p-1,
	0x1.5f95379f1b3ecp-1, 0x1.634328d4bbe97p-1, 0x1.66f6d3c2081cfp-1, 0x1.6ab03aefd39aap-1,
	0x1.6e6f60e5452b1p-1, 0x1.72344827d98f6p-1, 0x1.75fef33b6669bp-1, 0x1.79cf64a21d1e2p-1,
	0x1.7da59edc8dabp-1, 0x1.8181a469a9787p-1, 0x1.856377c6c6224p-1, 0x1.894b1b6fa0378p-1,
	0x1.8d3891de5df49p-1, 0x1.912bdd8b91f45p-1, 0x1.952500ee3dda5p-1, 0x1.9923fe7bd4f67p-1,
	0x1.9d28d8a83edfcp-1, 0x1.a13391e5da09fp-1, 0x1.a5442ca57e52ep-1, 0x1.a95aab567f88fp-1,
	0x1.ad771066afec2p-1, 0x1.b1995e4262a69p-1, 0x1.b5c197546e3f8p-1, 0x1.b9efbe062f086p-1,
	0x1.be23d4bf8981cp-1, 0x1.c25ddde6ecbbbp-1, 0x1.c69ddbe154af1p-1, 0x1.cae3d1124c90bp-1,
	0x1.cf2fbfdbf11f1p-1, 0x1.d381aa9ef2e82p-1, 0x1.d7d993ba988d4p-1, 0x1.dc377d8cc0fd5p-1,
	0x1.e09b6a71e5aa6p-1, 0x1.e5055cc51cbb4p-1, 0x1.e97556e01b351p-1, 0x1.edeb5b1b37216p-1,
	0x1.f2676bcd69adep-1, 0x1.f6e98b4c51466p-1, 0x1.fb71bbec33ab2p-1, 0x1p+0,
	0x1p+0,
};

static double lin_lut(double x)
{
	int i = (int)x;
	return lin_table[i] + (lin_table[i + 1] - lin_table[i]) * (x - i);
}

static uint64_t double_bits(double x)
{
	uint64_t u;
	memcpy(&u, &x, sizeof u);
	return u;
}

static double bits_double(uint64_t u)
{
	double x;
	memcpy(&x, &u, sizeof x);
	return x;
}

/*
 * The cube root of x as V8's Math.cbrt computes it; the C library's cbrt
 * differs from it in the last bit for about half of all inputs.  V8 uses
 * the FreeBSD libm algorithm (Sun Microsystems, optimised by Bruce D. Evans):
 * an estimate from the exponent bits divided by 3, a polynomial that refines
 * it to about 23 bits, rounding to 32 bits, and one Newton-like step to
 * double precision.  x is 0 or a positive normal number here.
 */
static double v8_cbrt(double x)
{
	if (x == 0)
		return x;
	uint32_t high = (uint32_t)(double_bits(x) >> 32);
	const double p0 = 1.87595182427177009643, p1 = -1.88497979543377169875,
		     p2 = 1.621429720105354466140, p3 = -0.758397934778766047437,
		     p4 = 0.145996192886612446982;
	double t = bits_double((uint64_t)(high / 3 + 715094163) << 32);
	double r = (t * t) * (t / x);
	t = t * ((p0 + r * (p1 + r * p2)) + ((r * r) * r) * (p3 + r * p4));
	t = bits_double((double_bits(t) + 0x80000000) & 0xffffffffc0000000);
	double s = t * t;
	r = x / s;
	double w = t + t;
	r = (r - t) / (w + r);
	return t + t * r;
}

/* Cube roots on [0, 1], interpolated between CBRT_STEPS + 1 samples. */
#define CBRT_STEPS 4096
/* Below this sample the curve bends too much to interpolate: exact there. */
#define CBRT_EXACT_BELOW 8

static double cbrt_table[CBRT_STEPS + 2];
static pthread_once_t cbrt_table_once = PTHREAD_ONCE_INIT;

static void fill_cbrt_table(void)
{
	for (int i = 0; i <= CBRT_STEPS + 1; i++)
		cbrt_table[i] = v8_cbrt((double)i / CBRT_STEPS);
}

static double cbrt_lut(double x)
{
	double t = x * CBRT_STEPS;
	int i = (int)t;

	if (i < CBRT_EXACT_BELOW)
		return v8_cbrt(x);
	return cbrt_table[i] + (cbrt_table[i + 1] - cbrt_table[i]) * (t - i);
}

/* A colour as cube-rooted LMS (l, m, s) and toe-corrected OKLab lightness. */
struct oklab {
	double l, m, s, lr;
};

/* Ottosson's toe: keeps near-black differences from being over-expanded. */
static double toe_lightness(double l, double m, double s)
{
	const double k1 = 0.206, k2 = 0.03, k3 = (1 + k1) / (1 + k2);
	double lightness = 0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s;
	double x = k3 * lightness - k1;

	return 0.5 * (x + sqrt(x * x + 4 * k2 * k3 * lightness));
}

static void oklab_from_linear(double r, double g, double b, struct oklab *o)
{
	o->l = cbrt_lut(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
	o->m = cbrt_lut(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
	o->s = cbrt_lut(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
	o->lr = toe_lightness(o->l, o->m, o->s);
}

/*
 * Opaque colours recur, so their OKLab values are cached, direct-mapped by
 * a Fibonacci hash.  The values depend on the colour alone: the cache
 * serves every comparison of the thread.  key is 0xRRGGBB + 1, 0 when empty.
 */
#define OKLAB_CACHE_BITS 12

struct oklab_slot {
	uint32_t key;
	struct oklab value;
};

static _Thread_local struct oklab_slot oklab_cache[1 << OKLAB_CACHE_BITS];

static void opaque_oklab(const uint8_t *p, struct oklab *o)
{
	uint32_t rgb = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
	struct oklab_slot *slot = &oklab_cache[(rgb * 0x9e3779b1u) >> (32 - OKLAB_CACHE_BITS)];

	if (slot->key != rgb + 1) {
		oklab_from_linear(lin_table[p[0]], lin_table[p[1]], lin_table[p[2]], &slot->value);
		slot->key = rgb + 1;
	}
	*o = slot->value;
}

/*
 * pixelmatch 8's background behind translucent pixel i: each channel dark
 * (48) or light (207) by one of the top 3 bits of a Fibonacci hash of i.
 * JavaScript hashes k >> 2 for the byte offset k = 4i, taken modulo 2^32 as
 * a signed number, which is i itself below 2^29 pixels.
 */
static void oklab_background(uint64_t i, bool checkerboard, int bg[3])
{
	if (!checkerboard) {
		white_background(bg);
		return;
	}
	int32_t k = (int32_t)(uint32_t)(4 * i);
	uint32_t h = (uint32_t)(k >> 2) * 0x9e3779b1u;
	bg[0] = 48 + 159 * (int)(h >> 31);
	bg[1] = 48 + 159 * (int)(h >> 30 & 1);
	bg[2] = 48 + 159 * (int)(h >> 29 & 1);
}

static void blended_oklab(const uint8_t *p, const int bg[3], struct oklab *o)
{
	double lin[3];

	for (int c = 0; c < 3; c++)
		lin[c] = lin_lut((p[c] * p[3] + bg[c] * (255 - p[3])) / 255.0);
	oklab_from_linear(lin[0], lin[1], lin[2], o);
}

/* Differences a - b: toe-corrected lightness, cube-rooted l, m and s. */
struct hyab {
	double dlr, dl, dm, ds;
};

static void hyab_of(const uint8_t *a, const uint8_t *b, uint64_t i, bool checkerboard,
		    struct hyab *h)
{
	struct oklab pa, pb;

	/* a copy: the two colours may share a cache slot */
	if (both_opaque(a, b)) {
		opaque_oklab(a, &pa);
		opaque_oklab(b, &pb);
	} else {
		int bg[3];
		oklab_background(i, checkerboard, bg);
		blended_oklab(a, bg, &pa);
		blended_oklab(b, bg, &pb);
	}
	*h = (struct hyab) { pa.lr - pb.lr, pa.l - pb.l, pa.m - pb.m, pa.s - pb.s };
}

/* The OKLab a and b differences, from those of the cube-rooted LMS. */
static void hyab_ab(const struct hyab *h, double *da, double *db)
{
	*da = 1.9779984951 * h->dl - 2.4285922050 * h->dm + 0.4505937099 * h->ds;
	*db = 0.0259040371 * h->dl + 0.7827717662 * h->dm - 0.8086757660 * h->ds;
}

/*
 * Whether |dLr| + sqrt(da^2 + db^2) > max, tested without the square root
 * as pixelmatch 8 does (which decides the pixels right at the threshold):
 * 0 if not, else -1 when b is darker and 1 when not.
 */
static int hyab_exceeds(const struct hyab *h, double max)
{
	double rest = max - fabs(h->dlr);

	if (rest >= 0) {
		double da, db;
		hyab_ab(h, &da, &db);
		if (da * da + db * db <= rest * rest)
			return 0;
	}
	return h->dlr > 0 ? -1 : 1;
}

/* ---- anti-aliasing ----------------------------------------------------------------- */

/*
 * The signed luma step from pixel c to its neighbour n.  Translucent pixels
 * are blended on bg; pixelmatch 8 (alpha_ties) also tells apart neighbours
 * whose blended luma is equal but whose alpha is not.
 */
static double luma_step(const uint8_t *c, const uint8_t *n, const int bg[3], bool alpha_ties)
{
	double d[3];

	if (pixel_word(c) == pixel_word(n))
		return 0;
	if (both_opaque(c, n)) {
		plain_diff(c, n, d);
		return yiq_y(d);
	}
	blended_diff(c, n, bg, d);
	double y = yiq_y(d);
	if (alpha_ties && y == 0)
		return (c[3] - n[3]) / 2.0;
	return y;
}

/* Whether pixel (x1, y1) of v has 3 or more identical neighbours, the image
 * edge counting as one. */
static bool many_siblings(const struct rgba *v, uint32_t x1, uint32_t y1, uint32_t w,
			  uint32_t h)
{
	uint32_t x0 = x1 ? x1 - 1 : 0, x2 = x1 + 1 < w ? x1 + 1 : x1;
	uint32_t y0 = y1 ? y1 - 1 : 0, y2 = y1 + 1 < h ? y1 + 1 : y1;
	uint32_t centre = pixel_word(pixel_at(v, x1, y1));
	unsigned same = x0 == x1 || x2 == x1 || y0 == y1 || y2 == y1;

	for (uint32_t x = x0; x <= x2; x++) {
		for (uint32_t y = y0; y <= y2; y++) {
			if (x == x1 && y == y1)
				continue;
			same += pixel_word(pixel_at(v, x, y)) == centre;
			if (same > 2)
				return true;
		}
	}
	return false;
}

struct comparison {
	const struct compare_options *o;
	uint32_t width, height;
	struct rgba a, b;          /* expected, actual */
	double max_delta;          /* yiq: squared distance; oklab: HyAB */
	struct image *diff;        /* NULL when not drawn */
	uint8_t *window_mask;      /* 1 where a pixel counts; NULL without window */
	uint64_t sq_error;         /* sum of squared RGBA8 sample differences */
	struct compare_result *r;
};

/*
 * Whether pixel (x1, y1) of v sits on an intensity ramp (after V.
 * Vysniauskas, "Anti-aliased pixel and intensity slope detector", 2009): at
 * most 2 neighbours equal to it (the edge counts as one), both a darker and
 * a brighter neighbour, and the darkest or the brightest of them with 3 or
 * more equal neighbours of its own in both images.  Neighbours are visited
 * column by column; the first of equal extremes is kept.
 */
static bool antialiased(const struct comparison *cmp, const struct rgba *v, uint32_t x1,
			uint32_t y1)
{
	uint32_t w = cmp->width, h = cmp->height;
	uint32_t x0 = x1 ? x1 - 1 : 0, x2 = x1 + 1 < w ? x1 + 1 : x1;
	uint32_t y0 = y1 ? y1 - 1 : 0, y2 = y1 + 1 < h ? y1 + 1 : y1;
	const uint8_t *c = pixel_at(v, x1, y1);
	unsigned same = x0 == x1 || x2 == x1 || y0 == y1 || y2 == y1;
	double darkest = 0, brightest = 0;
	uint32_t dark_x = 0, dark_y = 0, bright_x = 0, bright_y = 0;
	bool yiq = cmp->o->metric == METRIC_YIQ;
	int bg[3];

	/* pixelmatch 7 blends on its checkerboard at the centre, 8 on white. */
	if (yiq)
		yiq_background((uint64_t)y1 * w + x1, cmp->o->checkerboard, bg);
	else
		white_background(bg);

	for (uint32_t x = x0; x <= x2; x++) {
		for (uint32_t y = y0; y <= y2; y++) {
			if (x == x1 && y == y1)
				continue;
			double d = luma_step(c, pixel_at(v, x, y), bg, !yiq);
			if (d == 0) {
				if (++same > 2)
					return false;
			} else if (d < darkest) {
				darkest = d;
				dark_x = x;
				dark_y = y;
			} else if (d > brightest) {
				brightest = d;
				bright_x = x;
				bright_y = y;
			}
		}
	}
	if (darkest == 0 || brightest == 0)
		return false;
	return (many_siblings(&cmp->a, dark_x, dark_y, w, h) &&
		many_siblings(&cmp->b, dark_x, dark_y, w, h)) ||
	       (many_siblings(&cmp->a, bright_x, bright_y, w, h) &&
		many_siblings(&cmp->b, bright_x, bright_y, w, h));
}

/* ---- the comparison ---------------------------------------------------------------- */

static void draw(uint8_t *out, const uint8_t rgb[3])
{
	memcpy(out, rgb, 3);
	out[3] = 255;
}

/*
 * The expected pixel p as gray, faded towards white; stored as JavaScript
 * stores a number into a Uint8Array: truncated.
 */
static void draw_faded(uint8_t *out, const uint8_t *p, double alpha)
{
	double v = 255 + (p[0] * 0.29889531 + p[1] * 0.58662247 + p[2] * 0.11448223 - 255) *
		   alpha * p[3] / 255;
	uint8_t gray = (uint8_t)v;

	out[0] = out[1] = out[2] = gray;
	out[3] = 255;
}

/* 0 when a and b are alike for the metric, else -1 if b is darker, 1 if not. */
static int pixel_differs(const struct comparison *cmp, const uint8_t *a, const uint8_t *b,
			 uint64_t i)
{
	if (cmp->o->metric == METRIC_YIQ) {
		double delta = yiq_delta(a, b, i, cmp->o->checkerboard);
		if (fabs(delta) <= cmp->max_delta)
			return 0;
		return delta < 0 ? -1 : 1;
	}
	struct hyab h;
	hyab_of(a, b, i, cmp->o->checkerboard, &h);
	return hyab_exceeds(&h, cmp->max_delta);
}

static void measure_error(struct comparison *cmp, const uint8_t *a, const uint8_t *b)
{
	for (int c = 0; c < 4; c++) {
		uint32_t d = (uint32_t)abs(a[c] - b[c]);
		cmp->sq_error += d * d;
		if (d > cmp->r->max_channel_diff)
			cmp->r->max_channel_diff = d;
	}
}

/* Pixel (x, y), which differs between the images in some byte. */
static void compare_pixel(struct comparison *cmp, uint32_t x, uint32_t y, uint8_t *out)
{
	const struct compare_options *o = cmp->o;
	const uint8_t *a = pixel_at(&cmp->a, x, y), *b = pixel_at(&cmp->b, x, y);
	uint64_t i = (uint64_t)y * cmp->width + x;
	bool fade = out && !o->diff_mask;

	measure_error(cmp, a, b);
	int differs = pixel_differs(cmp, a, b, i);
	if (!differs) {
		if (fade)
			draw_faded(out, a, o->alpha);
		return;
	}
	if (!o->include_aa &&
	    (antialiased(cmp, &cmp->a, x, y) || antialiased(cmp, &cmp->b, x, y))) {
		cmp->r->aa_pixels++;
		if (fade)
			draw(out, o->aa_color);
		return;
	}
	cmp->r->diff_pixels++;
	if (cmp->window_mask)
		cmp->window_mask[i] = 1;
	if (out)
		draw(out, differs < 0 && o->has_diff_color_alt ? o->diff_color_alt : o->diff_color);
}

static void compare_row(struct comparison *cmp, uint32_t y)
{
	const uint8_t *a = pixel_at(&cmp->a, 0, y), *b = pixel_at(&cmp->b, 0, y);
	uint8_t *out = cmp->diff ? image_row(cmp->diff, y) : NULL;
	bool fade = out && !cmp->o->diff_mask;

	/* Most rows of most pairs are identical: one memcmp settles them. */
	if (memcmp(a, b, (size_t)cmp->width * 4) == 0) {
		for (uint32_t x = 0; fade && x < cmp->width; x++)
			draw_faded(out + 4 * x, a + 4 * x, cmp->o->alpha);
		return;
	}
	for (uint32_t x = 0; x < cmp->width; x++) {
		uint8_t *px_out = out ? out + 4 * x : NULL;
		if (pixel_word(a + 4 * x) != pixel_word(b + 4 * x))
			compare_pixel(cmp, x, y, px_out);
		else if (fade)
			draw_faded(px_out, a + 4 * x, cmp->o->alpha);
	}
}

/*
 * The most marked pixels in any n x n square (pixelmatch 8's windowSize):
 * column counts over the last n rows, summed along each band of n rows.  A
 * band holding no more than the best so far cannot beat it.
 */
static uint64_t densest_window(const uint8_t *mask, uint32_t w, uint32_t h, uint32_t n,
			       uint32_t *columns)
{
	uint64_t best = 0, band = 0;

	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *entering = mask + (size_t)y * w;
		const uint8_t *leaving = y >= n ? entering - (size_t)n * w : NULL;
		for (uint32_t x = 0; x < w; x++) {
			columns[x] += entering[x];
			band += entering[x];
			if (leaving) {
				columns[x] -= leaving[x];
				band -= leaving[x];
			}
		}
		if (y + 1 < n || band <= best)
			continue;
		uint64_t sum = 0;
		for (uint32_t x = 0; x < w; x++) {
			sum += columns[x];
			if (x >= n)
				sum -= columns[x - n];
			if (x + 1 >= n && sum > best)
				best = sum;
		}
	}
	return best;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static int check_layout(const struct image *img, struct ib_error *err)
{
	if (!layout_is_valid(img))
		return ib_fail(err, "unsupported image layout: %u channels of %u bits",
			       img->channels, img->depth);
	return 0;
}

static int check_inputs(const struct image *expected, const struct image *actual,
			const struct compare_options *o, struct ib_error *err)
{
	if (!(o->threshold >= 0 && o->threshold <= 1))
		return ib_fail(err, "threshold %g is not from 0 to 1", o->threshold);
	if (!(o->alpha >= 0 && o->alpha <= 1))
		return ib_fail(err, "alpha %g is not from 0 to 1", o->alpha);
	if (check_layout(expected, err) < 0 || check_layout(actual, err) < 0)
		return -1;
	if (expected->width != actual->width || expected->height != actual->height)
		return ib_fail(err, "size differs: %ux%u vs %ux%u", expected->width,
			       expected->height, actual->width, actual->height);
	return 0;
}

/* The buffers a comparison needs; freed together by release(). */
struct buffers {
	uint8_t *copy_a, *copy_b;
	uint8_t *window_mask;
	uint32_t *columns;
};

static void release(struct buffers *buf)
{
	free(buf->copy_a);
	free(buf->copy_b);
	free(buf->window_mask);
	free(buf->columns);
}

static int prepare(struct comparison *cmp, const struct image *expected,
		   const struct image *actual, struct buffers *buf, struct ib_error *err)
{
	uint32_t w = expected->width, h = expected->height;

	/* ignored pixels of actual are overwritten: a copy */
	if (view_as_rgba8(expected, false, &cmp->a, &buf->copy_a, err) < 0 ||
	    view_as_rgba8(actual, cmp->o->ignore != NULL, &cmp->b, &buf->copy_b, err) < 0)
		return -1;
	if (cmp->o->window) {
		buf->window_mask = calloc((size_t)w * h, 1);
		buf->columns = calloc(w, sizeof *buf->columns);
		if (!buf->window_mask || !buf->columns)
			return ib_fail_errno(err, errno, "cannot allocate a %ux%u window mask", w, h);
		cmp->window_mask = buf->window_mask;
	}
	if (cmp->diff) {
		if (image_alloc(cmp->diff, w, h, 4, 8, 0, err) < 0)
			return -1;
		/* pixelmatch's mask leaves undrawn pixels as a fresh PNG has them. */
		if (cmp->o->diff_mask)
			memset(cmp->diff->pixels, 0, cmp->diff->stride * h);
	}
	return 0;
}

/* Ignored pixels: actual's become expected's, so that they neither count
 * nor look different to their neighbours' anti-aliasing tests. */
static uint64_t equalise_ignored(const struct comparison *cmp, uint8_t *b_pixels)
{
	uint64_t n = 0;
	for (uint32_t y = 0; y < cmp->height; y++) {
		const uint8_t *skip = cmp->o->ignore + (size_t)y * cmp->width;
		for (uint32_t x = 0; x < cmp->width; x++) {
			if (!skip[x])
				continue;
			memcpy(b_pixels + (size_t)y * cmp->b.stride + 4 * (size_t)x,
			       pixel_at(&cmp->a, x, y), 4);
			n++;
		}
	}
	return n;
}

static void draw_ignored(const struct comparison *cmp)
{
	const uint8_t grey[3] = { COMPARE_IGNORED_GREY, COMPARE_IGNORED_GREY,
				  COMPARE_IGNORED_GREY };
	for (uint32_t y = 0; y < cmp->height; y++) {
		const uint8_t *skip = cmp->o->ignore + (size_t)y * cmp->width;
		uint8_t *out = image_row(cmp->diff, y);
		for (uint32_t x = 0; x < cmp->width; x++)
			if (skip[x])
				draw(out + 4 * (size_t)x, grey);
	}
}

static double psnr(uint64_t sq_error, uint64_t samples)
{
	if (!sq_error)
		return INFINITY;
	return 10 * log10(255.0 * 255.0 * (double)samples / (double)sq_error);
}

int compare_images(const struct image *expected, const struct image *actual,
		   const struct compare_options *o, struct image *diff,
		   struct compare_result *r, struct ib_error *err)
{
	struct buffers buf = { 0 };
	struct compare_result res = { 0 };
	struct comparison cmp = {
		.o = o,
		.width = expected->width,
		.height = expected->height,
		.max_delta = o->metric == METRIC_YIQ ? 35215 * o->threshold * o->threshold
						     : o->threshold,
		.diff = diff,
		.r = &res,
	};

	if (diff)
		memset(diff, 0, sizeof *diff);
	if (check_inputs(expected, actual, o, err) < 0)
		return -1;
	if (prepare(&cmp, expected, actual, &buf, err) < 0) {
		release(&buf);
		if (diff)
			image_free(diff);
		return -1;
	}
	if (o->metric == METRIC_OKLAB)
		pthread_once(&cbrt_table_once, fill_cbrt_table);
	if (o->ignore)
		res.ignored_pixels = equalise_ignored(&cmp, buf.copy_b);

	for (uint32_t y = 0; y < cmp.height; y++)
		compare_row(&cmp, y);
	if (o->ignore && diff)
		draw_ignored(&cmp);

	if (o->window && res.diff_pixels) {
		uint32_t n = min_u32(o->window, min_u32(cmp.width, cmp.height));
		res.window_diff_pixels = densest_window(buf.window_mask, cmp.width, cmp.height,
							n, buf.columns);
	}
	res.psnr = psnr(cmp.sq_error, 4 * (uint64_t)cmp.width * cmp.height);
	release(&buf);
	*r = res;
	return 0;
}

double compare_pixel_delta(enum compare_metric m, const uint8_t a[4], const uint8_t b[4],
			   uint64_t i, bool checkerboard)
{
	if (m == METRIC_YIQ)
		return yiq_delta(a, b, i, checkerboard);

	struct hyab h;
	double da, db;
	pthread_once(&cbrt_table_once, fill_cbrt_table);
	hyab_of(a, b, i, checkerboard, &h);
	hyab_ab(&h, &da, &db);
	double distance = fabs(h.dlr) + sqrt(da * da + db * db);
	return h.dlr > 0 ? -distance : distance;
}

void compare_options_default(struct compare_options *o, enum compare_metric m)
{
	*o = (struct compare_options) {
		.metric = m,
		.threshold = 0.1,
		.checkerboard = true,
		.diff_color = { 255, 0, 0 },
		.aa_color = { 255, 255, 0 },
		.diff_color_alt = { 255, 0, 0 },
		.alpha = 0.1,
	};
}

const char *compare_metric_names(void)
{
	return "yiq oklab";
}

int compare_metric_parse(const char *s, enum compare_metric *m)
{
	if (strcmp(s, "yiq") == 0)
		*m = METRIC_YIQ;
	else if (strcmp(s, "oklab") == 0)
		*m = METRIC_OKLAB;
	else
		return -1;
	return 0;
}
