#include "config.h"
#include "pipeline/pipeline.h"

#include "pipeline/attention.h"

#include "codec/exif.h"
#include "resample/resize.h"

/* --crop applies to resize steps that name both sides in pixels. */
static bool step_crops(const struct pixel_settings *px, const struct geometry *g)
{
	return px->crop && g->has_width && g->has_height && !(g->flags & GEOM_PERCENT);
}

/* The geometry of resize step i in the plan of output `size`. */
static const struct geometry *step_geometry(const struct pixel_settings *px, unsigned i, unsigned size)
{
	return px->nsizes && i == px->branch ? &px->sizes[size] : &px->steps[i].geometry;
}

static void plan_resize(const struct pixel_settings *px, const struct geometry *g, uint32_t in_w,
			uint32_t in_h, struct step_plan *sp)
{
	geometry_apply(g, in_w, in_h, &sp->resize_w, &sp->resize_h);
	sp->out_w = sp->resize_w;
	sp->out_h = sp->resize_h;
	if (step_crops(px, g)) {
		if ((uint32_t)g->width < sp->out_w)
			sp->out_w = (uint32_t)g->width;
		if ((uint32_t)g->height < sp->out_h)
			sp->out_h = (uint32_t)g->height;
	}
}

static void plan_filter(const struct step *s, uint32_t in_w, uint32_t in_h,
			struct step_plan *sp)
{
	sp->out_w = in_w;
	sp->out_h = in_h;
	if (s->filter->output_size)
		s->filter->output_size(&s->params, in_w, in_h, &sp->out_w, &sp->out_h);
}

static void plan_one(const struct pixel_settings *px, const struct image_info *info, unsigned size,
		     struct plan *p)
{
	p->orientation = px->auto_orient ? info->orientation : 1;
	bool swap = exif_swaps_axes(p->orientation);
	p->upright_w = swap ? info->height : info->width;
	p->upright_h = swap ? info->width : info->height;
	uint32_t w = p->upright_w, h = p->upright_h;
	for (unsigned i = 0; i < px->nsteps; i++) {
		const struct step *s = &px->steps[i];
		struct step_plan *sp = &p->steps[i];
		if (s->kind == STEP_RESIZE)
			plan_resize(px, step_geometry(px, i, size), w, h, sp);
		else
			plan_filter(s, w, h, sp);
		w = sp->out_w;
		h = sp->out_h;
	}
	p->final_w = w;
	p->final_h = h;
}

/* The name of step i, for reasons: "-r 300%" or the filter's name. */
static const char *step_name(const struct pixel_settings *px, unsigned i)
{
	return px->steps[i].kind == STEP_RESIZE ? "-r" : px->steps[i].filter->name;
}

static bool over_limit(uint64_t w, uint64_t h, uint64_t max_pixels)
{
	return max_pixels && w * h > max_pixels;
}

int pipeline_check_plan(const struct pixel_settings *px, const struct plan *plans,
			struct ib_error *err)
{
	for (unsigned o = 0; o < pipeline_outputs(px); o++) {
		for (unsigned i = 0; i < px->nsteps; i++) {
			const struct step_plan *sp = &plans[o].steps[i];
			uint64_t w = sp->out_w, h = sp->out_h;
			if (px->steps[i].kind == STEP_RESIZE && sp->resize_w * (uint64_t)sp->resize_h > w * h) {
				w = sp->resize_w;
				h = sp->resize_h;
			}
			if (over_limit(w, h, px->max_pixels))
				return ib_fail(err, "%s would make a %llux%llu image, over --max-pixels %llu",
					       step_name(px, i), (unsigned long long)w,
					       (unsigned long long)h,
					       (unsigned long long)px->max_pixels);
		}
	}
	return 0;
}

unsigned pipeline_outputs(const struct pixel_settings *px)
{
	return px->nsizes ? px->nsizes : 1;
}

void pipeline_plan(const struct pixel_settings *px, const struct image_info *info, struct plan *plans)
{
	/* Only a leading resize lets the decoder shrink: a filter first needs
	 * the full picture. */
	bool resize_first = px->nsteps > 0 && px->steps[0].kind == STEP_RESIZE;
	uint32_t load_w = 0, load_h = 0;
	unsigned n = pipeline_outputs(px);

	for (unsigned i = 0; i < n; i++) {
		plan_one(px, info, i, &plans[i]);
		if (resize_first && plans[i].steps[0].resize_w > load_w)
			load_w = plans[i].steps[0].resize_w;
		if (resize_first && plans[i].steps[0].resize_h > load_h)
			load_h = plans[i].steps[0].resize_h;
	}
	for (unsigned i = 0; i < n; i++) {
		plans[i].load_w = load_w;
		plans[i].load_h = load_h;
	}
}

/* Replaces *img by *next. */
static void replace_image(struct image *img, struct image *next)
{
	image_free(img);
	*img = *next;
}

/* Where the out_w x out_h box --crop keeps lies in img. */
static int crop_box(const struct pixel_settings *px, const struct image *img, uint32_t out_w,
		    uint32_t out_h, uint32_t *x, uint32_t *y, struct ib_error *err)
{
	if (px->smart_crop)
		return attention_box(img, out_w, out_h, x, y, err);
	gravity_offset(px->gravity, img->width, img->height, out_w, out_h, x, y);
	return 0;
}

static int run_resize(const struct pixel_settings *px, const struct step_plan *sp, struct image *img,
		      struct ib_error *err)
{
	struct image next = { 0 };

	if (img->width != sp->resize_w || img->height != sp->resize_h) {
		if (resize_image(img, sp->resize_w, sp->resize_h, &px->resize, &next, err) < 0)
			return -1;
		replace_image(img, &next);
	}
	if (img->width != sp->out_w || img->height != sp->out_h) {
		uint32_t x, y;
		if (crop_box(px, img, sp->out_w, sp->out_h, &x, &y, err) < 0 ||
		    image_crop(img, x, y, sp->out_w, sp->out_h, &next, err) < 0)
			return -1;
		replace_image(img, &next);
	}
	return 0;
}

static int run_filter(const struct step *s, const struct step_plan *sp, struct image *img,
		      struct ib_error *err)
{
	if (s->filter->apply(&s->params, img, err) < 0)
		return -1;
	if (img->width != sp->out_w || img->height != sp->out_h)
		return ib_fail(err, "%s: made %ux%u where %ux%u was planned (a bug)",
			       s->filter->name, img->width, img->height, sp->out_w, sp->out_h);
	return 0;
}

/* Runs steps [from, to) of the plan. */
static int run_steps(const struct pixel_settings *px, const struct plan *p, unsigned from, unsigned to,
		     struct image *img, struct ib_error *err)
{
	for (unsigned i = from; i < to; i++) {
		const struct step *s = &px->steps[i];
		int r = s->kind == STEP_RESIZE ? run_resize(px, &p->steps[i], img, err)
					       : run_filter(s, &p->steps[i], img, err);
		if (r < 0)
			return -1;
	}
	return 0;
}

int pipeline_run(const struct pixel_settings *px, const struct plan *p, struct decoder *dec,
		 struct image *img, struct ib_error *err)
{
	bool swap = exif_swaps_axes(p->orientation);
	uint32_t min_w = swap ? p->load_h : p->load_w;
	uint32_t min_h = swap ? p->load_w : p->load_h;

	if (dec->codec->decode(dec, min_w, min_h, px->max_pixels, img, err) < 0)
		return -1;
	if ((p->orientation != 1 && exif_apply_orientation(img, p->orientation, err) < 0) ||
	    run_steps(px, p, 0, px->branch, img, err) < 0) {
		image_free(img);
		return -1;
	}
	return 0;
}

int pipeline_branch(const struct pixel_settings *px, const struct plan *p, const struct image *base,
		    struct image *prev, struct image *out, struct ib_error *err)
{
	const struct step_plan *sp = &p->steps[px->branch];
	bool prev_will_do = prev->pixels && prev->width >= sp->resize_w &&
			    prev->height >= sp->resize_h;
	struct image resized = { 0 };
	uint32_t x, y;

	if (resize_image(prev_will_do ? prev : base, sp->resize_w, sp->resize_h, &px->resize,
			 &resized, err) < 0)
		return -1;
	replace_image(prev, &resized);
	if (crop_box(px, prev, sp->out_w, sp->out_h, &x, &y, err) < 0 ||
	    image_crop(prev, x, y, sp->out_w, sp->out_h, out, err) < 0)
		return -1;
	if (run_steps(px, p, px->branch + 1, px->nsteps, out, err) < 0) {
		image_free(out);
		return -1;
	}
	return 0;
}
