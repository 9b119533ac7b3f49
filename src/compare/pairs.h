/* imgbatch compare: the outcome of one expected/actual pair, as the master
 * keeps it for the reports (JSON lines, JUnit XML, HTML). */
#ifndef IMGBATCH_COMPARE_PAIRS_H
#define IMGBATCH_COMPARE_PAIRS_H

#include <stdbool.h>
#include <stdint.h>

enum pair_status {
	PAIR_PASS,
	PAIR_FAIL,      /* compared, over the limits, or sizes differ */
	PAIR_MISSING,   /* only the expected (golden) side exists */
	PAIR_NEW,       /* only the actual side exists */
	PAIR_ERROR,     /* a side could not be read or decoded */
};

struct pair_outcome {
	const char *name;               /* relative path (two directories) or the actual file */
	const char *expected, *actual;  /* paths; NULL for the absent side */
	const char *diff;               /* diff image written, or NULL */
	enum pair_status status;
	bool allowed;                   /* MISSING/NEW allowed by --allow-*: not a failure */
	bool not_started;               /* interrupted before it was compared */
	const char *reason;             /* one line; "" when passed */
	uint32_t width, height;         /* the area compared; 0 when not compared */
	/* both images' sizes, when they differ (else 0): the common area, top
	 * left, is compared */
	uint32_t expected_width, expected_height, actual_width, actual_height;
	bool size_fail;                 /* failed for that alone (no --allow-size-change) */
	uint64_t diff_pixels, aa_pixels;
	uint64_t window_diff_pixels;    /* --window: the most in any NxN square */
	uint64_t ignored_pixels;        /* left out by --ignore, --ignore-file, --mask */
	double psnr;                    /* dB over RGBA8; INFINITY when identical */
	double ssim;                    /* --metric ssim: the mean SSIM; else NAN */
	uint32_t max_channel_diff;      /* 0..255 */
	double ms;                      /* worker time */
};

#endif
