/*
 * ICC colour management with Little CMS 2: pixels described by an embedded
 * profile become sRGB, so that outputs need no profile.  Without lcms2 (see
 * icc_available) nothing is converted and every call says so in its note.
 */
#ifndef IMGBATCH_CODEC_ICC_H
#define IMGBATCH_CODEC_ICC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "codec/image.h"

enum icc_result {
	ICC_CONVERTED,
	ICC_UNCHANGED,
};

/* Whether this build converts colours (was built with Little CMS). */
bool icc_available(void);

/*
 * Converts the colour channels of img in place from the profile icc[0..icc_len)
 * to sRGB: RGB images to sRGB, gray images (with a gray profile) to gray with
 * the sRGB tone curve.  Alpha is left exactly as it was; 8 and 16 bits.
 * Returns ICC_CONVERTED, or ICC_UNCHANGED with img untouched and a one-line
 * reason in *note (unreadable profile, profile for another colour space, no
 * lcms2).  Returns -1 only when out of memory.
 */
int icc_to_srgb(struct image *img, const uint8_t *icc, size_t icc_len,
		struct ib_error *note);

/*
 * As icc_to_srgb, from profile `from` (NULL: sRGB) to profile `to` (NULL:
 * sRGB), both RGB.  Gray images go to gray with the sRGB tone curve whatever
 * `to` is (an RGB profile cannot describe them).
 */
int icc_convert(struct image *img, const uint8_t *from, size_t from_len, const uint8_t *to,
		size_t to_len, struct ib_error *note);

/*
 * Whether icc says what sRGB says: an RGB matrix-shaper profile whose
 * colorants and tone curves match sRGB's within a few thousandths (the sRGB
 * profiles cameras and editors embed: HP's, lcms', Apple's, ...).  Such a
 * profile changes nothing and need not be carried.  False without lcms2.
 */
bool icc_is_srgb(const uint8_t *icc, size_t icc_len);

/*
 * A compact RGB profile to convert to and embed (--profile): "srgb", "p3"
 * (Display P3: the P3 primaries, D65 white, the sRGB tone curve), or the
 * path of an RGB ICC profile file.  *data is malloc'd.
 */
int icc_profile_make(const char *name, uint8_t **data, size_t *len, struct ib_error *err);

/* The tone curves of the profiles icc_profile_from_primaries makes. */
enum icc_curve {
	ICC_CURVE_SRGB,      /* IEC 61966-2-1 */
	ICC_CURVE_BT709,     /* the inverse of BT.709's camera curve (also BT.601, BT.2020) */
	ICC_CURVE_GAMMA22,
	ICC_CURVE_LINEAR,
};

/*
 * An RGB profile (*data malloc'd) for colours given as the CIE xy
 * chromaticities of red, green, blue and white (xy[0..7] in that order) and
 * a tone curve: what HEIF's and AVIF's nclx boxes and JPEG XL's colour
 * encodings say instead of embedding a profile.
 */
int icc_profile_from_primaries(const double xy[8], enum icc_curve curve, uint8_t **data,
			       size_t *len, struct ib_error *err);

/* A CMYK -> sRGB transform through the profile of a CMYK JPEG. */
struct icc_cmyk;

/*
 * Prepares *out for 8-bit CMYK pixels described by icc[0..icc_len); inverted
 * when the samples are stored inverted (Adobe files: 255 = no ink).  Returns
 * ICC_CONVERTED with *out ready, or ICC_UNCHANGED with *out NULL and a reason
 * in *note (then only an approximation without a profile is left to the
 * caller).  Returns -1 only when out of memory.
 */
int icc_cmyk_open(struct icc_cmyk **out, const uint8_t *icc, size_t icc_len,
		  bool inverted, struct ib_error *note);

/* Converts width CMYK pixels (4 bytes each) to sRGB (3 bytes each). */
void icc_cmyk_to_srgb_row(const struct icc_cmyk *t, const uint8_t *cmyk,
			  uint8_t *rgb, uint32_t width);

/* Frees t; NULL is fine. */
void icc_cmyk_close(struct icc_cmyk *t);

/* A CIELab -> sRGB transform, for TIFF's CIELab pages. */
struct icc_lab;

/*
 * Prepares *out for Lab relative to the white of CIE chromaticity
 * white_xy[0..1] (x, y).  ICC_CONVERTED, or ICC_UNCHANGED with *out NULL and
 * a reason in *note (no lcms2, or lcms could not link).  -1 only when out of
 * memory.
 */
int icc_lab_open(struct icc_lab **out, const double white_xy[2], struct ib_error *note);

/*
 * Converts width pixels in place, 4 doubles each: L (0-100), a, b and a
 * fourth value left as it is (alpha) become sRGB red, green, blue on 0-1
 * (unclipped: colours outside sRGB come out below 0 or above 1).
 */
void icc_lab_to_srgb_row(const struct icc_lab *t, double *pixels, uint32_t width);

/* Frees t; NULL is fine. */
void icc_lab_close(struct icc_lab *t);

#endif
