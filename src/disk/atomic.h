/* Writes that are never seen half-done: a file in the destination
 * directory, written whole, optionally fsync'ed, then given its name: an
 * unnamed one (O_TMPFILE) linked in when the name is new, a named temp file
 * renamed into place when it replaces a file (or without O_TMPFILE). */
#ifndef IMGBATCH_DISK_ATOMIC_H
#define IMGBATCH_DISK_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <sys/stat.h>

#include "util/error.h"

/* Temp files are named TEMP_PREFIX[<run id>-]<pid>-<n>; a leftover one is
 * recognizable, and the run id (see runmark.h) says which run left it. */
#define ATOMIC_TEMP_PREFIX ".imgbatch-tmp-"

/* Sets the run id that temp names carry from now on (copied; "" for none). */
void atomic_set_run_id(const char *id);

/*
 * Opens (creating with mode 0777 & ~umask when create is set) the directory
 * base/rel without following any symlink below base, so a link planted in
 * the output tree cannot redirect writes outside it.  rel is relative ("" for
 * base itself).  Returns an O_DIRECTORY fd or -1.
 */
int atomic_open_dir(int base_fd, const char *rel, bool create, struct ib_error *err);

/*
 * Writes data to name inside dir_fd atomically.  name must be a single path
 * component.  On any failure the temp file is removed and the destination is
 * untouched.  While a named temp file exists its name is registered for
 * atomic_cleanup_on_signal() (an unnamed one vanishes with the process).
 */
int atomic_write(int dir_fd, const char *name, const void *data, size_t len,
		 bool do_fsync, struct ib_error *err);
/* The same with the file created as mode & ~umask (atomic_write: 0666). */
int atomic_write_mode(int dir_fd, const char *name, const void *data, size_t len,
		      bool do_fsync, mode_t mode, struct ib_error *err);

/* The extended attribute that records what an output was made from (see
 * atomic_write_like), for --update. */
#define ATOMIC_SOURCE_XATTR "user.imgbatch.source"

/* The same with the new file given like's permission bits exactly (an
 * output keeps its input's mode), with keep_owner also its owner and group
 * where the process may (--in-place replacing a file), and with source
 * (when not NULL) ATOMIC_SOURCE_XATTR set, before the file has its name. */
int atomic_write_like(int dir_fd, const char *name, const void *data, size_t len,
		      bool do_fsync, const struct stat *like, bool keep_owner, const char *source,
		      struct ib_error *err);

/* Async-signal-safe: removes the temp file a write in progress has open. */
void atomic_cleanup_on_signal(void);

#endif
