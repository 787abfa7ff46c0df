/*
 * Runner of the Windows suites: "svcctl_win_tests [-s SUITE]" runs all or
 * one suite and exits non-zero on any failure (CU_basic_run_tests alone
 * would exit 0).  "--child ROLE ARG" is the child side of the lock tests.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cli_helpers.h"

static const struct {
	const char *name;
	CU_pSuite (*add)(void);
} suites[] = {
    {"write", test_write_suite},       {"lock", test_lock_suite}, {"content", test_content_suite},
    {"liveness", test_liveness_suite}, {"cli", test_cli_suite},
};

/* Register the suite called only (all when NULL); -1 for an unknown name. */
static int add_suites(const char *only)
{
	int found = 0;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (only && strcmp(only, suites[i].name) != 0)
			continue;
		if (suites[i].add() == NULL)
			return -1;
		found++;
	}
	return found ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	unsigned failures;

	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		return child_main();
	if (argc == 3 && strcmp(argv[1], "-s") == 0)
		only = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: %s [-s write|lock|content|liveness|cli]\n", argv[0]);
		return 2;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (add_suites(only) < 0) {
		fprintf(stderr, "%s: unknown suite \"%s\"\n", argv[0], only ? only : "");
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failure_records();
	if (CU_get_error() != CUE_SUCCESS)
		failures++;
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
