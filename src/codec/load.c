#include "config.h"
#include "codec/load.h"

#include "codec/codec.h"

int image_decode_bytes(const struct file_bytes *file, uint64_t max_pixels, struct image *img,
		       struct ib_error *err)
{
	const struct codec *codec = codec_sniff(file->data, file->len);
	struct decoder dec = { .codec = codec };

	if (!codec)
		return ib_fail(err, CODEC_NOT_AN_IMAGE);
	if (codec->open(&dec, file->data, file->len, err) < 0)
		return -1;
	int ret = codec->decode(&dec, 0, 0, max_pixels, img, err);
	codec->close(&dec);
	return ret;
}
