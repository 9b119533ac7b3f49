/*
 * The command line: option tables that serve both getopt and --help, the
 * parse loop every command shares, and the options every pool command
 * takes (inputs, running, reporting).  A command brings its own groups of
 * options and its apply_option (see command.h).
 */
#ifndef IMGBATCH_CLI_H
#define IMGBATCH_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "engine/job.h"

/* Keys of the options the engine handles; a command numbers its own from
 * CLI_KEY_COMMAND. */
enum cli_key {
	CLI_KEY_HELP = 'h',
	CLI_KEY_VERSION = 'V',
	CLI_KEY_JOBS = 'j',
	CLI_KEY_NULL = '0',
	CLI_KEY_FILES_FROM = 256,
	CLI_KEY_FOLLOW,
	CLI_KEY_CHUNK,
	CLI_KEY_TIMEOUT,
	CLI_KEY_MAX_MEMORY,
	CLI_KEY_MAX_INPUT_SIZE,
	CLI_KEY_MAX_FAILURES,
	CLI_KEY_SHARD,
	CLI_KEY_SHARD_COUNT,
	CLI_KEY_MANIFEST,
	CLI_KEY_QUIET,
	CLI_KEY_JSON,
	CLI_KEY_COMPLETION,
	CLI_KEY_COMMAND = 512,
};

/* One option: its getopt spelling and its --help entry. */
struct cli_option {
	const char *name;          /* long name, without "--" */
	int key;                   /* what apply_option receives */
	char short_name;           /* 0: none */
	const char *value;         /* NULL: a flag; "N", "DIR"...; "[=F]": optional */
	const char *help;          /* lines separated by '\n'; "%s" takes values() */
	/* The words the value may be, space-separated, computed at run time
	 * (for "%s" in help and for shell completion), or NULL. */
	const char *(*values)(void);
};

/* A titled group of options (title may be NULL); options end with a NULL
 * name. */
struct cli_group {
	const char *title;
	const struct cli_option *options;
};

/* The exit statuses of a command that makes outputs, for its --help. */
extern const char cli_exit_status_text[];

/* The groups every pool command ends its table with. */
extern const struct cli_group cli_inputs_group;
extern const struct cli_group cli_running_group;

/* What a command's apply_option returns for an option that printed what
 * was asked and ends the program with status 0 (--list-filters). */
#define CLI_OPTION_EXIT 2

enum cli_action {
	CLI_RUN = 0,
	CLI_EXIT_OK,      /* --help, --version or --completion printed */
	CLI_USAGE_ERROR,  /* message printed; exit 2 */
};

struct command;

/* Parses argv (the command's name already taken off: argv[0] is the
 * program or command name) into job for cmd; argv must outlive job.
 * Prints help to out and errors to err. */
enum cli_action cli_parse(const struct command *cmd, int argc, char **argv, struct job *job,
			  FILE *out, FILE *err);

/* Prints cmd's --help. */
void cli_print_help(const struct command *cmd, FILE *out);

/* "imgbatch: invalid OPTION 'VALUE': ALLOWED" on err; returns -1. */
int cli_bad_value(FILE *err, const char *option, const char *value, const char *allowed);

/* The Levenshtein distance of a[0..la) and b[0..lb) (SIZE_MAX past 63
 * bytes), for suggestions. */
size_t cli_edit_distance(const char *a, size_t la, const char *b, size_t lb);

/* Parses a byte count of at least min with an optional K, M or G suffix
 * (powers of 1024); 0 or -1. */
int cli_parse_size(const char *text, unsigned long long min, unsigned long long *out);

/* Parses a decimal fraction in [min, max]; 0 or -1. */
int cli_parse_real(const char *text, double min, double max, double *out);

#endif
