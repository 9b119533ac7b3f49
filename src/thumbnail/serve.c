/*
 * imgbatch thumbnail --serve: the desktop's thumbnailer on the session bus.
 *
 * It owns org.freedesktop.thumbnails.Thumbnailer1 at
 * /org/freedesktop/thumbnails/Thumbnailer1 with the methods and signals of
 * the thumbnail management D-Bus specification, as tumbler implements it:
 *   Queue(as uris, as mime_types, s flavor, s scheduler, u handle_to_unqueue)
 *     -> u handle;  Dequeue(u);  GetSupported() -> as schemes, as mime_types;
 *   GetSchedulers() -> as;  GetFlavors() -> as;
 *   signals Started(u), Ready(u, as), Error(u, as, i, s), Finished(u).
 * Queued URIs feed the fork pool through the engine's input feed (struct
 * input_feed), one at a time in the order requests.c keeps; each answer
 * comes from the outcome hook as its URI finishes.  D-Bus is sd-bus's
 * (libsystemd), a small, well-kept C binding that needs no main loop of its
 * own: its socket is the feed's fd, which the pool polls.
 */
#include "config.h"
#include "thumbnail/serve.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "codec/codec.h"
#include "engine/scan.h"
#include "thumbnail/requests.h"
#include "util/clock.h"

#define BUS_NAME "org.freedesktop.thumbnails.Thumbnailer1"
#define BUS_PATH "/org/freedesktop/thumbnails/Thumbnailer1"
#define BUS_INTERFACE BUS_NAME

/* The error codes of the specification (tumbler's TumblerErrorEnum). */
enum thumbnailer_error {
	ERROR_UNSUPPORTED = 0,        /* no thumbnailer for it: not local, not an image */
	ERROR_CONNECTION = 1,         /* the file could not be read */
	ERROR_INVALID_FORMAT = 2,     /* the image could not be decoded */
	ERROR_IS_THUMBNAIL = 3,
	ERROR_SAVE_FAILED = 4,
	ERROR_UNSUPPORTED_FLAVOR = 5,
	ERROR_SHUTTING_DOWN = 7,
};

/* How long the service waits with nothing queued before it exits (tumbler
 * waits 300 s; activation starts us again in about 30 ms). */
#define IDLE_EXIT_DEFAULT_S 60

/* Room for GetSupported's lists: more than the codec table holds. */
#define SUPPORTED_MAX 64

/* Inputs the pool holds queued beyond its workers: few, so that a new
 * foreground request goes next instead of behind thousands. */
#define FEED_AHEAD_PER_WORKER 2

/* The master's side: the bus, the requests, and when it last had work. */
struct service {
	sd_bus *bus;
	int bus_fd;
	struct thumb_requests requests;
	unsigned idle_exit_s;         /* 0: never */
	uint64_t idle_since_us;
	bool bus_gone;
	char task[WIRE_MAX_PATH + 1]; /* the last item's encoded path */
};

static struct service service = { .bus_fd = -1 };

/* ---- signals ---- */

/* Sends what was queued; a client too slow to read is the bus daemon's to
 * buffer, and a bus that went away is noticed by the feed. */
static void flush(void)
{
	if (!service.bus_gone)
		sd_bus_flush(service.bus);
}

static void emit_handle(const char *member, uint32_t handle)
{
	if (!service.bus_gone)
		sd_bus_emit_signal(service.bus, BUS_PATH, BUS_INTERFACE, member, "u", handle);
}

/* Ready(handle, uris) or, with message, Error(handle, uris, code, message). */
static void emit_uris(uint32_t handle, char **uris, size_t n, int code, const char *message)
{
	sd_bus_message *m = NULL;
	const char *member = message ? "Error" : "Ready";
	if (service.bus_gone ||
	    sd_bus_message_new_signal(service.bus, &m, BUS_PATH, BUS_INTERFACE, member) < 0)
		return;
	int r = sd_bus_message_append(m, "u", handle);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "s");
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = sd_bus_message_append_basic(m, 's', uris[i]);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0 && message)
		r = sd_bus_message_append(m, "is", (int32_t)code, message);
	if (r >= 0)
		sd_bus_send(service.bus, m, NULL);
	sd_bus_message_unref(m);
}

/* r is answered in full: Finished (after Started, for a request that had
 * no URI to start with or was dequeued before it ran), and it is gone. */
static void finish_request(struct thumb_request *r)
{
	if (!r->started)
		emit_handle("Started", r->handle);
	emit_handle("Finished", r->handle);
	thumb_requests_remove(&service.requests, r);
	service.idle_since_us = clock_monotonic_us();
}

static void answer_one(struct thumb_request *r, size_t index, int code, const char *message)
{
	emit_uris(r->handle, &r->uris[index], 1, code, message);
	if (thumb_request_answered(r))
		finish_request(r);
}

/* ---- methods ---- */

/*
 * Reads an array of strings into *out (pointers into m, valid while m is):
 * its count, or a negative errno.  Not sd_bus_message_read_strv, which
 * grows its copy one element at a time: 100,000 URIs cost it seconds of
 * copying where realloc cannot grow in place.
 */
static ssize_t read_string_array(sd_bus_message *m, const char ***out)
{
	const char **list = NULL, *s;
	size_t n = 0, cap = 0;
	int r = sd_bus_message_enter_container(m, 'a', "s");
	while (r >= 0 && (r = sd_bus_message_read_basic(m, 's', &s)) > 0) {
		if (n == cap) {
			size_t more = cap ? cap * 2 : 64;
			const char **grown = realloc(list, more * sizeof *list);
			if (!grown) {
				r = -ENOMEM;
				break;
			}
			list = grown;
			cap = more;
		}
		list[n++] = s;
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	if (r < 0) {
		free(list);
		return r;
	}
	*out = list;
	return (ssize_t)n;
}

/* Queue(): a new request; its handle. */
static int queue_request(sd_bus_message *m, sd_bus_error *error, uint32_t *handle)
{
	const char **uris = NULL;
	const char *flavor, *scheduler_name;
	uint32_t unqueue;
	ssize_t n = read_string_array(m, &uris);
	int r = n < 0 ? (int)n : sd_bus_message_skip(m, "as");
	/* (the MIME types are the client's guess: formats are told by content) */
	if (r >= 0)
		r = sd_bus_message_read(m, "ssu", &flavor, &scheduler_name, &unqueue);
	if (r >= 0) {
		int scheduler = *scheduler_name ? thumb_scheduler_parse(scheduler_name)
				: SCHEDULER_DEFAULT;
		if (scheduler < 0)
			r = sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					      "unknown scheduler \"%s\": default, foreground or "
					      "background", scheduler_name);
		else {
			if (unqueue)
				thumb_requests_dequeue(&service.requests, unqueue);
			if (thumb_requests_add(&service.requests, uris, (size_t)n,
					       thumb_flavor_parse(flavor),
					       (enum thumb_scheduler)scheduler, handle) < 0)
				r = -ENOMEM;
		}
	}
	free(uris);
	return r;
}

static int method_queue(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	uint32_t handle;
	(void)userdata;
	int r = queue_request(m, error, &handle);
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(m, "u", handle);
}

static int method_dequeue(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	uint32_t handle;
	(void)userdata;
	(void)error;
	int r = sd_bus_message_read(m, "u", &handle);
	if (r < 0)
		return r;
	/* an unknown handle is no error: it may have finished a moment ago */
	thumb_requests_dequeue(&service.requests, handle);
	return sd_bus_reply_method_return(m, "");
}

/* Replies with one array of strings per list, each list NULL-terminated. */
static int reply_string_arrays(sd_bus_message *call, const char *const *lists[], size_t nlists)
{
	sd_bus_message *reply = NULL;
	int r = sd_bus_message_new_method_return(call, &reply);
	for (size_t l = 0; r >= 0 && l < nlists; l++)
		r = sd_bus_message_append_strv(reply, (char **)lists[l]);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static int method_get_supported(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	/* one (scheme, type) pair per type: the codec table's, file:// only */
	static const char *schemes[SUPPORTED_MAX + 1], *types[SUPPORTED_MAX + 1];
	size_t n = 0;
	(void)userdata;
	(void)error;
	for (const struct codec *c; n < SUPPORTED_MAX && (c = codec_at(n)); n++) {
		schemes[n] = "file";
		types[n] = c->mime;
	}
	schemes[n] = types[n] = NULL;
	const char *const *lists[] = { schemes, types };
	return reply_string_arrays(m, lists, 2);
}

static int method_get_schedulers(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	static const char *names[SCHEDULER_COUNT + 1];
	(void)userdata;
	(void)error;
	for (int s = 0; s < SCHEDULER_COUNT; s++)
		names[s] = thumb_scheduler_name((enum thumb_scheduler)s);
	const char *const *lists[] = { names };
	return reply_string_arrays(m, lists, 1);
}

static int method_get_flavors(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	static const char *names[THUMB_NSIZES + 1];
	(void)userdata;
	(void)error;
	for (int s = 0; s < THUMB_NSIZES; s++)
		names[s] = thumb_size_dir((enum thumb_size)s);
	const char *const *lists[] = { names };
	return reply_string_arrays(m, lists, 1);
}

static const sd_bus_vtable thumbnailer_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_ARGS("Queue",
				SD_BUS_ARGS("as", uris, "as", mime_types, "s", flavor, "s", scheduler,
					    "u", handle_to_unqueue),
				SD_BUS_RESULT("u", handle), method_queue, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Dequeue", SD_BUS_ARGS("u", handle), SD_BUS_NO_RESULT,
				method_dequeue, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetSupported", SD_BUS_NO_ARGS,
				SD_BUS_RESULT("as", uri_schemes, "as", mime_types),
				method_get_supported, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetSchedulers", SD_BUS_NO_ARGS, SD_BUS_RESULT("as", schedulers),
				method_get_schedulers, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetFlavors", SD_BUS_NO_ARGS, SD_BUS_RESULT("as", flavors),
				method_get_flavors, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS("Started", SD_BUS_ARGS("u", handle), 0),
	SD_BUS_SIGNAL_WITH_ARGS("Finished", SD_BUS_ARGS("u", handle), 0),
	SD_BUS_SIGNAL_WITH_ARGS("Ready", SD_BUS_ARGS("u", handle, "as", uris), 0),
	SD_BUS_SIGNAL_WITH_ARGS("Error",
				SD_BUS_ARGS("u", handle, "as", failed_uris, "i", error_code,
					    "s", message), 0),
	SD_BUS_VTABLE_END
};

/* ---- the feed: queued URIs, one at a time ---- */

/*
 * A URI travels to its worker, and back to its answer, as the task's path
 * "HANDLE:INDEX:SIZE:PATH": its request, its place in the request's URIs,
 * the cache size of the request's flavor and the local file.
 */
static int task_encode(char *buf, size_t cap, const struct thumb_request *r, size_t index,
		       const char *path)
{
	int n = snprintf(buf, cap, "%" PRIu32 ":%zu:%d:%s", r->handle, index, (int)r->flavor, path);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

struct task_fields {
	uint32_t handle;
	size_t index;
	enum thumb_size size;
	const char *path;
};

static int task_decode(const char *text, struct task_fields *t)
{
	unsigned handle, size;
	size_t index;
	int used = 0;
	if (sscanf(text, "%u:%zu:%u:%n", &handle, &index, &size, &used) != 3 || !used ||
	    size >= THUMB_NSIZES)
		return -1;
	*t = (struct task_fields){ .handle = handle, .index = index,
				   .size = (enum thumb_size)size, .path = text + used };
	return 0;
}

/* Reads what the bus has: the method calls run.  -1 when it went away. */
static int process_bus(void)
{
	int r;
	while ((r = sd_bus_process(service.bus, NULL)) > 0)
		;
	if (r < 0 && !service.bus_gone) {
		fprintf(stderr, "imgbatch thumbnail: the session bus went away (%s): stopping\n",
			strerror(-r));
		service.bus_gone = true;
	}
	return r < 0 ? -1 : 0;
}

static bool idle_too_long(void)
{
	if (!service.idle_exit_s || service.requests.len)
		return false;
	return clock_monotonic_us() - service.idle_since_us >=
	       (uint64_t)service.idle_exit_s * 1000000u;
}

/* r's next URI as a pool item: 1, or 0 when it was answered at once
 * (refused) and there is no item. */
static int take_uri(struct thumb_request *r, struct scan_item *item)
{
	struct ib_error why;
	char path[WIRE_MAX_PATH + 1];
	if (!r->started)
		emit_handle("Started", r->handle);
	size_t index = thumb_request_take(&service.requests, r);
	if (thumb_request_path(r->uris[index], path, sizeof path, &why) < 0 ||
	    task_encode(service.task, sizeof service.task, r, index, path) < 0) {
		answer_one(r, index, ERROR_UNSUPPORTED,
			   why.msg[0] ? why.msg : "the URI is too long");
		return 0;
	}
	*item = (struct scan_item){ .kind = SCAN_FILE, .path = service.task, .named = true };
	return 1;
}

/* Every URI of r not taken yet fails at once with code and message (after
 * Started, when r had not started). */
static void fail_the_rest(struct thumb_request *r, int code, const char *message)
{
	size_t first = r->next;
	if (!r->started)
		emit_handle("Started", r->handle);
	size_t n = thumb_request_take_all(&service.requests, r);
	emit_uris(r->handle, &r->uris[first], n, code, message);
	r->outstanding -= n;
}

/* A request of an unknown flavor: every URI fails at once, as tumbler
 * answers it. */
static void refuse_flavor(struct thumb_request *r)
{
	fail_the_rest(r, ERROR_UNSUPPORTED_FLAVOR,
		      "unknown flavor: normal, large, x-large or xx-large");
	finish_request(r);
}

/* The input_feed's next(): see engine/job.h. */
static int feed_next(void *ctx, struct scan_item *item)
{
	(void)ctx;
	if (process_bus() < 0)
		return -1;
	for (;;) {
		struct thumb_request *r = thumb_requests_next(&service.requests);
		if (!r)
			break;
		if (r->flavor == THUMB_NSIZES)
			refuse_flavor(r);
		else if (take_uri(r, item))
			return flush(), 1;
	}
	/* a request dequeued before it ran, or whose URIs were all refused */
	for (size_t i = service.requests.len; i-- > 0;)
		if (thumb_request_done(service.requests.list[i]))
			finish_request(service.requests.list[i]);
	flush();
	return idle_too_long() ? -1 : 0;
}

static struct input_feed input_feed;

/* ---- the master's hooks ---- */

static int connect_bus(struct ib_error *err)
{
	int r = sd_bus_open_user(&service.bus);
	if (r < 0)
		return ib_fail(err, "cannot connect to the session bus: %s", strerror(-r));
	r = sd_bus_add_object_vtable(service.bus, NULL, BUS_PATH, BUS_INTERFACE,
				     thumbnailer_vtable, NULL);
	if (r < 0)
		return ib_fail(err, "cannot serve %s: %s", BUS_PATH, strerror(-r));
	r = sd_bus_request_name(service.bus, BUS_NAME, 0);
	if (r == -EEXIST)
		return ib_fail(err, "another thumbnailer owns %s on the session bus", BUS_NAME);
	if (r < 0)
		return ib_fail(err, "cannot own %s: %s", BUS_NAME, strerror(-r));
	service.bus_fd = sd_bus_get_fd(service.bus);
	return service.bus_fd < 0 ? ib_fail(err, "the bus has no socket") : 0;
}

static int serve_prepare(struct job *job, struct ib_error *err)
{
	if (thumbnail_command.prepare(job, err) < 0)
		return -1;
	thumb_requests_init(&service.requests);
	if (connect_bus(err) < 0)
		return -1;
	service.idle_since_us = clock_monotonic_us();
	input_feed = (struct input_feed){
		.fd = service.bus_fd, .next = feed_next,
		.ahead = FEED_AHEAD_PER_WORKER * (job->jobs ? job->jobs : 1),
	};
	job->feed = &input_feed;
	return 0;
}

/* The answer for a URI that ended with status. */
static int error_code(enum result_status status, enum thumb_end end)
{
	switch (end) {
	case THUMB_END_UNREADABLE: return ERROR_CONNECTION;
	case THUMB_END_UNSUPPORTED: return ERROR_UNSUPPORTED;
	case THUMB_END_IS_THUMBNAIL: return ERROR_IS_THUMBNAIL;
	case THUMB_END_NOT_SAVED: return ERROR_SAVE_FAILED;
	default:
		return status == RESULT_NOT_STARTED ? ERROR_SHUTTING_DOWN : ERROR_INVALID_FORMAT;
	}
}

static void serve_outcome(const struct job *job, struct account *acc, const char *input,
			  size_t rel_off, enum result_status status, const char *reason,
			  const struct wire_result *res)
{
	struct task_fields t;
	uint8_t end = THUMB_END_UNKNOWN;
	(void)job;
	(void)acc;
	(void)rel_off;
	if (res)
		WIRE_PAYLOAD_GET(res, &end);
	struct thumb_request *r = task_decode(input, &t) == 0
				  ? thumb_requests_find(&service.requests, t.handle) : NULL;
	if (!r || t.index >= r->nuris)
		return;   /* cannot be: the feed encoded it and keeps r until answered */
	bool ready = end == THUMB_END_MADE || end == THUMB_END_CURRENT;
	answer_one(r, t.index, error_code(status, end),
		   ready ? NULL : reason && *reason ? reason : "not thumbnailed");
	flush();
}

/* The service stops (a signal, the bus gone): the URIs never started are
 * answered "shutting down", so no client waits for them. */
static void answer_the_rest(void)
{
	struct thumb_request *r;
	while ((r = thumb_requests_next(&service.requests)))
		fail_the_rest(r, ERROR_SHUTTING_DOWN, "the thumbnailer is shutting down");
	while (service.requests.len)
		finish_request(service.requests.list[0]);
	flush();
}

static void serve_release(struct job *job)
{
	if (service.bus)
		answer_the_rest();
	thumb_requests_release(&service.requests);
	service.bus = sd_bus_flush_close_unref(service.bus);
	thumbnail_command.release(job);
}

/* ---- the worker's hooks ---- */

/* One thumbnail worker per flavor, each with its cache size and box. */
struct serve_worker {
	struct thumb_cache cache[THUMB_NSIZES];
	struct pixel_settings px[THUMB_NSIZES];
	struct thumbnail_worker flavor[THUMB_NSIZES];
};

static void *serve_worker_start(const struct job *job, int out_root_fd)
{
	static struct serve_worker w;
	const struct thumbnail_settings *ts = job->settings;
	(void)out_root_fd;
	/* the master's connection is not the worker's to use */
	close(service.bus_fd);
	for (int s = 0; s < THUMB_NSIZES; s++) {
		w.cache[s] = ts->cache;
		w.cache[s].sizes = 1u << s;
		thumbnail_px_for_size(&ts->px, (enum thumb_size)s, &w.px[s]);
		thumbnail_worker_init(&w.flavor[s], &w.cache[s], &w.px[s], job->max_input_size);
	}
	return &w;
}

static void serve_run(void *state, const struct wire_task *task, struct wire_result *res)
{
	struct serve_worker *w = state;
	struct task_fields t;
	uint8_t end = THUMB_END_UNKNOWN;
	if (task_decode(task->path, &t) < 0) {
		res->status = RESULT_FAILED;
		wire_result_set_reason(res, "internal error: a malformed task reached a worker");
	} else {
		struct wire_task file = *task;
		file.path = t.path;
		end = (uint8_t)thumbnail_original(&w->flavor[t.size], &file, res);
	}
	WIRE_PAYLOAD_PUT(res, &end);
}

static void serve_worker_stop(void *state)
{
	struct serve_worker *w = state;
	for (int s = 0; s < THUMB_NSIZES; s++)
		thumbnail_worker_stop(&w->flavor[s]);
}

static struct command serve_command;

int thumbnail_serve_validate(struct job *job, FILE *err)
{
	struct thumbnail_settings *ts = job->settings;
	const char *clash = job->nroots ? "operands: clients queue the files"
			    : job->files_from ? "--files-from"
			    : ts->one ? "--one" : ts->clean ? "--clean" : ts->sweep.gc ? "--gc"
			    : ts->size_arg ? "--size: clients ask for a flavor"
			    : job->json ? "--json" : job->manifest ? "--manifest"
			    : job->shard_arg ? "--shard" : job->dry_run ? "--dry-run" : NULL;
	if (clash) {
		fprintf(err, "imgbatch thumbnail: --serve takes no %s\n", clash);
		return -1;
	}
	service.idle_exit_s = ts->idle_exit_s < 0 ? IDLE_EXIT_DEFAULT_S : (unsigned)ts->idle_exit_s;
	ts->cache.sizes = THUMB_SIZES_ALL;   /* every flavor may be asked for */
	job->progress = PROGRESS_QUIET;       /* stderr is for what goes wrong */
	/* a full disk fails the URIs it meets, not every later one: space may
	 * come back while the service runs */
	job->max_failures = 0;
	serve_command = thumbnail_command;
	serve_command.run_alone = NULL;
	serve_command.prepare = serve_prepare;
	serve_command.worker_start = serve_worker_start;
	serve_command.run = serve_run;
	serve_command.worker_stop = serve_worker_stop;
	serve_command.outcome = serve_outcome;
	serve_command.release = serve_release;
	job->command = &serve_command;
	return 0;
}
