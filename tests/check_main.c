/* main() of every Check suite: runs the file's test_suite(), each test in
 * its own process (a crash or a leaked descriptor stays with its test),
 * and exits 0 only when all passed. */
#include "config.h"

#ifndef HAVE_CHECK
#error "make check needs the Check library: apt-get install check, then ./configure again"
#endif

#include <stdlib.h>

#include "tests/check_main.h"

int main(void)
{
	SRunner *sr = srunner_create(test_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
