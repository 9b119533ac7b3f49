/* The filter framework: chain splitting, the registry, the argument scanner
 * and the pixel helpers every filter uses. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filters/args.h"
#include "filters/filter.h"
#include "filters/pixels.h"
#include "tests/check_main.h"

/* Records what filter_spec_parse hands to add(). */
struct seen {
	char text[8][64];
	int n;
	int fail_at;   /* add() fails on this call (1-based); 0 = never */
};

static int record(const struct filter *f, const char *args, void *ctx, struct ib_error *err)
{
	struct seen *s = ctx;

	ck_assert_int_lt(s->n, 8);
	snprintf(s->text[s->n], sizeof s->text[0], "%s|%s", f->name, args ? args : "(none)");
	s->n++;
	if (s->n == s->fail_at)
		return ib_fail(err, "refused by the test");
	return 0;
}

static void parse_ok(const char *spec, struct seen *s)
{
	struct ib_error err = { 0 };

	memset(s, 0, sizeof *s);
	ck_assert_msg(filter_spec_parse(spec, record, s, &err) == 0, "%s: %s", spec, err.msg);
}

static void parse_fails(const char *spec, const char *message)
{
	struct ib_error err = { 0 };
	struct seen s = { 0 };

	ck_assert_int_eq(filter_spec_parse(spec, record, &s, &err), -1);
	ck_assert_str_eq(err.msg, message);
}

START_TEST(chain_splits_at_filter_names)
{
	struct seen s;

	parse_ok("grayscale,level=5%,95%,contrast=15", &s);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(s.text[0], "grayscale|(none)");
	ck_assert_str_eq(s.text[1], "level|5%,95%");
	ck_assert_str_eq(s.text[2], "contrast|15");

	parse_ok("rotate=90,crop=800x600+10+20,pad=1024x768:10,20,30", &s);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(s.text[2], "pad|1024x768:10,20,30");

	parse_ok("blur=", &s);
	ck_assert_str_eq(s.text[0], "blur|");
	/* a prefix of a filter name is not that filter */
	parse_ok("convolve=3x3:0,-1,0,-1,5,-1,0,-1,0,flip", &s);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.text[0], "convolve|3x3:0,-1,0,-1,5,-1,0,-1,0");
	ck_assert_str_eq(s.text[1], "flip|(none)");
}
END_TEST

START_TEST(chain_rejects_unknown_and_empty)
{
	parse_fails("", "unknown filter '' (imgbatch --list-filters lists them)");
	parse_fails("bluur=2", "unknown filter 'bluur' (imgbatch --list-filters lists them)");
	parse_fails("flip,,flop", "unknown filter '' (imgbatch --list-filters lists them)");
	parse_fails("flip,", "unknown filter '' (imgbatch --list-filters lists them)");
	parse_fails("Blur=1", "unknown filter 'Blur' (imgbatch --list-filters lists them)");
}
END_TEST

START_TEST(chain_stops_at_first_failure)
{
	struct ib_error err = { 0 };
	struct seen s = { .fail_at = 2 };

	ck_assert_int_eq(filter_spec_parse("flip,flop,transpose", record, &s, &err), -1);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(err.msg, "refused by the test");
}
END_TEST

START_TEST(registry_is_complete_and_documented)
{
	int n = 0;

	for (const struct filter *const *f = filter_registry; *f; f++, n++) {
		ck_assert_ptr_eq(filter_find((*f)->name), *f);
		ck_assert_msg(*(*f)->summary && *(*f)->formula, "%s: undocumented", (*f)->name);
		ck_assert_ptr_nonnull((*f)->parse);
		ck_assert_ptr_nonnull((*f)->apply);
	}
	ck_assert_int_eq(n, 23);
	ck_assert_ptr_null(filter_find("nope"));
	ck_assert_ptr_eq(filter_find_prefix("blur=3", 4), filter_find("blur"));
}
END_TEST

START_TEST(args_scanner)
{
	struct ib_error err = { 0 };
	struct arg_scan s;
	double v;
	bool percent;

	arg_scan_init(&s, "unsharp", "0.5x-1.5+2e1", &err);
	ck_assert_int_eq(arg_number(&s, "radius", &v), 0);
	ck_assert(v == 0.5);
	ck_assert(arg_accept(&s, 'x'));
	ck_assert(!arg_accept(&s, 'x'));
	ck_assert_int_eq(arg_number(&s, "sigma", &v), 0);
	ck_assert(v == -1.5);
	ck_assert(arg_accept(&s, '+'));
	ck_assert_int_eq(arg_number(&s, "amount", &v), 0);
	ck_assert(v == 20);
	ck_assert(arg_at_end(&s));
	ck_assert_int_eq(arg_end(&s), 0);

	arg_scan_init(&s, "level", "5%,x", &err);
	ck_assert_int_eq(arg_number_percent(&s, "black", &v, &percent), 0);
	ck_assert(v == 5 && percent);
	ck_assert(arg_accept(&s, ','));
	ck_assert_int_eq(arg_number(&s, "white", &v), -1);
	ck_assert_str_eq(err.msg, "level: white must be a number, got 'x'");
	ck_assert_int_eq(arg_end(&s), -1);
	ck_assert_str_eq(err.msg, "level: unexpected 'x' after the parameters");
	ck_assert_str_eq(arg_rest(&s), "x");
	ck_assert(arg_at_end(&s));

	arg_scan_init(&s, "blur", NULL, &err);
	ck_assert_int_eq(arg_number(&s, "sigma", &v), -1);
	ck_assert_str_eq(err.msg, "blur: sigma is missing");
	arg_scan_init(&s, "blur", "inf", &err);
	ck_assert_int_eq(arg_number(&s, "sigma", &v), -1);
	ck_assert_str_eq(err.msg, "blur: sigma must be a number, got 'inf'");
	ck_assert_int_eq(arg_check(&s, -1 > 0, "sigma", "> 0", -1), -1);
	ck_assert_str_eq(err.msg, "blur: sigma must be > 0, got -1");
	ck_assert_int_eq(arg_check(&s, true, "sigma", "> 0", 1), 0);

	/* never hexadecimal: "0x5" is 0, then 'x', then 5 */
	arg_scan_init(&s, "pad", "0x5", &err);
	ck_assert_int_eq(arg_number(&s, "width", &v), 0);
	ck_assert(v == 0);
	ck_assert(arg_accept(&s, 'x'));
	ck_assert_int_eq(arg_number(&s, "height", &v), 0);
	ck_assert(v == 5);
	/* an 'e' without exponent digits is not part of the number */
	arg_scan_init(&s, "x", "2e+,.5", &err);
	ck_assert_int_eq(arg_number(&s, "a", &v), 0);
	ck_assert(v == 2);
	ck_assert_str_eq(arg_rest(&s), "e+,.5");
	arg_scan_init(&s, "x", ".5", &err);
	ck_assert_int_eq(arg_number(&s, "a", &v), 0);
	ck_assert(v == 0.5);
	arg_scan_init(&s, "x", "-.", &err);
	ck_assert_int_eq(arg_number(&s, "a", &v), -1);
}
END_TEST

START_TEST(sample_rounding)
{
	ck_assert_uint_eq(sample_from_unit(-0.1, 255), 0);
	ck_assert_uint_eq(sample_from_unit(NAN, 255), 0);
	ck_assert_uint_eq(sample_from_unit(1.5, 255), 255);
	ck_assert_uint_eq(sample_from_unit(0.5, 255), 128);       /* 127.5 rounds up */
	ck_assert_uint_eq(sample_from_unit(0.5, 65535), 32768);
	ck_assert_uint_eq(sample_from_unit(100.0 / 255, 255), 100);
}
END_TEST

static double halve(double v, const void *ctx)
{
	(void)ctx;
	return v / 2;
}

START_TEST(curve_leaves_alpha)
{
	struct ib_error err = { 0 };
	struct image img;

	ck_assert_int_eq(image_alloc(&img, 2, 1, 2, 16, 0, &err), 0);
	uint16_t *p = (uint16_t *)img.pixels;
	p[0] = 65535; p[1] = 1000; p[2] = 3; p[3] = 65535;
	ck_assert_int_eq(image_apply_curve(&img, halve, NULL, &err), 0);
	ck_assert_uint_eq(p[0], 32768);  /* 32767.5 rounds up */
	ck_assert_uint_eq(p[1], 1000);
	ck_assert_uint_eq(p[2], 2);      /* 1.5 rounds up */
	ck_assert_uint_eq(p[3], 65535);
	image_free(&img);
}
END_TEST

START_TEST(float_copy_premultiplies_and_restores)
{
	struct ib_error err = { 0 };
	struct image img;
	struct fimage f;

	ck_assert_int_eq(image_alloc(&img, 2, 1, 4, 8, 0, &err), 0);
	const uint8_t px[8] = { 200, 100, 50, 51, 10, 20, 30, 0 };
	memcpy(img.pixels, px, sizeof px);
	ck_assert_int_eq(fimage_from_image(&img, true, &f, &err), 0);
	ck_assert(f.premultiplied);
	ck_assert_float_eq_tol(fimage_pixel(&f, 0, 0)[0], 200.0 / 255 * 0.2, 1e-6);
	ck_assert_float_eq_tol(fimage_pixel(&f, 0, 0)[3], 0.2, 1e-6);
	ck_assert_float_eq_tol(fimage_pixel(&f, 1, 0)[2], 0.0, 1e-9);
	memset(img.pixels, 0xff, sizeof px);
	fimage_to_image(&f, &img);
	/* the opaque-enough pixel comes back exactly; a fully transparent one
	 * has no colour left to restore and becomes transparent black */
	const uint8_t want[8] = { 200, 100, 50, 51, 0, 0, 0, 0 };
	ck_assert_mem_eq(img.pixels, want, sizeof want);
	fimage_free(&f);
	image_free(&img);

	/* gray without alpha is never premultiplied */
	ck_assert_int_eq(image_alloc(&img, 1, 1, 1, 8, 0, &err), 0);
	img.pixels[0] = 77;
	ck_assert_int_eq(fimage_from_image(&img, true, &f, &err), 0);
	ck_assert(!f.premultiplied);
	fimage_to_image(&f, &img);
	ck_assert_uint_eq(img.pixels[0], 77);
	fimage_free(&f);
	image_free(&img);
}
END_TEST

START_TEST(listing_formats)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_int_eq(filter_list(out, "man"), 0);
	ck_assert_int_eq(filter_list(out, "yaml"), -1);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(text, ".TP\n.B blur="));
	ck_assert_ptr_nonnull(strstr(text, ".B auto\\-level"));
	free(text);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("filter chain");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, chain_splits_at_filter_names);
	tcase_add_test(tc, chain_rejects_unknown_and_empty);
	tcase_add_test(tc, chain_stops_at_first_failure);
	tcase_add_test(tc, registry_is_complete_and_documented);
	tcase_add_test(tc, args_scanner);
	tcase_add_test(tc, sample_rounding);
	tcase_add_test(tc, curve_leaves_alpha);
	tcase_add_test(tc, float_copy_premultiplies_and_restores);
	tcase_add_test(tc, listing_formats);
	suite_add_tcase(s, tc);
	return s;
}

