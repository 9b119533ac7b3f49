#include "config.h"
#include "compare/ssim.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare/pixelmatch.h"

#define RADIUS 5     /* int(3.5 * 1.5 + 0.5), as scipy truncates the Gaussian */
#define TAPS (2 * RADIUS + 1)

/* The five sums a pixel's SSIM takes: x, y, x^2, y^2 and xy. */
enum { SUM_X, SUM_Y, SUM_XX, SUM_YY, SUM_XY, NSUMS };

static void gaussian_weights(double w[TAPS])
{
	double sum = 0;
	for (int i = -RADIUS; i <= RADIUS; i++) {
		w[i + RADIUS] = exp(-0.5 / (1.5 * 1.5) * i * i);
		sum += w[i + RADIUS];
	}
	for (int i = 0; i < TAPS; i++)
		w[i] /= sum;
}

/* scipy's "reflect" edge: index i of n, mirrored (n > RADIUS). */
static size_t reflect(long i, long n)
{
	if (i < 0)
		return (size_t)(-i - 1);
	if (i >= n)
		return (size_t)(2 * n - i - 1);
	return (size_t)i;
}

/* Gray of each pixel, composited on white. */
static void gray_plane(const struct image *img, uint8_t *row, double *out)
{
	for (uint32_t y = 0; y < img->height; y++) {
		compare_row_rgba8(img, y, row);
		for (uint32_t x = 0; x < img->width; x++) {
			const uint8_t *p = row + 4 * (size_t)x;
			double c[3];
			for (int k = 0; k < 3; k++)
				c[k] = p[3] == 255 ? p[k] : p[k] * p[3] / 255.0 + (255 - p[3]);
			*out++ = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
		}
	}
}

/* Each of the five products filtered along its row, into rows[s]. */
static void filter_rows(const double *gx, const double *gy, uint32_t w, uint32_t h,
			const double wt[TAPS], double *rows[NSUMS])
{
	for (uint32_t y = 0; y < h; y++) {
		const double *a = gx + (size_t)y * w, *b = gy + (size_t)y * w;
		for (uint32_t x = 0; x < w; x++) {
			double s[NSUMS] = { 0 };
			for (int t = 0; t < TAPS; t++) {
				size_t i = reflect((long)x + t - RADIUS, w);
				s[SUM_X] += wt[t] * a[i];
				s[SUM_Y] += wt[t] * b[i];
				s[SUM_XX] += wt[t] * (a[i] * a[i]);
				s[SUM_YY] += wt[t] * (b[i] * b[i]);
				s[SUM_XY] += wt[t] * (a[i] * b[i]);
			}
			for (int k = 0; k < NSUMS; k++)
				rows[k][(size_t)y * w + x] = s[k];
		}
	}
}

static double ssim_of(const double u[NSUMS])
{
	const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
	double ux = u[SUM_X], uy = u[SUM_Y];
	double vx = u[SUM_XX] - ux * ux, vy = u[SUM_YY] - uy * uy, vxy = u[SUM_XY] - ux * uy;
	return ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
}

static void draw_ssim(uint8_t *out, double s, bool ignored)
{
	double v = s >= 1 ? 255 : s <= 0 ? 0 : 255 * s;
	uint8_t g = (uint8_t)lround(v);
	out[0] = ignored ? COMPARE_IGNORED_GREY : 255;
	out[1] = out[2] = ignored ? COMPARE_IGNORED_GREY : g;
	out[3] = 255;
}

/* The columns filtered, S per pixel; the mean of the interior. */
static double filter_columns(double *rows[NSUMS], uint32_t w, uint32_t h,
			     const double wt[TAPS], const uint8_t *ignore, struct image *map)
{
	double total = 0;
	for (uint32_t y = 0; y < h; y++) {
		uint8_t *out = map ? image_row(map, y) : NULL;
		for (uint32_t x = 0; x < w; x++) {
			double u[NSUMS] = { 0 };
			for (int t = 0; t < TAPS; t++) {
				size_t i = reflect((long)y + t - RADIUS, h) * w + x;
				for (int k = 0; k < NSUMS; k++)
					u[k] += wt[t] * rows[k][i];
			}
			double s = ssim_of(u);
			if (out)
				draw_ssim(out + 4 * (size_t)x, s, ignore && ignore[(size_t)y * w + x]);
			if (y >= RADIUS && y < h - RADIUS && x >= RADIUS && x < w - RADIUS)
				total += s;
		}
	}
	return total / ((double)(w - 2 * RADIUS) * (double)(h - 2 * RADIUS));
}

int compare_ssim(const struct image *expected, const struct image *actual,
		 const uint8_t *ignore, struct image *map, double *mean, struct ib_error *err)
{
	uint32_t w = expected->width, h = expected->height;
	size_t n = (size_t)w * h;
	double wt[TAPS], *planes[2 + NSUMS] = { 0 };
	uint8_t *row = NULL;
	int ret = -1;

	if (map)
		memset(map, 0, sizeof *map);
	if (w != actual->width || h != actual->height)
		return ib_fail(err, "size differs: %ux%u vs %ux%u", w, h, actual->width,
			       actual->height);
	if (w < SSIM_MIN_SIDE || h < SSIM_MIN_SIDE)
		return ib_fail(err, "SSIM needs %dx%d pixels or more, the image is %ux%u",
			       SSIM_MIN_SIDE, SSIM_MIN_SIDE, w, h);
	row = malloc((size_t)w * 4);
	for (int k = 0; row && k < 2 + NSUMS; k++)
		if (!(planes[k] = malloc(n * sizeof(double))))
			break;
	if (!row || !planes[2 + NSUMS - 1]) {
		ib_fail_errno(err, errno, "cannot allocate SSIM planes of %ux%u", w, h);
		goto out;
	}
	if (map && image_alloc(map, w, h, 4, 8, 0, err) < 0)
		goto out;
	gray_plane(expected, row, planes[0]);
	gray_plane(actual, row, planes[1]);
	for (size_t i = 0; ignore && i < n; i++)
		if (ignore[i])
			planes[1][i] = planes[0][i];
	gaussian_weights(wt);
	filter_rows(planes[0], planes[1], w, h, wt, planes + 2);
	*mean = filter_columns(planes + 2, w, h, wt, ignore, map);
	ret = 0;
out:
	for (int k = 0; k < 2 + NSUMS; k++)
		free(planes[k]);
	free(row);
	return ret;
}
