/* imgbatch: argv -> job -> the pool -> an exit code. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "pool.h"
#include "report.h"

int main(int argc, char **argv)
{
	struct job job;
	switch (cli_parse(argc, argv, &job, stdout, stderr)) {
	case CLI_EXIT_OK:
		return 0;
	case CLI_USAGE_ERROR:
		return 2;
	case CLI_RUN:
		break;
	}
	struct report rep;
	report_init(&rep, &job, stdout, stderr);
	int code = pool_run(&job, &rep);
	report_release(&rep);
	return code;
}
