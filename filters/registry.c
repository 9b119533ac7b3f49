#include "config.h"
#include "filters/filter.h"

#include <string.h>

extern const struct filter filter_grayscale, filter_invert, filter_sepia,
	filter_brightness, filter_contrast, filter_brightness_contrast, filter_gamma,
	filter_level, filter_auto_level, filter_threshold;
extern const struct filter filter_blur, filter_sharpen, filter_unsharp, filter_edge,
	filter_emboss, filter_median, filter_convolve;
extern const struct filter filter_rotate, filter_flip, filter_flop, filter_transpose,
	filter_crop, filter_pad;

/* One line per filter; --list-filters prints them in this order. */
const struct filter *const filter_registry[] = {
	&filter_grayscale,
	&filter_invert,
	&filter_sepia,
	&filter_brightness,
	&filter_contrast,
	&filter_brightness_contrast,
	&filter_gamma,
	&filter_level,
	&filter_auto_level,
	&filter_threshold,
	&filter_blur,
	&filter_sharpen,
	&filter_unsharp,
	&filter_edge,
	&filter_emboss,
	&filter_median,
	&filter_convolve,
	&filter_rotate,
	&filter_flip,
	&filter_flop,
	&filter_transpose,
	&filter_crop,
	&filter_pad,
	NULL,
};

const struct filter *filter_find_prefix(const char *name, size_t len)
{
	for (const struct filter *const *f = filter_registry; *f; f++)
		if (strlen((*f)->name) == len && memcmp((*f)->name, name, len) == 0)
			return *f;
	return NULL;
}

const struct filter *filter_find(const char *name)
{
	return filter_find_prefix(name, strlen(name));
}
