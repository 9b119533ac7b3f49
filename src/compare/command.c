/* imgbatch compare: its command line and the master's side. */
#include "config.h"
#include "compare/compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec/image.h"
#include "compare/html.h"
#include "compare/junit.h"
#include "compare/new_images.h"
#include "compare/pair.h"
#include "compare/serve.h"
#include "disk/guard.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/number.h"

enum compare_key {
	KEY_METRIC = CLI_KEY_COMMAND,
	KEY_THRESHOLD,
	KEY_MIN_SSIM,
	KEY_INCLUDE_AA,
	KEY_MAX_DIFF_PIXELS,
	KEY_MAX_DIFF_RATIO,
	KEY_WINDOW,
	KEY_ALLOW_MISSING,
	KEY_ALLOW_NEW,
	KEY_UPDATE_GOLDEN,
	KEY_ALLOW_SIZE_CHANGE,
	KEY_MAX_PIXELS,
	KEY_IGNORE,
	KEY_IGNORE_FILE,
	KEY_MASK,
	KEY_DIFF_DIR,
	KEY_DIFF_ALL,
	KEY_DIFF_COLOR,
	KEY_AA_COLOR,
	KEY_DIFF_MASK,
	KEY_ALPHA,
	KEY_JUNIT,
	KEY_HTML,
	KEY_SERVE,
};

static const char *metric_names(void)
{
	return "yiq oklab ssim";
}

static const struct cli_option comparing_options[] = {
	{ "metric", KEY_METRIC, 0, "M",
	  "yiq (pixelmatch 7, default), oklab (pixelmatch 8) or\n"
	  "ssim (structural similarity, as scikit-image's)", metric_names },
	{ "min-ssim", KEY_MIN_SSIM, 0, "S",
	  "--metric ssim: pass when the mean SSIM >= S (default 1)", NULL },
	{ "threshold", KEY_THRESHOLD, 0, "T", "colour difference that counts, 0-1 (default 0.1)", NULL },
	{ "include-aa", KEY_INCLUDE_AA, 0, NULL, "count anti-aliased pixels as different", NULL },
	{ "max-diff-pixels", KEY_MAX_DIFF_PIXELS, 0, "N",
	  "pass with at most N differing pixels (default 0)", NULL },
	{ "max-diff-ratio", KEY_MAX_DIFF_RATIO, 0, "R",
	  "pass with at most this fraction of differing pixels", NULL },
	{ "window", KEY_WINDOW, 0, "N",
	  "the limits judge the NxN square with the most differing\n"
	  "pixels (ratios of its N*N pixels), not the whole image", NULL },
	{ "allow-missing", KEY_ALLOW_MISSING, 0, NULL,
	  "an expected image without an actual one is not a failure", NULL },
	{ "allow-new", KEY_ALLOW_NEW, 0, NULL,
	  "an actual image without an expected one is not a failure", NULL },
	{ "allow-size-change", KEY_ALLOW_SIZE_CHANGE, 0, NULL,
	  "images of different sizes are judged on their common\n"
	  "area (top left) instead of failing", NULL },
	{ "update-golden", KEY_UPDATE_GOLDEN, 0, NULL,
	  "copy failing and new actual images over the expected ones\n"
	  "(atomically); they then count as passed", NULL },
	{ "max-pixels", KEY_MAX_PIXELS, 0, "N",
	  "refuse images over N pixels (default 256000000)", NULL },
	{ NULL, 0, 0, NULL, NULL, NULL },
};

static const struct cli_option ignore_options[] = {
	{ "ignore", KEY_IGNORE, 0, "X,Y,W,H",
	  "leave out this rectangle of every pair (repeatable)", NULL },
	{ "ignore-file", KEY_IGNORE_FILE, 0, "FILE",
	  "leave out rectangles by pair name, from JSON:\n"
	  "{\"regions\": {\"NAME\": [[x,y,w,h],...], \"*\": [...]}}", NULL },
	{ "mask", KEY_MASK, 0, "IMAGE",
	  "leave out the pixels opaque in IMAGE (alpha >= 128),\n"
	  "which has the expected images' size", NULL },
	{ NULL, 0, 0, NULL, NULL, NULL },
};

static const struct cli_option diff_options[] = {
	{ "diff-dir", KEY_DIFF_DIR, 0, "DIR", "write a diff image per failing pair under DIR", NULL },
	{ "diff-all", KEY_DIFF_ALL, 0, NULL, "... and for passing pairs too", NULL },
	{ "diff-color", KEY_DIFF_COLOR, 0, "C", "colour of differing pixels (default 255,0,0)", NULL },
	{ "aa-color", KEY_AA_COLOR, 0, "C", "colour of anti-aliased pixels (default 255,255,0)", NULL },
	{ "diff-mask", KEY_DIFF_MASK, 0, NULL,
	  "transparent background instead of the faded original", NULL },
	{ "alpha", KEY_ALPHA, 0, "A", "opacity of the faded original, 0-1 (default 0.1)", NULL },
	{ NULL, 0, 0, NULL, NULL, NULL },
};

static const struct cli_option report_options[] = {
	{ "junit", KEY_JUNIT, 0, "FILE", "JUnit XML, one test case per pair", NULL },
	{ "html", KEY_HTML, 0, "DIR", "a self-contained HTML report, failures first", NULL },
	{ "serve", KEY_SERVE, 0, NULL,
	  "no EXPECTED and ACTUAL: answer requests, JSON lines on\n"
	  "stdin, with one JSON line each on stdout, until EOF", NULL },
	{ NULL, 0, 0, NULL, NULL, NULL },
};

static const struct cli_group comparing_group = { "Comparing:", comparing_options };
static const struct cli_group ignore_group = { "Ignoring:", ignore_options };
static const struct cli_group diff_group = { "Diff images:", diff_options };
static const struct cli_group reports_group = { "Reports:", report_options };

static const struct cli_group *const groups[] = {
	&comparing_group, &ignore_group, &diff_group, &reports_group, &cli_running_group, NULL,
};

static const char usage[] =
	"Usage: imgbatch compare [OPTION]... EXPECTED ACTUAL\n"
	"  or:  imgbatch compare --serve [OPTION]...\n"
	"Compare images with pixelmatch's algorithm: EXPECTED and ACTUAL are two files,\n"
	"or two directories whose images are paired by relative path.  A pair passes\n"
	"when its differing pixels are within the limits.\n"
	"\n";

static const char epilogue[] =
	"\n"
	"Exit status: 0 every pair passed, 1 some pair failed (or is missing or new),\n"
	"2 usage error or an unreadable image.\n";

static int init(struct job *job)
{
	struct compare_settings *cs = calloc(1, sizeof *cs);
	if (!cs)
		return -1;
	compare_options_default(&cs->opts, METRIC_YIQ);
	cs->max_pixels = IMAGE_DEFAULT_MAX_PIXELS;
	cs->max_diff_ratio = -1;
	cs->min_ssim = 1;
	cs->max_diff_pixels = UINT64_MAX;   /* unset: see validate */
	job->settings = cs;
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

static int apply_limit_option(struct compare_settings *c, int key, const char *arg, FILE *err)
{
	unsigned long long n;
	switch (key) {
	case KEY_MAX_DIFF_PIXELS:
		if (number_parse(arg, 0, UINT64_MAX, &n) < 0)
			return cli_bad_value(err, "--max-diff-pixels", arg, "must be a whole number >= 0");
		c->max_diff_pixels = n;
		break;
	case KEY_MAX_DIFF_RATIO:
		if (cli_parse_real(arg, 0, 1, &c->max_diff_ratio) < 0)
			return cli_bad_value(err, "--max-diff-ratio", arg, "must be a number from 0 to 1");
		break;
	case KEY_WINDOW:
		if (number_parse(arg, 1, 65535, &n) < 0)
			return cli_bad_value(err, "--window", arg, "must be a whole number from 1 to 65535");
		c->opts.window = (uint32_t)n;
		break;
	case KEY_MAX_PIXELS:
		if (number_parse(arg, 1, UINT64_MAX, &n) < 0)
			return cli_bad_value(err, "--max-pixels", arg, "must be a positive whole number");
		c->max_pixels = n;
		break;
	}
	return 0;
}

static int apply_ignore_option(struct compare_settings *c, int key, const char *arg, FILE *err)
{
	struct ib_error e = { 0 };
	if (key == KEY_IGNORE && ignore_add_arg(&c->ignore, arg, &e) < 0)
		return cli_bad_value(err, "--ignore", arg, e.msg);
	if (key == KEY_IGNORE_FILE && ignore_load_file(&c->ignore, arg, &e) < 0) {
		fprintf(err, "imgbatch compare: --ignore-file %s: %s\n", arg, e.msg);
		return -1;
	}
	if (key == KEY_MASK) {
		if (c->ignore.mask.pixels) {
			fputs("imgbatch compare: --mask is given once\n", err);
			return -1;
		}
		if (ignore_load_mask(&c->ignore, arg, &e) < 0) {
			fprintf(err, "imgbatch compare: --mask %s: %s\n", arg, e.msg);
			return -1;
		}
	}
	return 0;
}

static int apply_option(struct job *job, int key, const char *arg, FILE *out, FILE *err)
{
	struct compare_settings *c = job->settings;
	(void)out;
	switch (key) {
	case KEY_METRIC:
		c->ssim = strcmp(arg, "ssim") == 0;
		if (!c->ssim && compare_metric_parse(arg, &c->opts.metric) < 0)
			return cli_bad_value(err, "--metric", arg, "use yiq, oklab or ssim");
		break;
	case KEY_MIN_SSIM:
		if (cli_parse_real(arg, -1, 1, &c->min_ssim) < 0)
			return cli_bad_value(err, "--min-ssim", arg, "must be a number from -1 to 1");
		c->min_ssim_given = true;
		break;
	case KEY_THRESHOLD:
		if (cli_parse_real(arg, 0, 1, &c->opts.threshold) < 0)
			return cli_bad_value(err, "--threshold", arg, "must be a number from 0 to 1");
		break;
	case KEY_INCLUDE_AA: c->opts.include_aa = true; break;
	case KEY_DIFF_DIR: c->diff_dir = arg; break;
	case KEY_DIFF_ALL: c->diff_all = true; break;
	case KEY_DIFF_COLOR:
		if (parse_colour(arg, c->opts.diff_color) < 0)
			return cli_bad_value(err, "--diff-color", arg, "use white, black, #rgb, #rrggbb or R,G,B");
		break;
	case KEY_AA_COLOR:
		if (parse_colour(arg, c->opts.aa_color) < 0)
			return cli_bad_value(err, "--aa-color", arg, "use white, black, #rgb, #rrggbb or R,G,B");
		break;
	case KEY_DIFF_MASK: c->opts.diff_mask = true; break;
	case KEY_ALPHA:
		if (cli_parse_real(arg, 0, 1, &c->opts.alpha) < 0)
			return cli_bad_value(err, "--alpha", arg, "must be a number from 0 to 1");
		break;
	case KEY_ALLOW_MISSING: c->allow_missing = true; break;
	case KEY_ALLOW_NEW: c->allow_new = true; break;
	case KEY_UPDATE_GOLDEN: c->update_golden = true; break;
	case KEY_ALLOW_SIZE_CHANGE: c->allow_size_change = true; break;
	case KEY_JUNIT: c->junit = arg; break;
	case KEY_HTML: c->html = arg; break;
	case KEY_SERVE: c->serve = true; break;
	case KEY_IGNORE:
	case KEY_IGNORE_FILE:
	case KEY_MASK:
		return apply_ignore_option(c, key, arg, err);
	default: return apply_limit_option(c, key, arg, err);
	}
	return 0;
}

/* Diff images and reports never land in the trees compared (goldens
 * overwritten by a diff, a JUnit file or an HTML page). */
static int refuse_writes_into_inputs(const struct compare_settings *c, FILE *err)
{
	const char *const trees[] = { c->expected, c->actual };
	const struct { const char *what, *path; } writes[] = {
		{ "--diff-dir", c->diff_dir }, { "--junit", c->junit }, { "--html", c->html },
	};
	struct ib_error e;
	for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
		if (writes[i].path && disk_refuse_within(writes[i].what, writes[i].path, trees, 2,
							 &e) < 0) {
			fprintf(err, "imgbatch compare: %s\n", e.msg);
			return -1;
		}
	}
	return 0;
}

static int validate(struct job *job, FILE *err)
{
	struct stat a, b;
	struct compare_settings *c = job->settings;
	/* no limit given: not one pixel may differ */
	if (c->max_diff_pixels == UINT64_MAX && c->max_diff_ratio < 0)
		c->max_diff_pixels = 0;
	if (c->min_ssim_given && !c->ssim) {
		fputs("imgbatch compare: --min-ssim applies to --metric ssim\n", err);
		return -1;
	}
	if (c->serve)
		return compare_serve_validate(job, err);
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
	if (!c->dirs && (c->allow_missing || c->allow_new)) {
		fputs("imgbatch compare: --allow-missing and --allow-new apply to directories\n",
		      err);
		return -1;
	}
	if (refuse_writes_into_inputs(c, err) < 0)
		return -1;
	job->nroots = 1;          /* the scan walks the expected side */
	job->out_dir = c->diff_dir;
	/* Both sides alike: a folder of goldens reached through a symlink is
	 * compared, as the actual side's is (loops are detected). */
	job->follow_symlinks = true;
	return 0;
}

/* New images accepted by --update-golden are in the account already. */
static enum admit_verdict admit(const struct job *job, const struct wire_task *input,
				enum result_status *status, const char **reason)
{
	const struct compare_settings *cs = job->settings;
	(void)status;
	(void)reason;
	return keyset_contains(&cs->accepted_new, keyset_hash(input->path + input->rel_off))
		       ? ADMIT_ACCOUNTED : ADMIT_QUEUE;
}

static int first_outcomes(const struct job *job, struct account *acc, struct ib_error *err)
{
	const struct compare_settings *cs = job->settings;
	return cs->dirs ? compare_account_new(job, acc, err) : 0;
}

/* ---- the master's account of a pair ---- */

static const char *pair_status_name(const struct pair_outcome *p)
{
	if (p->not_started)
		return "not_started";
	switch (p->status) {
	case PAIR_PASS: return "pass";
	case PAIR_FAIL: return p->allowed ? "updated" : p->size_fail ? "size_differs" : "fail";
	case PAIR_MISSING: return "missing";
	case PAIR_NEW: return "new";
	default: return p->allowed ? "skipped" : "error";
	}
}

/* PSNR is infinite for identical images; JSON has no infinity. */
static void put_psnr(FILE *out, double psnr)
{
	if (isinf(psnr))
		fputs(",\"psnr\":null", out);
	else
		fprintf(out, ",\"psnr\":%.2f", psnr);
}

/* pixelmatch's numbers. */
static void put_pixelmatch(FILE *out, const struct pair_outcome *p, bool window)
{
	uint64_t pixels = (uint64_t)p->width * p->height;
	fprintf(out, ",\"diff_pixels\":%llu,\"diff_ratio\":%.6g,\"aa_pixels\":%llu,"
		"\"max_channel_diff\":%u", (unsigned long long)p->diff_pixels,
		(double)p->diff_pixels / (double)pixels, (unsigned long long)p->aa_pixels,
		p->max_channel_diff);
	put_psnr(out, p->psnr);
	if (window)
		fprintf(out, ",\"window_diff_pixels\":%llu", (unsigned long long)p->window_diff_pixels);
}

static void put_counts(FILE *out, const struct pair_outcome *p, bool window)
{
	fprintf(out, ",\"width\":%u,\"height\":%u", p->width, p->height);
	if (!p->has_ssim)
		put_pixelmatch(out, p, window);
	else
		fprintf(out, ",\"ssim\":%.8f", p->ssim);
	if (p->expected_width)
		fprintf(out, ",\"expected_width\":%u,\"expected_height\":%u,"
			"\"actual_width\":%u,\"actual_height\":%u", p->expected_width,
			p->expected_height, p->actual_width, p->actual_height);
	if (p->ignored_pixels)
		fprintf(out, ",\"ignored_pixels\":%llu", (unsigned long long)p->ignored_pixels);
}

void compare_write_pair_line(FILE *out, const void *ctx)
{
	const struct pair_line *l = ctx;
	const struct pair_outcome *p = l->pair;
	if (l->id)
		fprintf(out, "{\"id\":%s,", l->id);
	fprintf(out, "%s\"type\":\"pair\",\"status\":\"%s\",\"allowed\":%s", l->id ? "" : "{",
		pair_status_name(p), p->allowed ? "true" : "false");
	account_put_path(out, "name", p->name);
	if (p->expected)
		account_put_path(out, "expected", p->expected);
	if (p->actual)
		account_put_path(out, "actual", p->actual);
	if (p->diff)
		account_put_path(out, "diff", p->diff);
	if (p->reason[0]) {
		fputs(",\"reason\":", out);
		json_put_string(out, p->reason);
	}
	if (p->width)
		put_counts(out, p, l->window);
	fprintf(out, ",\"ms\":%.3f}\n", p->ms);
}

void compare_account_pair(const struct compare_settings *cs, struct account *acc,
			  enum result_status status, const struct pair_outcome *pair,
			  const struct wire_result *res)
{
	/* the master's own state, behind the job's const settings */
	struct compare_settings *state = (struct compare_settings *)cs;
	struct outcome oc = {
		.input = pair->expected ? pair->expected : pair->actual, .status = status,
		.reason = pair->reason, .res = res,
	};
	struct pair_line line = { .pair = pair, .window = cs->opts.window > 0 };
	account_count(acc, &oc);
	if (pair->status == PAIR_ERROR && !pair->allowed && !pair->not_started)
		state->pair_errors++;
	if ((cs->junit || cs->html) && pair_log_add(&state->pairs, pair) < 0)
		fputs("imgbatch: out of memory: a pair is missing from the reports\n", acc->err);
	account_emit(acc, compare_write_pair_line, &line);
}

void compare_describe_pair(const struct compare_settings *cs, const char *expected,
			   size_t rel_off, enum result_status status, const char *reason,
			   const struct wire_result *res, struct pair_outcome *p, char *actual,
			   size_t cap)
{
	struct ib_error err;
	struct pair_result r;

	memset(p, 0, sizeof *p);
	p->name = compare_pair_name(cs, expected, rel_off);
	p->expected = expected;
	p->reason = reason;
	p->psnr = INFINITY;
	p->status = PAIR_ERROR;
	p->allowed = status == RESULT_SKIPPED;
	p->not_started = status == RESULT_NOT_STARTED;
	if (compare_actual_path(cs, expected, rel_off, actual, cap, &err) == 0)
		p->actual = actual;
	if (!res)
		return;
	WIRE_PAYLOAD_GET(res, &r);
	p->status = (enum pair_status)r.status;
	p->allowed = r.allowed;
	if (p->status == PAIR_MISSING)
		p->actual = NULL;
	p->diff = res->output[0] ? res->output : NULL;
	p->width = r.width;
	p->height = r.height;
	p->diff_pixels = r.diff_pixels;
	p->aa_pixels = r.aa_pixels;
	p->window_diff_pixels = r.window_diff_pixels;
	p->ignored_pixels = r.ignored_pixels;
	p->size_fail = r.size_fail;
	p->has_ssim = !isnan(r.ssim);
	p->ssim = r.ssim;
	p->expected_width = r.expected_width;
	p->expected_height = r.expected_height;
	p->actual_width = r.actual_width;
	p->actual_height = r.actual_height;
	p->psnr = r.psnr;
	p->max_channel_diff = r.max_channel_diff;
	p->ms = (double)res->usec / 1000.0;
}

static void outcome(const struct job *job, struct account *acc, const char *input,
		    size_t rel_off, enum result_status status, const char *reason,
		    const struct wire_result *res)
{
	const struct compare_settings *cs = job->settings;
	char actual[2 * WIRE_MAX_PATH + 2];
	struct pair_outcome pair;
	compare_describe_pair(cs, input, rel_off, status, reason, res, &pair, actual, sizeof actual);
	compare_account_pair(cs, acc, status, &pair, res);
}

static int by_pair_name(const void *a, const void *b)
{
	return strcmp(((const struct pair_outcome *)a)->name,
		      ((const struct pair_outcome *)b)->name);
}

/* --junit/--html, pairs by name whatever order workers finished them in;
 * exit status 2 when one could not be written or an image not be read. */
static int finish(const struct job *job, struct account *acc)
{
	struct compare_settings *c = job->settings;
	double elapsed = clock_monotonic_seconds() - acc->start;
	struct ib_error err;
	int code = c->pair_errors ? 2 : 0;
	if (c->pairs.n)
		qsort(c->pairs.items, c->pairs.n, sizeof c->pairs.items[0], by_pair_name);
	if (c->junit && junit_write(c->junit, c->pairs.items, c->pairs.n, elapsed, &err) < 0) {
		fprintf(acc->err, "imgbatch: cannot write the JUnit report: %s\n", err.msg);
		code = 2;
	}
	if (c->html && html_report_write(c->html, c->pairs.items, c->pairs.n, &err) < 0) {
		fprintf(acc->err, "imgbatch: cannot write the HTML report: %s\n", err.msg);
		code = 2;
	}
	return code;
}

static void release(struct job *job)
{
	struct compare_settings *cs = job->settings;
	if (cs) {
		pair_log_free(&cs->pairs);
		keyset_free(&cs->accepted_new);
		ignore_free(&cs->ignore);
	}
	free(cs);
	job->settings = NULL;
}

const struct command compare_command = {
	.name = "compare",
	.invocation = "imgbatch compare",
	.summary = "compare images with pixelmatch's algorithm",
	.usage = usage,
	.groups = groups,
	.epilogue = epilogue,
	.item_noun = "pairs",
	.item_one = "pair",
	.done_word = "passed",
	.init = init,
	.apply_option = apply_option,
	.validate = validate,
	.first_outcomes = first_outcomes,
	.admit = admit,
	.worker_start = compare_worker_start,
	.run = compare_run,
	.outcome = outcome,
	.finish = finish,
	.release = release,
};
