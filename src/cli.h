/* The command line: option tables, --help, validation into struct job. */
#ifndef IMGBATCH_CLI_H
#define IMGBATCH_CLI_H

#include <stdio.h>

#include "engine/job.h"

enum cli_action {
	CLI_RUN = 0,
	CLI_EXIT_OK,      /* --help or --version printed */
	CLI_USAGE_ERROR,  /* message printed; exit 2 */
};

/* Parses argv into job (argv must outlive job).  Prints errors to err. */
enum cli_action cli_parse(int argc, char **argv, struct job *job, FILE *out, FILE *err);

#endif
