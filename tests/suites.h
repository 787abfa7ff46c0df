/* Every suite of the runner. */
#ifndef SVCCTL_TEST_SUITES_H
#define SVCCTL_TEST_SUITES_H

#include <stddef.h>

#include <CUnit/CUnit.h>

CU_pSuite test_format_suite(void);
CU_pSuite test_pidfile_suite(void);
CU_pSuite test_lock_suite(void);
CU_pSuite test_liveness_suite(void);
CU_pSuite test_badcontent_suite(void);
CU_pSuite test_torture_suite(void);
CU_pSuite test_extras_suite(void);
CU_pSuite test_etcdurl_suite(void);

/* Add a suite and its tests from a NULL-terminated table. */
struct th_case {
	const char *name;
	void (*fn)(void);
};
CU_pSuite th_add_suite(const char *name, const struct th_case *cases);
/* The same with a setup run before the suite's first test and a teardown after its last. */
CU_pSuite th_add_suite_with(const char *name, CU_InitializeFunc init, CU_CleanupFunc done,
			    const struct th_case *cases);

/* A suite of a runner, by name. */
struct th_suite {
	const char *name;
	CU_pSuite (*add)(void);
};

/*
 * A runner's main: all suites, or one with -s NAME.  Exits non-zero on any
 * failure, since CU_basic_run_tests() alone returns 0 after failures.
 */
int th_run_suites(const struct th_suite *suites, size_t n, int argc, char **argv);

#endif
