/* Hexadecimal digits, both ways. */
#ifndef IMGBATCH_UTIL_HEX_H
#define IMGBATCH_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit (either case), or -1. */
int hex_value(char c);

/* Writes the 2 * len lowercase hex digits of data to out (no NUL). */
void hex_encode(const uint8_t *data, size_t len, char *out);

/* The hex digit of v (0-15): lowercase, or uppercase when upper. */
static inline char hex_digit(unsigned v, int upper)
{
	return (upper ? "0123456789ABCDEF" : "0123456789abcdef")[v & 0xf];
}

#endif
