/*
 * The D-Bus thumbnailer's requests (thumbnail --serve): the URIs each
 * Queue() call asked for, kept in the order the schedulers serve them until
 * every URI is answered.  No D-Bus here: serve.c speaks the protocol and
 * asks this queue what to do next.
 *
 * Order: requests of the "foreground" scheduler first, the newest of them
 * first (the folder the user just opened); then "default" and "background"
 * ones in the order they came.  A request is started (Started signal) when
 * its first URI is taken and finished (Finished) when its last URI is
 * answered; Dequeue() drops the URIs not taken yet.
 */
#ifndef IMGBATCH_THUMBNAIL_REQUESTS_H
#define IMGBATCH_THUMBNAIL_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "thumbnail/spec.h"
#include "util/error.h"

enum thumb_scheduler {
	SCHEDULER_DEFAULT,
	SCHEDULER_FOREGROUND,
	SCHEDULER_BACKGROUND,
	SCHEDULER_COUNT
};

/* The scheduler's name as D-Bus clients give it; -1 when unknown. */
int thumb_scheduler_parse(const char *name);
const char *thumb_scheduler_name(enum thumb_scheduler scheduler);

/* The size a flavor ("normal", "large", "x-large", "xx-large") stands for;
 * THUMB_NSIZES when it is none of them. */
enum thumb_size thumb_flavor_parse(const char *flavor);

struct thumb_request {
	uint32_t handle;
	enum thumb_size flavor;       /* THUMB_NSIZES: unknown, every URI fails */
	enum thumb_scheduler scheduler;
	char **uris;                  /* as the client gave them */
	size_t nuris;
	size_t next;                  /* the first URI not taken yet */
	size_t outstanding;           /* taken, not answered */
	bool started;
	bool dequeued;
};

struct thumb_requests {
	struct thumb_request **list;  /* in the order they came */
	size_t len, cap;
	uint32_t last_handle;
	uint64_t uris_waiting;        /* not taken yet, over every request */
};

void thumb_requests_init(struct thumb_requests *q);
void thumb_requests_release(struct thumb_requests *q);

/* Adds a request (copying the URIs); 0 with *handle set, or -1 (out of
 * memory, nothing added). */
int thumb_requests_add(struct thumb_requests *q, const char *const *uris, size_t nuris,
		       enum thumb_size flavor, enum thumb_scheduler scheduler, uint32_t *handle);

/* The request with handle, or NULL. */
struct thumb_request *thumb_requests_find(const struct thumb_requests *q, uint32_t handle);

/* Drops the URIs of handle not taken yet; false when no such request. */
bool thumb_requests_dequeue(struct thumb_requests *q, uint32_t handle);

/* The request whose URI goes next (see the order above), or NULL when no
 * URI waits.  The caller takes its URI next (thumb_request_take) or,
 * when the request cannot run (unknown flavor), answers all its URIs. */
struct thumb_request *thumb_requests_next(const struct thumb_requests *q);

/* Takes r's next URI: its index. */
size_t thumb_request_take(struct thumb_requests *q, struct thumb_request *r);

/* Takes every URI r has left, to be answered at once (an unknown flavor);
 * returns how many. */
size_t thumb_request_take_all(struct thumb_requests *q, struct thumb_request *r);

/* One taken URI of r is answered; true when r is now finished (all taken
 * and answered, or dequeued and the taken ones answered): the caller says
 * Finished and removes it. */
bool thumb_request_answered(struct thumb_request *r);

/* Whether r has nothing left to take or answer. */
bool thumb_request_done(const struct thumb_request *r);

/* Removes and frees r. */
void thumb_requests_remove(struct thumb_requests *q, struct thumb_request *r);

/*
 * The local path a URI names, for a request: "file://" URIs of absolute,
 * normalised paths only (no "." or ".." component, no "//"), decoded.
 * 0, or -1 with err saying why the URI is refused.
 */
int thumb_request_path(const char *uri, char *path, size_t cap, struct ib_error *err);

#endif
