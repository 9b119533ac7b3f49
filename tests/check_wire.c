/* Message framing: chunks and results across pipes, with short reads, EOF,
 * EINTR and malformed payloads. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/wire.h"
#include "tests/check_main.h"

static void make_pipe(int fds[2])
{
	ck_assert_int_eq(pipe(fds), 0);
}

START_TEST(test_chunk_round_trip)
{
	static struct wire_chunk out, in;
	int fds[2];
	make_pipe(fds);
	wire_chunk_init(&out);
	struct wire_task a = { .id = 7, .path = "in/dir/a b.jpg", .rel_off = 7, .root_off = 3 };
	struct wire_task b = { .id = 8, .path = "-leading\n\xff.png", .named = true };
	ck_assert_int_eq(wire_chunk_add(&out, &a), 0);
	ck_assert_int_eq(wire_chunk_add(&out, &b), 0);
	ck_assert_int_eq(wire_chunk_send(fds[1], &out), 0);
	struct ib_error err;
	ck_assert_int_eq(wire_chunk_receive(fds[0], &in, &err), 1);
	ck_assert_uint_eq(in.header.count, 2);
	char path[WIRE_MAX_PATH + 1];
	struct wire_task t;
	size_t off = 0;
	ck_assert_int_eq(wire_chunk_next(&in, &off, path, &t, &err), 1);
	ck_assert_uint_eq(t.id, 7);
	ck_assert_str_eq(t.path, "in/dir/a b.jpg");
	ck_assert_uint_eq(t.rel_off, 7);
	ck_assert_uint_eq(t.root_off, 3);
	ck_assert(!t.named);
	char root[8];
	wire_task_root(&t, root, sizeof root);
	ck_assert_str_eq(root, "dir");       /* its '/' dropped */
	wire_task_root(&t, root, 3);
	ck_assert_str_eq(root, "");          /* does not fit: none */
	ck_assert_int_eq(wire_chunk_next(&in, &off, path, &t, &err), 1);
	ck_assert_uint_eq(t.id, 8);
	ck_assert_str_eq(t.path, "-leading\n\xff.png");
	ck_assert(t.named);
	wire_task_root(&t, root, sizeof root);
	ck_assert_str_eq(root, "");
	ck_assert_int_eq(wire_chunk_next(&in, &off, path, &t, &err), 0);
	close(fds[1]);
	ck_assert_int_eq(wire_chunk_receive(fds[0], &in, &err), 0);  /* clean EOF */
	close(fds[0]);
}
END_TEST

START_TEST(test_chunk_refuses_what_does_not_fit)
{
	static struct wire_chunk c;
	wire_chunk_init(&c);
	char *long_path = malloc(WIRE_MAX_PATH + 2);
	memset(long_path, 'a', WIRE_MAX_PATH + 1);
	long_path[WIRE_MAX_PATH + 1] = '\0';
	struct wire_task t = { .id = 1, .path = long_path };
	ck_assert_int_eq(wire_chunk_add(&c, &t), -1);
	long_path[WIRE_MAX_PATH] = '\0';
	struct wire_task past = { .id = 1, .path = "abc", .rel_off = 4, .root_off = 4 };
	ck_assert_int_eq(wire_chunk_add(&c, &past), -1);  /* rel_off past end */
	struct wire_task root_past = { .id = 1, .path = "abc", .rel_off = 1, .root_off = 2 };
	ck_assert_int_eq(wire_chunk_add(&c, &root_past), -1);  /* root_off past rel_off */
	int added = 0;
	while (wire_chunk_add(&c, &t) == 0)
		added++;
	ck_assert_int_eq(added, WIRE_CHUNK_MAX_BYTES / (WIRE_MAX_PATH + 16));
	ck_assert_uint_eq(c.header.count, (unsigned)added);
	free(long_path);
}
END_TEST

START_TEST(test_chunk_receive_rejects_bad_headers)
{
	static struct wire_chunk c;
	struct ib_error err;
	int fds[2];
	make_pipe(fds);
	struct wire_chunk_header h = { .magic = 0xdeadbeef, .count = 1, .payload_len = 0 };
	ck_assert_int_eq(wire_write_all(fds[1], &h, sizeof h), 0);
	ck_assert_int_eq(wire_chunk_receive(fds[0], &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "magic"));

	h.magic = WIRE_CHUNK_MAGIC;
	h.payload_len = WIRE_CHUNK_MAX_BYTES + 1;
	ck_assert_int_eq(wire_write_all(fds[1], &h, sizeof h), 0);
	ck_assert_int_eq(wire_chunk_receive(fds[0], &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "exceeds"));

	/* Header promising 100 bytes, then EOF after 10. */
	h.payload_len = 100;
	ck_assert_int_eq(wire_write_all(fds[1], &h, sizeof h), 0);
	ck_assert_int_eq(wire_write_all(fds[1], "0123456789", 10), 0);
	close(fds[1]);
	ck_assert_int_eq(wire_chunk_receive(fds[0], &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cut short"));
	close(fds[0]);
}
END_TEST

START_TEST(test_chunk_next_rejects_malformed_payloads)
{
	static struct wire_chunk c;
	char path[WIRE_MAX_PATH + 1];
	struct wire_task t;
	struct ib_error err;
	size_t off = 0;
	wire_chunk_init(&c);
	struct wire_task_header th = { .id = 1, .path_len = 50, .rel_off = 0 };
	memcpy(c.payload, &th, sizeof th);
	memcpy(c.payload + sizeof th, "short", 5);
	c.payload_len = sizeof th + 5;
	ck_assert_int_eq(wire_chunk_next(&c, &off, path, &t, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "out of range"));

	th.path_len = 5;
	th.rel_off = 6;
	memcpy(c.payload, &th, sizeof th);
	off = 0;
	ck_assert_int_eq(wire_chunk_next(&c, &off, path, &t, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "beyond"));

	th.rel_off = 0;
	memcpy(c.payload, &th, sizeof th);
	memcpy(c.payload + sizeof th, "ab\0cd", 5);
	off = 0;
	ck_assert_int_eq(wire_chunk_next(&c, &off, path, &t, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "NUL"));

	c.payload_len = sizeof th - 1;
	off = 0;
	ck_assert_int_eq(wire_chunk_next(&c, &off, path, &t, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "truncated"));
}
END_TEST

START_TEST(test_read_all_eof_mid_message)
{
	int fds[2];
	make_pipe(fds);
	char buf[16];
	ck_assert_int_eq(wire_write_all(fds[1], "abc", 3), 0);
	close(fds[1]);
	errno = 0;
	ck_assert_int_eq(wire_read_all(fds[0], buf, sizeof buf), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(fds[0]);
}
END_TEST

static void on_alarm(int sig)
{
	(void)sig;
}

/* A writer that trickles bytes with pauses, while SIGALRM interrupts the
 * reader's read() without SA_RESTART: the reader must still get it whole. */
START_TEST(test_read_all_survives_short_reads_and_eintr)
{
	int fds[2];
	make_pipe(fds);
	struct sigaction sa = { .sa_handler = on_alarm };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		const char msg[] = "0123456789abcdef";
		for (size_t i = 0; i < sizeof msg; i += 4) {
			usleep(30000);
			wire_write_all(fds[1], msg + i, sizeof msg - i < 4 ? sizeof msg - i : 4);
		}
		_exit(0);
	}
	close(fds[1]);
	struct itimerval it = { .it_interval = { 0, 5000 }, .it_value = { 0, 5000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	char buf[17];
	int r = wire_read_all(fds[0], buf, sizeof buf);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	ck_assert_int_eq(r, 1);
	ck_assert_str_eq(buf, "0123456789abcdef");
	waitpid(pid, NULL, 0);
	close(fds[0]);
}
END_TEST

/* A result's bytes as wire_result_send puts them on the pipe. */
static size_t encode_result(struct wire_result *res, uint8_t *copy)
{
	int probe[2];
	make_pipe(probe);
	ck_assert_int_eq(wire_result_send(probe[1], res), 0);
	ssize_t n = read(probe[0], copy, PIPE_BUF);
	ck_assert_int_eq(n, res->len);
	close(probe[0]);
	close(probe[1]);
	return (size_t)n;
}

START_TEST(test_result_reader_reassembles_short_reads)
{
	int fds[2];
	make_pipe(fds);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	static struct wire_result a, b, got;
	static uint8_t bytes_a[PIPE_BUF];
	wire_result_init(&a, 1);
	a.status = RESULT_DONE;
	ck_assert_int_eq(wire_result_set_output(&a, "out/x.png"), 0);
	wire_result_init(&b, 2);
	wire_result_set_reason(&b, "PNG: CRC error");
	b.status = RESULT_FAILED;
	size_t len_a = encode_result(&a, bytes_a);
	/* only up to the output's NUL travels */
	ck_assert_uint_eq(len_a, offsetof(struct wire_result, output) + sizeof "out/x.png");
	static struct wire_result_reader reader;
	/* Half of a, then the rest of a and all of b. */
	ck_assert_int_eq(wire_write_all(fds[1], bytes_a, len_a / 2), 0);
	ck_assert_int_gt(wire_result_fill(&reader, fds[0]), 0);
	ck_assert_int_eq(wire_result_next(&reader, &got), 0);
	ck_assert_int_eq(wire_write_all(fds[1], bytes_a + len_a / 2, len_a - len_a / 2), 0);
	ck_assert_int_eq(wire_result_send(fds[1], &b), 0);
	ck_assert_int_gt(wire_result_fill(&reader, fds[0]), 0);
	ck_assert_int_eq(wire_result_next(&reader, &got), 1);
	ck_assert_uint_eq(got.task_id, 1);
	ck_assert_str_eq(got.output, "out/x.png");
	ck_assert_int_eq(wire_result_next(&reader, &got), 1);
	ck_assert_uint_eq(got.task_id, 2);
	ck_assert_str_eq(got.reason, "PNG: CRC error");
	ck_assert_str_eq(got.output, "");  /* not the last result's */
	ck_assert_int_eq(wire_result_next(&reader, &got), 0);
	errno = 0;
	ck_assert_int_eq(wire_result_fill(&reader, fds[0]), -1);
	ck_assert_int_eq(errno, EAGAIN);
	close(fds[1]);
	ck_assert_int_eq(wire_result_fill(&reader, fds[0]), 0);  /* EOF */
	close(fds[0]);
}
END_TEST

START_TEST(test_result_carries_the_longest_output_in_one_write)
{
	static struct wire_result res, got;
	static char path[WIRE_OUTPUT_MAX + 1];
	int fds[2];
	make_pipe(fds);
	wire_result_init(&res, 7);
	memset(path, 'a', WIRE_OUTPUT_MAX);
	path[WIRE_OUTPUT_MAX] = '\0';
	ck_assert_int_eq(wire_result_set_output(&res, path), -1);   /* no room for its NUL */
	path[WIRE_OUTPUT_MAX - 1] = '\0';
	ck_assert_int_eq(wire_result_set_output(&res, path), 0);
	ck_assert_int_eq(wire_result_send(fds[1], &res), 0);
	ck_assert_uint_le(res.len, PIPE_BUF);
	static struct wire_result_reader reader;
	ck_assert_int_eq(wire_result_fill(&reader, fds[0]), (ssize_t)res.len);
	ck_assert_int_eq(wire_result_next(&reader, &got), 1);
	ck_assert_uint_eq(strlen(got.output), WIRE_OUTPUT_MAX - 1);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(test_result_reader_refuses_impossible_lengths)
{
	static struct wire_result_reader reader;
	static struct wire_result got;
	uint32_t lens[] = { 0, (uint32_t)offsetof(struct wire_result, output),
			    (uint32_t)sizeof(struct wire_result) + 1, UINT32_MAX };
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		int fds[2];
		make_pipe(fds);
		memset(&reader, 0, sizeof reader);
		ck_assert_int_eq(wire_write_all(fds[1], &lens[i], sizeof lens[i]), 0);
		ck_assert_int_gt(wire_result_fill(&reader, fds[0]), 0);
		ck_assert_int_eq(wire_result_next(&reader, &got), -1);
		close(fds[0]);
		close(fds[1]);
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("framing");
	tcase_add_test(tc, test_chunk_round_trip);
	tcase_add_test(tc, test_chunk_refuses_what_does_not_fit);
	tcase_add_test(tc, test_chunk_receive_rejects_bad_headers);
	tcase_add_test(tc, test_chunk_next_rejects_malformed_payloads);
	tcase_add_test(tc, test_read_all_eof_mid_message);
	tcase_add_test(tc, test_read_all_survives_short_reads_and_eintr);
	tcase_add_test(tc, test_result_reader_reassembles_short_reads);
	tcase_add_test(tc, test_result_carries_the_longest_output_in_one_write);
	tcase_add_test(tc, test_result_reader_refuses_impossible_lengths);
	suite_add_tcase(s, tc);
	return s;
}
