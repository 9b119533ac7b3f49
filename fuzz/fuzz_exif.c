/* libFuzzer harness: the EXIF (TIFF) orientation reader and the rewriter on
 * arbitrary bytes.  They must never read or write out of bounds; the reader
 * always answers 1..8, and a rewritten block is no longer than the input and
 * reads as upright. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "codec/exif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	int o = exif_orientation(data, len);
	if (o < 1 || o > 8)
		abort();
	uint8_t *out;
	size_t out_len;
	if (exif_rewrite(data, len, 640, 480, len & 1, &out, &out_len) == 1) {
		if (out_len > len || exif_orientation(out, out_len) != 1)
			abort();
		free(out);
	}
	return 0;
}
