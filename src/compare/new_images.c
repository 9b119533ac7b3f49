#include "config.h"
#include "compare/new_images.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>

#include "codec/codec.h"
#include "compare/compare.h"
#include "compare/pair.h"
#include "engine/scan.h"

static bool is_image_file(const char *path)
{
	const struct codec *codec;
	return codec_sniff_path(path, &codec) == 1 && codec;
}

static void account_new(struct compare_settings *c, struct account *acc, const char *path,
			const char *rel)
{
	struct ib_error err;
	struct pair_outcome pair = {
		.name = rel, .actual = path, .status = PAIR_NEW, .allowed = c->allow_new,
		.reason = "no expected image", .psnr = INFINITY, .ssim = NAN,
	};
	enum result_status status = c->allow_new ? RESULT_SKIPPED : RESULT_FAILED;

	if (c->update_golden) {
		if (compare_accept_golden(path, c->expected, rel, &err) == 0) {
			/* the walk of the expected side will meet it: not twice */
			keyset_add(&c->accepted_new, keyset_hash(rel));
			pair.allowed = true;
			pair.reason = "accepted as the new expected image (--update-golden)";
			status = RESULT_DONE;
		} else {
			pair.reason = err.msg;
		}
	}
	account_seen(acc);
	compare_account_pair(c, acc, status, &pair, NULL);
}

int compare_account_new(const struct job *job, struct account *acc, struct ib_error *err)
{
	struct compare_settings *cs = job->settings;
	struct job walk = *job;
	char *roots[1] = { (char *)cs->actual };
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
		snprintf(expected, sizeof expected, "%s/%s", cs->expected, rel);
		if (lstat(expected, &st) == 0 || errno != ENOENT || !is_image_file(item.path))
			continue;
		account_new(cs, acc, item.path, rel);
	}
	scan_close(scan);
	return 0;
}
