/*
 * Run marks: how a run finds the temp files that a dead run left in an
 * output tree.  Each run writing under -o holds DIR/.imgbatch-run-<id>
 * (locked with flock() for the master's lifetime) and names its temp files
 * .imgbatch-tmp-<id>-<pid>-<n> (see atomic.h).  A mark whose lock can be
 * taken belongs to a run that died without cleaning up (its master was
 * SIGKILLed, the machine lost power): the next run into the same tree
 * removes that run's temp files and its mark.  Live runs, concurrent shards
 * on a shared filesystem among them, hold their locks and are never touched.
 */
#ifndef IMGBATCH_DISK_RUNMARK_H
#define IMGBATCH_DISK_RUNMARK_H

#include <stddef.h>

#include "util/error.h"

#define RUNMARK_PREFIX ".imgbatch-run-"
/* A run id: "<host>-<master pid>", host cut to 64 safe characters. */
#define RUNMARK_ID_MAX 96

/* This process's run id (host name with odd bytes replaced, then pid). */
void runmark_make_id(char *id, size_t cap);

/* Creates and locks root_fd/RUNMARK_PREFIX<id>; returns its fd or -1. */
int runmark_claim(int root_fd, const char *id, struct ib_error *err);

/* Removes the mark of a run that ends normally and closes mark_fd. */
void runmark_release(int root_fd, int mark_fd, const char *id);

/* Finds dead runs' marks in root_fd, removes their temp files anywhere below
 * root_fd (symlinks are not followed) and then the marks.  Returns how many
 * temp files it removed. */
unsigned long runmark_sweep_dead(int root_fd);

/* Removes the temp files of run id anywhere below root_fd (the mark
 * stays); for a run whose workers died mid-write.  Returns how many. */
unsigned long runmark_sweep_run(int root_fd, const char *id);

#endif
