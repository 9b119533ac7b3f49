/* Libraries loaded on first use (libheif, libjxl): imgbatch does not link
 * them, so a run that never meets their formats does not pay for loading
 * them and their codecs.  `what` starts each reason ("HEIF", "JPEG XL"). */
#ifndef IMGBATCH_UTIL_DYNLIB_H
#define IMGBATCH_UTIL_DYNLIB_H

#include "util/error.h"

/* The library soname, loaded with every symbol bound now; NULL with
 * "WHAT: cannot load SONAME: why" in err. */
void *dynlib_open(const char *what, const char *soname, struct ib_error *err);

/* The address of lib's symbol name; NULL with "WHAT: SONAME has no NAME"
 * in err. */
void *dynlib_symbol(void *lib, const char *what, const char *soname, const char *name,
		    struct ib_error *err);

#endif
