#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/shard.h"
#include "tests/check_main.h"

/* FNV-1a 64 reference values (the algorithm's published test vectors). */
START_TEST(test_hash_is_fnv1a_64)
{
	ck_assert_uint_eq(shard_hash(""), 0xcbf29ce484222325ull);
	ck_assert_uint_eq(shard_hash("a"), 0xaf63dc4c8601ec8cull);
	ck_assert_uint_eq(shard_hash("foobar"), 0x85944171f73967e8ull);
}
END_TEST

/* 100,000 photo-like names: each in exactly one shard, every shard within
 * 3% of its fair share for up to 16 shards (and within 5 standard
 * deviations of a fair coin, 16% here, for 100). */
START_TEST(test_partition_is_exact_and_balanced)
{
	static const uint32_t counts[] = { 1, 2, 4, 7, 16, 100 };
	enum { NAMES = 100000 };
	char name[64];
	for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
		uint32_t n = counts[c];
		unsigned *per = calloc(n, sizeof *per);
		ck_assert_ptr_nonnull(per);
		for (unsigned i = 0; i < NAMES; i++) {
			snprintf(name, sizeof name, "2026/%02u/IMG_%05u.JPG", i % 12 + 1, i);
			unsigned owners = 0;
			for (uint32_t k = 0; k < n; k++) {
				struct shard s = { .index = k, .count = n };
				if (shard_owns(&s, name)) {
					owners++;
					per[k]++;
				}
			}
			ck_assert_uint_eq(owners, 1);
		}
		double fair = (double)NAMES / n;
		double slack = n <= 16 ? fair * 0.03 : 5 * sqrt(fair);
		for (uint32_t k = 0; k < n; k++)
			ck_assert_msg(per[k] > fair - slack && per[k] < fair + slack,
				      "shard %u/%u has %u names, fair share %.0f", k, n, per[k], fair);
		free(per);
	}
}
END_TEST

START_TEST(test_no_shard_owns_everything)
{
	struct shard none = { 0 };
	ck_assert(shard_owns(&none, "anything"));
}
END_TEST

static void expect_parse(const char *arg, const char *count, uint32_t k, uint32_t n)
{
	struct shard s;
	struct ib_error err = { 0 };
	ck_assert_msg(shard_parse(arg, count, &s, &err) == 0, "%s: %s", arg, err.msg);
	ck_assert_uint_eq(s.index, k);
	ck_assert_uint_eq(s.count, n);
}

static void expect_refused(const char *arg, const char *count, const char *msg)
{
	struct shard s;
	struct ib_error err = { 0 };
	ck_assert_int_eq(shard_parse(arg, count, &s, &err), -1);
	ck_assert_str_eq(err.msg, msg);
}

static void clear_env(void)
{
	unsetenv("SLURM_ARRAY_TASK_ID");
	unsetenv("SLURM_ARRAY_TASK_MIN");
	unsetenv("SLURM_ARRAY_TASK_MAX");
	unsetenv("SLURM_ARRAY_TASK_COUNT");
	unsetenv("JOB_COMPLETION_INDEX");
	unsetenv("IMGBATCH_SHARD_COUNT");
}

START_TEST(test_parse_explicit)
{
	clear_env();
	expect_parse("0/1", NULL, 0, 1);
	expect_parse("3/4", NULL, 3, 4);
	expect_refused("4/4", NULL, "--shard: shard 4 is not in 0..3");
	expect_refused("0/0", NULL, "--shard: the shard count must be from 1 to 1000000");
	expect_refused("1", NULL, "use K/N (0 <= K < N) or auto");
	expect_refused("-1/4", NULL, "use K/N (0 <= K < N) or auto");
	expect_refused("a/4", NULL, "use K/N (0 <= K < N) or auto");
	expect_refused("1/4x", NULL, "use K/N (0 <= K < N) or auto");
	expect_refused("auto", NULL, "--shard auto: not in a Slurm job array (SLURM_ARRAY_TASK_ID) "
		       "or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)");
}
END_TEST

START_TEST(test_parse_slurm)
{
	clear_env();
	setenv("SLURM_ARRAY_TASK_ID", "2", 1);
	setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
	setenv("SLURM_ARRAY_TASK_MIN", "0", 1);
	setenv("SLURM_ARRAY_TASK_MAX", "3", 1);
	expect_parse("auto", NULL, 2, 4);
	/* --array=1-8: ids from 1, no count variable (older Slurm) */
	unsetenv("SLURM_ARRAY_TASK_COUNT");
	setenv("SLURM_ARRAY_TASK_ID", "8", 1);
	setenv("SLURM_ARRAY_TASK_MIN", "1", 1);
	setenv("SLURM_ARRAY_TASK_MAX", "8", 1);
	expect_parse("auto", NULL, 7, 8);
	unsetenv("SLURM_ARRAY_TASK_MAX");
	expect_refused("auto", NULL, "--shard auto: neither SLURM_ARRAY_TASK_COUNT nor "
		       "SLURM_ARRAY_TASK_MAX is set");
	/* a stepped array (--array=0-6:2) does not number shards 0..N-1 */
	setenv("SLURM_ARRAY_TASK_ID", "6", 1);
	setenv("SLURM_ARRAY_TASK_MIN", "0", 1);
	setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
	expect_refused("auto", NULL, "--shard auto (Slurm): shard 6 is not in 0..3");
	clear_env();
}
END_TEST

START_TEST(test_parse_kubernetes)
{
	clear_env();
	setenv("JOB_COMPLETION_INDEX", "5", 1);
	expect_refused("auto", NULL, "--shard auto: a Kubernetes Indexed Job needs the shard "
		       "count: --shard-count N or IMGBATCH_SHARD_COUNT");
	expect_parse("auto", "8", 5, 8);
	setenv("IMGBATCH_SHARD_COUNT", "6", 1);
	expect_parse("auto", NULL, 5, 6);
	expect_parse("auto", "10", 5, 10);   /* the option wins */
	expect_refused("auto", "5", "--shard auto (Kubernetes): shard 5 is not in 0..4");
	clear_env();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("shard");
	TCase *tc = tcase_create("shard");
	tcase_add_test(tc, test_hash_is_fnv1a_64);
	tcase_add_test(tc, test_partition_is_exact_and_balanced);
	tcase_add_test(tc, test_no_shard_owns_everything);
	tcase_add_test(tc, test_parse_explicit);
	tcase_add_test(tc, test_parse_slurm);
	tcase_add_test(tc, test_parse_kubernetes);
	suite_add_tcase(s, tc);
	return s;
}

