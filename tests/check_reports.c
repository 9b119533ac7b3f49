#include "config.h"

#include <check.h>
#include <dirent.h>
#include <ftw.h>
#include <grp.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libdeflate.h>

#include "compare/html.h"
#include "compare/junit.h"
#include "tests/check_main.h"

/*
 * Every test runs in its own process (main() forces CK_FORK) inside a fresh
 * temp directory that is also its working directory, so the paths in the
 * pairs and in the expected text are short and relative.
 */

/* ---- fixtures -------------------------------------------------------------- */

/* Input order mixes the statuses so that the page's order shows. */
static const struct pair_outcome pairs[] = {
	{ .name = "same.png", .expected = "src/e-same.png", .actual = "src/a-same.png",
	  .status = PAIR_PASS, .reason = "", .width = 4, .height = 2, .psnr = INFINITY,
	  .ms = 2 },
	{ .name = "old.png", .expected = "src/e-old.png", .status = PAIR_MISSING,
	  .allowed = true, .reason = "no actual image" },
	{ .name = "a&b<c>\"d\"'e'.png", .expected = "src/e-mark.png",
	  .actual = "src/a-mark.png", .diff = "src/d-mark.p&g", .status = PAIR_FAIL,
	  .reason = "5 pixels differ > 0", .width = 10, .height = 5, .diff_pixels = 5,
	  .aa_pixels = 2, .psnr = 31.5, .max_channel_diff = 200, .ms = 12 },
	{ .name = "extra.jpg", .actual = "src/a-extra.jpg", .status = PAIR_NEW,
	  .reason = "no expected image" },
	{ .name = "broken\x01\xff.png", .expected = "src/e-broken.png",
	  .actual = "src/a-broken.png", .status = PAIR_ERROR,
	  .reason = "actual: PNG <bad> \x02 data", .ms = 1 },
	{ .name = "gone.png", .expected = "src/e-gone.png", .status = PAIR_MISSING,
	  .reason = "no actual image" },
	{ .name = "fresh.png", .actual = "src/a-fresh.png", .status = PAIR_NEW,
	  .allowed = true, .reason = "no expected image" },
	{ .name = "z", .expected = "src/e.d/z", .actual = "src/a-z.JPEG", .status = PAIR_PASS,
	  .reason = "", .width = 1, .height = 1, .psnr = INFINITY, .ms = 0.4 },
};
#define NPAIRS (sizeof pairs / sizeof pairs[0])

/* The source files, with content that tells them apart. */
static const char *const sources[] = {
	"src/e-same.png", "src/a-same.png", "src/e-old.png", "src/e-mark.png",
	"src/a-mark.png", "src/d-mark.p&g", "src/a-extra.jpg", "src/e-broken.png",
	"src/a-broken.png", "src/e-gone.png", "src/a-fresh.png", "src/e.d/z",
	"src/a-z.JPEG",
};

static char root[64];

static void put_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(content, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* Makes the temp directory (traversable by nobody, see run_unprivileged),
 * enters it and puts the sources in src/. */
static void make_root(void)
{
	strcpy(root, "/tmp/check_reports.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(chmod(root, 0755), 0);
	ck_assert_int_eq(chdir(root), 0);
	umask(022);
	ck_assert_int_eq(mkdir("src", 0755), 0);
	ck_assert_int_eq(mkdir("src/e.d", 0755), 0);
	for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
		put_file(sources[i], sources[i]);
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* Directories a test made read-only are opened up first, for non-root. */
static int open_up(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	return type == FTW_D ? chmod(path, st->st_mode | 0700) : 0;
}

static void remove_root(void)
{
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(nftw(root, open_up, 16, FTW_PHYS), 0);
	ck_assert_int_eq(nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* The whole file as a string; the caller frees it. */
static char *get_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, len;

	ck_assert_ptr_nonnull(f);
	len = (size_t)getdelim(&buf, &cap, '\0', f);
	ck_assert_uint_eq(len, strlen(buf));
	fclose(f);
	return buf;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The entries of a directory, sorted and joined by ' ' ("" when empty). */
static void list_dir(const char *path, char *out, size_t cap)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char names[32][256];
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ck_assert_uint_lt(n, 32);
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

static size_t count_of(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The bytes of base64 text (no padding inside), decoded in place; its length. */
static size_t unbase64(char *text)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = 0, bits = 0;
	uint32_t acc = 0;

	for (const char *p = text; *p && *p != '='; p++) {
		const char *d = strchr(digits, *p);

		ck_assert_ptr_nonnull(d);
		acc = acc << 6 | (uint32_t)(d - digits);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			text[n++] = (char)(acc >> bits & 0xFF);
		}
	}
	return n;
}

/* The JSON of every group of a page, each group's array on its own line;
 * the caller frees it. */
static char *page_pairs(const char *page)
{
	static const char open[] = "<script type=\"application/gzip\" class=\"pairs\">";
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);

	ck_assert(d && out);
	for (const char *p = page; (p = strstr(p, open)); ) {
		char *data = strndup(p + strlen(open), strcspn(p + strlen(open), "<"));
		size_t size = unbase64(data), got;

		ck_assert_int_eq(libdeflate_gzip_decompress(d, data, size, out + len, cap - len - 2,
							    &got), LIBDEFLATE_SUCCESS);
		len += got;
		out[len++] = '\n';
		free(data);
		p += strlen(open);
	}
	out[len] = '\0';
	libdeflate_free_decompressor(d);
	return out;
}

/* The order of the pairs in the page's JSON: their indices joined by ' '. */
static void section_order(const char *page, char *out, size_t cap)
{
	static const char mark[] = "{\"index\":";

	out[0] = '\0';
	for (const char *p = page; (p = strstr(p, mark)); p++) {
		size_t len = strlen(out);

		snprintf(out + len, cap - len, "%s%d", len ? " " : "", atoi(p + strlen(mark)));
	}
}

/* ---- running a writer where permissions apply ------------------------------ */

struct child_result {
	int ret;
	char msg[IB_REASON_MAX];
};

/* Permissions do not stop root, so as root the child becomes nobody (whom
 * the 0755 temp root still lets in) before it calls the writer. */
static struct child_result run_unprivileged(int (*writer)(struct ib_error *))
{
	struct child_result r = { -2, "" };
	int fds[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct ib_error err = { 0 };

		close(fds[0]);
		if (geteuid() == 0 && (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
			_exit(3);
		r.ret = writer(&err);
		memcpy(r.msg, err.msg, sizeof r.msg);
		_exit(write(fds[1], &r, sizeof r) == (ssize_t)sizeof r ? 0 : 4);
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &r, sizeof r), (ssize_t)sizeof r);
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return r;
}

/* ---- markup escaping ------------------------------------------------------- */

static void assert_escaped(const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(out);
	markup_put_text(out, in);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_str_eq(buf, want);
	free(buf);
}

START_TEST(test_escape_markup_characters)
{
	assert_escaped("", "");
	assert_escaped("plain name-1_2.png", "plain name-1_2.png");
	assert_escaped("&<>\"'", "&amp;&lt;&gt;&quot;&#39;");
	assert_escaped("&amp;", "&amp;amp;");
	assert_escaped("a\tb\nc", "a&#9;b&#10;c");
}
END_TEST

/* Characters XML 1.0 cannot carry become \xNN, one per byte. */
START_TEST(test_escape_forbidden_characters)
{
	assert_escaped("\x01x\r\x1f\x7f", "\\x01x\\x0d\\x1f\\x7f");
	/* U+0080 and U+009F (C1 controls), U+FFFE and U+FFFF */
	assert_escaped("\xc2\x80|\xc2\x9f", "\\xc2\\x80|\\xc2\\x9f");
	assert_escaped("\xef\xbf\xbe\xef\xbf\xbf", "\\xef\\xbf\\xbe\\xef\\xbf\\xbf");
}
END_TEST

START_TEST(test_escape_keeps_valid_utf8)
{
	/* U+00A0, é, €, U+D7FF, U+E000, U+FFFD, U+10FFFF, an emoji */
	static const char text[] = "\xc2\xa0 caf\xc3\xa9 \xe2\x82\xac \xed\x9f\xbf "
		"\xee\x80\x80 \xef\xbf\xbd \xf4\x8f\xbf\xbf \xf0\x9f\x98\x80";

	assert_escaped(text, text);
}
END_TEST

START_TEST(test_escape_invalid_utf8)
{
	assert_escaped("bad\xff.png", "bad\\xff.png");
	assert_escaped("\x80\xbf", "\\x80\\xbf");                  /* lone continuations */
	assert_escaped("\xc0\xaf", "\\xc0\\xaf");                  /* overlong '/' */
	assert_escaped("\xe0\x80\xaf", "\\xe0\\x80\\xaf");         /* overlong, 3 bytes */
	assert_escaped("\xed\xa0\x80", "\\xed\\xa0\\x80");         /* surrogate U+D800 */
	assert_escaped("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* U+110000 */
	assert_escaped("\xf8\x88\x80\x80\x80", "\\xf8\\x88\\x80\\x80\\x80");
	/* a sequence cut short keeps what follows it */
	assert_escaped("\xe2\x82<", "\\xe2\\x82&lt;");
	assert_escaped("a\xe2\x82", "a\\xe2\\x82");
	assert_escaped("\xc3", "\\xc3");
}
END_TEST

/* ---- JUnit ----------------------------------------------------------------- */

static const char junit_want[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<testsuites name=\"imgbatch compare\" tests=\"8\" failures=\"3\" errors=\"1\" skipped=\"2\" time=\"1.500\">\n"
	"  <testsuite name=\"imgbatch compare\" tests=\"8\" failures=\"3\" errors=\"1\" skipped=\"2\" time=\"1.500\">\n"
	"    <testcase classname=\"imgbatch.compare\" name=\"same.png\" time=\"0.002\"/>\n"
	"    <testcase classname=\"imgbatch.compare\" name=\"old.png\" time=\"0.000\">\n"
	"      <skipped message=\"no actual image\">expected: src/e-old.png\n"
	"</skipped>\n"
	"    </testcase>\n"
	"    <testcase classname=\"imgbatch.compare\" name=\"a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;.png\" time=\"0.012\">\n"
	"      <failure message=\"5 pixels differ &gt; 0\" type=\"image-diff\">size: 10x5\n"
	"diff pixels: 5 of 50 (ratio 0.100000)\n"
	"anti-aliased pixels: 2\n"
	"PSNR: 31.50 dB\n"
	"max channel diff: 200\n"
	"expected: src/e-mark.png\n"
	"actual: src/a-mark.png\n"
	"diff image: src/d-mark.p&amp;g\n"
	"</failure>\n"
	"      <system-out>[[ATTACHMENT|src/d-mark.p&amp;g]]</system-out>\n"
	"    </testcase>\n"
	"    <testcase classname=\"imgbatch.compare\" name=\"extra.jpg\" time=\"0.000\">\n"
	"      <failure message=\"no expected image\" type=\"new\">actual: src/a-extra.jpg\n"
	"</failure>\n"
	"    </testcase>\n"
	"    <testcase classname=\"imgbatch.compare\" name=\"broken\\x01\\xff.png\" time=\"0.001\">\n"
	"      <error message=\"actual: PNG &lt;bad&gt; \\x02 data\" type=\"unreadable\">expected: src/e-broken.png\n"
	"actual: src/a-broken.png\n"
	"</error>\n"
	"    </testcase>\n"
	"    <testcase classname=\"imgbatch.compare\" name=\"gone.png\" time=\"0.000\">\n"
	"      <failure message=\"no actual image\" type=\"missing\">expected: src/e-gone.png\n"
	"</failure>\n"
	"    </testcase>\n"
	"    <testcase classname=\"imgbatch.compare\" name=\"fresh.png\" time=\"0.000\">\n"
	"      <skipped message=\"no expected image\">actual: src/a-fresh.png\n"
	"</skipped>\n"
	"    </testcase>\n"
	"    <testcase classname=\"imgbatch.compare\" name=\"z\" time=\"0.000\"/>\n"
	"  </testsuite>\n"
	"</testsuites>\n";

START_TEST(test_junit_exact_report)
{
	struct ib_error err = { 0 };
	char list[256];
	char *text;

	make_root();
	ck_assert_int_eq(mkdir("out", 0755), 0);
	ck_assert_int_eq(junit_write("out/r.xml", pairs, NPAIRS, 1.5, &err), 0);
	text = get_file("out/r.xml");
	ck_assert_str_eq(text, junit_want);
	free(text);
	list_dir("out", list, sizeof list);
	ck_assert_str_eq(list, "r.xml");
	remove_root();
}
END_TEST

/* A fail pair whose sizes differ was not compared pixel by pixel (width 0):
 * no counts at all, only the paths. */
START_TEST(test_junit_counts_without_size)
{
	static const struct pair_outcome sized[] = {
		{ .name = "s.png", .expected = "e.png", .actual = "a.png", .status = PAIR_FAIL,
		  .reason = "sizes differ: 4x4 vs 2x2", .psnr = INFINITY, .ms = 1234.5678 },
	};
	struct ib_error err = { 0 };
	char *text;

	make_root();
	ck_assert_int_eq(junit_write("r.xml", sized, 1, 0, &err), 0);
	text = get_file("r.xml");
	ck_assert_str_eq(text,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"imgbatch compare\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.000\">\n"
		"  <testsuite name=\"imgbatch compare\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.000\">\n"
		"    <testcase classname=\"imgbatch.compare\" name=\"s.png\" time=\"1.235\">\n"
		"      <failure message=\"sizes differ: 4x4 vs 2x2\" type=\"image-diff\">"
		"expected: e.png\n"
		"actual: a.png\n"
		"</failure>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"</testsuites>\n");
	free(text);
	remove_root();
}
END_TEST

START_TEST(test_junit_no_pairs)
{
	struct ib_error err = { 0 };
	char *text;

	make_root();
	ck_assert_int_eq(junit_write("empty.xml", NULL, 0, 0.0004, &err), 0);
	text = get_file("empty.xml");
	ck_assert_str_eq(text,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"imgbatch compare\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.000\">\n"
		"  <testsuite name=\"imgbatch compare\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.000\">\n"
		"  </testsuite>\n"
		"</testsuites>\n");
	free(text);
	remove_root();
}
END_TEST

START_TEST(test_junit_replaces_old_report)
{
	struct ib_error err = { 0 };
	char list[256];
	char *text;

	make_root();
	put_file("r.xml", "an older and longer report that must go entirely");
	ck_assert_int_eq(junit_write("r.xml", pairs, 1, 0.25, &err), 0);
	text = get_file("r.xml");
	ck_assert_str_eq(text,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"imgbatch compare\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.250\">\n"
		"  <testsuite name=\"imgbatch compare\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.250\">\n"
		"    <testcase classname=\"imgbatch.compare\" name=\"same.png\" time=\"0.002\"/>\n"
		"  </testsuite>\n"
		"</testsuites>\n");
	free(text);
	list_dir(".", list, sizeof list);
	ck_assert_str_eq(list, "r.xml src");
	remove_root();
}
END_TEST

static int write_junit_into_out(struct ib_error *err)
{
	return junit_write("out/r.xml", pairs, NPAIRS, 1.5, err);
}

START_TEST(test_junit_unwritable_directory_keeps_old_report)
{
	struct child_result r;
	char list[256];
	char *text;

	make_root();
	ck_assert_int_eq(mkdir("out", 0755), 0);
	put_file("out/r.xml", "old report");
	ck_assert_int_eq(chmod("out", 0555), 0);
	r = run_unprivileged(write_junit_into_out);
	ck_assert_int_eq(r.ret, -1);
	ck_assert_str_eq(r.msg, "writing the JUnit report out/r.xml: "
			 "creating a temp file for r.xml: Permission denied");
	text = get_file("out/r.xml");
	ck_assert_str_eq(text, "old report");
	free(text);
	list_dir("out", list, sizeof list);
	ck_assert_str_eq(list, "r.xml");
	remove_root();
}
END_TEST

START_TEST(test_junit_bad_paths)
{
	struct ib_error err = { 0 };
	char list[256];

	make_root();
	ck_assert_int_eq(junit_write("nope/r.xml", pairs, NPAIRS, 0, &err), -1);
	ck_assert_str_eq(err.msg, "opening the directory of the JUnit report nope/r.xml: "
			 "No such file or directory");
	ck_assert_int_eq(junit_write("src/e-same.png/r.xml", pairs, NPAIRS, 0, &err), -1);
	ck_assert_str_eq(err.msg, "opening the directory of the JUnit report "
			 "src/e-same.png/r.xml: Not a directory");
	ck_assert_int_eq(junit_write("src/", pairs, NPAIRS, 0, &err), -1);
	ck_assert_str_eq(err.msg, "writing the JUnit report src/: invalid output file name ''");
	ck_assert_int_eq(junit_write("src/e.d", pairs, NPAIRS, 0, &err), -1);
	ck_assert_str_eq(err.msg, "writing the JUnit report src/e.d: "
			 "renaming a temp file to e.d: Is a directory");
	ck_assert_int_eq(junit_write("r.xml", pairs, NPAIRS, 0, NULL), 0);
	list_dir(".", list, sizeof list);
	ck_assert_str_eq(list, "r.xml src");
	list_dir("src", list, sizeof list);
	ck_assert_str_eq(list, "a-broken.png a-extra.jpg a-fresh.png a-mark.png a-same.png "
			 "a-z.JPEG d-mark.p&g e-broken.png e-gone.png e-mark.png e-old.png "
			 "e-same.png e.d");
	remove_root();
}
END_TEST

/* ---- HTML ------------------------------------------------------------------ */

/* Each pair is one line of its group's JSON, as card() reads it. */
static const char fail_row[] =
	"\n{\"index\":2,\"status\":\"fail\",\"failing\":true,\"label\":\"fail\","
	"\"name\":\"a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;.png\","
	"\"reason\":\"5 pixels differ &gt; 0\","
	"\"counts\":[[\"size\",\"10x5\"],[\"diff pixels\",\"5\"],[\"ratio\",\"0.100000\"],"
	"[\"anti-aliased\",\"2\"],[\"PSNR\",\"31.50 dB\"],[\"max channel diff\",\"200\"],"
	"[\"time\",\"12.0 ms\"]],"
	"\"img\":{\"expected\":\"img/2-expected.png\",\"actual\":\"img/2-actual.png\","
	"\"diff\":\"img/2-diff\"}}]\n";

/* \xNN keeps its backslash, escaped for JSON. */
static const char error_row[] =
	"\n{\"index\":4,\"status\":\"error\",\"failing\":true,\"label\":\"error\","
	"\"name\":\"broken\\\\x01\\\\xff.png\",\"reason\":\"actual: PNG &lt;bad&gt; \\\\x02 data\","
	"\"img\":{\"expected\":\"img/4-expected.png\",\"actual\":\"img/4-actual.png\"}}]";

static const char allowed_row[] =
	"\n{\"index\":6,\"status\":\"new\",\"failing\":false,\"label\":\"new (allowed)\","
	"\"name\":\"fresh.png\",\"reason\":\"no expected image\","
	"\"img\":{\"actual\":\"img/6-actual.png\"}}]";

static const char pass_row[] =
	"\n{\"index\":7,\"status\":\"pass\",\"failing\":false,\"label\":\"pass\",\"name\":\"z\","
	"\"counts\":[[\"size\",\"1x1\"],[\"diff pixels\",\"0\"],[\"ratio\",\"0.000000\"],"
	"[\"anti-aliased\",\"0\"],[\"PSNR\",\"identical\"],[\"max channel diff\",\"0\"],"
	"[\"time\",\"0.4 ms\"]],"
	"\"img\":{\"expected\":\"img/7-expected\",\"actual\":\"img/7-actual.JPEG\"}}]";

/* Failing groups open, the others closed; the script between them. */
static const char *const group_heads[] = {
	"<details class=\"group\" id=\"group-failed\" data-group=\"failed\" data-failing=\"true\" open>\n"
	"<summary>Failed: 1</summary>\n<div class=\"rows\"></div>\n"
	"<button class=\"more\" type=\"button\" hidden></button>\n"
	"<script type=\"application/gzip\" class=\"pairs\">H4sI",
	"<details class=\"group\" id=\"group-error\" data-group=\"error\" data-failing=\"true\" open>\n"
	"<summary>Errors: 1</summary>\n",
	"<details class=\"group\" id=\"group-missing-new\" data-group=\"missing-new\" "
	"data-failing=\"true\" open>\n<summary>Missing or new: 2</summary>\n",
	"<script>\n",
	"<details class=\"group\" id=\"group-allowed\" data-group=\"allowed\" data-failing=\"false\">\n"
	"<summary>Missing or new, allowed: 2</summary>\n",
	"<details class=\"group\" id=\"group-passed\" data-group=\"passed\" data-failing=\"false\">\n"
	"<summary>Passed: 2</summary>\n",
};

static const char all_images[] =
	"0-actual.png 0-expected.png 1-expected.png 2-actual.png 2-diff 2-expected.png "
	"3-actual.jpg 4-actual.png 4-expected.png 5-expected.png 6-actual.png 7-actual.JPEG "
	"7-expected";

START_TEST(test_html_page)
{
	struct ib_error err = { 0 };
	char order[64], list[512];
	char *page, *json;

	make_root();
	ck_assert_int_eq(html_report_write("out/deep/html", pairs, NPAIRS, &err), 0);
	page = get_file("out/deep/html/index.html");
	json = page_pairs(page);

	ck_assert(!strncmp(page, "<!DOCTYPE html>\n", 16));
	ck_assert_ptr_nonnull(strstr(page, "<p id=\"summary\">8 pairs: failed 1, errors 1, missing 2, "
				     "new 2 (allowed 2), passed 2</p>\n"));
	ck_assert_ptr_nonnull(strstr(page, "<input type=\"checkbox\" id=\"failures-only\""));
	/* fail, error, missing/new in input order, allowed ones, passes */
	section_order(json, order, sizeof order);
	ck_assert_str_eq(order, "2 4 3 5 1 6 0 7");
	for (size_t i = 0, at = 0; i < sizeof group_heads / sizeof group_heads[0]; i++) {
		const char *head = strstr(page, group_heads[i]);

		ck_assert_msg(head && (size_t)(head - page) > at, "%s", group_heads[i]);
		ck_assert_uint_eq(count_of(page, group_heads[i]), 1);
		at = (size_t)(head - page);
	}
	ck_assert_ptr_nonnull(strstr(json, fail_row));
	ck_assert_ptr_nonnull(strstr(json, error_row));
	ck_assert_ptr_nonnull(strstr(json, allowed_row));
	ck_assert_ptr_nonnull(strstr(json, pass_row));
	/* The script draws the cards, their images lazy: none in the file. */
	ck_assert_uint_eq(count_of(page, "<img"), 0);
	ck_assert_uint_eq(count_of(page, "<section"), 0);
	ck_assert_uint_eq(count_of(page, "img.loading = 'lazy';"), 1);
	/* self-contained */
	ck_assert_ptr_null(strstr(page, "://"));
	ck_assert_ptr_null(strstr(page, "<link"));
	ck_assert_ptr_null(strstr(page, "<script src"));
	ck_assert(strlen(page) > 1000 && !strcmp(page + strlen(page) - 8, "</html>\n"));
	free(page);
	free(json);

	list_dir("out/deep/html", list, sizeof list);
	ck_assert_str_eq(list, "img index.html");
	list_dir("out/deep/html/img", list, sizeof list);
	ck_assert_str_eq(list, all_images);
	remove_root();
}
END_TEST

static void assert_same_file(const char *a, const char *b, bool linked)
{
	struct stat sa, sb;
	char *ta = get_file(a), *tb = get_file(b);

	ck_assert_str_eq(ta, tb);
	free(ta);
	free(tb);
	ck_assert_int_eq(stat(a, &sa), 0);
	ck_assert_int_eq(stat(b, &sb), 0);
	ck_assert_int_eq(sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev, linked);
}

START_TEST(test_html_images_are_linked)
{
	struct ib_error err = { 0 };

	make_root();
	ck_assert_int_eq(html_report_write("h", pairs, NPAIRS, &err), 0);
	assert_same_file("h/img/2-diff", "src/d-mark.p&g", true);
	assert_same_file("h/img/2-expected.png", "src/e-mark.png", true);
	assert_same_file("h/img/3-actual.jpg", "src/a-extra.jpg", true);
	assert_same_file("h/img/7-expected", "src/e.d/z", true);
	assert_same_file("h/img/7-actual.JPEG", "src/a-z.JPEG", true);
	remove_root();
}
END_TEST

/* /proc is another file system, so linkat fails (EXDEV) and the image is
 * copied; its st_size of 0 makes the copy grow its buffer as it reads. */
START_TEST(test_html_images_are_copied_across_file_systems)
{
	static const struct pair_outcome procs[] = {
		{ .name = "p", .expected = "/proc/self/comm", .actual = "/proc/self/cmdline",
		  .status = PAIR_PASS, .reason = "" },
	};
	struct ib_error err = { 0 };
	struct stat st;
	char *comm, *copy;

	make_root();
	ck_assert_int_eq(html_report_write("h", procs, 1, &err), 0);
	comm = get_file("/proc/self/comm");
	copy = get_file("h/img/0-expected");
	ck_assert_str_eq(copy, comm);
	ck_assert_uint_gt(strlen(copy), 1);
	free(comm);
	free(copy);
	ck_assert_int_eq(stat("h/img/0-actual", &st), 0);
	ck_assert_int_gt(st.st_size, 1);
	ck_assert_uint_eq(st.st_nlink, 1);
	remove_root();
}
END_TEST

/* A second report replaces the page and the images of the same names. */
START_TEST(test_html_rewrite)
{
	static const struct pair_outcome second[] = {
		{ .name = "again.png", .expected = "src/e-gone.png", .actual = "src/a-fresh.png",
		  .status = PAIR_PASS, .reason = "", .psnr = INFINITY },
	};
	struct ib_error err = { 0 };
	char order[64], list[512];
	char *page, *json, *img;

	make_root();
	ck_assert_int_eq(html_report_write("h/", pairs, NPAIRS, &err), 0);
	ck_assert_int_eq(html_report_write("h/", second, 1, &err), 0);
	page = get_file("h/index.html");
	json = page_pairs(page);
	section_order(json, order, sizeof order);
	ck_assert_str_eq(order, "0");
	ck_assert_ptr_nonnull(strstr(json, "\"name\":\"again.png\""));
	free(page);
	free(json);
	img = get_file("h/img/0-actual.png");
	ck_assert_str_eq(img, "src/a-fresh.png");
	free(img);
	list_dir("h", list, sizeof list);
	ck_assert_str_eq(list, "img index.html");
	/* the images of pairs the new report lacks stay: the page no longer
	 * shows them */
	list_dir("h/img", list, sizeof list);
	ck_assert_str_eq(list, all_images);
	remove_root();
}
END_TEST

static int write_html_into_out(struct ib_error *err)
{
	return html_report_write("out", pairs, NPAIRS, err);
}

START_TEST(test_html_unwritable_keeps_old_report)
{
	struct child_result r;
	char list[512];
	char *old, *now;

	make_root();
	ck_assert_int_eq(html_report_write("out", pairs, 2, NULL), 0);
	old = get_file("out/index.html");

	/* img/ read-only: the first image cannot be replaced */
	ck_assert_int_eq(chmod("out/img", 0555), 0);
	ck_assert_int_eq(chmod("out", 0555), 0);
	r = run_unprivileged(write_html_into_out);
	ck_assert_int_eq(r.ret, -1);
	ck_assert_str_eq(r.msg, "writing the HTML report in out: "
			 "replacing img/0-expected.png: Permission denied");

	/* img/ writable, the directory not: the page cannot be replaced */
	ck_assert_int_eq(chmod("out/img", 0777), 0);
	r = run_unprivileged(write_html_into_out);
	ck_assert_int_eq(r.ret, -1);
	ck_assert_str_eq(r.msg, "writing the HTML report in out: "
			 "creating a temp file for index.html: Permission denied");

	now = get_file("out/index.html");
	ck_assert_str_eq(now, old);
	free(old);
	free(now);
	list_dir("out", list, sizeof list);
	ck_assert_str_eq(list, "img index.html");
	list_dir("out/img", list, sizeof list);
	ck_assert_str_eq(list, all_images);
	remove_root();
}
END_TEST

START_TEST(test_html_bad_directories)
{
	struct ib_error err = { 0 };
	char list[512];

	make_root();
	ck_assert_int_eq(html_report_write("", pairs, NPAIRS, &err), -1);
	ck_assert_str_eq(err.msg, "the HTML report directory name is empty");
	ck_assert_int_eq(html_report_write("src/e-same.png", pairs, NPAIRS, &err), -1);
	ck_assert_str_eq(err.msg, "opening the HTML report directory src/e-same.png: "
			 "Not a directory");
	ck_assert_int_eq(html_report_write("src/e-same.png/h", pairs, NPAIRS, &err), -1);
	ck_assert_str_eq(err.msg, "creating the HTML report directory src/e-same.png/h: "
			 "Not a directory");
	/* img/ planted as a link elsewhere is not followed */
	ck_assert_int_eq(mkdir("elsewhere", 0755), 0);
	ck_assert_int_eq(mkdir("h", 0755), 0);
	ck_assert_int_eq(symlink("../elsewhere", "h/img"), 0);
	ck_assert_int_eq(html_report_write("h", pairs, NPAIRS, &err), -1);
	ck_assert_str_eq(err.msg, "writing the HTML report in h: output directory component "
			 "'img' is a symlink; refusing to follow it");
	list_dir(".", list, sizeof list);
	ck_assert_str_eq(list, "elsewhere h src");
	list_dir("h", list, sizeof list);
	ck_assert_str_eq(list, "img");
	list_dir("elsewhere", list, sizeof list);
	ck_assert_str_eq(list, "");
	remove_root();
}
END_TEST

START_TEST(test_html_missing_source_image)
{
	static const struct pair_outcome lost[] = {
		{ .name = "lost.png", .expected = "src/e-same.png", .actual = "src/nothing.png",
		  .status = PAIR_PASS, .reason = "" },
	};
	struct ib_error err = { 0 };
	char list[512];

	make_root();
	ck_assert_int_eq(html_report_write("h", lost, 1, &err), -1);
	ck_assert_str_eq(err.msg, "writing the HTML report in h: "
			 "cannot open src/nothing.png: No such file or directory");
	list_dir("h", list, sizeof list);
	ck_assert_str_eq(list, "img");
	remove_root();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("reports");
	TCase *tc = tcase_create("escape");

	tcase_add_test(tc, test_escape_markup_characters);
	tcase_add_test(tc, test_escape_forbidden_characters);
	tcase_add_test(tc, test_escape_keeps_valid_utf8);
	tcase_add_test(tc, test_escape_invalid_utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("junit");
	tcase_add_test(tc, test_junit_exact_report);
	tcase_add_test(tc, test_junit_counts_without_size);
	tcase_add_test(tc, test_junit_no_pairs);
	tcase_add_test(tc, test_junit_replaces_old_report);
	tcase_add_test(tc, test_junit_unwritable_directory_keeps_old_report);
	tcase_add_test(tc, test_junit_bad_paths);
	suite_add_tcase(s, tc);

	tc = tcase_create("html");
	tcase_add_test(tc, test_html_page);
	tcase_add_test(tc, test_html_images_are_linked);
	tcase_add_test(tc, test_html_images_are_copied_across_file_systems);
	tcase_add_test(tc, test_html_rewrite);
	tcase_add_test(tc, test_html_unwritable_keeps_old_report);
	tcase_add_test(tc, test_html_bad_directories);
	tcase_add_test(tc, test_html_missing_source_image);
	suite_add_tcase(s, tc);
	return s;
}

