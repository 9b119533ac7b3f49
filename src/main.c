/* imgbatch: argv -> job -> the pool -> an exit code. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "compare/new_images.h"
#include "codec/icc.h"
#include "report/merge.h"
#include "engine/pool.h"
#include "engine/account.h"
#include "engine/scan.h"

/* imgbatch thumbnail: opens the cache and runs --clean; 0 or -1. */
static int prepare_thumbnails(struct job *job)
{
	struct ib_error err;
	if (thumb_cache_open(&job->cache, job->cache.sizes, &err) < 0) {
		fprintf(stderr, "imgbatch: %s\n", err.msg);
		return -1;
	}
	if (!icc_available())
		fputs("imgbatch: note: built without Little CMS: colours of images with "
		      "an ICC profile are left unconverted\n", stderr);
	if (job->thumb_clean) {
		struct thumb_clean_stats stats;
		thumb_cache_clean(&job->cache, stderr, &stats);
		if (job->progress != PROGRESS_QUIET)
			fprintf(stderr, "imgbatch: --clean: %llu entries removed, %llu kept, "
				"%llu not imgbatch's or not file:// (left alone), %llu errors\n",
				(unsigned long long)stats.removed, (unsigned long long)stats.kept,
				(unsigned long long)stats.foreign, (unsigned long long)stats.errors);
		if (stats.errors)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return merge_main(argc - 1, argv + 1);
	struct job job;
	switch (cli_parse(argc, argv, &job, stdout, stderr)) {
	case CLI_EXIT_OK:
		return 0;
	case CLI_USAGE_ERROR:
		return 2;
	case CLI_RUN:
		break;
	}
	if (!job.thumbnail && !job.compare)
		job.outputs_among_inputs = job.in_place || scan_inputs_within(&job, job.out_dir);
	if (job.thumbnail && prepare_thumbnails(&job) < 0)
		return 2;
	if (job.thumbnail && job.nroots == 0 && !job.files_from)
		return 0;  /* --clean alone */
	struct report rep;
	report_init(&rep, &job, stdout, stderr);
	struct ib_error err;
	if (job.manifest && report_open_manifest(&rep, job.manifest, &err) < 0) {
		fprintf(stderr, "imgbatch: %s\n", err.msg);
		report_release(&rep);
		return 2;
	}
	if (job.compare && job.cmp.dirs && compare_account_new(&job, &rep, &err) < 0) {
		fprintf(stderr, "imgbatch: %s\n", err.msg);
		report_release(&rep);
		return 2;
	}
	int code = pool_run(&job, &rep);
	report_release(&rep);
	if (job.thumbnail)
		thumb_cache_close(&job.cache);
	return code;
}
