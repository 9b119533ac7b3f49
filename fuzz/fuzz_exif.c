/* libFuzzer harness: the EXIF (TIFF) orientation reader on arbitrary bytes.
 * It must never read out of bounds and always answer 1..8. */
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
	return 0;
}
