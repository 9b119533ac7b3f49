/* The streaming walk (src/engine/scan.c): what it yields for argv roots,
 * folders and --files-from lists, with which kind, reason and mirrored part
 * (rel_off), and how it treats symlinks, loops and odd files. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/scan.h"
#include "engine/wire.h"
#include "tests/check_main.h"
#include "tests/scratch_dir.h"

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Everything the scan yields, one "KIND PATH|MIRRORED|REASON" line each,
 * sorted (readdir order is the file system's). */
static char *walk(struct job *job)
{
	struct ib_error err;
	struct scan *scan = scan_open(job, 0, 0, &err);
	ck_assert_ptr_nonnull(scan);
	char *lines[64];
	size_t n = 0, total = 1;
	struct scan_item item;
	while (scan_next(scan, &item) == 1 && n < 64) {
		char line[1024], root[256];
		struct wire_task t = { .path = item.path, .rel_off = item.rel_off,
				       .root_off = item.root_off };
		wire_task_root(&t, root, sizeof root);
		snprintf(line, sizeof line, "%s %s|%s|%s%s%s%s",
			 item.kind == SCAN_FILE ? "file" : item.kind == SCAN_SKIP ? "skip" : "error",
			 item.path, item.path + item.rel_off, item.reason ? item.reason : "",
			 item.named ? "|named" : "", root[0] ? "|root=" : "", root);
		lines[n] = strdup(line);
		total += strlen(line) + 1;
		n++;
	}
	scan_close(scan);
	qsort(lines, n, sizeof lines[0], cmp_lines);
	char *all = calloc(1, total);
	for (size_t i = 0; i < n; i++) {
		strcat(all, lines[i]);
		strcat(all, "\n");
		free(lines[i]);
	}
	return all;
}

static void tree(void)
{
	make_root();
	ck_assert_int_eq(chdir(tmp_root), 0);
	ck_assert_int_eq(mkdir("in", 0755), 0);
	ck_assert_int_eq(mkdir("in/sub", 0755), 0);
	put_file(root_fd, "in/a.jpg", "x");
	put_file(root_fd, "in/sub/b.png", "x");
	ck_assert_int_eq(mkfifo("in/pipe", 0644), 0);
	ck_assert_int_eq(symlink("sub", "in/linked"), 0);
	ck_assert_int_eq(symlink("..", "in/sub/up"), 0);
	put_file(root_fd, "single.jpg", "x");
}

START_TEST(test_folders_files_and_odd_entries)
{
	char *roots[] = { "in", "single.jpg" };
	struct job job = { .roots = roots, .nroots = 2 };
	tree();
	char *got = walk(&job);
	ck_assert_str_eq(got,
		"file in/a.jpg|a.jpg||root=in\n"
		"file in/sub/b.png|sub/b.png||root=in\n"
		"file single.jpg|single.jpg||named\n"
		"skip in/linked|linked|symlinked directory not followed (use --follow-symlinks)|root=in\n"
		"skip in/pipe|pipe|not a regular file|root=in\n"
		"skip in/sub/up|sub/up|symlinked directory not followed (use --follow-symlinks)|root=in\n");
	free(got);
	remove_root();
}
END_TEST

/* How many times needle occurs in hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

START_TEST(test_following_symlinks_walks_each_folder_once)
{
	char *roots[] = { "in" };
	struct job job = { .roots = roots, .nroots = 1, .follow_symlinks = true };
	tree();
	/* sub is reached as in/sub and as in/linked, in readdir's order: one
	 * of them is walked, the other skipped, and sub/up is a loop */
	char *got = walk(&job);
	ck_assert_int_eq(count(got, "file "), 2);
	ck_assert_int_eq(count(got, "b.png||root=in\n"), 1);
	ck_assert_int_eq(count(got, "folder already walked through another path (symlinks)"), 1);
	ck_assert_int_eq(count(got, "directory loop (a symlink to an ancestor) not followed"), 1);
	free(got);
	remove_root();
}
END_TEST

START_TEST(test_files_from_mirrors_whole_paths)
{
	struct job job = { .files_from = "list" };
	tree();
	put_file(root_fd, "list", "in/a.jpg\n\n./in/sub/b.png\nin/nothing.jpg\n");
	char *got = walk(&job);
	ck_assert_str_eq(got,
		"error in/nothing.jpg|in/nothing.jpg|cannot open input: No such file or directory\n"
		"file ./in/sub/b.png|in/sub/b.png|\n"
		"file in/a.jpg|in/a.jpg|\n");
	free(got);
	remove_root();
}
END_TEST

START_TEST(test_missing_roots_and_dangling_links)
{
	char *roots[] = { "nowhere", "dangling" };
	struct job job = { .roots = roots, .nroots = 2 };
	tree();
	ck_assert_int_eq(symlink("gone.jpg", "dangling"), 0);
	char *got = walk(&job);
	ck_assert_str_eq(got,
		"error dangling|dangling|broken symlink: No such file or directory\n"
		"error nowhere|nowhere|cannot open input: No such file or directory\n");
	free(got);
	remove_root();
}
END_TEST

START_TEST(test_inputs_within_the_output_folder)
{
	char *roots[] = { "in/a.jpg" };
	struct job job = { .roots = roots, .nroots = 1 };
	tree();
	ck_assert(scan_inputs_within(&job, "in"));
	ck_assert(scan_inputs_within(&job, "."));
	ck_assert(!scan_inputs_within(&job, "in/sub"));
	ck_assert(!scan_inputs_within(&job, "not-yet-made"));
	remove_root();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("walk");
	tcase_add_test(tc, test_folders_files_and_odd_entries);
	tcase_add_test(tc, test_following_symlinks_walks_each_folder_once);
	tcase_add_test(tc, test_files_from_mirrors_whole_paths);
	tcase_add_test(tc, test_missing_roots_and_dangling_links);
	tcase_add_test(tc, test_inputs_within_the_output_folder);
	suite_add_tcase(s, tc);
	return s;
}
