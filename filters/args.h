/*
 * A small scanner for filter arguments ("0.5x0.5+1.0+0.02", "5%,95%",
 * "800x600+10+20", "1024x768:white"), so that every filter reports bad
 * parameters the same way: "FILTER: PARAM must be ..., got TEXT".
 */
#ifndef IMGBATCH_FILTER_ARGS_H
#define IMGBATCH_FILTER_ARGS_H

#include <stdbool.h>

#include "util/error.h"

struct arg_scan {
	const char *filter;      /* for messages */
	const char *p;           /* next unread character */
	struct ib_error *err;
};

/* Starts scanning args (NULL reads as ""). */
void arg_scan_init(struct arg_scan *s, const char *filter, const char *args,
		   struct ib_error *err);

/* True when every character has been read. */
bool arg_at_end(const struct arg_scan *s);

/* Consumes c when it is next; true if it did. */
bool arg_accept(struct arg_scan *s, char c);

/* Reads a decimal number (sign allowed), or fails "FILTER: PARAM must be a
 * number, got 'TEXT'". */
int arg_number(struct arg_scan *s, const char *param, double *out);

/* Reads a number followed by an optional '%'; *percent tells which. */
int arg_number_percent(struct arg_scan *s, const char *param, double *out, bool *percent);

/* Reads the rest of the text as a word (possibly empty). */
const char *arg_rest(struct arg_scan *s);

/* Fails "FILTER: unexpected 'TEXT' after the parameters" unless at the end. */
int arg_end(struct arg_scan *s);

/* Fails "FILTER: PARAM must be WHAT, got VALUE" when !ok. */
int arg_check(struct arg_scan *s, bool ok, const char *param, const char *what, double value);

#endif
