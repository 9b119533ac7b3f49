#include "config.h"
#include "engine/shard.h"

#include <stdlib.h>
#include <string.h>

#include "util/number.h"

uint64_t shard_hash(const char *rel)
{
	uint64_t h = 14695981039346656037ull;
	for (const unsigned char *p = (const unsigned char *)rel; *p; p++) {
		h ^= *p;
		h *= 1099511628211ull;
	}
	return h;
}

/* FNV-1a's low bits depend only on the low bits of the input's bytes, so
 * "mod N" for a power-of-two N would be lopsided: MurmurHash3's 64-bit
 * finaliser spreads every bit over all of them first. */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

bool shard_owns(const struct shard *shard, const char *rel)
{
	return shard->count == 0 || mix(shard_hash(rel)) % shard->count == shard->index;
}

/* A whole number from the environment in 0..max; -1 when unset or not one. */
static long long whole_number(const char *text, long long max)
{
	unsigned long long v;

	return text && number_parse(text, 0, (unsigned long long)max, &v) == 0 ? (long long)v : -1;
}

static int set_shard(long long k, long long n, const char *where, struct shard *shard,
		     struct ib_error *err)
{
	if (n < 1 || n > SHARD_MAX)
		return ib_fail(err, "%s: the shard count must be from 1 to %d", where, SHARD_MAX);
	if (k < 0 || k >= n)
		return ib_fail(err, "%s: shard %lld is not in 0..%lld", where, k, n - 1);
	shard->index = (uint32_t)k;
	shard->count = (uint32_t)n;
	return 0;
}

static int from_slurm(struct shard *shard, struct ib_error *err)
{
	const char *min_text = getenv("SLURM_ARRAY_TASK_MIN");
	long long id = whole_number(getenv("SLURM_ARRAY_TASK_ID"), SHARD_MAX * 10ll);
	long long min = min_text ? whole_number(min_text, SHARD_MAX * 10ll) : 0;
	long long count = whole_number(getenv("SLURM_ARRAY_TASK_COUNT"), SHARD_MAX);
	long long max = whole_number(getenv("SLURM_ARRAY_TASK_MAX"), SHARD_MAX * 10ll);
	if (id < 0 || min < 0)
		return ib_fail(err, "--shard auto: SLURM_ARRAY_TASK_ID (and _MIN) are not whole numbers");
	if (count < 0 && max < 0)
		return ib_fail(err, "--shard auto: neither SLURM_ARRAY_TASK_COUNT nor "
			       "SLURM_ARRAY_TASK_MAX is set");
	return set_shard(id - min, count >= 0 ? count : max - min + 1, "--shard auto (Slurm)",
			 shard, err);
}

static int from_kubernetes(const char *count_arg, struct shard *shard, struct ib_error *err)
{
	const char *count_text = count_arg ? count_arg : getenv("IMGBATCH_SHARD_COUNT");
	long long k = whole_number(getenv("JOB_COMPLETION_INDEX"), SHARD_MAX);
	long long n = whole_number(count_text, SHARD_MAX);
	if (k < 0)
		return ib_fail(err, "--shard auto: JOB_COMPLETION_INDEX is not a whole number");
	if (n < 0)
		return ib_fail(err, "--shard auto: a Kubernetes Indexed Job needs the shard "
			       "count: --shard-count N or IMGBATCH_SHARD_COUNT");
	return set_shard(k, n, "--shard auto (Kubernetes)", shard, err);
}

int shard_parse(const char *arg, const char *count_arg, struct shard *shard,
		struct ib_error *err)
{
	if (strcmp(arg, "auto") == 0) {
		if (getenv("SLURM_ARRAY_TASK_ID"))
			return from_slurm(shard, err);
		if (getenv("JOB_COMPLETION_INDEX"))
			return from_kubernetes(count_arg, shard, err);
		return ib_fail(err, "--shard auto: not in a Slurm job array (SLURM_ARRAY_TASK_ID) "
			       "or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)");
	}
	const char *slash = strchr(arg, '/');
	char k_text[16];
	if (!slash || (size_t)(slash - arg) >= sizeof k_text)
		return ib_fail(err, "use K/N (0 <= K < N) or auto");
	memcpy(k_text, arg, (size_t)(slash - arg));
	k_text[slash - arg] = '\0';
	long long k = whole_number(k_text, SHARD_MAX), n = whole_number(slash + 1, SHARD_MAX);
	if (k < 0 || n < 0)
		return ib_fail(err, "use K/N (0 <= K < N) or auto");
	return set_shard(k, n, "--shard", shard, err);
}
