/*
 * libFuzzer harness: the worker's pixel path on arbitrary bytes.  Sniff,
 * open (header, EXIF, ICC), decode with shrink-on-load, orient, resize, and
 * encode as both JPEG and PNG; every codec of the table, camera RAWs (libraw
 * and their preview) included.  Any outcome but a crash, a sanitizer report
 * or a leak is fine: bad input must fail with a reason.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "codec/codec.h"
#include "codec/exif.h"
#include "codec/image.h"
#include "resample/resize.h"

/* Keeps each run small: libFuzzer's default RSS limit is 2 GB. */
#define FUZZ_MAX_PIXELS (4u << 20)
#define FUZZ_TARGET 48

static void encode_both(struct image *img, const struct image_info *info)
{
	struct ib_error err;
	struct buffer out = { 0 };
	struct encode_options opts = { .quality = 75, .compression = 1,
				       .icc = info->icc, .icc_len = info->icc_len };
	codec_png.encode(img, &opts, &out, &err);
	buffer_free(&out);
	struct rgb8 white = { 255, 255, 255 };
	if (image_prepare_for_jpeg(img, white, &err) == 0)
		codec_jpeg.encode(img, &opts, &out, &err);
	buffer_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct codec *codec = codec_sniff(data, len);
	struct decoder dec = { .codec = codec };
	struct ib_error err;
	struct image img = { 0 }, small = { 0 };
	if (!codec || codec->open(&dec, data, len, &err) < 0)
		return 0;
	if (codec->decode(&dec, FUZZ_TARGET, FUZZ_TARGET, FUZZ_MAX_PIXELS, &img, &err) == 0 &&
	    exif_apply_orientation(&img, dec.info.orientation, &err) == 0) {
		struct resize_options ropts = { 0 };
		uint32_t w = img.width > FUZZ_TARGET ? FUZZ_TARGET : img.width;
		uint32_t h = img.height > FUZZ_TARGET ? FUZZ_TARGET : img.height;
		if (resize_image(&img, w, h, &ropts, &small, &err) == 0)
			encode_both(&small, &dec.info);
	}
	image_free(&small);
	image_free(&img);
	codec->close(&dec);
	return 0;
}
