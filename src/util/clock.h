/* The clocks: monotonic for durations and timeouts, the wall clock for
 * records that other machines read. */
#ifndef IMGBATCH_UTIL_CLOCK_H
#define IMGBATCH_UTIL_CLOCK_H

#include <stdint.h>

/* Monotonic time in microseconds (CLOCK_MONOTONIC). */
uint64_t clock_monotonic_us(void);

/* Monotonic time in seconds. */
double clock_monotonic_seconds(void);

/* Seconds since the epoch (CLOCK_REALTIME). */
double clock_wall_seconds(void);

#endif
