/* pipeline_plan: the sizes every step makes, planned from an image's
 * header alone (output names with {w}/{h} and --update need no pixels), and
 * the shrink-on-load floor. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/options.h"
#include "pipeline/pipeline.h"
#include "tests/check_main.h"

/* Settings from options as the command line gives them: KEY, VALUE pairs. */
static void settings(struct pixel_settings *px, const int *keys, const char *const *values)
{
	pixel_settings_default(px);
	for (size_t i = 0; keys[i]; i++)
		ck_assert_int_eq(pixel_apply_option(px, keys[i], values[i], stdout, stderr), 0);
	ck_assert_int_eq(pixel_settings_validate(px, "test", stderr), 0);
}

static struct image_info header(uint32_t w, uint32_t h, int orientation)
{
	struct image_info info;
	memset(&info, 0, sizeof info);
	info.width = w;
	info.height = h;
	info.orientation = orientation;
	return info;
}

START_TEST(test_no_steps_keeps_the_upright_size)
{
	struct pixel_settings px;
	struct plan plans[PIPELINE_MAX_SIZES];
	settings(&px, (const int[]){ 0 }, NULL);
	struct image_info info = header(400, 300, 6);    /* rotated 90 degrees */
	pipeline_plan(&px, &info, plans);
	ck_assert_uint_eq(pipeline_outputs(&px), 1);
	ck_assert_int_eq(plans[0].orientation, 6);
	ck_assert_uint_eq(plans[0].upright_w, 300);
	ck_assert_uint_eq(plans[0].upright_h, 400);
	ck_assert_uint_eq(plans[0].final_w, 300);
	ck_assert_uint_eq(plans[0].final_h, 400);
	ck_assert_uint_eq(plans[0].load_w, 0);      /* no resize first: full size */
}
END_TEST

START_TEST(test_no_auto_orient_ignores_the_tag)
{
	struct pixel_settings px;
	struct plan plans[PIPELINE_MAX_SIZES];
	settings(&px, (const int[]){ PIXEL_KEY_NO_AUTO_ORIENT, PIXEL_KEY_RESIZE, 0 },
		 (const char *const[]){ NULL, "200" });
	struct image_info info = header(400, 300, 6);
	pipeline_plan(&px, &info, plans);
	ck_assert_int_eq(plans[0].orientation, 1);
	ck_assert_uint_eq(plans[0].final_w, 200);
	ck_assert_uint_eq(plans[0].final_h, 150);
}
END_TEST

START_TEST(test_leading_resize_sets_the_load_floor)
{
	struct pixel_settings px;
	struct plan plans[PIPELINE_MAX_SIZES];
	settings(&px, (const int[]){ PIXEL_KEY_RESIZE, PIXEL_KEY_FILTER, 0 },
		 (const char *const[]){ "100x100", "rotate=90" });
	struct image_info info = header(4000, 2000, 1);
	pipeline_plan(&px, &info, plans);
	ck_assert_uint_eq(plans[0].steps[0].resize_w, 100);
	ck_assert_uint_eq(plans[0].steps[0].resize_h, 50);
	ck_assert_uint_eq(plans[0].load_w, 100);
	ck_assert_uint_eq(plans[0].load_h, 50);
	ck_assert_uint_eq(plans[0].final_w, 50);     /* rotate=90 swaps the sides */
	ck_assert_uint_eq(plans[0].final_h, 100);
}
END_TEST

START_TEST(test_filter_first_loads_full_size)
{
	struct pixel_settings px;
	struct plan plans[PIPELINE_MAX_SIZES];
	settings(&px, (const int[]){ PIXEL_KEY_FILTER, PIXEL_KEY_RESIZE, 0 },
		 (const char *const[]){ "grayscale", "10%" });
	struct image_info info = header(4000, 2000, 1);
	pipeline_plan(&px, &info, plans);
	ck_assert_uint_eq(plans[0].load_w, 0);
	ck_assert_uint_eq(plans[0].load_h, 0);
	ck_assert_uint_eq(plans[0].final_w, 400);
	ck_assert_uint_eq(plans[0].final_h, 200);
}
END_TEST

START_TEST(test_cover_then_crop)
{
	struct pixel_settings px;
	struct plan plans[PIPELINE_MAX_SIZES];
	settings(&px, (const int[]){ PIXEL_KEY_RESIZE, PIXEL_KEY_CROP, 0 },
		 (const char *const[]){ "256x256^", NULL });
	struct image_info info = header(400, 200, 1);
	pipeline_plan(&px, &info, plans);
	ck_assert_uint_eq(plans[0].steps[0].resize_w, 512);
	ck_assert_uint_eq(plans[0].steps[0].resize_h, 256);
	ck_assert_uint_eq(plans[0].final_w, 256);
	ck_assert_uint_eq(plans[0].final_h, 256);
}
END_TEST

START_TEST(test_size_list_plans_every_output_and_loads_for_the_largest)
{
	struct pixel_settings px;
	struct plan plans[PIPELINE_MAX_SIZES];
	settings(&px, (const int[]){ PIXEL_KEY_RESIZE, 0 },
		 (const char *const[]){ "64,512,128" });
	struct image_info info = header(1024, 768, 1);
	pipeline_plan(&px, &info, plans);
	ck_assert_uint_eq(pipeline_outputs(&px), 3);
	ck_assert_uint_eq(plans[0].final_w, 64);
	ck_assert_uint_eq(plans[1].final_w, 512);
	ck_assert_uint_eq(plans[1].final_h, 384);
	ck_assert_uint_eq(plans[2].final_w, 128);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(plans[i].load_w, 512);   /* the same floor in every plan */
		ck_assert_uint_eq(plans[i].load_h, 384);
	}
}
END_TEST

START_TEST(test_shrink_only_never_enlarges)
{
	struct pixel_settings px;
	struct plan plans[PIPELINE_MAX_SIZES];
	settings(&px, (const int[]){ PIXEL_KEY_RESIZE, 0 }, (const char *const[]){ "800x800>" });
	struct image_info info = header(300, 200, 1);
	pipeline_plan(&px, &info, plans);
	ck_assert_uint_eq(plans[0].final_w, 300);
	ck_assert_uint_eq(plans[0].final_h, 200);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("plan");
	tcase_add_test(tc, test_no_steps_keeps_the_upright_size);
	tcase_add_test(tc, test_no_auto_orient_ignores_the_tag);
	tcase_add_test(tc, test_leading_resize_sets_the_load_floor);
	tcase_add_test(tc, test_filter_first_loads_full_size);
	tcase_add_test(tc, test_cover_then_crop);
	tcase_add_test(tc, test_size_list_plans_every_output_and_loads_for_the_largest);
	tcase_add_test(tc, test_shrink_only_never_enlarges);
	suite_add_tcase(s, tc);
	return s;
}

