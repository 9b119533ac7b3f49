/* Geometry: the -resize grammar and sizes, checked against ImageMagick. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/geometry.h"
#include "tests/check_main.h"

struct resize_case {
	const char *geometry;
	uint32_t in_w, in_h;
	uint32_t out_w, out_h;
};

/* Values produced by ImageMagick 6.9.11 convert -resize:
 *   convert -size WxH xc:white -resize GEOM -format '%wx%h' info: */
static const struct resize_case im_cases[] = {
	{ "100x100", 640, 480, 100, 75 },
	{ "100x100", 2, 3, 67, 100 },
	{ "100x100", 1000, 1, 100, 1 },
	{ "100x100", 333, 777, 43, 100 },
	{ "800x600", 1, 1, 600, 600 },
	{ "800x600", 480, 640, 450, 600 },
	{ "800x600", 333, 777, 257, 600 },
	{ "101x99", 640, 480, 101, 76 },
	{ "101x99", 480, 640, 74, 99 },
	{ "100.4x100.6", 480, 640, 76, 101 },
	{ "100.4x100.6", 2, 3, 67, 101 },
	{ "1x1", 1023, 767, 1, 1 },
	{ "333x333", 1023, 767, 333, 250 },
	{ "100x", 480, 640, 100, 133 },
	{ "999x", 2, 3, 999, 1499 },
	{ "999x", 1023, 767, 999, 749 },
	{ "100", 333, 777, 100, 233 },
	{ "x999", 640, 480, 1332, 999 },
	{ "x999", 333, 777, 428, 999 },
	{ "x100", 2, 3, 67, 100 },
	{ "x1", 1000, 1, 1000, 1 },
	{ "x1", 333, 777, 1, 1 },
	{ "50%", 2, 3, 1, 2 },
	{ "50%", 333, 777, 167, 389 },
	{ "50%", 1023, 767, 512, 384 },
	{ "33.3%", 640, 480, 213, 160 },
	{ "33.3%", 4000, 3000, 1332, 999 },
	{ "66.67%", 1023, 767, 682, 511 },
	{ "99.9%", 333, 777, 333, 776 },
	{ "99.9%", 1023, 767, 1022, 766 },
	{ "12.5%", 333, 777, 42, 97 },
	{ "150%", 2, 3, 3, 5 },
	{ "150%", 1000, 1, 1500, 2 },
	{ "50x25%", 333, 777, 167, 194 },
	{ "33.3x66.6%", 480, 640, 160, 426 },
	{ "50x%", 1023, 767, 512, 384 },
	{ "x50%", 2, 3, 2, 2 },
	{ "x50%", 333, 777, 333, 389 },
	{ "100x100^", 640, 480, 133, 100 },
	{ "100x100^", 333, 777, 100, 233 },
	{ "300x200^", 480, 640, 300, 400 },
	{ "300x200^", 1, 1, 300, 300 },
	{ "100x^", 1023, 767, 133, 100 },
	{ "x100^", 480, 640, 100, 133 },
	{ "1x1^", 333, 777, 1, 2 },
	{ "1x1^", 1000, 1, 1000, 1 },
	{ "123x45!", 333, 777, 123, 45 },
	{ "100x!", 640, 480, 100, 480 },
	{ "x100!", 1000, 1, 1000, 100 },
	{ "800x400!>", 640, 480, 640, 400 },
	{ "800x400!>", 1000, 1, 800, 1 },
	{ "800x400!<", 1, 1000, 800, 1000 },
	{ "800x400!<", 640, 480, 800, 480 },
	{ "800x600>", 640, 480, 640, 480 },
	{ "800x600>", 3000, 4000, 450, 600 },
	{ "640x480>", 333, 777, 206, 480 },
	{ "500x>", 480, 640, 480, 640 },
	{ "500x>", 3000, 4000, 500, 667 },
	{ "x500>", 333, 777, 214, 500 },
	{ "800x600<", 2, 3, 400, 600 },
	{ "800x600<", 480, 640, 480, 640 },
	{ "500x<", 333, 777, 500, 1167 },
	{ "800x600^>", 3000, 4000, 800, 1067 },
	{ "800x600^>", 1000, 1, 1000, 1 },
	{ "800x600^<", 480, 640, 800, 1067 },
	{ "50%>", 333, 777, 167, 389 },
	{ "200%<", 333, 777, 666, 1554 },
	{ "@10000", 1, 1, 100, 100 },
	{ "@10000", 640, 480, 115, 86 },
	{ "@10000", 1000, 1, 3162, 3 },
	{ "@10000", 333, 777, 65, 152 },
	{ "@1000000", 1023, 767, 1154, 865 },
	{ "@12345", 2, 3, 90, 136 },
	{ "@307200", 640, 480, 640, 480 },
	{ "@307200", 1023, 767, 640, 479 },
	{ "@12000000", 4000, 3000, 4000, 3000 },
	{ "@12000000", 1023, 767, 4000, 2999 },
	{ "@2", 2, 3, 1, 1 },
	{ "@10000>", 1, 1, 1, 1 },
	{ "@10000>", 1000, 1, 1000, 1 },
	{ "@10000>", 4000, 3000, 115, 86 },
	{ "@1000000>", 640, 480, 640, 480 },
	{ "@1000000<", 640, 480, 1154, 866 },
	{ "@10000<", 1, 1, 100, 100 },
};

/* Where geometry.c deliberately differs from ImageMagick (see its header
 * comment); IM's answer is in each comment. */
static const struct resize_case deliberate_cases[] = {
	{ "1%", 1, 1000, 1, 10 },          /* IM: negative or zero image size */
	{ "33.3%", 1, 1, 1, 1 },           /* IM: negative or zero image size */
	{ "@1", 640, 480, 1, 1 },          /* IM: negative or zero image size */
	{ "@3", 1000, 1, 54, 1 },          /* IM: negative or zero image size */
	{ "200%>", 2, 3, 2, 3 },           /* IM: 4x6 */
	{ "50%<", 640, 480, 640, 480 },    /* IM: 320x240 */
	{ "200x50%>", 640, 480, 640, 240 }, /* IM: 1280x240 */
	{ "@10000<", 640, 480, 640, 480 }, /* IM: 115x86 */
	{ "640^", 640, 100, 4096, 640 },   /* IM: 640x100, but 4096x640 for 640x^ */
	{ "639^", 640, 100, 4090, 639 },   /* IM: the same */
};

/* Sizes IM will not allocate: no side overflows or drops below 1. */
static const struct resize_case extreme_cases[] = {
	{ "9999999x", 1, 1000, 9999999, UINT32_MAX },
	{ "9999999%", UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX },
	{ "100x100^", UINT32_MAX, 1, UINT32_MAX, 100 },
	{ "1x1", UINT32_MAX, UINT32_MAX, 1, 1 },
	{ "@1", UINT32_MAX, UINT32_MAX, 1, 1 },
	{ "@99999999999999", 1, 1, 9999999, 9999999 },
	/* an empty input side must not turn into undefined behaviour */
	{ "100x100", 0, 0, 1, 1 },
	{ "100x100", 0, 480, 1, 100 },
	{ "@10000", 0, 0, 1, 1 },
	{ "50%", 0, 7, 1, 4 },
};

static void check_resize(const struct resize_case *c)
{
	struct geometry geom;
	struct ib_error err = { 0 };
	uint32_t w = 0, h = 0;

	ck_assert_msg(geometry_parse(c->geometry, &geom, &err) == 0,
		      "'%s' rejected: %s", c->geometry, err.msg);
	geometry_apply(&geom, c->in_w, c->in_h, &w, &h);
	ck_assert_msg(w == c->out_w && h == c->out_h, "'%s' on %ux%u: got %ux%u, want %ux%u",
		      c->geometry, (unsigned)c->in_w, (unsigned)c->in_h, (unsigned)w,
		      (unsigned)h, (unsigned)c->out_w, (unsigned)c->out_h);
}

START_TEST(test_matches_imagemagick)
{
	check_resize(&im_cases[_i]);
}
END_TEST

START_TEST(test_deliberate_differences)
{
	check_resize(&deliberate_cases[_i]);
}
END_TEST

START_TEST(test_extreme_sizes)
{
	check_resize(&extreme_cases[_i]);
}
END_TEST

static struct geometry parse_ok(const char *text)
{
	struct geometry geom;
	struct ib_error err = { 0 };

	ck_assert_msg(geometry_parse(text, &geom, &err) == 0, "'%s' rejected: %s", text, err.msg);
	return geom;
}

static void check_parsed(const char *text, double width, bool has_width, double height,
			 bool has_height, unsigned flags)
{
	struct geometry geom = parse_ok(text);

	ck_assert_msg(geom.width == width && geom.has_width == has_width &&
		      geom.height == height && geom.has_height == has_height &&
		      geom.flags == flags,
		      "'%s': got %gx%g (%d, %d) flags %#x", text, geom.width, geom.height,
		      geom.has_width, geom.has_height, geom.flags);
}

START_TEST(test_parse_sizes)
{
	check_parsed("800x600", 800, true, 600, true, 0);
	check_parsed("800X600", 800, true, 600, true, 0);
	check_parsed("800x", 800, true, 0, false, 0);
	check_parsed("800", 800, true, 0, false, 0);
	check_parsed("x600", 0, false, 600, true, 0);
	check_parsed("1x1", 1, true, 1, true, 0);
	check_parsed("9999999x9999999", 9999999, true, 9999999, true, 0);
	/* pixel sizes are rounded as IM reads them */
	check_parsed("100.4x100.6", 100, true, 101, true, 0);
	check_parsed("0.5x", 1, true, 0, false, 0);
}
END_TEST

START_TEST(test_parse_flags)
{
	check_parsed("800x600^", 800, true, 600, true, GEOM_COVER);
	check_parsed("100x^", 100, true, 0, false, GEOM_COVER);
	check_parsed("800x600!", 800, true, 600, true, GEOM_EXACT);
	check_parsed("800x600>", 800, true, 600, true, GEOM_SHRINK_ONLY);
	check_parsed("800x600<", 800, true, 600, true, GEOM_ENLARGE_ONLY);
	check_parsed("800x600^>", 800, true, 600, true, GEOM_COVER | GEOM_SHRINK_ONLY);
	check_parsed("800x400!<", 800, true, 400, true, GEOM_EXACT | GEOM_ENLARGE_ONLY);
	check_parsed("x100!", 0, false, 100, true, GEOM_EXACT);
}
END_TEST

START_TEST(test_parse_percent_and_area)
{
	/* fractions stay: they scale the image, not a pixel count */
	check_parsed("50%", 50, true, 0, false, GEOM_PERCENT);
	check_parsed("33.3%", 33.3, true, 0, false, GEOM_PERCENT);
	check_parsed("0.5%", 0.5, true, 0, false, GEOM_PERCENT);
	check_parsed("60x40%", 60, true, 40, true, GEOM_PERCENT);
	check_parsed("50x%", 50, true, 0, false, GEOM_PERCENT);
	check_parsed("x50%", 0, false, 50, true, GEOM_PERCENT);
	check_parsed("200%>", 200, true, 0, false, GEOM_PERCENT | GEOM_SHRINK_ONLY);
	check_parsed("@10000", 10000, true, 0, false, GEOM_AREA);
	check_parsed("@100.5", 100.5, true, 0, false, GEOM_AREA);
	check_parsed("@12000000", 12000000, true, 0, false, GEOM_AREA);
	check_parsed("@10000>", 10000, true, 0, false, GEOM_AREA | GEOM_SHRINK_ONLY);
	check_parsed("@10000<", 10000, true, 0, false, GEOM_AREA | GEOM_ENLARGE_ONLY);
}
END_TEST

struct rejected_case {
	const char *text;
	const char *reason;
};

static const struct rejected_case rejected_cases[] = {
	{ "", "geometry '': expected WxH, W, xH, N%, WxH% or @AREA" },
	{ "x", "geometry 'x': expected WxH, W, xH, N%, WxH% or @AREA" },
	{ "@", "geometry '@': expected WxH, W, xH, N%, WxH% or @AREA" },
	{ "%", "geometry '%': expected WxH, W, xH, N%, WxH% or @AREA" },
	{ "abc", "geometry 'abc': unexpected 'a'" },
	{ "-5x5", "geometry '-5x5': unexpected '-'" },
	{ "5x-5", "geometry '5x-5': unexpected '-'" },
	{ "100x100+10+10", "geometry '100x100+10+10': unexpected '+'" },
	{ "100x100 ", "geometry '100x100 ': unexpected ' '" },
	{ "100x100px", "geometry '100x100px': unexpected 'p'" },
	{ "100x100x100", "geometry '100x100x100': unexpected 'x'" },
	{ "1.2.3", "geometry '1.2.3': unexpected '.'" },
	{ "1e2x", "geometry '1e2x': unexpected 'e'" },
	{ "50%@", "geometry '50%@': unexpected '@'" },
	{ "0x10", "geometry '0x10': sizes must be >= 1 and < 10000000" },
	{ "10x0", "geometry '10x0': sizes must be >= 1 and < 10000000" },
	{ "0.4x10", "geometry '0.4x10': sizes must be >= 1 and < 10000000" },
	{ "10000000x", "geometry '10000000x': sizes must be >= 1 and < 10000000" },
	{ "0%", "geometry '0%': percentages must be > 0 and < 10000000" },
	{ "10x0%", "geometry '10x0%': percentages must be > 0 and < 10000000" },
	{ "10x10>%<", "geometry '10x10>%<': '>' and '<' exclude each other" },
	{ "10x10<>", "geometry '10x10<>': '>' and '<' exclude each other" },
	{ "10x10!^", "geometry '10x10!^': '!' and '^' exclude each other" },
	{ "10x10%!", "geometry '10x10%!': '%' does not combine with '!' or '^'" },
	{ "50%^", "geometry '50%^': '%' does not combine with '!' or '^'" },
	{ "@100x50", "geometry '@100x50': an area is one number, @PIXELS" },
	{ "@100x", "geometry '@100x': an area is one number, @PIXELS" },
	{ "@x50", "geometry '@x50': an area is one number, @PIXELS" },
	{ "@100!", "geometry '@100!': @AREA takes only '>' or '<'" },
	{ "@100%", "geometry '@100%': @AREA takes only '>' or '<'" },
	{ "@100^", "geometry '@100^': @AREA takes only '>' or '<'" },
	{ "@0.5", "geometry '@0.5': the area must be >= 1 and < 1e14 pixels" },
	{ "@100000000000000", "geometry '@100000000000000': the area must be >= 1 and < 1e14 pixels" },
};

START_TEST(test_parse_rejects)
{
	const struct rejected_case *c = &rejected_cases[_i];
	struct geometry geom = { .width = 7, .flags = GEOM_EXACT };
	struct ib_error err = { 0 };

	ck_assert_int_eq(geometry_parse(c->text, &geom, &err), -1);
	ck_assert_str_eq(err.msg, c->reason);
	/* a failed parse leaves the caller's geometry alone */
	ck_assert(geom.width == 7 && geom.flags == GEOM_EXACT);
}
END_TEST

START_TEST(test_parse_rejects_without_error_buffer)
{
	struct geometry geom;

	ck_assert_int_eq(geometry_parse("abc", &geom, NULL), -1);
}
END_TEST

START_TEST(test_parse_long_numbers)
{
	struct ib_error err = { 0 };
	struct geometry geom;

	/* a number too long to read is out of range, not cut in two */
	ck_assert_int_eq(geometry_parse("1234567890123456789012345678901234567890x", &geom, &err), -1);
	ck_assert_str_eq(err.msg, "geometry '1234567890123456789012345678901234567890x': "
			 "sizes must be >= 1 and < 10000000");
	check_parsed("0000000000000000000000000000100x", 100, true, 0, false, 0);
}
END_TEST

START_TEST(test_gravity_names)
{
	static const struct {
		const char *name;
		enum gravity gravity;
	} names[] = {
		{ "center", GRAVITY_CENTER }, { "Center", GRAVITY_CENTER },
		{ "CENTER", GRAVITY_CENTER }, { "northwest", GRAVITY_NORTHWEST },
		{ "NorthWest", GRAVITY_NORTHWEST }, { "north", GRAVITY_NORTH },
		{ "NORTH", GRAVITY_NORTH }, { "northeast", GRAVITY_NORTHEAST },
		{ "nOrThEaSt", GRAVITY_NORTHEAST }, { "west", GRAVITY_WEST },
		{ "West", GRAVITY_WEST }, { "east", GRAVITY_EAST }, { "EAST", GRAVITY_EAST },
		{ "southwest", GRAVITY_SOUTHWEST }, { "SouthWest", GRAVITY_SOUTHWEST },
		{ "south", GRAVITY_SOUTH }, { "South", GRAVITY_SOUTH },
		{ "southeast", GRAVITY_SOUTHEAST }, { "SOUTHEAST", GRAVITY_SOUTHEAST },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		enum gravity g = GRAVITY_CENTER;

		if (names[i].gravity == GRAVITY_CENTER)
			g = GRAVITY_SOUTHEAST;
		ck_assert_msg(gravity_parse(names[i].name, &g) == 0, "'%s' rejected", names[i].name);
		ck_assert_msg(g == names[i].gravity, "'%s' gave %d", names[i].name, (int)g);
	}
}
END_TEST

START_TEST(test_gravity_rejects)
{
	static const char *const bad[] = {
		"middle", "", "centre", "north west", "north-west", "northwestx", " north", "n",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		enum gravity g = GRAVITY_EAST;

		ck_assert_msg(gravity_parse(bad[i], &g) == -1, "'%s' accepted", bad[i]);
		ck_assert_int_eq(g, GRAVITY_EAST);
	}
}
END_TEST

struct offset_case {
	enum gravity gravity;
	uint32_t img_w, img_h, crop_w, crop_h;
	uint32_t x, y;
};

/* %X%Y of: convert -size IWxIH xc: -gravity G -crop CWxCH+0+0 -format '%X%Y' info:
 * (ImageMagick 6.9.11).  It centres at img/2 - crop/2, so an odd margin
 * leaves the extra pixel on the left or top: +4 for 3 wide in 10. */
static const struct offset_case offset_cases[] = {
	{ GRAVITY_NORTHWEST, 10, 7, 3, 2, 0, 0 },
	{ GRAVITY_NORTH, 10, 7, 3, 2, 4, 0 },
	{ GRAVITY_NORTHEAST, 10, 7, 3, 2, 7, 0 },
	{ GRAVITY_WEST, 10, 7, 3, 2, 0, 2 },
	{ GRAVITY_CENTER, 10, 7, 3, 2, 4, 2 },
	{ GRAVITY_EAST, 10, 7, 3, 2, 7, 2 },
	{ GRAVITY_SOUTHWEST, 10, 7, 3, 2, 0, 5 },
	{ GRAVITY_SOUTH, 10, 7, 3, 2, 4, 5 },
	{ GRAVITY_SOUTHEAST, 10, 7, 3, 2, 7, 5 },
	{ GRAVITY_CENTER, 10, 7, 4, 3, 3, 2 },
	{ GRAVITY_SOUTHEAST, 10, 7, 4, 3, 6, 4 },
	{ GRAVITY_CENTER, 11, 8, 3, 2, 4, 3 },
	{ GRAVITY_CENTER, 11, 8, 4, 3, 3, 3 },
	{ GRAVITY_SOUTH, 9, 9, 2, 2, 3, 7 },
	{ GRAVITY_CENTER, 5, 5, 5, 5, 0, 0 },
	{ GRAVITY_SOUTHEAST, 5, 5, 5, 5, 0, 0 },
};

START_TEST(test_gravity_offset)
{
	const struct offset_case *c = &offset_cases[_i];
	uint32_t x = 99, y = 99;

	gravity_offset(c->gravity, c->img_w, c->img_h, c->crop_w, c->crop_h, &x, &y);
	ck_assert_msg(x == c->x && y == c->y, "gravity %d, %ux%u in %ux%u: got +%u+%u, want +%u+%u",
		      (int)c->gravity, (unsigned)c->crop_w, (unsigned)c->crop_h,
		      (unsigned)c->img_w, (unsigned)c->img_h, (unsigned)x, (unsigned)y,
		      (unsigned)c->x, (unsigned)c->y);
}
END_TEST

#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

Suite *test_suite(void)
{
	Suite *s = suite_create("geometry");
	TCase *resize = tcase_create("resize");
	TCase *parse = tcase_create("parse");
	TCase *gravity = tcase_create("gravity");

	tcase_add_loop_test(resize, test_matches_imagemagick, 0, COUNT(im_cases));
	tcase_add_loop_test(resize, test_deliberate_differences, 0, COUNT(deliberate_cases));
	tcase_add_loop_test(resize, test_extreme_sizes, 0, COUNT(extreme_cases));
	suite_add_tcase(s, resize);

	tcase_add_test(parse, test_parse_sizes);
	tcase_add_test(parse, test_parse_flags);
	tcase_add_test(parse, test_parse_percent_and_area);
	tcase_add_loop_test(parse, test_parse_rejects, 0, COUNT(rejected_cases));
	tcase_add_test(parse, test_parse_rejects_without_error_buffer);
	tcase_add_test(parse, test_parse_long_numbers);
	suite_add_tcase(s, parse);

	tcase_add_test(gravity, test_gravity_names);
	tcase_add_test(gravity, test_gravity_rejects);
	tcase_add_loop_test(gravity, test_gravity_offset, 0, COUNT(offset_cases));
	suite_add_tcase(s, gravity);
	return s;
}

