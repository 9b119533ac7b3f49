/* imgbatch thumbnail: its command line and the master's side. */
#include "config.h"
#include "thumbnail/thumbnail.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "codec/icc.h"
#include "pipeline/image_result.h"
#include "pipeline/options.h"
#include "util/text.h"

enum thumbnail_key {
	KEY_SIZE = PIXEL_KEY_END,
	KEY_CLEAN,
};

static const struct cli_option thumbnail_options[] = {
	{ "size", KEY_SIZE, 0, "LIST",
	  "normal (128), large (256, the default), x-large (512),\n"
	  "xx-large (1024), comma-separated, or all", thumb_size_names },
	{ "clean", KEY_CLEAN, 0, NULL,
	  "first remove entries whose original is gone or changed\n"
	  "(with --json: a line per entry removed, then counts)", NULL },
	PIXEL_OPTION_EMBEDDED,
	PIXEL_OPTION_MAX_PIXELS,
	PIXEL_OPTION_FAIL_ON,
	{ NULL, 0, 0, NULL, NULL, NULL },
};

static const struct cli_group thumbnails_group = { "Thumbnails:", thumbnail_options };

static const struct cli_group *const groups[] = {
	&thumbnails_group, &cli_inputs_group, &cli_running_group, NULL,
};

static const char usage[] =
	"Usage: imgbatch thumbnail [OPTION]... INPUT...\n"
	"       imgbatch thumbnail --clean [OPTION]... [INPUT]...\n"
	"Fill the freedesktop.org thumbnail cache ($XDG_CACHE_HOME/thumbnails, else\n"
	"~/.cache/thumbnails) that file managers and photo libraries read.  Every\n"
	"requested size comes from one decode; EXIF orientation is applied and ICC\n"
	"profiles are converted to sRGB.  Up-to-date thumbnails are skipped without\n"
	"decoding; originals that cannot be thumbnailed get a fail entry and are not\n"
	"retried until they change.\n"
	"\n";

static int init(struct job *job)
{
	struct thumbnail_settings *ts = calloc(1, sizeof *ts);
	if (!ts)
		return -1;
	pixel_settings_default(&ts->px);
	ts->cache.sizes = 1u << THUMB_LARGE;
	job->settings = ts;
	return 0;
}

static int apply_option(struct job *job, int key, const char *arg, FILE *out, FILE *err)
{
	struct thumbnail_settings *ts = job->settings;
	struct ib_error e;
	switch (key) {
	case KEY_SIZE:
		if (thumb_sizes_parse(arg, &ts->cache.sizes, &e) < 0)
			return cli_bad_value(err, "--size", arg, e.msg);
		break;
	case KEY_CLEAN: ts->clean = true; break;
	default:
		return pixel_apply_option(&ts->px, key, arg, out, err);
	}
	return 0;
}

/* One resize step per requested size, never enlarging, as a list of sizes
 * when there are several (one decode). */
static int plan_sizes(struct pixel_settings *px, unsigned sizes)
{
	struct ib_error e;
	char box[32];
	for (int i = 0; i < THUMB_NSIZES; i++) {
		if (!(sizes & (1u << i)))
			continue;
		uint32_t n = thumb_size_pixels((enum thumb_size)i);
		snprintf(box, sizeof box, "%" PRIu32 "x%" PRIu32 ">", n, n);
		if (geometry_parse(box, &px->sizes[px->nsizes++], &e) < 0)
			return -1;
	}
	px->steps[0].kind = STEP_RESIZE;
	px->steps[0].geometry = px->sizes[0];
	px->nsteps = 1;
	if (px->nsizes == 1)
		px->nsizes = 0;
	return 0;
}

static int validate(struct job *job, FILE *err)
{
	struct thumbnail_settings *ts = job->settings;
	if (job->nroots == 0 && !job->files_from && !ts->clean) {
		fputs("imgbatch thumbnail: no inputs: name files or directories, or use "
		      "--files-from or --clean\n", err);
		return -1;
	}
	if (plan_sizes(&ts->px, ts->cache.sizes) < 0)
		return -1;
	return pixel_settings_validate(&ts->px, "imgbatch thumbnail", err);
}

/* --clean: entries whose original is gone or changed; -1 on errors. */
static int clean_cache(const struct job *job, const struct thumb_cache *cache,
		       struct ib_error *err)
{
	struct thumb_clean_stats stats;
	struct thumb_clean_out out = { .err = stderr, .json = job->json ? stdout : NULL };
	thumb_cache_clean(cache, &out, &stats);
	if (out.json) {
		fprintf(out.json, "{\"type\":\"clean_summary\",\"removed\":%llu,\"kept\":%llu,"
			"\"foreign\":%llu,\"errors\":%llu}\n",
			(unsigned long long)stats.removed, (unsigned long long)stats.kept,
			(unsigned long long)stats.foreign, (unsigned long long)stats.errors);
		fflush(out.json);
	}
	if (job->progress != PROGRESS_QUIET)
		fprintf(stderr, "imgbatch: --clean: %llu %s removed, %llu kept, "
			"%llu not imgbatch's or not file:// (left alone), %llu %s\n",
			(unsigned long long)stats.removed,
			text_plural(stats.removed, "entry", "entries"), (unsigned long long)stats.kept,
			(unsigned long long)stats.foreign, (unsigned long long)stats.errors,
			text_plural(stats.errors, "error", "errors"));
	if (stats.errors)
		return ib_fail(err, "--clean: %llu %s could not be cleaned",
			       (unsigned long long)stats.errors,
			       text_plural(stats.errors, "entry", "entries"));
	return 0;
}

/* Opens the cache (the workers inherit its directories) and runs --clean;
 * with --clean alone there is nothing more to do. */
static int prepare(struct job *job, struct ib_error *err)
{
	struct thumbnail_settings *ts = job->settings;
	if (thumb_cache_open(&ts->cache, ts->cache.sizes, err) < 0)
		return -1;
	ts->cache_open = true;
	/* the cache is an output tree too: its files are never inputs */
	job->skip_dir = ts->cache.root;
	if (!icc_available())
		fputs("imgbatch: note: built without Little CMS: colours of images with "
		      "an ICC profile are left unconverted\n", stderr);
	if (ts->clean && clean_cache(job, &ts->cache, err) < 0)
		return -1;
	return job->nroots == 0 && !job->files_from ? 1 : 0;
}

static void release(struct job *job)
{
	struct thumbnail_settings *ts = job->settings;
	if (ts && ts->cache_open)
		thumb_cache_close(&ts->cache);
	free(ts);
	job->settings = NULL;
}

const struct command thumbnail_command = {
	.name = "thumbnail",
	.invocation = "imgbatch thumbnail",
	.summary = "fill the freedesktop.org thumbnail cache",
	.usage = usage,
	.groups = groups,
	.epilogue = cli_exit_status_text,
	.item_noun = "files",
	.item_one = "file",
	.done_word = "done",
	.init = init,
	.apply_option = apply_option,
	.validate = validate,
	.prepare = prepare,
	.worker_start = thumbnail_worker_start,
	.run = thumbnail_run,
	.worker_stop = thumbnail_worker_stop,
	.outcome = image_result_outcome,
	.release = release,
};
