#include "config.h"
#include "pipeline/image_result.h"

#include "codec/codec.h"
#include "pipeline/pipeline.h"
#include "util/json.h"

struct image_line {
	const struct outcome *oc;
	const char *output;             /* NULL when nothing was written */
	const struct image_result *img; /* NULL when no worker ran it */
	bool size_list;
};

static const char *format_name(uint8_t format)
{
	const struct codec *c = codec_for_format((enum image_format)format);
	return c ? c->name : NULL;
}

static void put_sizes(FILE *out, const struct outcome *oc, const struct image_result *img,
		      bool size_list)
{
	const struct wire_result *r = oc->res;
	const char *in_fmt = format_name(img->in_format), *out_fmt = format_name(img->out_format);
	if (in_fmt)
		fprintf(out, ",\"format\":\"%s\"", in_fmt);
	if (img->in_width)
		fprintf(out, ",\"width\":%u,\"height\":%u", img->in_width, img->in_height);
	fprintf(out, ",\"bytes\":%llu", (unsigned long long)r->in_bytes);
	if (oc->status == RESULT_DONE && out_fmt)
		fprintf(out, ",\"output_format\":\"%s\",\"output_width\":%u,"
			"\"output_height\":%u,\"output_bytes\":%llu",
			out_fmt, img->out_width, img->out_height, (unsigned long long)r->out_bytes);
	if (oc->status == RESULT_DONE && size_list)
		fprintf(out, ",\"outputs\":%u", img->outputs);
	if (oc->status == RESULT_DONE && img->embedded)
		fputs(",\"embedded\":true", out);
	fprintf(out, ",\"ms\":%.3f,\"worker\":%d", (double)r->usec / 1000.0, r->worker_pid);
}

static void write_line(FILE *out, const void *ctx)
{
	const struct image_line *l = ctx;
	const struct outcome *oc = l->oc;
	fprintf(out, "{\"type\":\"file\",\"status\":\"%s\"", account_status_name(oc->status));
	account_put_path(out, "input", oc->input);
	if (l->output)
		account_put_path(out, "output", l->output);
	if (oc->reason[0]) {
		fprintf(out, ",\"%s\":", oc->status == RESULT_DONE ? "warning" : "reason");
		json_put_string(out, oc->reason);
	}
	if (l->img)
		put_sizes(out, oc, l->img, l->size_list);
	fputs("}\n", out);
}

void image_result_outcome(const struct job *job, struct account *acc, const char *input,
			  size_t rel_off, enum result_status status, const char *reason,
			  const struct wire_result *res)
{
	const struct pixel_settings *px = job->settings;   /* their first member */
	struct image_result img;
	struct outcome oc = { .input = input, .status = status, .reason = reason, .res = res };
	struct image_line line = { .oc = &oc, .size_list = px->nsizes > 0 };
	(void)rel_off;
	if (res) {
		WIRE_PAYLOAD_GET(res, &img);
		line.img = &img;
		line.output = status == RESULT_DONE && res->output[0] ? res->output : NULL;
	}
	account_count(acc, &oc);
	account_emit(acc, write_line, &line);
}
