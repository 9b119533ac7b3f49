#include "config.h"
#include "engine/wire.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static void wait_for(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

int wire_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				wait_for(fd, POLLOUT);
				continue;
			}
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int wire_read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				wait_for(fd, POLLIN);
				continue;
			}
			return -1;
		}
		if (n == 0) {
			if (got == 0)
				return 0;
			errno = EPIPE;
			return -1;
		}
		got += (size_t)n;
	}
	return 1;
}

void wire_chunk_init(struct wire_chunk *chunk)
{
	chunk->header.magic = WIRE_CHUNK_MAGIC;
	chunk->header.count = 0;
	chunk->header.payload_len = 0;
	chunk->payload_len = 0;
}

void wire_task_root(const struct wire_task *task, char *buf, size_t cap)
{
	size_t len = task->rel_off - task->root_off;
	while (len > 0 && task->path[task->root_off + len - 1] == '/')
		len--;
	if (len >= cap)
		len = 0;
	memcpy(buf, task->path + task->root_off, len);
	buf[len] = '\0';
}

int wire_chunk_add(struct wire_chunk *chunk, const struct wire_task *task)
{
	size_t path_len = strlen(task->path);
	if (path_len > WIRE_MAX_PATH || task->rel_off > path_len || task->root_off > task->rel_off)
		return -1;
	struct wire_task_header th = {
		.id = task->id,
		.path_len = (uint32_t)path_len,
		.rel_off = (uint32_t)task->rel_off,
		.flags = task->named ? WIRE_TASK_NAMED : 0,
		.root_off = (uint32_t)task->root_off,
	};
	size_t need = sizeof th + path_len;
	if (need > sizeof chunk->payload - chunk->payload_len)
		return -1;
	memcpy(chunk->payload + chunk->payload_len, &th, sizeof th);
	memcpy(chunk->payload + chunk->payload_len + sizeof th, task->path, path_len);
	chunk->payload_len += need;
	chunk->header.count++;
	chunk->header.payload_len = (uint32_t)chunk->payload_len;
	return 0;
}

int wire_chunk_send(int fd, const struct wire_chunk *chunk)
{
	/* One write of header + payload, so a chunk is never split by the master. */
	static uint8_t frame[sizeof(struct wire_chunk_header) + WIRE_CHUNK_MAX_BYTES];
	memcpy(frame, &chunk->header, sizeof chunk->header);
	memcpy(frame + sizeof chunk->header, chunk->payload, chunk->payload_len);
	return wire_write_all(fd, frame, sizeof chunk->header + chunk->payload_len);
}

int wire_chunk_receive(int fd, struct wire_chunk *chunk, struct ib_error *err)
{
	int r = wire_read_all(fd, &chunk->header, sizeof chunk->header);
	if (r == 0)
		return 0;
	if (r < 0)
		return ib_fail_errno(err, errno, "reading chunk header");
	if (chunk->header.magic != WIRE_CHUNK_MAGIC)
		return ib_fail(err, "bad chunk magic 0x%08x", chunk->header.magic);
	if (chunk->header.payload_len > sizeof chunk->payload)
		return ib_fail(err, "chunk payload of %u bytes exceeds the maximum of %zu",
			       chunk->header.payload_len, sizeof chunk->payload);
	chunk->payload_len = chunk->header.payload_len;
	if (wire_read_all(fd, chunk->payload, chunk->payload_len) != 1)
		return ib_fail(err, "chunk payload cut short");
	return 1;
}

int wire_chunk_next(const struct wire_chunk *chunk, size_t *offset,
		    char *path_buf, struct wire_task *task, struct ib_error *err)
{
	size_t off = *offset;
	if (off == chunk->payload_len)
		return 0;
	struct wire_task_header th;
	if (chunk->payload_len - off < sizeof th)
		return ib_fail(err, "truncated task header in chunk");
	memcpy(&th, chunk->payload + off, sizeof th);
	off += sizeof th;
	if (th.path_len > WIRE_MAX_PATH || th.path_len > chunk->payload_len - off)
		return ib_fail(err, "task path length %u out of range", th.path_len);
	if (th.rel_off > th.path_len)
		return ib_fail(err, "task relative offset %u beyond path", th.rel_off);
	if (th.root_off > th.rel_off)
		return ib_fail(err, "task root offset %u beyond its relative offset", th.root_off);
	memcpy(path_buf, chunk->payload + off, th.path_len);
	path_buf[th.path_len] = '\0';
	if (memchr(path_buf, '\0', th.path_len))
		return ib_fail(err, "task path contains a NUL byte");
	*offset = off + th.path_len;
	task->id = th.id;
	task->path = path_buf;
	task->rel_off = th.rel_off;
	task->root_off = th.root_off;
	task->named = th.flags & WIRE_TASK_NAMED;
	return 1;
}

ssize_t wire_result_fill(struct wire_result_reader *reader, int fd)
{
	/* the unread tail (less than one result, after a drain) moves to the
	 * front once a read, not once a result */
	memmove(reader->buf, reader->buf + reader->start, reader->len - reader->start);
	reader->len -= reader->start;
	reader->start = 0;
	for (;;) {
		ssize_t n = read(fd, reader->buf + reader->len, sizeof reader->buf - reader->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0)
			reader->len += (size_t)n;
		return n;
	}
}

void wire_result_init(struct wire_result *res, uint64_t task_id)
{
	/* everything that is sent with an empty output; a longer output is
	 * written over what follows before it is sent */
	memset(res, 0, offsetof(struct wire_result, output) + 1);
	res->task_id = task_id;
}

void wire_result_set_reason(struct wire_result *res, const char *reason)
{
	snprintf(res->reason, sizeof res->reason, "%s", reason);
}

int wire_result_set_output(struct wire_result *res, const char *path)
{
	size_t len = strlen(path);
	if (len >= sizeof res->output)
		return -1;
	memcpy(res->output, path, len + 1);
	return 0;
}

/* Where a result's bytes on the wire end: after its output's NUL. */
static size_t wire_length(const struct wire_result *res)
{
	return offsetof(struct wire_result, output) + strnlen(res->output, sizeof res->output - 1) + 1;
}

int wire_result_send(int fd, struct wire_result *res)
{
	res->output[sizeof res->output - 1] = '\0';
	res->len = (uint32_t)wire_length(res);
	return wire_write_all(fd, res, res->len);
}

int wire_result_next(struct wire_result_reader *reader, struct wire_result *out)
{
	size_t have = reader->len - reader->start;
	uint32_t len;
	if (have < sizeof len)
		return 0;
	memcpy(&len, reader->buf + reader->start, sizeof len);
	if (len <= offsetof(struct wire_result, output) || len > sizeof *out)
		return -1;
	if (have < len)
		return 0;
	memcpy(out, reader->buf + reader->start, len);
	reader->start += len;
	out->reason[sizeof out->reason - 1] = '\0';
	((char *)out)[len - 1] = '\0';   /* the output's NUL, whatever was sent */
	return 1;
}
