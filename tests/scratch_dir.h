/*
 * Unit-test helpers: a scratch directory per test (made, opened, removed
 * with everything in it) and small files in it.  Header-only: each suite
 * that includes it gets its own copy of these static functions.
 */
#ifndef IMGBATCH_TESTS_SCRATCH_DIR_H
#define IMGBATCH_TESTS_SCRATCH_DIR_H

#include <check.h>
#include <fcntl.h>
#include <stdbool.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp_root[64];
static int root_fd = -1;

static inline void make_root(void)
{
	strcpy(tmp_root, "/tmp/check_scratch.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
	root_fd = open(tmp_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(root_fd, 0);
	umask(022);
}

static inline int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static inline void remove_root(void)
{
	close(root_fd);
	ck_assert_int_eq(nftw(tmp_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static inline void put_file(int dir_fd, const char *name, const char *content)
{
	int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	ck_assert_int_eq(close(fd), 0);
}

static inline bool exists_at(int dir_fd, const char *name)
{
	struct stat st;
	return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

#endif
