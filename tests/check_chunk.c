/* Chunk planning: the pure rule behind --chunk auto. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "engine/chunk.h"
#include "tests/check_main.h"

START_TEST(test_nothing_queued)
{
	ck_assert_uint_eq(chunk_next_size(0, 0, true, 2), 0);
	ck_assert_uint_eq(chunk_next_size(8, 0, false, 2), 0);
}
END_TEST

START_TEST(test_requested_size_is_capped_by_queue)
{
	ck_assert_uint_eq(chunk_next_size(8, 100, false, 2), 8);
	ck_assert_uint_eq(chunk_next_size(8, 3, true, 2), 3);
	ck_assert_uint_eq(chunk_next_size(1, 4096, false, 16), 1);
}
END_TEST

START_TEST(test_auto_follows_python_pool_rule_when_scan_done)
{
	/* ceil(n / (4 * workers)) */
	ck_assert_uint_eq(chunk_next_size(0, 100, true, 2), 13);
	ck_assert_uint_eq(chunk_next_size(0, 8, true, 2), 1);
	ck_assert_uint_eq(chunk_next_size(0, 9, true, 2), 2);
	ck_assert_uint_eq(chunk_next_size(0, 1, true, 4), 1);
	ck_assert_uint_eq(chunk_next_size(0, 160, true, 4), 10);
}
END_TEST

START_TEST(test_auto_is_capped)
{
	ck_assert_uint_eq(chunk_next_size(0, 4096, true, 2), CHUNK_AUTO_MAX);
	ck_assert_uint_eq(chunk_next_size(0, 1000000, false, 1), CHUNK_AUTO_MAX);
}
END_TEST

START_TEST(test_auto_keeps_half_back_while_scanning)
{
	/* With 1 worker, the rule alone would hand out ceil(3/4) = 1; with 6
	 * queued it would be 2: both fine.  With 1 worker and 4 queued it is 1. */
	ck_assert_uint_eq(chunk_next_size(0, 4, false, 1), 1);
	/* workers = 0 is treated as 1 and a single queued task still goes out. */
	ck_assert_uint_eq(chunk_next_size(0, 1, false, 0), 1);
	/* Scanning, a backlog of 2 never goes to one worker at once. */
	ck_assert_uint_eq(chunk_next_size(0, 2, false, 1), 1);
}
END_TEST

START_TEST(test_auto_shrinks_toward_the_tail)
{
	size_t prev = SIZE_MAX;
	for (size_t queued = 4096; queued > 0; queued /= 2) {
		size_t n = chunk_next_size(0, queued, true, 2);
		ck_assert_uint_le(n, prev);
		ck_assert_uint_ge(n, 1);
		ck_assert_uint_le(n, queued);
		prev = n;
	}
	ck_assert_uint_eq(prev, 1);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("chunk");
	TCase *tc = tcase_create("plan");
	tcase_add_test(tc, test_nothing_queued);
	tcase_add_test(tc, test_requested_size_is_capped_by_queue);
	tcase_add_test(tc, test_auto_follows_python_pool_rule_when_scan_done);
	tcase_add_test(tc, test_auto_is_capped);
	tcase_add_test(tc, test_auto_keeps_half_back_while_scanning);
	tcase_add_test(tc, test_auto_shrinks_toward_the_tail);
	suite_add_tcase(s, tc);
	return s;
}
