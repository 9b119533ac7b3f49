/* imgbatch's default command, a worker's side: one input to its outputs,
 * named once each by convert_output_name, written atomically. */
#include "config.h"
#include "convert/convert.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "codec/exif.h"
#include "codec/icc.h"
#include "codec/metadata.h"
#include "disk/atomic.h"
#include "pipeline/item.h"

/* What a worker keeps between inputs: the output root, the last output
 * directory opened below it (consecutive inputs usually share one), and the
 * item's buffers. */
struct convert_worker {
	const struct job *job;
	const struct convert_settings *cs;
	int out_root_fd;          /* -o directory; -1 with --in-place */
	int dir_fd;               /* cached output directory */
	char dir_rel[2 * WIRE_MAX_PATH + 2];   /* which: input dir and name dir */
	struct item_worker items;
};

/* One input's outputs: their names, and the task they come from. */
struct convert_item {
	struct convert_worker *w;
	const struct wire_task *task;
	char names[PIPELINE_MAX_SIZES][WIRE_MAX_PATH + 1];
	struct buffer encoded;
};

void *convert_worker_start(const struct job *job, int out_root_fd)
{
	static struct convert_worker w;
	memset(&w, 0, sizeof w);
	w.job = job;
	w.cs = job->settings;
	w.out_root_fd = out_root_fd;
	w.dir_fd = -1;
	item_worker_init(&w.items, &w.cs->px, job->max_input_size);
	return &w;
}

void convert_worker_stop(void *state)
{
	struct convert_worker *w = state;
	if (w->dir_fd >= 0)
		close(w->dir_fd);
	w->dir_fd = -1;
	item_worker_release(&w->items);
}

/* The directory part of path ("" when none) into buf. */
static void dir_part(const char *path, char *buf, size_t cap)
{
	const char *slash = strrchr(path, '/');
	snprintf(buf, cap, "%.*s", slash ? (int)(slash - path) : 0, path);
}

/* The directory an output's name is relative to, opened: -o, or with
 * --in-place the input's own directory. */
static int open_output_base(const struct convert_worker *w, const char *input_dir,
			    struct ib_error *err)
{
	if (!w->cs->in_place)
		return w->out_root_fd;
	int fd = open(input_dir[0] ? input_dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ib_fail_errno(err, errno, "opening the input's directory");
	return fd;
}

/* What output_dir_fd returns in a dry run for a folder not there yet. */
#define OUTPUT_DIR_MISSING (-2)

/*
 * The directory of output out_name, opened once and cached across inputs
 * (consecutive inputs usually share one); its folders are created below
 * -o, or with --in-place below the input's directory, never following a
 * symlink (a dry run creates none: OUTPUT_DIR_MISSING).  *base gets the
 * output's file name.
 */
static int output_dir_fd(struct convert_worker *w, const char *input_path, const char *out_name,
			 const char **base, struct ib_error *err)
{
	char input_dir[WIRE_MAX_PATH + 1], name_dir[WIRE_MAX_PATH + 1], key[sizeof w->dir_rel];
	const char *name_slash = strrchr(out_name, '/');
	*base = name_slash ? name_slash + 1 : out_name;
	dir_part(w->cs->in_place ? input_path : "", input_dir, sizeof input_dir);
	dir_part(out_name, name_dir, sizeof name_dir);
	if ((size_t)snprintf(key, sizeof key, "%s\n%s", input_dir, name_dir) >= sizeof key)
		return ib_fail(err, "output path too long");
	if (w->dir_fd >= 0 && strcmp(key, w->dir_rel) == 0)
		return w->dir_fd;
	if (w->dir_fd >= 0)
		close(w->dir_fd);
	w->dir_fd = -1;
	bool dry_run = w->job->dry_run;
	if (dry_run && !w->cs->in_place && w->out_root_fd < 0)
		return OUTPUT_DIR_MISSING;   /* -o itself is not there yet */
	int base_fd = open_output_base(w, input_dir, err);
	if (base_fd < 0)
		return -1;
	int fd = atomic_open_dir(base_fd, name_dir, !dry_run, err);
	if (base_fd != w->out_root_fd)
		close(base_fd);
	if (fd < 0)
		return dry_run && err->errnum == ENOENT ? OUTPUT_DIR_MISSING : -1;
	strcpy(w->dir_rel, key);
	w->dir_fd = fd;
	return fd;
}

/* What an output records of the input it was made from, as read: its size
 * and modification time to the nanosecond. */
static void source_tag(const struct stat *in_st, char *buf, size_t cap)
{
	snprintf(buf, cap, "%jd:%jd.%09ld", (intmax_t)in_st->st_size,
		 (intmax_t)in_st->st_mtim.tv_sec, in_st->st_mtim.tv_nsec);
}

/*
 * With --update: whether the output was made from the input as it is now.
 * Its recorded source (ATOMIC_SOURCE_XATTR) decides, so an input rewritten
 * while it was being read is done again; an output without the record (an
 * older imgbatch's, a file system without user xattrs) is current when it
 * is not older than the input.
 */
static bool output_is_current(int dir_fd, const char *base, const struct stat *in_st)
{
	struct stat out_st;
	char recorded[64], now[64];
	int fd = openat(dir_fd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = fstat(fd, &out_st) == 0 && S_ISREG(out_st.st_mode)
		    ? fgetxattr(fd, ATOMIC_SOURCE_XATTR, recorded, sizeof recorded - 1) : -2;
	close(fd);
	if (n == -2)
		return false;
	if (n >= 0) {
		recorded[n] = '\0';
		source_tag(in_st, now, sizeof now);
		return strcmp(recorded, now) == 0;
	}
	if (out_st.st_mtim.tv_sec != in_st->st_mtim.tv_sec)
		return out_st.st_mtim.tv_sec > in_st->st_mtim.tv_sec;
	return out_st.st_mtim.tv_nsec >= in_st->st_mtim.tv_nsec;
}

static bool path_exists(int dir_fd, const char *base)
{
	struct stat st;
	return fstatat(dir_fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static bool is_symlink(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static bool would_overwrite_input(int dir_fd, const char *base, const struct stat *in_st)
{
	struct stat out_st;
	return fstatat(dir_fd, base, &out_st, 0) == 0 && out_st.st_dev == in_st->st_dev &&
	       out_st.st_ino == in_st->st_ino;
}

/* The path the user knows output `name` by: below -o, or beside the input. */
static int display_path(const struct convert_worker *w, const char *input, const char *name,
			char *buf, size_t cap)
{
	const char *slash = strrchr(input, '/');
	int n = w->cs->in_place
		? snprintf(buf, cap, "%.*s%s", slash ? (int)(slash - input + 1) : 0, input, name)
		: snprintf(buf, cap, "%s/%s", w->job->out_dir, name);
	return n >= 0 && (size_t)n < cap ? 0 : -1;
}

/* Names every output, once; each must fit a result when it is written. */
static int name_outputs(struct convert_item *ci, struct item *it, struct ib_error *err)
{
	char shown[WIRE_OUTPUT_MAX];
	for (unsigned i = 0; i < it->noutputs; i++) {
		if (convert_output_name(ci->w->cs, ci->task, it->codec->format, it->plans[i].final_w,
					it->plans[i].final_h, ci->names[i], sizeof ci->names[i],
					err) < 0)
			return -1;
		if (display_path(ci->w, ci->task->path, ci->names[i], shown, sizeof shown) < 0)
			return ib_fail(err, "output path too long (over %d bytes)",
				       WIRE_OUTPUT_MAX - 1);
	}
	return 0;
}

/* Whether output i repeats the name of an earlier one (a list of sizes
 * where two give the same size): it is then written only once. */
static bool name_repeats(const struct convert_item *ci, unsigned i)
{
	for (unsigned j = 0; j < i; j++)
		if (strcmp(ci->names[j], ci->names[i]) == 0)
			return true;
	return false;
}

/* Before decoding: refuses to overwrite the input, and with --update tells
 * whether every output is current (1). */
static int check_outputs(struct convert_item *ci, struct item *it, struct ib_error *err)
{
	const struct convert_settings *cs = ci->w->cs;
	unsigned current = 0;
	for (unsigned i = 0; i < it->noutputs; i++) {
		const char *base;
		int dir_fd = output_dir_fd(ci->w, ci->task->path, ci->names[i], &base, err);
		if (dir_fd == OUTPUT_DIR_MISSING)
			continue;   /* a dry run's new folder: nothing there to check */
		if (dir_fd < 0)
			return -1;
		bool own_input = would_overwrite_input(dir_fd, base, &it->in_st);
		if (cs->in_place && own_input && is_symlink(ci->task->path))
			return ib_fail(err, "is a symbolic link: --in-place would replace the link "
				       "with a file (name its target instead)");
		if (!cs->in_place && own_input)
			return ib_fail(err, "output %s is the input itself; refusing to overwrite it "
				       "(use --in-place to mean it)", ci->names[i]);
		if (cs->update && output_is_current(dir_fd, base, &it->in_st)) {
			current++;
			continue;
		}
		if (cs->outputs_among_inputs && !own_input && path_exists(dir_fd, base))
			return ib_fail(err, "output %s already exists among the inputs; refusing to "
				       "replace it (it may be another input of this batch)",
				       ci->names[i]);
	}
	return current == it->noutputs;
}

/*
 * Colour never shifts: --profile converts the pixels to its profile and
 * embeds it; otherwise a profile that says sRGB (or none) changes nothing
 * and is not carried (unless --keep icc), and another one is carried with
 * the pixels as they are, or with --strip icc, converted to sRGB first.
 * Gray images take the sRGB tone curve and carry no profile.  Returns the
 * profile to embed (NULL: none) and sets *len; -1 in *len when out of
 * memory.
 */
static const uint8_t *settle_colour(const struct convert_settings *cs, const struct item *it,
				    struct image *img, size_t *len)
{
	const uint8_t *in = it->dec.info.icc;
	size_t in_len = it->dec.info.icc_len;
	struct ib_error note;
	bool gray = img->channels <= 2;
	*len = 0;
	if (cs->profile) {
		int r = icc_convert(img, in, in_len, cs->profile, cs->profile_len, &note);
		if (r == ICC_UNCHANGED && in)   /* an unreadable input profile: taken as sRGB */
			r = icc_convert(img, NULL, 0, cs->profile, cs->profile_len, &note);
		*len = r < 0 ? (size_t)-1 : gray ? 0 : cs->profile_len;
		return r < 0 || gray ? NULL : cs->profile;
	}
	if (!in || (!(cs->meta_keep & META_ICC) && icc_is_srgb(in, in_len)))
		return NULL;
	if (cs->meta_strip & META_ICC) {
		if (icc_to_srgb(img, in, in_len, &note) < 0)
			*len = (size_t)-1;
		return NULL;
	}
	*len = in_len;
	return in;
}

/* The blocks an output carries that it does not share with its input. */
struct own_metadata {
	uint8_t *exif, *xmp;
};

/*
 * The input's metadata that --keep and --strip leave to output img, into
 * meta: EXIF rewritten for img (upright, its size, no thumbnail; GPS gone
 * with --strip gps) and XMP's orientation set to 1, as copies in own.  A
 * malformed EXIF block is dropped.  -1 when out of memory.
 */
static int settle_metadata(const struct convert_settings *cs, const struct item *it,
			   const struct image *img, struct metadata *meta, struct own_metadata *own)
{
	const struct metadata *in = &it->dec.info.meta;
	unsigned strip = cs->meta_strip;
	*meta = (struct metadata){ 0 };
	if (in->exif && !(strip & META_EXIF) &&
	    exif_rewrite(in->exif, in->exif_len, img->width, img->height, strip & META_GPS,
			 &own->exif, &meta->exif_len) < 0)
		return -1;
	meta->exif = own->exif;
	if (in->xmp && !(strip & META_XMP)) {
		if (!(own->xmp = malloc(in->xmp_len)))
			return -1;
		memcpy(own->xmp, in->xmp, in->xmp_len);
		metadata_xmp_upright(own->xmp, in->xmp_len);
		meta->xmp = own->xmp;
		meta->xmp_len = in->xmp_len;
	}
	if (!(strip & META_IPTC)) {
		meta->iptc = in->iptc;
		meta->iptc_len = in->iptc_len;
	}
	if (!(strip & META_COMMENT)) {
		meta->comment = in->comment;
		meta->comment_len = in->comment_len;
	}
	return 0;
}

static int encode_output(const struct convert_settings *cs, const struct item *it,
			 struct image *img, enum image_format fmt, struct buffer *encoded,
			 struct ib_error *err)
{
	size_t icc_len;
	const uint8_t *icc = settle_colour(cs, it, img, &icc_len);
	if (icc_len == (size_t)-1)
		return ib_fail(err, "out of memory converting colours");
	const struct codec *out = codec_for_format(fmt);
	if (fmt == FORMAT_JPEG && image_prepare_for_jpeg(img, cs->background, err) < 0)
		return -1;
	struct encode_options opts = {
		.quality = cs->quality,
		.lossless = cs->lossless,
		.effort = cs->effort,
		.progressive = cs->progressive,
		.subsample = cs->subsample,
		.compression = cs->compression,
		.palette = cs->palette ? cs->colours : 0,
		.dither = (float)cs->dither,
		.icc = icc,
		.icc_len = icc_len,
	};
	struct own_metadata own = { 0 };
	int ret = settle_metadata(cs, it, img, &opts.meta, &own) < 0
		  ? ib_fail(err, "out of memory copying metadata")
		  : out->encode(img, &opts, encoded, err);
	free(own.exif);
	free(own.xmp);
	return ret;
}

/* Encodes img (which it may change) and commits it as output i. */
static int write_output(void *ctx, struct item *it, unsigned i, struct image *img,
			struct wire_result *res, struct ib_error *err)
{
	struct convert_item *ci = ctx;
	struct convert_worker *w = ci->w;
	const char *base;
	if (name_repeats(ci, i))
		return 0;
	ci->encoded.len = 0;
	if (encode_output(w->cs, it, img, it->info.out_format, &ci->encoded, err) < 0)
		return -1;
	int dir_fd = output_dir_fd(w, ci->task->path, ci->names[i], &base, err);
	char source[64];
	source_tag(&it->in_st, source, sizeof source);
	if (dir_fd < 0 ||
	    atomic_write_like(dir_fd, base, ci->encoded.data, ci->encoded.len,
			      w->cs->fsync_outputs, &it->in_st, w->cs->in_place, source, err) < 0)
		return item_write_failed(res, err);
	/* outputs are made largest first: the first one written is reported */
	if (it->info.outputs == 0)
		display_path(w, ci->task->path, ci->names[i], res->output, sizeof res->output);
	item_count_output(it, img, ci->encoded.len, res);
	return 0;
}

/* --dry-run: what would be written, from the plan (no pixel decoded). */
static int report_plan(struct convert_item *ci, struct item *it, struct wire_result *res)
{
	unsigned largest = 0;
	for (unsigned i = 1; i < it->noutputs; i++)
		if ((uint64_t)it->plans[i].final_w * it->plans[i].final_h >
		    (uint64_t)it->plans[largest].final_w * it->plans[largest].final_h)
			largest = i;
	for (unsigned i = 0; i < it->noutputs; i++)
		it->info.outputs += !name_repeats(ci, i);
	it->info.out_width = it->plans[largest].final_w;
	it->info.out_height = it->plans[largest].final_h;
	display_path(ci->w, ci->task->path, ci->names[largest], res->output, sizeof res->output);
	return 0;
}

static int convert_item(struct convert_item *ci, struct item *it, struct wire_result *res,
			struct ib_error *err)
{
	struct convert_worker *w = ci->w;
	if (item_open(&w->items, it, res, err) < 0)
		return -1;
	if (item_plan(&w->items, it, res, err) < 0)
		return -1;
	/* after item_plan, which can tell a camera RAW from a TIFF */
	it->info.out_format = (uint8_t)convert_output_format(w->cs, it->codec->format);
	if (name_outputs(ci, it, err) < 0)
		return -1;
	int current = check_outputs(ci, it, err);
	if (current < 0)
		return -1;
	if (current) {
		res->status = RESULT_SKIPPED;
		return ib_fail(err, "up to date");
	}
	if (w->job->dry_run)
		return report_plan(ci, it, res);
	return item_make_outputs(&w->items, it, write_output, ci, res, err);
}

void convert_run(void *state, const struct wire_task *task, struct wire_result *res)
{
	struct convert_item ci = { .w = state, .task = task };
	struct item it;
	struct ib_error err = { 0 };
	item_init(&it, task);
	int ok = convert_item(&ci, &it, res, &err);
	item_finish(&it, ok, &err, res);
	buffer_free(&ci.encoded);
}
