/* The command line of every command: cli_parse into struct job and the
 * command's settings, --help from the same tables getopt reads, and the
 * usage errors (exit status 2) with their messages. */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "command.h"
#include "compare/compare.h"
#include "convert/convert.h"
#include "thumbnail/thumbnail.h"
#include "tests/check_main.h"

/* One parse: argv from the arguments, what went to out and err. */
struct parse {
	struct job job;
	enum cli_action action;
	char *out, *err;
	size_t out_len, err_len;
	char *argv[32];
};

/* Parses "imgbatch ARGS..." (args NULL-terminated). */
static void parse_args(struct parse *p, const char *const *args)
{
	int argc = 0;
	memset(p, 0, sizeof *p);
	p->argv[argc++] = "imgbatch";
	for (; *args && argc < 31; args++)
		p->argv[argc++] = (char *)*args;
	p->argv[argc] = NULL;
	char **argv = p->argv;
	const struct command *cmd = command_find(&argc, &argv);
	FILE *out = open_memstream(&p->out, &p->out_len);
	FILE *err = open_memstream(&p->err, &p->err_len);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(err);
	p->action = cli_parse(cmd, argc, argv, &p->job, out, err);
	fclose(out);
	fclose(err);
}

#define PARSE(p, ...) parse_args((p), (const char *const[]){ __VA_ARGS__, NULL })

static void release(struct parse *p)
{
	if (p->job.command && p->job.command->release)
		p->job.command->release(&p->job);
	free(p->out);
	free(p->err);
}

/* The arguments are refused with exit status 2 and a message. */
static void check_usage_error(const char *expected_message, const char *const *args)
{
	struct parse p;
	parse_args(&p, args);
	ck_assert_int_eq(p.action, CLI_USAGE_ERROR);
	ck_assert_msg(strstr(p.err, expected_message), "stderr '%s' lacks '%s'", p.err,
		      expected_message);
	ck_assert_uint_eq(p.out_len, 0);
	release(&p);
}

#define USAGE_ERROR(message, ...) \
	check_usage_error((message), (const char *const[]){ __VA_ARGS__, NULL })

START_TEST(test_convert_defaults_and_operands)
{
	struct parse p;
	PARSE(&p, "-o", "out", "a.jpg", "dir");
	ck_assert_int_eq(p.action, CLI_RUN);
	ck_assert_ptr_eq(p.job.command, &convert_command);
	ck_assert_str_eq(p.job.out_dir, "out");
	ck_assert_uint_eq(p.job.nroots, 2);
	ck_assert_str_eq(p.job.roots[0], "a.jpg");
	ck_assert_str_eq(p.job.roots[1], "dir");
	ck_assert_uint_eq(p.job.timeout_s, 120);
	ck_assert_uint_eq(p.job.max_failures, 10);
	const struct convert_settings *cs = p.job.settings;
	ck_assert_int_eq(cs->quality, 85);
	ck_assert_int_eq(cs->compression, 6);
	ck_assert_int_eq(cs->format, FORMAT_UNKNOWN);
	ck_assert(cs->px.auto_orient);
	ck_assert_uint_eq(cs->px.nsteps, 0);
	ck_assert_uint_eq(cs->px.branch, 0);
	ck_assert_str_eq(p.err, "");
	release(&p);
}
END_TEST

START_TEST(test_convert_options_reach_the_settings)
{
	struct parse p;
	PARSE(&p, "-o", "o", "-j", "3", "--chunk", "7", "-q", "70", "--format", "png",
	      "-r", "100x100^", "--crop", "-f", "grayscale", "--no-auto-orient", "--json",
	      "--quiet", "--timeout", "0", "--max-memory", "1G", "--shard", "2/5", "x");
	ck_assert_int_eq(p.action, CLI_RUN);
	const struct convert_settings *cs = p.job.settings;
	ck_assert_uint_eq(p.job.jobs, 3);
	ck_assert_uint_eq(p.job.chunk, 7);
	ck_assert_int_eq(cs->quality, 70);
	ck_assert_int_eq(cs->format, FORMAT_PNG);
	ck_assert_uint_eq(cs->px.nsteps, 2);
	ck_assert_int_eq(cs->px.steps[0].kind, STEP_RESIZE);
	ck_assert_int_eq(cs->px.steps[1].kind, STEP_FILTER);
	ck_assert_uint_eq(cs->px.branch, 2);     /* no list of sizes: after the last step */
	ck_assert(cs->px.crop);
	ck_assert(!cs->px.auto_orient);
	ck_assert(p.job.json);
	ck_assert_int_eq(p.job.progress, PROGRESS_QUIET);
	ck_assert_uint_eq(p.job.timeout_s, 0);
	ck_assert_uint_eq(p.job.max_memory, 1ull << 30);
	ck_assert_uint_eq(p.job.shard.index, 2);
	ck_assert_uint_eq(p.job.shard.count, 5);
	release(&p);
}
END_TEST

START_TEST(test_size_list_branches)
{
	struct parse p;
	PARSE(&p, "-o", "o", "-f", "invert", "-r", "480,960,1920", "--name", "{stem}-{w}.{ext}",
	      "x");
	ck_assert_int_eq(p.action, CLI_RUN);
	const struct convert_settings *cs = p.job.settings;
	ck_assert_uint_eq(cs->px.nsizes, 3);
	ck_assert_uint_eq(cs->px.branch, 1);
	ck_assert_int_eq(cs->px.sizes[2].width, 1920);
	release(&p);
}
END_TEST

START_TEST(test_convert_usage_errors)
{
	USAGE_ERROR("say where outputs go: -o DIR", "x");
	USAGE_ERROR("-o and --in-place exclude each other", "-o", "o", "--in-place", "x");
	USAGE_ERROR("no inputs", "-o", "o");
	USAGE_ERROR("invalid --quality '101'", "-o", "o", "-q", "101", "x");
	USAGE_ERROR("invalid --jobs '0'", "-o", "o", "-j", "0", "x");
	USAGE_ERROR("invalid --max-memory '1M'", "-o", "o", "--max-memory", "1M", "x");
	USAGE_ERROR("a list of sizes needs {w} or {h}", "-o", "o", "-r", "1,2", "x");
	USAGE_ERROR("--crop needs a -r geometry", "-o", "o", "--crop", "-r", "50%", "x");
	USAGE_ERROR("-0 applies to --files-from", "-o", "o", "-0", "x");
	USAGE_ERROR("invalid --shard", "-o", "o", "--shard", "5/4", "x");
	USAGE_ERROR("option -r needs a value", "-o", "o", "x", "-r");
	USAGE_ERROR("option -Z is unknown", "-Z");
	USAGE_ERROR("Try 'imgbatch --help'", "-Z");
	USAGE_ERROR("unknown option --bogus", "--bogus");
	USAGE_ERROR("option --update takes no value", "-o", "o", "--update=1", "x");
	USAGE_ERROR("invalid --crop '1': --crop takes no value but =smart", "-o", "o", "--crop=1", "x");
	USAGE_ERROR("option --output needs a value", "x", "--output");
	USAGE_ERROR("unknown option --qualty; did you mean --quality?", "--qualty=5", "x");
	USAGE_ERROR("imgbatch compare: option -q is unknown", "compare", "-q", "a", "b");
	USAGE_ERROR("invalid --format 'gif'", "--format", "gif");
}
END_TEST

START_TEST(test_thumbnail_plans_one_step_per_size)
{
	struct parse p;
	PARSE(&p, "thumbnail", "--size", "normal,x-large", "--embedded", "pics");
	ck_assert_int_eq(p.action, CLI_RUN);
	ck_assert_ptr_eq(p.job.command, &thumbnail_command);
	const struct thumbnail_settings *ts = p.job.settings;
	ck_assert_uint_eq(ts->px.nsteps, 1);
	ck_assert_uint_eq(ts->px.nsizes, 2);
	ck_assert_int_eq(ts->px.sizes[0].width, 128);
	ck_assert_int_eq(ts->px.sizes[1].width, 512);
	ck_assert(ts->px.embedded);
	ck_assert(!ts->clean);
	release(&p);

	PARSE(&p, "thumbnail", "--clean");   /* --clean alone needs no input */
	ck_assert_int_eq(p.action, CLI_RUN);
	ts = p.job.settings;
	ck_assert(ts->clean);
	ck_assert_uint_eq(ts->px.nsizes, 0);      /* one size: no list */
	ck_assert_int_eq(ts->px.sizes[0].width, 256);
	release(&p);
}
END_TEST

START_TEST(test_thumbnail_usage_errors)
{
	USAGE_ERROR("imgbatch thumbnail: no inputs", "thumbnail");
	USAGE_ERROR("invalid --size 'huge'", "thumbnail", "--size", "huge", "x");
	/* convert's options are not thumbnail's */
	USAGE_ERROR("Try 'imgbatch thumbnail --help'", "thumbnail", "-o", "out", "x");
}
END_TEST

START_TEST(test_compare_two_files_and_dirs)
{
	struct parse p;
	PARSE(&p, "compare", "--max-diff-ratio", "0.5", "--metric", "oklab", "--diff-dir", "d",
	      "/etc/passwd", "/etc/passwd");
	ck_assert_int_eq(p.action, CLI_RUN);
	const struct compare_settings *cs = p.job.settings;
	ck_assert(!cs->dirs);
	ck_assert_uint_eq(p.job.nroots, 1);        /* the scan walks the expected side */
	ck_assert_str_eq(p.job.out_dir, "d");      /* diff images are the outputs */
	ck_assert_double_eq(cs->max_diff_ratio, 0.5);
	ck_assert_int_eq(cs->opts.metric, METRIC_OKLAB);
	release(&p);

	PARSE(&p, "compare", "/", "/");
	ck_assert_int_eq(p.action, CLI_RUN);
	cs = p.job.settings;
	ck_assert(cs->dirs);
	ck_assert_uint_eq(cs->max_diff_pixels, 0);  /* no limit given: none may differ */
	release(&p);
}
END_TEST

START_TEST(test_compare_usage_errors)
{
	USAGE_ERROR("give EXPECTED and ACTUAL", "compare", "one");
	USAGE_ERROR("cannot read /nonexistent", "compare", "/nonexistent", "/");
	USAGE_ERROR("must both be files or both directories", "compare",
			   "/", "/etc/passwd");
	USAGE_ERROR("--allow-missing and --allow-new apply to directories", "compare",
			   "--allow-new", "/etc/passwd", "/etc/passwd");
	USAGE_ERROR("invalid --threshold '2'", "compare", "--threshold", "2", "a", "b");
	/* compare reads no --files-from */
	USAGE_ERROR("Try 'imgbatch compare --help'", "compare", "--files-from", "f", "a",
			   "b");
}
END_TEST

START_TEST(test_help_and_version)
{
	struct parse p;
	PARSE(&p, "--version");
	ck_assert_int_eq(p.action, CLI_EXIT_OK);
	ck_assert_str_eq(p.out, "imgbatch " PACKAGE_VERSION "\n");
	release(&p);
	PARSE(&p, "--list-filters=markdown");
	ck_assert_int_eq(p.action, CLI_EXIT_OK);
	ck_assert_ptr_nonnull(strstr(p.out, "grayscale"));
	release(&p);
	USAGE_ERROR("invalid --list-filters 'pdf'", "--list-filters=pdf");
}
END_TEST

/* Whether getopt takes option o of command c (with a value when it needs
 * one): whatever validation then says, it is not "unknown". */
static void check_accepted(const struct command *c, const struct cli_option *o,
			   const char *spelled)
{
	const char *args[4] = { NULL };
	int n = 0;
	if (c != commands[0])
		args[n++] = c->name;
	args[n++] = spelled;
	if (o->value && o->value[0] != '[')
		args[n++] = "1";
	struct parse p;
	parse_args(&p, args);
	ck_assert_msg(!strstr(p.err, "unknown option") && !strstr(p.err, "is unknown") &&
		      !strstr(p.err, "needs a value"),
		      "%s %s: %s", c->name, spelled, p.err);
	release(&p);
}

/* Every option of a command's tables is in its --help and accepted by
 * getopt: the two come from the same table. */
START_TEST(test_help_lists_what_getopt_accepts)
{
	for (const struct command *const *c = commands; *c; c++) {
		if ((*c)->main)
			continue;   /* report parses its own arguments */
		struct parse help;
		if (*c == commands[0])
			PARSE(&help, "--help");
		else
			PARSE(&help, (*c)->name, "--help");
		ck_assert_int_eq(help.action, CLI_EXIT_OK);
		ck_assert_ptr_nonnull(strstr(help.out, "Usage: imgbatch"));
		for (const struct cli_group *const *g = (*c)->groups; *g; g++) {
			for (const struct cli_option *o = (*g)->options; o->name; o++) {
				char spelled[64];
				snprintf(spelled, sizeof spelled, "--%s", o->name);
				ck_assert_msg(strstr(help.out, spelled), "%s --help lacks %s",
					      (*c)->name, spelled);
				check_accepted(*c, o, spelled);
			}
		}
		release(&help);
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_convert_defaults_and_operands);
	tcase_add_test(tc, test_convert_options_reach_the_settings);
	tcase_add_test(tc, test_size_list_branches);
	tcase_add_test(tc, test_convert_usage_errors);
	tcase_add_test(tc, test_thumbnail_plans_one_step_per_size);
	tcase_add_test(tc, test_thumbnail_usage_errors);
	tcase_add_test(tc, test_compare_two_files_and_dirs);
	tcase_add_test(tc, test_compare_usage_errors);
	tcase_add_test(tc, test_help_and_version);
	tcase_add_test(tc, test_help_lists_what_getopt_accepts);
	suite_add_tcase(s, tc);
	return s;
}

