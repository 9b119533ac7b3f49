/*
 * Shared by the geometric filters (rotate, crop, pad): the background colour
 * argument, the WxH size argument and ImageMagick's gravity placement.
 */
#ifndef IMGBATCH_FILTER_COLOUR_H
#define IMGBATCH_FILTER_COLOUR_H

#include <stdbool.h>
#include <stdint.h>

#include "filters/args.h"
#include "pipeline/geometry.h"
#include "codec/image.h"

/* A background colour: opaque 8-bit RGB, or fully transparent. */
struct fill_colour {
	struct rgb8 rgb;
	bool transparent;
};

/* ImageMagick's default -background. */
#define FILL_WHITE ((struct fill_colour){ .rgb = { 255, 255, 255 } })

/*
 * Reads a colour up to the next ':' or the end: "white", "black", "#rgb",
 * "#rrggbb", "R,G,B" (0-255 each), "transparent" or "none"; otherwise fails
 * "FILTER: colour must be ..., got 'TEXT'".
 */
int arg_fill_colour(struct arg_scan *s, struct fill_colour *out);

/* The channel count an image of channels channels needs to show colour:
 * a transparent colour adds alpha to gray or RGB. */
uint32_t fill_channels(const struct fill_colour *colour, uint32_t channels);

/*
 * colour as the samples of one pixel of img's layout: gray images get the
 * Rec. 709 luma (0.2126 R + 0.7152 G + 0.0722 B, rounded), 16-bit images the
 * 8-bit values times 257; alpha is the maximum, or 0 with every other sample
 * when transparent.
 */
void fill_samples(const struct fill_colour *colour, const struct image *img,
		  uint32_t samples[4]);

/* Sizes and offsets: whole numbers up to this (as geometry.h's sizes). */
#define GEOM_ARG_MAX 9999999
#define GEOM_ARG_MAX_TEXT "9999999"

/* Reads "WxH", each a whole number from 1 to GEOM_ARG_MAX. */
int arg_geom_size(struct arg_scan *s, uint32_t *width, uint32_t *height);

/* Reads a gravity name (center, north, ..., northwest; any case) up to the
 * next ':' or the end. */
int arg_geom_gravity(struct arg_scan *s, enum gravity *gravity);

#endif
