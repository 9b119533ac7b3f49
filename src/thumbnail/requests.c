#include "config.h"
#include "thumbnail/requests.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const scheduler_names[SCHEDULER_COUNT] = {
	[SCHEDULER_DEFAULT] = "default",
	[SCHEDULER_FOREGROUND] = "foreground",
	[SCHEDULER_BACKGROUND] = "background",
};

int thumb_scheduler_parse(const char *name)
{
	for (int s = 0; s < SCHEDULER_COUNT; s++)
		if (strcmp(name, scheduler_names[s]) == 0)
			return s;
	return -1;
}

const char *thumb_scheduler_name(enum thumb_scheduler scheduler)
{
	return (unsigned)scheduler < SCHEDULER_COUNT ? scheduler_names[scheduler] : NULL;
}

enum thumb_size thumb_flavor_parse(const char *flavor)
{
	for (int s = 0; s < THUMB_NSIZES; s++)
		if (strcmp(flavor, thumb_size_dir((enum thumb_size)s)) == 0)
			return (enum thumb_size)s;
	return THUMB_NSIZES;
}

void thumb_requests_init(struct thumb_requests *q)
{
	memset(q, 0, sizeof *q);
}

static void request_free(struct thumb_request *r)
{
	for (size_t i = 0; i < r->nuris; i++)
		free(r->uris[i]);
	free(r->uris);
	free(r);
}

void thumb_requests_release(struct thumb_requests *q)
{
	for (size_t i = 0; i < q->len; i++)
		request_free(q->list[i]);
	free(q->list);
	thumb_requests_init(q);
}

static struct thumb_request *request_new(const char *const *uris, size_t nuris)
{
	struct thumb_request *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->uris = calloc(nuris ? nuris : 1, sizeof *r->uris);
	if (!r->uris) {
		free(r);
		return NULL;
	}
	for (r->nuris = 0; r->nuris < nuris; r->nuris++) {
		r->uris[r->nuris] = strdup(uris[r->nuris]);
		if (!r->uris[r->nuris]) {
			request_free(r);
			return NULL;
		}
	}
	return r;
}

/* Handles count up from 1 (0 means "none" to Queue's handle_to_unqueue),
 * skipping any still in use after a wrap. */
static uint32_t next_handle(struct thumb_requests *q)
{
	do {
		if (++q->last_handle == 0)
			q->last_handle = 1;
	} while (thumb_requests_find(q, q->last_handle));
	return q->last_handle;
}

int thumb_requests_add(struct thumb_requests *q, const char *const *uris, size_t nuris,
		       enum thumb_size flavor, enum thumb_scheduler scheduler, uint32_t *handle)
{
	if (q->len == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct thumb_request **list = realloc(q->list, cap * sizeof *list);
		if (!list)
			return -1;
		q->list = list;
		q->cap = cap;
	}
	struct thumb_request *r = request_new(uris, nuris);
	if (!r)
		return -1;
	r->flavor = flavor;
	r->scheduler = scheduler;
	r->handle = next_handle(q);
	q->list[q->len++] = r;
	q->uris_waiting += nuris;
	*handle = r->handle;
	return 0;
}

struct thumb_request *thumb_requests_find(const struct thumb_requests *q, uint32_t handle)
{
	for (size_t i = 0; i < q->len; i++)
		if (q->list[i]->handle == handle)
			return q->list[i];
	return NULL;
}

static size_t left_to_take(const struct thumb_request *r)
{
	return r->dequeued ? 0 : r->nuris - r->next;
}

bool thumb_requests_dequeue(struct thumb_requests *q, uint32_t handle)
{
	struct thumb_request *r = thumb_requests_find(q, handle);
	if (!r)
		return false;
	q->uris_waiting -= left_to_take(r);
	r->dequeued = true;
	return true;
}

struct thumb_request *thumb_requests_next(const struct thumb_requests *q)
{
	for (size_t i = q->len; i-- > 0;)
		if (q->list[i]->scheduler == SCHEDULER_FOREGROUND && left_to_take(q->list[i]))
			return q->list[i];
	for (size_t i = 0; i < q->len; i++)
		if (left_to_take(q->list[i]))
			return q->list[i];
	return NULL;
}

size_t thumb_request_take(struct thumb_requests *q, struct thumb_request *r)
{
	r->started = true;
	r->outstanding++;
	q->uris_waiting--;
	return r->next++;
}

size_t thumb_request_take_all(struct thumb_requests *q, struct thumb_request *r)
{
	size_t n = left_to_take(r);
	r->started = true;
	r->outstanding += n;
	q->uris_waiting -= n;
	r->next += n;
	return n;
}

bool thumb_request_done(const struct thumb_request *r)
{
	return r->outstanding == 0 && left_to_take(r) == 0;
}

bool thumb_request_answered(struct thumb_request *r)
{
	if (r->outstanding > 0)
		r->outstanding--;
	return thumb_request_done(r);
}

void thumb_requests_remove(struct thumb_requests *q, struct thumb_request *r)
{
	for (size_t i = 0; i < q->len; i++) {
		if (q->list[i] != r)
			continue;
		q->uris_waiting -= left_to_take(r);
		memmove(&q->list[i], &q->list[i + 1], (q->len - i - 1) * sizeof *q->list);
		q->len--;
		request_free(r);
		return;
	}
}

int thumb_request_path(const char *uri, char *path, size_t cap, struct ib_error *err)
{
	char normal[PATH_MAX];
	if (strncmp(uri, "file://", 7) != 0)
		return ib_fail(err, "only local file:// URIs are thumbnailed, not \"%.64s\"", uri);
	if (thumb_uri_to_path(uri, path, cap, err) < 0)
		return -1;
	if (path[0] != '/')
		return ib_fail(err, "the URI \"%.64s\" names no absolute path", uri);
	/* a URI with "..", "." or "//" would name the file by another path than
	 * the one its thumbnail is looked up by */
	if (thumb_absolute_path(path, normal, sizeof normal, err) < 0)
		return -1;
	if (strcmp(normal, path) != 0)
		return ib_fail(err, "the URI \"%.64s\" is not in normal form (\"..\", \".\" or "
			       "\"//\" in its path)", uri);
	return 0;
}
