/*
 * imgbatch compare, one pair: the names both sides agree on, and accepting
 * an actual image as the golden one.  The scan walks the expected side; a
 * task's path is the expected image.
 */
#ifndef IMGBATCH_COMPARE_PAIR_H
#define IMGBATCH_COMPARE_PAIR_H

#include <stddef.h>

#include "compare/compare.h"
#include "util/error.h"

/* The actual image paired with the expected one at expected_path, whose
 * part below the expected root starts at rel_off. */
int compare_actual_path(const struct compare_settings *cs, const char *expected_path,
			size_t rel_off, char *buf, size_t cap, struct ib_error *err);

/* The diff image's path relative to --diff-dir: the pair's name (between
 * two files, the actual file's name without its directory), with ".png"
 * added unless it already ends so ("a.jpg" -> "a.jpg.png"). */
int compare_diff_name(const struct compare_settings *cs, const char *pair_name, char *buf,
		      size_t cap, struct ib_error *err);

/* The name a pair goes by in reports: its relative path between two
 * directories, the actual file's path between two files. */
const char *compare_pair_name(const struct compare_settings *cs, const char *expected_path,
			      size_t rel_off);

/* Copies the actual image src to root/rel (the golden one), atomically,
 * creating the directories of rel below root. */
int compare_accept_golden(const char *src, const char *root, const char *rel,
			  struct ib_error *err);

#endif
