/* Whole numbers from text (command-line values, environment variables). */
#ifndef IMGBATCH_UTIL_NUMBER_H
#define IMGBATCH_UTIL_NUMBER_H

/*
 * Parses text as a decimal whole number within [min, max] into *out.  No
 * sign, no spaces, nothing after the digits.  Returns 0, or -1 (and leaves
 * *out alone) for anything else.
 */
int number_parse(const char *text, unsigned long long min, unsigned long long max,
		 unsigned long long *out);

#endif
