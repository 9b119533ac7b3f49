/*
 * --shard K/N: a deterministic partition of a batch's inputs, so that N runs
 * over the same inputs (on N machines, each with its own K) together do
 * every file exactly once.  A file belongs to shard K when the FNV-1a
 * 64-bit hash of its path relative to its input root, passed through
 * MurmurHash3's 64-bit finaliser, modulo N, is K: the same on every
 * machine, run and byte order, and independent of where the tree is
 * mounted.
 */
#ifndef IMGBATCH_ENGINE_SHARD_H
#define IMGBATCH_ENGINE_SHARD_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

#define SHARD_MAX 1000000

struct shard {
	uint32_t index, count;   /* K and N; count 0: no sharding */
};

/*
 * Parses "K/N" (0 <= K < N <= SHARD_MAX), or "auto": K and N from a Slurm
 * job array (SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, and
 * SLURM_ARRAY_TASK_COUNT or MAX - MIN + 1) or a Kubernetes Indexed Job
 * (JOB_COMPLETION_INDEX, with N from count_arg or IMGBATCH_SHARD_COUNT).
 * count_arg may be NULL.
 */
int shard_parse(const char *arg, const char *count_arg, struct shard *shard,
		struct ib_error *err);

/* FNV-1a, 64 bits, of the NUL-terminated rel. */
uint64_t shard_hash(const char *rel);

/* Whether rel (a path relative to its input root) belongs to shard. */
bool shard_owns(const struct shard *shard, const char *rel);

#endif
