#include "config.h"
#include "compare/new_images.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec/codec.h"
#include "compare/pair.h"
#include "engine/scan.h"

static bool is_image_file(const char *path)
{
	uint8_t head[CODEC_SNIFF_BYTES];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, head, sizeof head);
	close(fd);
	return n > 0 && codec_sniff(head, (size_t)n) != NULL;
}

static void account_new(const struct job *job, struct report *rep, const char *path,
			const char *rel)
{
	const struct compare_job *c = &job->cmp;
	struct ib_error err;
	struct pair_outcome pair = {
		.name = rel, .actual = path, .status = PAIR_NEW, .allowed = c->allow_new,
		.reason = "no expected image", .psnr = INFINITY,
	};
	enum result_status status = c->allow_new ? RESULT_SKIPPED : RESULT_FAILED;

	if (c->update_golden) {
		if (compare_accept_golden(path, c->expected, rel, &err) == 0) {
			pair.allowed = true;
			pair.reason = "accepted as the new expected image (--update-golden)";
			status = RESULT_DONE;
		} else {
			pair.reason = err.msg;
		}
	}
	struct outcome oc = {
		.input = path, .status = status, .reason = pair.reason, .pair = &pair,
	};
	report_seen(rep);
	report_outcome(rep, &oc);
}

int compare_account_new(const struct job *job, struct report *rep, struct ib_error *err)
{
	struct job walk = *job;
	char *roots[1] = { (char *)job->cmp.actual };
	char expected[2 * WIRE_MAX_PATH + 2];
	struct scan_item item;
	struct stat st;

	walk.roots = roots;
	walk.nroots = 1;
	walk.files_from = NULL;
	struct scan *scan = scan_open(&walk, 0, 0, err);
	if (!scan)
		return -1;
	while (scan_next(scan, &item) == 1) {
		/* what the actual side cannot show is reported by the expected side */
		if (item.kind != SCAN_FILE)
			continue;
		const char *rel = item.path + item.rel_off;
		snprintf(expected, sizeof expected, "%s/%s", job->cmp.expected, rel);
		if (lstat(expected, &st) == 0 || errno != ENOENT || !is_image_file(item.path))
			continue;
		account_new(job, rep, item.path, rel);
	}
	scan_close(scan);
	return 0;
}
