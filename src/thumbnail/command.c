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
	KEY_SIZE = 's',   /* an option with a short name has it as its key */
	KEY_CLEAN = PIXEL_KEY_END,
	KEY_ONE,
};

static const struct cli_option thumbnail_options[] = {
	{ "size", KEY_SIZE, KEY_SIZE, "LIST",
	  "normal (128), large (256, the default), x-large (512),\n"
	  "xx-large (1024), comma-separated, or all;\n"
	  "with --one: the longest side in pixels, 1 to 4096", thumb_size_names },
	{ "clean", KEY_CLEAN, 0, NULL,
	  "first remove entries whose original is gone or changed\n"
	  "(with --json: a line per entry removed, then counts)", NULL },
	{ "one", KEY_ONE, 0, NULL,
	  "INPUT OUTPUT: one PNG thumbnail of INPUT (a path or\n"
	  "a file:// URI) to OUTPUT, made in this process, not\n"
	  "cached (the Exec line of imgbatch.thumbnailer)", NULL },
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
	"       imgbatch thumbnail --one [-s PIXELS] INPUT OUTPUT\n"
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
	switch (key) {
	case KEY_SIZE: ts->size_arg = arg; break;   /* read by validate: --one may follow */
	case KEY_CLEAN: ts->clean = true; break;
	case KEY_ONE: ts->one = true; break;
	default:
		return pixel_apply_option(&ts->px, key, arg, out, err);
	}
	return 0;
}

/* One resize step per box (longest sides in pixels), never enlarging, as a
 * list of sizes when there are several (one decode). */
static int plan_boxes(struct pixel_settings *px, const uint32_t *boxes, unsigned n)
{
	struct ib_error e;
	char box[32];
	for (unsigned i = 0; i < n; i++) {
		snprintf(box, sizeof box, "%" PRIu32 "x%" PRIu32 ">", boxes[i], boxes[i]);
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

/* The boxes of the requested cache sizes, smallest first; their count. */
static unsigned cache_boxes(unsigned sizes, uint32_t boxes[THUMB_NSIZES])
{
	unsigned n = 0;
	for (int i = 0; i < THUMB_NSIZES; i++)
		if (sizes & (1u << i))
			boxes[n++] = thumb_size_pixels((enum thumb_size)i);
	return n;
}

static int validate(struct job *job, FILE *err)
{
	struct thumbnail_settings *ts = job->settings;
	struct ib_error e;
	uint32_t boxes[THUMB_NSIZES];
	unsigned n;
	if (ts->one) {
		if (thumbnail_one_validate(job, &boxes[0], err) < 0)
			return -1;
		n = 1;
	} else {
		if (ts->size_arg && thumb_sizes_parse(ts->size_arg, &ts->cache.sizes, &e) < 0)
			return cli_bad_value(err, "--size", ts->size_arg, e.msg);
		if (job->nroots == 0 && !job->files_from && !ts->clean) {
			fputs("imgbatch thumbnail: no inputs: name files or directories, or use "
			      "--files-from or --clean\n", err);
			return -1;
		}
		n = cache_boxes(ts->cache.sizes, boxes);
	}
	if (plan_boxes(&ts->px, boxes, n) < 0)
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
	.run_alone = thumbnail_one_run,
	.prepare = prepare,
	.worker_start = thumbnail_worker_start,
	.run = thumbnail_run,
	.worker_stop = thumbnail_worker_stop,
	.outcome = image_result_outcome,
	.release = release,
};
