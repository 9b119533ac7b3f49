#include "config.h"
#include "compare/junit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/atomic.h"
#include "util/json.h"

/* ---- escaping ------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, or 0 when none starts there.
 * json_is_utf8 judges a copy of just the bytes the lead byte announces. */
static size_t utf8_length_at(const unsigned char *s)
{
	char seq[5] = "";
	size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;

	for (size_t i = 0; i < len && s[i]; i++)
		seq[i] = (char)s[i];
	return strlen(seq) == len && json_is_utf8(seq) ? len : 0;
}

/* Valid UTF-8 that XML 1.0 still forbids (C1 controls, U+FFFE, U+FFFF);
 * C1 controls are also HTML parse errors. */
static bool is_forbidden_sequence(const unsigned char *s, size_t len)
{
	if (len == 2)
		return s[0] == 0xC2 && s[1] <= 0x9F;
	return len == 3 && s[0] == 0xEF && s[1] == 0xBF && s[2] >= 0xBE;
}

/* A backslash as written: itself in markup, escaped (two) in a JSON string. */
static void put_backslash(FILE *out, bool in_json)
{
	fputs(in_json ? "\\\\" : "\\", out);
}

static void put_hex_bytes(FILE *out, const unsigned char *s, size_t len, bool in_json)
{
	for (size_t i = 0; i < len; i++) {
		put_backslash(out, in_json);
		fprintf(out, "x%02x", s[i]);
	}
}

/* c < 0x80 */
static void put_ascii(FILE *out, unsigned char c, bool in_json)
{
	static const char *const refs[128] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
		['\''] = "&#39;", ['\t'] = "&#9;", ['\n'] = "&#10;",
	};

	if (refs[c])
		fputs(refs[c], out);
	else if (c < 0x20 || c == 0x7F)
		put_hex_bytes(out, &c, 1, in_json);
	else if (c == '\\')
		put_backslash(out, in_json);
	else
		putc(c, out);
}

static void put_markup(FILE *out, const char *s, bool in_json)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t len = utf8_length_at(p);

		if (!len) {
			put_hex_bytes(out, p++, 1, in_json);
			continue;
		}
		if (len == 1)
			put_ascii(out, *p, in_json);
		else if (is_forbidden_sequence(p, len))
			put_hex_bytes(out, p, len, in_json);
		else
			fwrite(p, 1, len, out);
		p += len;
	}
}

void markup_put_text(FILE *out, const char *s)
{
	put_markup(out, s, false);
}

/* The markup holds no '"' (a reference) and no control character, so a
 * backslash is all that JSON needs escaped. */
void markup_put_json_string(FILE *out, const char *s)
{
	putc('"', out);
	put_markup(out, s, true);
	putc('"', out);
}

/* ---- the report ----------------------------------------------------------- */

struct junit_counts {
	size_t failures, errors, skipped;
};

static bool is_absent_side(const struct pair_outcome *p)
{
	return p->status == PAIR_MISSING || p->status == PAIR_NEW;
}

static struct junit_counts count_pairs(const struct pair_outcome *pairs, size_t n)
{
	struct junit_counts c = { 0, 0, 0 };

	for (size_t i = 0; i < n; i++) {
		if (pairs[i].not_started)
			c.skipped++;
		else if (pairs[i].status == PAIR_ERROR)
			c.errors++;
		else if (is_absent_side(&pairs[i]) && pairs[i].allowed)
			c.skipped++;
		else if (pairs[i].status != PAIR_PASS)
			c.failures++;
	}
	return c;
}

/* " name=\"escaped value\"" */
static void put_attr(FILE *out, const char *name, const char *value)
{
	fprintf(out, " %s=\"", name);
	markup_put_text(out, value);
	putc('"', out);
}

static void put_counts_attrs(FILE *out, size_t n, struct junit_counts c, double seconds)
{
	fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"",
		n, c.failures, c.errors, c.skipped, seconds);
}

/* One "label: path" line of a failure text, when the side exists. */
static void put_path_line(FILE *out, const char *label, const char *path)
{
	if (!path)
		return;
	fprintf(out, "%s: ", label);
	markup_put_text(out, path);
	putc('\n', out);
}

/* Pairs not compared pixel by pixel (sizes differ: width 0) have no counts. */
static void put_diff_counts(FILE *out, const struct pair_outcome *p)
{
	uint64_t total = (uint64_t)p->width * p->height;

	if (!total)
		return;
	if (p->expected_width)
		fprintf(out, "expected size: %" PRIu32 "x%" PRIu32 "\nactual size: %" PRIu32 "x%"
			PRIu32 "\ncommon area compared: ", p->expected_width, p->expected_height,
			p->actual_width, p->actual_height);
	else
		fputs("size: ", out);
	fprintf(out, "%" PRIu32 "x%" PRIu32 "\n", p->width, p->height);
	if (p->has_ssim) {
		fprintf(out, "SSIM: %.6f\n", p->ssim);
		return;
	}
	fprintf(out, "diff pixels: %" PRIu64 " of %" PRIu64 " (ratio %.6f)\n",
		p->diff_pixels, total, (double)p->diff_pixels / (double)total);
	fprintf(out, "anti-aliased pixels: %" PRIu64 "\n", p->aa_pixels);
	if (isinf(p->psnr))
		fputs("PSNR: infinite (identical)\n", out);
	else
		fprintf(out, "PSNR: %.2f dB\n", p->psnr);
	fprintf(out, "max channel diff: %" PRIu32 "\n", p->max_channel_diff);
}

static void put_result(FILE *out, const char *element, const char *type,
		       const struct pair_outcome *p)
{
	fprintf(out, "      <%s", element);
	put_attr(out, "message", p->reason);
	if (type)
		put_attr(out, "type", type);
	fputs(">", out);
	if (p->status == PAIR_FAIL)
		put_diff_counts(out, p);
	put_path_line(out, "expected", p->expected);
	put_path_line(out, "actual", p->actual);
	put_path_line(out, "diff image", p->diff);
	fprintf(out, "</%s>\n", element);
}

static void put_testcase(FILE *out, const struct pair_outcome *p)
{
	fputs("    <testcase classname=\"imgbatch.compare\"", out);
	put_attr(out, "name", p->name);
	fprintf(out, " time=\"%.3f\"", p->ms / 1000);
	if (p->status == PAIR_PASS) {
		fputs("/>\n", out);
		return;
	}
	fputs(">\n", out);
	if (p->not_started)
		put_result(out, "skipped", NULL, p);
	else if (p->status == PAIR_FAIL)
		put_result(out, "failure", p->size_fail ? "size-differs" : "image-diff", p);
	else if (p->status == PAIR_ERROR)
		put_result(out, "error", "unreadable", p);
	else if (p->allowed)
		put_result(out, "skipped", NULL, p);
	else
		put_result(out, "failure", p->status == PAIR_MISSING ? "missing" : "new", p);
	/* GitLab and Jenkins (attachments plugin) link files named this way. */
	if (p->diff) {
		fputs("      <system-out>[[ATTACHMENT|", out);
		markup_put_text(out, p->diff);
		fputs("]]</system-out>\n", out);
	}
	fputs("    </testcase>\n", out);
}

static void put_report(FILE *out, const struct pair_outcome *pairs, size_t n, double seconds)
{
	struct junit_counts c = count_pairs(pairs, n);

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"imgbatch compare\"", out);
	put_counts_attrs(out, n, c, seconds);
	fputs(">\n  <testsuite name=\"imgbatch compare\"", out);
	put_counts_attrs(out, n, c, seconds);
	fputs(">\n", out);
	for (size_t i = 0; i < n; i++)
		put_testcase(out, &pairs[i]);
	fputs("  </testsuite>\n</testsuites>\n", out);
}

/* Opens the directory part of path ("." when it has none) and points *base
 * at the file name. */
static int open_parent(const char *path, const char **base, struct ib_error *err)
{
	const char *slash = strrchr(path, '/');
	char *dir = NULL;
	int fd;

	*base = slash ? slash + 1 : path;
	if (slash) {
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
		if (!dir)
			return ib_fail_errno(err, errno, "writing %s", path);
	}
	fd = open(dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		ib_fail_errno(err, errno, "opening the directory of the JUnit report %s", path);
	free(dir);
	return fd;
}

/* atomic_write names only the file: say which report it was. */
static int fail_with_path(struct ib_error *err, const char *path)
{
	struct ib_error inner;

	if (!err)
		return -1;
	inner = *err;
	return ib_fail(err, "writing the JUnit report %s: %s", path, inner.msg);
}

int junit_write(const char *path, const struct pair_outcome *pairs, size_t n,
		double seconds, struct ib_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	const char *base;
	FILE *out = open_memstream(&buf, &len);
	bool failed;
	int dir_fd, ret;

	if (!out)
		return ib_fail_errno(err, errno, "writing the JUnit report %s", path);
	put_report(out, pairs, n, seconds);
	failed = ferror(out);
	if (fclose(out) || failed) {
		free(buf);
		return ib_fail(err, "writing the JUnit report %s: out of memory", path);
	}
	dir_fd = open_parent(path, &base, err);
	if (dir_fd < 0) {
		free(buf);
		return -1;
	}
	ret = atomic_write(dir_fd, base, buf, len, true, err);
	close(dir_fd);
	free(buf);
	return ret ? fail_with_path(err, path) : 0;
}
