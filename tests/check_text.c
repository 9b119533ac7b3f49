/* text_put: what a terminal would act on, made visible. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "util/text.h"
#include "tests/check_main.h"

/* text_put(s) as a string (freed by the caller). */
static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	text_put(f, s);
	fclose(f);
	return buf;
}

static void check(const char *in, const char *want)
{
	char *got = escaped(in);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_plain_and_utf8_pass)
{
	check("photos/été 2024/IMG_0001.jpg", "photos/été 2024/IMG_0001.jpg");
	check("日本語.png", "日本語.png");
	check("", "");
}
END_TEST

START_TEST(test_controls_are_escaped)
{
	check("e\033[2J\033]0;pwned\a\nimgbatch: 1 files: 1 done.jpg",
	      "e\\x1b[2J\\x1b]0;pwned\\x07\\nimgbatch: 1 files: 1 done.jpg");
	check("a\rb\tc\x7f", "a\\rb\\tc\\x7f");
	check("c1\xc2\x9b" "31m", "c1\\u009b31m");     /* CSI as a C1 control */
	check("back\\slash", "back\\\\slash");
}
END_TEST

START_TEST(test_invalid_utf8_is_shown_as_bytes)
{
	check("bad\xff\xfe.jpg", "bad\\xff\\xfe.jpg");
	check("cut\xe6\x97", "cut\\xe6\\x97");
	check("overlong\xc0\xaf", "overlong\\xc0\\xaf");
	check("surrogate\xed\xa0\x80", "surrogate\\xed\\xa0\\x80");
}
END_TEST

START_TEST(test_plural)
{
	ck_assert_str_eq(text_plural(0, "entry", "entries"), "entries");
	ck_assert_str_eq(text_plural(1, "entry", "entries"), "entry");
	ck_assert_str_eq(text_plural(2, "entry", "entries"), "entries");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("escape");
	tcase_add_test(tc, test_plain_and_utf8_pass);
	tcase_add_test(tc, test_controls_are_escaped);
	tcase_add_test(tc, test_invalid_utf8_is_shown_as_bytes);
	tcase_add_test(tc, test_plural);
	suite_add_tcase(s, tc);
	return s;
}

