/* Where a write may go: the one rule that keeps outputs (diff images,
 * reports, manifests) out of the trees a command reads, whatever the path's
 * spelling (., .., symlinks). */
#ifndef IMGBATCH_DISK_GUARD_H
#define IMGBATCH_DISK_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/*
 * Whether path — a file or directory, existing or not — is tree or lies
 * below it, once both are resolved (symlinks, "." and ".."; for a path that
 * does not exist yet, its nearest existing ancestor is resolved).  tree may
 * be a file.  A tree that cannot be resolved holds nothing.
 */
bool disk_path_within(const char *path, const char *tree);

/*
 * Refuses to write what (e.g. "--junit") at path when it lies within one of
 * the n trees: -1 with a reason naming both, else 0.
 */
int disk_refuse_within(const char *what, const char *path, const char *const *trees, size_t n,
		       struct ib_error *err);

#endif
