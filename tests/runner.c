/*
 * The one CUnit runner: all suites, or one with -s NAME.  Exits non-zero on
 * any failure, since CU_basic_run_tests() alone returns 0 after failures.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "suites.h"

static const struct {
	const char *name;
	CU_pSuite (*add)(void);
} suites[] = {
    {"format", test_format_suite},
    {"pidfile", test_pidfile_suite},
    {"lock", test_lock_suite},
    {"liveness", test_liveness_suite},
    {"badcontent", test_badcontent_suite},
    {"torture", test_torture_suite},
    {"extras", test_extras_suite},
};

int main(int argc, char **argv)
{
	const char *only = argc == 3 && strcmp(argv[1], "-s") == 0 ? argv[2] : NULL;
	int found = 0;
	unsigned failures;

	if (argc != 1 && only == NULL) {
		fprintf(stderr, "usage: %s [-s SUITE]\n", argv[0]);
		return 2;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (only && strcmp(only, suites[i].name) != 0)
			continue;
		found = 1;
		if (suites[i].add() == NULL) {
			CU_cleanup_registry();
			return 1;
		}
	}
	if (!found) {
		fprintf(stderr, "no suite named %s\n", only);
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failure_records();
	failures += CU_get_error() != CUE_SUCCESS;
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
