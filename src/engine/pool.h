/*
 * The master: scans, hands chunks to a fork()ed worker pool, collects results
 * from the shared result pipe, respawns dead workers, handles Ctrl-C, and
 * gives every input found exactly one outcome (through its command's
 * outcome hook).
 */
#ifndef IMGBATCH_ENGINE_POOL_H
#define IMGBATCH_ENGINE_POOL_H

#include <stdbool.h>

#include "engine/account.h"
#include "engine/job.h"

/* How a run ended. */
struct pool_end {
	bool interrupted;   /* Ctrl-C, SIGTERM or SIGHUP */
	bool scan_done;     /* every input was found */
};

/* Runs the whole batch; 0, or -1 when the pool could not be set up (the
 * reason is printed, every input found so far is accounted for). */
int pool_run(const struct job *job, struct account *acc, struct pool_end *end);

#endif
