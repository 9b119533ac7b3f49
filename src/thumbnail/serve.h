/* imgbatch thumbnail --serve: the Thumbnailer1 D-Bus service (serve.c). */
#ifndef IMGBATCH_THUMBNAIL_SERVE_H
#define IMGBATCH_THUMBNAIL_SERVE_H

#include <stdio.h>

#include "thumbnail/thumbnail.h"

/* Checks --serve's company and swaps the command's hooks for the
 * service's; -1 after printing an error. */
int thumbnail_serve_validate(struct job *job, FILE *err);

#endif
