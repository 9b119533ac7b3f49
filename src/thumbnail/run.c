/* imgbatch thumbnail, a worker's side: one original to its cache entries
 * (every requested size from one decode), or to a fail entry. */
#include "config.h"
#include "thumbnail/thumbnail.h"

#include <string.h>

#include "codec/icc.h"
#include "disk/guard.h"
#include "pipeline/item.h"

/* One original's entry, as the cache records it, and how it ended. */
struct thumbnail_item {
	const struct thumb_cache *cache;
	struct thumb_entry entry;
	enum thumb_end end;
};

void thumbnail_worker_init(struct thumbnail_worker *w, const struct thumb_cache *cache,
			   const struct pixel_settings *px, uint64_t max_input_size)
{
	w->cache = cache;
	item_worker_init(&w->items, px, max_input_size);
}

void *thumbnail_worker_start(const struct job *job, int out_root_fd)
{
	static struct thumbnail_worker w;
	const struct thumbnail_settings *ts = job->settings;
	(void)out_root_fd;
	thumbnail_worker_init(&w, &ts->cache, &ts->px, job->max_input_size);
	return &w;
}

void thumbnail_worker_stop(void *state)
{
	struct thumbnail_worker *w = state;
	item_worker_release(&w->items);
}

/* The cache size of output i: outputs follow the requested sizes upwards. */
static enum thumb_size output_thumb_size(const struct thumb_cache *cache, unsigned i)
{
	for (int size = 0; size < THUMB_NSIZES; size++)
		if ((cache->sizes & (1u << size)) && i-- == 0)
			return (enum thumb_size)size;
	return THUMB_NSIZES;  /* not reached: one output per requested size */
}

int thumbnail_to_srgb(const struct item *it, struct image *img, struct ib_error *err)
{
	struct ib_error note;
	if (it->dec.info.icc && icc_to_srgb(img, it->dec.info.icc, it->dec.info.icc_len, &note) < 0)
		return ib_fail(err, "%s", note.msg);
	return 0;
}

static int write_thumbnail(void *ctx, struct item *it, unsigned i, struct image *img,
			   struct wire_result *res, struct ib_error *err)
{
	struct thumbnail_item *ti = ctx;
	const struct thumb_cache *cache = ti->cache;
	const struct plan *p = &it->plans[i];
	uint64_t bytes;

	if (thumbnail_to_srgb(it, img, err) < 0)
		return -1;
	if (thumb_entry_write(cache->size_fd[output_thumb_size(cache, i)], &ti->entry, img,
			      it->codec->mime,
			      p->upright_w, p->upright_h, &bytes, err) < 0) {
		ti->end = THUMB_END_NOT_SAVED;
		return item_write_failed(res, err);
	}
	item_count_output(it, img, bytes, res);
	return 0;
}

static bool thumbnails_current(const struct thumb_cache *cache, const struct thumb_entry *e)
{
	for (int size = 0; size < THUMB_NSIZES; size++)
		if ((cache->sizes & (1u << size)) && !thumb_entry_current(cache->size_fd[size], e))
			return false;
	return true;
}

/* Skips what needs no work: how it ends (err says why), or
 * THUMB_END_UNKNOWN when there is work. */
static enum thumb_end thumbnail_skip(const struct thumb_cache *cache,
				     const struct thumb_entry *e, struct ib_error *err)
{
	/* resolved, so a folder or link leading into the cache is caught */
	if (disk_path_within(e->path, cache->root))
		return ib_fail(err, "inside the thumbnail cache"), THUMB_END_IS_THUMBNAIL;
	if (thumbnails_current(cache, e))
		return ib_fail(err, "thumbnails up to date"), THUMB_END_CURRENT;
	if (thumb_entry_current(cache->fail_fd, e))
		return ib_fail(err, "failed before and unchanged since (fail entry)"),
		       THUMB_END_FAILED_BEFORE;
	return THUMB_END_UNKNOWN;
}

/* The path of the largest thumbnail, which the result reports (none when
 * it cannot be told, as a path too long for the cache's names). */
static void report_largest_thumbnail(const struct thumb_cache *cache, const char *path,
				     struct wire_result *res)
{
	char largest[PATH_MAX];
	struct ib_error ignored;
	if (thumb_output_path(cache, path, largest, sizeof largest, &ignored) == 0)
		wire_result_set_output(res, largest);
}

static int thumbnail_item(struct thumbnail_worker *w, struct thumbnail_item *ti,
			  struct item *it, struct wire_result *res, struct ib_error *err)
{
	const struct thumb_cache *cache = w->cache;
	if (item_open(&w->items, it, res, err) < 0) {
		/* an open or read that failed has an errno; a file that is no
		 * image we read has none */
		ti->end = err->errnum ? THUMB_END_UNREADABLE : THUMB_END_UNSUPPORTED;
		return -1;
	}
	it->info.out_format = FORMAT_PNG;
	if (thumb_entry_init(&ti->entry, it->path, &it->in_st, err) < 0) {
		ti->end = THUMB_END_UNREADABLE;
		return -1;
	}
	ti->end = thumbnail_skip(cache, &ti->entry, err);
	if (ti->end != THUMB_END_UNKNOWN) {
		res->status = RESULT_SKIPPED;
		return -1;
	}
	report_largest_thumbnail(cache, it->path, res);
	if (item_plan(&w->items, it, res, err) < 0 ||
	    item_make_outputs(&w->items, it, write_thumbnail, ti, res, err) < 0) {
		struct ib_error ignored;
		if (ti->end == THUMB_END_UNKNOWN)
			ti->end = THUMB_END_BAD_IMAGE;
		/* the standard's way to say "do not try again until it changes";
		 * a thumbnail that could not be saved (a full disk) is no fault of
		 * the original's */
		if (ti->end != THUMB_END_NOT_SAVED)
			thumb_fail_write(cache->fail_fd, &ti->entry, &ignored);
		return -1;
	}
	ti->end = THUMB_END_MADE;
	return 0;
}

enum thumb_end thumbnail_original(struct thumbnail_worker *w, const struct wire_task *task,
				  struct wire_result *res)
{
	struct thumbnail_item ti = { .cache = w->cache, .end = THUMB_END_UNKNOWN };
	struct item it;
	struct ib_error err = { 0 };
	item_init(&it, task);
	int ok = thumbnail_item(w, &ti, &it, res, &err);
	item_finish(&it, ok, &err, res);
	return ti.end;
}

void thumbnail_run(void *state, const struct wire_task *task, struct wire_result *res)
{
	thumbnail_original(state, task, res);
}
