/* imgbatch: argv -> its command -> the engine -> an exit status. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "command.h"
#include "engine/engine.h"

int main(int argc, char **argv)
{
	const char *near = argc > 1 ? command_misspelled(argv[1]) : NULL;
	if (near) {
		fprintf(stderr, "imgbatch: unknown command '%s'; did you mean '%s'?\n"
			"Try 'imgbatch help'.\n", argv[1], near);
		return 2;
	}
	const struct command *cmd = command_find(&argc, &argv);
	if (cmd->main)
		return cmd->main(argc, argv);
	struct job job;
	switch (cli_parse(cmd, argc, argv, &job, stdout, stderr)) {
	case CLI_EXIT_OK:
		break;
	case CLI_USAGE_ERROR:
		if (cmd->release)
			cmd->release(&job);
		return 2;
	case CLI_RUN:
		return engine_run(&job, stdout, stderr);
	}
	if (cmd->release)
		cmd->release(&job);
	return 0;
}
