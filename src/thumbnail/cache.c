#include "config.h"
#include "thumbnail/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/atomic.h"
#include "engine/account.h"
#include "util/json.h"
#include "codec/codec.h"
#include "codec/png_text.h"

#define FAIL_DIR "fail/" PACKAGE_NAME "-" PACKAGE_VERSION
#define SOFTWARE PACKAGE_NAME " " PACKAGE_VERSION
/* A cache entry larger than this is not one we wrote: it is not read. */
#define ENTRY_MAX_BYTES (64u << 20)

/* mkdir -p, each created directory 0700 (the standard's mode). */
static int make_dirs(const char *path, struct ib_error *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof buf)
		return ib_fail(err, "thumbnail cache path too long");
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return ib_fail_errno(err, errno, "creating %s", buf);
		if (!saved)
			return 0;
		*p = saved;
	}
}

/* The standard asks for private cache folders: ours, writable by us alone.
 * Returns fd, or -1 (closing it) with a reason naming path. */
static int check_private(int fd, const char *path, struct ib_error *err)
{
	struct stat st;
	int ret = -1;
	if (fstat(fd, &st) < 0)
		ib_fail_errno(err, errno, "thumbnail cache: %s", path);
	else if (st.st_uid != geteuid())
		ib_fail(err, "thumbnail cache: %s belongs to another user (uid %ju): refusing it",
			path, (uintmax_t)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		ib_fail(err, "thumbnail cache: %s is writable by others (mode %03o): refusing it "
			"(chmod 700 it)", path, (unsigned)(st.st_mode & 0777));
	else
		ret = fd;
	if (ret < 0)
		close(fd);
	return ret;
}

/*
 * Opens root/sub: the root may be reached through a symlink (~/.cache on
 * another disk is common), but no folder below it may be one, so nothing is
 * written or cleaned outside the cache; each folder must be private.
 * open_cache_dir creates it first, 0700.
 */
static int open_below_root(const char *root, const char *sub, struct ib_error *err)
{
	char path[PATH_MAX + 32];
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ib_fail_errno(err, errno, "opening %s", root);
	if (check_private(fd, root, err) < 0)
		return -1;
	char names[PATH_MAX];
	snprintf(names, sizeof names, "%s", sub);
	char *save = NULL;
	for (char *name = strtok_r(names, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		int saved = errno;
		close(fd);
		snprintf(path, sizeof path, "%s/%.*s", root, (int)(name - names + strlen(name)), sub);
		if (next < 0)
			return ib_fail_errno(err, saved, "thumbnail cache: %s%s", path,
					     saved == ELOOP || saved == ENOTDIR
					     ? " is not a real folder (a symlink?)" : "");
		if ((fd = check_private(next, path, err)) < 0)
			return -1;
	}
	return fd;
}

static int open_cache_dir(const struct thumb_cache *cache, const char *sub,
			  struct ib_error *err)
{
	char path[PATH_MAX + 32];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", cache->root, sub) >= sizeof path)
		return ib_fail(err, "thumbnail cache path too long");
	if (make_dirs(path, err) < 0)
		return -1;
	return open_below_root(cache->root, sub, err);
}

int thumb_cache_open(struct thumb_cache *cache, unsigned sizes, struct ib_error *err)
{
	cache->sizes = sizes;
	cache->fail_fd = -1;
	for (int i = 0; i < THUMB_NSIZES; i++)
		cache->size_fd[i] = -1;
	if (thumb_cache_root(cache->root, sizeof cache->root, err) < 0)
		return -1;
	for (int i = 0; i < THUMB_NSIZES; i++) {
		if (!(sizes & (1u << i)))
			continue;
		cache->size_fd[i] = open_cache_dir(cache, thumb_size_dir((enum thumb_size)i), err);
		if (cache->size_fd[i] < 0)
			goto fail;
	}
	cache->fail_fd = open_cache_dir(cache, FAIL_DIR, err);
	if (cache->fail_fd >= 0)
		return 0;
fail:
	thumb_cache_close(cache);
	return -1;
}

void thumb_cache_close(struct thumb_cache *cache)
{
	for (int i = 0; i < THUMB_NSIZES; i++) {
		if (cache->size_fd[i] >= 0)
			close(cache->size_fd[i]);
		cache->size_fd[i] = -1;
	}
	if (cache->fail_fd >= 0)
		close(cache->fail_fd);
	cache->fail_fd = -1;
}

int thumb_entry_init(struct thumb_entry *e, const char *path, const struct stat *st,
		     struct ib_error *err)
{
	if (thumb_absolute_path(path, e->path, sizeof e->path, err) < 0 ||
	    thumb_uri(e->path, e->uri, sizeof e->uri, err) < 0)
		return -1;
	thumb_name(e->uri, e->name);
	snprintf(e->mtime, sizeof e->mtime, "%jd", (intmax_t)st->st_mtim.tv_sec);
	snprintf(e->size, sizeof e->size, "%jd", (intmax_t)st->st_size);
	return 0;
}

/* Reads a whole cache file; NULL when it is missing, unreadable or too big. */
static uint8_t *read_entry(int dir_fd, const char *name, size_t *len)
{
	/* O_NOATIME: checking an entry is no use of it (--gc's least recently
	 * used go first); only the owner may ask it, others read it as usual */
	int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
	int fd = openat(dir_fd, name, flags | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dir_fd, name, flags);
	struct stat st;
	uint8_t *data = NULL;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= ENTRY_MAX_BYTES && (data = malloc((size_t)st.st_size))) {
		ssize_t got = pread(fd, data, (size_t)st.st_size, 0);
		if (got != st.st_size) {
			free(data);
			data = NULL;
		}
		*len = (size_t)st.st_size;
	}
	close(fd);
	return data;
}

/* The URI and MTime an entry records; 0 when it has both. */
static int entry_keys(const uint8_t *data, size_t len, char *uri, size_t uri_cap,
		      char *mtime, size_t mtime_cap)
{
	struct ib_error err;
	if (png_text_find(data, len, "Thumb::URI", uri, uri_cap, &err) != 1 ||
	    png_text_find(data, len, "Thumb::MTime", mtime, mtime_cap, &err) != 1)
		return -1;
	return 0;
}

bool thumb_entry_current(int dir_fd, const struct thumb_entry *e)
{
	char uri[sizeof e->uri], mtime[sizeof e->mtime];
	size_t len;
	uint8_t *data = read_entry(dir_fd, e->name, &len);
	bool current = data && entry_keys(data, len, uri, sizeof uri, mtime, sizeof mtime) == 0 &&
		       strcmp(uri, e->uri) == 0 && strcmp(mtime, e->mtime) == 0;
	free(data);
	return current;
}

/* Cache files are 0600, as the standard asks; --one's output 0666 & ~umask. */
static int write_png(int dir_fd, const char *name, const struct image *img,
		     const struct text_entry *text, unsigned ntext, mode_t mode, uint64_t *bytes,
		     struct ib_error *err)
{
	struct encode_options opts = { .compression = 6, .text = text, .ntext = ntext };
	struct buffer png = { 0 };
	int ret = codec_png.encode(img, &opts, &png, err);

	if (ret == 0)
		ret = atomic_write_mode(dir_fd, name, png.data, png.len, false, mode, err);
	if (ret == 0 && bytes)
		*bytes = png.len;
	buffer_free(&png);
	return ret;
}

int thumb_entry_write(int dir_fd, const struct thumb_entry *e, const struct image *img,
		      const char *mime, uint32_t orig_w, uint32_t orig_h, uint64_t *bytes,
		      struct ib_error *err)
{
	char width[16], height[16];
	snprintf(width, sizeof width, "%" PRIu32, orig_w);
	snprintf(height, sizeof height, "%" PRIu32, orig_h);
	const struct text_entry text[] = {
		{ "Thumb::URI", e->uri },
		{ "Thumb::MTime", e->mtime },
		{ "Thumb::Size", e->size },
		{ "Thumb::Mimetype", mime },
		{ "Thumb::Image::Width", width },
		{ "Thumb::Image::Height", height },
		{ "Software", SOFTWARE },
	};
	return write_png(dir_fd, e->name, img, text, sizeof text / sizeof text[0], 0600, bytes,
			 err);
}

int thumb_image_write(int dir_fd, const char *name, const struct image *img, const char *mime,
		      uint32_t orig_w, uint32_t orig_h, struct ib_error *err)
{
	char width[16], height[16];
	snprintf(width, sizeof width, "%" PRIu32, orig_w);
	snprintf(height, sizeof height, "%" PRIu32, orig_h);
	/* what gdk-pixbuf-thumbnailer writes; the factory adds the URI and MTime */
	const struct text_entry text[] = {
		{ "Thumb::Mimetype", mime },
		{ "Thumb::Image::Width", width },
		{ "Thumb::Image::Height", height },
		{ "Software", SOFTWARE },
	};
	return write_png(dir_fd, name, img, text, sizeof text / sizeof text[0], 0666, NULL, err);
}

int thumb_fail_write(int fail_fd, const struct thumb_entry *e, struct ib_error *err)
{
	/* The standard asks for a PNG carrying the keys; its pixels do not
	 * matter: one transparent pixel. */
	uint8_t pixel[4] = { 0, 0, 0, 0 };
	const struct image img = {
		.width = 1, .height = 1, .channels = 4, .depth = 8, .stride = 4, .pixels = pixel,
	};
	const struct text_entry text[] = {
		{ "Thumb::URI", e->uri },
		{ "Thumb::MTime", e->mtime },
		{ "Software", SOFTWARE },
	};
	return write_png(fail_fd, e->name, &img, text, sizeof text / sizeof text[0], 0600, NULL,
			 err);
}

int thumb_output_path(const struct thumb_cache *cache, const char *path, char *buf,
		      size_t cap, struct ib_error *err)
{
	char abs[PATH_MAX], uri[3 * PATH_MAX + 8], name[THUMB_NAME_LEN + 1];
	int largest = THUMB_NSIZES - 1;

	while (largest > 0 && !(cache->sizes & (1u << largest)))
		largest--;
	if (thumb_absolute_path(path, abs, sizeof abs, err) < 0 ||
	    thumb_uri(abs, uri, sizeof uri, err) < 0)
		return -1;
	thumb_name(uri, name);
	if ((size_t)snprintf(buf, cap, "%s/%s/%s", cache->root,
			     thumb_size_dir((enum thumb_size)largest), name) >= cap)
		return ib_fail(err, "thumbnail path too long");
	return 0;
}

/* ---- --clean and --gc: one walk of the cache ------------------------------ */

enum entry_verdict {
	ENTRY_KEEP, ENTRY_FOREIGN, ENTRY_ERROR,
	ENTRY_GONE, ENTRY_CHANGED, ENTRY_AGED, ENTRY_UNUSED,   /* removed */
};

static const char *const removal_reasons[] = {
	[ENTRY_GONE] = "original gone",
	[ENTRY_CHANGED] = "original changed",
	[ENTRY_AGED] = "fail entry older than --max-age",
	[ENTRY_UNUSED] = "least recently used",
};

/* Whether the original an entry names (its path into original) still exists
 * with the same mtime and, when the entry records it, the same size. */
static enum entry_verdict judge_entry(int dir_fd, const char *name, char *original, size_t cap)
{
	char uri[3 * PATH_MAX + 8], mtime[24], size[24], now[24];
	struct ib_error err;
	struct stat st;
	size_t len;
	uint8_t *data = read_entry(dir_fd, name, &len);
	int keys = data ? entry_keys(data, len, uri, sizeof uri, mtime, sizeof mtime) : -1;
	bool has_size = keys == 0 &&
			png_text_find(data, len, "Thumb::Size", size, sizeof size, &err) == 1;

	free(data);
	if (keys < 0 || thumb_uri_to_path(uri, original, cap, &err) < 0)
		return ENTRY_FOREIGN;
	if (stat(original, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? ENTRY_GONE : ENTRY_ERROR;
	snprintf(now, sizeof now, "%jd", (intmax_t)st.st_mtim.tv_sec);
	if (strcmp(now, mtime) != 0)
		return ENTRY_CHANGED;
	snprintf(now, sizeof now, "%jd", (intmax_t)st.st_size);
	return has_size && strcmp(now, size) != 0 ? ENTRY_CHANGED : ENTRY_KEEP;
}

static bool is_entry_name(const char *name)
{
	size_t len = strlen(name);
	return name[0] != '.' && len > 4 && strcmp(name + len - 4, ".png") == 0;
}

/* A thumbnail --max-size may remove, when nothing removed it before. */
struct lru_entry {
	int size;                 /* enum thumb_size: its folder */
	bool foreign;
	time_t used;
	uint64_t bytes;
	char *name;
};

/* One --clean or --gc. */
struct sweep {
	const char *root;
	const struct thumb_sweep *how;
	const struct thumb_clean_out *out;
	struct thumb_clean_stats *stats;
	struct lru_entry *lru;    /* with --max-size: every thumbnail kept */
	size_t nlru, lru_cap;
};

/* --json: {"type":TYPE,"status":"removed"|"error","entry":...,"original":...,
 * "reason":...[,"bytes":N]} */
static void put_sweep_line(const struct thumb_clean_out *out, const char *status,
			   const char *dir, const char *name, const char *original,
			   const char *reason, const uint64_t *bytes)
{
	char entry[PATH_MAX + 320];
	if (!out->json)
		return;
	snprintf(entry, sizeof entry, "%s/%s", dir, name);
	fprintf(out->json, "{\"type\":\"%s\",\"status\":\"%s\"", out->type, status);
	account_put_path(out->json, "entry", entry);
	if (original[0])
		account_put_path(out->json, "original", original);
	fputs(",\"reason\":", out->json);
	json_put_string(out->json, reason);
	if (bytes)
		fprintf(out->json, ",\"bytes\":%" PRIu64, *bytes);
	fputs("}\n", out->json);
}

static void sweep_error(struct sweep *sw, const char *dir, const char *name,
			const char *original, const char *reason)
{
	fprintf(sw->out->err, "imgbatch: %s/%s: %s\n", dir, name, reason);
	put_sweep_line(sw->out, "error", dir, name, original, reason, NULL);
	sw->stats->errors++;
}

/* Removes an entry for a reason (verdict); 0, or -1 reported. */
static int remove_entry(struct sweep *sw, int dir_fd, const char *dir, const char *name,
			const char *original, enum entry_verdict verdict, uint64_t bytes)
{
	char reason[160];
	if (unlinkat(dir_fd, name, 0) != 0) {
		snprintf(reason, sizeof reason, "cannot remove it: %s", strerror(errno));
		sweep_error(sw, dir, name, original, reason);
		return -1;
	}
	sw->stats->removed++;
	sw->stats->bytes_freed += bytes;
	/* --clean's lines are as they were before --gc counted bytes */
	put_sweep_line(sw->out, "removed", dir, name, original, removal_reasons[verdict],
		       sw->how->gc ? &bytes : NULL);
	return 0;
}

/* Notes a kept entry: its bytes, and with --max-size a thumbnail's last use
 * (atime, or mtime where atime is not kept: noatime). */
static void keep_entry(struct sweep *sw, int size, const char *name, const struct stat *st,
		       bool foreign)
{
	sw->stats->bytes_kept += (uint64_t)st->st_size;
	if (size < 0 || !sw->how->max_bytes)
		return;
	if (sw->nlru == sw->lru_cap) {
		size_t cap = sw->lru_cap ? 2 * sw->lru_cap : 256;
		struct lru_entry *p = realloc(sw->lru, cap * sizeof *p);
		if (!p)
			return;   /* out of memory: the entry stays */
		sw->lru = p;
		sw->lru_cap = cap;
	}
	char *copy = strdup(name);
	if (!copy)
		return;
	sw->lru[sw->nlru++] = (struct lru_entry){
		.size = size, .foreign = foreign, .bytes = (uint64_t)st->st_size, .name = copy,
		.used = st->st_atim.tv_sec > st->st_mtim.tv_sec ? st->st_atim.tv_sec
								  : st->st_mtim.tv_sec,
	};
}

static bool past_max_age(const struct thumb_sweep *how, const struct stat *st)
{
	return how->max_age_s >= 0 && how->now - st->st_mtim.tv_sec > how->max_age_s;
}

static void sweep_entry(struct sweep *sw, DIR *dir, const char *path, const char *name, int size)
{
	char original[PATH_MAX] = "";
	struct stat st;
	/* a symlink or anything but a file is no entry: never followed */
	if (!is_entry_name(name) || fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode))
		return;
	enum entry_verdict verdict = judge_entry(dirfd(dir), name, original, sizeof original);
	if (size < 0 && verdict <= ENTRY_FOREIGN && past_max_age(sw->how, &st))
		verdict = ENTRY_AGED;
	switch (verdict) {
	case ENTRY_KEEP:
	case ENTRY_FOREIGN:
		*(verdict == ENTRY_KEEP ? &sw->stats->kept : &sw->stats->foreign) += 1;
		keep_entry(sw, size, name, &st, verdict == ENTRY_FOREIGN);
		break;
	case ENTRY_ERROR:
		sweep_error(sw, path, name, original, "cannot check its original");
		break;
	default:
		remove_entry(sw, dirfd(dir), path, name, original, verdict, (uint64_t)st.st_size);
	}
}

/* Opens root/sub as a directory stream, never through a symlink; NULL when
 * it is missing (quietly) or refused (reported). */
static DIR *open_sweep_dir(struct sweep *sw, const char *sub)
{
	struct ib_error err;
	int fd = open_below_root(sw->root, sub, &err);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (fd >= 0 && !dir) {
		ib_fail_errno(&err, errno, "cannot read %s/%s", sw->root, sub);
		close(fd);
	}
	if (!dir && err.errnum != ENOENT) {
		fprintf(sw->out->err, "imgbatch: %s\n", err.msg);
		sw->stats->errors++;
	}
	return dir;
}

/* Every entry of root/sub; size is its enum thumb_size, -1 for a fail/ one. */
static void sweep_dir(struct sweep *sw, const char *sub, int size)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", sw->root, sub);
	DIR *dir = open_sweep_dir(sw, sub);
	if (!dir)
		return;
	struct dirent *d;
	while ((d = readdir(dir)))
		sweep_entry(sw, dir, path, d->d_name, size);
	closedir(dir);
}

/* --gc: every program's folder under fail/ (real folders only). */
static void sweep_fail_dirs(struct sweep *sw)
{
	DIR *fail = open_sweep_dir(sw, "fail");
	struct dirent *d;
	struct stat st;
	char sub[NAME_MAX + 8];
	while (fail && (d = readdir(fail))) {
		if (d->d_name[0] == '.' ||
		    fstatat(dirfd(fail), d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		snprintf(sub, sizeof sub, "fail/%s", d->d_name);
		sweep_dir(sw, sub, -1);
	}
	if (fail)
		closedir(fail);
}

static int by_last_use(const void *a, const void *b)
{
	const struct lru_entry *x = a, *y = b;
	if (x->used != y->used)
		return x->used < y->used ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* --max-size: removes thumbnails, least recently used first, until the
 * size folders hold at most max_bytes. */
static void remove_unused(struct sweep *sw)
{
	uint64_t total = 0;
	DIR *dirs[THUMB_NSIZES] = { 0 };
	for (size_t i = 0; i < sw->nlru; i++)
		total += sw->lru[i].bytes;
	qsort(sw->lru, sw->nlru, sizeof *sw->lru, by_last_use);
	for (size_t i = 0; i < sw->nlru && total > sw->how->max_bytes; i++) {
		const struct lru_entry *e = &sw->lru[i];
		const char *sub = thumb_size_dir((enum thumb_size)e->size);
		char path[PATH_MAX + 32];
		if (!dirs[e->size] && !(dirs[e->size] = open_sweep_dir(sw, sub)))
			continue;
		snprintf(path, sizeof path, "%s/%s", sw->root, sub);
		if (remove_entry(sw, dirfd(dirs[e->size]), path, e->name, "", ENTRY_UNUSED,
				 e->bytes) < 0)
			continue;
		total -= e->bytes;
		sw->stats->bytes_kept -= e->bytes;
		*(e->foreign ? &sw->stats->foreign : &sw->stats->kept) -= 1;
	}
	for (int i = 0; i < THUMB_NSIZES; i++)
		if (dirs[i])
			closedir(dirs[i]);
}

void thumb_cache_sweep(const struct thumb_cache *cache, const struct thumb_sweep *how,
		       const struct thumb_clean_out *out, struct thumb_clean_stats *stats)
{
	struct sweep sw = { .root = cache->root, .how = how, .out = out, .stats = stats };
	memset(stats, 0, sizeof *stats);
	for (int i = 0; i < THUMB_NSIZES; i++)
		sweep_dir(&sw, thumb_size_dir((enum thumb_size)i), i);
	if (how->gc)
		sweep_fail_dirs(&sw);
	else
		sweep_dir(&sw, FAIL_DIR, -1);
	if (how->max_bytes)
		remove_unused(&sw);
	for (size_t i = 0; i < sw.nlru; i++)
		free(sw.lru[i].name);
	free(sw.lru);
}
