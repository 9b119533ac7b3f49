#include "config.h"

#include <check.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "disk/atomic.h"
#include "tests/scratch_dir.h"
#include "tests/check_main.h"

/*
 * Every test runs in its own process (main() forces CK_FORK), so the temp
 * name counter starts at 0 in each test: its first temp file is
 * ATOMIC_TEMP_PREFIX "<pid>-0".
 */

/* ---- helpers --------------------------------------------------------------- */

/* Reads name (at most cap - 1 bytes) into buf; returns the length. */
static size_t get_file(int dir_fd, const char *name, char *buf, size_t cap)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, cap - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
	return (size_t)n;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The entries of a directory, sorted and joined by ' ' ("" when empty). */
static void list_dir(int dir_fd, char *out, size_t cap)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	char names[16][NAME_MAX + 1];
	size_t n = 0;

	ck_assert_int_ge(fd, 0);
	d = fdopendir(fd);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ck_assert_uint_lt(n, 16);
		snprintf(names[n++], sizeof names[0], "%s", de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], compare_names);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(out, " ", cap - strlen(out) - 1);
		strncat(out, names[i], cap - strlen(out) - 1);
	}
}

static void temp_name_of(pid_t pid, unsigned n, char *buf, size_t cap)
{
	snprintf(buf, cap, ATOMIC_TEMP_PREFIX "%ld-%u", (long)pid, n);
}

/* ---- atomic_write ---------------------------------------------------------- */

START_TEST(test_write_creates_exact_content)
{
	struct ib_error err = { 0 };
	char buf[64], list[256];
	struct stat st;

	make_root();
	ck_assert_int_eq(atomic_write(root_fd, "a.jpg", "hello\0world", 11, false, &err), 0);
	ck_assert_uint_eq(get_file(root_fd, "a.jpg", buf, sizeof buf), 11);
	ck_assert_mem_eq(buf, "hello\0world", 11);
	ck_assert_int_eq(fstatat(root_fd, "a.jpg", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0644);    /* 0666 & ~022 */
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, "a.jpg");

	ck_assert_int_eq(atomic_write(root_fd, "synced", "x", 1, true, &err), 0);
	ck_assert_int_eq(atomic_write(root_fd, "empty", "", 0, false, &err), 0);
	ck_assert_uint_eq(get_file(root_fd, "synced", buf, sizeof buf), 1);
	ck_assert_str_eq(buf, "x");
	ck_assert_uint_eq(get_file(root_fd, "empty", buf, sizeof buf), 0);
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, "a.jpg empty synced");
	remove_root();
}
END_TEST

START_TEST(test_write_overwrites)
{
	struct ib_error err = { 0 };
	char buf[64], list[256];

	make_root();
	ck_assert_int_eq(atomic_write(root_fd, "o.png", "first content", 13, false, &err), 0);
	ck_assert_int_eq(atomic_write(root_fd, "o.png", "2nd", 3, false, &err), 0);
	ck_assert_uint_eq(get_file(root_fd, "o.png", buf, sizeof buf), 3);
	ck_assert_str_eq(buf, "2nd");
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, "o.png");
	remove_root();
}
END_TEST

/* renameat replaces the link itself; what it pointed to is left alone. */
START_TEST(test_write_replaces_planted_symlink)
{
	struct ib_error err = { 0 };
	char outside[64] = "/tmp/check_atomic_out.XXXXXX";
	char target[128], buf[64], list[256];
	struct stat st;
	int out_fd;

	make_root();
	ck_assert_ptr_nonnull(mkdtemp(outside));
	out_fd = open(outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(out_fd, 0);
	put_file(out_fd, "victim", "keep");
	snprintf(target, sizeof target, "%s/victim", outside);
	ck_assert_int_eq(symlinkat(target, root_fd, "a.jpg"), 0);

	ck_assert_int_eq(atomic_write(root_fd, "a.jpg", "new", 3, false, &err), 0);
	ck_assert_int_eq(fstatat(root_fd, "a.jpg", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(get_file(root_fd, "a.jpg", buf, sizeof buf), 3);
	ck_assert_str_eq(buf, "new");
	ck_assert_uint_eq(get_file(out_fd, "victim", buf, sizeof buf), 4);
	ck_assert_str_eq(buf, "keep");
	list_dir(out_fd, list, sizeof list);
	ck_assert_str_eq(list, "victim");

	ck_assert_int_eq(unlinkat(out_fd, "victim", 0), 0);
	close(out_fd);
	ck_assert_int_eq(rmdir(outside), 0);
	remove_root();
}
END_TEST

START_TEST(test_write_rejects_bad_names)
{
	struct ib_error err = { 0 };
	char list[256];

	make_root();
	ck_assert_int_eq(atomic_write(root_fd, "a/b", "x", 1, false, &err), -1);
	ck_assert_str_eq(err.msg, "invalid output file name 'a/b'");
	ck_assert_int_eq(atomic_write(root_fd, "", "x", 1, false, &err), -1);
	ck_assert_str_eq(err.msg, "invalid output file name ''");
	ck_assert_int_eq(atomic_write(root_fd, ".", "x", 1, false, &err), -1);
	ck_assert_str_eq(err.msg, "invalid output file name '.'");
	ck_assert_int_eq(atomic_write(root_fd, "..", "x", 1, false, &err), -1);
	ck_assert_str_eq(err.msg, "invalid output file name '..'");
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, "");
	remove_root();
}
END_TEST

/* A leftover temp file of a dead process that had our pid is skipped. */
START_TEST(test_write_skips_stale_temp_name)
{
	struct ib_error err = { 0 };
	char stale[64], want[256], list[256], buf[64];

	make_root();
	put_file(root_fd, "f", "old");          /* replaced: the named way */
	temp_name_of(getpid(), 0, stale, sizeof stale);
	put_file(root_fd, stale, "stale");
	ck_assert_int_eq(atomic_write(root_fd, "f", "data", 4, false, &err), 0);
	ck_assert_uint_eq(get_file(root_fd, "f", buf, sizeof buf), 4);
	ck_assert_str_eq(buf, "data");
	ck_assert_uint_eq(get_file(root_fd, stale, buf, sizeof buf), 5);
	ck_assert_str_eq(buf, "stale");
	snprintf(want, sizeof want, "%s f", stale);
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, want);
	remove_root();
}
END_TEST

/*
 * RLIMIT_FSIZE stops even root.  A child writes 10000 bytes to "big" under a
 * 4096-byte limit and reports its reason through a pipe.  SIGXFSZ is either
 * ignored (write() fails with EFBIG) or caught, with or without the cleanup.
 */
enum xfsz_mode {
	XFSZ_IGNORE,
	XFSZ_CLEANUP,
	XFSZ_NO_CLEANUP,
};

static void on_xfsz_cleanup(int sig)
{
	(void)sig;
	atomic_cleanup_on_signal();
	_exit(3);
}

static void on_xfsz_no_cleanup(int sig)
{
	(void)sig;
	_exit(4);
}

static void write_over_limit(enum xfsz_mode mode, int report_fd)
{
	static char big[10000];
	struct rlimit lim = { 4096, 4096 };
	struct ib_error err = { 0 };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = mode == XFSZ_IGNORE ? SIG_IGN :
			mode == XFSZ_CLEANUP ? on_xfsz_cleanup : on_xfsz_no_cleanup;
	if (sigaction(SIGXFSZ, &sa, NULL) || setrlimit(RLIMIT_FSIZE, &lim))
		_exit(2);
	memset(big, 'B', sizeof big);
	if (atomic_write(root_fd, "big", big, sizeof big, false, &err) == 0)
		_exit(1);
	if (write(report_fd, err.msg, strlen(err.msg)) < 0)
		_exit(2);
	_exit(0);
}

/* Runs write_over_limit in a child; returns its exit code. */
static int run_child(enum xfsz_mode mode, pid_t *pid, char *msg, size_t cap)
{
	int pipefd[2], status;
	ssize_t n;

	ck_assert_int_eq(pipe(pipefd), 0);
	*pid = fork();
	ck_assert_int_ge(*pid, 0);
	if (*pid == 0) {
		close(pipefd[0]);
		write_over_limit(mode, pipefd[1]);
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg, cap - 1);
	ck_assert_int_ge(n, 0);
	msg[n] = '\0';
	close(pipefd[0]);
	ck_assert_int_eq(waitpid(*pid, &status, 0), *pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_write_failure_leaves_destination)
{
	char msg[256], buf[64], list[256];
	pid_t pid;

	make_root();
	put_file(root_fd, "big", "old");
	ck_assert_int_eq(run_child(XFSZ_IGNORE, &pid, msg, sizeof msg), 0);
	ck_assert_str_eq(msg, "writing big: File too large");
	ck_assert_uint_eq(get_file(root_fd, "big", buf, sizeof buf), 3);
	ck_assert_str_eq(buf, "old");
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, "big");
	remove_root();
}
END_TEST

/* SIGXFSZ arrives mid-write, while the temp file is registered and on disk. */
START_TEST(test_cleanup_on_signal_removes_temp)
{
	char msg[256], buf[64], list[256];
	pid_t pid;

	make_root();
	put_file(root_fd, "big", "old");
	ck_assert_int_eq(run_child(XFSZ_CLEANUP, &pid, msg, sizeof msg), 3);
	ck_assert_str_eq(msg, "");
	ck_assert_uint_eq(get_file(root_fd, "big", buf, sizeof buf), 3);
	ck_assert_str_eq(buf, "old");
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, "big");
	remove_root();
}
END_TEST

/* The control for the test above: without the cleanup the temp file stays,
 * named after the child's pid and holding the 4096 bytes it got to write. */
START_TEST(test_signal_without_cleanup_leaves_temp)
{
	char msg[256], temp[64], want[256], list[256];
	struct stat st;
	pid_t pid;

	make_root();
	put_file(root_fd, "big", "old");
	ck_assert_int_eq(run_child(XFSZ_NO_CLEANUP, &pid, msg, sizeof msg), 4);
	ck_assert_str_eq(msg, "");
	temp_name_of(pid, 0, temp, sizeof temp);
	ck_assert_int_eq(fstatat(root_fd, temp, &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_int_eq(st.st_size, 4096);
	snprintf(want, sizeof want, "%s big", temp);
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, want);
	remove_root();
}
END_TEST

/* After a successful write nothing is registered any more: a file that has
 * the name the write used must survive atomic_cleanup_on_signal(). */
START_TEST(test_cleanup_after_write_is_noop)
{
	struct ib_error err = { 0 };
	char used[64], buf[64];

	make_root();
	put_file(root_fd, "dest", "old");       /* replaced: the named way */
	ck_assert_int_eq(atomic_write(root_fd, "dest", "data", 4, false, &err), 0);
	temp_name_of(getpid(), 0, used, sizeof used);
	put_file(root_fd, used, "bait");
	atomic_cleanup_on_signal();
	ck_assert_uint_eq(get_file(root_fd, "dest", buf, sizeof buf), 4);
	ck_assert_str_eq(buf, "data");
	ck_assert_uint_eq(get_file(root_fd, used, buf, sizeof buf), 4);
	ck_assert_str_eq(buf, "bait");
	remove_root();
}
END_TEST

/* With a run id, temp names carry it: with every name that the write could
 * try taken (100 of them, from the same run id and pid), replacing f must
 * fail and leave it as it was. */
START_TEST(test_temp_names_carry_run_id)
{
	struct ib_error err = { 0 };
	char name[128], buf[64];

	make_root();
	put_file(root_fd, "f", "old");
	atomic_set_run_id("host.example-42");
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof name, ATOMIC_TEMP_PREFIX "host.example-42-%ld-%d",
			 (long)getpid(), i);
		put_file(root_fd, name, "taken");
	}
	ck_assert_int_eq(atomic_write(root_fd, "f", "data", 4, false, &err), -1);
	ck_assert_str_eq(err.msg, "creating a temp file for f: File exists");
	ck_assert_uint_eq(get_file(root_fd, "f", buf, sizeof buf), 3);
	ck_assert_str_eq(buf, "old");
	atomic_set_run_id("");
	ck_assert_int_eq(atomic_write(root_fd, "f", "data", 4, false, &err), 0);
	ck_assert_uint_eq(get_file(root_fd, "f", buf, sizeof buf), 4);
	remove_root();
}
END_TEST

/*
 * A new name is written as an unnamed file and linked in whole: a writer
 * killed mid-write (SIGXFSZ, no cleanup) leaves nothing at all, where the
 * named temp file of a replacement stays (the test above).  And the temp
 * names taken do not matter to it.
 */
START_TEST(test_new_name_killed_leaves_nothing)
{
	char msg[256], list[256];
	struct ib_error err = { 0 };
	pid_t pid;

	make_root();
	int probe = openat(root_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (probe < 0) {
		printf("SKIP: test_new_name_killed_leaves_nothing: no O_TMPFILE here (%s)\n",
		       strerror(errno));
		remove_root();
		return;
	}
	close(probe);
	ck_assert_int_eq(run_child(XFSZ_NO_CLEANUP, &pid, msg, sizeof msg), 4);
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, "");
	ck_assert_int_eq(run_child(XFSZ_IGNORE, &pid, msg, sizeof msg), 0);
	ck_assert_str_eq(msg, "writing big: File too large");
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, "");

	for (int i = 0; i < 100; i++) {
		char name[64];
		temp_name_of(getpid(), (unsigned)i, name, sizeof name);
		put_file(root_fd, name, "taken");
	}
	ck_assert_int_eq(atomic_write(root_fd, "new", "data", 4, true, &err), 0);
	ck_assert(exists_at(root_fd, "new"));
	remove_root();
}
END_TEST

/* ---- atomic_open_dir ------------------------------------------------------- */

static void assert_same_dir(int a, int b)
{
	struct stat sa, sb;

	ck_assert_int_eq(fstat(a, &sa), 0);
	ck_assert_int_eq(fstat(b, &sb), 0);
	ck_assert(sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

START_TEST(test_open_dir_base)
{
	struct ib_error err = { 0 };
	const char *const rels[] = { "", ".", "./", ".//.", "././" };

	make_root();
	for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++) {
		int fd = atomic_open_dir(root_fd, rels[i], false, &err);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_ne(fd, root_fd);
		assert_same_dir(fd, root_fd);
		close(fd);
	}
	remove_root();
}
END_TEST

START_TEST(test_open_dir_creates_nested)
{
	struct ib_error err = { 0 };
	char path[128], list[256];
	struct stat st;
	int fd, again;

	make_root();
	fd = atomic_open_dir(root_fd, "x/y//z/", true, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert_int_eq(atomic_write(fd, "f.jpg", "ok", 2, false, &err), 0);
	snprintf(path, sizeof path, "%s/x/y/z/f.jpg", tmp_root);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 2);
	snprintf(path, sizeof path, "%s/x/y", tmp_root);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755);    /* 0777 & ~022 */

	again = atomic_open_dir(root_fd, "x/y/z", false, &err);
	ck_assert_int_ge(again, 0);
	assert_same_dir(fd, again);
	close(again);
	close(fd);

	ck_assert_int_eq(atomic_open_dir(root_fd, "q/r", false, &err), -1);
	ck_assert_str_eq(err.msg, "opening output directory 'q': No such file or directory");
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, "x");
	remove_root();
}
END_TEST

START_TEST(test_open_dir_rejects_bad_paths)
{
	struct ib_error err = { 0 };
	char list[256], rel[300];

	make_root();
	ck_assert_int_eq(atomic_open_dir(root_fd, "a/../b", true, &err), -1);
	ck_assert_str_eq(err.msg, "output directory 'a/../b' has a '..' component");
	ck_assert_int_eq(atomic_open_dir(root_fd, "..", true, &err), -1);
	ck_assert_str_eq(err.msg, "output directory '..' has a '..' component");
	ck_assert_int_eq(atomic_open_dir(root_fd, "/tmp", true, &err), -1);
	ck_assert_str_eq(err.msg, "output directory '/tmp' is not relative");
	memset(rel, 'n', sizeof rel);
	memcpy(rel, "a/", 2);
	rel[2 + 256] = '\0';
	ck_assert_int_eq(atomic_open_dir(root_fd, rel, true, &err), -1);
	/* the reason is cut to fit, before the strerror part */
	ck_assert(!strncmp(err.msg, "opening output directory 'a/nnn", 31));
	ck_assert_uint_eq(strlen(err.msg), IB_REASON_MAX - 1);
	/* nothing was created for any of them, not even "a" */
	list_dir(root_fd, list, sizeof list);
	ck_assert_str_eq(list, "");
	remove_root();
}
END_TEST

START_TEST(test_open_dir_refuses_symlink)
{
	struct ib_error err = { 0 };
	char outside[64] = "/tmp/check_atomic_out.XXXXXX";
	char list[256];
	int out_fd;

	make_root();
	ck_assert_ptr_nonnull(mkdtemp(outside));
	ck_assert_int_eq(symlinkat(outside, root_fd, "link"), 0);
	ck_assert_int_eq(mkdirat(root_fd, "a", 0755), 0);
	ck_assert_int_eq(symlinkat(outside, root_fd, "a/link2"), 0);
	put_file(root_fd, "file", "x");

	ck_assert_int_eq(atomic_open_dir(root_fd, "link/sub", true, &err), -1);
	ck_assert_str_eq(err.msg, "output directory component 'link' is a symlink; refusing to follow it");
	ck_assert_int_eq(atomic_open_dir(root_fd, "link", false, &err), -1);
	ck_assert_str_eq(err.msg, "output directory component 'link' is a symlink; refusing to follow it");
	ck_assert_int_eq(atomic_open_dir(root_fd, "./a/link2/sub/deeper", true, &err), -1);
	ck_assert_str_eq(err.msg, "output directory component './a/link2' is a symlink; refusing to follow it");
	ck_assert_int_eq(atomic_open_dir(root_fd, "file/sub", true, &err), -1);
	ck_assert_str_eq(err.msg, "output directory component 'file' is not a directory");

	out_fd = open(outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(out_fd, 0);
	list_dir(out_fd, list, sizeof list);
	ck_assert_str_eq(list, "");
	close(out_fd);
	ck_assert_int_eq(rmdir(outside), 0);
	remove_root();
}
END_TEST

/* Four processes create the same nested directory at the same moment; every
 * one must succeed and write its file there.  Several rounds widen the race. */
static void race_child(int go_fd, const char *rel, int index)
{
	struct ib_error err = { 0 };
	char name[16], c;
	int fd;

	if (read(go_fd, &c, 1) != 0)    /* returns 0 when the parent says go */
		_exit(2);
	fd = atomic_open_dir(root_fd, rel, true, &err);
	if (fd < 0)
		_exit(3);
	snprintf(name, sizeof name, "w%d", index);
	_exit(atomic_write(fd, name, name, strlen(name), false, &err) ? 4 : 0);
}

START_TEST(test_open_dir_concurrent_creation)
{
	enum { CHILDREN = 4, ROUNDS = 20 };

	make_root();
	for (int round = 0; round < ROUNDS; round++) {
		char rel[64], list[256];
		pid_t pids[CHILDREN];
		int go[2], status, fd;
		struct ib_error err = { 0 };

		snprintf(rel, sizeof rel, "r%d/s/t/u", round);
		ck_assert_int_eq(pipe(go), 0);
		for (int i = 0; i < CHILDREN; i++) {
			pids[i] = fork();
			ck_assert_int_ge(pids[i], 0);
			if (pids[i] == 0) {
				close(go[1]);
				race_child(go[0], rel, i);
			}
		}
		close(go[0]);
		close(go[1]);
		for (int i = 0; i < CHILDREN; i++) {
			ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
			ck_assert(WIFEXITED(status));
			ck_assert_int_eq(WEXITSTATUS(status), 0);
		}
		fd = atomic_open_dir(root_fd, rel, false, &err);
		ck_assert_int_ge(fd, 0);
		list_dir(fd, list, sizeof list);
		ck_assert_str_eq(list, "w0 w1 w2 w3");
		close(fd);
	}
	remove_root();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("atomic");
	TCase *tc = tcase_create("write");
	tcase_add_test(tc, test_write_creates_exact_content);
	tcase_add_test(tc, test_write_overwrites);
	tcase_add_test(tc, test_write_replaces_planted_symlink);
	tcase_add_test(tc, test_write_rejects_bad_names);
	tcase_add_test(tc, test_write_skips_stale_temp_name);
	tcase_add_test(tc, test_temp_names_carry_run_id);
	tcase_add_test(tc, test_new_name_killed_leaves_nothing);
	tcase_add_test(tc, test_write_failure_leaves_destination);
	tcase_add_test(tc, test_cleanup_on_signal_removes_temp);
	tcase_add_test(tc, test_signal_without_cleanup_leaves_temp);
	tcase_add_test(tc, test_cleanup_after_write_is_noop);
	suite_add_tcase(s, tc);

	tc = tcase_create("open_dir");
	tcase_add_test(tc, test_open_dir_base);
	tcase_add_test(tc, test_open_dir_creates_nested);
	tcase_add_test(tc, test_open_dir_rejects_bad_paths);
	tcase_add_test(tc, test_open_dir_refuses_symlink);
	tcase_add_test(tc, test_open_dir_concurrent_creation);
	suite_add_tcase(s, tc);
	return s;
}

