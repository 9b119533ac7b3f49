#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <jpeglib.h>
#include <tiffio.h>
#ifdef HAVE_LCMS2
#include <lcms2.h>
#endif

#include "codec/codec.h"
#include "codec/icc.h"
#include "codec/image.h"
#include "tests/check_main.h"

/* ---- helpers --------------------------------------------------------------- */

/* Bytes after each row's pixels, so that the stride differs from the width. */
#define PAD 6           /* even: 16-bit rows stay aligned */
#define PAD_BYTE 0xA5

/* A width x height image whose rows end in PAD bytes of PAD_BYTE. */
static void make_image(struct image *img, uint32_t width, uint32_t height,
		       uint32_t channels, uint32_t depth)
{
	img->width = width;
	img->height = height;
	img->channels = channels;
	img->depth = depth;
	img->stride = (size_t)width * channels * (depth / 8) + PAD;
	img->pixels = malloc(img->stride * height);
	ck_assert_ptr_nonnull(img->pixels);
	memset(img->pixels, PAD_BYTE, img->stride * height);
}

static uint8_t *sample8(const struct image *img, uint32_t x, uint32_t y)
{
	return image_row(img, y) + (size_t)x * img->channels;
}

static uint16_t *sample16(const struct image *img, uint32_t x, uint32_t y)
{
	return (uint16_t *)(void *)image_row(img, y) + (size_t)x * img->channels;
}

/* Asserts |got - want| <= tolerance, with the values in the message. */
#define ck_assert_near(got, want, tolerance)                                    \
	ck_assert_msg(fabs((double)(got) - (double)(want)) <= (tolerance),     \
		      "%s = %g, expected %g +- %g", #got, (double)(got),        \
		      (double)(want), (double)(tolerance))

/* Runs icc_to_srgb expecting ICC_UNCHANGED with note, img byte for byte as it was. */
static void expect_unchanged(struct image *img, const uint8_t *icc, size_t icc_len,
			     const char *note)
{
	size_t size = img->stride * img->height;
	uint8_t *before = malloc(size);
	struct ib_error err = { 0 };

	ck_assert_ptr_nonnull(before);
	memcpy(before, img->pixels, size);
	ck_assert_int_eq(icc_to_srgb(img, icc, icc_len, &err), ICC_UNCHANGED);
	ck_assert_str_eq(err.msg, note);
	ck_assert_mem_eq(img->pixels, before, size);
	free(before);
}

/*
 * CMYK patches of 8x8 pixels: one DCT block each, so that only DC terms
 * remain and CMYK at quality 100 (every quantiser 1) decodes losslessly.
 * naive: the conversion without a profile, R = (255 - C)(255 - K) / 255.
 */
#define PATCH 8
static const struct {
	uint8_t cmyk[4];
	uint8_t naive[3];
	double profiled[3];             /* through test_cmyk_profile, see there */
} patches[] = {
	{ { 0, 0, 0, 0 }, { 255, 255, 255 }, { 255, 255, 255 } },
	{ { 255, 0, 0, 0 }, { 0, 255, 255 }, { 127.5, 255, 255 } },
	{ { 0, 255, 255, 0 }, { 255, 0, 0 }, { 255, 127.5, 127.5 } },
	{ { 0, 0, 0, 255 }, { 0, 0, 0 }, { 0, 0, 0 } },
	{ { 255, 255, 0, 0 }, { 0, 0, 255 }, { 127.5, 127.5, 255 } },
};
#define N_PATCHES (sizeof patches / sizeof patches[0])

/* One row of patches, one CMYK pixel each, stored inverted if asked. */
static void patch_row(uint8_t *cmyk, bool inverted)
{
	for (size_t p = 0; p < N_PATCHES; p++)
		for (int c = 0; c < 4; c++)
			cmyk[p * 4 + c] = inverted ? (uint8_t)(255 - patches[p].cmyk[c]) :
				patches[p].cmyk[c];
}

/*
 * A CMYK JPEG of the patches in a row, PATCH pixels square each, with icc
 * embedded; adobe: Adobe marker and inverted samples, as Photoshop writes.
 * Returns the malloc'd file.
 */
static uint8_t *cmyk_jpeg(bool adobe, const uint8_t *icc, size_t icc_len,
			  unsigned long *len)
{
	struct jpeg_compress_struct cinfo;
	struct jpeg_error_mgr jerr;
	uint8_t row[N_PATCHES * PATCH * 4], patch[N_PATCHES * 4];
	unsigned char *mem = NULL;

	patch_row(patch, adobe);
	for (size_t x = 0; x < N_PATCHES * PATCH; x++)
		memcpy(row + x * 4, patch + x / PATCH * 4, 4);

	cinfo.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&cinfo);
	*len = 0;
	jpeg_mem_dest(&cinfo, &mem, len);
	cinfo.image_width = N_PATCHES * PATCH;
	cinfo.image_height = PATCH;
	cinfo.input_components = 4;
	cinfo.in_color_space = JCS_CMYK;
	jpeg_set_defaults(&cinfo);
	jpeg_set_colorspace(&cinfo, JCS_CMYK);
	cinfo.write_Adobe_marker = adobe;
	jpeg_set_quality(&cinfo, 100, TRUE);
	jpeg_start_compress(&cinfo, TRUE);
	jpeg_write_icc_profile(&cinfo, icc, (unsigned int)icc_len);
	while (cinfo.next_scanline < cinfo.image_height) {
		JSAMPROW rows[1] = { row };
		jpeg_write_scanlines(&cinfo, rows, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	return mem;
}

/*
 * Decodes a cmyk_jpeg file, checks that no profile reaches the caller (the
 * pixels are sRGB now) and that each patch became want (profiled when
 * profiled, else naive) within tolerance.
 */
static void check_cmyk_jpeg(bool adobe, const uint8_t *icc, size_t icc_len,
			    bool profiled, double tolerance)
{
	unsigned long len;
	uint8_t *jpg = cmyk_jpeg(adobe, icc, icc_len, &len);
	struct decoder d = { 0 };
	struct image img;
	struct ib_error err = { 0 };

	ck_assert_msg(codec_jpeg.open(&d, jpg, len, &err) == 0, "open: %s", err.msg);
	ck_assert_ptr_null(d.info.icc);
	ck_assert_uint_eq(d.info.icc_len, 0);
	ck_assert_uint_eq(d.info.channels, 3);
	ck_assert_msg(codec_jpeg.decode(&d, 0, 0, 0, &img, &err) == 0, "decode: %s", err.msg);
	ck_assert_ptr_null(d.info.icc);
	codec_jpeg.close(&d);
	ck_assert_uint_eq(img.width, N_PATCHES * PATCH);
	ck_assert_uint_eq(img.channels, 3);
	for (uint32_t y = 0; y < img.height; y++)
		for (uint32_t x = 0; x < img.width; x++)
			for (int c = 0; c < 3; c++) {
				size_t p = x / PATCH;
				double want = profiled ? patches[p].profiled[c] :
					patches[p].naive[c];
				ck_assert_near(sample8(&img, x, y)[c], want, tolerance);
			}
	image_free(&img);
	free(jpg);
}

/* Bytes no ICC parser accepts: the header is 128 bytes of this. */
static void make_garbage(uint8_t *garbage, size_t len)
{
	for (size_t i = 0; i < len; i++)
		garbage[i] = (uint8_t)(i * 37 + 11);
}

/* ---- in every build -------------------------------------------------------- */

/* libjpeg embeds any bytes as a profile: without lcms, or with one it
 * cannot read, CMYK falls back to the naive formula and the profile is
 * dropped all the same. */
START_TEST(test_cmyk_jpeg_unusable_profile)
{
	uint8_t garbage[300];
	make_garbage(garbage, sizeof garbage);
	check_cmyk_jpeg(false, garbage, sizeof garbage, false, 0);
	check_cmyk_jpeg(true, garbage, sizeof garbage, false, 0);
}
END_TEST

#ifdef HAVE_LCMS2

static void assert_padding_intact(const struct image *img)
{
	size_t used = img->stride - PAD;
	for (uint32_t y = 0; y < img->height; y++)
		for (size_t i = used; i < img->stride; i++)
			ck_assert_uint_eq(image_row(img, y)[i], PAD_BYTE);
}

/* IEC 61966-2-1: linear light 0..1 to the sRGB-encoded value 0..1. */
static double srgb_encode(double linear)
{
	if (linear <= 0.0031308)
		return 12.92 * linear;
	return 1.055 * pow(linear, 1 / 2.4) - 0.055;
}

/* ---- profiles -------------------------------------------------------------- */

struct profile {
	uint8_t *data;
	size_t len;
};

/* Serialises and closes p. */
static struct profile save_profile(cmsHPROFILE p)
{
	struct profile out;
	cmsUInt32Number len = 0;

	ck_assert_ptr_nonnull(p);
	ck_assert(cmsSaveProfileToMem(p, NULL, &len));
	out.data = malloc(len);
	ck_assert_ptr_nonnull(out.data);
	ck_assert(cmsSaveProfileToMem(p, out.data, &len));
	out.len = len;
	cmsCloseProfile(p);
	return out;
}

#define ADOBE_GAMMA 2.19921875          /* 563/256, as the spec encodes 2.2 */

/* Adobe RGB (1998): D65 white, its primaries, gamma 563/256. */
static struct profile adobe_rgb(void)
{
	static const cmsCIExyY d65 = { 0.3127, 0.3290, 1.0 };
	static const cmsCIExyYTRIPLE primaries = {
		{ 0.64, 0.33, 1.0 }, { 0.21, 0.71, 1.0 }, { 0.15, 0.06, 1.0 },
	};
	cmsToneCurve *gamma = cmsBuildGamma(NULL, ADOBE_GAMMA);
	cmsToneCurve *curves[3] = { gamma, gamma, gamma };
	cmsHPROFILE p = cmsCreateRGBProfile(&d65, &primaries, curves);

	cmsFreeToneCurve(gamma);
	return save_profile(p);
}

static struct profile srgb(void)
{
	return save_profile(cmsCreate_sRGBProfile());
}

/* Gray whose values are linear light. */
static struct profile gray_linear(void)
{
	cmsToneCurve *linear = cmsBuildGamma(NULL, 1.0);
	cmsHPROFILE p = cmsCreateGrayProfile(cmsD50_xyY(), linear);

	cmsFreeToneCurve(linear);
	return save_profile(p);
}

/* CLUT sampler: CMYK in, the (v2-encoded) Lab of its sRGB colour out. */
static cmsInt32Number half_ink_sampler(const cmsUInt16Number in[], cmsUInt16Number out[],
				       void *srgb_to_lab)
{
	cmsUInt16Number rgb[3];
	for (int c = 0; c < 3; c++)
		rgb[c] = (cmsUInt16Number)lround((1 - in[c] / 131070.0) *
						 (1 - in[3] / 65535.0) * 65535);
	cmsDoTransform(srgb_to_lab, rgb, out, 1);
	return TRUE;
}

/*
 * An output-class CMYK profile (A2B0 only, Lab connection space) for coloured
 * inks at half strength: sRGB R = (1 - C/2)(1 - K), G from M, B from Y, with
 * C, M, Y, K as fractions.  Full cyan is then R = 127.5, not the naive
 * formula's 0.  Full K is black, so the black point compensation lcms applies
 * (see icc.c) changes nothing.  The grid holds 0 and 255 exactly, where the
 * patches lie.
 */
static struct profile half_ink_cmyk(void)
{
	cmsHPROFILE lab = cmsCreateLab4Profile(NULL);
	cmsHPROFILE rgb = cmsCreate_sRGBProfile();
	cmsHTRANSFORM to_lab = cmsCreateTransform(rgb, TYPE_RGB_16, lab, TYPE_LabV2_16,
						  INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOOPTIMIZE);
	cmsHPROFILE p = cmsCreateProfilePlaceholder(NULL);
	cmsPipeline *a2b = cmsPipelineAlloc(NULL, 4, 3);
	cmsStage *clut = cmsStageAllocCLut16bit(NULL, 5, 4, 3, NULL);

	ck_assert_ptr_nonnull(to_lab);
	ck_assert(cmsStageSampleCLut16bit(clut, half_ink_sampler, to_lab, 0));
	/* lut16Type has curves on both sides of the table: identities. */
	ck_assert(cmsPipelineInsertStage(a2b, cmsAT_END, cmsStageAllocToneCurves(NULL, 4, NULL)));
	ck_assert(cmsPipelineInsertStage(a2b, cmsAT_END, clut));
	ck_assert(cmsPipelineInsertStage(a2b, cmsAT_END, cmsStageAllocToneCurves(NULL, 3, NULL)));
	/* Version 2: A2B0 is written as lut16Type, in the v2 Lab encoding, as in
	 * most CMYK profiles. */
	cmsSetProfileVersion(p, 2.1);
	cmsSetDeviceClass(p, cmsSigOutputClass);
	cmsSetColorSpace(p, cmsSigCmykData);
	cmsSetPCS(p, cmsSigLabData);
	ck_assert(cmsWriteTag(p, cmsSigAToB0Tag, a2b));
	cmsPipelineFree(a2b);
	cmsDeleteTransform(to_lab);
	cmsCloseProfile(rgb);
	cmsCloseProfile(lab);
	return save_profile(p);
}

/* ---- RGB --------------------------------------------------------------------- */

START_TEST(test_available)
{
	ck_assert(icc_available());
}
END_TEST

/*
 * The white points match, so Adobe greys stay grey: v becomes linear light
 * (v/255)^2.19921875, then sRGB-encoded.  Mid grey: 128 is linear 0.21965,
 * sRGB 0.50601, i.e. 129.03.
 */
START_TEST(test_adobe_greys)
{
	struct profile adobe = adobe_rgb();
	struct image img;
	struct ib_error err = { 0 };

	ck_assert_near(255 * srgb_encode(pow(128 / 255.0, ADOBE_GAMMA)), 129.03, 0.01);
	make_image(&img, 256, 2, 3, 8);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 256; x++)
			memset(sample8(&img, x, y), (int)x, 3);
	ck_assert_int_eq(icc_to_srgb(&img, adobe.data, adobe.len, &err), ICC_CONVERTED);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 256; x++) {
			double want = 255 * srgb_encode(pow(x / 255.0, ADOBE_GAMMA));
			for (int c = 0; c < 3; c++)
				ck_assert_near(sample8(&img, x, y)[c], want, 1);
		}
	ck_assert_uint_eq(sample8(&img, 128, 0)[1], 129);
	assert_padding_intact(&img);
	image_free(&img);
	free(adobe.data);
}
END_TEST

/*
 * Adobe RGB shares sRGB's white and its red and blue chromaticities, so in
 * linear light Adobe red is a*sRGB red, blue b*sRGB blue, and since white
 * maps to white, Adobe green is (1 - a, 1, 1 - b) in sRGB.  a and b are the
 * ratios of the primaries' luminances (0.2974/0.2126 and 0.0753/0.0722), both
 * above 1: full Adobe green has negative sRGB red and blue, clipped to 0, and
 * exactly full green.
 */
START_TEST(test_adobe_green_clips)
{
	struct profile adobe = adobe_rgb();
	struct image img;
	struct ib_error err = { 0 };

	make_image(&img, 1, 1, 3, 8);
	memcpy(sample8(&img, 0, 0), (uint8_t[]){ 0, 255, 0 }, 3);
	ck_assert_int_eq(icc_to_srgb(&img, adobe.data, adobe.len, &err), ICC_CONVERTED);
	ck_assert_uint_eq(sample8(&img, 0, 0)[0], 0);
	ck_assert_uint_ge(sample8(&img, 0, 0)[1], 254);
	ck_assert_uint_eq(sample8(&img, 0, 0)[2], 0);
	image_free(&img);
	free(adobe.data);
}
END_TEST

/* sRGB to sRGB: the same values, to within a level. */
START_TEST(test_srgb_identity_ramp)
{
	struct profile s = srgb();
	struct image img;
	struct ib_error err = { 0 };

	make_image(&img, 256, 2, 3, 8);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 256; x++)
			memcpy(sample8(&img, x, y),
			       (uint8_t[]){ (uint8_t)x, (uint8_t)(255 - x), (uint8_t)(x / 2) }, 3);
	ck_assert_int_eq(icc_to_srgb(&img, s.data, s.len, &err), ICC_CONVERTED);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 256; x++) {
			ck_assert_near(sample8(&img, x, y)[0], x, 1);
			ck_assert_near(sample8(&img, x, y)[1], 255 - x, 1);
			ck_assert_near(sample8(&img, x, y)[2], x / 2, 1);
		}
	assert_padding_intact(&img);
	image_free(&img);
	free(s.data);
}
END_TEST

/*
 * 16 bits: Adobe greys by the formula of test_adobe_greys, and the sRGB
 * identity on greys, to within a few units of 65535.  Saturated colours are a
 * little off where one channel is near 0: lcms's sRGB target has an exact
 * matrix, the saved profile one rounded to s15Fixed16 (1/65536), and the
 * difference, some 1.5e-5 of linear light, is magnified by the slope of
 * sRGB's linear toe (12.92): up to 14 units.
 */
#define TOLERANCE_16 4
#define TOLERANCE_16_SATURATED 16

START_TEST(test_16bit)
{
	struct profile adobe = adobe_rgb(), s = srgb();
	struct image img;
	struct ib_error err = { 0 };

	make_image(&img, 257, 2, 3, 16);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 257; x++)
			for (int c = 0; c < 3; c++)
				sample16(&img, x, y)[c] = (uint16_t)(x * 255);
	ck_assert_int_eq(icc_to_srgb(&img, adobe.data, adobe.len, &err), ICC_CONVERTED);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 257; x++) {
			double want = 65535 * srgb_encode(pow(x / 257.0, ADOBE_GAMMA));
			for (int c = 0; c < 3; c++)
				ck_assert_near(sample16(&img, x, y)[c], want, TOLERANCE_16);
		}

	for (uint32_t x = 0; x < 257; x++)
		for (int c = 0; c < 3; c++) {
			sample16(&img, x, 0)[c] = (uint16_t)(x * 255);
			sample16(&img, x, 1)[c] = (uint16_t)(c == 1 ? 65535 - x * 255 : x * 255);
		}
	ck_assert_int_eq(icc_to_srgb(&img, s.data, s.len, &err), ICC_CONVERTED);
	for (uint32_t x = 0; x < 257; x++)
		for (int c = 0; c < 3; c++) {
			ck_assert_near(sample16(&img, x, 0)[c], x * 255, TOLERANCE_16);
			ck_assert_near(sample16(&img, x, 1)[c],
				       c == 1 ? 65535 - x * 255 : x * 255, TOLERANCE_16_SATURATED);
		}
	assert_padding_intact(&img);
	image_free(&img);
	free(adobe.data);
	free(s.data);
}
END_TEST

/* Alpha comes through bit for bit, in every layout that has it. */
static void check_alpha_exact(uint32_t channels, uint32_t depth, const struct profile *prof)
{
	struct image img;
	struct ib_error err = { 0 };
	uint32_t alpha = channels - 1;

	make_image(&img, 300, 2, channels, depth);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 300; x++)
			for (uint32_t c = 0; c < channels; c++) {
				uint32_t v = (x * 7 + c * 50 + y * 3) % 256;
				if (depth == 8)
					sample8(&img, x, y)[c] = (uint8_t)v;
				else    /* both bytes differ: a swap would show */
					sample16(&img, x, y)[c] = (uint16_t)(v * 257 ^ x);
			}
	ck_assert_int_eq(icc_to_srgb(&img, prof->data, prof->len, &err), ICC_CONVERTED);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 300; x++) {
			uint32_t v = (x * 7 + alpha * 50 + y * 3) % 256;
			if (depth == 8)
				ck_assert_uint_eq(sample8(&img, x, y)[alpha], v);
			else
				ck_assert_uint_eq(sample16(&img, x, y)[alpha], v * 257 ^ x);
		}
	assert_padding_intact(&img);
	image_free(&img);
}

START_TEST(test_alpha_exact)
{
	struct profile adobe = adobe_rgb(), gray = gray_linear();

	check_alpha_exact(4, 8, &adobe);
	check_alpha_exact(4, 16, &adobe);
	check_alpha_exact(2, 8, &gray);
	check_alpha_exact(2, 16, &gray);
	free(adobe.data);
	free(gray.data);
}
END_TEST

/* And the colour of an RGBA pixel converts as without alpha. */
START_TEST(test_rgba_colour)
{
	struct profile adobe = adobe_rgb();
	struct image img;
	struct ib_error err = { 0 };

	make_image(&img, 1, 1, 4, 8);
	memcpy(sample8(&img, 0, 0), (uint8_t[]){ 128, 128, 128, 7 }, 4);
	ck_assert_int_eq(icc_to_srgb(&img, adobe.data, adobe.len, &err), ICC_CONVERTED);
	for (int c = 0; c < 3; c++)
		ck_assert_near(sample8(&img, 0, 0)[c], 129.03, 1);
	ck_assert_uint_eq(sample8(&img, 0, 0)[3], 7);
	image_free(&img);
	free(adobe.data);
}
END_TEST

/* ---- gray -------------------------------------------------------------------- */

/* Linear 128/255 = 0.50196 is sRGB 0.73661: 187.8; the image stays gray. */
START_TEST(test_gray_linear_to_srgb)
{
	struct profile gray = gray_linear();
	struct image img;
	struct ib_error err = { 0 };
	double want8 = 255 * srgb_encode(128 / 255.0);
	double want16 = 65535 * srgb_encode(0.5);

	ck_assert_near(want8, 187.8, 0.05);
	make_image(&img, 4, 2, 1, 8);
	for (uint32_t y = 0; y < 2; y++)
		memset(image_row(&img, y), 128, 4);
	ck_assert_int_eq(icc_to_srgb(&img, gray.data, gray.len, &err), ICC_CONVERTED);
	ck_assert_uint_eq(img.channels, 1);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 4; x++)
			ck_assert_near(sample8(&img, x, y)[0], want8, 1);
	assert_padding_intact(&img);
	image_free(&img);

	make_image(&img, 4, 2, 1, 16);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 4; x++)
			sample16(&img, x, y)[0] = 32768;
	ck_assert_int_eq(icc_to_srgb(&img, gray.data, gray.len, &err), ICC_CONVERTED);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 4; x++)
			ck_assert_near(sample16(&img, x, y)[0], want16, TOLERANCE_16);
	image_free(&img);
	free(gray.data);
}
END_TEST

/* ---- profiles that do not fit -------------------------------------------------- */

START_TEST(test_mismatched_profiles)
{
	struct profile adobe = adobe_rgb(), gray = gray_linear(), cmyk = half_ink_cmyk();
	struct image img;

	make_image(&img, 3, 2, 2, 8);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 6; x++)
			image_row(&img, y)[x] = (uint8_t)(40 * x + y);
	expect_unchanged(&img, adobe.data, adobe.len,
			 "colours unconverted: the ICC profile is for RGB, the image is gray");
	expect_unchanged(&img, cmyk.data, cmyk.len,
			 "colours unconverted: the ICC profile is for CMYK, the image is gray");
	image_free(&img);

	make_image(&img, 2, 2, 3, 16);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 6; x++)
			sample16(&img, 0, y)[x] = (uint16_t)(10000 * x + y);
	expect_unchanged(&img, gray.data, gray.len,
			 "colours unconverted: the ICC profile is for gray, the image is RGB");
	expect_unchanged(&img, cmyk.data, cmyk.len,
			 "colours unconverted: the ICC profile is for CMYK, the image is RGB");
	image_free(&img);
	free(adobe.data);
	free(gray.data);
	free(cmyk.data);
}
END_TEST

START_TEST(test_unreadable_profiles)
{
	struct profile adobe = adobe_rgb();
	uint8_t garbage[300];
	struct image img;

	make_garbage(garbage, sizeof garbage);
	make_image(&img, 2, 2, 3, 8);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 6; x++)
			image_row(&img, y)[x] = (uint8_t)(40 * x + y);
	expect_unchanged(&img, garbage, sizeof garbage,
			 "colours unconverted: unreadable ICC profile (not an ICC profile, invalid signature)");
	expect_unchanged(&img, garbage, 0,
			 "colours unconverted: unreadable ICC profile (Read from memory error. Got 0 bytes, block should be of 128 bytes)");
	/* Refused before a byte of it is read. */
	expect_unchanged(&img, garbage, (size_t)UINT32_MAX + 1,
			 "colours unconverted: ICC profile of 4294967296 bytes is too large");
	/* Cut after the tag table: lcms drops the tags it does not hold, and the
	 * profile opens, but is no RGB profile any more. */
	size_t tags = (size_t)adobe.data[128] << 24 | adobe.data[129] << 16 |
		      adobe.data[130] << 8 | adobe.data[131];
	expect_unchanged(&img, adobe.data, 132 + 12 * tags,
			 "colours unconverted: cannot convert from the ICC profile (Couldn't link the profiles)");
	image_free(&img);
	free(adobe.data);
}
END_TEST

/* ---- CMYK -------------------------------------------------------------------- */

/* Through half_ink_cmyk, plain and stored inverted (TYPE_CMYK_8_REV). */
START_TEST(test_cmyk_rows)
{
	struct profile cmyk = half_ink_cmyk();

	for (int inverted = 0; inverted < 2; inverted++) {
		struct icc_cmyk *t = NULL;
		struct ib_error err = { 0 };
		uint8_t in[N_PATCHES * 4], out[N_PATCHES * 3];

		ck_assert_int_eq(icc_cmyk_open(&t, cmyk.data, cmyk.len, inverted, &err),
				 ICC_CONVERTED);
		ck_assert_ptr_nonnull(t);
		patch_row(in, inverted);
		icc_cmyk_to_srgb_row(t, in, out, N_PATCHES);
		for (size_t p = 0; p < N_PATCHES; p++)
			for (int c = 0; c < 3; c++)
				ck_assert_near(out[p * 3 + c], patches[p].profiled[c], 1);
		icc_cmyk_close(t);
	}
	free(cmyk.data);
}
END_TEST

START_TEST(test_cmyk_open_refusals)
{
	struct profile adobe = adobe_rgb();
	uint8_t garbage[300];
	struct icc_cmyk *t = (struct icc_cmyk *)&t;     /* anything but NULL */
	struct ib_error err = { 0 };

	ck_assert_int_eq(icc_cmyk_open(&t, adobe.data, adobe.len, false, &err), ICC_UNCHANGED);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(err.msg, "colours unconverted: the ICC profile is for RGB, the image is CMYK");
	make_garbage(garbage, sizeof garbage);
	ck_assert_int_eq(icc_cmyk_open(&t, garbage, sizeof garbage, true, &err), ICC_UNCHANGED);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(err.msg, "colours unconverted: unreadable ICC profile (not an ICC profile, invalid signature)");
	icc_cmyk_close(NULL);
	free(adobe.data);
}
END_TEST

/* A CMYK JPEG goes through its own profile, Adobe-inverted or not.  The
 * decoder's sRGB output is within a level of the profile's colours. */
START_TEST(test_cmyk_jpeg_profiled)
{
	struct profile cmyk = half_ink_cmyk();

	check_cmyk_jpeg(false, cmyk.data, cmyk.len, true, 1);
	check_cmyk_jpeg(true, cmyk.data, cmyk.len, true, 1);
	free(cmyk.data);
}
END_TEST

/* An RGB profile in a CMYK file: naive conversion, no profile passed on. */
START_TEST(test_cmyk_jpeg_rgb_profile)
{
	struct profile s = srgb();

	check_cmyk_jpeg(false, s.data, s.len, false, 0);
	check_cmyk_jpeg(true, s.data, s.len, false, 0);
	free(s.data);
}
END_TEST

/* An sRGB profile whose curve is a 1024-entry table, as HP's is: still sRGB. */
static struct profile srgb_tabulated(void)
{
	cmsUInt16Number table[1024];
	for (int i = 0; i < 1024; i++) {
		double v = i / 1023.0;
		double linear = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
		table[i] = (cmsUInt16Number)lround(linear * 65535);
	}
	cmsToneCurve *curve = cmsBuildTabulatedToneCurve16(NULL, 1024, table);
	cmsToneCurve *curves[3] = { curve, curve, curve };
	static const cmsCIExyY d65 = { 0.3127, 0.3290, 1.0 };
	static const cmsCIExyYTRIPLE primaries = {
		{ 0.64, 0.33, 1.0 }, { 0.30, 0.60, 1.0 }, { 0.15, 0.06, 1.0 },
	};
	cmsHPROFILE p = cmsCreateRGBProfile(&d65, &primaries, curves);
	cmsFreeToneCurve(curve);
	return save_profile(p);
}

START_TEST(test_is_srgb)
{
	struct profile plain = srgb(), table = srgb_tabulated(), adobe = adobe_rgb(),
		       gray = gray_linear();
	uint8_t *p3, garbage[512];
	size_t p3_len;
	struct ib_error err;
	ck_assert_int_eq(icc_profile_make("p3", &p3, &p3_len, &err), 0);
	make_garbage(garbage, sizeof garbage);
	ck_assert(icc_is_srgb(plain.data, plain.len));
	ck_assert(icc_is_srgb(table.data, table.len));
	ck_assert(!icc_is_srgb(adobe.data, adobe.len));
	ck_assert(!icc_is_srgb(p3, p3_len));
	ck_assert(!icc_is_srgb(gray.data, gray.len));
	ck_assert(!icc_is_srgb(garbage, sizeof garbage));
	free(plain.data);
	free(table.data);
	free(adobe.data);
	free(gray.data);
	free(p3);
}
END_TEST

/* --profile's profiles: compact, readable, named; files checked. */
START_TEST(test_profile_make)
{
	uint8_t *data;
	size_t len;
	struct ib_error err;
	ck_assert_int_eq(icc_profile_make("srgb", &data, &len, &err), 0);
	ck_assert(icc_is_srgb(data, len));
	ck_assert_uint_lt(len, 4096);
	free(data);
	ck_assert_int_eq(icc_profile_make("p3", &data, &len, &err), 0);
	cmsHPROFILE p = cmsOpenProfileFromMem(data, (cmsUInt32Number)len);
	ck_assert_ptr_nonnull(p);
	char desc[64];
	cmsGetProfileInfoASCII(p, cmsInfoDescription, "en", "US", desc, sizeof desc);
	ck_assert_str_eq(desc, "Display P3");
	cmsCloseProfile(p);
	free(data);
	ck_assert_int_eq(icc_profile_make("/nonexistent.icc", &data, &len, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent.icc"));
	ck_assert_ptr_null(data);
	/* a gray profile is no target for RGB pixels; garbage is no profile */
	struct profile gray = gray_linear();
	char path[] = "/tmp/check_icc.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, gray.data, gray.len), (ssize_t)gray.len);
	close(fd);
	ck_assert_int_eq(icc_profile_make(path, &data, &len, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not a profile for RGB images"));
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "not a profile", 13), 13);
	close(fd);
	ck_assert_int_eq(icc_profile_make(path, &data, &len, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not an ICC profile"));
	unlink(path);
	free(gray.data);
}
END_TEST

/* sRGB to Display P3 and back: pure red leaves the P3 corner, greys stay. */
START_TEST(test_convert_to_p3_and_back)
{
	uint8_t *p3;
	size_t p3_len;
	struct image img;
	struct ib_error note;
	ck_assert_int_eq(icc_profile_make("p3", &p3, &p3_len, &note), 0);
	make_image(&img, 2, 1, 3, 8);
	memcpy(sample8(&img, 0, 0), (uint8_t[]){ 255, 0, 0 }, 3);
	memcpy(sample8(&img, 1, 0), (uint8_t[]){ 128, 128, 128 }, 3);
	ck_assert_int_eq(icc_convert(&img, NULL, 0, p3, p3_len, &note), ICC_CONVERTED);
	/* sRGB red inside P3: about (234, 51, 35) */
	ck_assert_near(sample8(&img, 0, 0)[0], 234, 2);
	ck_assert_near(sample8(&img, 0, 0)[1], 51, 3);
	ck_assert_near(sample8(&img, 1, 0)[0], 128, 1);
	ck_assert_near(sample8(&img, 1, 0)[2], 128, 1);
	ck_assert_int_eq(icc_convert(&img, p3, p3_len, NULL, 0, &note), ICC_CONVERTED);
	ck_assert_near(sample8(&img, 0, 0)[0], 255, 1);
	ck_assert_near(sample8(&img, 0, 0)[1], 0, 2);
	assert_padding_intact(&img);
	free(img.pixels);
	free(p3);
}
END_TEST

/*
 * A CMYK TIFF of the patches in a row, one pixel each, at 8 or 16 bits,
 * with icc embedded (none when icc_len is 0), written by libtiff.
 */
static struct profile cmyk_tiff(int bits, const uint8_t *icc, size_t icc_len)
{
	uint8_t row8[N_PATCHES * 4];
	uint16_t row16[N_PATCHES * 4];
	struct profile file = { 0 };
	FILE *f = tmpfile();

	ck_assert_ptr_nonnull(f);
	TIFF *tif = TIFFFdOpen(dup(fileno(f)), "cmyk", "w");
	ck_assert_ptr_nonnull(tif);
	patch_row(row8, false);
	for (size_t i = 0; i < sizeof row8; i++)
		row16[i] = (uint16_t)(row8[i] * 257);
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)N_PATCHES);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 1);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, bits);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 4);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_SEPARATED);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	if (icc_len)
		TIFFSetField(tif, TIFFTAG_ICCPROFILE, (uint32_t)icc_len, icc);
	ck_assert_int_eq(TIFFWriteScanline(tif, bits == 8 ? (void *)row8 : (void *)row16, 0, 0), 1);
	TIFFClose(tif);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	file.len = (size_t)ftell(f);
	file.data = malloc(file.len);
	ck_assert_ptr_nonnull(file.data);
	rewind(f);
	ck_assert_uint_eq(fread(file.data, 1, file.len, f), file.len);
	fclose(f);
	return file;
}

/*
 * A CMYK TIFF goes through its own profile, at 8 and 16 bits, and comes out
 * at 8 (the transform's depth); an unusable profile leaves the plain
 * inversion.  Either way, no CMYK
 * profile reaches the caller to be carried with the RGB pixels.
 */
START_TEST(test_cmyk_tiff_profiled)
{
	struct profile cmyk = half_ink_cmyk(), adobe = adobe_rgb();
	const struct profile *icc[] = { &cmyk, &adobe };

	for (int bits = 8; bits <= 16; bits += 8)
		for (int k = 0; k < 2; k++) {
			struct profile file = cmyk_tiff(bits, icc[k]->data, icc[k]->len);
			struct decoder d = { 0 };
			struct image img;
			struct ib_error err = { 0 };
			ck_assert_msg(codec_tiff.open(&d, file.data, file.len, &err) == 0, "%s",
				      err.msg);
			ck_assert_ptr_null(d.info.icc);
			ck_assert_uint_eq(d.info.depth, 8);
			ck_assert_msg(codec_tiff.decode(&d, 0, 0, 0, &img, &err) == 0, "%s",
				      err.msg);
			for (size_t p = 0; p < N_PATCHES; p++)
				for (int c = 0; c < 3; c++)
					ck_assert_near(image_sample(image_row(&img, 0) +
								    p * image_bytes_per_pixel(&img),
								    img.depth, (uint32_t)c) /
							       (img.depth == 16 ? 257.0 : 1.0),
						       k == 0 ? patches[p].profiled[c] : patches[p].naive[c],
						       1);
			codec_tiff.close(&d);
			image_free(&img);
			free(file.data);
		}
	free(cmyk.data);
	free(adobe.data);
}
END_TEST

static void add_lcms_tests(TCase *tc)
{
	tcase_add_test(tc, test_is_srgb);
	tcase_add_test(tc, test_profile_make);
	tcase_add_test(tc, test_convert_to_p3_and_back);
	tcase_add_test(tc, test_available);
	tcase_add_test(tc, test_adobe_greys);
	tcase_add_test(tc, test_adobe_green_clips);
	tcase_add_test(tc, test_srgb_identity_ramp);
	tcase_add_test(tc, test_16bit);
	tcase_add_test(tc, test_alpha_exact);
	tcase_add_test(tc, test_rgba_colour);
	tcase_add_test(tc, test_gray_linear_to_srgb);
	tcase_add_test(tc, test_mismatched_profiles);
	tcase_add_test(tc, test_unreadable_profiles);
	tcase_add_test(tc, test_cmyk_rows);
	tcase_add_test(tc, test_cmyk_open_refusals);
	tcase_add_test(tc, test_cmyk_jpeg_profiled);
	tcase_add_test(tc, test_cmyk_jpeg_rgb_profile);
	tcase_add_test(tc, test_cmyk_tiff_profiled);
}

#else /* !HAVE_LCMS2 */

#define NO_LCMS "colours unconverted: built without Little CMS"

START_TEST(test_unavailable)
{
	ck_assert(!icc_available());
}
END_TEST

START_TEST(test_unconverted)
{
	uint8_t garbage[300];
	struct image img;

	make_garbage(garbage, sizeof garbage);
	make_image(&img, 2, 2, 4, 16);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 8; x++)
			sample16(&img, 0, y)[x] = (uint16_t)(9000 * x + y);
	expect_unchanged(&img, garbage, sizeof garbage, NO_LCMS);
	image_free(&img);
}
END_TEST

START_TEST(test_cmyk_open_unavailable)
{
	uint8_t garbage[300];
	struct icc_cmyk *t = (struct icc_cmyk *)&t;     /* anything but NULL */
	struct ib_error err = { 0 };

	make_garbage(garbage, sizeof garbage);
	ck_assert_int_eq(icc_cmyk_open(&t, garbage, sizeof garbage, false, &err), ICC_UNCHANGED);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(err.msg, NO_LCMS);
	icc_cmyk_close(NULL);
}
END_TEST

static void add_lcms_tests(TCase *tc)
{
	tcase_add_test(tc, test_unavailable);
	tcase_add_test(tc, test_unconverted);
	tcase_add_test(tc, test_cmyk_open_unavailable);
}

#endif

Suite *test_suite(void)
{
	Suite *s = suite_create("icc");
	TCase *tc = tcase_create("core");

	add_lcms_tests(tc);
	tcase_add_test(tc, test_cmyk_jpeg_unusable_profile);
	suite_add_tcase(s, tc);
	return s;
}

