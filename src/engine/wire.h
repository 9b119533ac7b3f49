/*
 * What crosses a process boundary, and the full-read/full-write loops that
 * move it.  Master -> worker: chunks of tasks (id + path) on the worker's own
 * pipe.  Worker -> master: one fixed-size struct wire_result per task on the
 * shared result pipe; a result is smaller than PIPE_BUF, so results written
 * by several workers never interleave.  Configuration is never sent: workers
 * inherit struct job through fork().
 */
#ifndef IMGBATCH_ENGINE_WIRE_H
#define IMGBATCH_ENGINE_WIRE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "util/error.h"

#define WIRE_CHUNK_MAGIC 0x696d6263u     /* "imbc" */
/* A chunk fits a default pipe buffer, so writing one to an idle worker's
 * pipe never blocks the master. */
#define WIRE_CHUNK_MAX_BYTES (60 * 1024)
#define WIRE_MAX_PATH 4095

struct wire_chunk_header {
	uint32_t magic;
	uint32_t count;
	uint32_t payload_len;                 /* bytes of tasks that follow */
};

/* One task in a chunk payload; path_len bytes of path follow (no NUL). */
struct wire_task_header {
	uint64_t id;
	uint32_t path_len;
	uint32_t rel_off;                     /* where the mirrored part begins */
	uint32_t flags;                       /* WIRE_TASK_* */
	uint32_t root_off;                    /* <= rel_off: see wire_task.root_off */
};

/* The input was named in argv (see scan_item.named). */
#define WIRE_TASK_NAMED 1u

struct wire_chunk {
	struct wire_chunk_header header;
	uint8_t payload[WIRE_CHUNK_MAX_BYTES];
	size_t payload_len;                   /* while building */
};

/* A task unpacked from a chunk; path is NUL-terminated in the caller's buffer. */
struct wire_task {
	uint64_t id;
	const char *path;
	size_t rel_off;           /* path + rel_off is mirrored under -o */
	size_t root_off;          /* path[root_off, rel_off) is the name of the input
	                           * folder it was found in and a '/' ("" when named
	                           * or listed): --name's {root} */
	bool named;               /* given by name, not found in a directory */
};

/* The name of the input folder task was found in ({root}) into buf; "" when
 * it was named or listed, or the name does not fit. */
void wire_task_root(const struct wire_task *task, char *buf, size_t cap);

enum result_status {
	RESULT_DONE = 1,
	RESULT_SKIPPED = 2,
	RESULT_FAILED = 3,
	RESULT_NOT_STARTED = 4,   /* interrupted, or given up on, before it began */
};

/* Room for a command's own fields in a result (see wire_payload_*). */
#define WIRE_PAYLOAD_MAX 128
/* The longest output path a result carries, with its NUL: what PIPE_BUF
 * leaves after the other fields. */
#define WIRE_OUTPUT_MAX 3648

/*
 * One input's result.  The engine fills task_id, worker_pid and usec; the
 * command fills the rest.  On the wire a result is sent up to the end of
 * its output string (len bytes, at most PIPE_BUF), so it is written in one
 * write() that never interleaves with another worker's.
 */
struct wire_result {
	uint32_t len;                         /* bytes on the wire (wire_result_send) */
	int32_t worker_pid;
	uint64_t task_id;
	uint8_t status;                       /* enum result_status */
	int32_t write_errno;                  /* failed writing an output: its errno */
	uint64_t in_bytes, out_bytes;         /* out_bytes: all outputs together */
	uint64_t usec;                        /* worker time for this input */
	_Alignas(8) uint8_t payload[WIRE_PAYLOAD_MAX];  /* the command's own */
	char reason[IB_REASON_MAX];           /* NUL-terminated; when done, a
	                                       * warning about damage decoded
	                                       * past, or empty */
	char output[WIRE_OUTPUT_MAX];         /* what the worker wrote, as the user
	                                       * names it ("" when nothing) */
};

_Static_assert(sizeof(struct wire_result) <= PIPE_BUF,
	       "a result must be written atomically to the shared pipe");

/* Empties res for task id: every field zero, output "" (the bytes past the
 * output's NUL are left as they are: they are never sent). */
void wire_result_init(struct wire_result *res, uint64_t task_id);

/* Sets the reason (truncated to IB_REASON_MAX - 1 bytes). */
void wire_result_set_reason(struct wire_result *res, const char *reason);

/* Sets the output path; -1 when it does not fit WIRE_OUTPUT_MAX. */
int wire_result_set_output(struct wire_result *res, const char *path);

/* Copies a command's payload struct *p into and out of a result. */
#define WIRE_PAYLOAD_PUT(res, p) do { \
	_Static_assert(sizeof *(p) <= WIRE_PAYLOAD_MAX, "payload too large"); \
	memcpy((res)->payload, (p), sizeof *(p)); \
} while (0)
#define WIRE_PAYLOAD_GET(res, p) do { \
	_Static_assert(sizeof *(p) <= WIRE_PAYLOAD_MAX, "payload too large"); \
	memcpy((p), (res)->payload, sizeof *(p)); \
} while (0)

/* Sends a result in one write(); 0 or -1 (errno set). */
int wire_result_send(int fd, struct wire_result *res);

/* Writes all len bytes: retries EINTR, polls on EAGAIN. 0 or -1 (errno set). */
int wire_write_all(int fd, const void *buf, size_t len);

/* Reads exactly len bytes: retries EINTR, polls on EAGAIN.  Returns 1 when
 * done, 0 on EOF before the first byte, -1 on error or EOF mid-message
 * (errno EPIPE). */
int wire_read_all(int fd, void *buf, size_t len);

/* Starts an empty chunk. */
void wire_chunk_init(struct wire_chunk *chunk);

/* Appends a task; returns -1 when it does not fit (the chunk is unchanged). */
int wire_chunk_add(struct wire_chunk *chunk, const struct wire_task *task);

/* Sends a built chunk. */
int wire_chunk_send(int fd, const struct wire_chunk *chunk);

/* Receives a chunk, validating the header.  Returns 1, 0 on clean EOF, or -1
 * with a reason (short read, bad magic, oversized payload). */
int wire_chunk_receive(int fd, struct wire_chunk *chunk, struct ib_error *err);

/*
 * Iterates the tasks of a received chunk: *offset starts at 0.  Copies the
 * path into path_buf (WIRE_MAX_PATH + 1 bytes).  Returns 1 with *task set,
 * 0 at the end, -1 when the payload is malformed.
 */
int wire_chunk_next(const struct wire_chunk *chunk, size_t *offset,
		    char *path_buf, struct wire_task *task, struct ib_error *err);

/* Reassembles results from a non-blocking pipe (short reads). */
/* buf[start .. len) holds bytes read but not yet taken as results. */
struct wire_result_reader {
	uint8_t buf[64 * PIPE_BUF];
	size_t start, len;
};

/* How many bytes the next wire_result_fill may read at most. */
static inline size_t wire_result_room(const struct wire_result_reader *reader)
{
	return sizeof reader->buf - (reader->len - reader->start);
}

/* Reads what is available.  Returns bytes read (>0), 0 on EOF, -1 with errno
 * EAGAIN when nothing is there, or another error. */
ssize_t wire_result_fill(struct wire_result_reader *reader, int fd);

/* Pops the next whole result into out; 1 when one was returned, 0 when none
 * is whole, -1 when the bytes are no result (a length out of bounds). */
int wire_result_next(struct wire_result_reader *reader, struct wire_result *out);

#endif
