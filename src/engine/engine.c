#include "config.h"
#include "engine/engine.h"

#include "command.h"
#include "engine/account.h"
#include "engine/pool.h"

/* The account and the pool, between the command's first outcomes and its
 * finish. */
static int run_accounted(struct job *job, struct account *acc, FILE *err)
{
	const struct command *cmd = job->command;
	struct ib_error e;
	if (job->manifest && account_open_manifest(acc, job->manifest, &e) < 0) {
		fprintf(err, "imgbatch: %s\n", e.msg);
		return 2;
	}
	if (cmd->first_outcomes && cmd->first_outcomes(job, acc, &e) < 0) {
		fprintf(err, "imgbatch: %s\n", e.msg);
		return 2;
	}
	struct pool_end end;
	if (pool_run(job, acc, &end) < 0)
		return 2;
	int command_code = cmd->finish ? cmd->finish(job, acc) : 0;
	int code = account_finish(acc, end.interrupted, end.scan_done);
	return code == 130 || !command_code ? code : command_code;
}

/* prepare, then the pool unless nothing is left to do. */
static int run_prepared(struct job *job, FILE *out, FILE *err)
{
	struct ib_error e;
	int prepared = job->command->prepare ? job->command->prepare(job, &e) : 0;
	if (prepared < 0) {
		fprintf(err, "imgbatch: %s\n", e.msg);
		return 2;
	}
	if (prepared > 0)
		return 0;
	struct account acc;
	account_init(&acc, job, out, err);
	int code = run_accounted(job, &acc, err);
	account_release(&acc);
	return code;
}

int engine_run(struct job *job, FILE *out, FILE *err)
{
	const struct command *cmd = job->command;
	int code = cmd->run_alone ? cmd->run_alone(job, err) : -1;
	if (code < 0)
		code = run_prepared(job, out, err);
	if (cmd->release)
		cmd->release(job);
	return code;
}
