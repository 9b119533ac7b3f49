/* imgbatch compare between directories: the actual images that have no
 * expected one.  The pool walks the expected side; this walk of the actual
 * side runs in the master first and accounts each such image as new. */
#ifndef IMGBATCH_COMPARE_NEW_IMAGES_H
#define IMGBATCH_COMPARE_NEW_IMAGES_H

#include "engine/account.h"
#include "engine/job.h"
#include "util/error.h"

/* Accounts the new images in acc (with --update-golden, copies them to the
 * expected side first).  -1 when the actual directory cannot be walked. */
int compare_account_new(const struct job *job, struct account *acc, struct ib_error *err);

#endif
