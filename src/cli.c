#include "config.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "completion.h"
#include "util/number.h"

#define DEFAULT_TIMEOUT_S 120
#define DEFAULT_MAX_FAILURES 10
#define DEFAULT_MAX_INPUT_MIB 256
#define STR(x) #x
#define XSTR(x) STR(x)

const char cli_exit_status_text[] =
	"\n"
	"Exit status: 0 all done or skipped, 1 some files failed (or JSON lines or the\n"
	"manifest could not be written), 2 usage or setup error, 130 interrupted, 141\n"
	"the reader of --json went away.\n";

static const struct cli_option input_options[] = {
	{ "files-from", CLI_KEY_FILES_FROM, 0, "FILE",
	  "also read input paths from FILE ('-' = stdin), one a line", NULL },
	{ "null", CLI_KEY_NULL, '0', NULL,
	  "--files-from entries are NUL-separated (find -print0)", NULL },
	{ "follow-symlinks", CLI_KEY_FOLLOW, 0, NULL,
	  "descend into symlinked directories (loops are detected)", NULL },
	{ NULL, 0, 0, NULL, NULL, NULL },
};

const struct cli_group cli_inputs_group = { "Inputs:", input_options };

static const struct cli_option running_options[] = {
	{ "jobs", CLI_KEY_JOBS, 'j', "N", "worker processes (default: online CPUs)", NULL },
	{ "chunk", CLI_KEY_CHUNK, 0, "N|auto",
	  "inputs handed to a worker at once (default auto)", NULL },
	{ "timeout", CLI_KEY_TIMEOUT, 0, "SECONDS",
	  "an input taking longer fails; its worker is replaced\n"
	  "(default " XSTR(DEFAULT_TIMEOUT_S) "; 0: no limit)", NULL },
	{ "max-memory", CLI_KEY_MAX_MEMORY, 0, "SIZE",
	  "address space of each worker, e.g. 512M or 2G\n(default: no limit)", NULL },
	{ "max-input-size", CLI_KEY_MAX_INPUT_SIZE, 0, "SIZE",
	  "inputs larger than this fail before they are read\n"
	  "(default " XSTR(DEFAULT_MAX_INPUT_MIB) "M; 0: no limit)", NULL },
	{ "max-failures", CLI_KEY_MAX_FAILURES, 0, "N",
	  "stop after N outputs in a row fail to be written with\n"
	  "the same error, e.g. a full disk (default " XSTR(DEFAULT_MAX_FAILURES) "; 0: never)",
	  NULL },
	{ "shard", CLI_KEY_SHARD, 0, "K/N|auto",
	  "only the inputs of shard K of N (by a hash of each\n"
	  "path below its input root); auto: from a Slurm job\n"
	  "array or a Kubernetes Indexed Job", NULL },
	{ "shard-count", CLI_KEY_SHARD_COUNT, 0, "N",
	  "the N of --shard auto in a Kubernetes Indexed Job", NULL },
	{ "manifest", CLI_KEY_MANIFEST, 0, "FILE",
	  "append one JSON line per input (and the run's summary)\n"
	  "to FILE; merge shards' with imgbatch report", NULL },
	{ "quiet", CLI_KEY_QUIET, 0, NULL,
	  "print nothing when all went well; a failed input\n"
	  "prints one line (PATH: REASON) and nothing else", NULL },
	{ "json", CLI_KEY_JSON, 0, NULL,
	  "one JSON object per input on stdout, then a summary", NULL },
	{ "help", CLI_KEY_HELP, 'h', NULL, "this help", NULL },
	{ "version", CLI_KEY_VERSION, 'V', NULL, "version", NULL },
	{ "completion", CLI_KEY_COMPLETION, 0, "SHELL",
	  "print the completion script for SHELL: %s", completion_shells },
	{ NULL, 0, 0, NULL, NULL, NULL },
};

const struct cli_group cli_running_group = { "Running:", running_options };

int cli_bad_value(FILE *err, const char *option, const char *value, const char *allowed)
{
	fprintf(err, "imgbatch: invalid %s '%s': %s\n", option, value, allowed);
	return -1;
}

int cli_parse_real(const char *text, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (!text[0] || errno || *end || !(v >= min && v <= max))
		return -1;
	*out = v;
	return 0;
}

int cli_parse_size(const char *text, unsigned long long min, unsigned long long *out)
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

static void set_engine_defaults(struct job *job, const struct command *cmd)
{
	memset(job, 0, sizeof *job);
	job->command = cmd;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	job->jobs = cpus > 0 ? (unsigned)cpus : 1;
	job->timeout_s = DEFAULT_TIMEOUT_S;
	job->max_failures = DEFAULT_MAX_FAILURES;
	job->max_input_size = (uint64_t)DEFAULT_MAX_INPUT_MIB << 20;
}

/* The engine's options; 1 when key is not one of them, -1 after an error. */
static int apply_engine_option(struct job *job, int key, const char *arg, FILE *err)
{
	unsigned long long n;
	switch (key) {
	case CLI_KEY_FILES_FROM: job->files_from = arg; break;
	case CLI_KEY_NULL: job->nul_separated = true; break;
	case CLI_KEY_FOLLOW: job->follow_symlinks = true; break;
	case CLI_KEY_JOBS:
		if (number_parse(arg, 1, 1024, &n) < 0)
			return cli_bad_value(err, "--jobs", arg, "must be a whole number from 1 to 1024");
		job->jobs = (unsigned)n;
		break;
	case CLI_KEY_CHUNK:
		if (strcmp(arg, "auto") == 0)
			job->chunk = 0;
		else if (number_parse(arg, 1, 4096, &n) < 0)
			return cli_bad_value(err, "--chunk", arg, "use auto or a whole number from 1 to 4096");
		else
			job->chunk = (unsigned)n;
		break;
	case CLI_KEY_TIMEOUT:
		if (number_parse(arg, 0, 86400, &n) < 0)
			return cli_bad_value(err, "--timeout", arg, "must be a whole number of seconds "
					     "from 0 (no limit) to 86400");
		job->timeout_s = (unsigned)n;
		break;
	case CLI_KEY_MAX_MEMORY:
		if (cli_parse_size(arg, 64ull << 20, &n) < 0)
			return cli_bad_value(err, "--max-memory", arg, "must be a size of at least 64M, "
					     "such as 512M or 2G");
		job->max_memory = n;
		break;
	case CLI_KEY_MAX_INPUT_SIZE:
		if (strcmp(arg, "0") == 0)
			n = 0;
		else if (cli_parse_size(arg, 1, &n) < 0)
			return cli_bad_value(err, "--max-input-size", arg,
					     "must be a size such as 64M or 2G, or 0 for no limit");
		job->max_input_size = n;
		break;
	case CLI_KEY_MAX_FAILURES:
		if (number_parse(arg, 0, UINT_MAX, &n) < 0)
			return cli_bad_value(err, "--max-failures", arg, "must be a whole number >= 0");
		job->max_failures = (unsigned)n;
		break;
	case CLI_KEY_SHARD: job->shard_arg = arg; break;
	case CLI_KEY_SHARD_COUNT: job->shard_count_arg = arg; break;
	case CLI_KEY_MANIFEST: job->manifest = arg; break;
	case CLI_KEY_QUIET: job->progress = PROGRESS_QUIET; break;
	case CLI_KEY_JSON: job->json = true; break;
	default: return 1;
	}
	return 0;
}

/* ---- the tables: getopt's view and --help ---- */

#define CLI_MAX_OPTIONS 96

/* getopt_long's tables for cmd: long options and the short-option string. */
static void build_getopt_tables(const struct command *cmd, struct option *longs, char *shorts,
				size_t shorts_cap)
{
	size_t n = 0, ns = 0;
	shorts[ns++] = ':';   /* a missing value is told apart from an unknown option */
	for (const struct cli_group *const *g = cmd->groups; *g; g++) {
		for (const struct cli_option *o = (*g)->options; o->name; o++) {
			int has_arg = !o->value ? no_argument
				      : o->value[0] == '[' ? optional_argument : required_argument;
			if (n < CLI_MAX_OPTIONS)
				longs[n++] = (struct option){ o->name, has_arg, NULL, o->key };
			if (o->short_name && ns + 3 < shorts_cap) {
				shorts[ns++] = o->short_name;
				if (has_arg == required_argument)
					shorts[ns++] = ':';
			}
		}
	}
	longs[n] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';
}

/* One option's help: the left column is 25 characters wide. */
static void print_option(const struct cli_option *o, FILE *out)
{
	char left[64];
	int len = snprintf(left, sizeof left, "  %c%c%c --%s%s%s", o->short_name ? '-' : ' ',
			   o->short_name ? o->short_name : ' ', o->short_name ? ',' : ' ', o->name,
			   o->value && o->value[0] != '[' ? " " : "", o->value ? o->value : "");
	fprintf(out, "%-*s", len < 23 ? 25 : len + 2, left);
	const char *values = o->values ? o->values() : "";
	for (const char *p = o->help; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			fputs(values, out);
			p++;
		} else {
			putc(*p, out);
			if (*p == '\n')
				fprintf(out, "%25s", "");
		}
	}
	putc('\n', out);
}

void cli_print_help(const struct command *cmd, FILE *out)
{
	fputs(cmd->usage, out);
	for (const struct cli_group *const *g = cmd->groups; *g; g++) {
		if ((*g)->title)
			fprintf(out, "%s\n", (*g)->title);
		for (const struct cli_option *o = (*g)->options; o->name; o++)
			print_option(o, out);
	}
	fputs(cmd->epilogue, out);
}

/* ---- the parse loop ---- */

static int usage_error(const struct command *cmd, FILE *err)
{
	fprintf(err, "Try '%s --help'.\n", cmd->invocation);
	return CLI_USAGE_ERROR;
}

/* The option of cmd's tables called name (len bytes), or NULL. */
static const struct cli_option *find_option(const struct command *cmd, const char *name,
					    size_t len)
{
	for (const struct cli_group *const *g = cmd->groups; *g; g++)
		for (const struct cli_option *o = (*g)->options; o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
				return o;
	return NULL;
}

/* The option of cmd's tables closest to name (at most 2 edits away), or
 * NULL, for "did you mean". */
static const char *closest_option(const struct command *cmd, const char *name, size_t len)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (const struct cli_group *const *g = cmd->groups; *g; g++) {
		for (const struct cli_option *o = (*g)->options; o->name; o++) {
			size_t d = cli_edit_distance(name, len, o->name, strlen(o->name));
			if (d < best_d)
				best = o->name, best_d = d;
		}
	}
	return best;
}

/* An option getopt refused, named as the user typed it: unknown (with the
 * nearest one), missing its value, or given a value it takes none of. */
static void report_bad_option(const struct command *cmd, int opt, const char *typed, FILE *err)
{
	if (strncmp(typed, "--", 2) != 0) {
		fprintf(err, "%s: option -%c %s\n", cmd->invocation, optopt ? optopt : '?',
			opt == ':' ? "needs a value" : "is unknown");
		return;
	}
	const char *name = typed + 2;
	size_t len = strcspn(name, "=");
	const struct cli_option *o = find_option(cmd, name, len);
	const char *near = o ? NULL : closest_option(cmd, name, len);
	if (o && opt == ':')
		fprintf(err, "%s: option --%s needs a value\n", cmd->invocation, o->name);
	else if (o && name[len] == '=')
		fprintf(err, "%s: option --%s takes no value\n", cmd->invocation, o->name);
	else
		fprintf(err, "%s: unknown option --%.*s%s%s%s\n", cmd->invocation, (int)len, name,
			near ? "; did you mean --" : "", near ? near : "", near ? "?" : "");
}

size_t cli_edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t row[64];
	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

enum cli_action cli_parse(const struct command *cmd, int argc, char **argv, struct job *job,
			  FILE *out, FILE *err)
{
	struct option longs[CLI_MAX_OPTIONS + 1];
	char shorts[64];
	set_engine_defaults(job, cmd);
	if (cmd->init(job) < 0) {
		fputs("imgbatch: out of memory\n", err);
		return CLI_USAGE_ERROR;
	}
	build_getopt_tables(cmd, longs, shorts, sizeof shorts);
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (opt == CLI_KEY_HELP) {
			cli_print_help(cmd, out);
			return CLI_EXIT_OK;
		}
		if (opt == CLI_KEY_VERSION) {
			fprintf(out, "imgbatch %s\n", PACKAGE_VERSION);
			return CLI_EXIT_OK;
		}
		if (opt == CLI_KEY_COMPLETION)
			return completion_print(optarg, out, err) < 0 ? CLI_USAGE_ERROR : CLI_EXIT_OK;
		if (opt == '?' || opt == ':') {
			report_bad_option(cmd, opt, argv[optind - 1], err);
			return usage_error(cmd, err);
		}
		int r = apply_engine_option(job, opt, optarg, err);
		if (r > 0)
			r = cmd->apply_option(job, opt, optarg, out, err);
		if (r == CLI_OPTION_EXIT)
			return CLI_EXIT_OK;
		if (r < 0)
			return CLI_USAGE_ERROR;
	}
	job->roots = argv + optind;
	job->nroots = (unsigned)(argc - optind);
	struct ib_error e;
	if (job->shard_arg && shard_parse(job->shard_arg, job->shard_count_arg, &job->shard, &e) < 0) {
		cli_bad_value(err, "--shard", job->shard_arg, e.msg);
		return CLI_USAGE_ERROR;
	}
	if (job->nul_separated && !job->files_from) {
		fprintf(err, "%s: -0 applies to --files-from, which is missing\n", cmd->invocation);
		return usage_error(cmd, err);
	}
	if (cmd->validate(job, err) < 0)
		return usage_error(cmd, err);
	return CLI_RUN;
}
