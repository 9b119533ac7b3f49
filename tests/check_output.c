#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "disk/output_name.h"
#include "tests/check_main.h"

#define J FORMAT_JPEG
#define P FORMAT_PNG
#define DEF OUTPUT_DEFAULT_TEMPLATE

/* ---- output_expand: accepted ----------------------------------------------- */

struct expand_case {
	const char *tmpl;
	const char *rel;
	enum image_format in, out;
	uint32_t w, h;
	const char *want;
};

static const struct expand_case good[] = {
	/* {dir} at the top collapses with its '/', nested dirs are kept */
	{ DEF, "a.jpg", J, J, 0, 0, "a.jpg" },
	{ DEF, "x/y/a.jpg", J, J, 0, 0, "x/y/a.jpg" },
	{ "thumbs/{dir}/{stem}.{ext}", "a.jpg", J, J, 0, 0, "thumbs/a.jpg" },
	{ "thumbs/{dir}/{stem}.{ext}", "x/a.jpg", J, J, 0, 0, "thumbs/x/a.jpg" },
	{ "{dir}_{stem}.{ext}", "a.jpg", J, J, 0, 0, "_a.jpg" },
	{ "{dir}_{stem}.{ext}", "x/y/a.jpg", J, J, 0, 0, "x/y_a.jpg" },
	{ "{dir}{stem}.{ext}", "x/a.jpg", J, J, 0, 0, "xa.jpg" },
	{ "{stem}.{ext}", "deep/er/a.jpg", J, J, 0, 0, "a.jpg" },
	/* repeated '/' and "." components are normalised away */
	{ "out//{dir}//{stem}.{ext}", "x//a.jpg", J, J, 0, 0, "out/x/a.jpg" },
	{ "./{stem}.{ext}", "a.jpg", J, J, 0, 0, "a.jpg" },
	{ DEF, "./x/./a.jpg", J, J, 0, 0, "x/a.jpg" },
	/* {ext}: the input's own (case kept) for the same format */
	{ DEF, "2024/img 1.JPG", J, J, 0, 0, "2024/img 1.JPG" },
	{ DEF, "2024/img 1.JPG", J, P, 0, 0, "2024/img 1.png" },
	{ DEF, "a.png", P, J, 0, 0, "a.jpg" },
	{ DEF, "photo.jpeg", J, J, 0, 0, "photo.jpeg" },
	{ "{ext}/{stem}", "a.PNG", P, P, 0, 0, "PNG/a" },
	/* no extension, hidden files, multiple or trailing dots */
	{ DEF, "README", J, J, 0, 0, "README.jpg" },
	{ DEF, "noext", J, P, 0, 0, "noext.png" },
	{ DEF, ".hidden", J, J, 0, 0, ".hidden.jpg" },
	{ DEF, "d/.hidden.JPEG", J, J, 0, 0, "d/.hidden.JPEG" },
	{ DEF, "..x", P, P, 0, 0, "..x.png" },
	{ DEF, "archive.tar.gz", P, P, 0, 0, "archive.tar.gz" },
	{ DEF, "archive.tar.gz", P, J, 0, 0, "archive.tar.jpg" },
	{ DEF, "a.", J, J, 0, 0, "a..jpg" },
	{ DEF, "...", J, J, 0, 0, "....jpg" },
	/* {w} and {h}: 0 leaves the field as written */
	{ "{stem}_{w}x{h}.{ext}", "d/p.jpg", J, J, 640, 480, "p_640x480.jpg" },
	{ "{stem}_{w}x{h}.{ext}", "d/p.jpg", J, J, 0, 0, "p_{w}x{h}.jpg" },
	{ "{stem}_{w}x{h}.{ext}", "d/p.jpg", J, J, 640, 0, "p_640x{h}.jpg" },
	{ "{w}/{h}/{stem}.{ext}", "p.png", P, P, 4294967295u, 1, "4294967295/1/p.png" },
	/* literal text and repeated fields */
	{ "fixed.jpg", "a/b.png", P, J, 0, 0, "fixed.jpg" },
	{ "{stem}/{stem}.{ext}", "a.jpg", J, J, 0, 0, "a/a.jpg" },
	/* bytes are opaque: spaces, newlines, dashes, non-UTF-8 */
	{ DEF, " lead .JPG", J, J, 0, 0, " lead .JPG" },
	{ DEF, "x/line\nbreak.png", P, P, 0, 0, "x/line\nbreak.png" },
	{ DEF, "-rf.jpg", J, J, 0, 0, "-rf.jpg" },
	{ DEF, "--/-x.jpg", J, P, 0, 0, "--/-x.png" },
	{ DEF, "caf\xe9/\xff\xfe.jpg", J, J, 0, 0, "caf\xe9/\xff\xfe.jpg" },
};

START_TEST(test_expand_good)
{
	const struct expand_case *c = &good[_i];
	struct ib_error err = { 0 };
	char buf[512];

	ck_assert_msg(output_expand(c->tmpl, c->rel, "", c->in, c->out, c->w, c->h,
				    buf, sizeof buf, &err) == 0,
		      "case %d: %s", _i, err.msg);
	ck_assert_msg(!strcmp(buf, c->want), "case %d: got \"%s\", want \"%s\"",
		      _i, buf, c->want);
}
END_TEST

/* ---- output_expand: rejected --------------------------------------------- */

struct reject_case {
	const char *tmpl;
	const char *rel;
	const char *why;
};

static const struct reject_case bad[] = {
	{ DEF, "../a.jpg", "input path has a '..' component" },
	{ DEF, "x/../a.jpg", "input path has a '..' component" },
	{ DEF, "x/..", "input path has a '..' component" },
	{ DEF, "/etc/a.jpg", "input path is absolute" },
	{ DEF, "", "empty input path" },
	{ DEF, "x/", "input path has no file name" },
	{ DEF, "x/.", "input path has no file name" },
	{ "../{stem}.{ext}", "a.jpg", "--name template has a '..' component" },
	{ "a/../{stem}", "a.jpg", "--name template has a '..' component" },
	{ "/abs/{stem}", "a.jpg", "--name template is absolute" },
	{ "", "a.jpg", "empty --name template" },
	{ "{dir}/", "a.jpg", "--name template has no file name after the last '/'" },
	{ "{stem}/.", "a.jpg", "--name template has no file name after the last '/'" },
	{ "{foo}.jpg", "a.jpg", "unknown field {foo} in --name template" },
	{ "{}", "a.jpg", "unknown field {} in --name template" },
	{ "{stem", "a.jpg", "unbalanced '{' in --name template" },
	{ "{st{em}", "a.jpg", "unbalanced '{' in --name template" },
	{ "stem}", "a.jpg", "unbalanced '}' in --name template" },
	/* fields that expand to something unsafe */
	{ "{stem}/{dir}", "a.jpg", "output name has no file name" },
	{ "{dir}", "a.jpg", "output name has no file name" },
	{ "..{dir}/{stem}", "a.jpg", "output name has a '..' component" },
	{ "{dir}../{stem}", "a.jpg", "output name has a '..' component" },
};

START_TEST(test_expand_bad)
{
	const struct reject_case *c = &bad[_i];
	struct ib_error err = { 0 };
	char buf[64] = "sentinel";

	ck_assert_msg(output_expand(c->tmpl, c->rel, "", J, J, 0, 0, buf, sizeof buf,
				    &err) == -1, "case %d accepted: \"%s\"", _i, buf);
	ck_assert_str_eq(err.msg, c->why);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* {root}: the input folder's name, or nothing (a file named or listed). */
START_TEST(test_expand_root)
{
	static const char *const cases[][4] = {
		/* template, rel, root, output */
		{ OUTPUT_ROOTS_TEMPLATE, "sub/a.jpg", "photos", "photos/sub/a.jpg" },
		{ OUTPUT_ROOTS_TEMPLATE, "a.jpg", "photos", "photos/a.jpg" },
		{ OUTPUT_ROOTS_TEMPLATE, "a.jpg", "", "a.jpg" },
		{ OUTPUT_ROOTS_TEMPLATE, "sub/a.jpg", "", "sub/a.jpg" },
		{ "{root}-{stem}.{ext}", "x/a.jpg", "2024", "2024-a.jpg" },
		{ DEF, "a.jpg", "photos", "a.jpg" },   /* only where asked for */
	};
	struct ib_error err = { 0 };
	char buf[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_int_eq(output_expand(cases[i][0], cases[i][1], cases[i][2], J, J, 0, 0, buf,
					       sizeof buf, &err), 0);
		ck_assert_str_eq(buf, cases[i][3]);
	}
	const char *bad_roots[] = { "a/b", ".", ".." };
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(output_expand(OUTPUT_ROOTS_TEMPLATE, "a.jpg", bad_roots[i], J, J, 0,
					       0, buf, sizeof buf, &err), -1);
		ck_assert_ptr_nonnull(strstr(err.msg, "is not one name"));
	}
}
END_TEST

/* "{dir}/{stem}.{ext}" on "a.jpg" is "a.jpg": 5 bytes + NUL, although the
 * raw expansion "/a.jpg" would need 7. */
START_TEST(test_expand_cap_exact)
{
	struct ib_error err = { 0 };
	char buf[6];

	ck_assert_int_eq(output_expand(DEF, "a.jpg", "", J, J, 0, 0, buf, 6, &err), 0);
	ck_assert_str_eq(buf, "a.jpg");
	ck_assert_int_eq(output_expand(DEF, "a.jpg", "", J, J, 0, 0, buf, 5, &err), -1);
	ck_assert_str_eq(err.msg, "output name too long");
	ck_assert_str_eq(buf, "");
	/* "x/./a.jpg" normalises to "x/a.jpg": 7 bytes + NUL */
	char buf8[8];
	ck_assert_int_eq(output_expand(DEF, "x/./a.jpg", "", J, J, 0, 0, buf8, 8, &err), 0);
	ck_assert_str_eq(buf8, "x/a.jpg");
	ck_assert_int_eq(output_expand(DEF, "x/./a.jpg", "", J, J, 0, 0, buf8, 7, &err), -1);
	ck_assert_str_eq(err.msg, "output name too long");
	ck_assert_int_eq(output_expand(DEF, "a.jpg", "", J, J, 0, 0, buf, 0, &err), -1);
	ck_assert_str_eq(err.msg, "output name too long");
}
END_TEST

static char *repeat(char c, size_t n, const char *suffix)
{
	char *s = malloc(n + strlen(suffix) + 1);
	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	strcpy(s + n, suffix);
	return s;
}

/* A component may be 255 bytes (NAME_MAX), never 256, wherever it is. */
START_TEST(test_expand_component_limit)
{
	struct ib_error err = { 0 };
	char buf[1024];
	char *name255 = repeat('n', 251, ".jpg");
	char *name256 = repeat('n', 252, ".jpg");
	char *dir256 = repeat('d', 256, "/a.jpg");
	char *dir255 = repeat('d', 255, "/a.jpg");

	ck_assert_int_eq(output_expand(DEF, name255, "", J, J, 0, 0, buf, sizeof buf, &err), 0);
	ck_assert_uint_eq(strlen(buf), 255);
	ck_assert_int_eq(output_expand(DEF, name256, "", J, J, 0, 0, buf, sizeof buf, &err), -1);
	ck_assert_str_eq(err.msg, "output name too long");
	/* the same stem fits once the extension gets shorter... */
	ck_assert_int_eq(output_expand("{stem}", name256, "", J, J, 0, 0, buf, sizeof buf, &err), 0);
	ck_assert_uint_eq(strlen(buf), 252);
	/* ...and a directory component obeys the same limit */
	ck_assert_int_eq(output_expand(DEF, dir255, "", J, J, 0, 0, buf, sizeof buf, &err), 0);
	ck_assert_uint_eq(strlen(buf), 255 + 6);
	ck_assert_int_eq(output_expand(DEF, dir256, "", J, J, 0, 0, buf, sizeof buf, &err), -1);
	ck_assert_str_eq(err.msg, "output name too long");
	free(name255);
	free(name256);
	free(dir256);
	free(dir255);
}
END_TEST

/* The canonical extension comes from the codec; no codec, no name. */
START_TEST(test_expand_unknown_format)
{
	struct ib_error err = { 0 };
	char buf[64];

	ck_assert_int_eq(output_expand(DEF, "a", "", J, FORMAT_UNKNOWN, 0, 0, buf,
				       sizeof buf, &err), -1);
	ck_assert_str_eq(err.msg, "no codec for the output format");
	/* without {ext} the codec is never needed */
	ck_assert_int_eq(output_expand("{stem}.bin", "a", "", J, FORMAT_UNKNOWN, 0, 0,
				       buf, sizeof buf, &err), 0);
	ck_assert_str_eq(buf, "a.bin");
}
END_TEST

/* ---- output_template_check / output_template_needs_size ------------------- */

START_TEST(test_template_check)
{
	struct ib_error err = { 0 };

	ck_assert_int_eq(output_template_check(DEF, &err), 0);
	ck_assert_int_eq(output_template_check("{dir}/{stem}_{w}x{h}.{ext}", &err), 0);
	ck_assert_int_eq(output_template_check("a..b/{stem}...{ext}", &err), 0);
	ck_assert_int_eq(output_template_check("x", &err), 0);
	ck_assert_int_eq(output_template_check("{bar}/{stem}", &err), -1);
	ck_assert_str_eq(err.msg, "unknown field {bar} in --name template");
	ck_assert_int_eq(output_template_check("{STEM}", &err), -1);
	ck_assert_str_eq(err.msg, "unknown field {STEM} in --name template");
	ck_assert_int_eq(output_template_check("{stem}}", &err), -1);
	ck_assert_str_eq(err.msg, "unbalanced '}' in --name template");
	ck_assert_int_eq(output_template_check("x/..", &err), -1);
	ck_assert_str_eq(err.msg, "--name template has a '..' component");
	ck_assert_int_eq(output_template_check("/", &err), -1);
	ck_assert_str_eq(err.msg, "--name template is absolute");
	ck_assert_int_eq(output_template_check("a/", &err), -1);
	ck_assert_str_eq(err.msg, "--name template has no file name after the last '/'");
}
END_TEST

START_TEST(test_template_needs_size)
{
	ck_assert_int_eq(output_template_needs_size("{stem}_{w}.{ext}"), 1);
	ck_assert_int_eq(output_template_needs_size("{h}"), 1);
	ck_assert_int_eq(output_template_needs_size(DEF), 0);
	ck_assert_int_eq(output_template_needs_size("w h.jpg"), 0);
	ck_assert_int_eq(output_template_needs_size("{width}"), 0);
	ck_assert_int_eq(output_template_needs_size("{x{w}"), 1);
	ck_assert_int_eq(output_template_needs_size("{w"), 0);
}
END_TEST

/* ---- output_mirror_part ---------------------------------------------------- */

struct mirror_case {
	const char *path;
	size_t skip;            /* how far into path the result starts */
};

static const struct mirror_case mirror[] = {
	{ "/data/x.jpg", 1 },
	{ "///x", 3 },
	{ "./a/./b.jpg", 2 },
	{ "././x", 4 },
	{ ".//x", 3 },
	{ "/./x", 3 },
	{ "x", 0 },
	{ "../x", 0 },
	{ ".hidden/x", 0 },
	{ "...", 0 },
	{ ".", 0 },
	{ "", 0 },
};

START_TEST(test_mirror_part)
{
	const struct mirror_case *c = &mirror[_i];

	ck_assert_ptr_eq(output_mirror_part(c->path), c->path + c->skip);
}
END_TEST

START_TEST(test_mirror_part_values)
{
	ck_assert_str_eq(output_mirror_part("/data/x.jpg"), "data/x.jpg");
	ck_assert_str_eq(output_mirror_part("./a/./b.jpg"), "a/./b.jpg");
	ck_assert_str_eq(output_mirror_part("././x"), "x");
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *test_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("expand");
	tcase_add_loop_test(tc, test_expand_good, 0, N(good));
	tcase_add_loop_test(tc, test_expand_bad, 0, N(bad));
	tcase_add_test(tc, test_expand_root);
	tcase_add_test(tc, test_expand_cap_exact);
	tcase_add_test(tc, test_expand_component_limit);
	tcase_add_test(tc, test_expand_unknown_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("template");
	tcase_add_test(tc, test_template_check);
	tcase_add_test(tc, test_template_needs_size);
	suite_add_tcase(s, tc);

	tc = tcase_create("mirror");
	tcase_add_loop_test(tc, test_mirror_part, 0, N(mirror));
	tcase_add_test(tc, test_mirror_part_values);
	suite_add_tcase(s, tc);
	return s;
}

