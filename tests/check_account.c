/* The account: counts, failures as they happen and in the summary, JSON
 * lines to stdout and the manifest, the summary and the exit status. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "engine/account.h"
#include "util/json.h"
#include "tests/check_main.h"

static const struct command things_command = {
	.name = "things", .item_noun = "things", .item_one = "thing", .done_word = "made",
};

struct fixture {
	struct job job;
	struct account acc;
	FILE *out, *err;
	char *out_text, *err_text;
	size_t out_len, err_len;
};

static void start(struct fixture *f, bool json, bool quiet)
{
	memset(f, 0, sizeof *f);
	f->job.command = &things_command;
	f->job.json = json;
	f->job.progress = quiet ? PROGRESS_QUIET : PROGRESS_AUTO;
	f->out = open_memstream(&f->out_text, &f->out_len);
	f->err = open_memstream(&f->err_text, &f->err_len);
	account_init(&f->acc, &f->job, f->out, f->err);
}

/* Ends the account; its exit status.  The streams' text is then readable. */
static int finish(struct fixture *f, bool interrupted, bool scan_done)
{
	int code = account_finish(&f->acc, interrupted, scan_done);
	account_release(&f->acc);
	fclose(f->out);
	fclose(f->err);
	return code;
}

static void stop(struct fixture *f)
{
	free(f->out_text);
	free(f->err_text);
}

static void write_line(FILE *out, const void *ctx)
{
	const struct outcome *oc = ctx;
	fprintf(out, "{\"status\":\"%s\"", account_status_name(oc->status));
	account_put_path(out, "input", oc->input);
	fputs("}\n", out);
}

/* One input's outcome as a command's outcome hook gives it. */
static void record(struct fixture *f, const char *input, enum result_status status,
		   const char *reason, uint64_t in_bytes)
{
	static struct wire_result res;
	wire_result_init(&res, 1);
	res.in_bytes = in_bytes;
	struct outcome oc = { .input = input, .status = status, .reason = reason, .res = &res };
	account_seen(&f->acc);
	account_count(&f->acc, &oc);
	account_emit(&f->acc, write_line, &oc);
}

START_TEST(test_counts_failures_and_exit_status)
{
	struct fixture f;
	start(&f, false, false);
	record(&f, "a", RESULT_DONE, "", 10);
	record(&f, "b", RESULT_SKIPPED, "not an image", 5);
	record(&f, "c", RESULT_FAILED, "boom", 1);
	record(&f, "d", RESULT_DONE, "", 10);
	ck_assert_int_eq(finish(&f, false, true), 1);
	ck_assert_uint_eq(f.acc.done, 2);
	ck_assert_uint_eq(f.acc.skipped, 1);
	ck_assert_uint_eq(f.acc.failed, 1);
	ck_assert_uint_eq(f.acc.in_bytes, 26);
	ck_assert_uint_eq(f.out_len, 0);          /* no --json: no lines */
	ck_assert_ptr_nonnull(strstr(f.err_text, "imgbatch: c: boom\n"));
	ck_assert_ptr_nonnull(strstr(f.err_text, "imgbatch: 4 things: 2 made, 1 skipped, 1 failed in "));
	ck_assert_ptr_nonnull(strstr(f.err_text, "; read 26 bytes, wrote 0 bytes\n"));
	ck_assert_ptr_nonnull(strstr(f.err_text, "\n  failed: c: boom\n"));
	/* skips are not failures, but the summary says why they were skipped */
	ck_assert_ptr_null(strstr(f.err_text, "failed: b"));
	ck_assert_ptr_nonnull(strstr(f.err_text, "\n  skipped: 1 not an image (--json lists each)\n"));
	stop(&f);
}
END_TEST

START_TEST(test_all_done_is_zero_and_quiet_is_silent)
{
	struct fixture f;
	start(&f, false, true);
	record(&f, "a", RESULT_DONE, "", 1);
	record(&f, "b", RESULT_SKIPPED, "up to date", 1);
	ck_assert_int_eq(finish(&f, false, true), 0);
	ck_assert_uint_eq(f.err_len, 0);
	stop(&f);
}
END_TEST

/* --quiet: one line per failed input, and nothing else. */
START_TEST(test_quiet_prints_only_failures)
{
	struct fixture f;
	start(&f, false, true);
	record(&f, "a", RESULT_FAILED, "bad", 1);
	record(&f, "b", RESULT_SKIPPED, "up to date", 1);
	record(&f, "c", RESULT_FAILED, "worse", 1);
	ck_assert_int_eq(finish(&f, false, true), 1);
	ck_assert_str_eq(f.err_text, "imgbatch: a: bad\nimgbatch: c: worse\n");
	stop(&f);
}
END_TEST

START_TEST(test_skips_counted_by_reason)
{
	struct fixture f;
	char name[32];
	start(&f, true, false);
	for (int i = 0; i < 3; i++)
		record(&f, "u", RESULT_SKIPPED, "up to date", 0);
	record(&f, "p", RESULT_SKIPPED, "unsupported format PSD", 0);
	/* more distinct reasons than are counted apart: the rest are grouped */
	for (int i = 0; i < ACCOUNT_SKIP_REASONS + 2; i++) {
		snprintf(name, sizeof name, "reason %d", i);
		record(&f, "x", RESULT_SKIPPED, name, 0);
	}
	ck_assert_int_eq(finish(&f, false, true), 0);
	ck_assert_ptr_nonnull(strstr(f.err_text, "  skipped: 3 up to date, 1 unsupported format PSD, "
				     "1 reason 0, "));
	ck_assert_ptr_nonnull(strstr(f.err_text, ", 1 reason 12, 5 other reasons\n"));
	ck_assert_ptr_nonnull(strstr(f.out_text, "{\"type\":\"skips\",\"reason\":\"up to date\","
				     "\"count\":3}\n{\"type\":\"skips\",\"reason\":"
				     "\"unsupported format PSD\",\"count\":1}\n"));
	ck_assert_ptr_nonnull(strstr(f.out_text, "{\"type\":\"skips\",\"reason\":\"other reasons\","
				     "\"count\":5}\n{\"type\":\"summary\""));
	stop(&f);
}
END_TEST

/* A done input's reason is a warning: printed, and counted apart. */
START_TEST(test_warnings_counted)
{
	struct fixture f;
	start(&f, false, false);
	record(&f, "a", RESULT_DONE, "JPEG: corrupt data: x", 1);
	record(&f, "b", RESULT_DONE, "", 1);
	ck_assert_int_eq(finish(&f, false, true), 0);
	ck_assert_ptr_nonnull(strstr(f.err_text, "imgbatch: warning: a: JPEG: corrupt data: x\n"));
	ck_assert_ptr_nonnull(strstr(f.err_text, ": 2 made (1 with a warning), 0 skipped"));
	ck_assert_ptr_null(strstr(f.err_text, "failed: a"));
	stop(&f);
	start(&f, true, false);
	record(&f, "a", RESULT_DONE, "w", 1);
	record(&f, "b", RESULT_DONE, "w", 1);
	ck_assert_int_eq(finish(&f, false, true), 0);
	ck_assert_ptr_null(strstr(f.err_text, "warning: a"));   /* with --json, in the JSON */
	ck_assert_ptr_nonnull(strstr(f.out_text, "\"not_started\":0,\"warnings\":2,"));
	stop(&f);
}
END_TEST

START_TEST(test_bytes_in_decimal_units)
{
	struct fixture f;
	start(&f, false, false);
	record(&f, "a", RESULT_DONE, "", 1);
	record(&f, "b", RESULT_DONE, "", 12345678);
	f.acc.out_bytes = 999;
	ck_assert_int_eq(finish(&f, false, true), 0);
	ck_assert_ptr_nonnull(strstr(f.err_text, "; read 12.3 MB, wrote 999 bytes\n"));
	stop(&f);
}
END_TEST

START_TEST(test_json_lines_and_summary)
{
	struct fixture f;
	start(&f, true, true);
	record(&f, "a", RESULT_DONE, "", 7);
	record(&f, "b\xff", RESULT_FAILED, "bad", 3);
	ck_assert_int_eq(finish(&f, false, true), 1);
	ck_assert_ptr_null(strstr(f.err_text, "imgbatch: b"));   /* failures go to JSON */
	ck_assert_ptr_nonnull(strstr(f.out_text, "{\"status\":\"done\",\"input\":\"a\"}\n"));
	/* a name that is not UTF-8 comes with its bytes in hex */
	ck_assert_ptr_nonnull(strstr(f.out_text, "\"input_hex\":\"62ff\""));
	const char *summary = strstr(f.out_text, "{\"type\":\"summary\"");
	ck_assert_ptr_nonnull(summary);
	ck_assert_ptr_nonnull(strstr(summary, "\"total\":2,\"done\":1,\"skipped\":0,\"failed\":1,"
				     "\"not_started\":0,\"warnings\":0,\"interrupted\":false"));
	ck_assert_ptr_nonnull(strstr(summary, "\"input_bytes\":10"));
	stop(&f);
}
END_TEST

/* Inputs never started are neither skipped nor in the rate. */
START_TEST(test_interrupted_is_130)
{
	struct fixture f;
	start(&f, false, false);
	record(&f, "a", RESULT_DONE, "", 1);
	record(&f, "b", RESULT_NOT_STARTED, "interrupted", 0);
	record(&f, "c", RESULT_NOT_STARTED, "interrupted", 0);
	f.acc.start -= 2.0;   /* as if the run took two seconds */
	ck_assert_int_eq(finish(&f, true, false), 130);
	ck_assert_uint_eq(f.acc.skipped, 0);
	ck_assert_uint_eq(f.acc.not_started, 2);
	ck_assert_ptr_nonnull(strstr(f.err_text, "3 things: 1 made, 0 skipped, 0 failed, "
				     "2 not started in 2.00 s (0.5 things/s)"));
	ck_assert_ptr_nonnull(strstr(f.err_text, "; interrupted\n"));
	ck_assert_ptr_nonnull(strstr(f.err_text, "the scan was interrupted"));
	stop(&f);
}
END_TEST

START_TEST(test_failure_list_is_bounded)
{
	struct fixture f;
	start(&f, false, false);
	for (int i = 0; i < ACCOUNT_MAX_LISTED + 5; i++)
		record(&f, "x", RESULT_FAILED, "bad", 0);
	ck_assert_int_eq(finish(&f, false, true), 1);
	ck_assert_uint_eq(f.acc.failed, ACCOUNT_MAX_LISTED + 5);
	ck_assert_ptr_nonnull(strstr(f.err_text, "  ... and 5 more failures (use --json for all)"));
	stop(&f);
}
END_TEST

START_TEST(test_manifest_gets_run_lines_and_summary)
{
	char path[] = "/tmp/check_account.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	struct fixture f;
	struct ib_error err;
	start(&f, false, true);
	f.job.shard = (struct shard){ .index = 1, .count = 3 };
	ck_assert_int_eq(account_open_manifest(&f.acc, path, &err), 0);
	record(&f, "a", RESULT_DONE, "", 1);
	ck_assert_int_eq(finish(&f, false, false), 0);
	FILE *m = fopen(path, "r");
	char line[512];
	ck_assert_ptr_nonnull(fgets(line, sizeof line, m));
	ck_assert_ptr_nonnull(strstr(line, "{\"type\":\"run\""));
	ck_assert_ptr_nonnull(strstr(line, "\"command\":\"things\",\"shard\":1,\"shards\":3"));
	ck_assert_ptr_nonnull(fgets(line, sizeof line, m));
	ck_assert_str_eq(line, "{\"status\":\"done\",\"input\":\"a\"}\n");
	ck_assert_ptr_nonnull(fgets(line, sizeof line, m));
	ck_assert_ptr_nonnull(strstr(line, "\"type\":\"summary\",\"total\":1"));
	ck_assert_ptr_nonnull(strstr(line, "\"scan_complete\":false}"));
	ck_assert_ptr_null(fgets(line, sizeof line, m));
	fclose(m);
	unlink(path);
	ck_assert_int_eq(account_open_manifest(&f.acc, "/nonexistent/dir/m", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot open the manifest /nonexistent/dir/m"));
	stop(&f);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("account");
	TCase *tc = tcase_create("account");
	tcase_add_test(tc, test_counts_failures_and_exit_status);
	tcase_add_test(tc, test_all_done_is_zero_and_quiet_is_silent);
	tcase_add_test(tc, test_quiet_prints_only_failures);
	tcase_add_test(tc, test_skips_counted_by_reason);
	tcase_add_test(tc, test_bytes_in_decimal_units);
	tcase_add_test(tc, test_warnings_counted);
	tcase_add_test(tc, test_json_lines_and_summary);
	tcase_add_test(tc, test_interrupted_is_130);
	tcase_add_test(tc, test_failure_list_is_bounded);
	tcase_add_test(tc, test_manifest_gets_run_lines_and_summary);
	suite_add_tcase(s, tc);
	return s;
}

