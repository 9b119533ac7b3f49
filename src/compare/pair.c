#include "config.h"
#include "compare/pair.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codec/codec.h"
#include "codec/load.h"
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

/* Decides the pair's fate once both images are decoded. */
static int judge_pair(const struct compare_worker *w, const struct wire_task *task,
		      struct pair_state *ps, struct wire_result *res, struct ib_error *err)
{
	const struct compare_settings *c = w->cs;
	const char *name = compare_pair_name(c, task->path, task->rel_off);
	bool want_diff = c->diff_dir != NULL;

	if (ps->expected.width != ps->actual.width || ps->expected.height != ps->actual.height) {
		ps->out.status = PAIR_FAIL;
		ps->out.width = ps->out.height = 0;   /* no counts to report */
		return ib_fail(err, "size differs: %ux%u vs %ux%u", ps->expected.width,
			       ps->expected.height, ps->actual.width, ps->actual.height);
	}
	if (compare_images(&ps->expected, &ps->actual, &c->opts, want_diff ? &ps->diff : NULL,
			   &ps->cmp, err) < 0)
		return -1;   /* PAIR_ERROR: out of memory */
	ps->out.status = PAIR_FAIL;
	ps->out.diff_pixels = ps->cmp.diff_pixels;
	ps->out.aa_pixels = ps->cmp.aa_pixels;
	ps->out.window_diff_pixels = ps->cmp.window_diff_pixels;
	ps->out.psnr = ps->cmp.psnr;
	ps->out.max_channel_diff = ps->cmp.max_channel_diff;
	uint64_t pixels;
	uint32_t side;
	uint64_t counted = judged_count(c, &ps->expected, &ps->cmp, &pixels, &side);
	bool pass = within_limits(c, counted, pixels);
	ps->out.status = pass ? PAIR_PASS : PAIR_FAIL;
	if (want_diff && (!pass || c->diff_all) && write_diff(w, name, &ps->diff, res, err) < 0)
		return -1;
	if (pass)
		return 0;
	if (side)
		ib_fail(err, "%llu pixels differ in the densest %ux%u window (%.4f%%), %llu in all",
			(unsigned long long)counted, side, side,
			100.0 * (double)counted / (double)pixels,
			(unsigned long long)ps->cmp.diff_pixels);
	else
		ib_fail(err, "%llu pixels differ (%.4f%%)", (unsigned long long)counted,
			100.0 * (double)counted / (double)pixels);
	return -1;
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
	if (decode(task->path, &ps->expected_file, cs->max_pixels, &ps->expected, err) < 0 ||
	    file_bytes_read(ps->actual_path, w->max_input_size, &ps->actual_file, err) < 0 ||
	    decode(ps->actual_path, &ps->actual_file, cs->max_pixels, &ps->actual, err) < 0)
		return -1;
	res->in_bytes = ps->expected_file.len + ps->actual_file.len;
	ps->out.width = ps->expected.width;
	ps->out.height = ps->expected.height;
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
	file_bytes_free(&ps.expected_file);
	file_bytes_free(&ps.actual_file);
}
