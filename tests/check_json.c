#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "tests/check_main.h"

struct members {
	char keys[8][64], values[8][512];
	bool strings[8];
	int n;
};

static int collect(const struct json_member *m, void *ctx)
{
	struct members *ms = ctx;
	ck_assert_int_lt(ms->n, 8);
	snprintf(ms->keys[ms->n], sizeof ms->keys[0], "%s", m->key);
	snprintf(ms->values[ms->n], sizeof ms->values[0], "%s", m->value);
	ms->strings[ms->n++] = m->is_string;
	return 0;
}

static int read_line(const char *line, struct members *ms)
{
	char buf[2048];
	snprintf(buf, sizeof buf, "%s", line);
	memset(ms, 0, sizeof *ms);
	return json_read_flat_object(buf, collect, ms);
}

START_TEST(test_reads_imgbatch_lines)
{
	struct members ms;
	ck_assert_int_eq(read_line("{\"type\":\"file\",\"status\":\"done\",\"ms\":1.500,"
				   "\"ok\":true,\"x\":null, \"w\" : 12 }\n", &ms), 0);
	ck_assert_int_eq(ms.n, 6);
	ck_assert_str_eq(ms.keys[0], "type");
	ck_assert_str_eq(ms.values[0], "file");
	ck_assert(ms.strings[0]);
	ck_assert_str_eq(ms.values[2], "1.500");
	ck_assert(!ms.strings[2]);
	ck_assert_str_eq(ms.values[3], "true");
	ck_assert_str_eq(ms.values[4], "null");
	ck_assert_str_eq(ms.keys[5], "w");
	ck_assert_str_eq(ms.values[5], "12");
	ck_assert_int_eq(read_line("{}", &ms), 0);
	ck_assert_int_eq(ms.n, 0);
}
END_TEST

START_TEST(test_unescapes)
{
	struct members ms;
	ck_assert_int_eq(read_line("{\"p\":\"a\\\"b\\\\c\\/d\\n\\t\\u0001\\u007f\\u00e9\\ud83d\\ude00\"}",
				   &ms), 0);
	ck_assert_str_eq(ms.values[0], "a\"b\\c/d\n\t\001\177\303\251\360\237\230\200");
}
END_TEST

/* What json_put_string writes for every byte 1..255 reads back as the same
 * bytes where they are UTF-8 (and U+FFFD where not, hence input_hex). */
START_TEST(test_round_trip_of_put_string)
{
	char name[300], *text = NULL;
	size_t len = 0;
	for (int b = 1; b < 128; b++)
		name[b - 1] = (char)b;
	strcpy(name + 127, "\303\251");
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	fputs("{\"input\":", f);
	json_put_string(f, name);
	fputs(",\"input_hex\":", f);
	json_put_hex(f, "\377a");
	fputs("}\n", f);
	fclose(f);
	struct members ms;
	ck_assert_int_eq(read_line(text, &ms), 0);
	ck_assert_str_eq(ms.values[0], name);
	ck_assert_int_eq(json_unhex(ms.values[1]), 0);
	ck_assert_str_eq(ms.values[1], "\377a");
	free(text);
}
END_TEST

START_TEST(test_refuses_malformed)
{
	struct members ms;
	static const char *bad[] = {
		"", "{", "{\"type\":\"file\"", "{\"type\":\"fi", "{\"a\":1,}", "{\"a\" 1}",
		"{\"a\":[1]}", "{\"a\":{\"b\":1}}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}",
		"{\"a\":1} trailing", "[1]", "{a:1}", "{\"a\":\"tab\there\"}",
		/* a NUL would end the value early: "a.png\0x" read as "a.png" */
		"{\"a\":\"a.png\\u0000x\"}", "{\"a\\u0000b\":1}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(read_line(bad[i], &ms) == -1, "accepted: %s", bad[i]);
	char hex[] = "4g";
	ck_assert_int_eq(json_unhex(hex), -1);
	char odd[] = "414";
	ck_assert_int_eq(json_unhex(odd), -1);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("read");
	tcase_add_test(tc, test_reads_imgbatch_lines);
	tcase_add_test(tc, test_unescapes);
	tcase_add_test(tc, test_round_trip_of_put_string);
	tcase_add_test(tc, test_refuses_malformed);
	suite_add_tcase(s, tc);
	return s;
}

