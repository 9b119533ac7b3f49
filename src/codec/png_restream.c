#include "config.h"
#include "codec/png_restream.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "codec/png_chunk.h"

#define STORED_BLOCK_MAX 65535     /* bytes in one stored deflate block */
#define STORED_BLOCK_HEADER 5      /* BFINAL/BTYPE byte, LEN, NLEN */
/* zlib header: deflate with a 32 KiB window; 0x7801 is a multiple of 31 */
static const uint8_t zlib_header[2] = { 0x78, 0x01 };

/* The chunk at *pos, if the file holds all of it; moves *pos past it. */
static bool next_chunk(const uint8_t *data, size_t len, size_t *pos, struct png_chunk *c)
{
	return png_chunk_next(data, len, pos, c) == PNG_CHUNK_OK;
}

static bool crc_ok(const struct png_chunk *c)
{
	return libdeflate_crc32(0, c->type, 4 + (size_t)c->length) ==
	       png_be32(c->type + 4 + c->length);
}

/*
 * The inflated size of the image data: a filter byte and the packed samples
 * of each row.  0 when the image is interlaced, larger than
 * PNG_RESTREAM_MAX_RAW, or its IHDR is not one libpng would accept.
 */
static size_t raw_size(const struct png_chunk *ihdr)
{
	static const unsigned channels_of_type[7] = { 1, 0, 3, 1, 2, 0, 4 };
	const uint8_t *p = ihdr->type + 4;

	if (!png_chunk_is(ihdr, "IHDR") || ihdr->length != 13)
		return 0;
	uint32_t width = png_be32(p), height = png_be32(p + 4);
	unsigned depth = p[8], type = p[9], interlace = p[12];
	if (!width || !height || type > 6 || !channels_of_type[type] || interlace ||
	    !depth || depth > 16 || (depth & (depth - 1)))
		return 0;
	uint64_t row = ((uint64_t)width * channels_of_type[type] * depth + 7) / 8 + 1;
	if (row > PNG_RESTREAM_MAX_RAW || row * height > PNG_RESTREAM_MAX_RAW)
		return 0;
	return (size_t)(row * height);
}

/* Critical chunks (IHDR, PLTE, IDAT, IEND) have an upper-case first letter. */
static bool is_critical(const struct png_chunk *c)
{
	return !(c->type[0] & 0x20);
}

/*
 * Finds the one run of IDAT chunks: *first is the offset of the first, *end
 * that of the chunk after the last, *bytes their payloads' total.  False
 * when there is none, more than one run, or a critical chunk's CRC fails
 * (libpng is told not to check those again in a restreamed file).
 */
static bool find_idat_run(const uint8_t *data, size_t len, size_t pos, size_t *first,
			  size_t *end, size_t *bytes)
{
	struct png_chunk c;

	*first = *end = *bytes = 0;
	while (next_chunk(data, len, &pos, &c)) {
		if (is_critical(&c) && !crc_ok(&c))
			return false;
		if (png_chunk_is(&c, "IDAT")) {
			if (*end && *end != c.start)
				return false;
			if (!*first)
				*first = c.start;
			*end = pos;
			*bytes += c.length;
		}
		if (png_chunk_is(&c, "IEND"))
			break;
	}
	return *first != 0;
}

/* The payloads of the run, in one buffer (the file's own for one chunk). */
static const uint8_t *idat_stream(const uint8_t *data, size_t first, size_t end, size_t bytes,
				  uint8_t **copy)
{
	struct png_chunk c;
	size_t pos = first, at = 0;

	*copy = NULL;
	if (PNG_CHUNK_OVERHEAD + bytes == end - first)
		return data + first + 8;
	*copy = malloc(bytes);
	if (!*copy)
		return NULL;
	while (pos < end && next_chunk(data, end, &pos, &c)) {
		memcpy(*copy + at, c.type + 4, c.length);
		at += c.length;
	}
	return *copy;
}

/* A worker's decompressor, kept from file to file. */
static struct libdeflate_decompressor *decompressor(void)
{
	static struct libdeflate_decompressor *d;

	if (!d)
		d = libdeflate_alloc_decompressor();
	return d;
}

/*
 * True when the stream inflates to exactly raw_len bytes and ends there.
 * libdeflate ignores the window size the zlib header declares, which zlib
 * enforces: a stream declaring a window smaller than the data might reach
 * back further than it, which zlib (libpng) would refuse, so it is left to
 * them.
 */
static bool inflate_exactly(const uint8_t *stream, size_t bytes, uint8_t *raw, size_t raw_len)
{
	struct libdeflate_decompressor *d = decompressor();
	size_t used = 0, got = 0;
	unsigned window_log = bytes ? (stream[0] >> 4) + 8u : 0;

	if (window_log < 15 && raw_len > (size_t)1 << window_log)
		return false;
	return d && libdeflate_zlib_decompress_ex(d, stream, bytes, raw, raw_len, &used, &got) ==
			    LIBDEFLATE_SUCCESS &&
	       used == bytes && got == raw_len;
}

static size_t stored_stream_len(size_t raw_len)
{
	size_t blocks = (raw_len + STORED_BLOCK_MAX - 1) / STORED_BLOCK_MAX;

	return sizeof zlib_header + blocks * STORED_BLOCK_HEADER + raw_len + 4;
}

/* Writes raw as a zlib stream of stored blocks; returns the end. */
static uint8_t *write_stored_stream(uint8_t *z, const uint8_t *raw, size_t raw_len)
{
	memcpy(z, zlib_header, sizeof zlib_header);
	z += sizeof zlib_header;
	for (size_t at = 0; at < raw_len;) {
		size_t n = raw_len - at < STORED_BLOCK_MAX ? raw_len - at : STORED_BLOCK_MAX;
		z[0] = at + n == raw_len;   /* BFINAL on the last, BTYPE 00: stored */
		z[1] = (uint8_t)n;
		z[2] = (uint8_t)(n >> 8);
		z[3] = (uint8_t)~n;
		z[4] = (uint8_t)(~n >> 8);
		memcpy(z + STORED_BLOCK_HEADER, raw + at, n);
		z += STORED_BLOCK_HEADER + n;
		at += n;
	}
	png_put_be32(z, libdeflate_adler32(1, raw, raw_len));
	return z + 4;
}

/* data with the IDAT run [first, end) replaced by one stored IDAT of raw. */
static uint8_t *rebuild(const uint8_t *data, size_t len, size_t first, size_t end,
			const uint8_t *raw, size_t raw_len, size_t *out_len)
{
	size_t stream_len = stored_stream_len(raw_len);
	size_t total = first + PNG_CHUNK_OVERHEAD + stream_len + (len - end);
	uint8_t *out = malloc(total);

	if (!out)
		return NULL;
	memcpy(out, data, first);
	uint8_t *chunk = out + first;
	png_put_be32(chunk, (uint32_t)stream_len);
	memcpy(chunk + 4, "IDAT", 4);
	uint8_t *crc = write_stored_stream(chunk + 8, raw, raw_len);
	png_put_be32(crc, libdeflate_crc32(0, chunk + 4, 4 + stream_len));
	memcpy(crc + 4, data + end, len - end);
	*out_len = total;
	return out;
}

uint8_t *png_restream(const uint8_t *data, size_t len, size_t *out_len)
{
	size_t pos = PNG_SIGNATURE_LEN, first, end, bytes;
	struct png_chunk ihdr;
	uint8_t *copy, *raw, *out = NULL;

	if (!png_has_signature(data, len) || !next_chunk(data, len, &pos, &ihdr) ||
	    !crc_ok(&ihdr))
		return NULL;
	size_t raw_len = raw_size(&ihdr);
	if (!raw_len || !find_idat_run(data, len, pos, &first, &end, &bytes))
		return NULL;
	const uint8_t *stream = idat_stream(data, first, end, bytes, &copy);
	raw = stream ? malloc(raw_len) : NULL;
	if (raw && inflate_exactly(stream, bytes, raw, raw_len))
		out = rebuild(data, len, first, end, raw, raw_len, out_len);
	free(raw);
	free(copy);
	return out;
}
