/* The worker process: read a chunk, run each task, send one result per task
 * in chunk order, until the task pipe closes. */
#ifndef IMGBATCH_ENGINE_WORKER_H
#define IMGBATCH_ENGINE_WORKER_H

#include "engine/job.h"

/* Never returns.  Exits 0 when the master closes task_fd. */
void worker_main(const struct job *job, int task_fd, int result_fd, int out_root_fd)
	__attribute__((noreturn));

#endif
