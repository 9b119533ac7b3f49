/* What a worker reports of one image it made outputs from (the payload of
 * convert's and thumbnail's results), and the master's JSON line for it. */
#ifndef IMGBATCH_PIPELINE_IMAGE_RESULT_H
#define IMGBATCH_PIPELINE_IMAGE_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/account.h"
#include "engine/job.h"
#include "engine/wire.h"

struct image_result {
	uint8_t in_format, out_format;        /* enum image_format */
	uint8_t outputs;                      /* files written (a list of sizes: several) */
	uint8_t embedded;                     /* made from the EXIF thumbnail (--embedded) */
	uint32_t in_width, in_height;
	uint32_t out_width, out_height;       /* of the largest output */
};

/*
 * The outcome hook (see command.h) of the commands that make images, whose
 * settings begin with their struct pixel_settings (convert, thumbnail):
 * counts the input and writes its JSON line ("type":"file": input, output,
 * format and sizes, and with a list of sizes how many outputs).
 */
void image_result_outcome(const struct job *job, struct account *acc, const char *input,
			  size_t rel_off, enum result_status status, const char *reason,
			  const struct wire_result *res);

#endif
