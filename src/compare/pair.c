#include "config.h"
#include "compare/pair.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "disk/atomic.h"
#include "codec/codec.h"
#include "codec/load.h"

int compare_actual_path(const struct job *job, const char *expected_path, size_t rel_off,
			char *buf, size_t cap, struct ib_error *err)
{
	const char *actual = job->cmp.actual;
	int n = job->cmp.dirs ? snprintf(buf, cap, "%s/%s", actual, expected_path + rel_off)
			      : snprintf(buf, cap, "%s", actual);
	if (n < 0 || (size_t)n >= cap)
		return ib_fail(err, "path too long");
	return 0;
}

int compare_diff_name(const struct job *job, const char *pair_name, char *buf, size_t cap,
		      struct ib_error *err)
{
	/* two files: the diff is DIR/NAME.png, whatever directory ACTUAL is in */
	const char *slash = job->cmp.dirs ? NULL : strrchr(pair_name, '/');
	const char *rel = slash ? slash + 1 : pair_name;
	size_t len = strlen(rel);
	bool is_png = len >= 4 && strcasecmp(rel + len - 4, ".png") == 0;
	if ((size_t)snprintf(buf, cap, "%s%s", rel, is_png ? "" : ".png") >= cap)
		return ib_fail(err, "path too long");
	return 0;
}

const char *compare_pair_name(const struct job *job, const char *expected_path,
			      size_t rel_off)
{
	return job->cmp.dirs ? expected_path + rel_off : job->cmp.actual;
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
	if (file_bytes_read(src, &file, err) < 0)
		return -1;
	int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = root_fd < 0 ? ib_fail_errno(err, errno, "cannot open %s", root)
			      : write_below(root_fd, rel, file.data, file.len, err);
	if (root_fd >= 0)
		close(root_fd);
	file_bytes_free(&file);
	return ret;
}

/* Everything one pair holds; released in one place. */
struct pair_state {
	char actual_path[WIRE_MAX_PATH + 1];
	struct file_bytes expected_file, actual_file;
	struct image expected, actual, diff;
	struct compare_result cmp;
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
static bool within_limits(const struct compare_job *c, uint64_t diff, uint64_t pixels)
{
	if (c->max_diff_ratio >= 0 && (double)diff > c->max_diff_ratio * (double)pixels)
		return false;
	return diff <= c->max_diff_pixels;
}

/* What the limits judge: the whole image, or with --window N its densest
 * NxN square (smaller when the image is: compare_images clamps N to the
 * shorter side).  *side is 0 for the whole image. */
static uint64_t judged_count(const struct compare_job *c, const struct image *img,
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

static int write_diff(struct task_context *ctx, const char *name, const struct image *diff,
		      struct ib_error *err)
{
	char rel[WIRE_MAX_PATH + 1];
	struct buffer png = { 0 };
	struct encode_options opts = { .compression = 1 };
	int ret = -1;

	if (compare_diff_name(ctx->job, name, rel, sizeof rel, err) == 0 &&
	    codec_png.encode(diff, &opts, &png, err) == 0)
		ret = write_below(ctx->out_root_fd, rel, png.data, png.len, err);
	buffer_free(&png);
	return ret;
}

/* Decides the pair's fate once both images are decoded. */
static int judge_pair(struct task_context *ctx, const struct wire_task *task,
		      struct pair_state *ps, struct wire_result *res, struct ib_error *err)
{
	const struct compare_job *c = &ctx->job->cmp;
	const char *name = compare_pair_name(ctx->job, task->path, task->rel_off);
	bool want_diff = c->diff_dir != NULL;

	if (ps->expected.width != ps->actual.width || ps->expected.height != ps->actual.height) {
		res->pair_status = PAIR_FAIL;
		res->in_width = res->in_height = 0;   /* no counts to report */
		return ib_fail(err, "size differs: %ux%u vs %ux%u", ps->expected.width,
			       ps->expected.height, ps->actual.width, ps->actual.height);
	}
	if (compare_images(&ps->expected, &ps->actual, &c->opts, want_diff ? &ps->diff : NULL,
			   &ps->cmp, err) < 0)
		return -1;   /* PAIR_ERROR: out of memory */
	res->pair_status = PAIR_FAIL;
	res->diff_pixels = ps->cmp.diff_pixels;
	res->aa_pixels = ps->cmp.aa_pixels;
	res->window_diff_pixels = ps->cmp.window_diff_pixels;
	res->psnr = ps->cmp.psnr;
	res->max_channel_diff = ps->cmp.max_channel_diff;
	uint64_t pixels;
	uint32_t side;
	uint64_t counted = judged_count(c, &ps->expected, &ps->cmp, &pixels, &side);
	bool pass = within_limits(c, counted, pixels);
	res->pair_status = pass ? PAIR_PASS : PAIR_FAIL;
	if (want_diff && (!pass || c->diff_all)) {
		if (write_diff(ctx, name, &ps->diff, err) < 0)
			return -1;
		res->has_diff = 1;
	}
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

static int compare_pair(struct task_context *ctx, const struct wire_task *task,
			struct pair_state *ps, struct wire_result *res, struct ib_error *err)
{
	const struct job *job = ctx->job;
	struct stat st;

	if (compare_actual_path(job, task->path, task->rel_off, ps->actual_path, sizeof ps->actual_path,
				err) < 0)
		return -1;
	res->pair_status = PAIR_ERROR;
	if (file_bytes_read(task->path, &ps->expected_file, err) < 0)
		return -1;
	if (!codec_sniff(ps->expected_file.data, ps->expected_file.len)) {
		/* not an image pair at all, like a README next to the goldens */
		res->pair_allowed = 1;
		return ib_fail(err, "not a JPEG or PNG image");
	}
	if (stat(ps->actual_path, &st) < 0 && errno == ENOENT) {
		res->pair_status = PAIR_MISSING;
		res->pair_allowed = job->cmp.allow_missing;
		return ib_fail(err, "no actual image %s", ps->actual_path);
	}
	if (decode(task->path, &ps->expected_file, job->max_pixels, &ps->expected, err) < 0 ||
	    file_bytes_read(ps->actual_path, &ps->actual_file, err) < 0 ||
	    decode(ps->actual_path, &ps->actual_file, job->max_pixels, &ps->actual, err) < 0)
		return -1;
	res->in_bytes = ps->expected_file.len + ps->actual_file.len;
	res->in_width = ps->expected.width;
	res->in_height = ps->expected.height;
	return judge_pair(ctx, task, ps, res, err);
}

/* --update-golden: a failing pair's actual image becomes the expected one. */
static void accept_as_golden(const struct job *job, const struct wire_task *task,
			     const struct pair_state *ps, struct wire_result *res,
			     struct ib_error *err)
{
	char root[WIRE_MAX_PATH + 1];
	const char *rel = task->path + task->rel_off;
	if (job->cmp.dirs)
		snprintf(root, sizeof root, "%s", job->cmp.expected);
	else
		rel = split_dir(task->path, root, sizeof root);
	if (compare_accept_golden(ps->actual_path, root, rel, err) < 0)
		return;
	res->pair_allowed = 1;
	ib_fail(err, "accepted as the new expected image (--update-golden)");
}

static uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void compare_task_run(struct task_context *ctx, const struct wire_task *task,
		      struct wire_result *res)
{
	uint64_t start = now_usec();
	struct pair_state ps;
	struct ib_error err = { 0 };

	memset(&ps, 0, sizeof ps);
	memset(res, 0, sizeof *res);
	res->task_id = task->id;
	res->worker_pid = (int32_t)getpid();
	res->psnr = INFINITY;
	if (compare_pair(ctx, task, &ps, res, &err) == 0) {
		res->status = RESULT_DONE;
	} else {
		if (res->pair_status == PAIR_FAIL && ctx->job->cmp.update_golden)
			accept_as_golden(ctx->job, task, &ps, res, &err);
		res->status = res->pair_allowed ? RESULT_SKIPPED : RESULT_FAILED;
		if (res->pair_allowed && res->pair_status == PAIR_FAIL)
			res->status = RESULT_DONE;
		memcpy(res->reason, err.msg, sizeof res->reason);
		res->reason[sizeof res->reason - 1] = '\0';
	}
	image_free(&ps.expected);
	image_free(&ps.actual);
	image_free(&ps.diff);
	file_bytes_free(&ps.expected_file);
	file_bytes_free(&ps.actual_file);
	res->usec = now_usec() - start;
}
