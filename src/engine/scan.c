#include "config.h"
#include "engine/scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/atomic.h"
#include "disk/output_name.h"
#include "disk/runmark.h"
#include "engine/wire.h"
#include "util/keyset.h"

/* One directory being read.  dev/ino make symlink loops impossible: a
 * directory that is its own ancestor is never entered again. */
struct frame {
	DIR *dir;
	size_t path_len;       /* length of this directory's path in scan->path */
	dev_t dev;
	ino_t ino;
};

struct scan {
	const struct job *job;
	dev_t exclude_dev;
	ino_t exclude_ino;
	unsigned next_root;            /* next argv root to start */
	FILE *list;                    /* --files-from stream, once argv is done */
	bool list_done;
	char *line;                    /* getdelim buffer */
	size_t line_cap;
	struct frame *frames;          /* the directory stack */
	size_t depth, frames_cap;
	size_t rel_off;                /* of the tree being walked */
	size_t root_off;               /* its name's: see wire_task.root_off */
	char path[WIRE_MAX_PATH + 2];  /* current path */
	char reason[IB_REASON_MAX];
	struct keyset walked;          /* --follow-symlinks: folders entered (dev, ino) */
};

struct scan *scan_open(const struct job *job, dev_t exclude_dev, ino_t exclude_ino,
		       struct ib_error *err)
{
	struct scan *scan = calloc(1, sizeof *scan);
	if (!scan) {
		ib_fail(err, "out of memory");
		return NULL;
	}
	scan->job = job;
	scan->exclude_dev = exclude_dev;
	scan->exclude_ino = exclude_ino;
	if (job->files_from) {
		if (strcmp(job->files_from, "-") == 0) {
			scan->list = stdin;
		} else {
			scan->list = fopen(job->files_from, "re");
			if (!scan->list) {
				ib_fail_errno(err, errno, "--files-from %s", job->files_from);
				free(scan);
				return NULL;
			}
		}
	}
	return scan;
}

void scan_close(struct scan *scan)
{
	if (!scan)
		return;
	while (scan->depth > 0)
		closedir(scan->frames[--scan->depth].dir);
	free(scan->frames);
	if (scan->list && scan->list != stdin)
		fclose(scan->list);
	free(scan->line);
	keyset_free(&scan->walked);
	free(scan);
}

static int emit(struct scan *scan, struct scan_item *item, enum scan_kind kind,
		size_t rel_off, const char *reason)
{
	item->kind = kind;
	item->path = scan->path;
	item->rel_off = rel_off;
	item->root_off = rel_off;
	item->reason = reason;
	item->named = false;
	return 1;
}

/* An entry found in the tree being walked: it has the tree's root name. */
static int emit_walked(struct scan *scan, struct scan_item *item, enum scan_kind kind,
		       const char *reason)
{
	emit(scan, item, kind, scan->rel_off, reason);
	item->root_off = scan->root_off;
	return 1;
}

static int emit_errno(struct scan *scan, struct scan_item *item, int errnum, const char *what)
{
	snprintf(scan->reason, sizeof scan->reason, "%s: %s", what, strerror(errnum));
	return emit(scan, item, SCAN_ERROR, 0, scan->reason);
}

static bool is_ancestor(const struct scan *scan, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < scan->depth; i++)
		if (scan->frames[i].dev == dev && scan->frames[i].ino == ino)
			return true;
	return false;
}

/* Opens scan->path as a directory and pushes it; 0, or an errno. */
static int push_dir(struct scan *scan, const struct stat *st)
{
	if (scan->depth == scan->frames_cap) {
		size_t cap = scan->frames_cap ? scan->frames_cap * 2 : 16;
		struct frame *f = realloc(scan->frames, cap * sizeof *f);
		if (!f)
			return ENOMEM;
		scan->frames = f;
		scan->frames_cap = cap;
	}
	DIR *dir = opendir(scan->path);
	if (!dir)
		return errno;
	scan->frames[scan->depth++] = (struct frame){
		.dir = dir, .path_len = strlen(scan->path), .dev = st->st_dev, .ino = st->st_ino,
	};
	return 0;
}

/* A folder's identity for the walked set. */
static uint64_t folder_key(const struct stat *st)
{
	uint64_t k = (uint64_t)st->st_dev * 0x9E3779B97F4A7C15ull ^ (uint64_t)st->st_ino;
	return k ? k : 1;
}

/*
 * Following symlinks, one folder can be reached by many paths (a chain of
 * folders each linking twice to the next doubles the walk at each step:
 * 36 links made 262,144 files).  Each real folder is walked once; true when
 * st was walked already.
 */
static bool walked_before(struct scan *scan, const struct stat *st)
{
	return scan->job->follow_symlinks && keyset_add(&scan->walked, folder_key(st)) == 0;
}

static bool is_excluded(const struct scan *scan, const struct stat *st)
{
	return scan->exclude_ino != 0 && st->st_dev == scan->exclude_dev &&
	       st->st_ino == scan->exclude_ino;
}

/*
 * Classifies the directory entry now in scan->path.  Returns 1 when it
 * produced an item, 0 when the walk simply goes on (a directory entered, or
 * an entry that is not an input at all).
 */
static int visit_entry(struct scan *scan, struct scan_item *item, unsigned char d_type)
{
	struct stat st;
	bool is_link = d_type == DT_LNK;
	if (d_type == DT_UNKNOWN || is_link) {
		if (lstat(scan->path, &st) < 0)
			return emit_errno(scan, item, errno, "cannot stat");
		is_link = S_ISLNK(st.st_mode);
	}
	if (d_type == DT_REG)
		return emit_walked(scan, item, SCAN_FILE, NULL);
	if (d_type != DT_DIR && (is_link || d_type == DT_UNKNOWN)) {
		if (stat(scan->path, &st) < 0)
			return emit_errno(scan, item, errno, is_link ? "broken symlink" : "cannot stat");
		if (S_ISREG(st.st_mode))
			return emit_walked(scan, item, SCAN_FILE, NULL);
		if (S_ISDIR(st.st_mode) && is_link && !scan->job->follow_symlinks)
			return emit_walked(scan, item, SCAN_SKIP,
				    "symlinked directory not followed (use --follow-symlinks)");
	} else if (d_type == DT_DIR) {
		if (stat(scan->path, &st) < 0)
			return emit_errno(scan, item, errno, "cannot stat");
	} else {
		return emit_walked(scan, item, SCAN_SKIP, "not a regular file");
	}
	if (!S_ISDIR(st.st_mode))
		return emit_walked(scan, item, SCAN_SKIP, "not a regular file");
	if (is_excluded(scan, &st))
		return 0;
	if (is_ancestor(scan, st.st_dev, st.st_ino))
		return emit_walked(scan, item, SCAN_SKIP,
			    "directory loop (a symlink to an ancestor) not followed");
	if (walked_before(scan, &st))
		return emit_walked(scan, item, SCAN_SKIP,
			    "folder already walked through another path (symlinks)");
	int e = push_dir(scan, &st);
	if (e)
		return emit_errno(scan, item, e, "cannot read directory");
	return 0;
}

/* Advances the walk of the current tree; 1 with an item, 0 when it is done. */
static int walk_step(struct scan *scan, struct scan_item *item)
{
	while (scan->depth > 0) {
		struct frame *top = &scan->frames[scan->depth - 1];
		errno = 0;
		struct dirent *de = readdir(top->dir);
		if (!de) {
			int e = errno;
			closedir(top->dir);
			scan->depth--;
			scan->path[top->path_len] = '\0';
			if (e)
				return emit_errno(scan, item, e, "reading directory");
			continue;
		}
		const char *name = de->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		/* Our own temp files and run marks, left by an interrupted run
		 * writing into an input tree, are never inputs. */
		if (strncmp(name, ATOMIC_TEMP_PREFIX, strlen(ATOMIC_TEMP_PREFIX)) == 0 ||
		    strncmp(name, RUNMARK_PREFIX, strlen(RUNMARK_PREFIX)) == 0)
			continue;
		int n = snprintf(scan->path + top->path_len, sizeof scan->path - top->path_len,
				 "/%s", name);
		if (n < 0 || (size_t)n + top->path_len > WIRE_MAX_PATH) {
			scan->path[top->path_len] = '\0';
			snprintf(scan->reason, sizeof scan->reason, "path too long below this directory");
			return emit(scan, item, SCAN_ERROR, 0, scan->reason);
		}
		int r = visit_entry(scan, item, de->d_type);
		if (r)
			return r;
	}
	return 0;
}

static void strip_trailing_slashes(char *path)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
}

/* Where the name of the folder path (rel_off past it) begins: its last
 * component, or rel_off (no name) for "/", "." and "..". */
static size_t root_name_off(const char *path, size_t rel_off)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return rel_off;
	return (size_t)(name - path);
}

/*
 * Starts one input named on the command line or in --files-from.  A file is
 * an item; a directory starts a walk.  Explicitly named symlinks are followed.
 * mirror_whole_path: --files-from entries mirror their whole path under -o;
 * argv files mirror their base name and argv directories their contents.
 */
static int start_root(struct scan *scan, struct scan_item *item, const char *root,
		      bool mirror_whole_path)
{
	if (strlen(root) > WIRE_MAX_PATH - 1) {
		snprintf(scan->path, sizeof scan->path, "%.*s", 200, root);
		return emit(scan, item, SCAN_ERROR, 0, "path too long");
	}
	strcpy(scan->path, root);
	strip_trailing_slashes(scan->path);
	struct stat st;
	if (stat(scan->path, &st) < 0) {
		int e = errno;
		/* named or found in a folder, a dangling link reads the same */
		bool link = lstat(scan->path, &st) == 0 && S_ISLNK(st.st_mode);
		return emit_errno(scan, item, e, link ? "broken symlink" : "cannot open input");
	}
	size_t mirror_off = (size_t)(output_mirror_part(scan->path) - scan->path);
	if (S_ISREG(st.st_mode)) {
		const char *slash = strrchr(scan->path, '/');
		size_t base_off = slash ? (size_t)(slash - scan->path) + 1 : 0;
		emit(scan, item, SCAN_FILE, mirror_whole_path ? mirror_off : base_off, NULL);
		/* named in argv; a --files-from list is often every file of a tree */
		item->named = !mirror_whole_path;
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return emit(scan, item, SCAN_SKIP, 0, "not a regular file");
	/* An input root that is the output directory itself is still scanned:
	 * a --name template may write beside the inputs, and outputs that would
	 * replace an input are refused file by file. */
	if (walked_before(scan, &st))
		return emit(scan, item, SCAN_SKIP, 0, "folder already walked through another path");
	int e = push_dir(scan, &st);
	if (e)
		return emit_errno(scan, item, e, "cannot read directory");
	size_t len = strlen(scan->path);
	if (mirror_whole_path)
		scan->rel_off = mirror_off;
	else
		scan->rel_off = (len == 1 && scan->path[0] == '/') ? 1 : len + 1;
	scan->root_off = mirror_whole_path ? scan->rel_off : root_name_off(scan->path, scan->rel_off);
	if (strcmp(scan->path, "/") == 0)
		scan->frames[0].path_len = 0;  /* children are "/name", not "//name" */
	return 0;
}

/* The next entry of --files-from, or NULL at its end. */
static const char *next_list_entry(struct scan *scan)
{
	int delim = scan->job->nul_separated ? '\0' : '\n';
	for (;;) {
		ssize_t n = getdelim(&scan->line, &scan->line_cap, delim, scan->list);
		if (n < 0)
			return NULL;
		if (n > 0 && scan->line[n - 1] == delim)
			scan->line[--n] = '\0';
		if (n > 0)
			return scan->line;
	}
}

int scan_next(struct scan *scan, struct scan_item *item)
{
	for (;;) {
		int r = walk_step(scan, item);
		if (r)
			return r;
		if (scan->next_root < scan->job->nroots) {
			r = start_root(scan, item, scan->job->roots[scan->next_root++], false);
		} else if (scan->list && !scan->list_done) {
			const char *entry = next_list_entry(scan);
			if (!entry) {
				scan->list_done = true;
				if (ferror(scan->list)) {
					snprintf(scan->path, sizeof scan->path, "%s", scan->job->files_from);
					return emit_errno(scan, item, errno, "reading --files-from");
				}
				continue;
			}
			r = start_root(scan, item, entry, true);
		} else {
			return 0;
		}
		if (r)
			return r;
	}
}

/* Whether the directory path is the directory dev/ino or lies below it:
 * walks up through ".." to the root. */
static bool dir_is_within(const char *path, dev_t dev, ino_t ino)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool within = false;
	for (int depth = 0; fd >= 0 && depth < 4096 && !within; depth++) {
		struct stat here, up;
		if (fstat(fd, &here) < 0)
			break;
		within = here.st_dev == dev && here.st_ino == ino;
		int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = parent;
		if (fd >= 0 && fstat(fd, &up) == 0 && up.st_dev == here.st_dev &&
		    up.st_ino == here.st_ino)
			break;  /* ".." of the root is the root */
	}
	if (fd >= 0)
		close(fd);
	return within;
}

bool scan_inputs_within(const struct job *job, const char *out_dir)
{
	struct stat out, st;
	if (!out_dir || stat(out_dir, &out) < 0)
		return false;
	if (job->files_from && dir_is_within(".", out.st_dev, out.st_ino))
		return true;
	char dir[WIRE_MAX_PATH + 1], checked[WIRE_MAX_PATH + 1] = "";
	for (unsigned i = 0; i < job->nroots; i++) {
		const char *root = job->roots[i];
		const char *slash = strrchr(root, '/');
		if (stat(root, &st) == 0 && S_ISDIR(st.st_mode))
			snprintf(dir, sizeof dir, "%s", root);
		else if (slash)
			snprintf(dir, sizeof dir, "%.*s", slash == root ? 1 : (int)(slash - root), root);
		else
			snprintf(dir, sizeof dir, ".");
		/* a shell glob gives thousands of file roots in one directory: walk it once */
		if (strcmp(dir, checked) == 0)
			continue;
		if (dir_is_within(dir, out.st_dev, out.st_ino))
			return true;
		memcpy(checked, dir, sizeof checked);
	}
	return false;
}
