#include "config.h"
#include "filters/colour.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "filters/pixels.h"

/*
 * Copies the text up to the next ':' (or the end) into buf; *len gets its
 * length.  False when it does not fit, which no valid name or colour does.
 */
static bool copy_field(const struct arg_scan *s, char *buf, size_t size, size_t *len)
{
	*len = strcspn(s->p, ":");
	if (*len >= size)
		return false;
	memcpy(buf, s->p, *len);
	buf[*len] = '\0';
	return true;
}

static int parse_colour(const char *text, struct fill_colour *out)
{
	*out = (struct fill_colour){ .transparent = true };
	if (!strcasecmp(text, "transparent") || !strcasecmp(text, "none"))
		return 0;
	out->transparent = false;
	return rgb8_parse(text, &out->rgb);
}

int arg_fill_colour(struct arg_scan *s, struct fill_colour *out)
{
	char text[32];
	size_t len;

	if (!copy_field(s, text, sizeof text, &len) || parse_colour(text, out) < 0)
		return ib_fail(s->err, "%s: colour must be white, black, #rgb, #rrggbb, R,G,B, "
			       "transparent or none, got '%.*s'", s->filter, (int)len, s->p);
	s->p += len;
	return 0;
}

uint32_t fill_channels(const struct fill_colour *colour, uint32_t channels)
{
	bool alpha = channels == 2 || channels == 4;

	return colour->transparent && !alpha ? channels + 1 : channels;
}

void fill_samples(const struct fill_colour *colour, const struct image *img,
		  uint32_t samples[4])
{
	uint32_t scale = img->depth == 16 ? 257 : 1;
	uint32_t r = colour->rgb.r * scale, g = colour->rgb.g * scale, b = colour->rgb.b * scale;
	uint32_t colours = image_colour_channels(img);

	memset(samples, 0, 4 * sizeof *samples);
	if (colour->transparent)
		return;
	if (colours == 1) {
		/* At most 10000 * 65535: fits 32 bits. */
		samples[0] = (2126 * r + 7152 * g + 722 * b + 5000) / 10000;
	} else {
		samples[0] = r;
		samples[1] = g;
		samples[2] = b;
	}
	if (image_has_alpha(img))
		samples[colours] = image_sample_max(img);
}

/* Reads a whole number from 1 to GEOM_ARG_MAX. */
static int arg_side(struct arg_scan *s, const char *param, uint32_t *out)
{
	double v;

	if (arg_number(s, param, &v) < 0 ||
	    arg_check(s, v == floor(v) && v >= 1 && v <= GEOM_ARG_MAX, param,
		      "a whole number from 1 to " GEOM_ARG_MAX_TEXT, v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int arg_geom_size(struct arg_scan *s, uint32_t *width, uint32_t *height)
{
	const char *start = s->p;

	if (arg_side(s, "width", width) < 0)
		return -1;
	if (!arg_accept(s, 'x') && !arg_accept(s, 'X'))
		return ib_fail(s->err, "%s: size must be WxH, got '%s'", s->filter, start);
	return arg_side(s, "height", height);
}

int arg_geom_gravity(struct arg_scan *s, enum gravity *gravity)
{
	char text[16];
	size_t len;

	if (!copy_field(s, text, sizeof text, &len) || gravity_parse(text, gravity) < 0)
		return ib_fail(s->err, "%s: gravity must be center, north, northeast, east, "
			       "southeast, south, southwest, west or northwest, got '%.*s'",
			       s->filter, (int)len, s->p);
	s->p += len;
	return 0;
}
