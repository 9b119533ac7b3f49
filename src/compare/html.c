#include "config.h"
#include "compare/html.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>

#include "disk/atomic.h"
#include "compare/junit.h"
#include "util/file.h"

/* Enough for "<index>-expected.<ext>" (see image_name). */
#define IMAGE_NAME_MAX 48
#define EXT_MAX 8

enum image_role { ROLE_EXPECTED, ROLE_ACTUAL, ROLE_DIFF, ROLE_COUNT };

static const char *const role_names[ROLE_COUNT] = { "expected", "actual", "diff" };

/* ---- order and labels ------------------------------------------------------ */

static bool is_failing(const struct pair_outcome *p)
{
	if (p->status == PAIR_MISSING || p->status == PAIR_NEW)
		return !p->allowed;
	return p->status != PAIR_PASS;
}

/* Page order: what needs a look first. */
enum { RANK_COUNT = 5 };

static int rank_of(const struct pair_outcome *p)
{
	switch (p->status) {
	case PAIR_FAIL:
		return 0;
	case PAIR_ERROR:
		return 1;
	case PAIR_MISSING:
	case PAIR_NEW:
		return p->allowed ? 3 : 2;
	case PAIR_PASS:
		break;
	}
	return 4;
}

static const char *status_name(enum pair_status status)
{
	switch (status) {
	case PAIR_FAIL:
		return "fail";
	case PAIR_ERROR:
		return "error";
	case PAIR_MISSING:
		return "missing";
	case PAIR_NEW:
		return "new";
	case PAIR_PASS:
		break;
	}
	return "pass";
}

static const char *side_path(const struct pair_outcome *p, enum image_role role)
{
	return role == ROLE_EXPECTED ? p->expected : role == ROLE_ACTUAL ? p->actual : p->diff;
}

/* ---- images ---------------------------------------------------------------- */

/* The extension of path's file name with its dot, or "" when it has none
 * or one that would need escaping in a URL (over EXT_MAX or not [A-Za-z0-9]). */
static void extension_of(const char *path, char ext[EXT_MAX + 2])
{
	const char *base = strrchr(path, '/');
	const char *dot = strrchr(base ? base + 1 : path, '.');
	size_t len = dot ? strlen(dot + 1) : 0;

	ext[0] = '\0';
	if (len == 0 || len > EXT_MAX)
		return;
	for (size_t i = 1; i <= len; i++)
		if (!isalnum((unsigned char)dot[i]))
			return;
	memcpy(ext, dot, len + 2);
}

static void image_name(char name[IMAGE_NAME_MAX], size_t index, enum image_role role,
		       const char *src)
{
	char ext[EXT_MAX + 2];

	extension_of(src, ext);
	snprintf(name, IMAGE_NAME_MAX, "%zu-%s%s", index, role_names[role], ext);
}

static int copy_image(const char *src, int img_fd, const char *name, struct ib_error *err)
{
	struct file_bytes file;
	if (file_bytes_read(src, 0, &file, err) < 0)
		return -1;
	int ret = atomic_write(img_fd, name, file.data, file.len, false, err);
	file_bytes_free(&file);
	return ret;
}

/* A hard link costs nothing; a copy is the fallback (another file system,
 * or one without links).  An image of an earlier report is replaced. */
static int place_image(const char *src, int img_fd, const char *name, struct ib_error *err)
{
	if (unlinkat(img_fd, name, 0) && errno != ENOENT)
		return ib_fail_errno(err, errno, "replacing img/%s", name);
	/* the file a symlink names, never the link (it would dangle in the report) */
	if (!linkat(AT_FDCWD, src, img_fd, name, AT_SYMLINK_FOLLOW))
		return 0;
	return copy_image(src, img_fd, name, err);
}

static int place_images(int img_fd, const struct pair_outcome *pairs, size_t n,
			struct ib_error *err)
{
	char name[IMAGE_NAME_MAX];

	for (size_t i = 0; i < n; i++) {
		for (int role = 0; role < ROLE_COUNT; role++) {
			const char *src = side_path(&pairs[i], role);

			if (!src)
				continue;
			image_name(name, i, role, src);
			if (place_image(src, img_fd, name, err))
				return -1;
		}
	}
	return 0;
}

/* ---- the page -------------------------------------------------------------- */

/*
 * Why the pairs travel as data: a page with a section and four <img> per
 * pair takes Chromium over 11 s to open at 10,000 pairs (reg-cli#506,
 * Visual-Regression-Tracker#375 are that complaint).  So the page holds one
 * collapsible group per rank, each with its pairs as a JSON array, gzipped
 * and in base64, in an inert <script type="application/gzip">; the script
 * draws a group's cards a page at a time, only once the group is open.
 * Failing groups start open, the rest closed.  Gzipped, 10,000 pairs' 3 MB
 * of JSON is some 145 KB: the parser, which goes through every byte before
 * DOMContentLoaded, is done 2-3 times sooner (on a loaded 2-core machine,
 * 0.3-0.9 s instead of 0.9-2.4 s).
 */

static const char page_head[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	/* Nothing but this file and its img/ may load, whatever a name holds. */
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	"img-src 'self' file:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>imgbatch compare report</title>\n"
	"<style>\n"
	"body{font:14px/1.4 system-ui,sans-serif;margin:0 1em;background:#f4f4f4;color:#222}\n"
	"header{position:sticky;top:0;z-index:1;background:#f4f4f4;padding:.5em 0;border-bottom:1px solid #bbb}\n"
	"h1{font-size:1.2em;margin:0}\n"
	"#summary{margin:.2em 0}\n"
	".group>summary{font-weight:bold;margin:.8em 0 0;cursor:pointer}\n"
	".pair{background:#fff;border:1px solid #bbb;border-left:6px solid #3a3;margin:1em 0;padding:.4em 1em;"
	"content-visibility:auto;contain-intrinsic-size:auto 300px}\n"
	".pair[data-failing=true]{border-left-color:#c33}\n"
	".pair[data-status=error]{border-left-color:#e80}\n"
	".pair[data-failing=false]:not([data-status=pass]){border-left-color:#999}\n"
	".pair h2{font-size:1em;margin:.2em 0;overflow-wrap:anywhere}\n"
	".status{display:inline-block;min-width:6em;text-transform:uppercase}\n"
	".reason{margin:.2em 0}\n"
	".counts{display:flex;flex-wrap:wrap;gap:0 1.5em;margin:.2em 0}\n"
	".counts div{display:flex;gap:.4em}\n"
	".counts dt{color:#666}\n"
	".counts dd{margin:0}\n"
	".images{display:flex;flex-wrap:wrap;gap:1em}\n"
	"figure{margin:0;flex:0 1 calc(25% - .75em);min-width:8em}\n"
	"figcaption{color:#666}\n"
	"figure img{max-width:100%;height:auto;image-rendering:pixelated;"
	"background:repeating-conic-gradient(#ddd 0 25%,#fff 0 50%) 0 0/16px 16px}\n"
	"body.failures-only .group[data-failing=false]{display:none}\n"
	"</style>\n"
	"</head>\n"
	"<body>\n"
	"<header>\n"
	"<h1>imgbatch compare report</h1>\n";

static const char page_controls[] =
	"<label><input type=\"checkbox\" id=\"failures-only\" autocomplete=\"off\"> show failures only</label>\n"
	"</header>\n"
	"<main>\n";

static const char page_script[] =
	"<script>\n"
	"'use strict';\n"
	"var PAGE = 100;\n"
	"function el(tag, cls, text) {\n"
	"\tvar e = document.createElement(tag);\n"
	"\tif (cls)\n"
	"\t\te.className = cls;\n"
	"\tif (text !== undefined)\n"
	"\t\te.textContent = text;\n"
	"\treturn e;\n"
	"}\n"
	/* loading before src: a detached image with a src starts loading at once. */
	"function lazy_img(cls, alt, src) {\n"
	"\tvar img = el('img', cls);\n"
	"\timg.loading = 'lazy';\n"
	"\timg.decoding = 'async';\n"
	"\timg.alt = alt;\n"
	"\timg.src = src;\n"
	"\treturn img;\n"
	"}\n"
	"function figure(cls, caption, img) {\n"
	"\tvar f = el('figure', cls);\n"
	"\tf.append(caption, img);\n"
	"\treturn f;\n"
	"}\n"
	/* One image that a button flips between expected and actual, so a
	 * change shows as motion in the same place. */
	"function flip_view(p) {\n"
	"\tvar caption = el('figcaption'), button = el('button', 'flip', 'flip');\n"
	"\tvar img = lazy_img('flip-image', 'expected or actual', p.img.expected);\n"
	"\tbutton.type = 'button';\n"
	"\tcaption.append(el('span', 'showing', 'expected'), ' ', button);\n"
	"\timg.dataset.expected = p.img.expected;\n"
	"\timg.dataset.actual = p.img.actual;\n"
	"\timg.dataset.showing = 'expected';\n"
	"\treturn figure('flip-view', caption, img);\n"
	"}\n"
	/* No width/height on images: when the sizes differ, either would scale
	 * one side to the other and hide the difference.  name and reason are
	 * markup the report escaped (text only, \xNN for bytes that are not). */
	"function card(p) {\n"
	"\tvar s = el('section', 'pair'), h = el('h2'), name = el('span', 'name');\n"
	"\ts.id = 'pair-' + p.index;\n"
	"\ts.dataset.status = p.status;\n"
	"\ts.dataset.failing = p.failing;\n"
	"\tname.innerHTML = p.name;\n"
	"\th.append(el('span', 'status', p.label), ' ', name);\n"
	"\ts.append(h);\n"
	"\tif (p.reason) {\n"
	"\t\tvar reason = el('p', 'reason');\n"
	"\t\treason.innerHTML = p.reason;\n"
	"\t\ts.append(reason);\n"
	"\t}\n"
	"\tif (p.counts) {\n"
	"\t\tvar dl = el('dl', 'counts');\n"
	"\t\tp.counts.forEach(function (c) {\n"
	"\t\t\tvar d = el('div');\n"
	"\t\t\td.append(el('dt', '', c[0]), el('dd', '', c[1]));\n"
	"\t\t\tdl.append(d);\n"
	"\t\t});\n"
	"\t\ts.append(dl);\n"
	"\t}\n"
	"\tvar images = el('div', 'images');\n"
	"\tif (p.img.expected && p.img.actual)\n"
	"\t\timages.append(flip_view(p));\n"
	"\t['expected', 'actual', 'diff'].forEach(function (role) {\n"
	"\t\tif (p.img[role])\n"
	"\t\t\timages.append(figure('', el('figcaption', '', role), lazy_img(role, role, p.img[role])));\n"
	"\t});\n"
	"\ts.append(images);\n"
	"\treturn s;\n"
	"}\n"
	/* base64 of gzip of JSON, as the report writes a group's pairs. */
	"function inflate(text) {\n"
	"\tvar bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });\n"
	"\tvar stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));\n"
	"\treturn new Response(stream).json();\n"
	"}\n"
	"var pairs_of = new WeakMap();\n"
	/* A promise of a group's pairs, read the first time it is asked for. */
	"function pairs_in(group) {\n"
	"\tif (!pairs_of.has(group))\n"
	"\t\tpairs_of.set(group, inflate(group.querySelector('script.pairs').textContent));\n"
	"\treturn pairs_of.get(group);\n"
	"}\n"
	/* Draws the group's next PAGE cards. */
	"function show_more(group) {\n"
	"\tpairs_in(group).then(function (pairs) {\n"
	"\t\tvar rows = group.querySelector('.rows'), button = group.querySelector('button.more');\n"
	"\t\tvar from = rows.childElementCount, to = Math.min(from + PAGE, pairs.length);\n"
	"\t\tvar cards = document.createDocumentFragment();\n"
	"\t\tfor (var i = from; i < to; i++)\n"
	"\t\t\tcards.append(card(pairs[i]));\n"
	"\t\trows.append(cards);\n"
	"\t\tbutton.hidden = to === pairs.length;\n"
	"\t\tbutton.textContent = 'show ' + Math.min(PAGE, pairs.length - to) + ' more of ' +\n"
	"\t\t\t(pairs.length - to);\n"
	/* Observed anew: still in reach after this page, it fires again. */
	"\t\tnear_end.unobserve(button);\n"
	"\t\tif (!button.hidden)\n"
	"\t\t\tnear_end.observe(button);\n"
	"\t}).catch(function (e) {\n"
	"\t\tconsole.error('the pairs of ' + group.id + ' cannot be read: ' + e);\n"
	"\t});\n"
	"}\n"
	/* Scrolling near a group's end draws its next page; the button too. */
	"var near_end = new IntersectionObserver(function (entries) {\n"
	"\tentries.forEach(function (e) {\n"
	"\t\tif (e.isIntersecting)\n"
	"\t\t\tshow_more(e.target.closest('details.group'));\n"
	"\t});\n"
	"}, { rootMargin: '600px' });\n"
	"document.addEventListener('click', function (e) {\n"
	"\tif (e.target.matches('button.more'))\n"
	"\t\tshow_more(e.target.closest('details.group'));\n"
	"});\n"
	/* Once: the toggle of a group the page opens may come after this. */
	"function first_page(group) {\n"
	"\tif (group.open && !pairs_of.has(group))\n"
	"\t\tshow_more(group);\n"
	"}\n"
	/* toggle does not bubble; a capturing listener still sees it. */
	"document.addEventListener('toggle', function (e) {\n"
	"\tif (e.target.matches('details.group'))\n"
	"\t\tfirst_page(e.target);\n"
	"}, true);\n"
	/* The failing groups are above: drawn as soon as they are read. */
	"document.querySelectorAll('details.group').forEach(first_page);\n"
	"document.getElementById('failures-only').addEventListener('change', function (e) {\n"
	"\tdocument.body.classList.toggle('failures-only', e.target.checked);\n"
	"});\n"
	/* One listener for all the cards: thousands of pairs stay cheap. */
	"document.addEventListener('click', function (e) {\n"
	"\tvar button = e.target.closest('button.flip');\n"
	"\tif (!button)\n"
	"\t\treturn;\n"
	"\tvar img = button.closest('.pair').querySelector('img.flip-image');\n"
	"\tvar next = img.dataset.showing === 'expected' ? 'actual' : 'expected';\n"
	"\timg.src = img.dataset[next];\n"
	"\timg.dataset.showing = next;\n"
	"\tbutton.closest('figure').querySelector('.showing').textContent = next;\n"
	"});\n"
	"</script>\n";

static const char page_tail[] =
	"</main>\n"
	"</body>\n"
	"</html>\n";

/* The groups, in page order (rank_of), and whether each is failing. */
static const struct group {
	const char *id, *title;
	bool failing;
} groups[RANK_COUNT] = {
	{ "failed", "Failed", true },
	{ "error", "Errors", true },
	{ "missing-new", "Missing or new", true },
	{ "allowed", "Missing or new, allowed", false },
	{ "passed", "Passed", false },
};

static void put_summary(FILE *out, const struct pair_outcome *pairs, size_t n)
{
	size_t by_status[PAIR_ERROR + 1] = { 0 }, allowed = 0;   /* PAIR_ERROR is last */

	for (size_t i = 0; i < n; i++) {
		by_status[pairs[i].status]++;
		allowed += (pairs[i].status == PAIR_MISSING || pairs[i].status == PAIR_NEW) &&
			   pairs[i].allowed;
	}
	fprintf(out, "<p id=\"summary\">%zu pairs: failed %zu, errors %zu, missing %zu, "
		"new %zu (allowed %zu), passed %zu</p>\n",
		n, by_status[PAIR_FAIL], by_status[PAIR_ERROR], by_status[PAIR_MISSING],
		by_status[PAIR_NEW], allowed, by_status[PAIR_PASS]);
}

/* Writes the members of a JSON array or object, a comma between each. */
struct json_list {
	FILE *out;
	bool started;
};

static void list_next(struct json_list *l)
{
	if (l->started)
		putc(',', l->out);
	l->started = true;
}

static void put_count(struct json_list *counts, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One [label, value] of the counts; values are numbers and words, no
 * character that JSON or markup would escape. */
static void put_count(struct json_list *counts, const char *label, const char *fmt, ...)
{
	va_list ap;

	list_next(counts);
	fprintf(counts->out, "[\"%s\",\"", label);
	va_start(ap, fmt);
	vfprintf(counts->out, fmt, ap);
	va_end(ap);
	fputs("\"]", counts->out);
}

static void put_pixelmatch_counts(struct json_list *counts, const struct pair_outcome *p)
{
	uint64_t total = (uint64_t)p->width * p->height;
	put_count(counts, "diff pixels", "%" PRIu64, p->diff_pixels);
	put_count(counts, "ratio", "%.6f", (double)p->diff_pixels / (double)total);
	put_count(counts, "anti-aliased", "%" PRIu64, p->aa_pixels);
	if (isinf(p->psnr))
		put_count(counts, "PSNR", "identical");
	else
		put_count(counts, "PSNR", "%.2f dB", p->psnr);
	put_count(counts, "max channel diff", "%" PRIu32, p->max_channel_diff);
}

/* The numbers of a compared pair, as "counts"; pairs not compared pixel by
 * pixel (a side absent, sizes that differ: width 0) have none. */
static void put_counts(FILE *out, const struct pair_outcome *p)
{
	uint64_t total = (uint64_t)p->width * p->height;
	struct json_list counts = { out, false };

	if (!total || (p->status != PAIR_PASS && p->status != PAIR_FAIL))
		return;
	fputs(",\"counts\":[", out);
	if (p->expected_width) {
		put_count(&counts, "expected size", "%" PRIu32 "x%" PRIu32, p->expected_width,
			  p->expected_height);
		put_count(&counts, "actual size", "%" PRIu32 "x%" PRIu32, p->actual_width,
			  p->actual_height);
	}
	put_count(&counts, p->expected_width ? "common area" : "size", "%" PRIu32 "x%" PRIu32,
		  p->width, p->height);
	if (!p->has_ssim)
		put_pixelmatch_counts(&counts, p);
	else
		put_count(&counts, "SSIM", "%.6f", p->ssim);
	put_count(&counts, "time", "%.1f ms", p->ms);
	putc(']', out);
}

/* "img": the page's path of each image the pair has, by role. */
static void put_images(FILE *out, const struct pair_outcome *p, size_t index)
{
	struct json_list images = { out, false };
	char name[IMAGE_NAME_MAX];

	fputs(",\"img\":{", out);
	for (int role = 0; role < ROLE_COUNT; role++) {
		const char *src = side_path(p, role);

		if (!src)
			continue;
		image_name(name, index, role, src);
		list_next(&images);
		fprintf(out, "\"%s\":\"img/%s\"", role_names[role], name);
	}
	putc('}', out);
}

/* One pair as the page's script reads it (card() there). */
static void put_pair(FILE *out, const struct pair_outcome *p, size_t index)
{
	const char *status = status_name(p->status);

	fprintf(out, "{\"index\":%zu,\"status\":\"%s\",\"failing\":%s,\"label\":\"%s%s\",\"name\":",
		index, status, is_failing(p) ? "true" : "false",
		p->size_fail ? "size differs" : status,
		is_failing(p) || p->status == PAIR_PASS ? "" : " (allowed)");
	markup_put_json_string(out, p->name);
	if (*p->reason) {
		fputs(",\"reason\":", out);
		markup_put_json_string(out, p->reason);
	}
	put_counts(out, p);
	put_images(out, p, index);
	putc('}', out);
}

/* The pairs of a rank, in input order, as a JSON array. */
static void put_rank_json(FILE *out, const struct pair_outcome *pairs, size_t n, int rank)
{
	struct json_list rows = { out, false };

	putc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (rank_of(&pairs[i]) != rank)
			continue;
		list_next(&rows);
		putc('\n', out);
		put_pair(out, &pairs[i], i);
	}
	putc(']', out);
}

static void put_base64(FILE *out, const unsigned char *p, size_t len)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < len ? p[i + 2] : 0);
		char quad[4] = { digits[v >> 18], digits[v >> 12 & 63],
				 i + 1 < len ? digits[v >> 6 & 63] : '=', i + 2 < len ? digits[v & 63] : '=' };

		fwrite(quad, 1, sizeof quad, out);
	}
}

/* json gzipped, in base64; -1 when memory runs out. */
static int put_gzip_base64(FILE *out, const char *json, size_t len)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
	size_t cap = c ? libdeflate_gzip_compress_bound(c, len) : 0, size = 0;
	unsigned char *gz = c ? malloc(cap) : NULL;

	if (gz)
		size = libdeflate_gzip_compress(c, json, len, gz, cap);
	if (size)
		put_base64(out, gz, size);
	free(gz);
	libdeflate_free_compressor(c);
	return size ? 0 : -1;
}

/* The group of a rank (failing groups open), its pairs' JSON gzipped, in
 * base64 (see the top of this part); -1 when memory runs out. */
static int put_group(FILE *out, const struct pair_outcome *pairs, size_t n, int rank,
		     size_t count)
{
	const struct group *g = &groups[rank];
	char *json = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&json, &len);
	bool failed;

	if (!mem)
		return -1;
	put_rank_json(mem, pairs, n, rank);
	failed = ferror(mem);
	if (fclose(mem) || failed) {
		free(json);
		return -1;
	}
	fprintf(out, "<details class=\"group\" id=\"group-%s\" data-group=\"%s\" data-failing=\"%s\"%s>\n"
		"<summary>%s: %zu</summary>\n<div class=\"rows\"></div>\n"
		"<button class=\"more\" type=\"button\" hidden></button>\n"
		"<script type=\"application/gzip\" class=\"pairs\">",
		g->id, g->id, g->failing ? "true" : "false", g->failing ? " open" : "",
		g->title, count);
	failed = put_gzip_base64(out, json, len);
	free(json);
	fputs("</script>\n</details>\n", out);
	return failed ? -1 : 0;
}

/* -1 when memory runs out. */
static int put_page(FILE *out, const struct pair_outcome *pairs, size_t n)
{
	size_t by_rank[RANK_COUNT] = { 0 };

	for (size_t i = 0; i < n; i++)
		by_rank[rank_of(&pairs[i])]++;
	fputs(page_head, out);
	put_summary(out, pairs, n);
	fputs(page_controls, out);
	for (int rank = 0; rank < RANK_COUNT; rank++) {
		/* After the failing groups: it draws them while the rest is
		 * still being read. */
		if (!groups[rank].failing && (rank == 0 || groups[rank - 1].failing))
			fputs(page_script, out);
		if (by_rank[rank] && put_group(out, pairs, n, rank, by_rank[rank]))
			return -1;
	}
	fputs(page_tail, out);
	return 0;
}

static int write_page(int dir_fd, const struct pair_outcome *pairs, size_t n,
		      struct ib_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	bool failed;
	int ret;

	if (!out)
		return ib_fail_errno(err, errno, "building index.html");
	failed = put_page(out, pairs, n) || ferror(out);
	if (fclose(out) || failed) {
		free(buf);
		return ib_fail(err, "building index.html: out of memory");
	}
	ret = atomic_write(dir_fd, "index.html", buf, len, true, err);
	free(buf);
	return ret;
}

/* ---- directories ----------------------------------------------------------- */

/* mkdir -p: each component in turn; one that exists is fine. */
static int make_dirs(const char *dir, struct ib_error *err)
{
	char *path = strdup(dir);
	int ret = 0;

	if (!path)
		return ib_fail_errno(err, errno, "creating the HTML report directory %s", dir);
	for (char *p = path + 1;; p++) {
		char c = *p;

		if (c && c != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) && errno != EEXIST) {
			ret = ib_fail_errno(err, errno, "creating the HTML report directory %s", path);
			break;
		}
		if (!c)
			break;
		*p = c;
	}
	free(path);
	return ret;
}

static int open_report_dir(const char *dir, struct ib_error *err)
{
	int fd;

	if (!*dir)
		return ib_fail(err, "the HTML report directory name is empty");
	if (make_dirs(dir, err))
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ib_fail_errno(err, errno, "opening the HTML report directory %s", dir);
	return fd;
}

/* The callees name the file; add which report it belongs to. */
static int fail_in_dir(struct ib_error *err, const char *dir)
{
	struct ib_error inner;

	if (!err)
		return -1;
	inner = *err;
	return ib_fail(err, "writing the HTML report in %s: %s", dir, inner.msg);
}

int html_report_write(const char *dir, const struct pair_outcome *pairs, size_t n,
		      struct ib_error *err)
{
	int dir_fd = open_report_dir(dir, err), img_fd, ret = -1;

	if (dir_fd < 0)
		return -1;
	/* Never follows a link planted at img: images go only where asked. */
	img_fd = atomic_open_dir(dir_fd, "img", true, err);
	if (img_fd >= 0) {
		ret = place_images(img_fd, pairs, n, err);
		if (!ret)
			ret = write_page(dir_fd, pairs, n, err);
		close(img_fd);
	}
	close(dir_fd);
	return ret ? fail_in_dir(err, dir) : 0;
}
