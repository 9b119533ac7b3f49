#include "config.h"
#include "disk/runmark.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/atomic.h"

/* Deeper trees are not swept further: each level holds a directory fd. */
#define SWEEP_MAX_DEPTH 64

void runmark_make_id(char *id, size_t cap)
{
	char host[65] = "";
	gethostname(host, sizeof host - 1);
	for (char *p = host; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			*p = '_';
	snprintf(id, cap, "%s-%ld", host[0] ? host : "localhost", (long)getpid());
}

int runmark_claim(int root_fd, const char *id, struct ib_error *err)
{
	char fresh[NAME_MAX + 1], mark[NAME_MAX + 1];
	snprintf(fresh, sizeof fresh, ".imgbatch-new-run-%s", id);
	snprintf(mark, sizeof mark, RUNMARK_PREFIX "%s", id);
	/* Locked under another name first, so no sweep can ever see our mark
	 * unlocked and take it for a dead run's. */
	int fd = openat(root_fd, fresh, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return ib_fail_errno(err, errno, "cannot create the run mark %s", mark);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || renameat(root_fd, fresh, root_fd, mark) < 0) {
		ib_fail_errno(err, errno, "cannot claim the run mark %s", mark);
		unlinkat(root_fd, fresh, 0);
		close(fd);
		return -1;
	}
	return fd;
}

void runmark_release(int root_fd, int mark_fd, const char *id)
{
	char mark[NAME_MAX + 1];
	snprintf(mark, sizeof mark, RUNMARK_PREFIX "%s", id);
	unlinkat(root_fd, mark, 0);
	close(mark_fd);
}

/* Removes names starting with prefix in dir_fd and below; takes dir_fd. */
static unsigned long remove_temps_below(int dir_fd, const char *prefix, unsigned depth)
{
	DIR *dir = fdopendir(dir_fd);
	if (!dir) {
		close(dir_fd);
		return 0;
	}
	unsigned long removed = 0;
	size_t prefix_len = strlen(prefix);
	struct dirent *de;
	while ((de = readdir(dir))) {
		const char *name = de->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (strncmp(name, prefix, prefix_len) == 0) {
			removed += unlinkat(dirfd(dir), name, 0) == 0;
			continue;
		}
		if (depth >= SWEEP_MAX_DEPTH || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		int sub = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			removed += remove_temps_below(sub, prefix, depth + 1);
	}
	closedir(dir);
	return removed;
}

/* A mark nobody holds locked: its run is gone. */
static bool mark_is_dead(int root_fd, const char *name)
{
	int fd = openat(root_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	bool dead = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd);
	return dead;
}

unsigned long runmark_sweep_run(int root_fd, const char *id)
{
	char prefix[NAME_MAX + 1];
	snprintf(prefix, sizeof prefix, ATOMIC_TEMP_PREFIX "%s-", id);
	int fd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd >= 0 ? remove_temps_below(fd, prefix, 0) : 0;
}

unsigned long runmark_sweep_dead(int root_fd)
{
	int fd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	unsigned long removed = 0;
	struct dirent *de;
	while ((de = readdir(dir)))
		if (strncmp(de->d_name, RUNMARK_PREFIX, strlen(RUNMARK_PREFIX)) == 0 &&
		    mark_is_dead(root_fd, de->d_name)) {
			removed += runmark_sweep_run(root_fd, de->d_name + strlen(RUNMARK_PREFIX));
			unlinkat(root_fd, de->d_name, 0);
		}
	closedir(dir);
	return removed;
}
