/* imgbatch's default command: its command line and the master's side. */
#include "config.h"
#include "convert/convert.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec/icc.h"
#include "disk/output_name.h"
#include "engine/scan.h"
#include "pipeline/image_result.h"
#include "pipeline/options.h"
#include "util/number.h"
#include "util/text.h"

enum convert_key {
	KEY_OUTPUT = 'o',
	KEY_QUALITY = 'q',
	KEY_NAME = PIXEL_KEY_END,
	KEY_IN_PLACE,
	KEY_UPDATE,
	KEY_FSYNC,
	KEY_DRY_RUN,
	KEY_PROFILE,
	KEY_FORMAT,
	KEY_PROGRESSIVE,
	KEY_COMPRESSION,
	KEY_BACKGROUND,
	KEY_STRIP,
	KEY_KEEP,
	KEY_LOSSLESS,
	KEY_EFFORT,
	KEY_SUBSAMPLE,
	KEY_PALETTE,
	KEY_COLOURS,
	KEY_DITHER,
};

static const struct cli_option output_options[] = {
	{ "output", KEY_OUTPUT, 'o', "DIR",
	  "write outputs under DIR, mirroring each input's tree;\n"
	  "-o - writes one image to standard output (--format\n"
	  "required; stderr then says only what failed)", NULL },
	{ "name", KEY_NAME, 0, "TEMPLATE",
	  "output path under DIR (default {dir}/{stem}.{ext},\n"
	  "with several inputs {root}/{dir}/{stem}.{ext});\n"
	  "fields: {root} {dir} {stem} {ext} {w} {h}", NULL },
	{ "in-place", KEY_IN_PLACE, 0, NULL,
	  "write next to the input, replacing it if the name matches", NULL },
	{ "update", KEY_UPDATE, 0, NULL,
	  "skip inputs whose outputs were made from them as they\n"
	  "are now (recorded in each output's user.imgbatch.source)", NULL },
	{ "fsync", KEY_FSYNC, 0, NULL, "fsync each output and its directory", NULL },
	{ "dry-run", KEY_DRY_RUN, 0, NULL,
	  "write nothing: say for each input what would be\n"
	  "written (path, size) or why not, from its header", NULL },
	{ NULL, 0, 0, NULL, NULL, NULL },
};

static const struct cli_group outputs_group = { "Outputs:", output_options };

/* Whether imgbatch has an encoder for format. */
static bool can_write(enum image_format format)
{
	const struct codec *codec = codec_for_format(format);
	return codec && codec->encode;
}

/* What --format takes (see apply_option): the name of every format
 * imgbatch writes, and same. */
static const char *format_names(void)
{
	static char names[96];
	size_t n = 0;
	if (names[0])
		return names;
	for (enum image_format f = FORMAT_UNKNOWN + 1; f <= FORMAT_JXL; f++)   /* JXL: the last */
		if (can_write(f))
			n += (size_t)snprintf(names + n, sizeof names - n, "%s ", codec_for_format(f)->name);
	snprintf(names + n, sizeof names - n, "same");
	return names;
}

static const struct cli_option encoding_options[] = {
	{ "format", KEY_FORMAT, 0, "F",
	  "%s (default: same as\n"
	  "the input; HEIC and RAW are written as JPEG, GIF as PNG)", format_names },
	{ "quality", KEY_QUALITY, 'q', "N",
	  "JPEG, WebP, AVIF and JPEG XL quality 1-100 (default 85;\n"
	  "JPEG XL: distance 1 at 90, 0.1 at 100)", NULL },
	{ "subsample", KEY_SUBSAMPLE, 0, "S",
	  "JPEG and AVIF chroma subsampling: 444, 422 or 420\n"
	  "(default: JPEG 420 below quality 90, 444 from 90;\n"
	  "AVIF 420, lossless 444)", NULL },
	{ "lossless", KEY_LOSSLESS, 0, NULL, "lossless WebP, AVIF or JPEG XL", NULL },
	{ "effort", KEY_EFFORT, 0, "N",
	  "encoding effort: AVIF 0 (fastest) to 9 (smallest files;\n"
	  "default: libheif's, aom speed 6 = effort 3), JPEG XL 1\n"
	  "to 9 (default libjxl's 7)", NULL },
	{ "progressive", KEY_PROGRESSIVE, 0, NULL,
	  "write progressive JPEGs and interlaced (Adam7) PNGs", NULL },
	{ "compression", KEY_COMPRESSION, 0, "N", "PNG and TIFF DEFLATE level 0-9 (default 6)", NULL },
	{ "palette", KEY_PALETTE, 0, NULL,
	  "write PNGs with a palette (colour type 3, alpha kept),\n"
	  "the colours chosen by libimagequant", NULL },
	{ "colours", KEY_COLOURS, 0, "N", "with --palette: at most N colours, 2-256 (default 256)", NULL },
	{ "dither", KEY_DITHER, 0, "F",
	  "with --palette: dithering 0 (none) to 1 (full,\n"
	  "the default)", NULL },
	{ "background", KEY_BACKGROUND, 0, "C",
	  "colour under transparency when writing JPEG:\n"
	  "white (default), black, #rgb, #rrggbb or R,G,B", NULL },
	{ "keep", KEY_KEEP, 0, "LIST",
	  "carry this metadata from input to output: exif, gps,\n"
	  "xmp, iptc, icc, comment or all, comma-separated (default:\n"
	  "all but icc; icc: even a profile that says sRGB)", NULL },
	{ "strip", KEY_STRIP, 0, "[=LIST]",
	  "carry none of LIST (default all); --strip=icc converts\n"
	  "pixels in another colour space to sRGB; of --keep and\n"
	  "--strip, the later one wins for what both name", NULL },
	{ "profile", KEY_PROFILE, 0, "P",
	  "convert to profile P and embed it: srgb, p3 (Display\n"
	  "P3) or an RGB ICC file (default: sRGB profiles are\n"
	  "dropped, others kept with the pixels as they are)", NULL },
	PIXEL_OPTION_MAX_PIXELS,
	PIXEL_OPTION_FAIL_ON,
	{ NULL, 0, 0, NULL, NULL, NULL },
};

static const struct cli_group encoding_group = { "Encoding:", encoding_options };

static const struct cli_group *const groups[] = {
	&cli_inputs_group, &outputs_group, &pixel_geometry_group, &pixel_filters_group,
	&encoding_group, &cli_running_group, NULL,
};

static const char usage[] =
	"Usage: imgbatch [OPTION]... -o DIR INPUT...\n"
	"       imgbatch [OPTION]... --in-place INPUT...\n"
	"       imgbatch [OPTION]... --format FORMAT -o - INPUT|-   (one image, - = stdin)\n"
	"       imgbatch thumbnail [OPTION]... INPUT...   (see imgbatch thumbnail --help)\n"
	"       imgbatch compare [OPTION]... EXPECTED ACTUAL   (see imgbatch compare --help)\n"
	"       imgbatch report [--json] MANIFEST...   (see imgbatch report --help)\n"
	"       imgbatch help [COMMAND] | imgbatch version\n"
	"Resize and convert JPEG, PNG, WebP, GIF, TIFF, HEIC, AVIF and JPEG XL files, and\n"
	"camera RAW previews, on every core.  INPUTs are files and directories (walked\n"
	"recursively), or - for one image on standard input; formats are detected by\n"
	"content.\n"
	"\n";

static int init(struct job *job)
{
	struct convert_settings *cs = calloc(1, sizeof *cs);
	if (!cs)
		return -1;
	pixel_settings_default(&cs->px);
	cs->name_template = OUTPUT_DEFAULT_TEMPLATE;
	cs->quality = 85;
	cs->effort = -1;
	cs->compression = 6;
	cs->colours = 256;
	cs->dither = 1.0;
	cs->background = (struct rgb8){ 255, 255, 255 };
	job->settings = cs;
	return 0;
}

/* The metadata kinds a comma-separated list names (see enum metadata_kind),
 * or -1. */
static int metadata_kinds(const char *list)
{
	static const char *const names[] = { "exif", "gps", "xmp", "iptc", "icc", "comment" };
	unsigned kinds = 0;
	for (const char *p = list, *end; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		size_t n = (size_t)(end - p);
		unsigned kind = n == 3 && !strncmp(p, "all", 3) ? META_ALL : 0;
		for (unsigned i = 0; !kind && i < sizeof names / sizeof *names; i++)
			if (strlen(names[i]) == n && !strncmp(p, names[i], n))
				kind = 1u << i;
		if (!kind)
			return -1;
		kinds |= kind == META_EXIF ? META_EXIF | META_GPS : kind;   /* GPS is in EXIF */
	}
	return kinds ? (int)kinds : -1;
}

/*
 * --strip takes its list after '=' only (getopt's optional argument), so
 * `--strip gps` makes gps an input: refused when no such file exists.
 */
static int check_bare_strip(const struct job *job, FILE *err)
{
	struct stat st;
	for (unsigned i = 0; i < job->nroots; i++)
		if (metadata_kinds(job->roots[i]) >= 0 && lstat(job->roots[i], &st) < 0) {
			fprintf(err, "imgbatch: no file '%s'; to strip it, write --strip=%s\n",
				job->roots[i], job->roots[i]);
			return -1;
		}
	return 0;
}

static int apply_option(struct job *job, int key, const char *arg, FILE *out, FILE *err)
{
	struct convert_settings *cs = job->settings;
	unsigned long long n;
	struct ib_error e;
	switch (key) {
	case KEY_OUTPUT: job->out_dir = arg; break;
	case KEY_NAME:
		if (output_template_check(arg, &e) < 0)
			return cli_bad_value(err, "--name", arg, e.msg);
		cs->name_template = arg;
		cs->name_given = true;
		break;
	case KEY_IN_PLACE: cs->in_place = true; break;
	case KEY_UPDATE: cs->update = true; break;
	case KEY_DRY_RUN: job->dry_run = true; break;
	case KEY_FSYNC: cs->fsync_outputs = true; break;
	case KEY_FORMAT:
		if (strcmp(arg, "same") == 0)
			cs->format = FORMAT_UNKNOWN;
		else if (!can_write(cs->format = format_from_name(arg)))
			return cli_bad_value(err, "--format", arg, "use jpeg, png, webp, avif, tiff, jxl or same");
		break;
	case KEY_QUALITY:
		if (number_parse(arg, 1, 100, &n) < 0)
			return cli_bad_value(err, "--quality", arg, "must be a whole number from 1 to 100");
		cs->quality = (int)n;
		break;
	case KEY_PROGRESSIVE: cs->progressive = true; break;
	case KEY_SUBSAMPLE:
		if (strcmp(arg, "444") && strcmp(arg, "422") && strcmp(arg, "420"))
			return cli_bad_value(err, "--subsample", arg, "use 444, 422 or 420");
		cs->subsample = atoi(arg);
		break;
	case KEY_COMPRESSION:
		if (number_parse(arg, 0, 9, &n) < 0)
			return cli_bad_value(err, "--compression", arg, "must be a whole number from 0 to 9");
		cs->compression = (int)n;
		break;
	case KEY_PALETTE: cs->palette = true; break;
	case KEY_COLOURS:
		if (number_parse(arg, 2, 256, &n) < 0)
			return cli_bad_value(err, "--colours", arg, "must be a whole number from 2 to 256");
		cs->colours = (unsigned)n;
		cs->palette_tuned = true;
		break;
	case KEY_DITHER:
		if (cli_parse_real(arg, 0, 1, &cs->dither) < 0)
			return cli_bad_value(err, "--dither", arg, "must be a number from 0 to 1");
		cs->palette_tuned = true;
		break;
	case KEY_BACKGROUND:
		if (rgb8_parse(arg, &cs->background) < 0)
			return cli_bad_value(err, "--background", arg,
					     "use white, black, #rgb, #rrggbb or R,G,B");
		break;
	case KEY_KEEP:
	case KEY_STRIP: {
		int kinds = metadata_kinds(arg ? arg : "all");
		if (kinds < 0)
			return cli_bad_value(err, key == KEY_KEEP ? "--keep" : "--strip", arg,
					     "use exif, gps, xmp, iptc, icc, comment or all, comma-separated");
		cs->strip_bare |= key == KEY_STRIP && !arg;
		unsigned *on = key == KEY_KEEP ? &cs->meta_keep : &cs->meta_strip;
		unsigned *off = key == KEY_KEEP ? &cs->meta_strip : &cs->meta_keep;
		*on |= (unsigned)kinds;
		*off &= ~(unsigned)kinds;
		break;
	}
	case KEY_PROFILE: cs->profile_name = arg; break;
	case KEY_LOSSLESS: cs->lossless = true; break;
	case KEY_EFFORT:
		if (number_parse(arg, 0, 9, &n) < 0)
			return cli_bad_value(err, "--effort", arg, "must be a whole number from 0 to 9");
		cs->effort = (int)n;
		break;
	default:
		return pixel_apply_option(&cs->px, key, arg, out, err);
	}
	return 0;
}

/* --colours and --dither tune --palette, which writes PNGs only (under
 * --format same it applies to the outputs that are PNG). */
static int palette_validate(const struct convert_settings *cs, FILE *err)
{
	if (cs->palette_tuned && !cs->palette) {
		fputs("imgbatch: --colours and --dither need --palette\n", err);
		return -1;
	}
	if (cs->palette && cs->format != FORMAT_UNKNOWN && cs->format != FORMAT_PNG) {
		fputs("imgbatch: --palette writes PNG only: use --format png (or same)\n", err);
		return -1;
	}
	return 0;
}

static int validate(struct job *job, FILE *err)
{
	struct convert_settings *cs = job->settings;
	if (cs->in_place && job->out_dir) {
		fputs("imgbatch: -o and --in-place exclude each other\n", err);
		return -1;
	}
	if (pipe_validate(job, cs, err) < 0)
		return -1;
	/* stdout is the image: stderr says only what failed, as with --quiet */
	if (pipe_is_stdio(job->out_dir))
		job->progress = PROGRESS_QUIET;
	if (!cs->in_place && !job->out_dir) {
		fputs("imgbatch: say where outputs go: -o DIR (or --in-place)\n", err);
		return -1;
	}
	if (cs->strip_bare && check_bare_strip(job, err) < 0)
		return -1;
	if (job->nroots == 0 && !job->files_from) {
		fputs("imgbatch: no inputs: name files or directories, or use --files-from\n", err);
		return -1;
	}
	/* several inputs: each folder under its own name, as cp -r a b out/ */
	if (!cs->name_given && job->nroots > 1)
		cs->name_template = OUTPUT_ROOTS_TEMPLATE;
	/* libjxl's efforts start at 1; under --format same a JPEG XL input
	 * with --effort 0 fails on its own with the encoder's reason */
	if (cs->format == FORMAT_JXL && cs->effort == 0)
		return cli_bad_value(err, "--effort", "0", "JPEG XL's effort is from 1 to 9");
	if (palette_validate(cs, err) < 0)
		return -1;
	if (cs->px.nsizes && !output_template_needs_size(cs->name_template)) {
		fputs("imgbatch: a list of sizes needs {w} or {h} in --name, "
		      "such as --name '{dir}/{stem}-{w}.{ext}'\n", err);
		return -1;
	}
	return pixel_settings_validate(&cs->px, "imgbatch", err);
}

static int prepare(struct job *job, struct ib_error *err)
{
	struct convert_settings *cs = job->settings;
	if (pipe_prepare(job, &cs->pipe, err) < 0)
		return -1;
	if (cs->profile_name &&
	    icc_profile_make(cs->profile_name, &cs->profile, &cs->profile_len, err) < 0)
		return -1;
	cs->outputs_among_inputs = cs->in_place || scan_inputs_within(job, job->out_dir);
	return 0;
}

/*
 * Two inputs that would write the same output: the later one (in scan order,
 * so the same one whatever -j) fails.  The key is the output name with
 * {w}/{h} unexpanded and the input's format guessed from its extension (the
 * master reads no image); see README for the limits.  Only images write
 * outputs, so a colliding name is sniffed here (rarely) as the worker would.
 */
static enum admit_verdict admit(const struct job *job, const struct wire_task *input,
				enum result_status *status, const char **reason)
{
	struct convert_settings *cs = job->settings;
	const char *dot = strrchr(input->path + input->rel_off, '.');
	enum image_format guess = dot ? format_from_name(dot + 1) : FORMAT_UNKNOWN;
	char key[WIRE_MAX_PATH + 1];
	struct ib_error err;
	const struct codec *codec;
	if (convert_output_name(cs, input, guess, 0, 0, key, sizeof key, &err) < 0 ||
	    keyset_add(&cs->outputs, keyset_hash(key)) != 0)
		return ADMIT_QUEUE;  /* a naming error is the worker's to report */
	if (codec_sniff_path(input->path, &codec) == 1 && !codec) {
		*status = RESULT_SKIPPED;
		*reason = CODEC_NOT_AN_IMAGE;
	} else {
		/* unreadable: the collision is the reason given */
		*status = RESULT_FAILED;
		*reason = "another input of this batch already writes the same output";
	}
	return ADMIT_ACCOUNT;
}

/* --dry-run without --json: a line on stdout per input. */
static void print_plan(FILE *out, const char *input, enum result_status status,
		       const char *reason, const struct wire_result *res)
{
	struct image_result r = { 0 };
	if (status == RESULT_DONE && res) {
		WIRE_PAYLOAD_GET(res, &r);
		fputs("would write ", out);
		text_put(out, res->output);
		fprintf(out, " (%ux%u", r.out_width, r.out_height);
		if (r.outputs > 1)
			fprintf(out, ", and %u smaller", r.outputs - 1);
		fputs(") from ", out);
		text_put(out, input);
	} else {
		fputs(status == RESULT_FAILED ? "would fail " : "would skip ", out);
		text_put(out, input);
		fputs(": ", out);
		text_put(out, reason);
	}
	putc('\n', out);
}

/* The master's account of an input; -o - remembers what was written. */
static void outcome(const struct job *job, struct account *acc, const char *input,
		    size_t rel_off, enum result_status status, const char *reason,
		    const struct wire_result *res)
{
	struct convert_settings *cs = job->settings;
	image_result_outcome(job, acc, input, rel_off, status, reason, res);
	if (job->dry_run && !job->json && status != RESULT_NOT_STARTED)
		print_plan(acc->out, input, status, reason, res);
	if (status == RESULT_DONE && res && res->output[0])
		pipe_note_output(&cs->pipe, res->output);
}

static int finish(const struct job *job, struct account *acc)
{
	const struct convert_settings *cs = job->settings;
	if (job->dry_run && job->progress != PROGRESS_QUIET)
		fputs("imgbatch: dry run: nothing was written; \"done\" below means it would be\n",
		      acc->err);
	return pipe_finish(&cs->pipe, acc->err);
}

static void release(struct job *job)
{
	struct convert_settings *cs = job->settings;
	if (cs) {
		keyset_free(&cs->outputs);
		pipe_release(&cs->pipe);
		free(cs->profile);
	}
	free(cs);
	job->settings = NULL;
}

enum image_format convert_output_format(const struct convert_settings *cs,
					enum image_format in_format)
{
	if (cs->format != FORMAT_UNKNOWN)
		return cs->format;
	const struct codec *codec = codec_for_format(in_format);
	return codec ? codec->write_as : in_format;
}

int convert_output_name(const struct convert_settings *cs, const struct wire_task *input,
			enum image_format in_format, uint32_t w, uint32_t h, char *buf,
			size_t cap, struct ib_error *err)
{
	const char *rel = input->path + input->rel_off;
	char root[256] = "";
	if (cs->in_place) {
		/* beside the input: its own name, no folders of the tree */
		const char *slash = strrchr(rel, '/');
		rel = slash ? slash + 1 : rel;
	} else {
		wire_task_root(input, root, sizeof root);
	}
	return output_expand(cs->name_template, rel, root, in_format,
			     convert_output_format(cs, in_format), w, h, buf, cap, err);
}

const struct command convert_command = {
	.name = "convert",
	.invocation = "imgbatch",
	.summary = "resize, filter and convert images (the default command)",
	.usage = usage,
	.groups = groups,
	.epilogue = cli_exit_status_text,
	.item_noun = "files",
	.item_one = "file",
	.done_word = "done",
	.init = init,
	.apply_option = apply_option,
	.validate = validate,
	.prepare = prepare,
	.admit = admit,
	.worker_start = convert_worker_start,
	.run = convert_run,
	.worker_stop = convert_worker_stop,
	.outcome = outcome,
	.finish = finish,
	.release = release,
};
