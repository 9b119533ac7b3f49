/*
 * imgbatch compare --serve: requests, the feed that reads them from stdin,
 * and the hooks that compare their pairs and answer them.
 *
 * The protocol (README, "compare --serve"): one JSON object a line,
 *   {"id":ID,"expected":PATH,"actual":PATH,"diff":PATH,OPTIONS}
 * where id (a string or a number, echoed as given) and diff are optional,
 * and OPTIONS, threshold, max_diff_pixels, max_diff_ratio, window and
 * min_ssim, are
 * those of the command line for this pair.  The answer is compare's JSON
 * line for the pair with "id" first; a request that cannot be compared
 * (not JSON, a member missing or unknown, a path that is no regular file,
 * a diff that would replace something else than a diff image, a line over
 * SERVE_LINE_MAX or holding a NUL byte) is answered with status "error" and a reason,
 * and the service goes on.
 */
#include "config.h"
#include "compare/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compare/compare.h"
#include "engine/scan.h"
#include "util/json.h"
#include "util/number.h"

/* ---- a request ---- */

enum request_field {
	FIELD_ID,
	FIELD_EXPECTED,
	FIELD_ACTUAL,
	FIELD_DIFF,
	FIELD_THRESHOLD,          /* from here: options of the command line */
	FIELD_MAX_DIFF_PIXELS,
	FIELD_MAX_DIFF_RATIO,
	FIELD_WINDOW,
	FIELD_MIN_SSIM,
	FIELD_COUNT,
};

static const char *const field_names[FIELD_COUNT] = {
	"id", "expected", "actual", "diff", "threshold", "max_diff_pixels", "max_diff_ratio",
	"window", "min_ssim",
};

/* The id's room as JSON text. */
#define ID_MAX 512

struct request {
	const char *field[FIELD_COUNT];     /* NULL: not given */
	char id[ID_MAX];                    /* the id as JSON text ("null": none) */
	bool id_given;
	struct ib_error why;                /* why it cannot be compared; "" if it can */
};

static void request_init(struct request *r)
{
	memset(r->field, 0, sizeof r->field);
	snprintf(r->id, sizeof r->id, "null");
	r->field[FIELD_ID] = r->id;
	r->id_given = false;
	r->why.msg[0] = '\0';
}

/* The id, kept as JSON text to be echoed: a string re-escaped, a number as
 * it was written, null as none. */
static int take_id(struct request *r, const struct json_member *m)
{
	char text[ID_MAX];
	if (!m->is_string) {
		char *end;
		double v = strtod(m->value, &end);
		bool number = end != m->value && !*end && isfinite(v);
		if (!number && strcmp(m->value, "null") != 0)
			return ib_fail(&r->why, "\"id\" must be a string, a number or null");
		snprintf(text, sizeof text, "%s", m->value);
	} else {
		FILE *f = fmemopen(text, sizeof text, "w");
		if (!f)
			return ib_fail(&r->why, "out of memory");
		json_put_string(f, m->value);
		long used = ftell(f);
		fclose(f);
		if (used < 0 || used >= ID_MAX - 1)
			return ib_fail(&r->why, "\"id\" is over %d bytes as JSON", ID_MAX - 2);
		text[used] = '\0';
	}
	memcpy(r->id, text, sizeof text);
	r->id_given = true;
	return 0;
}

static int take_member(const struct json_member *m, void *ctx)
{
	struct request *r = ctx;
	size_t f = 0;
	while (f < FIELD_COUNT && strcmp(m->key, field_names[f]) != 0)
		f++;
	if (f == FIELD_COUNT)
		return ib_fail(&r->why, "unknown member \"%s\"", m->key);
	if (f == FIELD_ID ? r->id_given : r->field[f] != NULL)
		return ib_fail(&r->why, "\"%s\" is given twice", m->key);
	if (f == FIELD_ID)
		return take_id(r, m);
	bool path = f <= FIELD_DIFF;
	if (m->is_string != path)
		return ib_fail(&r->why, "\"%s\" must be a %s", m->key, path ? "string" : "number");
	r->field[f] = m->value;
	return 0;
}

/* The directory part of path ("." when none) into dir; returns the last
 * name. */
static const char *split_path(const char *path, char *dir, size_t cap)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, cap, ".");
	else
		snprintf(dir, cap, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	return slash ? slash + 1 : path;
}

static const char *file_kind(mode_t mode)
{
	return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device"
	       : S_ISSOCK(mode) ? "a socket" : "not a regular file";
}

/* expected and actual must be regular files: a FIFO or a device would hold
 * a worker forever, a directory is a mistake. */
static int check_input(struct request *r, enum request_field f)
{
	const char *path = r->field[f];
	struct stat st;
	if (!path || !*path)
		return ib_fail(&r->why, "no \"%s\" path", field_names[f]);
	if (stat(path, &st) < 0)
		return ib_fail_errno(&r->why, errno, "%s %s", field_names[f], path);
	if (!S_ISREG(st.st_mode))
		return ib_fail(&r->why, "%s %s is %s", field_names[f], path, file_kind(st.st_mode));
	return 0;
}

static bool same_file(const struct stat *a, const char *path)
{
	struct stat b;
	return stat(path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/* The diff image is written to a temp file renamed over diff: what diff
 * names now must be a regular file or nothing, never one of the pair (a
 * rename would replace a device node, a FIFO or the golden image). */
static int check_diff(struct request *r)
{
	const char *diff = r->field[FIELD_DIFF];
	char dir[WIRE_MAX_PATH + 1];
	struct stat st;
	if (!diff)
		return 0;
	if (!*split_path(diff, dir, sizeof dir))
		return ib_fail(&r->why, "\"diff\" must name a file");
	if (stat(dir, &st) < 0)
		return ib_fail_errno(&r->why, errno, "the diff's directory %s", dir);
	if (!S_ISDIR(st.st_mode))
		return ib_fail(&r->why, "the diff's directory %s is %s", dir, file_kind(st.st_mode));
	if (lstat(diff, &st) < 0)
		return errno == ENOENT ? 0 : ib_fail_errno(&r->why, errno, "diff %s", diff);
	if (S_ISLNK(st.st_mode))
		return 0;   /* the rename replaces the link, not what it points to */
	if (!S_ISREG(st.st_mode))
		return ib_fail(&r->why, "diff %s is %s", diff, file_kind(st.st_mode));
	if (same_file(&st, r->field[FIELD_EXPECTED]) || same_file(&st, r->field[FIELD_ACTUAL]))
		return ib_fail(&r->why, "diff %s is one of the images compared", diff);
	return 0;
}

/* What comparing r's pair takes: cs with r's paths and options; -1 with
 * r->why set when an option is out of range. */
static int request_settings(const struct compare_settings *cs, struct request *r,
			    struct compare_settings *one)
{
	const char *const *v = r->field;
	unsigned long long n;
	*one = *cs;
	one->dirs = false;
	one->expected = v[FIELD_EXPECTED] ? v[FIELD_EXPECTED] : "";
	one->actual = v[FIELD_ACTUAL] ? v[FIELD_ACTUAL] : "";
	one->diff_dir = one->diff_file = NULL;
	if (v[FIELD_THRESHOLD] && cli_parse_real(v[FIELD_THRESHOLD], 0, 1, &one->opts.threshold) < 0)
		return ib_fail(&r->why, "\"threshold\" must be a number from 0 to 1");
	if (v[FIELD_WINDOW]) {
		if (number_parse(v[FIELD_WINDOW], 1, 65535, &n) < 0)
			return ib_fail(&r->why, "\"window\" must be a whole number from 1 to 65535");
		one->opts.window = (uint32_t)n;
	}
	/* a request's limits replace both of the command line's */
	if (v[FIELD_MAX_DIFF_PIXELS] || v[FIELD_MAX_DIFF_RATIO]) {
		one->max_diff_pixels = UINT64_MAX;
		one->max_diff_ratio = -1;
	}
	if (v[FIELD_MAX_DIFF_PIXELS]) {
		if (number_parse(v[FIELD_MAX_DIFF_PIXELS], 0, UINT64_MAX, &n) < 0)
			return ib_fail(&r->why, "\"max_diff_pixels\" must be a whole number >= 0");
		one->max_diff_pixels = n;
	}
	if (v[FIELD_MAX_DIFF_RATIO] &&
	    cli_parse_real(v[FIELD_MAX_DIFF_RATIO], 0, 1, &one->max_diff_ratio) < 0)
		return ib_fail(&r->why, "\"max_diff_ratio\" must be a number from 0 to 1");
	if (v[FIELD_MIN_SSIM] && !one->ssim)
		return ib_fail(&r->why, "\"min_ssim\" applies to --metric ssim");
	if (v[FIELD_MIN_SSIM] && cli_parse_real(v[FIELD_MIN_SSIM], -1, 1, &one->min_ssim) < 0)
		return ib_fail(&r->why, "\"min_ssim\" must be a number from -1 to 1");
	return 0;
}

/* Reads line into r and checks it can be compared (else r->why says why). */
static void parse_request(const struct compare_settings *cs, char *line, struct request *r)
{
	struct compare_settings one;
	if (json_read_flat_object(line, take_member, r) < 0) {
		if (!r->why.msg[0])
			ib_fail(&r->why, "not a flat JSON object");
		return;
	}
	if (check_input(r, FIELD_EXPECTED) == 0 && check_input(r, FIELD_ACTUAL) == 0 &&
	    check_diff(r) == 0)
		request_settings(cs, r, &one);
}

/*
 * A request travels to its worker, and back to the master's answer, as the
 * task's path: its fields as netstrings ("LEN:BYTES,"; "0:," for one not
 * given) in enum request_field order, which keep every byte of a path.  A
 * request whose encoding is over WIRE_MAX_PATH bytes is refused.
 */
static int request_encode(const struct request *r, char *buf, size_t cap)
{
	size_t len = 0;
	for (int f = 0; f < FIELD_COUNT; f++) {
		const char *v = r->field[f] ? r->field[f] : "";
		int n = snprintf(buf + len, cap - len, "%zu:%s,", strlen(v), v);
		if (n < 0 || (size_t)n >= cap - len)
			return -1;
		len += (size_t)n;
	}
	return 0;
}

/* The request text encodes, its strings in store; 0 or -1. */
static int request_decode(const char *text, struct request *r, char *store, size_t cap)
{
	size_t len = (size_t)snprintf(store, cap, "%s", text);
	char *p = store, *end = store + (len < cap ? len : cap - 1);
	request_init(r);
	for (int f = 0; f < FIELD_COUNT; f++) {
		char *colon;
		unsigned long long n = strtoull(p, &colon, 10);
		if (colon == p || *colon != ':' || n >= (size_t)(end - colon) || colon[1 + n] != ',')
			return -1;
		colon[1 + n] = '\0';
		r->field[f] = n ? colon + 1 : NULL;
		p = colon + 2 + n;
	}
	return r->field[FIELD_ID] ? 0 : -1;
}

/* ---- the feed: request lines from stdin ---- */

struct serve_feed {
	int fd;
	const struct compare_settings *cs;
	char *buf;                      /* SERVE_LINE_MAX + 1 bytes */
	size_t start, len;              /* buf[start, len): read, not yet taken */
	bool skipping;                  /* in a line over SERVE_LINE_MAX: dropped up
	                                 * to its newline */
	bool eof;
	struct request req;             /* the last item's */
	char path[WIRE_MAX_PATH + 1];   /* ... encoded */
};

#define FEED_CAP (SERVE_LINE_MAX + 1)

/* The item for a request line (NULL: none could be read), refused with
 * error when it is not NULL. */
static int feed_item(struct serve_feed *f, char *line, const char *error,
		     struct scan_item *item)
{
	struct request *r = &f->req;
	request_init(r);
	if (line)
		parse_request(f->cs, line, r);
	if (error)
		ib_fail(&r->why, "%s", error);
	if (request_encode(r, f->path, sizeof f->path) < 0) {
		for (int i = FIELD_EXPECTED; i < FIELD_COUNT; i++)
			r->field[i] = NULL;
		ib_fail(&r->why, "the request is too long: its id, paths and options take over "
			"%d bytes together", WIRE_MAX_PATH);
		request_encode(r, f->path, sizeof f->path);
	}
	memset(item, 0, sizeof *item);
	item->kind = r->why.msg[0] ? SCAN_ERROR : SCAN_FILE;
	item->path = f->path;
	item->reason = r->why.msg;
	item->named = true;
	return 1;
}

/* Reads what stdin has without blocking: 1 when something changed (bytes
 * or EOF), 0 when nothing is there yet. */
static int feed_read(struct serve_feed *f)
{
	memmove(f->buf, f->buf + f->start, f->len - f->start);
	f->len -= f->start;
	f->start = 0;
	struct pollfd pfd = { .fd = f->fd, .events = POLLIN };
	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	ssize_t n = read(f->fd, f->buf + f->len, FEED_CAP - f->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0)
		fprintf(stderr, "imgbatch: reading requests: %s\n", strerror(errno));
	if (n <= 0)
		f->eof = true;
	else
		f->len += (size_t)n;
	return 1;
}

static bool blank(const char *line)
{
	return line[strspn(line, " \t\r")] == '\0';
}

/* The input_feed's next(): see engine/job.h. */
static int feed_next(void *ctx, struct scan_item *item)
{
	struct serve_feed *f = ctx;
	for (;;) {
		char *line = f->buf + f->start;
		char *nl = memchr(line, '\n', f->len - f->start);
		if (nl) {
			*nl = '\0';
			f->start = (size_t)(nl + 1 - f->buf);
			if (f->skipping)
				f->skipping = false;
			else if (memchr(line, '\0', (size_t)(nl - line)))   /* it would end the line */
				return feed_item(f, NULL, "the request holds a NUL byte", item);
			else if (!blank(line))
				return feed_item(f, line, NULL, item);
			continue;
		}
		if (f->skipping) {
			f->start = f->len;   /* more of the overlong line */
		} else if (f->len - f->start == FEED_CAP) {
			f->skipping = true;
			f->start = f->len;
			return feed_item(f, NULL, "the request is over 1 MiB", item);
		} else if (f->eof && f->len > f->start) {
			f->buf[f->len] = '\0';
			f->start = f->len;
			if (blank(line))
				continue;
			return feed_item(f, line, "the input ended in the middle of a request", item);
		}
		if (f->eof)
			return -1;
		if (feed_read(f) == 0)
			return 0;
	}
}

/* ---- the hooks ---- */

static struct serve_feed feed;
static struct input_feed input_feed;

static int serve_prepare(struct job *job, struct ib_error *err)
{
	/* + 1: the NUL after a last line that has no newline */
	feed.buf = malloc(FEED_CAP + 1);
	if (!feed.buf)
		return ib_fail(err, "out of memory");
	feed.fd = STDIN_FILENO;
	feed.cs = job->settings;
	input_feed = (struct input_feed){ .fd = STDIN_FILENO, .next = feed_next, .ctx = &feed };
	job->feed = &input_feed;
	return 0;
}

struct serve_worker {
	const struct compare_settings *cs;
	uint64_t max_input_size;
};

static void *serve_worker_start(const struct job *job, int out_root_fd)
{
	static struct serve_worker w;
	(void)out_root_fd;
	w.cs = job->settings;
	w.max_input_size = job->max_input_size;
	return &w;
}

/* A request the worker cannot compare (the diff's directory went away). */
static void fail_request(struct wire_result *res, const char *reason)
{
	struct pair_result out = { .status = PAIR_ERROR, .psnr = INFINITY, .ssim = NAN };
	res->status = RESULT_FAILED;
	wire_result_set_reason(res, reason);
	WIRE_PAYLOAD_PUT(res, &out);
}

static void serve_run(void *state, const struct wire_task *task, struct wire_result *res)
{
	const struct serve_worker *w = state;
	struct request r;
	struct compare_settings one;
	char store[WIRE_MAX_PATH + 1], dir[WIRE_MAX_PATH + 1];
	int dir_fd = -1;
	struct ib_error err;

	if (request_decode(task->path, &r, store, sizeof store) < 0 ||
	    request_settings(w->cs, &r, &one) < 0) {
		fail_request(res, "internal error: a malformed request reached a worker");
		return;
	}
	if (r.field[FIELD_DIFF]) {
		one.diff_file = split_path(r.field[FIELD_DIFF], dir, sizeof dir);
		one.diff_dir = dir;
		dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dir_fd < 0) {
			ib_fail_errno(&err, errno, "the diff's directory %s", dir);
			fail_request(res, err.msg);
			return;
		}
	}
	struct wire_task pair = { .id = task->id, .path = one.expected, .named = true };
	compare_run_pair(&one, dir_fd, w->max_input_size, &pair, res);
	if (dir_fd >= 0)
		close(dir_fd);
}

/* The answer: the pair's JSON line with the request's id, flushed at once
 * (its client waits for it). */
static void serve_outcome(const struct job *job, struct account *acc, const char *input,
			  size_t rel_off, enum result_status status, const char *reason,
			  const struct wire_result *res)
{
	struct request r;
	struct compare_settings one;
	struct pair_outcome pair;
	char store[WIRE_MAX_PATH + 1], actual[WIRE_MAX_PATH + 1];
	(void)rel_off;

	if (request_decode(input, &r, store, sizeof store) < 0)
		request_init(&r);   /* cannot be: the feed encoded it */
	request_settings(job->settings, &r, &one);   /* checked by the feed */
	compare_describe_pair(&one, one.expected, 0, status, reason, res, &pair, actual,
			      sizeof actual);
	if (!r.field[FIELD_EXPECTED])
		pair.expected = NULL;
	if (!r.field[FIELD_ACTUAL])
		pair.actual = NULL;
	if (pair.diff)
		pair.diff = r.field[FIELD_DIFF];   /* as the request named it */
	struct pair_line line = {
		.pair = &pair, .window = one.opts.window > 0, .id = r.field[FIELD_ID],
	};
	errno = 0;
	compare_write_pair_line(acc->out, &line);
	if (fflush(acc->out) == EOF && !acc->out_errno)
		acc->out_errno = errno ? errno : EIO;
}

static void serve_release(struct job *job)
{
	free(feed.buf);
	feed.buf = NULL;
	compare_command.release(job);
}

/* compare with its input, worker and outcome hooks swapped for the ones
 * above; no new images, no reports. */
static struct command serve_command;

int compare_serve_validate(struct job *job, FILE *err)
{
	const struct compare_settings *c = job->settings;
	const char *clash = job->nroots ? "EXPECTED and ACTUAL: requests name the pairs"
			    : c->diff_dir ? "--diff-dir: requests name their diff images"
			    : c->junit ? "--junit" : c->html ? "--html"
			    : c->update_golden ? "--update-golden"
			    : c->allow_missing ? "--allow-missing" : c->allow_new ? "--allow-new"
			    : job->manifest ? "--manifest" : job->shard_arg ? "--shard"
			    : job->json ? "--json: its answers are JSON lines" : NULL;
	if (clash) {
		fprintf(err, "imgbatch compare: --serve takes no %s\n", clash);
		return -1;
	}
	job->progress = PROGRESS_QUIET;   /* stderr is for what goes wrong */
	serve_command = compare_command;
	serve_command.prepare = serve_prepare;
	serve_command.first_outcomes = NULL;
	serve_command.admit = NULL;
	serve_command.worker_start = serve_worker_start;
	serve_command.run = serve_run;
	serve_command.outcome = serve_outcome;
	serve_command.release = serve_release;
	job->command = &serve_command;
	return 0;
}
