/* The table of commands: the one place that knows them all. */
#include "config.h"
#include "command.h"

#include <string.h>

#include "compare/compare.h"
#include "convert/convert.h"
#include "report/merge.h"
#include "thumbnail/thumbnail.h"

const struct command *const commands[] = {
	&convert_command,
	&thumbnail_command,
	&compare_command,
	&report_command,
	NULL,
};

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
