/* How many tasks the master hands a worker at once (--chunk auto). */
#ifndef IMGBATCH_ENGINE_CHUNK_H
#define IMGBATCH_ENGINE_CHUNK_H

#include <stdbool.h>
#include <stddef.h>

/* Upper bound of an automatic chunk: beyond this, a chunk only adds to the
 * work a crash or Ctrl-C puts back in question, for no measurable gain. */
#define CHUNK_AUTO_MAX 64

/*
 * The size of the next chunk.
 *   requested: --chunk N, or 0 for auto;
 *   queued:    tasks scanned and waiting for a worker;
 *   scan_done: whether the scan has finished (queued is then all there is);
 *   workers:   pool size.
 *
 * Auto follows Python's Pool rule ceil(n / (4 * workers)), applied to the
 * backlog the master can see rather than to an unknown total: while the scan
 * streams, the backlog is a bounded window, so chunks grow as the queue fills
 * and stay small while work trickles in (first files start at once); near
 * the end, when the scan is done and the queue drains, chunks shrink so that
 * no worker is left holding a long tail while the others idle.  Never more
 * than queued, never less than 1 (when queued > 0).
 */
size_t chunk_next_size(size_t requested, size_t queued, bool scan_done, unsigned workers);

#endif
