/* The table of commands: the one place that knows them all. */
#include "config.h"
#include "command.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compare/compare.h"
#include "convert/convert.h"
#include "report/merge.h"
#include "thumbnail/thumbnail.h"

static int help_main(int argc, char **argv);
static int version_main(int argc, char **argv);

static const struct command help_command = {
	.name = "help", .invocation = "imgbatch help",
	.summary = "this help, or a command's: imgbatch help COMMAND", .main = help_main,
};

static const struct command version_command = {
	.name = "version", .invocation = "imgbatch version", .summary = "the version",
	.main = version_main,
};

const struct command *const commands[] = {
	&convert_command,
	&thumbnail_command,
	&compare_command,
	&report_command,
	&help_command,
	&version_command,
	NULL,
};

static const struct command *named(const char *name)
{
	for (const struct command *const *c = commands; *c; c++)
		if (strcmp(name, (*c)->name) == 0)
			return *c;
	return NULL;
}

/* imgbatch help [COMMAND]: convert's help (which lists the commands), or
 * the command's own. */
static int help_main(int argc, char **argv)
{
	const struct command *cmd = argc > 1 ? named(argv[1]) : commands[0];
	if (!cmd || argc > 2) {
		const char *near = argc > 1 ? command_misspelled(argv[1]) : NULL;
		fprintf(stderr, "imgbatch help: unknown command '%s'%s%s%s\n", argc > 1 ? argv[1] : "",
			near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
		return 2;
	}
	if (cmd->main) {
		char *args[] = { (char *)cmd->name, "--help", NULL };
		return cmd->main(2, args);
	}
	cli_print_help(cmd, stdout);
	return 0;
}

static int version_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("imgbatch %s\n", PACKAGE_VERSION);
	return 0;
}

const char *command_misspelled(const char *word)
{
	if (word[0] == '-' || named(word) || access(word, F_OK) == 0)
		return NULL;   /* an option, a command or an input */
	for (const struct command *const *c = commands + 1; *c; c++)
		if (cli_edit_distance(word, strlen(word), (*c)->name, strlen((*c)->name)) <= 2)
			return (*c)->name;
	return NULL;
}

const struct command *command_find(int *argc, char ***argv)
{
	if (*argc > 1) {
		for (const struct command *const *c = commands + 1; *c; c++) {
			if (strcmp((*argv)[1], (*c)->name) == 0) {
				(*argc)--;
				(*argv)++;
				return *c;
			}
		}
	}
	return commands[0];
}
