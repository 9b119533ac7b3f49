/*
 * imgbatch (convert, the default command): resize, filter and re-encode
 * every input into -o DIR (mirroring each input's tree) or in place.
 * command.c holds its command line and the master's side, run.c a
 * worker's side.
 */
#ifndef IMGBATCH_CONVERT_CONVERT_H
#define IMGBATCH_CONVERT_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec/codec.h"
#include "codec/image.h"
#include "command.h"
#include "convert/pipe.h"
#include "pipeline/pipeline.h"
#include "util/keyset.h"

/* What --keep and --strip name (README "Metadata"). */
enum metadata_kind {
	META_EXIF = 1,
	META_GPS = 2,             /* inside EXIF: goes with it */
	META_XMP = 4,
	META_IPTC = 8,
	META_ICC = 16,
	META_COMMENT = 32,
	META_ALL = 63,
};

struct convert_settings {
	struct pixel_settings px;
	/* outputs */
	const char *name_template;  /* --name, else OUTPUT_DEFAULT_TEMPLATE (one input)
	                             * or OUTPUT_ROOTS_TEMPLATE (several) */
	bool name_given;            /* --name was given */
	bool in_place;
	bool update;                /* --update: skip when the output is newer */
	bool fsync_outputs;         /* --fsync */
	bool outputs_among_inputs;  /* outputs may land on input files (--in-place,
	                             * or an input tree inside -o): never replace an
	                             * existing file but the input's own */
	/* encoding */
	enum image_format format;   /* FORMAT_UNKNOWN = same as input */
	int quality;
	bool lossless;              /* --lossless (WebP, AVIF) */
	int effort;                 /* --effort (AVIF); -1: the encoder's default */
	bool progressive;
	int subsample;              /* --subsample 444/422/420; 0: by quality */
	int compression;
	bool palette;               /* --palette (PNG) */
	unsigned colours;           /* --colours, 2..256 */
	double dither;              /* --dither, 0..1 */
	bool palette_tuned;         /* --colours or --dither given */
	struct rgb8 background;
	/* metadata_kind bits each option named last: --keep or --strip, a
	 * later one undoing an earlier one for what they share */
	unsigned meta_keep, meta_strip;
	bool strip_bare;            /* --strip without a list was given */
	const char *profile_name;   /* --profile: srgb, p3 or a file */
	uint8_t *profile;           /* ... its bytes, to convert to and embed */
	size_t profile_len;
	/* the master's: collision keys of the outputs of the inputs admitted */
	struct keyset outputs;
	struct convert_pipe pipe;   /* - as input, -o - */
};

/* image_result_outcome reads the pixel settings at the start */
_Static_assert(offsetof(struct convert_settings, px) == 0, "px comes first");

extern const struct command convert_command;

/* The format written for an input of in_format. */
enum image_format convert_output_format(const struct convert_settings *cs,
					enum image_format in_format);

/*
 * The one place an output is named: its path relative to the output
 * directory (or, with --in-place, to the input's own directory), the
 * --name template expanded for input (its mirrored path and root name), its
 * format and the output size (0 leaves {w}/{h} unexpanded).
 */
int convert_output_name(const struct convert_settings *cs, const struct wire_task *input,
			enum image_format in_format, uint32_t w, uint32_t h, char *buf,
			size_t cap, struct ib_error *err);

/* The worker's side (run.c). */
void *convert_worker_start(const struct job *job, int out_root_fd);
void convert_run(void *state, const struct wire_task *task, struct wire_result *res);
void convert_worker_stop(void *state);

#endif
