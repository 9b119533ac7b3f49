/*
 * The shared runner of the Check suites (tests/check_main.c): a suite file
 * defines test_suite() and nothing else runs it; see tests/README.
 */
#ifndef IMGBATCH_TESTS_CHECK_MAIN_H
#define IMGBATCH_TESTS_CHECK_MAIN_H

#include <check.h>

/* The suite a tests/check_*.c file holds. */
Suite *test_suite(void);

#endif
