/*
 * libFuzzer harness: the -f chain parser and every filter's parameter
 * parser, then the parsed chain applied to a small image.  The first byte
 * picks the image's layout (channels 1-4, 8 or 16 bits); the rest is the
 * chain.  Steps whose output would be over 128x128 are not applied (a pad
 * to 60000x60000 is a valid request, just not one to fuzz).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filters/filter.h"
#include "codec/image.h"

#define FUZZ_MAX_SIDE 128
#define FUZZ_MAX_STEPS 8

struct chain {
	const struct filter *filters[FUZZ_MAX_STEPS];
	struct filter_params params[FUZZ_MAX_STEPS];
	unsigned n;
};

static int add_step(const struct filter *f, const char *args, void *ctx, struct ib_error *err)
{
	struct chain *c = ctx;
	if (c->n == FUZZ_MAX_STEPS || f->parse(args, &c->params[c->n], err) < 0)
		return -1;
	c->filters[c->n++] = f;
	return 0;
}

static void fill(struct image *img)
{
	for (size_t i = 0; i < img->stride * img->height; i++)
		img->pixels[i] = (uint8_t)(i * 37 + (i >> 3));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len < 1 || len > 400)
		return 0;
	char spec[400];
	memcpy(spec, data + 1, len - 1);
	spec[len - 1] = '\0';
	struct chain chain = { .n = 0 };
	struct ib_error err;
	if (filter_spec_parse(spec, add_step, &chain, &err) < 0)
		return 0;
	struct image img;
	if (image_alloc(&img, 13, 7, 1 + data[0] % 4, data[0] & 4 ? 16 : 8, 0, &err) < 0)
		return 0;
	fill(&img);
	for (unsigned i = 0; i < chain.n; i++) {
		const struct filter *f = chain.filters[i];
		uint32_t w = img.width, h = img.height;
		if (f->output_size)
			f->output_size(&chain.params[i], img.width, img.height, &w, &h);
		if (w > FUZZ_MAX_SIDE || h > FUZZ_MAX_SIDE || f->apply(&chain.params[i], &img, &err) < 0)
			break;
	}
	image_free(&img);
	return 0;
}
