#include "config.h"
#include "pipeline/options.h"

#include <stdio.h>
#include <string.h>

#include "filters/filter.h"
#include "util/number.h"

/* --gravity's values: the filters' gravities, and smart (the crop's own). */
static const char *gravity_values(void)
{
	static char list[160];
	if (!list[0])
		snprintf(list, sizeof list, "%s smart", gravity_names_list());
	return list;
}

static const struct cli_option geometry_options[] = {
	{ "resize", PIXEL_KEY_RESIZE, 'r', "GEOM",
	  "ImageMagick geometry: W, Wx, xH, WxH (fit), WxH! (exact),\n"
	  "WxH^ (cover), WxH> (shrink only), WxH< (enlarge only),\n"
	  "N%, WxH%, @AREA; or a list GEOM,GEOM,... (one output\n"
	  "per size from one decode; --name needs {w} or {h})", NULL },
	{ "crop", PIXEL_KEY_CROP, 0, "[=smart]",
	  "with WxH^: cut the result to exactly WxH\n"
	  "(=smart: as --gravity smart)", NULL },
	{ "gravity", PIXEL_KEY_GRAVITY, 0, "G",
	  "where --crop cuts: center (default), north, northeast,\n"
	  "east, southeast, south, southwest, west, northwest, or\n"
	  "smart: the box with the most edges, saturation and skin", gravity_values },
	{ "kernel", PIXEL_KEY_KERNEL, 0, "K",
	  "resampling kernel: %s\n"
	  "(default: lanczos3 to shrink, catmull-rom to enlarge)", resize_kernel_names },
	{ "linear", PIXEL_KEY_LINEAR, 0, NULL, "resample in linear light (gamma-correct)", NULL },
	{ "no-auto-orient", PIXEL_KEY_NO_AUTO_ORIENT, 0, NULL,
	  "ignore the EXIF orientation (default: apply it)", NULL },
	PIXEL_OPTION_EMBEDDED,
	{ NULL, 0, 0, NULL, NULL, NULL },
};

const struct cli_group pixel_geometry_group = { "Geometry:", geometry_options };

static const struct cli_option filter_options[] = {
	{ "filter", PIXEL_KEY_FILTER, 'f', "CHAIN",
	  "filters, comma-separated: NAME or NAME=ARGS, e.g.\n"
	  "'grayscale,level=5%,95%,blur=2'; -r and -f steps run\n"
	  "in command-line order", filter_names },
	{ "list-filters", PIXEL_KEY_LIST_FILTERS, 0, "[=F]",
	  "every filter with its parameters and defaults;\n"
	  "F: plain (default), man or markdown", NULL },
	{ NULL, 0, 0, NULL, NULL, NULL },
};

const struct cli_group pixel_filters_group = { "Filters:", filter_options };

const char *fail_on_names(void)
{
	return "none truncated error warning";
}

void pixel_settings_default(struct pixel_settings *px)
{
	memset(px, 0, sizeof *px);
	px->gravity = GRAVITY_CENTER;
	px->auto_orient = true;
	px->max_pixels = IMAGE_DEFAULT_MAX_PIXELS;
}

static struct step *new_step(struct pixel_settings *px, struct ib_error *err)
{
	if (px->nsteps == PIPELINE_MAX_STEPS) {
		ib_fail(err, "at most %d -r and -f steps", PIPELINE_MAX_STEPS);
		return NULL;
	}
	return &px->steps[px->nsteps++];
}

/* Parses "GEOM" or a list "GEOM,GEOM,...", each into sizes[]. */
static int parse_size_list(const char *arg, struct geometry *sizes, unsigned *n,
			   struct ib_error *err)
{
	char item[256];

	*n = 0;
	for (const char *p = arg;; p++) {
		size_t len = strcspn(p, ",");
		if (*n == PIPELINE_MAX_SIZES)
			return ib_fail(err, "at most %d sizes in a list", PIPELINE_MAX_SIZES);
		if (len >= sizeof item)
			return ib_fail(err, "geometry too long");
		memcpy(item, p, len);
		item[len] = '\0';
		if (geometry_parse(item, &sizes[(*n)++], err) < 0)
			return -1;
		p += len;
		if (!*p)
			return 0;
	}
}

static int add_resize_step(struct pixel_settings *px, const char *arg, struct ib_error *err)
{
	struct geometry sizes[PIPELINE_MAX_SIZES];
	unsigned n;
	struct step *s;

	if (parse_size_list(arg, sizes, &n, err) < 0)
		return -1;
	if (n > 1 && px->nsizes)
		return ib_fail(err, "only one -r may give a list of sizes");
	if (!(s = new_step(px, err)))
		return -1;
	s->kind = STEP_RESIZE;
	s->geometry = sizes[0];
	if (n > 1) {
		memcpy(px->sizes, sizes, n * sizeof sizes[0]);
		px->nsizes = n;
		px->branch = px->nsteps - 1;
	}
	return 0;
}

static int add_filter_step(const struct filter *f, const char *args, void *ctx,
			   struct ib_error *err)
{
	struct pixel_settings *px = ctx;
	struct filter_params params;
	struct step *s;

	if (f->parse(args, &params, err) < 0 || !(s = new_step(px, err)))
		return -1;
	s->kind = STEP_FILTER;
	s->filter = f;
	s->params = params;
	return 0;
}

int pixel_apply_option(struct pixel_settings *px, int key, const char *arg, FILE *out,
		       FILE *err)
{
	unsigned long long n;
	struct ib_error e;
	switch (key) {
	case PIXEL_KEY_RESIZE:
		if (add_resize_step(px, arg, &e) < 0)
			return cli_bad_value(err, "--resize", arg, e.msg);
		break;
	case PIXEL_KEY_FILTER:
		if (filter_spec_parse(arg, add_filter_step, px, &e) < 0)
			return cli_bad_value(err, "--filter", arg, e.msg);
		break;
	case PIXEL_KEY_LIST_FILTERS:
		if (filter_list(out, arg) < 0)
			return cli_bad_value(err, "--list-filters", arg, "use plain, man or markdown");
		return CLI_OPTION_EXIT;
	case PIXEL_KEY_CROP:
		if (arg && strcmp(arg, "smart") != 0)
			return cli_bad_value(err, "--crop", arg, "--crop takes no value but =smart");
		px->crop = true;
		px->smart_crop |= arg != NULL;
		break;
	case PIXEL_KEY_GRAVITY:
		px->smart_crop = strcmp(arg, "smart") == 0;
		if (!px->smart_crop && gravity_parse(arg, &px->gravity) < 0)
			return cli_bad_value(err, "--gravity", arg, "use center, north, northeast, east, "
					     "southeast, south, southwest, west, northwest or smart");
		break;
	case PIXEL_KEY_KERNEL:
		if (resize_kernel_parse(arg, &px->resize.kernel) < 0)
			return cli_bad_value(err, "--kernel", arg, resize_kernel_names());
		break;
	case PIXEL_KEY_LINEAR: px->resize.linear = true; break;
	case PIXEL_KEY_NO_AUTO_ORIENT: px->auto_orient = false; break;
	case PIXEL_KEY_EMBEDDED: px->embedded = true; break;
	case PIXEL_KEY_MAX_PIXELS:
		if (number_parse(arg, 1, UINT64_MAX, &n) < 0)
			return cli_bad_value(err, "--max-pixels", arg, "must be a positive whole number");
		px->max_pixels = n;
		break;
	case PIXEL_KEY_FAIL_ON:
		if (fail_on_parse(arg, &px->fail_on) < 0)
			return cli_bad_value(err, "--fail-on", arg, "use none, truncated, error or warning");
		break;
	default:
		fprintf(err, "imgbatch: internal error: option key %d has no handler\n", key);
		return -1;
	}
	return 0;
}

static bool is_pixel_box(const struct geometry *g)
{
	return g->has_width && g->has_height && !(g->flags & GEOM_PERCENT);
}

/* Whether some -r size names both sides in pixels (what --crop cuts to). */
static bool has_pixel_box_resize(const struct pixel_settings *px)
{
	for (unsigned i = 0; i < px->nsteps; i++)
		if (px->steps[i].kind == STEP_RESIZE && is_pixel_box(&px->steps[i].geometry))
			return true;
	for (unsigned i = 0; i < px->nsizes; i++)
		if (is_pixel_box(&px->sizes[i]))
			return true;
	return false;
}

int pixel_settings_validate(struct pixel_settings *px, const char *prefix, FILE *err)
{
	if (px->crop && !has_pixel_box_resize(px)) {
		fprintf(err, "%s: --crop needs a -r geometry with both a width and a height "
			"in pixels, such as 256x256^\n", prefix);
		return -1;
	}
	if (!px->nsizes)
		px->branch = px->nsteps;
	return 0;
}
