#include "config.h"
#include "compare/pair.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codec/codec.h"
#include "codec/load.h"
#include "compare/ssim.h"
#include "disk/atomic.h"

int compare_actual_path(const struct compare_settings *cs, const char *expected_path,
			size_t rel_off, char *buf, size_t cap, struct ib_error *err)
{
	const char *actual = cs->actual;
	int n = cs->dirs ? snprintf(buf, cap, "%s/%s", actual, expected_path + rel_off)
			      : snprintf(buf, cap, "%s", actual);
	if (n < 0 || (size_t)n >= cap)
		return ib_fail(err, "path too long");
	return 0;
}

int compare_diff_name(const struct compare_settings *cs, const char *pair_name, char *buf,
		      size_t cap, struct ib_error *err)
{
	if (cs->diff_file)   /* compare --serve: the request's name, as it is */
		return (size_t)snprintf(buf, cap, "%s", cs->diff_file) < cap ? 0
			: ib_fail(err, "path too long");
	/* two files: the diff is DIR/NAME.png, whatever directory ACTUAL is in */
	const char *slash = cs->dirs ? NULL : strrchr(pair_name, '/');
	const char *rel = slash ? slash + 1 : pair_name;
	size_t len = strlen(rel);
	bool is_png = len >= 4 && strcasecmp(rel + len - 4, ".png") == 0;
	if ((size_t)snprintf(buf, cap, "%s%s", rel, is_png ? "" : ".png") >= cap)
		return ib_fail(err, "path too long");
	return 0;
}

const char *compare_pair_name(const struct compare_settings *cs, const char *expected_path,
			      size_t rel_off)
{
	return cs->dirs ? expected_path + rel_off : cs->actual;
}

/* The directory part of path ("." when none) into buf, and its last name. */
static const char *split_dir(const char *path, char *buf, size_t cap)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;
	if (!slash)
		snprintf(buf, cap, ".");
	else
		snprintf(buf, cap, "%.*s", (int)(len ? len : 1), path);
	return slash ? slash + 1 : path;
}

/* Writes data as rel below the directory root_fd, creating rel's
 * directories, atomically. */
static int write_below(int root_fd, const char *rel, const void *data, size_t len,
		       struct ib_error *err)
{
	char dir[WIRE_MAX_PATH + 1];
	const char *slash = strrchr(rel, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - rel) : 0, rel);
	int dir_fd = atomic_open_dir(root_fd, dir, true, err);
	if (dir_fd < 0)
		return -1;
	int ret = atomic_write(dir_fd, slash ? slash + 1 : rel, data, len, false, err);
	close(dir_fd);
	return ret;
}

int compare_accept_golden(const char *src, const char *root, const char *rel,
			  struct ib_error *err)
{
	struct file_bytes file;
	/* the actual image, read (within --max-input-size) to be compared */
	if (file_bytes_read(src, 0, &file, err) < 0)
		return -1;
	int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = root_fd < 0 ? ib_fail_errno(err, errno, "cannot open %s", root)
			      : write_below(root_fd, rel, file.data, file.len, err);
	if (root_fd >= 0)
		close(root_fd);
	file_bytes_free(&file);
	return ret;
}

/* What a worker keeps: the settings and --diff-dir, opened by the master. */
struct compare_worker {
	const struct compare_settings *cs;
	int diff_root_fd;
	uint64_t max_input_size;
};

void *compare_worker_start(const struct job *job, int out_root_fd)
{
	static struct compare_worker w;
	w.cs = job->settings;
	w.diff_root_fd = out_root_fd;
	w.max_input_size = job->max_input_size;
	return &w;
}

/* Everything one pair holds; released in one place. */
struct pair_state {
	char actual_path[WIRE_MAX_PATH + 1];
	struct file_bytes expected_file, actual_file;
	struct image expected, actual, diff;
	struct compare_result cmp;
	uint8_t *ignore;              /* pixels left out, or NULL */
	struct pair_result out;       /* what the result reports */
};

/* Decodes file, the bytes of path; a failure names the file. */
static int decode(const char *path, const struct file_bytes *file, uint64_t max_pixels,
		  struct image *img, struct ib_error *err)
{
	if (image_decode_bytes(file, max_pixels, img, err) == 0)
		return 0;
	char reason[IB_REASON_MAX];
	snprintf(reason, sizeof reason, "%s", err->msg);
	return ib_fail(err, "%s: %s", path, reason);
}

/* The limits of --max-diff-pixels and --max-diff-ratio: diff differing
 * pixels out of pixels. */
static bool within_limits(const struct compare_settings *c, uint64_t diff, uint64_t pixels)
{
	if (c->max_diff_ratio >= 0 && (double)diff > c->max_diff_ratio * (double)pixels)
		return false;
	return diff <= c->max_diff_pixels;
}

/* What the limits judge: the whole image, or with --window N its densest
 * NxN square (smaller when the image is: compare_images clamps N to the
 * shorter side).  *side is 0 for the whole image. */
static uint64_t judged_count(const struct compare_settings *c, const struct image *img,
			     const struct compare_result *r, uint64_t *pixels, uint32_t *side)
{
	uint32_t n = c->opts.window;
	if (n == 0) {
		*side = 0;
		*pixels = (uint64_t)img->width * img->height;
		return r->diff_pixels;
	}
	if (n > img->width)
		n = img->width;
	if (n > img->height)
		n = img->height;
	*side = n;
	*pixels = (uint64_t)n * n;
	return r->window_diff_pixels;
}

/* Writes the diff image of the pair called name; its path (as the user
 * names it) goes to the result. */
static int write_diff(const struct compare_worker *w, const char *name, const struct image *diff,
		      struct wire_result *res, struct ib_error *err)
{
	char rel[WIRE_MAX_PATH + 1];
	struct buffer png = { 0 };
	struct encode_options opts = { .compression = 1 };
	int ret = -1;

	if (compare_diff_name(w->cs, name, rel, sizeof rel, err) == 0 &&
	    codec_png.encode(diff, &opts, &png, err) == 0)
		ret = write_below(w->diff_root_fd, rel, png.data, png.len, err);
	buffer_free(&png);
	char shown[2 * WIRE_MAX_PATH + 2];
	if (ret == 0 && (size_t)snprintf(shown, sizeof shown, "%s/%s", w->cs->diff_dir, rel) < sizeof shown)
		wire_result_set_output(res, shown);   /* too long to report: not reported */
	return ret;
}

/* A diff image of the common area, grown to width x height: the area only
 * one image covers is drawn in COMPARE_SIZE_COLOUR. */
static int grow_diff(struct image *diff, uint32_t width, uint32_t height, struct ib_error *err)
{
	static const uint8_t colour[4] = { COMPARE_SIZE_COLOUR, 255 };
	struct image big;
	if (image_alloc(&big, width, height, 4, 8, 0, err) < 0)
		return -1;
	for (uint32_t y = 0; y < height; y++) {
		uint8_t *row = image_row(&big, y);
		uint32_t x = 0;
		if (y < diff->height) {
			memcpy(row, image_row(diff, y), (size_t)diff->width * 4);
			x = diff->width;
		}
		for (; x < width; x++)
			memcpy(row + 4 * (size_t)x, colour, 4);
	}
	image_free(diff);
	*diff = big;
	return 0;
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* Sizes that differ: both reported, and the images seen as their common
 * area (top left; views into the same pixels). */
static void crop_to_common(struct pair_state *ps, struct image *e, struct image *a)
{
	*e = ps->expected;
	*a = ps->actual;
	if (e->width == a->width && e->height == a->height)
		return;
	ps->out.expected_width = e->width;
	ps->out.expected_height = e->height;
	ps->out.actual_width = a->width;
	ps->out.actual_height = a->height;
	e->width = a->width = e->width < a->width ? e->width : a->width;
	e->height = a->height = e->height < a->height ? e->height : a->height;
}

/* Same size and layout, and the same bytes in every row. */
static bool same_pixels(const struct image *e, const struct image *a)
{
	if (e->width != a->width || e->height != a->height || e->channels != a->channels ||
	    e->depth != a->depth)
		return false;
	size_t row = (size_t)e->width * image_bytes_per_pixel(e);
	for (uint32_t y = 0; y < e->height; y++)
		if (memcmp(image_row(e, y), image_row(a, y), row) != 0)
			return false;
	return true;
}

static uint64_t count_ignored(const uint8_t *mask, size_t n)
{
	uint64_t count = 0;
	for (size_t i = 0; mask && i < n; i++)
		count += mask[i];
	return count;
}

/* Compares the pair's common area (into ps->cmp, and ps->diff when want_diff). */
static int compare_common(const struct compare_settings *c, const char *name,
			  struct pair_state *ps, const struct image *e, const struct image *a,
			  bool want_diff, struct ib_error *err)
{
	struct compare_options opts = c->opts;
	if (ignore_mask_for(&c->ignore, name, ps->expected.width, ps->expected.height, e->width,
			    e->height, &ps->ignore, err) < 0)
		return -1;   /* PAIR_ERROR: --mask of another size, out of memory */
	opts.ignore = ps->ignore;
	/* equal pixels pass, unless the sizes differ: a diff only for those */
	bool sure_pass = !ps->out.expected_width || c->allow_size_change;
	if (!(want_diff && (c->diff_all || !sure_pass)) && same_pixels(e, a) &&
	    !(c->ssim && (e->width < SSIM_MIN_SIDE || e->height < SSIM_MIN_SIDE))) {
		/* what the comparison would find, without it: a pass */
		ps->cmp.psnr = INFINITY;
		ps->cmp.ignored_pixels = count_ignored(ps->ignore, (size_t)e->width * e->height);
		if (c->ssim)
			ps->out.ssim = 1;
	} else if (c->ssim) {
		/* no pixelmatch counts: only the mean SSIM and what was ignored */
		ps->cmp.ignored_pixels = count_ignored(ps->ignore, (size_t)e->width * e->height);
		ps->cmp.psnr = INFINITY;
		if (compare_ssim(e, a, ps->ignore, want_diff ? &ps->diff : NULL, &ps->out.ssim,
				 err) < 0)
			return -1;   /* PAIR_ERROR: too small, out of memory */
	} else if (compare_images(e, a, &opts, want_diff ? &ps->diff : NULL, &ps->cmp, err) < 0) {
		return -1;   /* PAIR_ERROR: out of memory */
	}
	if (ps->diff.pixels && ps->out.expected_width &&
	    grow_diff(&ps->diff, max_u32(ps->expected.width, ps->actual.width),
		      max_u32(ps->expected.height, ps->actual.height), err) < 0)
		return -1;
	ps->out.width = e->width;
	ps->out.height = e->height;
	ps->out.diff_pixels = ps->cmp.diff_pixels;
	ps->out.aa_pixels = ps->cmp.aa_pixels;
	ps->out.window_diff_pixels = ps->cmp.window_diff_pixels;
	ps->out.psnr = ps->cmp.psnr;
	ps->out.max_channel_diff = ps->cmp.max_channel_diff;
	ps->out.ignored_pixels = ps->cmp.ignored_pixels;
	return 0;
}

/* Decides the pair's fate once both images are decoded. */
static int judge_pair(const struct compare_worker *w, const struct wire_task *task,
		      struct pair_state *ps, struct wire_result *res, struct ib_error *err)
{
	const struct compare_settings *c = w->cs;
	const char *name = compare_pair_name(c, task->path, task->rel_off);
	bool want_diff = c->diff_dir != NULL;
	struct image e, a;

	crop_to_common(ps, &e, &a);
	if (compare_common(c, name, ps, &e, &a, want_diff, err) < 0)
		return -1;
	uint64_t pixels;
	uint32_t side;
	uint64_t counted = judged_count(c, &e, &ps->cmp, &pixels, &side);
	bool size_fail = ps->out.expected_width && !c->allow_size_change;
	bool similar = c->ssim ? ps->out.ssim >= c->min_ssim : within_limits(c, counted, pixels);
	bool pass = !size_fail && similar;
	ps->out.status = pass ? PAIR_PASS : PAIR_FAIL;
	ps->out.size_fail = size_fail;
	if (want_diff && (!pass || c->diff_all) && write_diff(w, name, &ps->diff, res, err) < 0)
		return -1;
	if (pass)
		return 0;
	if (size_fail)
		ib_fail(err, "size differs: %ux%u vs %ux%u", ps->expected.width,
			ps->expected.height, ps->actual.width, ps->actual.height);
	else if (c->ssim)
		ib_fail(err, "SSIM %.6f is below %g", ps->out.ssim, c->min_ssim);
	else if (side)
		ib_fail(err, "%llu pixels differ in the densest %ux%u window (%.4f%%), %llu in all",
			(unsigned long long)counted, side, side,
			100.0 * (double)counted / (double)pixels,
			(unsigned long long)ps->cmp.diff_pixels);
	else
		ib_fail(err, "%llu pixels differ (%.4f%%)", (unsigned long long)counted,
			100.0 * (double)counted / (double)pixels);
	return -1;
}

/*
 * Byte-identical files pass on their header alone, undecoded (so a file
 * damaged past its header passes when both sides are the same file).
 * Pairs that need more go on to be decoded: a diff image for every pair,
 * sizes --max-pixels refuses, too small for SSIM, a --mask of another size.
 */
static bool identical_files(const struct compare_settings *c, const char *name,
			    struct pair_state *ps)
{
	const struct file_bytes *e = &ps->expected_file, *a = &ps->actual_file;
	struct ib_error ignored;

	if ((c->diff_dir && c->diff_all) || e->len != a->len ||
	    memcmp(e->data, a->data, e->len) != 0)
		return false;
	struct decoder dec = { .codec = codec_sniff(e->data, e->len) };
	if (!dec.codec || dec.codec->open(&dec, e->data, e->len, &ignored) < 0)
		return false;
	uint32_t w = dec.info.width, h = dec.info.height;
	dec.codec->close(&dec);
	if ((uint64_t)w * h > c->max_pixels ||
	    (c->ssim && (w < SSIM_MIN_SIDE || h < SSIM_MIN_SIDE)) ||
	    ignore_mask_for(&c->ignore, name, w, h, w, h, &ps->ignore, &ignored) < 0)
		return false;
	ps->out.status = PAIR_PASS;
	ps->out.width = w;
	ps->out.height = h;
	ps->out.ignored_pixels = count_ignored(ps->ignore, (size_t)w * h);
	if (c->ssim)
		ps->out.ssim = 1;
	return true;
}

static int compare_pair(const struct compare_worker *w, const struct wire_task *task,
			struct pair_state *ps, struct wire_result *res, struct ib_error *err)
{
	const struct compare_settings *cs = w->cs;
	struct stat st;

	if (compare_actual_path(cs, task->path, task->rel_off, ps->actual_path, sizeof ps->actual_path,
				err) < 0)
		return -1;
	ps->out.status = PAIR_ERROR;
	if (file_bytes_read(task->path, w->max_input_size, &ps->expected_file, err) < 0)
		return -1;
	if (!codec_sniff(ps->expected_file.data, ps->expected_file.len)) {
		const char *other = codec_unsupported_format(ps->expected_file.data,
							     ps->expected_file.len);
		/* A README next to the goldens is no pair at all; an image in a
		 * format we cannot read, or a file named as EXPECTED, is one that
		 * cannot be compared: an error, never a pass. */
		ps->out.allowed = !other && !task->named;
		return other ? ib_fail(err, "unsupported format %s", other)
			     : ib_fail(err, CODEC_NOT_AN_IMAGE);
	}
	if (stat(ps->actual_path, &st) < 0 && errno == ENOENT) {
		ps->out.status = PAIR_MISSING;
		ps->out.allowed = cs->allow_missing;
		return ib_fail(err, "no actual image %s", ps->actual_path);
	}
	if (file_bytes_read(ps->actual_path, w->max_input_size, &ps->actual_file, err) < 0)
		return -1;
	res->in_bytes = ps->expected_file.len + ps->actual_file.len;
	if (identical_files(cs, compare_pair_name(cs, task->path, task->rel_off), ps))
		return 0;
	if (decode(task->path, &ps->expected_file, cs->max_pixels, &ps->expected, err) < 0 ||
	    decode(ps->actual_path, &ps->actual_file, cs->max_pixels, &ps->actual, err) < 0)
		return -1;
	return judge_pair(w, task, ps, res, err);
}

/* --update-golden: a failing pair's actual image becomes the expected one. */
static void accept_as_golden(const struct compare_settings *cs, const struct wire_task *task,
			     struct pair_state *ps, struct ib_error *err)
{
	char root[WIRE_MAX_PATH + 1];
	const char *rel = task->path + task->rel_off;
	if (cs->dirs)
		snprintf(root, sizeof root, "%s", cs->expected);
	else
		rel = split_dir(task->path, root, sizeof root);
	if (compare_accept_golden(ps->actual_path, root, rel, err) < 0)
		return;
	ps->out.allowed = 1;
	ib_fail(err, "accepted as the new expected image (--update-golden)");
}

void compare_run(void *state, const struct wire_task *task, struct wire_result *res)
{
	const struct compare_worker *w = state;
	compare_run_pair(w->cs, w->diff_root_fd, w->max_input_size, task, res);
}

void compare_run_pair(const struct compare_settings *cs, int diff_root_fd,
		      uint64_t max_input_size, const struct wire_task *task,
		      struct wire_result *res)
{
	const struct compare_worker one = {
		.cs = cs, .diff_root_fd = diff_root_fd, .max_input_size = max_input_size,
	};
	const struct compare_worker *w = &one;
	struct pair_state ps;
	struct ib_error err = { 0 };

	memset(&ps, 0, sizeof ps);
	ps.out.psnr = INFINITY;
	ps.out.ssim = NAN;
	if (compare_pair(w, task, &ps, res, &err) == 0) {
		res->status = RESULT_DONE;
	} else {
		if (ps.out.status == PAIR_FAIL && w->cs->update_golden)
			accept_as_golden(w->cs, task, &ps, &err);
		res->status = ps.out.allowed ? RESULT_SKIPPED : RESULT_FAILED;
		if (ps.out.allowed && ps.out.status == PAIR_FAIL)
			res->status = RESULT_DONE;
		wire_result_set_reason(res, err.msg);
	}
	WIRE_PAYLOAD_PUT(res, &ps.out);
	image_free(&ps.expected);
	image_free(&ps.actual);
	image_free(&ps.diff);
	free(ps.ignore);
	file_bytes_free(&ps.expected_file);
	file_bytes_free(&ps.actual_file);
}
