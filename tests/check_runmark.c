#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>

#include "disk/atomic.h"
#include "disk/runmark.h"
#include "tests/scratch_dir.h"
#include "tests/check_main.h"

static void make_subdir(const char *rel)
{
	ck_assert_int_eq(mkdirat(root_fd, rel, 0755), 0);
}

/* Holds name in root_fd locked in a child until the returned pipe closes. */
static pid_t hold_lock(const char *name, int *release_fd)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	int fd = openat(root_fd, name, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char c;
		close(fds[1]);
		_exit(flock(fd, LOCK_EX) == 0 && read(fds[0], &c, 1) >= 0 ? 0 : 1);
	}
	close(fds[0]);
	close(fd);
	*release_fd = fds[1];
	usleep(100 * 1000);  /* the child takes the lock */
	return pid;
}

START_TEST(test_id_is_host_and_pid)
{
	char id[RUNMARK_ID_MAX], pid[32];
	runmark_make_id(id, sizeof id);
	snprintf(pid, sizeof pid, "-%ld", (long)getpid());
	ck_assert_uint_gt(strlen(id), strlen(pid));
	ck_assert_str_eq(id + strlen(id) - strlen(pid), pid);
	for (const char *p = id; *p; p++)
		ck_assert_ptr_nonnull(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "0123456789.-_", *p));
}
END_TEST

/* A claimed mark is locked (so never swept); released, it is gone. */
START_TEST(test_claim_and_release)
{
	struct ib_error err = { 0 };
	make_root();
	int fd = runmark_claim(root_fd, "me-1", &err);
	ck_assert_int_ge(fd, 0);
	ck_assert(exists_at(root_fd, RUNMARK_PREFIX "me-1"));
	ck_assert(!exists_at(root_fd, ".imgbatch-new-run-me-1"));
	put_file(root_fd, ATOMIC_TEMP_PREFIX "me-1-7-0", "");
	ck_assert_uint_eq(runmark_sweep_dead(root_fd), 0);
	ck_assert(exists_at(root_fd, ATOMIC_TEMP_PREFIX "me-1-7-0"));
	runmark_release(root_fd, fd, "me-1");
	ck_assert(!exists_at(root_fd, RUNMARK_PREFIX "me-1"));
	remove_root();
}
END_TEST

START_TEST(test_claim_fails_cleanly)
{
	struct ib_error err = { 0 };
	ck_assert_int_eq(runmark_claim(-1, "me-1", &err), -1);
	ck_assert_str_eq(err.msg, "cannot create the run mark " RUNMARK_PREFIX "me-1: Bad file descriptor");
}
END_TEST

/*
 * A dead run's temp files go, in every directory below the root, and then
 * its mark; a live run's (its mark locked by another process) and names
 * that only look alike stay; a symlinked directory is not followed.
 */
START_TEST(test_sweep_removes_only_dead_runs_files)
{
	char outside[64] = "/tmp/check_outside.XXXXXX", planted[128];
	ck_assert_ptr_nonnull(mkdtemp(outside));
	snprintf(planted, sizeof planted, "%s/" ATOMIC_TEMP_PREFIX "dead-1-6-4", outside);
	int out_fd = open(outside, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(out_fd, 0);
	put_file(out_fd, ATOMIC_TEMP_PREFIX "dead-1-6-4", "x");
	make_root();
	make_subdir("a");
	make_subdir("a/b");
	ck_assert_int_eq(symlinkat(outside, root_fd, "a/link"), 0);
	put_file(root_fd, RUNMARK_PREFIX "dead-1", "");
	put_file(root_fd, ATOMIC_TEMP_PREFIX "dead-1-5-0", "x");
	put_file(root_fd, "a/b/" ATOMIC_TEMP_PREFIX "dead-1-6-3", "x");
	put_file(root_fd, ATOMIC_TEMP_PREFIX "dead-10-5-0", "other run");
	put_file(root_fd, "a/" ATOMIC_TEMP_PREFIX "live-2-5-0", "live run");
	put_file(root_fd, "a/photo.jpg", "an output");
	put_file(root_fd, RUNMARK_PREFIX "live-2", "");
	int release;
	pid_t holder = hold_lock(RUNMARK_PREFIX "live-2", &release);

	ck_assert_uint_eq(runmark_sweep_dead(root_fd), 2);
	ck_assert(!exists_at(root_fd, ATOMIC_TEMP_PREFIX "dead-1-5-0"));
	ck_assert(!exists_at(root_fd, "a/b/" ATOMIC_TEMP_PREFIX "dead-1-6-3"));
	ck_assert(!exists_at(root_fd, RUNMARK_PREFIX "dead-1"));
	ck_assert(exists_at(out_fd, ATOMIC_TEMP_PREFIX "dead-1-6-4"));  /* reached by a link only */
	ck_assert(exists_at(root_fd, ATOMIC_TEMP_PREFIX "dead-10-5-0"));
	ck_assert(exists_at(root_fd, "a/" ATOMIC_TEMP_PREFIX "live-2-5-0"));
	ck_assert(exists_at(root_fd, RUNMARK_PREFIX "live-2"));
	ck_assert(exists_at(root_fd, "a/photo.jpg"));

	/* the live run ends without releasing: now it is dead too */
	close(release);
	int status;
	ck_assert_int_eq(waitpid(holder, &status, 0), holder);
	ck_assert_int_eq(runmark_sweep_dead(root_fd), 1);
	ck_assert(!exists_at(root_fd, "a/" ATOMIC_TEMP_PREFIX "live-2-5-0"));
	ck_assert(!exists_at(root_fd, RUNMARK_PREFIX "live-2"));
	ck_assert_uint_eq(runmark_sweep_dead(root_fd), 0);
	remove_root();
	ck_assert_int_eq(unlink(planted), 0);
	close(out_fd);
	ck_assert_int_eq(rmdir(outside), 0);
}
END_TEST

/* A run whose workers died mid-write removes its own temp files, at any
 * depth, and nothing else; its mark stays (it is still running). */
START_TEST(test_sweep_run_removes_own_temps)
{
	struct ib_error err = { 0 };
	make_root();
	make_subdir("d");
	int fd = runmark_claim(root_fd, "me-3", &err);
	ck_assert_int_ge(fd, 0);
	put_file(root_fd, ATOMIC_TEMP_PREFIX "me-3-100-0", "");
	put_file(root_fd, "d/" ATOMIC_TEMP_PREFIX "me-3-101-4", "");
	put_file(root_fd, "d/" ATOMIC_TEMP_PREFIX "me-30-101-4", "");
	put_file(root_fd, "d/out.jpg", "");
	ck_assert_uint_eq(runmark_sweep_run(root_fd, "me-3"), 2);
	ck_assert(!exists_at(root_fd, ATOMIC_TEMP_PREFIX "me-3-100-0"));
	ck_assert(!exists_at(root_fd, "d/" ATOMIC_TEMP_PREFIX "me-3-101-4"));
	ck_assert(exists_at(root_fd, "d/" ATOMIC_TEMP_PREFIX "me-30-101-4"));
	ck_assert(exists_at(root_fd, "d/out.jpg"));
	ck_assert(exists_at(root_fd, RUNMARK_PREFIX "me-3"));
	runmark_release(root_fd, fd, "me-3");
	remove_root();
}
END_TEST

/* Something that is not a regular file under a mark's name is left alone. */
START_TEST(test_sweep_ignores_odd_marks)
{
	make_root();
	make_subdir(RUNMARK_PREFIX "dir-1");
	put_file(root_fd, ATOMIC_TEMP_PREFIX "dir-1-5-0", "");
	ck_assert_int_eq(symlinkat("/nonexistent", root_fd, RUNMARK_PREFIX "link-1"), 0);
	put_file(root_fd, ATOMIC_TEMP_PREFIX "link-1-5-0", "");
	ck_assert_uint_eq(runmark_sweep_dead(root_fd), 0);
	ck_assert(exists_at(root_fd, ATOMIC_TEMP_PREFIX "dir-1-5-0"));
	ck_assert(exists_at(root_fd, ATOMIC_TEMP_PREFIX "link-1-5-0"));
	remove_root();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("runmark");
	TCase *tc = tcase_create("runmark");
	tcase_add_test(tc, test_id_is_host_and_pid);
	tcase_add_test(tc, test_claim_and_release);
	tcase_add_test(tc, test_claim_fails_cleanly);
	tcase_add_test(tc, test_sweep_removes_only_dead_runs_files);
	tcase_add_test(tc, test_sweep_ignores_odd_marks);
	tcase_add_test(tc, test_sweep_run_removes_own_temps);
	suite_add_tcase(s, tc);
	return s;
}

