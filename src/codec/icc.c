#include "config.h"
#include "codec/icc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"

/* The largest ICC profile file --profile reads. */
#define ICC_FILE_MAX (4u << 20)

/* Every ICC_UNCHANGED note starts so. */
#define NOTE "colours unconverted: "

#ifdef HAVE_LCMS2

#include <lcms2.h>

/*
 * Perceptual intent.  For the matrix-shaper profiles most photos carry
 * (Adobe RGB, Display P3, gray gamma curves) lcms has no perceptual table and
 * works colorimetrically, so in-gamut colours come out exact and the rest
 * clip.  For LUT-based profiles, CMYK press profiles above all, it picks the
 * table the profile's maker built to fit the whole gamut into a smaller one:
 * the choice for showing a picture, which is what we make; relative
 * colorimetric is for proofing.  lcms adds black point compensation to
 * perceptual links into a v4 profile such as its sRGB: the darkest a CMYK
 * profile prints becomes sRGB black.
 */
#define ICC_INTENT INTENT_PERCEPTUAL

/*
 * Each conversion runs in its own lcms context, whose error handler keeps the
 * first message for the note: lcms never prints, and one file's messages
 * never show up in another's note.
 */
struct lcms_session {
	cmsContext ctx;
	char message[IB_REASON_MAX];
};

static void keep_first_message(cmsContext ctx, cmsUInt32Number code, const char *text)
{
	struct lcms_session *s = cmsGetContextUserData(ctx);

	(void)code;
	if (!s->message[0])
		snprintf(s->message, sizeof s->message, "%s", text);
}

/* s must stay where it is until session_end: the context points to it. */
static int session_begin(struct lcms_session *s, struct ib_error *err)
{
	s->message[0] = '\0';
	s->ctx = cmsCreateContext(NULL, s);
	if (!s->ctx)
		return ib_fail(err, "ICC: out of memory");
	cmsSetLogErrorHandlerTHR(s->ctx, keep_first_message);
	return 0;
}

static void session_end(struct lcms_session *s)
{
	cmsDeleteContext(s->ctx);
}

static const char *session_message(const struct lcms_session *s)
{
	return s->message[0] ? s->message : "no reason given";
}

/* "gray", else the ICC signature without its padding: "RGB", "CMYK", "Lab". */
static void space_name(cmsColorSpaceSignature sig, char name[5])
{
	int len = 0;

	if (sig == cmsSigGrayData) {
		snprintf(name, 5, "gray");
		return;
	}
	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned char c = (unsigned char)(sig >> shift);
		name[len++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
	}
	while (len > 0 && name[len - 1] == ' ')
		len--;
	name[len] = '\0';
}

/* What a gray sRGB image means: the sRGB tone curve, the D50 white of the
 * ICC connection space (so that gray stays neutral). */
static cmsHPROFILE create_srgb_gray(cmsContext ctx)
{
	/* IEC 61966-2-1, as lcms parametric curve 4: Y = (aX + b)^g for X >= d,
	 * Y = cX below; params g, a, b, c, d. */
	static const cmsFloat64Number srgb_curve[5] = {
		2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045,
	};
	cmsToneCurve *curve = cmsBuildParametricToneCurve(ctx, 4, srgb_curve);

	if (!curve)
		return NULL;
	cmsHPROFILE profile = cmsCreateGrayProfileTHR(ctx, cmsD50_xyY(), curve);
	cmsFreeToneCurve(curve);
	return profile;
}

static cmsHPROFILE create_target(cmsContext ctx, cmsUInt32Number format)
{
	if (T_COLORSPACE(format) == PT_GRAY)
		return create_srgb_gray(ctx);
	return cmsCreate_sRGBProfileTHR(ctx);
}

/*
 * Alpha is copied, not converted.  lcms turns a 16-bit transform into a 3D
 * table whose interpolation misses by up to 150/65535 (Adobe RGB grey to
 * sRGB), more than half an 8-bit level: 16-bit pixels are rather computed
 * exactly, about 8 times slower (some 0.3 us a pixel).  8-bit transforms of
 * matrix-shaper profiles stay within half a level as optimised.
 */
static cmsUInt32Number transform_flags(cmsUInt32Number in_fmt)
{
	cmsUInt32Number flags = cmsFLAGS_COPY_ALPHA;

	if (T_BYTES(in_fmt) == 2)
		flags |= cmsFLAGS_NOOPTIMIZE;
	return flags;
}

/* The lcms layout of img; TYPE_*_16 are native-endian, as our samples. */
static cmsUInt32Number image_format(const struct image *img)
{
	static const cmsUInt32Number formats[4][2] = {
		{ TYPE_GRAY_8, TYPE_GRAY_16 },
		{ TYPE_GRAYA_8, TYPE_GRAYA_16 },
		{ TYPE_RGB_8, TYPE_RGB_16 },
		{ TYPE_RGBA_8, TYPE_RGBA_16 },
	};
	return formats[img->channels - 1][img->depth == 16];
}

/*
 * lcms may work in place as input and output pixels have the same size.
 * It adds up line offsets in 32 bits, so it gets bands of rows that span at
 * most 4 GiB, single rows when one row is longer than that.
 */
static void transform_in_place(cmsHTRANSFORM xf, const struct image *img)
{
	bool fits = img->stride > 0 && img->stride <= UINT32_MAX;
	size_t band = fits ? UINT32_MAX / img->stride : 1;
	cmsUInt32Number stride = fits ? (cmsUInt32Number)img->stride : 0;

	for (uint32_t y = 0; y < img->height; ) {
		uint32_t rows = img->height - y < band ? img->height - y : (uint32_t)band;
		uint8_t *first = image_row(img, y);
		cmsDoTransformLineStride(xf, first, first, img->width, rows, stride, stride, 0, 0);
		y += rows;
	}
}

bool icc_available(void)
{
	return true;
}

int icc_to_srgb(struct image *img, const uint8_t *icc, size_t icc_len,
		struct ib_error *note)
{
	return icc_convert(img, icc, icc_len, NULL, 0, note);
}

/* The profile icc[0..len), or sRGB (of format's colour space) when icc is
 * NULL; NULL with a note when unreadable or for another colour space. */
static cmsHPROFILE open_or_srgb(struct lcms_session *s, const uint8_t *icc, size_t len,
				cmsUInt32Number format, struct ib_error *note)
{
	if (!icc) {
		cmsHPROFILE srgb = create_target(s->ctx, format);
		if (!srgb)
			ib_fail(note, "ICC: out of memory");
		return srgb;
	}
	cmsColorSpaceSignature want = _cmsICCcolorSpace((int)T_COLORSPACE(format));
	char have_name[5], want_name[5];
	if (len > UINT32_MAX) {
		ib_fail(note, NOTE "ICC profile of %zu bytes is too large", len);
		return NULL;
	}
	cmsHPROFILE p = cmsOpenProfileFromMemTHR(s->ctx, icc, (cmsUInt32Number)len);
	if (!p) {
		ib_fail(note, NOTE "unreadable ICC profile (%s)", session_message(s));
		return NULL;
	}
	if (cmsGetColorSpace(p) != want) {
		space_name(cmsGetColorSpace(p), have_name);
		space_name(want, want_name);
		ib_fail(note, NOTE "the ICC profile is for %s, the image is %s", have_name, want_name);
		cmsCloseProfile(p);
		return NULL;
	}
	return p;
}

/*
 * Links profile `from` (NULL: sRGB), for pixels laid out as in_fmt, to
 * profile `to` (NULL: sRGB) laid out as out_fmt.  ICC_UNCHANGED with a note
 * when a profile is unreadable, made for another colour space, or the two
 * cannot be linked.
 */
static int link_profiles(struct lcms_session *s, const uint8_t *from, size_t from_len,
			 const uint8_t *to, size_t to_len, cmsUInt32Number in_fmt,
			 cmsUInt32Number out_fmt, cmsHTRANSFORM *xf, struct ib_error *note)
{
	*xf = NULL;
	cmsHPROFILE src = open_or_srgb(s, from, from_len, in_fmt, note);
	cmsHPROFILE dst = src ? open_or_srgb(s, to, to_len, out_fmt, note) : NULL;
	if (src && dst) {
		/* The transform keeps what it needs of both profiles. */
		*xf = cmsCreateTransformTHR(s->ctx, src, in_fmt, dst, out_fmt, ICC_INTENT,
					    transform_flags(in_fmt));
		if (!*xf)
			ib_fail(note, NOTE "cannot convert from the ICC profile (%s)",
				session_message(s));
	}
	if (dst)
		cmsCloseProfile(dst);
	if (src)
		cmsCloseProfile(src);
	return *xf ? ICC_CONVERTED : ICC_UNCHANGED;
}

int icc_convert(struct image *img, const uint8_t *from, size_t from_len, const uint8_t *to,
		size_t to_len, struct ib_error *note)
{
	struct lcms_session s;
	cmsHTRANSFORM xf;
	cmsUInt32Number format = image_format(img);
	bool gray = T_COLORSPACE(format) == PT_GRAY;

	if (session_begin(&s, note) < 0)
		return -1;
	int ret = link_profiles(&s, from, from_len, gray ? NULL : to, to_len, format, format, &xf,
				note);
	if (ret == ICC_CONVERTED) {
		transform_in_place(xf, img);
		cmsDeleteTransform(xf);
	}
	session_end(&s);
	return ret;
}

/* Colorants within this of sRGB's (XYZ, D50): half an 8-bit level or so. */
#define SRGB_XYZ_SLACK 0.002
/* Tone curves within this of sRGB's, on a 0-1 scale. */
#define SRGB_CURVE_SLACK 0.002

static bool tags_match_xyz(cmsHPROFILE a, cmsHPROFILE b, cmsTagSignature tag)
{
	const cmsCIEXYZ *x = cmsReadTag(a, tag), *y = cmsReadTag(b, tag);
	return x && y && fabs(x->X - y->X) < SRGB_XYZ_SLACK && fabs(x->Y - y->Y) < SRGB_XYZ_SLACK &&
	       fabs(x->Z - y->Z) < SRGB_XYZ_SLACK;
}

static bool tags_match_curve(cmsHPROFILE a, cmsHPROFILE b, cmsTagSignature tag)
{
	const cmsToneCurve *x = cmsReadTag(a, tag), *y = cmsReadTag(b, tag);
	if (!x || !y)
		return false;
	for (int i = 0; i <= 64; i++) {
		float v = (float)i / 64;
		if (fabsf(cmsEvalToneCurveFloat(x, v) - cmsEvalToneCurveFloat(y, v)) > SRGB_CURVE_SLACK)
			return false;
	}
	return true;
}

bool icc_is_srgb(const uint8_t *icc, size_t icc_len)
{
	static const cmsTagSignature colorants[] = {
		cmsSigRedColorantTag, cmsSigGreenColorantTag, cmsSigBlueColorantTag,
	};
	static const cmsTagSignature curves[] = {
		cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag,
	};
	struct lcms_session s;
	struct ib_error ignored;
	bool same = false;

	if (icc_len > UINT32_MAX || session_begin(&s, &ignored) < 0)
		return false;
	cmsHPROFILE p = cmsOpenProfileFromMemTHR(s.ctx, icc, (cmsUInt32Number)icc_len);
	cmsHPROFILE srgb = cmsCreate_sRGBProfileTHR(s.ctx);
	if (p && srgb && cmsGetColorSpace(p) == cmsSigRgbData && cmsIsMatrixShaper(p)) {
		same = true;
		for (int i = 0; i < 3 && same; i++)
			same = tags_match_xyz(p, srgb, colorants[i]) &&
			       tags_match_curve(p, srgb, curves[i]);
	}
	if (srgb)
		cmsCloseProfile(srgb);
	if (p)
		cmsCloseProfile(p);
	session_end(&s);
	return same;
}

/* The parameters of lcms' parametric curve 4, Y = (aX + b)^g for X >= d,
 * Y = cX below (g, a, b, c, d), of each enum icc_curve. */
static const cmsFloat64Number curve_params[][5] = {
	[ICC_CURVE_SRGB] = { 2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045 },
	[ICC_CURVE_BT709] = { 1 / 0.45, 1 / 1.099, 0.099 / 1.099, 1 / 4.5, 0.081 },
	[ICC_CURVE_GAMMA22] = { 2.2, 1, 0, 0, 0 },
	[ICC_CURVE_LINEAR] = { 1, 1, 0, 0, 0 },
};

/* An RGB profile of the chromaticities xy (red, green, blue, white) and
 * curve, described as desc. */
static cmsHPROFILE create_rgb(cmsContext ctx, const double xy[8], enum icc_curve curve,
			      const char *desc)
{
	cmsCIExyY white = { xy[6], xy[7], 1.0 };
	cmsCIExyYTRIPLE primaries = {
		{ xy[0], xy[1], 1.0 }, { xy[2], xy[3], 1.0 }, { xy[4], xy[5], 1.0 },
	};
	cmsToneCurve *tone = cmsBuildParametricToneCurve(ctx, 4, curve_params[curve]);
	if (!tone)
		return NULL;
	cmsToneCurve *curves[3] = { tone, tone, tone };
	cmsHPROFILE p = cmsCreateRGBProfileTHR(ctx, &white, &primaries, curves);
	cmsFreeToneCurve(tone);
	cmsMLU *mlu = p ? cmsMLUalloc(ctx, 1) : NULL;
	if (mlu && cmsMLUsetASCII(mlu, "en", "US", desc))
		cmsWriteTag(p, cmsSigProfileDescriptionTag, mlu);
	cmsMLUfree(mlu);
	return p;
}

/* Display P3: the DCI-P3 primaries with a D65 white and the sRGB curve. */
static const double display_p3[8] = { 0.680, 0.320, 0.265, 0.690, 0.150, 0.060, 0.3127, 0.3290 };

/* Serialises p (closed here) into *data. */
static int save_profile(struct lcms_session *s, cmsHPROFILE p, const char *name, uint8_t **data,
			size_t *len, struct ib_error *err)
{
	cmsUInt32Number size = 0;
	int rc = -1;
	*data = NULL;
	if (p && cmsSaveProfileToMem(p, NULL, &size) && (*data = malloc(size)) &&
	    cmsSaveProfileToMem(p, *data, &size)) {
		*len = size;
		rc = 0;
	} else if (p) {
		free(*data);
		*data = NULL;
		ib_fail(err, "cannot write the ICC profile %s (%s)", name, session_message(s));
	}
	if (p)
		cmsCloseProfile(p);
	return rc;
}

int icc_profile_from_primaries(const double xy[8], enum icc_curve curve, uint8_t **data,
			       size_t *len, struct ib_error *err)
{
	struct lcms_session s;
	*data = NULL;
	if (session_begin(&s, err) < 0)
		return -1;
	cmsHPROFILE p = create_rgb(s.ctx, xy, curve, "imgbatch: from the file's colour description");
	int rc = p ? save_profile(&s, p, "from primaries", data, len, err)
		   : ib_fail(err, "cannot make a profile of these primaries (%s)", session_message(&s));
	session_end(&s);
	return rc;
}

/* A profile named on the command line: srgb, p3, or an RGB ICC file. */
static cmsHPROFILE open_named(struct lcms_session *s, const char *name, struct ib_error *err)
{
	if (!strcmp(name, "srgb"))
		return cmsCreate_sRGBProfileTHR(s->ctx);
	if (!strcmp(name, "p3"))
		return create_rgb(s->ctx, display_p3, ICC_CURVE_SRGB, "Display P3");
	struct file_bytes file;
	if (file_bytes_read(name, ICC_FILE_MAX, &file, err) < 0)
		return NULL;
	cmsHPROFILE p = cmsOpenProfileFromMemTHR(s->ctx, file.data, (cmsUInt32Number)file.len);
	file_bytes_free(&file);
	if (!p)
		ib_fail(err, "%s is not an ICC profile (%s)", name, session_message(s));
	else if (cmsGetColorSpace(p) != cmsSigRgbData) {
		ib_fail(err, "%s is not a profile for RGB images", name);
		cmsCloseProfile(p);
		p = NULL;
	}
	return p;
}

int icc_profile_make(const char *name, uint8_t **data, size_t *len, struct ib_error *err)
{
	struct lcms_session s;
	*data = NULL;
	if (session_begin(&s, err) < 0)
		return -1;
	cmsHPROFILE p = open_named(&s, name, err);
	int rc = p ? save_profile(&s, p, name, data, len, err) : -1;
	session_end(&s);
	return rc;
}

struct icc_cmyk {
	struct lcms_session session;
	cmsHTRANSFORM xf;
};

int icc_cmyk_open(struct icc_cmyk **out, const uint8_t *icc, size_t icc_len,
		  bool inverted, struct ib_error *note)
{
	/* The _REV flavour makes lcms read 255 - v: 255 is then no ink. */
	cmsUInt32Number in_fmt = inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8;
	struct icc_cmyk *t = malloc(sizeof *t);

	*out = NULL;
	if (!t)
		return ib_fail(note, "ICC: out of memory");
	if (session_begin(&t->session, note) < 0) {
		free(t);
		return -1;
	}
	int ret = link_profiles(&t->session, icc, icc_len, NULL, 0, in_fmt, TYPE_RGB_8, &t->xf,
				note);
	if (ret != ICC_CONVERTED) {
		session_end(&t->session);
		free(t);
		return ret;
	}
	*out = t;
	return ICC_CONVERTED;
}

void icc_cmyk_to_srgb_row(const struct icc_cmyk *t, const uint8_t *cmyk,
			  uint8_t *rgb, uint32_t width)
{
	cmsDoTransform(t->xf, cmyk, rgb, width);
}

void icc_cmyk_close(struct icc_cmyk *t)
{
	if (!t)
		return;
	cmsDeleteTransform(t->xf);
	session_end(&t->session);
	free(t);
}

struct icc_lab {
	struct lcms_session session;
	cmsHTRANSFORM xf;
	cmsCIEXYZ white;           /* of the Lab values given */
	bool d50;                  /* white is (near enough) D50: no adaptation */
};

/* The fourth double of each pixel rides along untouched. */
#define LAB_PIXEL (TYPE_Lab_DBL | EXTRA_SH(1))
#define RGB_PIXEL (TYPE_RGB_DBL | EXTRA_SH(1))

/* Lab relative to white -> XYZ, adapted (Bradford) to D50 -> Lab relative
 * to D50, which lcms' Lab profile holds. */
static void lab_to_d50(const cmsCIEXYZ *white, double *lab)
{
	cmsCIELab in = { lab[0], lab[1], lab[2] }, out;
	cmsCIEXYZ xyz, adapted;

	cmsLab2XYZ(white, &xyz, &in);
	cmsAdaptToIlluminant(&adapted, white, cmsD50_XYZ(), &xyz);
	cmsXYZ2Lab(NULL, &out, &adapted);
	lab[0] = out.L;
	lab[1] = out.a;
	lab[2] = out.b;
}

int icc_lab_open(struct icc_lab **out, const double white_xy[2], struct ib_error *note)
{
	struct icc_lab *t = malloc(sizeof *t);
	cmsCIExyY white_xyY = { white_xy[0], white_xy[1], 1.0 };
	const cmsCIEXYZ *d50 = cmsD50_XYZ();

	*out = NULL;
	if (!t)
		return ib_fail(note, "ICC: out of memory");
	if (session_begin(&t->session, note) < 0) {
		free(t);
		return -1;
	}
	cmsxyY2XYZ(&t->white, &white_xyY);
	t->d50 = fabs(t->white.X - d50->X) < 1e-3 && fabs(t->white.Z - d50->Z) < 1e-3;
	cmsContext ctx = t->session.ctx;
	cmsHPROFILE lab = cmsCreateLab4ProfileTHR(ctx, NULL);
	cmsHPROFILE srgb = cmsCreate_sRGBProfileTHR(ctx);
	/* Colorimetric, as libvips converts Lab: the colours as measured, the
	 * white of D50 becoming sRGB's white. */
	t->xf = lab && srgb ? cmsCreateTransformTHR(ctx, lab, LAB_PIXEL, srgb, RGB_PIXEL,
						    INTENT_RELATIVE_COLORIMETRIC, 0)
			    : NULL;
	if (srgb)
		cmsCloseProfile(srgb);
	if (lab)
		cmsCloseProfile(lab);
	if (!t->xf) {
		ib_fail(note, NOTE "cannot convert from CIELab (%s)", session_message(&t->session));
		session_end(&t->session);
		free(t);
		return ICC_UNCHANGED;
	}
	*out = t;
	return ICC_CONVERTED;
}

void icc_lab_to_srgb_row(const struct icc_lab *t, double *pixels, uint32_t width)
{
	for (uint32_t x = 0; !t->d50 && x < width; x++)
		lab_to_d50(&t->white, pixels + 4 * (size_t)x);
	cmsDoTransform(t->xf, pixels, pixels, width);
}

void icc_lab_close(struct icc_lab *t)
{
	if (!t)
		return;
	cmsDeleteTransform(t->xf);
	session_end(&t->session);
	free(t);
}

#else /* !HAVE_LCMS2 */

#define NO_LCMS NOTE "built without Little CMS"

bool icc_available(void)
{
	return false;
}

int icc_to_srgb(struct image *img, const uint8_t *icc, size_t icc_len,
		struct ib_error *note)
{
	(void)img;
	(void)icc;
	(void)icc_len;
	ib_fail(note, NO_LCMS);
	return ICC_UNCHANGED;
}

int icc_convert(struct image *img, const uint8_t *from, size_t from_len, const uint8_t *to,
		size_t to_len, struct ib_error *note)
{
	(void)img;
	(void)from;
	(void)from_len;
	(void)to;
	(void)to_len;
	ib_fail(note, NO_LCMS);
	return ICC_UNCHANGED;
}

bool icc_is_srgb(const uint8_t *icc, size_t icc_len)
{
	(void)icc;
	(void)icc_len;
	return false;
}

int icc_profile_make(const char *name, uint8_t **data, size_t *len, struct ib_error *err)
{
	(void)name;
	*data = NULL;
	*len = 0;
	return ib_fail(err, "--profile needs Little CMS, and this build has none");
}

int icc_profile_from_primaries(const double xy[8], enum icc_curve curve, uint8_t **data,
			       size_t *len, struct ib_error *err)
{
	(void)xy;
	(void)curve;
	*data = NULL;
	*len = 0;
	return ib_fail(err, "colour descriptions need Little CMS, and this build has none");
}

int icc_cmyk_open(struct icc_cmyk **out, const uint8_t *icc, size_t icc_len,
		  bool inverted, struct ib_error *note)
{
	(void)icc;
	(void)icc_len;
	(void)inverted;
	*out = NULL;
	ib_fail(note, NO_LCMS);
	return ICC_UNCHANGED;
}

/* Never called: icc_cmyk_open hands out no transform in this build. */
void icc_cmyk_to_srgb_row(const struct icc_cmyk *t, const uint8_t *cmyk,
			  uint8_t *rgb, uint32_t width)
{
	(void)t;
	(void)cmyk;
	(void)rgb;
	(void)width;
}

void icc_cmyk_close(struct icc_cmyk *t)
{
	(void)t;
}

int icc_lab_open(struct icc_lab **out, const double white_xy[2], struct ib_error *note)
{
	(void)white_xy;
	*out = NULL;
	ib_fail(note, NO_LCMS);
	return ICC_UNCHANGED;
}

/* Never called: icc_lab_open hands out no transform in this build. */
void icc_lab_to_srgb_row(const struct icc_lab *t, double *pixels, uint32_t width)
{
	(void)t;
	(void)pixels;
	(void)width;
}

void icc_lab_close(struct icc_lab *t)
{
	(void)t;
}

#endif
