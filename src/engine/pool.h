/*
 * The master: scans, hands chunks to a fork()ed worker pool, collects results
 * from the shared result pipe, respawns dead workers, handles Ctrl-C, and
 * gives every input found exactly one outcome.
 */
#ifndef IMGBATCH_ENGINE_POOL_H
#define IMGBATCH_ENGINE_POOL_H

#include "engine/job.h"
#include "engine/account.h"

/* Runs the whole batch; returns the exit code (0, 1, 2 or 130). */
int pool_run(const struct job *job, struct report *rep);

#endif
