#include "config.h"
#include "engine/worker.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "disk/atomic.h"
#include "engine/wire.h"
#include "util/clock.h"

/* SIGTERM from the master (Ctrl-C, shutdown): remove the temp file of the
 * write in progress, then die of the same signal so the master sees why. */
static void on_terminate(int sig)
{
	atomic_cleanup_on_signal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_worker_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_terminate;
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	/* The terminal's Ctrl-C reaches the whole process group; the master
	 * decides what happens to the work in hand. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	/* Past RLIMIT_FSIZE, write() then fails with EFBIG: a clean failure of
	 * one file instead of a dead worker. */
	sigaction(SIGXFSZ, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * A worker allocates and frees the same few buffers file after file.  By
 * default glibc trims the heap's free top after each file (past 128 KB)
 * and takes page faults growing it again for the next: 100,000 faults for
 * 5,000 small PNGs, against 500 without.  Blocks up to 32 MB (glibc's own
 * ceiling for its adaptive mmap threshold, which setting these options
 * turns off) come from the heap, and up to 64 MB of free heap are kept.
 */
static void keep_freed_memory(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

/* The worker's pid, read once: glibc does not cache getpid(), so reading
 * it for every result was one system call a file more. */
static int32_t worker_pid;

/* One input through the command's run hook, timed; the result goes to the
 * master. */
static void run_one(const struct command *cmd, void *state, const struct wire_task *task,
		    int result_fd)
{
	static struct wire_result res;
	uint64_t start = clock_monotonic_us();
	wire_result_init(&res, task->id);
	res.worker_pid = worker_pid;
	cmd->run(state, task, &res);
	res.usec = clock_monotonic_us() - start;
	if (wire_result_send(result_fd, &res) < 0)
		_exit(4);  /* the master is gone */
}

void worker_main(const struct job *job, int task_fd, int result_fd, int out_root_fd)
{
	const struct command *cmd = job->command;
	install_worker_signals();
	keep_freed_memory();
	worker_pid = (int32_t)getpid();
	static struct wire_chunk chunk;
	static char path[WIRE_MAX_PATH + 1];
	void *state = cmd->worker_start ? cmd->worker_start(job, out_root_fd) : NULL;
	int status = 0;
	for (;;) {
		struct ib_error err;
		int r = wire_chunk_receive(task_fd, &chunk, &err);
		if (r == 0)
			break;
		if (r < 0) {
			status = 3;
			break;
		}
		size_t offset = 0;
		struct wire_task task;
		while ((r = wire_chunk_next(&chunk, &offset, path, &task, &err)) == 1)
			run_one(cmd, state, &task, result_fd);
		if (r < 0) {
			status = 3;
			break;
		}
	}
	if (cmd->worker_stop)
		cmd->worker_stop(state);
	_exit(status);
}
