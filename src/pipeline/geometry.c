#include "config.h"
#include "pipeline/geometry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * The sizes follow ImageMagick 6 (`convert -resize`), checked against
 * 6.9.11 by tests/check_geometry.c.  Deliberate differences, where
 * ImageMagick's answer is an error or ignores what was asked for:
 *  - no side is ever below 1 pixel (IM fails with "negative or zero image
 *    size", e.g. for 1% of a 1x1000 image or @1 of 640x480);
 *  - '>' and '<' also hold for N% and @AREA (IM ignores both after a
 *    percentage, so "200%>" enlarges, and '<' after an area);
 *  - "W^" always means "Wx^": IM leaves the image alone when W happens to
 *    equal its width ("640^" on 640x100 gives 640x100, "639^" 4090x639).
 * The parser is also stricter: IM reads "0x10", "1e2x" or "10x10%!" too.
 */

/* Upper bounds that keep every product far from overflowing a double's
 * integer range. */
#define SIDE_LIMIT 1e7
#define AREA_LIMIT 1e14

/* Reads a plain decimal number ("800", "33.3"), returning its length, 0 when
 * there is none.  strtod alone would also take hex ("0x10" must read as a
 * zero width), exponents and "inf", so it only sees the digits and dots. */
static size_t parse_number(const char *s, double *value)
{
	char digits[32];
	size_t n = strspn(s, "0123456789.");
	char *end;

	if (n >= sizeof digits) {
		/* that many digits are out of range or absurd anyway */
		*value = HUGE_VAL;
		return n;
	}
	memcpy(digits, s, n);
	digits[n] = '\0';
	*value = strtod(digits, &end);
	return (size_t)(end - digits);
}

/* The size part: "W", "WxH", "Wx" or "xH"; returns the rest of the text. */
static const char *parse_size(const char *s, struct geometry *g)
{
	size_t n = parse_number(s, &g->width);

	g->has_width = n > 0;
	s += n;
	if (*s == 'x' || *s == 'X') {
		n = parse_number(s + 1, &g->height);
		g->has_height = n > 0;
		s += 1 + n;
	}
	return s;
}

static int parse_flags(const char *s, const char *text, unsigned *flags,
		       struct ib_error *err)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': *flags |= GEOM_PERCENT; break;
		case '!': *flags |= GEOM_EXACT; break;
		case '^': *flags |= GEOM_COVER; break;
		case '>': *flags |= GEOM_SHRINK_ONLY; break;
		case '<': *flags |= GEOM_ENLARGE_ONLY; break;
		default:
			return ib_fail(err, "geometry '%s': unexpected '%c'", text, *s);
		}
	}
	return 0;
}

static int check_flags(unsigned flags, const char *text, struct ib_error *err)
{
	if ((flags & GEOM_SHRINK_ONLY) && (flags & GEOM_ENLARGE_ONLY))
		return ib_fail(err, "geometry '%s': '>' and '<' exclude each other", text);
	if ((flags & GEOM_EXACT) && (flags & GEOM_COVER))
		return ib_fail(err, "geometry '%s': '!' and '^' exclude each other", text);
	if ((flags & GEOM_AREA) && (flags & (GEOM_PERCENT | GEOM_EXACT | GEOM_COVER)))
		return ib_fail(err, "geometry '%s': @AREA takes only '>' or '<'", text);
	if ((flags & GEOM_PERCENT) && (flags & (GEOM_EXACT | GEOM_COVER)))
		return ib_fail(err, "geometry '%s': '%%' does not combine with '!' or '^'", text);
	return 0;
}

static bool side_in_range(bool present, double side)
{
	return !present || (side >= 1 && side < SIDE_LIMIT);
}

static int check_sizes(const struct geometry *g, const char *text, struct ib_error *err)
{
	if (!g->has_width && !g->has_height)
		return ib_fail(err, "geometry '%s': expected WxH, W, xH, N%%, WxH%% or @AREA", text);
	if (g->flags & GEOM_AREA) {
		if (strpbrk(text, "xX"))
			return ib_fail(err, "geometry '%s': an area is one number, @PIXELS", text);
		if (!(g->width >= 1 && g->width < AREA_LIMIT))
			return ib_fail(err, "geometry '%s': the area must be >= 1 and < 1e14 pixels",
				       text);
		return 0;
	}
	if (g->flags & GEOM_PERCENT) {
		if ((g->has_width && !(g->width > 0 && g->width < SIDE_LIMIT)) ||
		    (g->has_height && !(g->height > 0 && g->height < SIDE_LIMIT)))
			return ib_fail(err, "geometry '%s': percentages must be > 0 and < 10000000",
				       text);
		return 0;
	}
	if (!side_in_range(g->has_width, g->width) || !side_in_range(g->has_height, g->height))
		return ib_fail(err, "geometry '%s': sizes must be >= 1 and < 10000000", text);
	return 0;
}

int geometry_parse(const char *text, struct geometry *geom, struct ib_error *err)
{
	struct geometry g = { 0 };
	const char *s = text;

	if (*s == '@') {
		g.flags |= GEOM_AREA;
		s++;
	}
	s = parse_size(s, &g);
	if (parse_flags(s, text, &g.flags, err) || check_flags(g.flags, text, err))
		return -1;
	/* IM rounds pixel sizes as it reads them: "100.6x" is "101x".  Only
	 * percentages and areas keep their fractions. */
	if (!(g.flags & (GEOM_AREA | GEOM_PERCENT))) {
		g.width = floor(g.width + 0.5);
		g.height = floor(g.height + 0.5);
	}
	if (check_sizes(&g, text, err))
		return -1;
	*geom = g;
	return 0;
}

/* The largest size of the same aspect whose area does not pass the limit,
 * or the smallest that reaches it: IM's @AREA both shrinks and enlarges. */
static void area_size(double area, uint32_t in_w, uint32_t in_h, double *w, double *h)
{
	/* IM's nudge, so that an exact fit does not truncate one pixel short */
	double root = sqrt(area + 1e-6);
	double diagonal = sqrt((double)in_w * in_h);

	*w = floor(in_w * root / diagonal);
	*h = floor(in_h * root / diagonal);
}

/* "x50%" keeps the width, "50%" and "50x%" scale both sides. */
static void percent_size(const struct geometry *g, uint32_t in_w, uint32_t in_h,
			 double *w, double *h)
{
	double px = g->has_width ? g->width : 100.0;
	double py = g->has_height ? g->height : px;

	*w = floor(in_w * px / 100.0 + 0.5);
	*h = floor(in_h * py / 100.0 + 0.5);
}

/* "100x!" keeps the height, "x100!" the width. */
static void exact_size(const struct geometry *g, uint32_t in_w, uint32_t in_h,
		       double *w, double *h)
{
	*w = g->has_width ? g->width : in_w;
	*h = g->has_height ? g->height : in_h;
}

/* One scale for both sides: fit inside the box, or cover it with '^'.  When
 * fitting, a missing side is unbounded; when covering, the one side given
 * makes a square ("100x^" is "100x100^", as in IM). */
static void box_size(const struct geometry *g, uint32_t in_w, uint32_t in_h,
		     double *w, double *h)
{
	double box_w = g->has_width ? g->width : g->height;
	double box_h = g->has_height ? g->height : g->width;
	double sx = box_w / in_w, sy = box_h / in_h, scale;

	if (g->flags & GEOM_COVER)
		scale = fmax(sx, sy);
	else if (!g->has_height)
		scale = sx;
	else if (!g->has_width)
		scale = sy;
	else
		scale = fmin(sx, sy);
	*w = floor(scale * in_w + 0.5);
	*h = floor(scale * in_h + 0.5);
}

static uint32_t to_side(double v)
{
	/* !(v >= 1) also catches the NaN that a 0-pixel input side gives */
	if (!(v >= 1))
		return 1;
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

void geometry_apply(const struct geometry *geom, uint32_t in_w, uint32_t in_h,
		    uint32_t *out_w, uint32_t *out_h)
{
	double w, h;

	if (geom->flags & GEOM_AREA)
		area_size(geom->width, in_w, in_h, &w, &h);
	else if (geom->flags & GEOM_PERCENT)
		percent_size(geom, in_w, in_h, &w, &h);
	else if (geom->flags & GEOM_EXACT)
		exact_size(geom, in_w, in_h, &w, &h);
	else
		box_size(geom, in_w, in_h, &w, &h);

	/* Each side on its own, as IM does: "800x400!>" on 640x480 is 640x400. */
	if (geom->flags & GEOM_SHRINK_ONLY) {
		w = fmin(w, in_w);
		h = fmin(h, in_h);
	}
	if (geom->flags & GEOM_ENLARGE_ONLY) {
		w = fmax(w, in_w);
		h = fmax(h, in_h);
	}
	*out_w = to_side(w);
	*out_h = to_side(h);
}

static const char *const gravity_names[] = {
	[GRAVITY_CENTER] = "center",
	[GRAVITY_NORTHWEST] = "northwest",
	[GRAVITY_NORTH] = "north",
	[GRAVITY_NORTHEAST] = "northeast",
	[GRAVITY_WEST] = "west",
	[GRAVITY_EAST] = "east",
	[GRAVITY_SOUTHWEST] = "southwest",
	[GRAVITY_SOUTH] = "south",
	[GRAVITY_SOUTHEAST] = "southeast",
};

int gravity_parse(const char *text, enum gravity *gravity)
{
	for (size_t i = 0; i < sizeof gravity_names / sizeof gravity_names[0]; i++) {
		if (strcasecmp(text, gravity_names[i]) == 0) {
			*gravity = (enum gravity)i;
			return 0;
		}
	}
	return -1;
}

const char *gravity_names_list(void)
{
	static char list[128];
	size_t n = 0;
	if (list[0])
		return list;
	for (size_t i = 0; i < sizeof gravity_names / sizeof gravity_names[0]; i++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? " " : "", gravity_names[i]);
	return list;
}

enum edge { LOW_EDGE, MIDDLE, HIGH_EDGE };

static const enum edge gravity_column[] = {
	[GRAVITY_CENTER] = MIDDLE, [GRAVITY_NORTHWEST] = LOW_EDGE,
	[GRAVITY_NORTH] = MIDDLE, [GRAVITY_NORTHEAST] = HIGH_EDGE,
	[GRAVITY_WEST] = LOW_EDGE, [GRAVITY_EAST] = HIGH_EDGE,
	[GRAVITY_SOUTHWEST] = LOW_EDGE, [GRAVITY_SOUTH] = MIDDLE,
	[GRAVITY_SOUTHEAST] = HIGH_EDGE,
};

static const enum edge gravity_row[] = {
	[GRAVITY_CENTER] = MIDDLE, [GRAVITY_NORTHWEST] = LOW_EDGE,
	[GRAVITY_NORTH] = LOW_EDGE, [GRAVITY_NORTHEAST] = LOW_EDGE,
	[GRAVITY_WEST] = MIDDLE, [GRAVITY_EAST] = MIDDLE,
	[GRAVITY_SOUTHWEST] = HIGH_EDGE, [GRAVITY_SOUTH] = HIGH_EDGE,
	[GRAVITY_SOUTHEAST] = HIGH_EDGE,
};

/* ImageMagick centres with outer/2 - inner/2 (each half rounded down), one
 * more than (outer - inner)/2 when both are odd. */
static int64_t place_on_axis(enum edge edge, uint32_t outer, uint32_t inner, int64_t offset)
{
	if (edge == LOW_EDGE)
		return offset;
	if (edge == MIDDLE)
		return (int64_t)(outer / 2) - (int64_t)(inner / 2) + offset;
	return (int64_t)outer - inner - offset;
}

void gravity_place(enum gravity gravity, uint32_t outer_w, uint32_t outer_h,
		   uint32_t inner_w, uint32_t inner_h, int64_t dx, int64_t dy,
		   int64_t *x, int64_t *y)
{
	*x = place_on_axis(gravity_column[gravity], outer_w, inner_w, dx);
	*y = place_on_axis(gravity_row[gravity], outer_h, inner_h, dy);
}

void gravity_offset(enum gravity gravity, uint32_t img_w, uint32_t img_h,
		    uint32_t crop_w, uint32_t crop_h, uint32_t *x, uint32_t *y)
{
	int64_t sx, sy;

	gravity_place(gravity, img_w, img_h, crop_w, crop_h, 0, 0, &sx, &sy);
	*x = sx > 0 ? (uint32_t)sx : 0;
	*y = sy > 0 ? (uint32_t)sy : 0;
}
