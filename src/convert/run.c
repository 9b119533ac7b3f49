#include "config.h"
#include "convert/run.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "disk/atomic.h"
#include "codec/exif.h"
#include "codec/icc.h"
#include "disk/output_name.h"
#include "pipeline/pipeline.h"

void task_context_init(struct task_context *ctx, const struct job *job, int out_root_fd)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->job = job;
	ctx->out_root_fd = out_root_fd;
	ctx->dir_fd = -1;
}

void task_context_release(struct task_context *ctx)
{
	if (ctx->dir_fd >= 0)
		close(ctx->dir_fd);
	free(ctx->file_buf);
	ctx->dir_fd = -1;
	ctx->file_buf = NULL;
	ctx->file_cap = 0;
}

enum image_format task_output_format(const struct job *job, enum image_format in_format)
{
	return job->format != FORMAT_UNKNOWN ? job->format : in_format;
}

int task_output_name(const struct job *job, const char *rel, enum image_format in_format,
		     uint32_t w, uint32_t h, char *buf, size_t cap, struct ib_error *err)
{
	if (job->in_place) {
		const char *slash = strrchr(rel, '/');
		rel = slash ? slash + 1 : rel;
	}
	return output_expand(job->name_template, rel, in_format,
			     task_output_format(job, in_format), w, h, buf, cap, err);
}

/* Everything one task holds; released in one place. */
struct task_state {
	int in_fd;
	struct stat in_st;
	size_t in_len;
	struct decoder dec;
	bool dec_open;
	struct image img;             /* decoded, steps before the branch done */
	struct image resized, out;    /* with a list of sizes: see pipeline_branch */
	struct buffer encoded;
	unsigned noutputs;
	struct thumb_entry thumb;     /* imgbatch thumbnail */
	uint8_t *embedded;            /* --embedded: the EXIF thumbnail dec reads */
	struct plan plans[JOB_MAX_SIZES];
	char out_names[JOB_MAX_SIZES][WIRE_MAX_PATH + 1];
};

static int read_exactly(int fd, uint8_t *buf, size_t len, size_t *got, struct ib_error *err)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = read(fd, buf + *got, len - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ib_fail_errno(err, errno, "read error");
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

static int ensure_file_buffer(struct task_context *ctx, size_t len, struct ib_error *err)
{
	if (len <= ctx->file_cap)
		return 0;
	uint8_t *p = realloc(ctx->file_buf, len);
	if (!p)
		return ib_fail(err, "out of memory reading a %zu-byte file", len);
	ctx->file_buf = p;
	ctx->file_cap = len;
	return 0;
}

/*
 * Opens the input and reads its first bytes to tell its format; a file that
 * is no image is skipped without reading the rest.  Returns the codec, or
 * NULL with res->status set (skipped or failed).
 */
static const struct codec *open_and_sniff(struct task_context *ctx, const char *path,
					  struct task_state *st, struct wire_result *res,
					  struct ib_error *err)
{
	st->in_fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (st->in_fd < 0 || fstat(st->in_fd, &st->in_st) < 0) {
		ib_fail_errno(err, errno, "cannot open input");
		return NULL;
	}
	if (!S_ISREG(st->in_st.st_mode)) {
		res->status = RESULT_SKIPPED;
		ib_fail(err, "not a regular file");
		return NULL;
	}
	res->in_bytes = (uint64_t)st->in_st.st_size;
	if (ensure_file_buffer(ctx, CODEC_SNIFF_BYTES, err) < 0 ||
	    read_exactly(st->in_fd, ctx->file_buf, CODEC_SNIFF_BYTES, &st->in_len, err) < 0)
		return NULL;
	const struct codec *codec = codec_sniff(ctx->file_buf, st->in_len);
	if (!codec) {
		res->status = RESULT_SKIPPED;
		ib_fail(err, "not a JPEG or PNG image");
	}
	return codec;
}

/* Reads the rest of the file after the sniffed bytes.  The file may have
 * changed size since fstat: read until EOF. */
static int read_rest(struct task_context *ctx, struct task_state *st, struct ib_error *err)
{
	size_t want = (size_t)st->in_st.st_size + 1;  /* +1 to notice growth */
	for (;;) {
		if (ensure_file_buffer(ctx, want, err) < 0)
			return -1;
		size_t got;
		if (read_exactly(st->in_fd, ctx->file_buf + st->in_len, want - st->in_len, &got, err) < 0)
			return -1;
		st->in_len += got;
		if (st->in_len < want)
			return 0;
		want *= 2;
	}
}

/* The output directory for out_name, opened once and cached across tasks
 * (consecutive inputs usually share a directory). */
static int output_dir_fd(struct task_context *ctx, const char *input_path, const char *out_name,
			 const char **base, struct ib_error *err)
{
	char dir[WIRE_MAX_PATH + 1];
	const char *src = ctx->job->in_place ? input_path : out_name;
	const char *slash = strrchr(src, '/');
	size_t dir_len = slash ? (size_t)(slash - src) : 0;
	memcpy(dir, src, dir_len);
	dir[dir_len] = '\0';
	const char *name_slash = strrchr(out_name, '/');
	*base = name_slash ? name_slash + 1 : out_name;

	if (ctx->dir_fd >= 0 && strcmp(dir, ctx->dir_rel) == 0)
		return ctx->dir_fd;
	if (ctx->dir_fd >= 0)
		close(ctx->dir_fd);
	ctx->dir_fd = -1;
	int fd;
	if (ctx->job->in_place) {
		fd = open(dir_len ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return ib_fail_errno(err, errno, "opening the input's directory");
	} else {
		fd = atomic_open_dir(ctx->out_root_fd, dir, true, err);
		if (fd < 0)
			return -1;
	}
	strcpy(ctx->dir_rel, dir);
	ctx->dir_fd = fd;
	return fd;
}

/* With --update: whether an output newer than the input already exists. */
static bool output_is_current(int dir_fd, const char *base, const struct stat *in_st)
{
	struct stat out_st;
	if (fstatat(dir_fd, base, &out_st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(out_st.st_mode))
		return false;
	if (out_st.st_mtim.tv_sec != in_st->st_mtim.tv_sec)
		return out_st.st_mtim.tv_sec > in_st->st_mtim.tv_sec;
	return out_st.st_mtim.tv_nsec >= in_st->st_mtim.tv_nsec;
}

static bool path_exists(int dir_fd, const char *base)
{
	struct stat st;
	return fstatat(dir_fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static bool would_overwrite_input(int dir_fd, const char *base, const struct stat *in_st)
{
	struct stat out_st;
	return fstatat(dir_fd, base, &out_st, 0) == 0 && out_st.st_dev == in_st->st_dev &&
	       out_st.st_ino == in_st->st_ino;
}

static int encode_output(const struct job *job, const struct task_state *st, struct image *img,
			 enum image_format fmt, struct buffer *encoded, struct ib_error *err)
{
	const struct codec *out = codec_for_format(fmt);
	if (fmt == FORMAT_JPEG && image_prepare_for_jpeg(img, job->background, err) < 0)
		return -1;
	struct encode_options opts = {
		.quality = job->quality,
		.progressive = job->progressive,
		.compression = job->compression,
		.icc = job->strip ? NULL : st->dec.info.icc,
		.icc_len = job->strip ? 0 : st->dec.info.icc_len,
	};
	return out->encode(img, &opts, encoded, err);
}

/* Whether a w x h thumbnail has the aspect ratio of a W x H image, within
 * 1% (a letterboxed one does not). */
static bool same_aspect(uint32_t w, uint32_t h, uint32_t W, uint32_t H)
{
	return fabs((double)w * H - (double)h * W) <= 0.01 * (double)W * h;
}

/*
 * --embedded: a JPEG's EXIF thumbnail becomes the source when it covers the
 * load size that every output needs (a leading downscale; 0 when a filter
 * needs the full image) and has the image's aspect ratio.  The outputs stay
 * those planned from the image itself.  Any doubt keeps the image.
 */
static void use_embedded_thumbnail(struct task_state *st, struct wire_result *res)
{
	const struct image_info *full = &st->dec.info;
	const struct plan *p = &st->plans[0];   /* the load size is the same in all */
	struct decoder thumb = { .codec = &codec_jpeg };
	struct ib_error ignored;
	if (!full->thumb || !p->load_w || !p->load_h || !(st->embedded = malloc(full->thumb_len)))
		return;
	memcpy(st->embedded, full->thumb, full->thumb_len);
	if (codec_jpeg.open(&thumb, st->embedded, full->thumb_len, &ignored) < 0)
		goto keep_image;
	bool swap = exif_swaps_axes(p->orientation);
	uint32_t up_w = swap ? thumb.info.height : thumb.info.width;
	uint32_t up_h = swap ? thumb.info.width : thumb.info.height;
	if (up_w < p->load_w || up_h < p->load_h ||
	    !same_aspect(thumb.info.width, thumb.info.height, full->width, full->height)) {
		codec_jpeg.close(&thumb);
		goto keep_image;
	}
	st->dec.codec->close(&st->dec);
	st->dec = thumb;
	res->embedded = 1;
	return;
keep_image:
	free(st->embedded);
	st->embedded = NULL;
}

/* Reads the whole file, its header, and plans every output. */
static int open_and_plan(struct task_context *ctx, const struct codec *codec,
			 struct task_state *st, struct wire_result *res, struct ib_error *err)
{
	if (read_rest(ctx, st, err) < 0)
		return -1;
	st->dec.codec = codec;
	if (codec->open(&st->dec, ctx->file_buf, st->in_len, err) < 0)
		return -1;
	st->dec_open = true;
	res->in_width = st->dec.info.width;
	res->in_height = st->dec.info.height;
	pipeline_plan(ctx->job, &st->dec.info, st->plans);
	st->noutputs = pipeline_outputs(ctx->job);
	if (ctx->job->embedded)
		use_embedded_thumbnail(st, res);
	return 0;
}

/* Plans every output and names them. */
static int plan_outputs(struct task_context *ctx, const struct wire_task *task,
			const struct codec *codec, struct task_state *st,
			struct wire_result *res, struct ib_error *err)
{
	const struct job *job = ctx->job;
	if (open_and_plan(ctx, codec, st, res, err) < 0)
		return -1;
	for (unsigned i = 0; i < st->noutputs; i++)
		if (task_output_name(job, task->path + task->rel_off, codec->format,
				     st->plans[i].final_w, st->plans[i].final_h, st->out_names[i],
				     sizeof st->out_names[i], err) < 0)
			return -1;
	return 0;
}

/* Whether output i repeats the name of an earlier one (a list of sizes
 * where two give the same size): it is then written only once. */
static bool name_repeats(const struct task_state *st, unsigned i)
{
	for (unsigned j = 0; j < i; j++)
		if (strcmp(st->out_names[j], st->out_names[i]) == 0)
			return true;
	return false;
}

/* Before decoding: refuses to overwrite the input, and with --update tells
 * whether every output is current (1). */
static int check_outputs(struct task_context *ctx, const struct wire_task *task,
			 struct task_state *st, struct ib_error *err)
{
	const struct job *job = ctx->job;
	unsigned current = 0;
	for (unsigned i = 0; i < st->noutputs; i++) {
		const char *base;
		int dir_fd = output_dir_fd(ctx, task->path, st->out_names[i], &base, err);
		if (dir_fd < 0)
			return -1;
		bool own_input = would_overwrite_input(dir_fd, base, &st->in_st);
		if (!job->in_place && own_input)
			return ib_fail(err, "output %s is the input itself; refusing to overwrite it "
				       "(use --in-place to mean it)", st->out_names[i]);
		if (job->update && output_is_current(dir_fd, base, &st->in_st)) {
			current++;
			continue;
		}
		if (job->outputs_among_inputs && !own_input && path_exists(dir_fd, base))
			return ib_fail(err, "output %s already exists among the inputs; refusing to "
				       "replace it (it may be another input of this batch)",
				       st->out_names[i]);
	}
	return current == st->noutputs;
}

/* Outputs are made largest first: the first one's size is reported. */
static void count_output(struct wire_result *res, const struct image *img, uint64_t bytes)
{
	if (res->outputs == 0) {
		res->out_width = img->width;
		res->out_height = img->height;
	}
	res->outputs++;
	res->out_bytes += bytes;
}

/* An output could not be written: the master watches the errno to stop a
 * batch that fails every write the same way (--max-failures).  Failures
 * without one (an encoder's, a symlink refused) are this file's alone. */
static int write_failed(struct wire_result *res, const struct ib_error *err)
{
	res->write_errno = err->errnum;
	return -1;
}

/* Encodes img (which it may change) and commits it as output i. */
static int write_output(struct task_context *ctx, const struct wire_task *task,
			struct task_state *st, unsigned i, struct image *img,
			struct wire_result *res, struct ib_error *err)
{
	const struct job *job = ctx->job;
	const char *base;
	if (name_repeats(st, i))
		return 0;
	st->encoded.len = 0;
	if (encode_output(job, st, img, res->out_format, &st->encoded, err) < 0)
		return -1;
	int dir_fd = output_dir_fd(ctx, task->path, st->out_names[i], &base, err);
	if (dir_fd < 0 ||
	    atomic_write(dir_fd, base, st->encoded.data, st->encoded.len, job->fsync_outputs, err) < 0)
		return write_failed(res, err);
	count_output(res, img, st->encoded.len);
	return 0;
}

static uint64_t branch_area(const struct task_state *st, unsigned branch, unsigned i)
{
	const struct step_plan *sp = &st->plans[i].steps[branch];
	return (uint64_t)sp->resize_w * sp->resize_h;
}

/* Output indexes by the size of their branch resize, largest first (a
 * stable insertion sort: at most JOB_MAX_SIZES of them). */
static void largest_first(const struct task_state *st, unsigned branch, unsigned *order)
{
	for (unsigned i = 0; i < st->noutputs; i++) {
		unsigned j = i;
		for (; j > 0 && branch_area(st, branch, order[j - 1]) < branch_area(st, branch, i); j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}

/* Writes output i of a task; img may be changed. */
typedef int (*output_writer)(struct task_context *ctx, const struct wire_task *task,
			     struct task_state *st, unsigned i, struct image *img,
			     struct wire_result *res, struct ib_error *err);

/* Decodes once and makes every output, largest first, through write. */
static int make_outputs(struct task_context *ctx, const struct wire_task *task,
			struct task_state *st, output_writer write, struct wire_result *res,
			struct ib_error *err)
{
	unsigned order[JOB_MAX_SIZES];
	if (pipeline_run(ctx->job, &st->plans[0], &st->dec, &st->img, err) < 0)
		return -1;
	if (!ctx->job->nsizes)
		return write(ctx, task, st, 0, &st->img, res, err);
	largest_first(st, ctx->job->branch, order);
	for (unsigned k = 0; k < st->noutputs; k++) {
		unsigned i = order[k];
		if (pipeline_branch(ctx->job, &st->plans[i], &st->img, &st->resized, &st->out,
				    err) < 0 ||
		    write(ctx, task, st, i, &st->out, res, err) < 0)
			return -1;
		image_free(&st->out);
	}
	return 0;
}

/* ---- imgbatch thumbnail ---- */

/* The cache size of output i: outputs follow the requested sizes upwards. */
static enum thumb_size output_thumb_size(const struct job *job, unsigned i)
{
	for (int size = 0; size < THUMB_NSIZES; size++)
		if ((job->cache.sizes & (1u << size)) && i-- == 0)
			return (enum thumb_size)size;
	return THUMB_NSIZES;  /* not reached: one output per requested size */
}

static int write_thumbnail(struct task_context *ctx, const struct wire_task *task,
			   struct task_state *st, unsigned i, struct image *img,
			   struct wire_result *res, struct ib_error *err)
{
	const struct job *job = ctx->job;
	const struct plan *p = &st->plans[i];
	struct ib_error note;
	uint64_t bytes;
	(void)task;

	if (st->dec.info.icc &&
	    icc_to_srgb(img, st->dec.info.icc, st->dec.info.icc_len, &note) < 0)
		return ib_fail(err, "%s", note.msg);
	if (thumb_entry_write(job->cache.size_fd[output_thumb_size(job, i)], &st->thumb, img,
			      st->dec.codec->format == FORMAT_JPEG ? "image/jpeg" : "image/png",
			      p->upright_w, p->upright_h, &bytes, err) < 0)
		return write_failed(res, err);
	count_output(res, img, bytes);
	return 0;
}

static bool thumbnails_current(const struct job *job, const struct thumb_entry *e)
{
	for (int size = 0; size < THUMB_NSIZES; size++)
		if ((job->cache.sizes & (1u << size)) &&
		    !thumb_entry_current(job->cache.size_fd[size], e))
			return false;
	return true;
}

/* Skips what needs no work; 1 when skipped (err says why). */
static int thumbnail_skip(const struct job *job, const struct thumb_entry *e,
			  struct ib_error *err)
{
	if (thumb_path_is_inside(e->path, job->cache.root))
		return ib_fail(err, "inside the thumbnail cache"), 1;
	if (thumbnails_current(job, e))
		return ib_fail(err, "thumbnails up to date"), 1;
	if (thumb_entry_current(job->cache.fail_fd, e))
		return ib_fail(err, "failed before and unchanged since (fail entry)"), 1;
	return 0;
}

static int process_thumbnail(struct task_context *ctx, const struct wire_task *task,
			     struct task_state *st, struct wire_result *res,
			     struct ib_error *err)
{
	const struct job *job = ctx->job;
	const struct codec *codec = open_and_sniff(ctx, task->path, st, res, err);
	if (!codec)
		return -1;
	res->in_format = (uint8_t)codec->format;
	res->out_format = FORMAT_PNG;
	if (thumb_entry_init(&st->thumb, task->path, &st->in_st, err) < 0)
		return -1;
	if (thumbnail_skip(job, &st->thumb, err)) {
		res->status = RESULT_SKIPPED;
		return -1;
	}
	if (open_and_plan(ctx, codec, st, res, err) < 0 ||
	    make_outputs(ctx, task, st, write_thumbnail, res, err) < 0) {
		struct ib_error ignored;
		/* the standard's way to say "do not try again until it changes" */
		thumb_fail_write(job->cache.fail_fd, &st->thumb, &ignored);
		return -1;
	}
	return 0;
}

static int process(struct task_context *ctx, const struct wire_task *task,
		   struct task_state *st, struct wire_result *res, struct ib_error *err)
{
	const struct job *job = ctx->job;
	if (job->thumbnail)
		return process_thumbnail(ctx, task, st, res, err);
	const struct codec *codec = open_and_sniff(ctx, task->path, st, res, err);
	if (!codec)
		return -1;
	res->in_format = (uint8_t)codec->format;
	res->out_format = (uint8_t)task_output_format(job, codec->format);
	if (plan_outputs(ctx, task, codec, st, res, err) < 0)
		return -1;
	int current = check_outputs(ctx, task, st, err);
	if (current < 0)
		return -1;
	if (current) {
		res->status = RESULT_SKIPPED;
		return ib_fail(err, "up to date");
	}
	return make_outputs(ctx, task, st, write_output, res, err);
}

static uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void task_run(struct task_context *ctx, const struct wire_task *task, struct wire_result *res)
{
	uint64_t start = now_usec();
	struct task_state st = { .in_fd = -1 };
	struct ib_error err = { 0 };
	memset(res, 0, sizeof *res);
	res->task_id = task->id;
	res->worker_pid = (int32_t)getpid();

	if (process(ctx, task, &st, res, &err) == 0) {
		res->status = RESULT_DONE;
	} else {
		if (res->status != RESULT_SKIPPED)
			res->status = RESULT_FAILED;
		memcpy(res->reason, err.msg, sizeof res->reason);
		res->reason[sizeof res->reason - 1] = '\0';
	}
	if (st.dec_open)
		st.dec.codec->close(&st.dec);
	free(st.embedded);
	image_free(&st.img);
	image_free(&st.resized);
	image_free(&st.out);
	buffer_free(&st.encoded);
	if (st.in_fd >= 0)
		close(st.in_fd);
	res->usec = now_usec() - start;
}
