#include "config.h"
#include "geometry.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <strings.h>

/* Reads an unsigned decimal number ("800", "50.5"); NULL when there is none. */
static const char *parse_number(const char *s, double *value)
{
	char *end;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return NULL;
	*value = strtod(s, &end);
	return end == s ? NULL : end;
}

static int parse_flags(const char *s, unsigned *flags, struct ib_error *err,
		       const char *text)
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
	if ((*flags & GEOM_SHRINK_ONLY) && (*flags & GEOM_ENLARGE_ONLY))
		return ib_fail(err, "geometry '%s': '>' and '<' exclude each other", text);
	return 0;
}

/* The size part: "W", "WxH", "Wx" or "xH"; returns the rest of the text. */
static const char *parse_size(const char *s, struct geometry *g)
{
	const char *next = parse_number(s, &g->width);

	if (next) {
		g->has_width = true;
		s = next;
	}
	if (*s == 'x' || *s == 'X') {
		next = parse_number(s + 1, &g->height);
		if (next) {
			g->has_height = true;
			s = next;
		} else {
			s++;
		}
	}
	return s;
}

static int check_size(const struct geometry *g, const char *text, struct ib_error *err)
{
	if (!g->has_width && !g->has_height)
		return ib_fail(err, "geometry '%s': expected WxH, W, xH, N%% or @AREA", text);
	if ((g->has_width && !(g->width > 0 && g->width < 1e7)) ||
	    (g->has_height && !(g->height > 0 && g->height < 1e7)))
		return ib_fail(err, "geometry '%s': sizes must be > 0 and < 10000000", text);
	if ((g->flags & GEOM_AREA) && (g->has_height || (g->flags & ~GEOM_AREA)))
		return ib_fail(err, "geometry '%s': an area is written @PIXELS alone", text);
	if ((g->flags & GEOM_PERCENT) && (g->flags & (GEOM_EXACT | GEOM_COVER)))
		return ib_fail(err, "geometry '%s': '%%' does not combine with '!' or '^'", text);
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
	if (parse_flags(s, &g.flags, err, text) || check_size(&g, text, err))
		return -1;
	*geom = g;
	return 0;
}

static uint32_t round_side(double v)
{
	double r = floor(v + 0.5);

	if (r < 1)
		return 1;
	return r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

/* The largest size of the same aspect whose area does not pass the limit. */
static void apply_area(double area, uint32_t in_w, uint32_t in_h,
		       uint32_t *out_w, uint32_t *out_h)
{
	double scale = sqrt(area / ((double)in_w * in_h));
	double w = floor(in_w * scale), h = floor(in_h * scale);

	*out_w = w < 1 ? 1 : (uint32_t)w;
	*out_h = h < 1 ? 1 : (uint32_t)h;
}

static void apply_percent(const struct geometry *g, uint32_t in_w, uint32_t in_h,
			  uint32_t *out_w, uint32_t *out_h)
{
	double px = g->has_width ? g->width : g->height;
	double py = g->has_height ? g->height : px;

	*out_w = round_side(in_w * px / 100.0);
	*out_h = round_side(in_h * py / 100.0);
}

/* One scale for both axes: fit inside the box, or cover it with '^'. */
static void apply_box(const struct geometry *g, uint32_t in_w, uint32_t in_h,
		      uint32_t *out_w, uint32_t *out_h)
{
	double sx = g->width / in_w, sy = g->height / in_h, scale;

	if (!g->has_height)
		scale = sx;
	else if (!g->has_width)
		scale = sy;
	else if (g->flags & GEOM_COVER)
		scale = sx > sy ? sx : sy;
	else
		scale = sx < sy ? sx : sy;
	*out_w = round_side(in_w * scale);
	*out_h = round_side(in_h * scale);
}

static void apply_exact(const struct geometry *g, uint32_t in_w, uint32_t in_h,
			uint32_t *out_w, uint32_t *out_h)
{
	*out_w = g->has_width ? round_side(g->width) : in_w;
	*out_h = g->has_height ? round_side(g->height) : in_h;
}

void geometry_apply(const struct geometry *geom, uint32_t in_w, uint32_t in_h,
		    uint32_t *out_w, uint32_t *out_h)
{
	uint32_t w, h;

	if (geom->flags & GEOM_AREA)
		apply_area(geom->width, in_w, in_h, &w, &h);
	else if (geom->flags & GEOM_PERCENT)
		apply_percent(geom, in_w, in_h, &w, &h);
	else if (geom->flags & GEOM_EXACT)
		apply_exact(geom, in_w, in_h, &w, &h);
	else
		apply_box(geom, in_w, in_h, &w, &h);

	bool enlarges = w > in_w || h > in_h;
	bool shrinks = w < in_w || h < in_h;
	/* @AREA only ever shrinks, as in ImageMagick */
	bool area_enlarges = (geom->flags & GEOM_AREA) && (uint64_t)in_w * in_h <= geom->width;

	if (((geom->flags & GEOM_SHRINK_ONLY) && enlarges) ||
	    ((geom->flags & GEOM_ENLARGE_ONLY) && shrinks) || area_enlarges) {
		w = in_w;
		h = in_h;
	}
	*out_w = w;
	*out_h = h;
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

/* 0 for the low edge, 1 for the middle, 2 for the high edge of one axis. */
static uint32_t place(int where, uint32_t room)
{
	return where == 0 ? 0 : where == 1 ? room / 2 : room;
}

void gravity_offset(enum gravity gravity, uint32_t img_w, uint32_t img_h,
		    uint32_t crop_w, uint32_t crop_h, uint32_t *x, uint32_t *y)
{
	static const int column[] = {
		[GRAVITY_CENTER] = 1, [GRAVITY_NORTHWEST] = 0, [GRAVITY_NORTH] = 1,
		[GRAVITY_NORTHEAST] = 2, [GRAVITY_WEST] = 0, [GRAVITY_EAST] = 2,
		[GRAVITY_SOUTHWEST] = 0, [GRAVITY_SOUTH] = 1, [GRAVITY_SOUTHEAST] = 2,
	};
	static const int row[] = {
		[GRAVITY_CENTER] = 1, [GRAVITY_NORTHWEST] = 0, [GRAVITY_NORTH] = 0,
		[GRAVITY_NORTHEAST] = 0, [GRAVITY_WEST] = 1, [GRAVITY_EAST] = 1,
		[GRAVITY_SOUTHWEST] = 2, [GRAVITY_SOUTH] = 2, [GRAVITY_SOUTHEAST] = 2,
	};

	*x = place(column[gravity], img_w > crop_w ? img_w - crop_w : 0);
	*y = place(row[gravity], img_h > crop_h ? img_h - crop_h : 0);
}
