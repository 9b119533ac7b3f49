#include "config.h"
#include "engine/pool.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "disk/atomic.h"
#include "disk/runmark.h"
#include "engine/chunk.h"
#include "engine/scan.h"
#include "engine/wire.h"
#include "engine/worker.h"
#include "util/clock.h"
#include "util/text.h"

/* How many scanned tasks may wait for a worker: the master's memory bound
 * (plus the chunks in flight). */
#define QUEUE_MAX 4096
/* Scan entries examined between two polls, so results never wait long. */
#define SCAN_STEP 256
/* A worker past its deadline gets SIGTERM (it removes its temp file), then
 * SIGKILL this much later if it is still there. */
#define TIMEOUT_KILL_GRACE_MS 2000
/* A service (a feed) told to end by SIGTERM answers what it has read and lets
 * the items in its workers' hands finish for this long, then stops them: a
 * service manager waits a bounded time for it. */
#define DRAIN_GRACE_MS 1500

struct pending {
	uint64_t id;
	char *path;
	size_t rel_off, root_off;
	bool named;             /* given by name (see scan_item) */
};

/* A FIFO of tasks; re-queued tasks go back to the front. */
struct queue {
	struct pending *items;
	size_t head, len, cap;
};

struct slot {
	pid_t pid;              /* 0 when no worker runs in this slot */
	int task_fd;            /* write end of this worker's task pipe */
	struct pending *chunk;  /* tasks sent, in order */
	size_t chunk_len, reported;
	uint64_t busy_since_ms; /* when its current task began (chunk sent, last result) */
	uint64_t chunk_sent_us; /* when its chunk was sent */
	uint64_t timed_out_ms;  /* when the watchdog stopped it; 0 if it did not */
	size_t timed_out_task;  /* the chunk index it was on then */
};

struct pool {
	const struct job *job;
	struct account *acc;
	struct slot *slots;
	unsigned nslots;
	int result_rd, result_wr;
	int out_root_fd;
	struct wire_result_reader reader;
	struct queue queue;
	struct scan *scan;          /* NULL with a feed (job->feed) */
	bool scan_done;             /* every input was found (the feed's end) */
	bool feed_waiting;          /* the feed had no input ready: poll its fd */
	bool stopping;
	uint64_t drain_since_ms;    /* a feed's SIGTERM: when draining began; 0 if not */
	uint64_t next_id;
	pid_t master_pid;
	char run_id[RUNMARK_ID_MAX];
	int run_mark_fd;            /* our mark in -o, locked while we run */
	/* --max-failures: identical write errors in a row */
	int last_write_errno;
	unsigned write_failures_in_row;
	bool giving_up;             /* too many: start no more files */
	bool lost_busy_worker;      /* one died mid-file: its temp file may remain */
};

static uint64_t now_ms(void)
{
	return clock_monotonic_us() / 1000u;
}

/* ---- signals: handlers only set flags and wake poll() via a self-pipe ---- */

static volatile sig_atomic_t got_stop_signal;
static volatile sig_atomic_t got_child;
static int signal_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;
	if (sig == SIGCHLD)
		got_child = 1;
	else
		got_stop_signal = sig;
	ssize_t ignored = write(signal_pipe[1], "", 1);
	(void)ignored;
	errno = saved;
}

static int set_cloexec_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static int install_master_signals(void)
{
	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -1;
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	/* a closed stdout and a manifest past RLIMIT_FSIZE are write errors
	 * the account reports (EPIPE, EFBIG), not deaths */
	if (sigaction(SIGXFSZ, &sa, NULL) < 0)
		return -1;
	return sigaction(SIGPIPE, &sa, NULL);
}

static void drain_signal_pipe(void)
{
	char buf[64];
	while (read(signal_pipe[0], buf, sizeof buf) > 0)
		;
}

/* ---- the task queue ---- */

static int queue_grow(struct queue *q)
{
	size_t cap = q->cap ? q->cap * 2 : 256;
	struct pending *items = malloc(cap * sizeof *items);
	if (!items)
		return -1;
	for (size_t i = 0; i < q->len; i++)
		items[i] = q->items[(q->head + i) % q->cap];
	free(q->items);
	q->items = items;
	q->head = 0;
	q->cap = cap;
	return 0;
}

static int queue_push_back(struct queue *q, struct pending p)
{
	if (q->len == q->cap && queue_grow(q) < 0)
		return -1;
	q->items[(q->head + q->len) % q->cap] = p;
	q->len++;
	return 0;
}

static int queue_push_front(struct queue *q, struct pending p)
{
	if (q->len == q->cap && queue_grow(q) < 0)
		return -1;
	q->head = (q->head + q->cap - 1) % q->cap;
	q->items[q->head] = p;
	q->len++;
	return 0;
}

static struct pending queue_pop(struct queue *q)
{
	struct pending p = q->items[q->head];
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return p;
}

/* ---- accounting ---- */

/* One input's end, told to its command. */
static void account(struct pool *pool, const struct pending *task, enum result_status status,
		    const char *reason, const struct wire_result *res)
{
	pool->job->command->outcome(pool->job, pool->acc, task->path, task->rel_off, status,
				    reason ? reason : "", res);
}

static void account_and_free(struct pool *pool, struct pending *task, enum result_status status,
			     const char *reason)
{
	account(pool, task, status, reason, NULL);
	free(task->path);
	task->path = NULL;
}

#define GAVE_UP_REASON "outputs kept failing to be written (--max-failures)"


/* Asks the command what becomes of a scanned input. */
static enum admit_verdict admit(struct pool *pool, const struct scan_item *item,
				enum result_status *status, const char **reason)
{
	const struct command *cmd = pool->job->command;
	if (item->kind != SCAN_FILE || pool->giving_up || !cmd->admit)
		return ADMIT_QUEUE;
	struct wire_task input = {
		.path = item->path, .rel_off = item->rel_off, .root_off = item->root_off,
		.named = item->named,
	};
	return cmd->admit(pool->job, &input, status, reason);
}

static void take_scan_item(struct pool *pool, const struct scan_item *item)
{
	enum result_status status = RESULT_FAILED;
	const char *reason = NULL;
	if (!shard_owns(&pool->job->shard, item->path + item->rel_off))
		return;  /* another shard's: not in this run's account */
	enum admit_verdict verdict = admit(pool, item, &status, &reason);
	if (verdict == ADMIT_ACCOUNTED)
		return;
	account_seen(pool->acc);
	struct pending task = {
		.id = pool->next_id++, .rel_off = item->rel_off, .root_off = item->root_off,
		.named = item->named,
	};
	task.path = strdup(item->path);
	if (!task.path) {
		struct pending tmp = { .path = (char *)item->path };
		account(pool, &tmp, RESULT_FAILED, "out of memory in the master", NULL);
		return;
	}
	if (item->kind != SCAN_FILE)
		account_and_free(pool, &task, item->kind == SCAN_SKIP ? RESULT_SKIPPED : RESULT_FAILED,
				 item->reason);
	else if (pool->giving_up)
		account_and_free(pool, &task, RESULT_NOT_STARTED, GAVE_UP_REASON);
	else if (verdict == ADMIT_ACCOUNT)
		account_and_free(pool, &task, status, reason);
	else if (queue_push_back(&pool->queue, task) < 0)
		account_and_free(pool, &task, RESULT_FAILED, "out of memory in the master");
}

/* Whether the queue takes more inputs (see input_feed.ahead). */
static bool queue_has_room(const struct pool *pool)
{
	const struct input_feed *feed = pool->job->feed;
	return pool->queue.len < (feed && feed->ahead ? feed->ahead : QUEUE_MAX);
}

/* The next input from the feed or the scan: 1, 0 (the feed has none
 * ready) or -1 (no more inputs). */
static int next_input(struct pool *pool, struct scan_item *item)
{
	const struct input_feed *feed = pool->job->feed;
	if (feed)
		return feed->next(feed->ctx, item);
	return scan_next(pool->scan, item) ? 1 : -1;
}

static void scan_some(struct pool *pool)
{
	pool->feed_waiting = false;
	for (int i = 0; i < SCAN_STEP && !pool->scan_done && queue_has_room(pool); i++) {
		struct scan_item item;
		int got = next_input(pool, &item);
		if (got < 0)
			pool->scan_done = true;
		else if (got > 0)
			take_scan_item(pool, &item);
		else {
			pool->feed_waiting = true;
			return;
		}
	}
}

/* The feed's fd while the master waits for it to have input, else -1. */
static int feed_fd_to_poll(const struct pool *pool)
{
	bool room = !pool->stopping && !pool->scan_done && queue_has_room(pool);
	return pool->job->feed && room ? pool->job->feed->fd : -1;
}

/* ---- workers ---- */

static void close_slot_fds_in_child(struct pool *pool, int keep)
{
	for (unsigned i = 0; i < pool->nslots; i++)
		if (pool->slots[i].task_fd >= 0 && pool->slots[i].task_fd != keep)
			close(pool->slots[i].task_fd);
	close(pool->result_rd);
	close(signal_pipe[0]);
	close(signal_pipe[1]);
	if (pool->run_mark_fd >= 0)
		close(pool->run_mark_fd);  /* the mark's lock must die with the master */
}

/* --max-memory: the worker's allocations beyond it fail (and become an
 * "out of memory" result) instead of dragging the machine into swap. */
static void limit_worker_memory(uint64_t bytes)
{
	struct rlimit rl;
	if (!bytes || getrlimit(RLIMIT_AS, &rl) < 0)
		return;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > bytes)
		rl.rlim_cur = (rlim_t)bytes;
	setrlimit(RLIMIT_AS, &rl);
}

static int spawn_worker(struct pool *pool, struct slot *slot)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	/* The child inherits stdio's buffers: lines still in them would be
	 * written twice should it ever flush them (valgrind's __libc_freeres
	 * does, as the worker exits). */
	account_flush_lines(pool->acc, false);
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);  /* the child installs its own handlers first */
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[1]);
		close_slot_fds_in_child(pool, -1);
		/* Die with the master: SIGTERM lets the worker remove its temp file. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != pool->master_pid)
			_exit(1);
		limit_worker_memory(pool->job->max_memory);
		worker_main(pool->job, fds[0], pool->result_wr, pool->out_root_fd);
	}
	int saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		errno = saved;
		return -1;
	}
	slot->pid = pid;
	slot->task_fd = fds[1];
	slot->chunk_len = slot->reported = 0;
	slot->timed_out_ms = 0;
	return 0;
}

static bool slot_idle(const struct slot *slot)
{
	return slot->pid > 0 && slot->reported == slot->chunk_len;
}

static void dispatch_to(struct pool *pool, struct slot *slot)
{
	/* A feed's inputs are requests someone waits for: each goes out as soon
	 * as a worker is free, never held back behind another in a chunk. */
	size_t requested = pool->job->chunk ? pool->job->chunk : pool->job->feed ? 1 : 0;
	size_t n = chunk_next_size(requested, pool->queue.len, pool->scan_done, pool->nslots);
	static struct wire_chunk chunk;
	wire_chunk_init(&chunk);
	slot->chunk_len = slot->reported = 0;
	while (slot->chunk_len < n) {
		struct pending *next = &pool->queue.items[pool->queue.head];
		struct wire_task task = {
			.id = next->id, .path = next->path, .rel_off = next->rel_off,
			.root_off = next->root_off, .named = next->named,
		};
		if (wire_chunk_add(&chunk, &task) < 0) {
			if (slot->chunk_len > 0)
				break;  /* chunk full: send what fits */
			struct pending bad = queue_pop(&pool->queue);
			account_and_free(pool, &bad, RESULT_FAILED, "path too long");
			if (pool->queue.len == 0)
				return;
			continue;
		}
		slot->chunk[slot->chunk_len++] = queue_pop(&pool->queue);
	}
	slot->chunk_sent_us = clock_monotonic_us();
	slot->busy_since_ms = slot->chunk_sent_us / 1000u;
	if (slot->chunk_len > 0 && wire_chunk_send(slot->task_fd, &chunk) < 0) {
		/* The worker is dead but not yet reaped: its tasks never started. */
		while (slot->chunk_len > slot->reported)
			queue_push_front(&pool->queue, slot->chunk[--slot->chunk_len]);
	}
}

static void dispatch(struct pool *pool)
{
	for (unsigned i = 0; i < pool->nslots && pool->queue.len > 0; i++)
		if (slot_idle(&pool->slots[i]))
			dispatch_to(pool, &pool->slots[i]);
}

static struct slot *slot_of_pid(struct pool *pool, pid_t pid)
{
	for (unsigned i = 0; i < pool->nslots; i++)
		if (pool->slots[i].pid == pid)
			return &pool->slots[i];
	return NULL;
}

/* --max-failures: a full disk or a read-only output fails every file the
 * same way; after N in a row, start no more files instead of churning
 * through a million of them.  The queue and the rest of the scan are
 * accounted as skipped. */
static void note_write_outcome(struct pool *pool, const struct wire_result *res)
{
	if (res->status == RESULT_DONE) {
		pool->write_failures_in_row = 0;
		return;
	}
	if (res->status != RESULT_FAILED || !res->write_errno)
		return;
	if (res->write_errno != pool->last_write_errno) {
		pool->last_write_errno = res->write_errno;
		pool->write_failures_in_row = 0;
	}
	unsigned limit = pool->job->max_failures;
	if (++pool->write_failures_in_row != limit || !limit || pool->giving_up)
		return;
	pool->giving_up = true;
	fprintf(stderr, "imgbatch: %u outputs in a row failed to be written (%s); "
		"starting no more files (--max-failures %u)\n", limit,
		strerror(res->write_errno), limit);
	while (pool->queue.len > 0) {
		struct pending t = queue_pop(&pool->queue);
		account_and_free(pool, &t, RESULT_NOT_STARTED, GAVE_UP_REASON);
	}
}

static void handle_result(struct pool *pool, const struct wire_result *res)
{
	struct slot *slot = slot_of_pid(pool, res->worker_pid);
	if (!slot || slot->reported >= slot->chunk_len ||
	    slot->chunk[slot->reported].id != res->task_id) {
		fprintf(stderr, "imgbatch: internal error: unexpected result for task %llu\n",
			(unsigned long long)res->task_id);
		return;
	}
	struct pending *task = &slot->chunk[slot->reported++];
	slot->busy_since_ms = now_ms();
	account(pool, task, (enum result_status)res->status, res->reason, res);
	free(task->path);
	task->path = NULL;
	note_write_outcome(pool, res);
}

/*
 * Reads and handles what the result pipe holds.  A read that leaves room in
 * the buffer took everything there was, so it is not followed by one that
 * would only say EAGAIN: that saves a system call per wake-up of the master.
 */
static void drain_results(struct pool *pool)
{
	for (;;) {
		size_t room = wire_result_room(&pool->reader);
		ssize_t n = wire_result_fill(&pool->reader, pool->result_rd);
		static struct wire_result res;
		int got;
		while ((got = wire_result_next(&pool->reader, &res)) == 1)
			handle_result(pool, &res);
		if (got < 0) {
			fputs("imgbatch: internal error: a malformed result\n", stderr);
			pool->reader.start = pool->reader.len;
		}
		if (n <= 0 || (size_t)n < room)
			return;
	}
}

static void describe_death(int status, char *buf, size_t cap)
{
	if (WIFSIGNALED(status))
		snprintf(buf, cap, "worker killed by signal %d (SIG%s)", WTERMSIG(status),
			 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
	else
		snprintf(buf, cap, "worker exited unexpectedly with status %d", WEXITSTATUS(status));
}

/*
 * A worker is gone.  Results arrive in chunk order, so the first unreported
 * task of its chunk is the one it died on: that one fails (or, when we are
 * stopping, is the one interrupted); the rest never started and go back to
 * the queue (or are skipped when stopping).
 */
static void worker_died(struct pool *pool, struct slot *slot, int status)
{
	close(slot->task_fd);
	slot->task_fd = -1;
	slot->pid = 0;
	if (slot->reported < slot->chunk_len) {
		char reason[IB_REASON_MAX];
		pool->lost_busy_worker = true;
		if (slot->timed_out_ms && slot->timed_out_task == slot->reported)
			snprintf(reason, sizeof reason, "timed out after %u s", pool->job->timeout_s);
		else if (pool->stopping)
			snprintf(reason, sizeof reason, "interrupted while processing");
		else
			describe_death(status, reason, sizeof reason);
		account_and_free(pool, &slot->chunk[slot->reported++], RESULT_FAILED, reason);
	}
	while (slot->chunk_len > slot->reported) {
		struct pending *t = &slot->chunk[--slot->chunk_len];
		if (pool->stopping)
			account_and_free(pool, t, RESULT_NOT_STARTED, "interrupted");
		else
			queue_push_front(&pool->queue, *t);
	}
	slot->chunk_len = slot->reported = 0;
	if (!pool->stopping && spawn_worker(pool, slot) < 0)
		fprintf(stderr, "imgbatch: cannot start a worker: %s\n", strerror(errno));
}

/* The watchdog: a worker whose current file has run past --timeout is
 * stopped; worker_died() then fails that file and forks a replacement. */
static void check_timeouts(struct pool *pool)
{
	if (!pool->job->timeout_s)
		return;
	uint64_t now = now_ms(), limit = (uint64_t)pool->job->timeout_s * 1000u;
	for (unsigned i = 0; i < pool->nslots; i++) {
		struct slot *slot = &pool->slots[i];
		if (slot->pid <= 0 || slot_idle(slot))
			continue;
		if (!slot->timed_out_ms && now - slot->busy_since_ms > limit) {
			slot->timed_out_ms = now;
			slot->timed_out_task = slot->reported;
			kill(slot->pid, SIGTERM);
		} else if (slot->timed_out_ms && now - slot->timed_out_ms > TIMEOUT_KILL_GRACE_MS) {
			kill(slot->pid, SIGKILL);
		}
	}
}

static void reap_workers(struct pool *pool)
{
	got_child = 0;
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct slot *slot = slot_of_pid(pool, pid);
		if (!slot)
			continue;
		/* Reaped, it writes no more: all its results are in the pipe
		 * now.  Take them first so its finished tasks are not blamed for
		 * its death (a drain before waitpid would miss the results of a
		 * worker that wrote, then died, between the two). */
		drain_results(pool);
		worker_died(pool, slot, status);
	}
}

static unsigned live_workers(const struct pool *pool)
{
	unsigned n = 0;
	for (unsigned i = 0; i < pool->nslots; i++)
		n += pool->slots[i].pid > 0;
	return n;
}

static bool all_idle(const struct pool *pool)
{
	for (unsigned i = 0; i < pool->nslots; i++)
		if (pool->slots[i].pid > 0 && !slot_idle(&pool->slots[i]))
			return false;
	return true;
}

/* Ctrl-C or SIGTERM: stop dispatching, stop the workers (each removes its
 * temp file), account for everything in hand. */
static void begin_stop(struct pool *pool)
{
	pool->stopping = true;
	for (unsigned i = 0; i < pool->nslots; i++) {
		struct slot *slot = &pool->slots[i];
		if (slot->pid > 0)
			kill(slot->pid, SIGTERM);
	}
	while (pool->queue.len > 0) {
		struct pending t = queue_pop(&pool->queue);
		account_and_free(pool, &t, RESULT_NOT_STARTED, "interrupted");
	}
}

/* SIGTERM to a service: read no more requests, answer the queued ones
 * not_started, let the workers finish what they hold; past DRAIN_GRACE_MS,
 * stop them as Ctrl-C would. */
static void drain_feed(struct pool *pool)
{
	if (!pool->drain_since_ms) {
		pool->drain_since_ms = now_ms();
		pool->scan_done = true;
		while (pool->queue.len > 0) {
			struct pending t = queue_pop(&pool->queue);
			account_and_free(pool, &t, RESULT_NOT_STARTED, "the service is stopping");
		}
	} else if (now_ms() - pool->drain_since_ms > DRAIN_GRACE_MS) {
		begin_stop(pool);
	}
}

/* A service's SIGTERM ends it as the end of its input would: drained. */
static bool draining_on_sigterm(const struct pool *pool)
{
	return pool->job->feed && got_stop_signal == SIGTERM;
}

/* A signal or a reader gone: drain (a service's SIGTERM) or stop. */
static void heed_stop_signal(struct pool *pool)
{
	bool reader_gone = account_reader_gone(pool->acc);
	if (draining_on_sigterm(pool) && !reader_gone)
		drain_feed(pool);
	else if (got_stop_signal || reader_gone)
		begin_stop(pool);
}

/* No more work: closing the task pipes tells idle workers to exit. */
static void close_task_pipes(struct pool *pool)
{
	for (unsigned i = 0; i < pool->nslots; i++) {
		if (pool->slots[i].task_fd >= 0) {
			close(pool->slots[i].task_fd);
			pool->slots[i].task_fd = -1;
		}
	}
}

/*
 * Coalescing results.  At 10,000 small files a second, waking the master for
 * every result costs it more in context switches than all its other work.
 * While every busy worker has files in hand for a while yet, the master may
 * leave their results in the pipe and take them in one read.  A worker's time
 * a file is measured over its current chunk, during which it never waits;
 * the master wakes up two files' time before the first worker would run out,
 * and soon enough that the results in the pipe stay within half of it.
 */
#define QUIET_MAX_US 5000
#define QUIET_MIN_US 300
#define QUIET_MARGIN_FILES 2
#define QUIET_MIN_SAMPLE 4              /* results of a chunk before estimating */
#define QUIET_PIPE_BYTES (32 * 1024)    /* results left in the result pipe, at most */

/* How long the master may leave results in the pipe; 0: wake for each. */
static uint64_t quiet_us(const struct pool *pool)
{
	uint64_t now = clock_monotonic_us();
	double quiet = QUIET_MAX_US, files_per_us = 0;
	bool busy = false;

	for (unsigned i = 0; i < pool->nslots; i++) {
		const struct slot *slot = &pool->slots[i];
		if (slot->pid <= 0 || slot_idle(slot))
			continue;
		if (slot->reported < QUIET_MIN_SAMPLE)
			return 0;
		double per_file = (double)(now - slot->chunk_sent_us) / (double)slot->reported;
		double left = ((double)(slot->chunk_len - slot->reported) - QUIET_MARGIN_FILES) * per_file;
		if (left < quiet)
			quiet = left;
		files_per_us += 1 / (per_file > 1 ? per_file : 1);
		busy = true;
	}
	double pipe_bound = QUIET_PIPE_BYTES / (sizeof(struct wire_result) * files_per_us);
	if (busy && pipe_bound < quiet)
		quiet = pipe_bound;
	return busy && quiet >= QUIET_MIN_US ? (uint64_t)quiet : 0;
}

/* Sleeps until a signal, input on feed_fd (-1: none) or timeout_us,
 * waking for results too unless wake_for_results is false. */
static void sleep_for_event(uint64_t timeout_us, bool wake_for_results, int result_rd,
			    int feed_fd)
{
	struct pollfd fds[3] = {
		{ .fd = signal_pipe[0], .events = POLLIN },
		{ .fd = feed_fd, .events = POLLIN },
		{ .fd = result_rd, .events = POLLIN },
	};
	struct timespec timeout = {
		.tv_sec = (time_t)(timeout_us / 1000000u),
		.tv_nsec = (long)(timeout_us % 1000000u) * 1000,
	};
	if (ppoll(fds, wake_for_results ? 3 : 2, &timeout, NULL) < 0 && errno != EINTR)
		return;
	if (fds[0].revents)
		drain_signal_pipe();
}

static void wait_for_event(struct pool *pool, int timeout_ms)
{
	uint64_t quiet = timeout_ms > 0 && !pool->stopping ? quiet_us(pool) : 0;
	int feed_fd = feed_fd_to_poll(pool);

	/* the lines written so far go out before a sleep; between (a scan
	 * that keeps the loop busy) every 100 ms */
	account_flush_lines(pool->acc, timeout_ms == 0);

	if (quiet)
		sleep_for_event(quiet, false, pool->result_rd, feed_fd);
	else
		sleep_for_event((uint64_t)timeout_ms * 1000u, true, pool->result_rd, feed_fd);
	drain_results(pool);
}

static void run_loop(struct pool *pool)
{
	for (;;) {
		if (!pool->stopping) {
			scan_some(pool);
			dispatch(pool);
			if (pool->scan_done && pool->queue.len == 0 && all_idle(pool))
				break;
		} else if (live_workers(pool) == 0) {
			break;
		}
		bool more_to_scan = !pool->stopping && !pool->scan_done && queue_has_room(pool) &&
				    !pool->feed_waiting;
		wait_for_event(pool, more_to_scan ? 0 : 200);
		if (!pool->stopping)
			heed_stop_signal(pool);
		if (got_child)
			reap_workers(pool);
		check_timeouts(pool);
		account_progress(pool->acc, pool->scan_done, false);
	}
}

static void shutdown_workers(struct pool *pool)
{
	close_task_pipes(pool);
	while (live_workers(pool) > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		drain_results(pool);
		struct slot *slot = slot_of_pid(pool, pid);
		if (slot) {
			pool->stopping = true;  /* no respawn from here on */
			worker_died(pool, slot, status);
		}
	}
}

/* What open_output_root returns for a dry run's -o that does not exist. */
#define OUTPUT_ROOT_MISSING (-2)

/* Opens (creating) -o and returns its fd; fills dev/ino for the scan to
 * skip.  A dry run creates nothing: a missing -o is OUTPUT_ROOT_MISSING. */
static int open_output_root(const struct job *job, struct stat *st, struct ib_error *err)
{
	if (!job->dry_run && mkdir(job->out_dir, 0777) < 0 && errno != EEXIST)
		return ib_fail_errno(err, errno, "cannot create output directory %s", job->out_dir);
	int fd = open(job->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && job->dry_run && errno == ENOENT)
		return OUTPUT_ROOT_MISSING;
	if (fd < 0 || fstat(fd, st) < 0)
		return ib_fail_errno(err, errno, "cannot open output directory %s", job->out_dir);
	return fd;
}

/* Marks our run in -o (workers name temp files after it) and removes what
 * dead runs left there; see runmark.h. */
static int claim_output_root(struct pool *pool, struct ib_error *err)
{
	runmark_make_id(pool->run_id, sizeof pool->run_id);
	atomic_set_run_id(pool->run_id);
	pool->run_mark_fd = runmark_claim(pool->out_root_fd, pool->run_id, err);
	if (pool->run_mark_fd < 0) {
		char why[IB_REASON_MAX];
		snprintf(why, sizeof why, "%s", err->msg);
		return ib_fail(err, "in %s: %s", pool->job->out_dir, why);
	}
	unsigned long removed = runmark_sweep_dead(pool->out_root_fd);
	if (removed && pool->job->progress != PROGRESS_QUIET)
		fprintf(stderr, "imgbatch: removed %lu temp %s left in %s by a run that died\n",
			removed, text_plural(removed, "file", "files"), pool->job->out_dir);
	return 0;
}

static int pool_setup(struct pool *pool, const struct job *job, struct account *acc,
		      struct ib_error *err)
{
	memset(pool, 0, sizeof *pool);
	pool->job = job;
	pool->acc = acc;
	pool->master_pid = getpid();
	pool->result_rd = pool->result_wr = pool->out_root_fd = pool->run_mark_fd = -1;
	struct stat out_st = { 0 };
	if (job->skip_dir) {
		if (stat(job->skip_dir, &out_st) < 0)
			return ib_fail_errno(err, errno, "cannot open %s", job->skip_dir);
	} else if (job->out_dir) {
		int fd = open_output_root(job, &out_st, err);
		if (fd == -1)
			return -1;
		pool->out_root_fd = fd < 0 ? -1 : fd;
	}
	if (pool->out_root_fd >= 0 && !job->dry_run && claim_output_root(pool, err) < 0)
		return -1;
	if (!job->feed) {
		pool->scan = scan_open(job, out_st.st_dev, out_st.st_ino, err);
		if (!pool->scan)
			return -1;
	}
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0 || set_cloexec_nonblock(fds[0]) < 0)
		return ib_fail_errno(err, errno, "cannot create the result pipe");
	pool->result_rd = fds[0];
	pool->result_wr = fds[1];
	if (install_master_signals() < 0)
		return ib_fail_errno(err, errno, "cannot install signal handlers");
	pool->slots = calloc(job->jobs, sizeof *pool->slots);
	if (!pool->slots)
		return ib_fail(err, "out of memory");
	pool->nslots = job->jobs;
	size_t chunk_cap = job->chunk ? job->chunk : CHUNK_AUTO_MAX;
	for (unsigned i = 0; i < pool->nslots; i++) {
		pool->slots[i].task_fd = -1;
		pool->slots[i].chunk = calloc(chunk_cap, sizeof(struct pending));
		if (!pool->slots[i].chunk)
			return ib_fail(err, "out of memory");
	}
	for (unsigned i = 0; i < pool->nslots; i++)
		if (spawn_worker(pool, &pool->slots[i]) < 0)
			return ib_fail_errno(err, errno, "cannot start worker");
	return 0;
}

static void pool_release(struct pool *pool)
{
	for (unsigned i = 0; pool->slots && i < pool->nslots; i++)
		free(pool->slots[i].chunk);
	free(pool->slots);
	while (pool->queue.len > 0)
		free(queue_pop(&pool->queue).path);
	free(pool->queue.items);
	scan_close(pool->scan);
	/* A worker killed mid-write (SIGKILL, SIGSEGV) could not remove its
	 * temp file; every worker is gone now, so all of ours are leftovers. */
	if (pool->run_mark_fd >= 0 && pool->lost_busy_worker)
		runmark_sweep_run(pool->out_root_fd, pool->run_id);
	if (pool->run_mark_fd >= 0)
		runmark_release(pool->out_root_fd, pool->run_mark_fd, pool->run_id);
	if (pool->result_rd >= 0)
		close(pool->result_rd);
	if (pool->result_wr >= 0)
		close(pool->result_wr);
	if (pool->out_root_fd >= 0)
		close(pool->out_root_fd);
}

int pool_run(const struct job *job, struct account *acc, struct pool_end *end)
{
	struct pool pool;
	struct ib_error err;
	int ret = 0;
	if (pool_setup(&pool, job, acc, &err) < 0) {
		fprintf(stderr, "imgbatch: %s\n", err.msg);
		got_stop_signal = SIGTERM;
		begin_stop(&pool);
		shutdown_workers(&pool);
		ret = -1;
	} else {
		run_loop(&pool);
		shutdown_workers(&pool);
	}
	end->interrupted = got_stop_signal != 0 && !(ret == 0 && draining_on_sigterm(&pool));
	end->scan_done = pool.scan_done;
	pool_release(&pool);
	return ret;
}
