/*
 * imgbatch thumbnail --one INPUT OUTPUT: one thumbnail, for a desktop's
 * thumbnail factory, which runs the Exec line of imgbatch.thumbnailer once
 * per file and caches the PNG itself.  It runs in this process (no pool, no
 * fork: start-up time is most of the work) through the item pipeline the
 * workers use, and writes nothing but OUTPUT.
 */
#include "config.h"
#include "thumbnail/thumbnail.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/item.h"
#include "util/number.h"

/* The desktop's default, as without --one. */
#define ONE_DEFAULT_PIXELS 256
#define ONE_MAX_PIXELS 4096

int thumbnail_one_validate(struct job *job, uint32_t *pixels, FILE *err)
{
	const struct thumbnail_settings *ts = job->settings;
	unsigned long long n = ONE_DEFAULT_PIXELS;
	if (ts->size_arg && number_parse(ts->size_arg, 1, ONE_MAX_PIXELS, &n) < 0)
		return cli_bad_value(err, "--size", ts->size_arg,
				     "with --one, pixels from 1 to 4096");
	*pixels = (uint32_t)n;
	bool sweep = ts->clean || ts->sweep.gc || ts->sweep.max_bytes || ts->sweep.max_age_s >= 0;
	if (sweep || job->files_from || job->json || job->manifest) {
		fputs("imgbatch thumbnail: --one takes no --clean, --gc, --files-from, --json or "
		      "--manifest\n", err);
		return -1;
	}
	if (job->nroots != 2) {
		fputs("imgbatch thumbnail: --one takes two operands: INPUT OUTPUT\n", err);
		return -1;
	}
	return 0;
}

/* A file:// URI as its path (GNOME's %u; %i is already a path), else arg. */
static int local_path(const char *arg, char *buf, size_t cap, struct ib_error *err)
{
	if (strncmp(arg, "file:", 5) == 0)
		return thumb_uri_to_path(arg, buf, cap, err);
	if ((size_t)snprintf(buf, cap, "%s", arg) >= cap)
		return ib_fail(err, "path too long");
	return 0;
}

/* Where OUTPUT goes: its folder, opened, and its name in it. */
struct one_output {
	int dir_fd;
	const char *name;
};

static int open_output(char *path, struct one_output *out, struct ib_error *err)
{
	char *slash = strrchr(path, '/');
	const char *dir = ".";
	out->name = path;
	if (slash) {
		*slash = '\0';
		dir = slash == path ? "/" : path;
		out->name = slash + 1;
	}
	if (!out->name[0] || strcmp(out->name, ".") == 0 || strcmp(out->name, "..") == 0)
		return ib_fail(err, "OUTPUT must name a file");
	out->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (out->dir_fd < 0)
		return ib_fail_errno(err, errno, "cannot open the folder of OUTPUT %s", dir);
	return 0;
}

static int write_one(void *ctx, struct item *it, unsigned i, struct image *img,
		     struct wire_result *res, struct ib_error *err)
{
	const struct one_output *out = ctx;
	const struct plan *p = &it->plans[i];
	(void)res;
	if (thumbnail_to_srgb(it, img, err) < 0)
		return -1;
	return thumb_image_write(out->dir_fd, out->name, img, it->codec->mime, p->upright_w,
				 p->upright_h, err);
}

/* The thumbnail of input into out; -1 with err set.  Damage decoded past
 * (as --fail-on allows) is a warning on warn. */
static int make_one(const struct job *job, const char *input, struct one_output *out,
		    FILE *warn, struct ib_error *err)
{
	const struct thumbnail_settings *ts = job->settings;
	const struct wire_task task = { .path = input, .named = true };
	struct wire_result res;
	struct item_worker w;
	struct item it;
	wire_result_init(&res, 0);
	item_worker_init(&w, &ts->px, job->max_input_size);
	item_init(&it, &task);
	int ret = item_open(&w, &it, &res, err);
	if (ret == 0) {
		it.info.out_format = FORMAT_PNG;
		ret = item_plan(&w, &it, &res, err);
	}
	if (ret == 0)
		ret = item_make_outputs(&w, &it, write_one, out, &res, err);
	if (ret == 0 && it.dec.warning[0])
		fprintf(warn, "imgbatch: warning: %s: %s\n", job->roots[0], it.dec.warning);
	item_finish(&it, ret, err, &res);
	item_worker_release(&w);
	return ret;
}

int thumbnail_one_run(struct job *job, FILE *err)
{
	const struct thumbnail_settings *ts = job->settings;
	char input[PATH_MAX], output[PATH_MAX];
	struct one_output out = { .dir_fd = -1 };
	struct ib_error e;
	if (!ts->one)
		return -1;
	int ret = local_path(job->roots[0], input, sizeof input, &e);
	if (ret == 0)
		ret = local_path(job->roots[1], output, sizeof output, &e);
	if (ret == 0)
		ret = open_output(output, &out, &e);
	if (ret == 0)
		ret = make_one(job, input, &out, err, &e);
	if (out.dir_fd >= 0)
		close(out.dir_fd);
	if (ret < 0) {
		fprintf(err, "imgbatch: %s: %s\n", job->roots[0], e.msg);
		return 1;
	}
	return 0;
}
