/* Where an input's output goes: template expansion and the checks that keep
 * every output inside the output directory.  Pure string work, no I/O. */
#ifndef IMGBATCH_DISK_OUTPUT_NAME_H
#define IMGBATCH_DISK_OUTPUT_NAME_H

#include <stddef.h>
#include <stdint.h>

#include "codec/codec.h"
#include "util/error.h"

#define OUTPUT_DEFAULT_TEMPLATE "{dir}/{stem}.{ext}"
/* With several inputs, each folder goes under its own name. */
#define OUTPUT_ROOTS_TEMPLATE "{root}/{dir}/{stem}.{ext}"

/* Checks a --name template: known {fields} only, no absolute path, no ".."
 * component, something after the last '/'. */
int output_template_check(const char *tmpl, struct ib_error *err);

/* True when the template uses {w} or {h}, whose values are known only after
 * decoding the header. */
int output_template_needs_size(const char *tmpl);

/*
 * Expands tmpl for an input whose path relative to its root is rel (e.g.
 * "2024/img 1.JPG") into buf, a path relative to the output directory.
 * {dir} is rel's directory ("" at the top; an empty leading component is
 * dropped), {root} the name of the input folder rel was found in ("" for
 * none; a name with a '/' or that is "." or ".." fails), {stem} its name without the last extension, {ext} the output
 * extension: the input's own when out_format equals in_format and it has
 * one, else the codec's canonical one.  {w} and {h} print w and h (pass 0 to
 * leave them as "{w}"/"{h}", which output collision keys use).
 * Fails when rel or the result is absolute, has a ".." component, an empty
 * name, or does not fit cap.
 */
int output_expand(const char *tmpl, const char *rel, const char *root,
		  enum image_format in_format,
		  enum image_format out_format, uint32_t w, uint32_t h,
		  char *buf, size_t cap, struct ib_error *err);

/* The part of a --files-from or argv path that is mirrored under -o:
 * leading "/" and "./" components removed.  Returns a pointer into path. */
const char *output_mirror_part(const char *path);

#endif
