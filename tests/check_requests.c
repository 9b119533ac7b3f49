/* The D-Bus thumbnailer's request queue (src/thumbnail/requests.c): the
 * order the schedulers serve URIs in, Dequeue, when a request is finished,
 * handles, and which URIs a request may name. */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tests/check_main.h"
#include "thumbnail/requests.h"

static const char *const two[] = { "file:///a.jpg", "file:///b.jpg" };

static uint32_t add(struct thumb_requests *q, enum thumb_scheduler s, size_t n)
{
	uint32_t handle;
	ck_assert_int_eq(thumb_requests_add(q, two, n, THUMB_LARGE, s, &handle), 0);
	return handle;
}

/* Takes the next URI: "HANDLE:INDEX", or "" when none waits. */
static const char *take(struct thumb_requests *q)
{
	static char out[32];
	struct thumb_request *r = thumb_requests_next(q);
	if (!r)
		return "";
	size_t index = thumb_request_take(q, r);
	snprintf(out, sizeof out, "%u:%zu", (unsigned)r->handle, index);
	return out;
}

START_TEST(test_foreground_newest_first_then_arrival_order)
{
	struct thumb_requests q;
	thumb_requests_init(&q);
	uint32_t bg = add(&q, SCHEDULER_BACKGROUND, 2);
	uint32_t def = add(&q, SCHEDULER_DEFAULT, 1);
	uint32_t fg1 = add(&q, SCHEDULER_FOREGROUND, 1);
	uint32_t fg2 = add(&q, SCHEDULER_FOREGROUND, 1);
	ck_assert_uint_eq(bg, 1);
	ck_assert_uint_eq(fg2, 4);
	ck_assert_uint_eq(q.uris_waiting, 5);
	ck_assert_str_eq(take(&q), "4:0");   /* the newest foreground request */
	ck_assert_str_eq(take(&q), "3:0");
	ck_assert_str_eq(take(&q), "1:0");   /* then as they came */
	ck_assert_str_eq(take(&q), "1:1");
	ck_assert_str_eq(take(&q), "2:0");
	ck_assert_str_eq(take(&q), "");
	ck_assert_uint_eq(q.uris_waiting, 0);
	(void)def;
	(void)fg1;
	thumb_requests_release(&q);
}
END_TEST

START_TEST(test_finished_when_every_uri_is_answered)
{
	struct thumb_requests q;
	thumb_requests_init(&q);
	struct thumb_request *r = thumb_requests_find(&q, add(&q, SCHEDULER_DEFAULT, 2));
	ck_assert(!r->started);
	take(&q);
	ck_assert(r->started);
	ck_assert(!thumb_request_answered(r));   /* one still to take */
	take(&q);
	ck_assert(!thumb_request_done(r));
	ck_assert(thumb_request_answered(r));
	thumb_requests_remove(&q, r);
	ck_assert_uint_eq(q.len, 0);
	thumb_requests_release(&q);
}
END_TEST

START_TEST(test_dequeue_drops_what_was_not_taken)
{
	struct thumb_requests q;
	thumb_requests_init(&q);
	uint32_t h = add(&q, SCHEDULER_DEFAULT, 2);
	uint32_t other = add(&q, SCHEDULER_DEFAULT, 1);
	struct thumb_request *r = thumb_requests_find(&q, h);
	take(&q);
	ck_assert(thumb_requests_dequeue(&q, h));
	ck_assert(!thumb_requests_dequeue(&q, 99));
	ck_assert_uint_eq(q.uris_waiting, 1);
	ck_assert(!thumb_request_done(r));       /* its taken URI is not answered */
	ck_assert_str_eq(take(&q), "2:0");       /* the other request goes on */
	ck_assert(thumb_request_answered(r));
	ck_assert_uint_eq(other, 2);
	thumb_requests_release(&q);
}
END_TEST

START_TEST(test_unknown_flavor_takes_all_at_once)
{
	struct thumb_requests q;
	uint32_t h;
	thumb_requests_init(&q);
	ck_assert_int_eq(thumb_requests_add(&q, two, 2, thumb_flavor_parse("huge"),
					    SCHEDULER_DEFAULT, &h), 0);
	struct thumb_request *r = thumb_requests_find(&q, h);
	ck_assert_int_eq(r->flavor, THUMB_NSIZES);
	ck_assert_uint_eq(thumb_request_take_all(&q, r), 2);
	ck_assert_uint_eq(q.uris_waiting, 0);
	ck_assert_ptr_null(thumb_requests_next(&q));
	thumb_requests_release(&q);
}
END_TEST

START_TEST(test_handles_skip_zero_and_those_in_use)
{
	struct thumb_requests q;
	thumb_requests_init(&q);
	uint32_t first = add(&q, SCHEDULER_DEFAULT, 0);
	q.last_handle = UINT32_MAX;
	ck_assert_uint_eq(add(&q, SCHEDULER_DEFAULT, 0), 2);   /* 0 and 1 are taken or void */
	ck_assert_uint_eq(first, 1);
	thumb_requests_release(&q);
}
END_TEST

START_TEST(test_names_of_schedulers_and_flavors)
{
	ck_assert_int_eq(thumb_scheduler_parse("foreground"), SCHEDULER_FOREGROUND);
	ck_assert_int_eq(thumb_scheduler_parse("Foreground"), -1);
	ck_assert_str_eq(thumb_scheduler_name(SCHEDULER_BACKGROUND), "background");
	ck_assert_int_eq(thumb_flavor_parse("xx-large"), THUMB_XXLARGE);
	ck_assert_int_eq(thumb_flavor_parse(""), THUMB_NSIZES);
}
END_TEST

/* "ok PATH" or "refused" for a URI. */
static const char *path_of(const char *uri)
{
	static char out[PATH_MAX + 8];
	char path[PATH_MAX];
	struct ib_error err;
	if (thumb_request_path(uri, path, sizeof path, &err) < 0)
		return "refused";
	snprintf(out, sizeof out, "ok %s", path);
	return out;
}

START_TEST(test_uris_a_request_may_name)
{
	ck_assert_str_eq(path_of("file:///home/u/a%20b.jpg"), "ok /home/u/a b.jpg");
	ck_assert_str_eq(path_of("file://localhost/x.jpg"), "ok /x.jpg");
	ck_assert_str_eq(path_of("http://example.com/x.jpg"), "refused");
	ck_assert_str_eq(path_of("x.jpg"), "refused");
	ck_assert_str_eq(path_of("file:x.jpg"), "refused");
	ck_assert_str_eq(path_of("file://host/x.jpg"), "refused");
	ck_assert_str_eq(path_of("file:///a/../etc/passwd"), "refused");
	ck_assert_str_eq(path_of("file:///a/%2e%2e/etc/passwd"), "refused");
	ck_assert_str_eq(path_of("file:///a/./b.jpg"), "refused");
	ck_assert_str_eq(path_of("file:///a//b.jpg"), "refused");
	ck_assert_str_eq(path_of("file:///a/b/"), "refused");
	ck_assert_str_eq(path_of("file:///a%00b.jpg"), "refused");
	ck_assert_str_eq(path_of("file:///a%2fb.jpg"), "refused");
	ck_assert_str_eq(path_of("file:///a%zz.jpg"), "refused");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("requests");
	TCase *tc = tcase_create("queue");
	tcase_add_test(tc, test_foreground_newest_first_then_arrival_order);
	tcase_add_test(tc, test_finished_when_every_uri_is_answered);
	tcase_add_test(tc, test_dequeue_drops_what_was_not_taken);
	tcase_add_test(tc, test_unknown_flavor_takes_all_at_once);
	tcase_add_test(tc, test_handles_skip_zero_and_those_in_use);
	tcase_add_test(tc, test_names_of_schedulers_and_flavors);
	tcase_add_test(tc, test_uris_a_request_may_name);
	suite_add_tcase(s, tc);
	return s;
}
