/*
 * Pipes: "-" as the input reads one image from stdin, "-o -" writes one to
 * stdout.  The pool stays as it is: stdin is copied into a private folder
 * and named there as an input, the output is made in that folder and copied
 * to stdout after the run, and the folder is removed at the end.
 */
#include "config.h"
#include "convert/pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert/convert.h"
#define STDIO_NAME "-"

bool pipe_is_stdio(const char *path)
{
	return path && strcmp(path, STDIO_NAME) == 0;
}

static bool reads_stdin(const struct job *job)
{
	for (size_t i = 0; i < job->nroots; i++)
		if (pipe_is_stdio(job->roots[i]))
			return true;
	return false;
}

int pipe_validate(const struct job *job, const struct convert_settings *cs, FILE *err)
{
	size_t from_stdin = 0;
	for (size_t i = 0; i < job->nroots; i++)
		from_stdin += pipe_is_stdio(job->roots[i]);
	if (from_stdin > 1) {
		fputs("imgbatch: standard input (-) can be named only once\n", err);
		return -1;
	}
	if (!pipe_is_stdio(job->out_dir))
		return 0;
	const char *why = NULL;
	if (job->nroots != 1 || job->files_from)
		why = "name exactly one input file (or - for standard input)";
	else if (cs->format == FORMAT_UNKNOWN)
		why = "say which format with --format";
	else if (job->json)
		why = "--json would share standard output with the image";
	else if (cs->px.nsizes > 1)
		why = "a list of sizes makes several images";
	if (why) {
		fprintf(err, "imgbatch: -o - writes one image to standard output: %s\n", why);
		return -1;
	}
	return 0;
}

/* Writes all n bytes of buf to fd, through short writes and EINTR; -1 with
 * errno on failure. */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copies fd `from` into path (created 0600), at most max bytes (0: no
 * limit). */
static int copy_in(int from, const char *path, uint64_t max, struct ib_error *err)
{
	int to = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (to < 0)
		return ib_fail_errno(err, errno, "cannot create %s", path);
	char buf[65536];
	uint64_t total = 0;
	ssize_t n;
	int rc = 0;
	while ((n = read(from, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ib_fail_errno(err, errno, "reading standard input");
			break;
		}
		total += (uint64_t)n;
		if (max && total > max) {
			rc = ib_fail(err, "standard input is larger than --max-input-size (%llu bytes)",
				     (unsigned long long)max);
			break;
		}
		if (write_all(to, buf, (size_t)n) < 0) {
			rc = ib_fail_errno(err, errno, "writing %s", path);
			break;
		}
	}
	if (close(to) != 0 && rc == 0)
		rc = ib_fail_errno(err, errno, "writing %s", path);
	return rc;
}

/* A path in the pipe folder, kept by the settings until release. */
static char *folder_path(const struct convert_pipe *p, const char *name, struct ib_error *err)
{
	char *path;
	if (asprintf(&path, "%s/%s", p->folder, name) < 0) {
		ib_fail(err, "out of memory");
		return NULL;
	}
	return path;
}

static int make_folder(struct convert_pipe *p, struct ib_error *err)
{
	const char *tmp = getenv("TMPDIR");
	if (asprintf(&p->folder, "%s/imgbatch-pipe-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0) {
		p->folder = NULL;
		return ib_fail(err, "out of memory");
	}
	if (!mkdtemp(p->folder))
		return ib_fail_errno(err, errno, "cannot create a folder for standard input/output");
	return 0;
}

int pipe_prepare(struct job *job, struct convert_pipe *p, struct ib_error *err)
{
	bool to_stdout = pipe_is_stdio(job->out_dir);
	if (!to_stdout && !reads_stdin(job))
		return 0;
	if (make_folder(p, err) < 0)
		return -1;
	for (size_t i = 0; i < job->nroots; i++) {
		if (!pipe_is_stdio(job->roots[i]))
			continue;
		/* named "stdin" there, so an output is DIR/stdin.EXT */
		if (!(p->input = folder_path(p, "stdin", err)) ||
		    copy_in(STDIN_FILENO, p->input, job->max_input_size, err) < 0)
			return -1;
		job->roots[i] = p->input;
	}
	if (to_stdout) {
		if (!(p->output_dir = folder_path(p, "out", err)))
			return -1;
		job->out_dir = p->output_dir;
	}
	return 0;
}

void pipe_note_output(struct convert_pipe *p, const char *output)
{
	if (!p->output_dir || p->made)
		return;
	p->made = strdup(output);
}

/* Copies path to fd `to`. */
static int copy_out(const char *path, int to, struct ib_error *err)
{
	int from = open(path, O_RDONLY | O_CLOEXEC);
	if (from < 0)
		return ib_fail_errno(err, errno, "cannot open %s", path);
	char buf[65536];
	ssize_t n;
	int rc = 0;
	while (rc == 0 && (n = read(from, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ib_fail_errno(err, errno, "reading %s", path);
			break;
		}
		if (write_all(to, buf, (size_t)n) < 0)
			rc = ib_fail_errno(err, errno, "writing the image to standard output");
	}
	close(from);
	return rc;
}

int pipe_finish(const struct convert_pipe *p, FILE *err)
{
	struct ib_error e;
	if (!p->made)
		return 0;  /* nothing made: the account says why */
	if (copy_out(p->made, STDOUT_FILENO, &e) < 0) {
		fprintf(err, "imgbatch: %s\n", e.msg);
		return 1;
	}
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (type == FTW_DP ? rmdir(path) : unlink(path)) != 0 && errno != ENOENT ? -1 : 0;
}

void pipe_release(struct convert_pipe *p)
{
	if (p->folder)
		nftw(p->folder, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(p->folder);
	free(p->input);
	free(p->output_dir);
	free(p->made);
	memset(p, 0, sizeof *p);
}
