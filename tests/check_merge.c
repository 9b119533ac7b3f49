/* imgbatch report (src/report/merge.c): manifests merged into one account,
 * the last record of an input winning, shards covered or not, and the exit
 * statuses 0, 1 and 2.  Each test runs merge_main in its own process
 * (CK_FORK) with stdout and stderr sent to files it then reads. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/merge.h"
#include "tests/check_main.h"
#include "tests/scratch_dir.h"

static const char run_line[] =
	"{\"type\":\"run\",\"version\":\"0\",\"host\":\"h\",\"pid\":1,\"command\":\"convert\","
	"\"shard\":%u,\"shards\":%u,\"started\":100.0}\n";
static const char summary_line[] =
	"{\"type\":\"summary\",\"total\":0,\"done\":0,\"skipped\":0,\"failed\":0,"
	"\"interrupted\":false,\"seconds\":1.0,\"scan_complete\":%s}\n";

static void write_manifest(const char *name, unsigned shard, unsigned shards, const char *files,
			   bool complete)
{
	char text[4096];
	int n = snprintf(text, sizeof text, run_line, shard, shards);
	n += snprintf(text + n, sizeof text - (size_t)n, "%s", files);
	snprintf(text + n, sizeof text - (size_t)n, summary_line, complete ? "true" : "false");
	put_file(root_fd, name, text);
}

/* Runs `imgbatch report ARGS...` in the scratch folder; its exit status,
 * with what it printed in out (stdout) and err (stderr). */
static int report(char *out, size_t cap, char *err, const char *a, const char *b, const char *c)
{
	char *argv[] = { "report", (char *)a, (char *)b, (char *)c, NULL };
	int argc = c ? 4 : b ? 3 : 2;
	fflush(stdout);
	int saved_out = dup(1), saved_err = dup(2);
	int fo = openat(root_fd, "stdout", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int fe = openat(root_fd, "stderr", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fo, 1);
	dup2(fe, 2);
	int code = merge_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(fo);
	close(fe);
	FILE *f = fopen("stdout", "r");
	size_t n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	fclose(f);
	f = fopen("stderr", "r");
	n = fread(err, 1, 1023, f);
	err[n] = '\0';
	fclose(f);
	return code;
}

static void enter_scratch(void)
{
	make_root();
	ck_assert_int_eq(chdir(tmp_root), 0);
}

START_TEST(test_two_shards_merge_into_one_account)
{
	char out[4096], err[1024];
	enter_scratch();
	write_manifest("m0", 0, 2,
		       "{\"type\":\"file\",\"status\":\"done\",\"input\":\"a.jpg\"}\n"
		       "{\"type\":\"file\",\"status\":\"skipped\",\"input\":\"n.txt\",\"reason\":\"x\"}\n",
		       true);
	write_manifest("m1", 1, 2, "{\"type\":\"file\",\"status\":\"done\",\"input\":\"b.jpg\"}\n", true);
	ck_assert_int_eq(report(out, sizeof out, err, "m0", "m1", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "2 manifests, 2 runs; 3 files: 2 done, 1 skipped, 0 failed"));
	remove_root();
}
END_TEST

START_TEST(test_last_record_wins_and_failures_are_listed)
{
	char out[4096], err[1024];
	enter_scratch();
	write_manifest("first", 0, 1,
		       "{\"type\":\"file\",\"status\":\"failed\",\"input\":\"a.jpg\",\"reason\":\"disk full\"}\n"
		       "{\"type\":\"file\",\"status\":\"failed\",\"input\":\"b.jpg\",\"reason\":\"bad\"}\n",
		       true);
	write_manifest("rerun", 0, 1, "{\"type\":\"file\",\"status\":\"done\",\"input\":\"a.jpg\"}\n", true);
	ck_assert_int_eq(report(out, sizeof out, err, "first", "rerun", NULL), 1);
	ck_assert_ptr_nonnull(strstr(out, "2 files: 1 done, 0 skipped, 1 failed"));
	ck_assert_ptr_nonnull(strstr(out, "  failed: b.jpg: bad\n"));
	ck_assert_ptr_null(strstr(out, "disk full"));
	/* --json says the same */
	ck_assert_int_eq(report(out, sizeof out, err, "--json", "first", "rerun"), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"total\":2,\"done\":1,\"skipped\":0,\"failed\":1"));
	remove_root();
}
END_TEST

START_TEST(test_a_shard_without_a_finished_run_is_not_covered)
{
	char out[4096], err[1024];
	enter_scratch();
	write_manifest("m0", 0, 3, "{\"type\":\"file\",\"status\":\"done\",\"input\":\"a.jpg\"}\n", true);
	write_manifest("m2", 2, 3, "{\"type\":\"file\",\"status\":\"done\",\"input\":\"c.jpg\"}\n", false);
	ck_assert_int_eq(report(out, sizeof out, err, "m0", "m2", NULL), 1);
	ck_assert_ptr_nonnull(strstr(out, "2 shards without a finished run"));
	ck_assert_ptr_nonnull(strstr(out, "1/3"));
	ck_assert_ptr_nonnull(strstr(out, "2/3"));
	remove_root();
}
END_TEST

START_TEST(test_unreadable_and_foreign_files_are_exit_2)
{
	char out[4096], err[1024];
	enter_scratch();
	ck_assert_int_eq(report(out, sizeof out, err, "missing", NULL, NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "cannot open missing"));
	put_file(root_fd, "notes.txt", "hello\nworld\n");
	ck_assert_int_eq(report(out, sizeof out, err, "notes.txt", NULL, NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "not a manifest"));
	ck_assert_int_eq(report(out, sizeof out, err, "--bogus", "x", NULL), 2);
	remove_root();
}
END_TEST

START_TEST(test_cut_lines_are_counted_not_fatal)
{
	char out[4096], err[1024];
	enter_scratch();
	write_manifest("m", 0, 1,
		       "{\"type\":\"file\",\"status\":\"done\",\"input\":\"a.jpg\"}\n"
		       "{\"type\":\"file\",\"status\":\"do\n", true);
	ck_assert_int_eq(report(out, sizeof out, err, "m", NULL, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "1 manifest, 1 run; 1 file: 1 done"));
	ck_assert_ptr_nonnull(strstr(out, "1 unreadable line (cut short"));
	remove_root();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("merge");
	TCase *tc = tcase_create("report");
	tcase_add_test(tc, test_two_shards_merge_into_one_account);
	tcase_add_test(tc, test_last_record_wins_and_failures_are_listed);
	tcase_add_test(tc, test_a_shard_without_a_finished_run_is_not_covered);
	tcase_add_test(tc, test_unreadable_and_foreign_files_are_exit_2);
	tcase_add_test(tc, test_cut_lines_are_counted_not_fatal);
	suite_add_tcase(s, tc);
	return s;
}
