#include "config.h"
#include "disk/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* ---- atomic_open_dir ----------------------------------------------------- */

static int refuse_component(int dir_fd, const char *comp, const char *rel,
			    size_t prefix_len, int errnum, struct ib_error *err)
{
	struct stat st;
	int shown = prefix_len > INT_MAX ? INT_MAX : (int)prefix_len;

	/* O_NOFOLLOW reports a symlink as ELOOP (or ENOTDIR with O_DIRECTORY
	 * on some kernels): tell the two cases apart for the user. */
	if ((errnum == ELOOP || errnum == ENOTDIR) &&
	    !fstatat(dir_fd, comp, &st, AT_SYMLINK_NOFOLLOW)) {
		if (S_ISLNK(st.st_mode))
			return ib_fail(err, "output directory component '%.*s' is a symlink; refusing to follow it",
				       shown, rel);
		if (!S_ISDIR(st.st_mode))
			return ib_fail(err, "output directory component '%.*s' is not a directory",
				       shown, rel);
	}
	return ib_fail_errno(err, errnum, "opening output directory '%.*s'", shown, rel);
}

/* Checked before anything is created, so a rejected rel leaves no trace. */
static int check_dir_path(const char *rel, struct ib_error *err)
{
	if (rel[0] == '/')
		return ib_fail(err, "output directory '%s' is not relative", rel);
	for (const char *p = rel;; p++) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return ib_fail(err, "output directory '%s' has a '..' component", rel);
		if (len > NAME_MAX)
			return ib_fail_errno(err, ENAMETOOLONG, "opening output directory '%s'", rel);
		p += len;
		if (!*p)
			return 0;
	}
}

/* Opens comp inside dir_fd, creating it first when asked; -1 with errno. */
static int open_component(int dir_fd, const char *comp, bool create)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(dir_fd, comp, flags);

	if (fd >= 0 || errno != ENOENT || !create)
		return fd;
	/* Another worker may create the same directory at the same moment:
	 * EEXIST is fine, openat below checks what is really there. */
	if (mkdirat(dir_fd, comp, 0777) && errno != EEXIST)
		return -1;
	return openat(dir_fd, comp, flags);
}

int atomic_open_dir(int base_fd, const char *rel, bool create, struct ib_error *err)
{
	char comp[NAME_MAX + 1];
	const char *p = rel;
	size_t len = 0;
	int fd, next;

	if (check_dir_path(rel, err))
		return -1;
	fd = openat(base_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ib_fail_errno(err, errno, "opening the output directory");
	for (; *p; p += len + (p[len] == '/')) {
		len = strcspn(p, "/");
		if (len == 0 || (len == 1 && p[0] == '.'))
			continue;
		memcpy(comp, p, len);
		comp[len] = '\0';
		next = open_component(fd, comp, create);
		if (next < 0) {
			refuse_component(fd, comp, rel, (size_t)(p - rel) + len, errno, err);
			close(fd);
			return -1;
		}
		close(fd);
		fd = next;
	}
	return fd;
}

/* ---- atomic_write -------------------------------------------------------- */

/*
 * The temp file a write has in progress, for atomic_cleanup_on_signal().
 * temp_registered is the only thing the handler trusts: it is cleared before
 * temp_dir_fd/temp_name change and set only after they are complete, with a
 * signal fence so the compiler cannot move the plain stores across it.
 *
 * Why the windows around the registration are harmless:
 * - registered but not yet created: the handler's unlinkat finds nothing
 *   (ENOENT), or finds a leftover of an earlier process that had our pid and
 *   died mid-write; removing that garbage is fine.  Names embed the pid of a
 *   living process, so no other live process can own that name, and workers
 *   are single-threaded.
 * - renamed but not yet cleared: the temp name no longer exists (rename
 *   moved it), so the handler's unlinkat fails with ENOENT and the
 *   destination is untouched.
 * - unlinked on failure but not yet cleared: same, ENOENT.
 */
static volatile sig_atomic_t temp_registered;
static int temp_dir_fd;
static char temp_name[NAME_MAX + 1];
static unsigned long temp_counter;
static char run_id[128];            /* with its trailing '-', or "" */

void atomic_set_run_id(const char *id)
{
	snprintf(run_id, sizeof run_id, "%s%s", id, *id ? "-" : "");
}

static void register_temp(int dir_fd)
{
	temp_registered = 0;
	atomic_signal_fence(memory_order_seq_cst);
	temp_dir_fd = dir_fd;
	snprintf(temp_name, sizeof temp_name, ATOMIC_TEMP_PREFIX "%s%ld-%lu",
		 run_id, (long)getpid(), temp_counter++);
	atomic_signal_fence(memory_order_seq_cst);
	temp_registered = 1;
}

static void unregister_temp(void)
{
	temp_registered = 0;
	atomic_signal_fence(memory_order_seq_cst);
}

void atomic_cleanup_on_signal(void)
{
	int saved = errno;

	if (temp_registered) {
		atomic_signal_fence(memory_order_seq_cst);
		unlinkat(temp_dir_fd, temp_name, 0);
		temp_registered = 0;
	}
	errno = saved;
}

/* A leftover of a dead process that had our pid may hold the name: skip
 * such names rather than fail.  Registers the name it creates. */
static int create_temp(int dir_fd, mode_t mode)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;

	for (int tries = 0; tries < 100; tries++) {
		register_temp(dir_fd);
		int fd = openat(dir_fd, temp_name, flags, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len > SSIZE_MAX ? SSIZE_MAX : len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {           /* not expected from a regular file */
			errno = EIO;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static bool is_single_component(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

int atomic_write(int dir_fd, const char *name, const void *data, size_t len,
		 bool do_fsync, struct ib_error *err)
{
	return atomic_write_mode(dir_fd, name, data, len, do_fsync, 0666, err);
}

/*
 * The fast way for a new name: an unnamed file (O_TMPFILE), written whole,
 * then given its name by linkat.  That is one directory operation instead of
 * a create and a rename (half the time on ext4: 5,000 small files from two
 * processes into one directory took 0.075 s instead of 0.15 s), and a
 * process that dies mid-write leaves nothing behind.  linkat never replaces
 * a name (atomic_write_mode only comes here for a new one, but another
 * process may create it meanwhile), and not every file system has O_TMPFILE
 * (nor every system /proc): then it returns 1 and the named temp file does
 * the job.  -1: a write error, reported.
 */
/* How a new file is made: created as mode (& ~umask), then given like's
 * permission bits (and owner) when there is one. */
struct new_file {
	mode_t mode;
	const struct stat *like;
	bool keep_owner;
	const char *source;          /* ATOMIC_SOURCE_XATTR's value, or NULL */
};

/* Set once the unnamed way is known not to work here (a file system
 * without O_TMPFILE, no /proc): from then on the named way is taken at once
 * instead of after a failed try for every file. */
static bool unnamed_unavailable;

/*
 * Gives the new file, before it has its name, the permission bits of the
 * file it stands for exactly (umask aside), and with keep_owner its owner
 * and group where the process may (root; a user's own group).  A failure
 * leaves the defaults: the output is still written.
 */
static void take_after(int fd, const struct new_file *nf)
{
	if (!nf->like)
		return;
	if (nf->keep_owner && fchown(fd, nf->like->st_uid, nf->like->st_gid) < 0 &&
	    fchown(fd, (uid_t)-1, nf->like->st_gid) < 0)
		errno = 0;   /* not ours to give away: the defaults stay */
	/* after chown, which clears set-id bits; those are never copied */
	fchmod(fd, nf->like->st_mode & 0777);
	/* a file system without user xattrs keeps none: --update then falls
	 * back to comparing modification times */
	if (nf->source)
		fsetxattr(fd, ATOMIC_SOURCE_XATTR, nf->source, strlen(nf->source), 0);
}

static int write_unnamed(int dir_fd, const char *name, const void *data, size_t len,
			 bool do_fsync, const struct new_file *nf, struct ib_error *err)
{
	char proc_path[64];
	int fd = openat(dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, nf->mode);

	if (fd < 0) {
		unnamed_unavailable = errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL;
		return 1;
	}
	take_after(fd, nf);
	if (write_all(fd, data, len)) {
		ib_fail_errno(err, errno, "writing %s", name);
		close(fd);
		return -1;
	}
	if (do_fsync && fsync(fd)) {
		ib_fail_errno(err, errno, "syncing %s", name);
		close(fd);
		return -1;
	}
	snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc_path, dir_fd, name, AT_SYMLINK_FOLLOW)) {
		unnamed_unavailable = errno == ENOENT;   /* no /proc/self/fd */
		close(fd);
		return 1;
	}
	/* A delayed write error from close() (NFS) after the name exists:
	 * remove the name rather than leave a file that may be incomplete. */
	if (close(fd)) {
		ib_fail_errno(err, errno, "writing %s", name);
		unlinkat(dir_fd, name, 0);
		return -1;
	}
	if (do_fsync && fsync(dir_fd))
		return ib_fail_errno(err, errno, "syncing the directory of %s", name);
	return 0;
}

/* The way that replaces: a named temp file, written whole, then renamed. */
static int write_named(int dir_fd, const char *name, const void *data, size_t len,
			bool do_fsync, const struct new_file *nf, struct ib_error *err)
{
	int fd, close_ret;

	fd = create_temp(dir_fd, nf->mode);
	if (fd < 0) {
		ib_fail_errno(err, errno, "creating a temp file for %s", name);
		unregister_temp();
		return -1;
	}
	take_after(fd, nf);
	if (write_all(fd, data, len)) {
		ib_fail_errno(err, errno, "writing %s", name);
		goto fail;
	}
	if (do_fsync && fsync(fd)) {
		ib_fail_errno(err, errno, "syncing %s", name);
		goto fail;
	}
	/* close() can report a delayed write error (e.g. on NFS); Linux frees
	 * the descriptor even when it fails, so never retry it. */
	close_ret = close(fd);
	fd = -1;
	if (close_ret) {
		ib_fail_errno(err, errno, "writing %s", name);
		goto fail;
	}
	/* renameat replaces a symlink planted at name instead of following it. */
	if (renameat(dir_fd, temp_name, dir_fd, name)) {
		ib_fail_errno(err, errno, "renaming a temp file to %s", name);
		goto fail;
	}
	unregister_temp();
	/* The new name is durable only once the directory is synced.  Should
	 * that fail, name already holds the complete new content: the error
	 * only says that it may not survive a crash. */
	if (do_fsync && fsync(dir_fd))
		return ib_fail_errno(err, errno, "syncing the directory of %s", name);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dir_fd, temp_name, 0);
	unregister_temp();
	return -1;
}

static int write_new_file(int dir_fd, const char *name, const void *data, size_t len,
			  bool do_fsync, const struct new_file *nf, struct ib_error *err)
{
	if (!is_single_component(name))
		return ib_fail(err, "invalid output file name '%s'", name);
	/* an existing name is replaced by rename: linkat would refuse it */
	struct stat st;
	if (!unnamed_unavailable && fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno == ENOENT) {
		int r = write_unnamed(dir_fd, name, data, len, do_fsync, nf, err);
		if (r <= 0)
			return r;
	}
	return write_named(dir_fd, name, data, len, do_fsync, nf, err);
}

int atomic_write_mode(int dir_fd, const char *name, const void *data, size_t len,
		      bool do_fsync, mode_t mode, struct ib_error *err)
{
	struct new_file nf = { .mode = mode };
	return write_new_file(dir_fd, name, data, len, do_fsync, &nf, err);
}

int atomic_write_like(int dir_fd, const char *name, const void *data, size_t len,
		      bool do_fsync, const struct stat *like, bool keep_owner, const char *source,
		      struct ib_error *err)
{
	struct new_file nf = {
		.mode = like->st_mode & 0777, .like = like, .keep_owner = keep_owner, .source = source,
	};
	return write_new_file(dir_fd, name, data, len, do_fsync, &nf, err);
}
