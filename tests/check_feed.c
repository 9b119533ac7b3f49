/* The pool fed by a live input feed (struct input_feed) instead of a scan:
 * a stand-in command whose workers echo their task, items arriving on a
 * pipe while the pool runs, the feed's end, and items the feed refuses. */
#include "config.h"

#include <check.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "engine/account.h"
#include "engine/pool.h"
#include "engine/scan.h"
#include "tests/check_main.h"

/* ---- the feed: one item a line on a pipe; "!WHY" is an item refused ---- */

struct line_feed {
	int fd;
	char buf[4096];
	size_t len;
	char item[256];
	bool eof;
};

/* Takes one whole line out of buf into item; false when there is none. */
static bool take_line(struct line_feed *f)
{
	char *nl = memchr(f->buf, '\n', f->len);
	if (!nl)
		return false;
	size_t n = (size_t)(nl - f->buf);
	snprintf(f->item, sizeof f->item, "%.*s", (int)n, f->buf);
	memmove(f->buf, nl + 1, f->len - n - 1);
	f->len -= n + 1;
	return true;
}

static int line_feed_next(void *ctx, struct scan_item *item)
{
	struct line_feed *f = ctx;
	while (!take_line(f)) {
		if (f->eof)
			return -1;
		struct pollfd pfd = { .fd = f->fd, .events = POLLIN };
		if (poll(&pfd, 1, 0) <= 0)
			return 0;
		ssize_t n = read(f->fd, f->buf + f->len, sizeof f->buf - f->len);
		if (n <= 0)
			f->eof = true;
		else
			f->len += (size_t)n;
	}
	memset(item, 0, sizeof *item);
	item->kind = f->item[0] == '!' ? SCAN_ERROR : SCAN_FILE;
	item->path = f->item;
	item->reason = f->item + 1;
	return 1;
}

/* ---- the command: a worker answers "did PATH"; the master records ---- */

#define MAX_OUTCOMES 512

static struct {
	char input[MAX_OUTCOMES][256];
	char reason[MAX_OUTCOMES][256];
	enum result_status status[MAX_OUTCOMES];
	bool ran[MAX_OUTCOMES];        /* a worker's result came with it */
	size_t n;
} seen;

/* "die" kills its worker; "flush" flushes the worker's stdio buffers, as a
 * library (or valgrind, at exit) might. */
static void echo_run(void *state, const struct wire_task *task, struct wire_result *res)
{
	char reason[IB_REASON_MAX];
	(void)state;
	if (strcmp(task->path, "die") == 0)
		kill(getpid(), SIGKILL);
	if (strcmp(task->path, "flush") == 0)
		fflush(NULL);
	snprintf(reason, sizeof reason, "did %s", task->path);
	res->status = RESULT_DONE;
	wire_result_set_reason(res, reason);
}

/* When >= 0, a byte is written here per outcome (test_items_that_trickle_in). */
static int ack_fd = -1;

static void write_input_line(FILE *out, const void *input)
{
	fprintf(out, "%s\n", (const char *)input);
}

static void record_outcome(const struct job *job, struct account *acc, const char *input,
			   size_t rel_off, enum result_status status, const char *reason,
			   const struct wire_result *res)
{
	(void)job;
	(void)acc;
	(void)rel_off;
	ck_assert_uint_lt(seen.n, MAX_OUTCOMES);
	snprintf(seen.input[seen.n], sizeof seen.input[0], "%s", input);
	snprintf(seen.reason[seen.n], sizeof seen.reason[0], "%s", reason);
	seen.status[seen.n] = status;
	seen.ran[seen.n] = res != NULL;
	seen.n++;
	if (ack_fd >= 0)
		ck_assert_int_eq(write(ack_fd, "", 1), 1);
	account_emit(acc, write_input_line, input);
}

static const struct command echo_command = {
	.name = "echo", .item_noun = "items", .item_one = "item", .done_word = "done",
	.run = echo_run, .outcome = record_outcome,
};

/* Runs the pool on the feed reading fd with `jobs` workers; with json, an
 * input a line goes to json_out as --json lines do. */
static struct pool_end run_fed_with(int fd, unsigned jobs, FILE *json_out)
{
	static struct line_feed lines;
	memset(&lines, 0, sizeof lines);
	lines.fd = fd;
	struct input_feed feed = { .fd = fd, .next = line_feed_next, .ctx = &lines };
	struct job job = {
		.command = &echo_command, .feed = &feed, .jobs = jobs, .progress = PROGRESS_QUIET,
		.json = json_out != NULL,
	};
	FILE *null = fopen("/dev/null", "w");
	ck_assert_ptr_nonnull(null);
	struct account acc;
	account_init(&acc, &job, json_out ? json_out : null, null);
	struct pool_end end;
	memset(&seen, 0, sizeof seen);
	ck_assert_int_eq(pool_run(&job, &acc, &end), 0);
	account_release(&acc);
	fclose(null);
	return end;
}

static struct pool_end run_fed(int fd)
{
	return run_fed_with(fd, 2, NULL);
}

/* A pipe holding lines, closed for writing: its read end, for run_fed. */
static int feed_of(const char *lines)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	ssize_t len = (ssize_t)strlen(lines);
	ck_assert_int_eq(write(fds[1], lines, (size_t)len), len);
	close(fds[1]);
	return fds[0];
}

static size_t index_of(const char *input)
{
	for (size_t i = 0; i < seen.n; i++)
		if (strcmp(seen.input[i], input) == 0)
			return i;
	return SIZE_MAX;
}

START_TEST(test_every_item_once_then_the_end)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	FILE *w = fdopen(fds[1], "w");
	for (int i = 0; i < 300; i++)
		fprintf(w, "item-%d\n", i);
	fclose(w);
	struct pool_end end = run_fed(fds[0]);
	close(fds[0]);
	ck_assert(end.scan_done);
	ck_assert(!end.interrupted);
	ck_assert_uint_eq(seen.n, 300);
	for (int i = 0; i < 300; i++) {
		char name[32], did[40];
		snprintf(name, sizeof name, "item-%d", i);
		snprintf(did, sizeof did, "did %s", name);
		size_t at = index_of(name);
		ck_assert_uint_ne(at, SIZE_MAX);
		ck_assert_str_eq(seen.reason[at], did);
		ck_assert(seen.ran[at]);
		ck_assert_int_eq(seen.status[at], RESULT_DONE);
	}
}
END_TEST

/* Items come in while the pool runs, each only after the last one's
 * outcome: the pool takes an item as it comes (no waiting for more to fill
 * a chunk) and waits for the feed's end however long the gaps. */
START_TEST(test_items_that_trickle_in)
{
	int items[2], acks[2];
	ck_assert_int_eq(pipe(items), 0);
	ck_assert_int_eq(pipe(acks), 0);
	pid_t writer = fork();
	ck_assert_int_ge(writer, 0);
	if (writer == 0) {
		close(items[0]);
		close(acks[1]);
		for (int i = 0; i < 3; i++) {
			char line[16], ack;
			int n = snprintf(line, sizeof line, "late-%d\n", i);
			if (write(items[1], line, (size_t)n) != n || read(acks[0], &ack, 1) != 1)
				_exit(1);
			usleep(100000);
		}
		_exit(0);
	}
	close(items[1]);
	close(acks[0]);
	ack_fd = acks[1];
	struct pool_end end = run_fed(items[0]);
	ack_fd = -1;
	close(items[0]);
	close(acks[1]);
	/* (the pool reaps every child of the master: the writer too) */
	ck_assert(end.scan_done);
	ck_assert_uint_eq(seen.n, 3);
	ck_assert_str_eq(seen.input[2], "late-2");
}
END_TEST

START_TEST(test_refused_items_are_accounted_without_a_worker)
{
	int fd = feed_of("ok\n!not a request\nok-too\n");
	run_fed(fd);
	close(fd);
	ck_assert_uint_eq(seen.n, 3);
	size_t at = index_of("!not a request");
	ck_assert_uint_ne(at, SIZE_MAX);
	ck_assert_int_eq(seen.status[at], RESULT_FAILED);
	ck_assert_str_eq(seen.reason[at], "not a request");
	ck_assert(!seen.ran[at]);
}
END_TEST

/* A dead worker's replacement is forked while the master's JSON lines may
 * sit in stdio's buffer (the dead one's failure line always does): the
 * child must not inherit them, or lines are written twice when it flushes
 * stdio (valgrind's __libc_freeres does as a worker exits). */
START_TEST(test_a_new_worker_does_not_write_the_lines_again)
{
	int fd = feed_of("first\ndie\nflush\n");
	FILE *json = tmpfile();
	ck_assert_ptr_nonnull(json);
	run_fed_with(fd, 1, json);
	close(fd);
	ck_assert_uint_eq(seen.n, 3);
	size_t died = index_of("die");
	ck_assert_uint_ne(died, SIZE_MAX);
	ck_assert_str_eq(seen.reason[died], "worker killed by signal 9 (SIGKILL)");
	fflush(json);
	rewind(json);
	char line[64];
	unsigned n = 0;
	while (fgets(line, sizeof line, json))
		n++;
	ck_assert_uint_eq(n, 3);
	fclose(json);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("feed");
	TCase *tc = tcase_create("pool");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_every_item_once_then_the_end);
	tcase_add_test(tc, test_items_that_trickle_in);
	tcase_add_test(tc, test_refused_items_are_accounted_without_a_worker);
	tcase_add_test(tc, test_a_new_worker_does_not_write_the_lines_again);
	suite_add_tcase(s, tc);
	return s;
}
