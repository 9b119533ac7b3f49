/*
 * libFuzzer harness: the -r geometry parser and size rule.  The first 8
 * bytes are an input size, the rest a geometry string.  Parsed geometries
 * must give a size of at least 1x1 for every input size, without overflow
 * (UBSan) or reads past the string (ASan).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/geometry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len < 8 || len > 300)
		return 0;
	uint32_t in_w, in_h;
	memcpy(&in_w, data, 4);
	memcpy(&in_h, data + 4, 4);
	in_w = in_w % 70000 + 1;
	in_h = in_h % 70000 + 1;
	char text[300];
	memcpy(text, data + 8, len - 8);
	text[len - 8] = '\0';
	struct geometry geom;
	struct ib_error err;
	if (geometry_parse(text, &geom, &err) < 0)
		return 0;
	uint32_t w, h;
	geometry_apply(&geom, in_w, in_h, &w, &h);
	if (w < 1 || h < 1)
		abort();
	return 0;
}
