/* A pool command from its parsed job to its exit status: prepare, the
 * account, the pool, finish.  The engine's one entry point. */
#ifndef IMGBATCH_ENGINE_ENGINE_H
#define IMGBATCH_ENGINE_ENGINE_H

#include <stdio.h>

#include "engine/job.h"

/* Runs job (its command's hooks around the pool); returns the exit status:
 * 0, 1 (some input failed), 2 (setup failed, or the command says so) or
 * 130 (interrupted).  JSON lines go to out, everything else to err. */
int engine_run(struct job *job, FILE *out, FILE *err);

#endif
