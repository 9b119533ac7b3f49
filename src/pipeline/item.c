#include "config.h"
#include "pipeline/item.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec/exif.h"
#include "util/file.h"

void item_worker_init(struct item_worker *w, const struct pixel_settings *px,
		      uint64_t max_input_size)
{
	memset(w, 0, sizeof *w);
	w->px = px;
	w->max_input_size = max_input_size;
}

void item_worker_release(struct item_worker *w)
{
	free(w->file_buf);
	w->file_buf = NULL;
	w->file_cap = 0;
}

void item_init(struct item *it, const struct wire_task *task)
{
	memset(it, 0, sizeof *it);
	it->path = task->path;
	it->named = task->named;
	it->in_fd = -1;
}

/*
 * Reads up to len bytes of it's file after its in_len, stopping early at the
 * end, which sets in_whole.  A read that ends exactly at the size fstat gave,
 * having asked for more, is the end too: a regular file reads short only
 * there, and trusting it spares the read() that would return 0 (two of a
 * small file's three reads, with item_open asking for all of it at once).
 */
static int read_more(struct item *it, uint8_t *buf, size_t len, struct ib_error *err)
{
	uint64_t size = (uint64_t)it->in_st.st_size;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(it->in_fd, buf + it->in_len, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ib_fail_errno(err, errno, "read error");
		got += (size_t)n;
		it->in_len += (size_t)n;
		if (n == 0 || (it->in_len == size && got < len)) {
			it->in_whole = true;
			break;
		}
	}
	return 0;
}

static int ensure_file_buffer(struct item_worker *w, size_t len, struct ib_error *err)
{
	if (len <= w->file_cap)
		return 0;
	uint8_t *p = realloc(w->file_buf, len);
	if (!p)
		return ib_fail(err, "out of memory reading a %zu-byte file", len);
	w->file_buf = p;
	w->file_cap = len;
	return 0;
}

/* Files under this size are read whole by item_open, before the format is
 * known: S3's 8-KB PNGs in one read(). */
#define ITEM_WHOLE_READ (64 * 1024)

int item_open(struct item_worker *w, struct item *it, struct wire_result *res,
	      struct ib_error *err)
{
	it->in_fd = open(it->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (it->in_fd < 0 || fstat(it->in_fd, &it->in_st) < 0)
		return ib_fail_errno(err, errno, "cannot open input");
	if (!S_ISREG(it->in_st.st_mode)) {
		res->status = RESULT_SKIPPED;
		return ib_fail(err, "not a regular file");
	}
	res->in_bytes = (uint64_t)it->in_st.st_size;
	/* a small file is read whole at once (one read() instead of three);
	 * of a larger one only what tells its format before it is known */
	size_t first = it->in_st.st_size < ITEM_WHOLE_READ ? (size_t)it->in_st.st_size + 1
							   : CODEC_SNIFF_BYTES;
	if (ensure_file_buffer(w, first, err) < 0 || read_more(it, w->file_buf, first, err) < 0)
		return -1;
	it->codec = codec_sniff(w->file_buf, it->in_len);
	if (!it->codec) {
		/* found in a folder, it is one of the other files there; named, it
		 * was meant to be read */
		res->status = it->named ? RESULT_FAILED : RESULT_SKIPPED;
		const char *other = codec_unsupported_format(w->file_buf, it->in_len);
		return other ? ib_fail(err, "unsupported format %s", other)
			     : ib_fail(err, CODEC_NOT_AN_IMAGE);
	}
	it->info.in_format = (uint8_t)it->codec->format;
	return 0;
}

/* Reads the rest of the file after the sniffed bytes.  The file may have
 * changed size since fstat: read until EOF, but never past the cap. */
static int read_rest(struct item_worker *w, struct item *it, struct ib_error *err)
{
	uint64_t max = w->max_input_size;
	if (max && (uint64_t)it->in_st.st_size > max)
		return file_too_large((uint64_t)it->in_st.st_size, max, err);
	size_t want = (size_t)it->in_st.st_size + 1;  /* +1 to notice growth */
	while (!it->in_whole) {
		if (max && want > max + 1)
			want = (size_t)max + 1;   /* one byte past the cap tells */
		if (it->in_len == want) {         /* the buffer is full: it grew */
			if (max && it->in_len > max)
				return file_too_large(it->in_len, max, err);
			want *= 2;
			continue;
		}
		if (ensure_file_buffer(w, want, err) < 0 ||
		    read_more(it, w->file_buf, want - it->in_len, err) < 0)
			return -1;
	}
	return 0;
}

/* Whether a w x h thumbnail has the aspect ratio of a W x H image, within
 * 1% (a letterboxed one does not). */
static bool same_aspect(uint32_t w, uint32_t h, uint32_t W, uint32_t H)
{
	return fabs((double)w * H - (double)h * W) <= 0.01 * (double)W * h;
}

/*
 * --embedded: a JPEG's EXIF thumbnail becomes the source when it covers the
 * load size that every output needs (a leading downscale; 0 when a filter
 * needs the full image) and has the image's aspect ratio.  The outputs stay
 * those planned from the image itself.  Any doubt keeps the image.
 */
static void use_embedded_thumbnail(struct item *it)
{
	const struct image_info *full = &it->dec.info;
	const struct plan *p = &it->plans[0];   /* the load size is the same in all */
	struct decoder thumb = { .codec = &codec_jpeg, .fail_on = it->dec.fail_on };
	struct ib_error ignored;
	if (!full->thumb || !p->load_w || !p->load_h || !(it->embedded = malloc(full->thumb_len)))
		return;
	memcpy(it->embedded, full->thumb, full->thumb_len);
	if (codec_jpeg.open(&thumb, it->embedded, full->thumb_len, &ignored) < 0)
		goto keep_image;
	bool swap = exif_swaps_axes(p->orientation);
	uint32_t up_w = swap ? thumb.info.height : thumb.info.width;
	uint32_t up_h = swap ? thumb.info.width : thumb.info.height;
	/* the outputs carry the image's metadata, not the thumbnail's */
	struct metadata meta = full->meta;
	if (up_w < p->load_w || up_h < p->load_h ||
	    !same_aspect(thumb.info.width, thumb.info.height, full->width, full->height) ||
	    metadata_copy(&meta, &it->embedded_meta) < 0) {
		codec_jpeg.close(&thumb);
		goto keep_image;
	}
	it->dec.codec->close(&it->dec);
	it->dec = thumb;
	it->dec.info.meta = meta;
	it->info.embedded = 1;
	return;
keep_image:
	free(it->embedded);
	it->embedded = NULL;
}

int item_plan(struct item_worker *w, struct item *it, struct wire_result *res,
	      struct ib_error *err)
{
	(void)res;
	if (read_rest(w, it, err) < 0)
		return -1;
	/* a TIFF-based camera RAW shows only in the whole file (codec_sniff) */
	if (it->codec == &codec_tiff) {
		it->codec = codec_sniff(w->file_buf, it->in_len);
		it->info.in_format = (uint8_t)it->codec->format;
	}
	it->dec.codec = it->codec;
	it->dec.fail_on = w->px->fail_on;
	if (it->codec->open(&it->dec, w->file_buf, it->in_len, err) < 0)
		return -1;
	it->dec_open = true;
	it->info.in_width = it->dec.info.width;
	it->info.in_height = it->dec.info.height;
	pipeline_plan(w->px, &it->dec.info, it->plans);
	it->noutputs = pipeline_outputs(w->px);
	if (pipeline_check_plan(w->px, it->plans, err) < 0)
		return -1;
	if (w->px->embedded)
		use_embedded_thumbnail(it);
	return 0;
}

static uint64_t branch_area(const struct item *it, unsigned branch, unsigned i)
{
	const struct step_plan *sp = &it->plans[i].steps[branch];
	return (uint64_t)sp->resize_w * sp->resize_h;
}

/* Output indexes by the size of their branch resize, largest first (a
 * stable insertion sort: at most PIPELINE_MAX_SIZES of them). */
static void largest_first(const struct item *it, unsigned branch, unsigned *order)
{
	for (unsigned i = 0; i < it->noutputs; i++) {
		unsigned j = i;
		for (; j > 0 && branch_area(it, branch, order[j - 1]) < branch_area(it, branch, i); j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}

/* --embedded: the EXIF thumbnail's header was sound but its data is not;
 * the main image, still in the file buffer, is decoded instead. */
static int fall_back_to_image(struct item_worker *w, struct item *it, struct ib_error *err)
{
	it->dec.codec->close(&it->dec);
	it->dec_open = false;
	free(it->embedded);
	it->embedded = NULL;
	it->info.embedded = 0;
	it->dec = (struct decoder){ .codec = it->codec, .fail_on = w->px->fail_on };
	if (it->codec->open(&it->dec, w->file_buf, it->in_len, err) < 0)
		return -1;
	it->dec_open = true;
	return pipeline_run(w->px, &it->plans[0], &it->dec, &it->img, err);
}

int item_make_outputs(struct item_worker *w, struct item *it, item_writer write, void *ctx,
		      struct wire_result *res, struct ib_error *err)
{
	const struct pixel_settings *px = w->px;
	unsigned order[PIPELINE_MAX_SIZES];
	if (pipeline_run(px, &it->plans[0], &it->dec, &it->img, err) < 0 &&
	    (!it->info.embedded || fall_back_to_image(w, it, err) < 0))
		return -1;
	if (!px->nsizes)
		return write(ctx, it, 0, &it->img, res, err);
	largest_first(it, px->branch, order);
	for (unsigned k = 0; k < it->noutputs; k++) {
		unsigned i = order[k];
		if (pipeline_branch(px, &it->plans[i], &it->img, &it->resized, &it->out, err) < 0 ||
		    write(ctx, it, i, &it->out, res, err) < 0)
			return -1;
		image_free(&it->out);
	}
	return 0;
}

void item_count_output(struct item *it, const struct image *img, uint64_t bytes,
		       struct wire_result *res)
{
	if (it->info.outputs == 0) {
		it->info.out_width = img->width;
		it->info.out_height = img->height;
	}
	it->info.outputs++;
	res->out_bytes += bytes;
}

int item_write_failed(struct wire_result *res, const struct ib_error *err)
{
	res->write_errno = err->errnum;
	return -1;
}

void item_finish(struct item *it, int ok, const struct ib_error *err, struct wire_result *res)
{
	if (ok == 0) {
		res->status = RESULT_DONE;
		/* A done result's reason is its warning (see image_result). */
		wire_result_set_reason(res, it->dec.warning);
	} else {
		if (res->status != RESULT_SKIPPED)
			res->status = RESULT_FAILED;
		wire_result_set_reason(res, err->msg);
	}
	WIRE_PAYLOAD_PUT(res, &it->info);
	if (it->dec_open)
		it->dec.codec->close(&it->dec);
	free(it->embedded);
	free(it->embedded_meta);
	image_free(&it->img);
	image_free(&it->resized);
	image_free(&it->out);
	if (it->in_fd >= 0)
		close(it->in_fd);
}
