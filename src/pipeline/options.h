/* The options of the pixel pipeline, shared by the commands that make
 * images (convert takes them all, thumbnail some): their table entries and
 * their parsing into struct pixel_settings. */
#ifndef IMGBATCH_PIPELINE_OPTIONS_H
#define IMGBATCH_PIPELINE_OPTIONS_H

#include <stdio.h>

#include "cli.h"
#include "pipeline/pipeline.h"

enum pixel_key {
	PIXEL_KEY_RESIZE = 'r',
	PIXEL_KEY_FILTER = 'f',
	PIXEL_KEY_CROP = CLI_KEY_COMMAND,
	PIXEL_KEY_GRAVITY,
	PIXEL_KEY_KERNEL,
	PIXEL_KEY_LINEAR,
	PIXEL_KEY_NO_AUTO_ORIENT,
	PIXEL_KEY_EMBEDDED,
	PIXEL_KEY_MAX_PIXELS,
	PIXEL_KEY_FAIL_ON,
	PIXEL_KEY_LIST_FILTERS,
	PIXEL_KEY_END,              /* a command numbers its own keys from here */
};

#define PIXEL_OPTION_EMBEDDED \
	{ "embedded", PIXEL_KEY_EMBEDDED, 0, NULL, \
	  "make small outputs from a JPEG's EXIF thumbnail when it\n" \
	  "is large enough and has the image's aspect ratio", NULL }
#define PIXEL_OPTION_MAX_PIXELS \
	{ "max-pixels", PIXEL_KEY_MAX_PIXELS, 0, "N", \
	  "refuse images over N pixels (default 256000000)", NULL }
#define PIXEL_OPTION_FAIL_ON \
	{ "fail-on", PIXEL_KEY_FAIL_ON, 0, "LEVEL", \
	  "which damage fails a JPEG, PNG or GIF input: none (keep what\n" \
	  "a cut file decoded), truncated (default: a cut file),\n" \
	  "error (also corrupt data), warning (any warning)", \
	  fail_on_names }

/* The --fail-on levels, space-separated (for completion). */
const char *fail_on_names(void);

/* -r, --crop, --gravity, --kernel, --linear, --no-auto-orient, --embedded */
extern const struct cli_group pixel_geometry_group;
/* -f, --list-filters */
extern const struct cli_group pixel_filters_group;

void pixel_settings_default(struct pixel_settings *px);

/* One pixel option (a command's apply_option passes on what is not its
 * own): 0, -1 after printing an error, CLI_OPTION_EXIT after --list-filters
 * printed the list to out. */
int pixel_apply_option(struct pixel_settings *px, int key, const char *arg, FILE *out,
		       FILE *err);

/* After the options: -1 after printing an error (prefix names the
 * command), else the settings are complete. */
int pixel_settings_validate(struct pixel_settings *px, const char *prefix, FILE *err);

#endif
