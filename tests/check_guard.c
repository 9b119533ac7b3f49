/* disk_path_within: whether a path lies within a tree once both are
 * resolved, for files and folders, existing or not, however spelled. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/guard.h"
#include "tests/scratch_dir.h"
#include "tests/check_main.h"

/* Each test runs in its own process (CK_FORK), in its own scratch folder. */
static void enter_scratch(void)
{
	make_root();
	ck_assert_int_eq(chdir(tmp_root), 0);
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
}

START_TEST(test_within_by_components)
{
	enter_scratch();
	ck_assert_int_eq(mkdir("tree", 0755), 0);
	ck_assert_int_eq(mkdir("tree/sub", 0755), 0);
	ck_assert_int_eq(mkdir("treetop", 0755), 0);
	touch("tree/sub/a.png");
	ck_assert(disk_path_within("tree", "tree"));
	ck_assert(disk_path_within("tree/sub/a.png", "tree"));
	ck_assert(disk_path_within("./tree/../tree/sub", "tree"));
	ck_assert(!disk_path_within("treetop", "tree"));     /* not a prefix match */
	ck_assert(!disk_path_within("tree", "tree/sub"));
	ck_assert(disk_path_within("/", "/"));
	ck_assert(disk_path_within("tree", "/"));
	remove_root();
}
END_TEST

START_TEST(test_paths_that_do_not_exist_yet)
{
	enter_scratch();
	ck_assert_int_eq(mkdir("tree", 0755), 0);
	ck_assert(disk_path_within("tree/new/deeper/report.xml", "tree"));
	/* below a folder that does not exist, nothing can be created at all */
	ck_assert(!disk_path_within("missing/../tree/x", "tree"));
	ck_assert(!disk_path_within("other/new.xml", "tree"));
	ck_assert(!disk_path_within("new.xml", "missing-tree"));  /* holds nothing */
	remove_root();
}
END_TEST

START_TEST(test_symlinks_are_resolved)
{
	enter_scratch();
	ck_assert_int_eq(mkdir("tree", 0755), 0);
	ck_assert_int_eq(mkdir("out", 0755), 0);
	ck_assert_int_eq(symlink("tree", "link"), 0);
	ck_assert_int_eq(symlink("../tree/f.png", "out/f.png"), 0);
	touch("tree/f.png");
	ck_assert(disk_path_within("link/diffs", "tree"));    /* new, below a link */
	ck_assert(disk_path_within("out/f.png", "tree"));     /* a file linked in */
	ck_assert(disk_path_within("tree/x", "link"));        /* the tree named by its link */
	ck_assert(!disk_path_within("out/g.png", "tree"));
	remove_root();
}
END_TEST

START_TEST(test_a_file_as_the_tree)
{
	struct ib_error err;
	const char *trees[] = { "expected.png", NULL };
	enter_scratch();
	touch("expected.png");
	ck_assert(disk_path_within("expected.png", "expected.png"));
	ck_assert(disk_path_within("./expected.png", "expected.png"));
	ck_assert(!disk_path_within("actual.png", "expected.png"));
	ck_assert_int_eq(disk_refuse_within("--junit", "./expected.png", trees, 2, &err), -1);
	ck_assert_str_eq(err.msg, "--junit ./expected.png lies within expected.png, which is read: "
			 "refusing to write there");
	ck_assert_int_eq(disk_refuse_within("--junit", "r.xml", trees, 2, &err), 0);
	remove_root();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("guard");
	TCase *tc = tcase_create("within");
	tcase_add_test(tc, test_within_by_components);
	tcase_add_test(tc, test_paths_that_do_not_exist_yet);
	tcase_add_test(tc, test_symlinks_are_resolved);
	tcase_add_test(tc, test_a_file_as_the_tree);
	suite_add_tcase(s, tc);
	return s;
}

