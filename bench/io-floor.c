/*
 * The I/O floor for bench/run.sh (scenario S3): what any tool that turns
 * many small files into as many outputs cannot avoid, with no decoding.
 * For each input path (one a line on stdin) it reads the whole file and
 * writes an output of the same size, OUTDIR/PARENT/NAME (PARENT the input's
 * folder name: S3's outputs go to ten folders, as imgbatch's do), with
 * JOBS processes (every JOBS-th file each, as imgbatch runs one worker per
 * core).  It creates each output in place (no temp file and rename, no
 * fsync), so it is a lower bound for imgbatch's atomic writes.
 * Usage: io-floor JOBS OUTDIR < LIST
 * Build: cc -O2 bench/io-floor.c
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what, const char *path)
{
	fprintf(stderr, "io-floor: %s: %s: %s\n", path, what, strerror(errno));
	exit(1);
}

/* Reads path whole into *buf (grown as needed); returns its size. */
static size_t read_whole(const char *path, char **buf, size_t *cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open", path);
	size_t len = 0;
	for (;;) {
		if (len == *cap) {
			*cap = *cap ? *cap * 2 : 1 << 16;
			if (!(*buf = realloc(*buf, *cap)))
				die("out of memory", path);
		}
		ssize_t n = read(fd, *buf + len, *cap - len);
		if (n < 0)
			die("cannot read", path);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return len;
}

static void write_whole(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		die("cannot create", path);
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0)
			die("cannot write", path);
		buf += n;
		len -= (size_t)n;
	}
	if (close(fd))
		die("cannot close", path);
}

/* OUTDIR/PARENT/NAME of input in, into out (PATH_MAX bytes). */
static void output_path(const char *outdir, const char *in, char *out)
{
	const char *name = strrchr(in, '/');
	const char *parent = name;
	name = name ? name + 1 : in;
	while (parent && parent > in && parent[-1] != '/')
		parent--;
	int plen = parent && parent != name - 1 ? (int)(name - 1 - parent) : 0;
	if (snprintf(out, 4096, "%s/%.*s/%s", outdir, plen, plen ? parent : "", name) >= 4096)
		die("path too long", in);
}

/* The worker of index k of jobs: every jobs-th path from k. */
static void work(char **paths, size_t n, int k, int jobs, const char *outdir)
{
	char *buf = NULL, out[4096];
	size_t cap = 0;
	for (size_t i = (size_t)k; i < n; i += (size_t)jobs) {
		size_t len = read_whole(paths[i], &buf, &cap);
		output_path(outdir, paths[i], out);
		write_whole(out, buf, len);
	}
	free(buf);
}

/* The input list from stdin; creates the output folders up front. */
static char **read_list(const char *outdir, size_t *n)
{
	char **paths = NULL, *line = NULL, out[4096], last[4096] = "";
	size_t cap = 0, linecap = 0;
	ssize_t len;
	*n = 0;
	while ((len = getline(&line, &linecap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (*n == cap && !(paths = realloc(paths, (cap = cap ? cap * 2 : 1024) * sizeof *paths)))
			die("out of memory", "list");
		if (!(paths[(*n)++] = strdup(line)))
			die("out of memory", "list");
		output_path(outdir, line, out);
		*strrchr(out, '/') = '\0';
		if (strcmp(out, last) && mkdir(out, 0777) && errno != EEXIST)
			die("cannot create", out);
		strcpy(last, out);
	}
	free(line);
	return paths;
}

int main(int argc, char **argv)
{
	if (argc != 3 || atoi(argv[1]) < 1) {
		fprintf(stderr, "usage: io-floor JOBS OUTDIR < LIST\n");
		return 2;
	}
	int jobs = atoi(argv[1]);
	if (mkdir(argv[2], 0777) && errno != EEXIST)
		die("cannot create", argv[2]);
	size_t n;
	char **paths = read_list(argv[2], &n);
	for (int k = 0; k < jobs; k++) {
		pid_t pid = fork();
		if (pid < 0)
			die("cannot fork", argv[0]);
		if (pid == 0) {
			work(paths, n, k, jobs, argv[2]);
			_exit(0);
		}
	}
	int status, failed = 0;
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	return failed;
}
