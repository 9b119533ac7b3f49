/*
 * imgbatch compare: pixel-by-pixel image comparison that counts exactly what
 * pixelmatch (the npm package) counts for the same pixels and options.
 */
#ifndef IMGBATCH_COMPARE_PIXELMATCH_H
#define IMGBATCH_COMPARE_PIXELMATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"
#include "codec/image.h"

enum compare_metric {
	/* pixelmatch 7.2: squared YIQ distance, at most 35215 (black vs white) */
	METRIC_YIQ,
	/* pixelmatch 8.0: HyAB distance in OKLab (toe-corrected lightness), 1 for
	 * black vs white; translucent pixels are blended on 8.0's checkerboard */
	METRIC_OKLAB,
};

struct compare_options {
	enum compare_metric metric;
	double threshold;          /* 0-1, smaller is stricter: yiq counts a
				    * pixel when its distance > 35215 * t^2,
				    * oklab when it is > t (default 0.1) */
	bool include_aa;           /* count anti-aliased pixels as different */
	bool checkerboard;         /* blend translucent pixels on pixelmatch's
				    * checkerboard (default) rather than white */
	uint32_t window;           /* N > 0: also find the N x N square holding
				    * the most differing pixels; 0: off */
	/* the diff image, as pixelmatch draws it */
	uint8_t diff_color[3];     /* differing pixels (255,0,0) */
	uint8_t aa_color[3];       /* anti-aliased pixels (255,255,0) */
	bool has_diff_color_alt;   /* else diff_color for darker pixels too */
	uint8_t diff_color_alt[3]; /* differing pixels darker in actual */
	double alpha;              /* opacity of the faded original, 0-1 (0.1) */
	bool diff_mask;            /* draw differences only, on transparency */
	/* width * height bytes, nonzero where a pixel is ignored; NULL: none.
	 * Ignored pixels of actual are taken as expected's, so the counts are
	 * pixelmatch's on images made equal there; the diff draws them grey. */
	const uint8_t *ignore;
};

/* The colour of ignored pixels in a diff image. */
#define COMPARE_IGNORED_GREY 128
/* The colour of the area only one image covers when their sizes differ. */
#define COMPARE_SIZE_COLOUR 255, 0, 255

struct compare_result {
	uint64_t diff_pixels;         /* what pixelmatch returns */
	uint64_t aa_pixels;           /* over the threshold but anti-aliasing
				       * (0 with include_aa) */
	uint64_t window_diff_pixels;  /* most differing pixels in one window
				       * (pixelmatch 8's windowSize); 0 if off */
	double psnr;                  /* dB over the RGBA8 samples; INFINITY
				       * when they are identical */
	uint32_t max_channel_diff;    /* largest RGBA8 sample difference */
	uint64_t ignored_pixels;      /* pixels o->ignore marks */
};

/* pixelmatch's defaults, with metric m. */
void compare_options_default(struct compare_options *o, enum compare_metric m);

/* Parses "yiq" or "oklab". */
int compare_metric_parse(const char *s, enum compare_metric *m);
/* The metrics' names, space-separated. */
const char *compare_metric_names(void);

/*
 * Compares actual with expected (pixelmatch's img2 and img1).  Both must have
 * the same size, else the error is "size differs: 640x480 vs 640x481"
 * (expected first).  Any layout is first seen as 8-bit RGBA: gray gives
 * r = g = b, a missing alpha is 255, and 16-bit samples v become
 * (v * 255 + 32767) / 65535; PSNR and max_channel_diff are measured there.
 * If diff is not NULL, pixelmatch's output image is allocated into it (8-bit
 * RGBA, same size; free it with image_free).
 */
int compare_images(const struct image *expected, const struct image *actual,
		   const struct compare_options *o, struct image *diff,
		   struct compare_result *r, struct ib_error *err);

/* Row y of img as 8-bit RGBA (as compare_images sees it) into out, which
 * holds img->width * 4 bytes. */
void compare_row_rgba8(const struct image *img, uint32_t y, uint8_t *out);

/*
 * The distance between two 8-bit RGBA pixels that compare_images measures
 * at pixel index i = y * width + x (the checkerboard behind translucent
 * pixels depends on it): the squared YIQ distance or the HyAB distance,
 * negated when b is darker than a.
 */
double compare_pixel_delta(enum compare_metric m, const uint8_t a[4], const uint8_t b[4],
			   uint64_t i, bool checkerboard);

#endif
