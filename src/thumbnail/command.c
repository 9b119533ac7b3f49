/* imgbatch thumbnail: its command line and the master's side. */
#include "config.h"
#include "thumbnail/thumbnail.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/icc.h"
#include "pipeline/image_result.h"
#include "pipeline/options.h"
#include "thumbnail/serve.h"
#include "util/number.h"
#include "util/text.h"

enum thumbnail_key {
	KEY_SIZE = 's',   /* an option with a short name has it as its key */
	KEY_CLEAN = PIXEL_KEY_END,
	KEY_GC,
	KEY_MAX_SIZE,
	KEY_MAX_AGE,
	KEY_ONE,
	KEY_SERVE,
	KEY_IDLE_EXIT,
};

static const struct cli_option thumbnail_options[] = {
	{ "size", KEY_SIZE, KEY_SIZE, "LIST",
	  "normal (128), large (256, the default), x-large (512),\n"
	  "xx-large (1024), comma-separated, or all;\n"
	  "with --one: the longest side in pixels, 1 to 4096", thumb_size_names },
	{ "clean", KEY_CLEAN, 0, NULL,
	  "first remove entries whose original is gone or changed\n"
	  "(with --json: a line per entry removed, then counts)", NULL },
	{ "gc", KEY_GC, 0, NULL,
	  "first collect garbage: what --clean removes (also\n"
	  "other programs' fail entries), then by --max-age and\n"
	  "--max-size; reports the bytes freed", NULL },
	{ "max-size", KEY_MAX_SIZE, 0, "SIZE",
	  "--gc: remove the least recently used thumbnails until\n"
	  "the size folders hold at most SIZE, e.g. 500M or 2G", NULL },
	{ "max-age", KEY_MAX_AGE, 0, "DAYS",
	  "--gc: remove fail entries older than DAYS", NULL },
	{ "one", KEY_ONE, 0, NULL,
	  "INPUT OUTPUT: one PNG thumbnail of INPUT (a path or\n"
	  "a file:// URI) to OUTPUT, made in this process, not\n"
	  "cached (the Exec line of imgbatch.thumbnailer)", NULL },
	{ "serve", KEY_SERVE, 0, NULL,
	  "be the desktop's thumbnailer: own org.freedesktop.\n"
	  "thumbnails.Thumbnailer1 on the session bus and make\n"
	  "the thumbnails clients queue, on the worker pool", NULL },
	{ "idle-exit", KEY_IDLE_EXIT, 0, "SECONDS",
	  "--serve: exit after SECONDS with nothing queued\n"
	  "(default 60; 0: never)", NULL },
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
	"       imgbatch thumbnail --gc [--max-size SIZE] [--max-age DAYS] [INPUT]...\n"
	"       imgbatch thumbnail --one [-s PIXELS] INPUT OUTPUT\n"
	"       imgbatch thumbnail --serve [--idle-exit SECONDS] [OPTION]...\n"
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
	ts->sweep.max_age_s = -1;
	ts->idle_exit_s = -1;
	job->settings = ts;
	return 0;
}

static int apply_option(struct job *job, int key, const char *arg, FILE *out, FILE *err)
{
	struct thumbnail_settings *ts = job->settings;
	unsigned long long n;
	switch (key) {
	case KEY_SIZE: ts->size_arg = arg; break;   /* read by validate: --one may follow */
	case KEY_CLEAN: ts->clean = true; break;
	case KEY_GC: ts->sweep.gc = true; break;
	case KEY_MAX_SIZE:
		if (cli_parse_size(arg, 1, &n) < 0)
			return cli_bad_value(err, "--max-size", arg, "must be a size such as 500M or 2G");
		ts->sweep.max_bytes = n;
		break;
	case KEY_MAX_AGE:
		if (number_parse(arg, 0, 36500, &n) < 0)
			return cli_bad_value(err, "--max-age", arg,
					     "must be a whole number of days from 0 to 36500");
		ts->sweep.max_age_s = (int64_t)n * 86400;
		break;
	case KEY_ONE: ts->one = true; break;
	case KEY_SERVE: ts->serve = true; break;
	case KEY_IDLE_EXIT:
		if (number_parse(arg, 0, 86400, &n) < 0)
			return cli_bad_value(err, "--idle-exit", arg,
					     "must be a whole number of seconds from 0 to 86400");
		ts->idle_exit_s = (int)n;
		break;
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

void thumbnail_px_for_size(const struct pixel_settings *base, enum thumb_size size,
			   struct pixel_settings *px)
{
	uint32_t box = thumb_size_pixels(size);
	*px = *base;
	px->nsizes = 0;
	plan_boxes(px, &box, 1);   /* a box of 128 to 1024 parses */
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

/* --clean, --gc and their limits; -1 after printing an error. */
static int validate_sweep(const struct job *job, const struct thumbnail_settings *ts,
			  FILE *err)
{
	const char *refusal = NULL;
	if (ts->clean && ts->sweep.gc)
		refusal = "--gc does what --clean does: give one of them";
	else if (!ts->sweep.gc && (ts->sweep.max_bytes || ts->sweep.max_age_s >= 0))
		refusal = "--max-size and --max-age go with --gc";
	else if (job->nroots == 0 && !job->files_from && !ts->clean && !ts->sweep.gc)
		refusal = "no inputs: name files or directories, or use --files-from, --clean "
			  "or --gc";
	if (refusal)
		fprintf(err, "imgbatch thumbnail: %s\n", refusal);
	return refusal ? -1 : 0;
}

static int validate(struct job *job, FILE *err)
{
	struct thumbnail_settings *ts = job->settings;
	struct ib_error e;
	uint32_t boxes[THUMB_NSIZES];
	unsigned n;
	if (ts->serve && thumbnail_serve_validate(job, err) < 0)
		return -1;
	if (!ts->serve && ts->idle_exit_s >= 0) {
		fputs("imgbatch thumbnail: --idle-exit goes with --serve\n", err);
		return -1;
	}
	if (ts->one) {
		if (thumbnail_one_validate(job, &boxes[0], err) < 0)
			return -1;
		n = 1;
	} else if (ts->serve) {
		n = cache_boxes(1u << THUMB_LARGE, boxes);
	} else {
		if (ts->size_arg && thumb_sizes_parse(ts->size_arg, &ts->cache.sizes, &e) < 0)
			return cli_bad_value(err, "--size", ts->size_arg, e.msg);
		if (validate_sweep(job, ts, err) < 0)
			return -1;
		n = cache_boxes(ts->cache.sizes, boxes);
	}
	if (plan_boxes(&ts->px, boxes, n) < 0)
		return -1;
	return pixel_settings_validate(&ts->px, "imgbatch thumbnail", err);
}

static void put_sweep_summary(FILE *json, const char *type, const struct thumb_clean_stats *st)
{
	fprintf(json, "{\"type\":\"%s_summary\",\"removed\":%" PRIu64 ",\"kept\":%" PRIu64
		",\"foreign\":%" PRIu64 ",\"errors\":%" PRIu64, type, st->removed, st->kept,
		st->foreign, st->errors);
	if (strcmp(type, "gc") == 0)
		fprintf(json, ",\"bytes_freed\":%" PRIu64 ",\"bytes_kept\":%" PRIu64,
			st->bytes_freed, st->bytes_kept);
	fputs("}\n", json);
	fflush(json);
}

/* --clean or --gc: the sweep and its report; -1 on errors. */
static int sweep_cache(const struct job *job, struct thumbnail_settings *ts,
		       struct ib_error *err)
{
	struct thumb_clean_stats st;
	const char *type = ts->sweep.gc ? "gc" : "clean";
	struct thumb_clean_out out = { .err = stderr, .json = job->json ? stdout : NULL,
				       .type = type };
	char freed[32] = "", kept[32] = "";
	ts->sweep.now = time(NULL);
	thumb_cache_sweep(&ts->cache, &ts->sweep, &out, &st);
	if (out.json)
		put_sweep_summary(out.json, type, &st);
	if (ts->sweep.gc) {
		account_format_bytes(freed, sizeof freed, st.bytes_freed);
		account_format_bytes(kept, sizeof kept, st.bytes_kept);
	}
	if (job->progress != PROGRESS_QUIET)
		fprintf(stderr, "imgbatch: --%s: %" PRIu64 " %s removed%s%s%s, %" PRIu64 " kept%s%s%s, "
			"%" PRIu64 " not imgbatch's or not file:// (left alone), %" PRIu64 " %s\n",
			type, st.removed, text_plural(st.removed, "entry", "entries"),
			freed[0] ? " (" : "", freed, freed[0] ? " freed)" : "", st.kept,
			kept[0] ? " (" : "", kept, kept[0] ? " in all)" : "", st.foreign, st.errors,
			text_plural(st.errors, "error", "errors"));
	if (st.errors)
		return ib_fail(err, "--%s: %" PRIu64 " %s could not be cleaned", type, st.errors,
			       text_plural(st.errors, "entry", "entries"));
	return 0;
}

/* Opens the cache (the workers inherit its directories) and runs --clean or
 * --gc; with one of them alone there is nothing more to do. */
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
	if ((ts->clean || ts->sweep.gc) && sweep_cache(job, ts, err) < 0)
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
