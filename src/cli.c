#include "config.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/number.h"
#include "disk/output_name.h"

enum {
	OPT_CROP = 256, OPT_GRAVITY, OPT_NAME, OPT_IN_PLACE, OPT_UPDATE, OPT_FSYNC,
	OPT_FORMAT, OPT_PROGRESSIVE, OPT_COMPRESSION, OPT_BACKGROUND, OPT_NO_AUTO_ORIENT,
	OPT_STRIP, OPT_KERNEL, OPT_LINEAR, OPT_MAX_PIXELS, OPT_CHUNK, OPT_FILES_FROM,
	OPT_FOLLOW, OPT_JSON, OPT_LIST_FILTERS, OPT_SIZE, OPT_CLEAN,
	OPT_METRIC, OPT_THRESHOLD, OPT_INCLUDE_AA, OPT_MAX_DIFF_PIXELS, OPT_MAX_DIFF_RATIO,
	OPT_WINDOW, OPT_DIFF_DIR, OPT_DIFF_ALL, OPT_DIFF_COLOR, OPT_AA_COLOR, OPT_DIFF_MASK,
	OPT_ALPHA, OPT_ALLOW_MISSING, OPT_ALLOW_NEW, OPT_UPDATE_GOLDEN, OPT_JUNIT, OPT_HTML,
	OPT_TIMEOUT, OPT_MAX_MEMORY, OPT_MAX_FAILURES, OPT_SHARD, OPT_SHARD_COUNT, OPT_MANIFEST,
	OPT_EMBEDDED,
};

/* What every command (imgbatch, thumbnail, compare) takes to run its pool. */
#define POOL_LONG_OPTIONS \
	{ "max-pixels", required_argument, NULL, OPT_MAX_PIXELS }, \
	{ "jobs", required_argument, NULL, 'j' }, \
	{ "chunk", required_argument, NULL, OPT_CHUNK }, \
	{ "timeout", required_argument, NULL, OPT_TIMEOUT }, \
	{ "max-memory", required_argument, NULL, OPT_MAX_MEMORY }, \
	{ "max-failures", required_argument, NULL, OPT_MAX_FAILURES }, \
	{ "shard", required_argument, NULL, OPT_SHARD }, \
	{ "shard-count", required_argument, NULL, OPT_SHARD_COUNT }, \
	{ "manifest", required_argument, NULL, OPT_MANIFEST }, \
	{ "quiet", no_argument, NULL, 'Q' }, \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ NULL, 0, NULL, 0 }

#define EMBEDDED_HELP \
"      --embedded         make small outputs from a JPEG's EXIF thumbnail when it\n" \
"                         is large enough and has the image's aspect ratio\n"

#define DEFAULT_TIMEOUT_S 120
#define DEFAULT_MAX_FAILURES 10
#define STR(x) #x
#define XSTR(x) STR(x)
#define POOL_HELP \
"      --timeout SECONDS  a file taking longer fails; its worker is replaced\n" \
"                         (default " XSTR(DEFAULT_TIMEOUT_S) "; 0: no limit)\n" \
"      --max-memory SIZE  address space of each worker, e.g. 512M or 2G\n" \
"                         (default: no limit)\n" \
"      --max-failures N   stop after N outputs in a row fail to be written with\n" \
"                         the same error, e.g. a full disk (default " \
XSTR(DEFAULT_MAX_FAILURES) "; 0: never)\n" \
"      --shard K/N|auto   only the inputs of shard K of N (by a hash of each\n" \
"                         path below its input root); auto: from a Slurm job\n" \
"                         array or a Kubernetes Indexed Job\n" \
"      --shard-count N    the N of --shard auto in a Kubernetes Indexed Job\n" \
"      --manifest FILE    append one JSON line per input (and the run's summary)\n" \
"                         to FILE; merge shards' with imgbatch report\n"


static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "resize", required_argument, NULL, 'r' },
	{ "filter", required_argument, NULL, 'f' },
	{ "list-filters", optional_argument, NULL, OPT_LIST_FILTERS },
	{ "crop", no_argument, NULL, OPT_CROP },
	{ "gravity", required_argument, NULL, OPT_GRAVITY },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "in-place", no_argument, NULL, OPT_IN_PLACE },
	{ "update", no_argument, NULL, OPT_UPDATE },
	{ "fsync", no_argument, NULL, OPT_FSYNC },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "quality", required_argument, NULL, 'q' },
	{ "progressive", no_argument, NULL, OPT_PROGRESSIVE },
	{ "compression", required_argument, NULL, OPT_COMPRESSION },
	{ "background", required_argument, NULL, OPT_BACKGROUND },
	{ "no-auto-orient", no_argument, NULL, OPT_NO_AUTO_ORIENT },
	{ "embedded", no_argument, NULL, OPT_EMBEDDED },
	{ "strip", no_argument, NULL, OPT_STRIP },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "linear", no_argument, NULL, OPT_LINEAR },
	{ "files-from", required_argument, NULL, OPT_FILES_FROM },
	{ "null", no_argument, NULL, '0' },
	{ "follow-symlinks", no_argument, NULL, OPT_FOLLOW },
	POOL_LONG_OPTIONS,
};

static const char usage_text[] =
"Usage: imgbatch [OPTION]... -o DIR INPUT...\n"
"       imgbatch [OPTION]... --in-place INPUT...\n"
"       imgbatch thumbnail [OPTION]... INPUT...   (see imgbatch thumbnail --help)\n"
"       imgbatch compare [OPTION]... EXPECTED ACTUAL   (see imgbatch compare --help)\n"
"       imgbatch report [--json] MANIFEST...   (see imgbatch report --help)\n"
"Resize and convert JPEG and PNG files on every core.  INPUTs are files and\n"
"directories (walked recursively); formats are detected by content.\n"
"\n"
"Inputs:\n"
"      --files-from FILE  also read input paths from FILE ('-' = stdin), one a line\n"
"  -0, --null             --files-from entries are NUL-separated (find -print0)\n"
"      --follow-symlinks  descend into symlinked directories (loops are detected)\n"
"Outputs:\n"
"  -o, --output DIR       write outputs under DIR, mirroring each input's tree\n"
"      --name TEMPLATE    output path under DIR (default {dir}/{stem}.{ext});\n"
"                         fields: {dir} {stem} {ext} {w} {h}\n"
"      --in-place         write next to the input, replacing it if the name matches\n"
"      --update           skip inputs whose output exists and is not older\n"
"      --fsync            fsync each output and its directory\n"
"Geometry:\n"
"  -r, --resize GEOM      ImageMagick geometry: W, Wx, xH, WxH (fit), WxH! (exact),\n"
"                         WxH^ (cover), WxH> (shrink only), WxH< (enlarge only),\n"
"                         N%%, WxH%%, @AREA; or a list GEOM,GEOM,... (one output\n"
"                         per size from one decode; --name needs {w} or {h})\n"
"      --crop             with WxH^: cut the result to exactly WxH\n"
"      --gravity G        where --crop cuts: center (default), north, northeast,\n"
"                         east, southeast, south, southwest, west, northwest\n"
"      --kernel K         resampling kernel: %s\n"
"                         (default: Mitchell to shrink, Catmull-Rom to enlarge)\n"
"      --linear           resample in linear light (gamma-correct)\n"
"      --no-auto-orient   ignore the EXIF orientation (default: apply it)\n"
EMBEDDED_HELP
"Filters:\n"
"  -f, --filter CHAIN     filters, comma-separated: NAME or NAME=ARGS, e.g.\n"
"                         'grayscale,level=5%%,95%%,blur=2'; -r and -f steps run\n"
"                         in command-line order\n"
"      --list-filters[=F] every filter with its parameters and defaults;\n"
"                         F: plain (default), man or markdown\n"
"Encoding:\n"
"      --format F         jpeg, png or same (default: same as the input)\n"
"  -q, --quality N        JPEG quality 1-100 (default 85; 4:2:0 chroma below 90,\n"
"                         4:4:4 from 90)\n"
"      --progressive      write progressive JPEGs\n"
"      --compression N    PNG DEFLATE level 0-9 (default 6)\n"
"      --background C     colour under transparency when writing JPEG:\n"
"                         white (default), black, #rgb, #rrggbb or R,G,B\n"
"      --strip            do not carry the ICC profile to the output\n"
"      --max-pixels N     refuse images over N pixels (default 256000000)\n"
"Running:\n"
"  -j, --jobs N           worker processes (default: online CPUs)\n"
"      --chunk N|auto     files handed to a worker at once (default auto)\n"
POOL_HELP
"      --quiet            no progress or summary (failures are still printed)\n"
"      --json             one JSON object per file on stdout, then a summary\n"
"  -h, --help             this help\n"
"  -V, --version          version\n"
"\n"
"Exit status: 0 all done or skipped, 1 some files failed, 2 usage or setup\n"
"error, 130 interrupted.\n";

static void print_usage(FILE *out)
{
	fprintf(out, usage_text, resize_kernel_names());
}

static const struct option thumbnail_options[] = {
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "clean", no_argument, NULL, OPT_CLEAN },
	{ "embedded", no_argument, NULL, OPT_EMBEDDED },
	{ "files-from", required_argument, NULL, OPT_FILES_FROM },
	{ "null", no_argument, NULL, '0' },
	{ "follow-symlinks", no_argument, NULL, OPT_FOLLOW },
	POOL_LONG_OPTIONS,
};

static const char thumbnail_usage_text[] =
"Usage: imgbatch thumbnail [OPTION]... INPUT...\n"
"       imgbatch thumbnail --clean [OPTION]... [INPUT]...\n"
"Fill the freedesktop.org thumbnail cache ($XDG_CACHE_HOME/thumbnails, else\n"
"~/.cache/thumbnails) that file managers and photo libraries read.  Every\n"
"requested size comes from one decode; EXIF orientation is applied and ICC\n"
"profiles are converted to sRGB.  Up-to-date thumbnails are skipped without\n"
"decoding; originals that cannot be thumbnailed get a fail entry and are not\n"
"retried until they change.\n"
"\n"
"      --size LIST        normal (128), large (256, the default), x-large (512),\n"
"                         xx-large (1024), comma-separated, or all\n"
"      --clean            first remove entries whose original is gone or changed\n"
EMBEDDED_HELP
"      --max-pixels N     refuse images over N pixels (default 256000000)\n"
"      --files-from FILE  also read input paths from FILE ('-' = stdin), one a line\n"
"  -0, --null             --files-from entries are NUL-separated (find -print0)\n"
"      --follow-symlinks  descend into symlinked directories (loops are detected)\n"
"  -j, --jobs N           worker processes (default: online CPUs)\n"
"      --chunk N|auto     files handed to a worker at once (default auto)\n"
POOL_HELP
"      --quiet            no progress or summary (failures are still printed)\n"
"      --json             one JSON object per file on stdout, then a summary\n"
"  -h, --help             this help\n"
"  -V, --version          version\n"
"\n"
"Exit status: 0 all done or skipped, 1 some files failed, 2 usage or setup\n"
"error, 130 interrupted.\n";

static void print_thumbnail_usage(FILE *out)
{
	fputs(thumbnail_usage_text, out);
}

/* What one command line (imgbatch, imgbatch thumbnail or imgbatch compare)
 * accepts. */
struct command {
	const char *short_options;
	const struct option *long_options;
	void (*print_usage)(FILE *out);
	int (*validate)(struct job *job, FILE *err);
	const char *try_help;
};

static void set_defaults(struct job *job)
{
	memset(job, 0, sizeof *job);
	job->name_template = OUTPUT_DEFAULT_TEMPLATE;
	job->gravity = GRAVITY_CENTER;
	job->quality = 85;
	job->compression = 6;
	job->background = (struct rgb8){ 255, 255, 255 };
	job->auto_orient = true;
	job->max_pixels = IMAGE_DEFAULT_MAX_PIXELS;
	job->cache.sizes = 1u << THUMB_LARGE;
	compare_options_default(&job->cmp.opts, METRIC_YIQ);
	job->cmp.max_diff_ratio = -1;
	job->cmp.max_diff_pixels = UINT64_MAX;   /* unset: see validate_compare */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	job->jobs = cpus > 0 ? (unsigned)cpus : 1;
	job->timeout_s = DEFAULT_TIMEOUT_S;
	job->max_failures = DEFAULT_MAX_FAILURES;
}

/* Parses a byte count with an optional K, M or G suffix (powers of 1024). */
static int parse_size(const char *text, unsigned long long min, unsigned long long *out)
{
	char digits[32];
	size_t len = strlen(text);
	unsigned shift = 0;
	if (len > 0 && strchr("KkMmGg", text[len - 1])) {
		shift = strchr("Kk", text[len - 1]) ? 10 : strchr("Mm", text[len - 1]) ? 20 : 30;
		len--;
	}
	unsigned long long v;
	if (len == 0 || len >= sizeof digits)
		return -1;
	memcpy(digits, text, len);
	digits[len] = '\0';
	if (number_parse(digits, 1, ULLONG_MAX >> shift, &v) < 0 || (v << shift) < min)
		return -1;
	*out = v << shift;
	return 0;
}

static int bad_value(FILE *err, const char *option, const char *value, const char *allowed)
{
	fprintf(err, "imgbatch: invalid %s '%s': %s\n", option, value, allowed);
	return -1;
}

static const struct option compare_options[] = {
	{ "metric", required_argument, NULL, OPT_METRIC },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "include-aa", no_argument, NULL, OPT_INCLUDE_AA },
	{ "max-diff-pixels", required_argument, NULL, OPT_MAX_DIFF_PIXELS },
	{ "max-diff-ratio", required_argument, NULL, OPT_MAX_DIFF_RATIO },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "diff-dir", required_argument, NULL, OPT_DIFF_DIR },
	{ "diff-all", no_argument, NULL, OPT_DIFF_ALL },
	{ "diff-color", required_argument, NULL, OPT_DIFF_COLOR },
	{ "aa-color", required_argument, NULL, OPT_AA_COLOR },
	{ "diff-mask", no_argument, NULL, OPT_DIFF_MASK },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "allow-missing", no_argument, NULL, OPT_ALLOW_MISSING },
	{ "allow-new", no_argument, NULL, OPT_ALLOW_NEW },
	{ "update-golden", no_argument, NULL, OPT_UPDATE_GOLDEN },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "html", required_argument, NULL, OPT_HTML },
	POOL_LONG_OPTIONS,
};

static const char compare_usage_text[] =
"Usage: imgbatch compare [OPTION]... EXPECTED ACTUAL\n"
"Compare images with pixelmatch's algorithm: EXPECTED and ACTUAL are two files,\n"
"or two directories whose images are paired by relative path.  A pair passes\n"
"when its differing pixels are within the limits.\n"
"\n"
"Comparing:\n"
"      --metric M         yiq (pixelmatch 7, default) or oklab (pixelmatch 8)\n"
"      --threshold T      colour difference that counts, 0-1 (default 0.1)\n"
"      --include-aa       count anti-aliased pixels as different\n"
"      --max-diff-pixels N  pass with at most N differing pixels (default 0)\n"
"      --max-diff-ratio R   pass with at most this fraction of differing pixels\n"
"      --window N         the limits judge the NxN square with the most differing\n"
"                         pixels (ratios of its N*N pixels), not the whole image\n"
"      --allow-missing    an expected image without an actual one is not a failure\n"
"      --allow-new        an actual image without an expected one is not a failure\n"
"      --update-golden    copy failing and new actual images over the expected ones\n"
"                         (atomically); they then count as passed\n"
"      --max-pixels N     refuse images over N pixels (default 256000000)\n"
"Diff images:\n"
"      --diff-dir DIR     write a diff image per failing pair under DIR\n"
"      --diff-all         ... and for passing pairs too\n"
"      --diff-color C     colour of differing pixels (default 255,0,0)\n"
"      --aa-color C       colour of anti-aliased pixels (default 255,255,0)\n"
"      --diff-mask        transparent background instead of the faded original\n"
"      --alpha A          opacity of the faded original, 0-1 (default 0.1)\n"
"Reports:\n"
"      --json             one JSON object per pair on stdout, then a summary\n"
"      --junit FILE       JUnit XML, one test case per pair\n"
"      --html DIR         a self-contained HTML report, failures first\n"
"      --quiet            no progress or summary (failures are still printed)\n"
"  -j, --jobs N           worker processes (default: online CPUs)\n"
"      --chunk N|auto     pairs handed to a worker at once (default auto)\n"
POOL_HELP
"  -h, --help             this help\n"
"  -V, --version          version\n"
"\n"
"Exit status: 0 every pair passed, 1 some pair failed (or is missing or new),\n"
"2 usage error or an unreadable image.\n";

static void print_compare_usage(FILE *out)
{
	fputs(compare_usage_text, out);
}

/* Parses a decimal fraction in [min, max]. */
static int parse_real(const char *text, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (!text[0] || errno || *end || !(v >= min && v <= max))
		return -1;
	*out = v;
	return 0;
}

static int parse_colour(const char *arg, uint8_t rgb[3])
{
	struct rgb8 c;
	if (rgb8_parse(arg, &c) < 0)
		return -1;
	rgb[0] = c.r;
	rgb[1] = c.g;
	rgb[2] = c.b;
	return 0;
}

/* Options only `imgbatch compare` has; -1 after printing an error. */
static int apply_compare_option(int opt, const char *arg, struct compare_job *c, FILE *err)
{
	unsigned long long n;
	switch (opt) {
	case OPT_METRIC:
		if (compare_metric_parse(arg, &c->opts.metric) < 0)
			return bad_value(err, "--metric", arg, "use yiq or oklab");
		break;
	case OPT_THRESHOLD:
		if (parse_real(arg, 0, 1, &c->opts.threshold) < 0)
			return bad_value(err, "--threshold", arg, "must be a number from 0 to 1");
		break;
	case OPT_INCLUDE_AA: c->opts.include_aa = true; break;
	case OPT_MAX_DIFF_PIXELS:
		if (number_parse(arg, 0, UINT64_MAX, &n) < 0)
			return bad_value(err, "--max-diff-pixels", arg, "must be a whole number >= 0");
		c->max_diff_pixels = n;
		break;
	case OPT_MAX_DIFF_RATIO:
		if (parse_real(arg, 0, 1, &c->max_diff_ratio) < 0)
			return bad_value(err, "--max-diff-ratio", arg, "must be a number from 0 to 1");
		break;
	case OPT_WINDOW:
		if (number_parse(arg, 1, 65535, &n) < 0)
			return bad_value(err, "--window", arg, "must be a whole number from 1 to 65535");
		c->opts.window = (uint32_t)n;
		break;
	case OPT_DIFF_DIR: c->diff_dir = arg; break;
	case OPT_DIFF_ALL: c->diff_all = true; break;
	case OPT_DIFF_COLOR:
		if (parse_colour(arg, c->opts.diff_color) < 0)
			return bad_value(err, "--diff-color", arg, "use white, black, #rgb, #rrggbb or R,G,B");
		break;
	case OPT_AA_COLOR:
		if (parse_colour(arg, c->opts.aa_color) < 0)
			return bad_value(err, "--aa-color", arg, "use white, black, #rgb, #rrggbb or R,G,B");
		break;
	case OPT_DIFF_MASK: c->opts.diff_mask = true; break;
	case OPT_ALPHA:
		if (parse_real(arg, 0, 1, &c->opts.alpha) < 0)
			return bad_value(err, "--alpha", arg, "must be a number from 0 to 1");
		break;
	case OPT_ALLOW_MISSING: c->allow_missing = true; break;
	case OPT_ALLOW_NEW: c->allow_new = true; break;
	case OPT_UPDATE_GOLDEN: c->update_golden = true; break;
	case OPT_JUNIT: c->junit = arg; break;
	case OPT_HTML: c->html = arg; break;
	default: return 1;  /* not a compare option */
	}
	return 0;
}

static struct step *new_step(struct job *job, struct ib_error *err)
{
	if (job->nsteps == JOB_MAX_STEPS) {
		ib_fail(err, "at most %d -r and -f steps", JOB_MAX_STEPS);
		return NULL;
	}
	return &job->steps[job->nsteps++];
}

/* Parses "GEOM" or a list "GEOM,GEOM,...", each into sizes[]. */
static int parse_size_list(const char *arg, struct geometry *sizes, unsigned *n,
			   struct ib_error *err)
{
	char item[256];

	*n = 0;
	for (const char *p = arg;; p++) {
		size_t len = strcspn(p, ",");
		if (*n == JOB_MAX_SIZES)
			return ib_fail(err, "at most %d sizes in a list", JOB_MAX_SIZES);
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

static int add_resize_step(struct job *job, const char *arg, struct ib_error *err)
{
	struct geometry sizes[JOB_MAX_SIZES];
	unsigned n;
	struct step *s;

	if (parse_size_list(arg, sizes, &n, err) < 0)
		return -1;
	if (n > 1 && job->nsizes)
		return ib_fail(err, "only one -r may give a list of sizes");
	if (!(s = new_step(job, err)))
		return -1;
	s->kind = STEP_RESIZE;
	s->geometry = sizes[0];
	if (n > 1) {
		memcpy(job->sizes, sizes, n * sizeof sizes[0]);
		job->nsizes = n;
		job->branch = job->nsteps - 1;
	}
	return 0;
}

static int add_filter_step(const struct filter *f, const char *args, void *ctx,
			   struct ib_error *err)
{
	struct job *job = ctx;
	struct filter_params params;
	struct step *s;

	if (f->parse(args, &params, err) < 0 || !(s = new_step(job, err)))
		return -1;
	s->kind = STEP_FILTER;
	s->filter = f;
	s->params = params;
	return 0;
}

/* Handles one parsed option; -1 after printing an error. */
static int apply_option(int opt, const char *arg, struct job *job, FILE *err)
{
	unsigned long long n;
	struct ib_error e;
	switch (opt) {
	case 'o': job->out_dir = arg; break;
	case 'r':
		if (add_resize_step(job, arg, &e) < 0)
			return bad_value(err, "--resize", arg, e.msg);
		break;
	case 'f':
		if (filter_spec_parse(arg, add_filter_step, job, &e) < 0)
			return bad_value(err, "--filter", arg, e.msg);
		break;
	case OPT_CROP: job->crop = true; break;
	case OPT_GRAVITY:
		if (gravity_parse(arg, &job->gravity) < 0)
			return bad_value(err, "--gravity", arg, "use center, north, northeast, east, "
					 "southeast, south, southwest, west or northwest");
		break;
	case OPT_NAME:
		if (output_template_check(arg, &e) < 0)
			return bad_value(err, "--name", arg, e.msg);
		job->name_template = arg;
		break;
	case OPT_IN_PLACE: job->in_place = true; break;
	case OPT_UPDATE: job->update = true; break;
	case OPT_FSYNC: job->fsync_outputs = true; break;
	case OPT_FORMAT:
		if (strcmp(arg, "same") == 0)
			job->format = FORMAT_UNKNOWN;
		else if ((job->format = format_from_name(arg)) == FORMAT_UNKNOWN)
			return bad_value(err, "--format", arg, "use jpeg, png or same");
		break;
	case 'q':
		if (number_parse(arg, 1, 100, &n) < 0)
			return bad_value(err, "--quality", arg, "must be a whole number from 1 to 100");
		job->quality = (int)n;
		break;
	case OPT_PROGRESSIVE: job->progressive = true; break;
	case OPT_COMPRESSION:
		if (number_parse(arg, 0, 9, &n) < 0)
			return bad_value(err, "--compression", arg, "must be a whole number from 0 to 9");
		job->compression = (int)n;
		break;
	case OPT_BACKGROUND:
		if (rgb8_parse(arg, &job->background) < 0)
			return bad_value(err, "--background", arg,
					 "use white, black, #rgb, #rrggbb or R,G,B");
		break;
	case OPT_NO_AUTO_ORIENT: job->auto_orient = false; break;
	case OPT_EMBEDDED: job->embedded = true; break;
	case OPT_STRIP: job->strip = true; break;
	case OPT_KERNEL:
		if (resize_kernel_parse(arg, &job->resize.kernel) < 0)
			return bad_value(err, "--kernel", arg, resize_kernel_names());
		break;
	case OPT_LINEAR: job->resize.linear = true; break;
	case OPT_MAX_PIXELS:
		if (number_parse(arg, 1, UINT64_MAX, &n) < 0)
			return bad_value(err, "--max-pixels", arg, "must be a positive whole number");
		job->max_pixels = n;
		break;
	case 'j':
		if (number_parse(arg, 1, 1024, &n) < 0)
			return bad_value(err, "--jobs", arg, "must be a whole number from 1 to 1024");
		job->jobs = (unsigned)n;
		break;
	case OPT_CHUNK:
		if (strcmp(arg, "auto") == 0)
			job->chunk = 0;
		else if (number_parse(arg, 1, 4096, &n) < 0)
			return bad_value(err, "--chunk", arg, "use auto or a whole number from 1 to 4096");
		else
			job->chunk = (unsigned)n;
		break;
	case OPT_TIMEOUT:
		if (number_parse(arg, 0, 86400, &n) < 0)
			return bad_value(err, "--timeout", arg, "must be a whole number of seconds "
					 "from 0 (no limit) to 86400");
		job->timeout_s = (unsigned)n;
		break;
	case OPT_MAX_MEMORY:
		if (parse_size(arg, 64ull << 20, &n) < 0)
			return bad_value(err, "--max-memory", arg, "must be a size of at least 64M, "
					 "such as 512M or 2G");
		job->max_memory = n;
		break;
	case OPT_MAX_FAILURES:
		if (number_parse(arg, 0, UINT_MAX, &n) < 0)
			return bad_value(err, "--max-failures", arg, "must be a whole number >= 0");
		job->max_failures = (unsigned)n;
		break;
	case OPT_SHARD: job->shard_arg = arg; break;
	case OPT_SHARD_COUNT: job->shard_count_arg = arg; break;
	case OPT_MANIFEST: job->manifest = arg; break;
	case OPT_FILES_FROM: job->files_from = arg; break;
	case '0': job->nul_separated = true; break;
	case OPT_FOLLOW: job->follow_symlinks = true; break;
	case 'Q': job->progress = PROGRESS_QUIET; break;
	case OPT_JSON: job->json = true; break;
	case OPT_SIZE:
		if (thumb_sizes_parse(arg, &job->cache.sizes, &e) < 0)
			return bad_value(err, "--size", arg, e.msg);
		break;
	case OPT_CLEAN: job->thumb_clean = true; break;
	default: {
		int r = apply_compare_option(opt, arg, &job->cmp, err);
		return r > 0 ? -1 : r;
	}
	}
	return 0;
}

static bool is_pixel_box(const struct geometry *g)
{
	return g->has_width && g->has_height && !(g->flags & GEOM_PERCENT);
}

/* Whether some -r size names both sides in pixels (what --crop cuts to). */
static bool has_pixel_box_resize(const struct job *job)
{
	for (unsigned i = 0; i < job->nsteps; i++)
		if (job->steps[i].kind == STEP_RESIZE && is_pixel_box(&job->steps[i].geometry))
			return true;
	for (unsigned i = 0; i < job->nsizes; i++)
		if (is_pixel_box(&job->sizes[i]))
			return true;
	return false;
}

static int validate(struct job *job, FILE *err)
{
	if (job->in_place && job->out_dir) {
		fputs("imgbatch: -o and --in-place exclude each other\n", err);
		return -1;
	}
	if (!job->in_place && !job->out_dir) {
		fputs("imgbatch: say where outputs go: -o DIR (or --in-place)\n", err);
		return -1;
	}
	if (job->nroots == 0 && !job->files_from) {
		fputs("imgbatch: no inputs: name files or directories, or use --files-from\n", err);
		return -1;
	}
	if (job->nul_separated && !job->files_from) {
		fputs("imgbatch: -0 applies to --files-from, which is missing\n", err);
		return -1;
	}
	if (job->nsizes && !output_template_needs_size(job->name_template)) {
		fputs("imgbatch: a list of sizes needs {w} or {h} in --name, "
		      "such as --name '{dir}/{stem}-{w}.{ext}'\n", err);
		return -1;
	}
	if (job->crop && !has_pixel_box_resize(job)) {
		fputs("imgbatch: --crop needs a -r geometry with both a width and a height "
		      "in pixels, such as 256x256^\n", err);
		return -1;
	}
	return 0;
}

/* Thumbnails: one resize step per requested size, never enlarging, as a
 * list of sizes when there are several (one decode). */
static int thumbnail_steps(struct job *job)
{
	struct ib_error e;
	char box[32];
	for (int i = 0; i < THUMB_NSIZES; i++) {
		if (!(job->cache.sizes & (1u << i)))
			continue;
		uint32_t n = thumb_size_pixels((enum thumb_size)i);
		snprintf(box, sizeof box, "%" PRIu32 "x%" PRIu32 ">", n, n);
		if (geometry_parse(box, &job->sizes[job->nsizes++], &e) < 0)
			return -1;
	}
	job->steps[0].kind = STEP_RESIZE;
	job->steps[0].geometry = job->sizes[0];
	job->nsteps = 1;
	if (job->nsizes == 1)
		job->nsizes = 0;
	return 0;
}

static int validate_thumbnail(struct job *job, FILE *err)
{
	if (job->nroots == 0 && !job->files_from && !job->thumb_clean) {
		fputs("imgbatch thumbnail: no inputs: name files or directories, or use "
		      "--files-from or --clean\n", err);
		return -1;
	}
	if (job->nul_separated && !job->files_from) {
		fputs("imgbatch thumbnail: -0 applies to --files-from, which is missing\n", err);
		return -1;
	}
	job->thumbnail = true;
	job->format = FORMAT_PNG;
	job->strip = true;        /* profiles are converted to sRGB instead */
	return thumbnail_steps(job);
}

static int validate_compare(struct job *job, FILE *err)
{
	struct stat a, b;
	struct compare_job *c = &job->cmp;
	if (job->nroots != 2) {
		fputs("imgbatch compare: give EXPECTED and ACTUAL: two files or two directories\n",
		      err);
		return -1;
	}
	c->expected = job->roots[0];
	c->actual = job->roots[1];
	const char *unreadable = stat(c->expected, &a) < 0 ? c->expected
				 : stat(c->actual, &b) < 0 ? c->actual : NULL;
	if (unreadable) {
		fprintf(err, "imgbatch compare: cannot read %s: %s\n", unreadable, strerror(errno));
		return -1;
	}
	if (S_ISDIR(a.st_mode) != S_ISDIR(b.st_mode)) {
		fputs("imgbatch compare: EXPECTED and ACTUAL must both be files or both "
		      "directories\n", err);
		return -1;
	}
	c->dirs = S_ISDIR(a.st_mode);
	/* no limit given: not one pixel may differ */
	if (c->max_diff_pixels == UINT64_MAX && c->max_diff_ratio < 0)
		c->max_diff_pixels = 0;
	if (!c->dirs && (c->allow_missing || c->allow_new)) {
		fputs("imgbatch compare: --allow-missing and --allow-new apply to directories\n",
		      err);
		return -1;
	}
	job->compare = true;
	job->nroots = 1;          /* the scan walks the expected side */
	job->out_dir = c->diff_dir;
	job->format = FORMAT_PNG;
	return 0;
}

static const struct command convert_command = {
	"o:r:f:q:j:0hV", long_options, print_usage, validate, "Try 'imgbatch --help'.\n",
};
static const struct command thumbnail_command = {
	"j:0hV", thumbnail_options, print_thumbnail_usage, validate_thumbnail,
	"Try 'imgbatch thumbnail --help'.\n",
};

static const struct command compare_command = {
	"j:hV", compare_options, print_compare_usage, validate_compare,
	"Try 'imgbatch compare --help'.\n",
};

/* The subcommand argv names, or the default one. */
static const struct command *find_command(int *argc, char ***argv)
{
	const struct command *cmd = NULL;
	if (*argc > 1 && strcmp((*argv)[1], "thumbnail") == 0)
		cmd = &thumbnail_command;
	else if (*argc > 1 && strcmp((*argv)[1], "compare") == 0)
		cmd = &compare_command;
	if (!cmd)
		return &convert_command;
	(*argc)--;
	(*argv)++;
	return cmd;
}

enum cli_action cli_parse(int argc, char **argv, struct job *job, FILE *out, FILE *err)
{
	set_defaults(job);
	const struct command *cmd = find_command(&argc, &argv);
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, cmd->short_options, cmd->long_options,
				  NULL)) != -1) {
		if (opt == 'h') {
			cmd->print_usage(out);
			return CLI_EXIT_OK;
		}
		if (opt == OPT_LIST_FILTERS) {
			if (filter_list(out, optarg) == 0)
				return CLI_EXIT_OK;
			fprintf(err, "imgbatch: invalid --list-filters '%s': use plain, man or markdown\n",
				optarg);
			return CLI_USAGE_ERROR;
		}
		if (opt == 'V') {
			fprintf(out, "imgbatch %s\n", PACKAGE_VERSION);
			return CLI_EXIT_OK;
		}
		if (opt == '?' || opt == ':') {
			if (optopt)
				fprintf(err, "imgbatch: option -%c %s\n", optopt,
					strchr("orfqj", optopt) ? "needs a value" : "is unknown");
			else
				fprintf(err, "imgbatch: unknown option or missing value: %s\n",
					argv[optind - 1]);
			fputs(cmd->try_help, err);
			return CLI_USAGE_ERROR;
		}
		if (apply_option(opt, optarg, job, err) < 0)
			return CLI_USAGE_ERROR;
	}
	job->roots = argv + optind;
	job->nroots = (unsigned)(argc - optind);
	struct ib_error e;
	if (job->shard_arg && shard_parse(job->shard_arg, job->shard_count_arg, &job->shard, &e) < 0) {
		bad_value(err, "--shard", job->shard_arg, e.msg);
		return CLI_USAGE_ERROR;
	}
	if (cmd->validate(job, err) < 0) {
		fputs(cmd->try_help, err);
		return CLI_USAGE_ERROR;
	}
	if (!job->nsizes)
		job->branch = job->nsteps;
	return CLI_RUN;
}
