/*
 * The one CUnit runner: all suites, or one with -s NAME.  Exits non-zero on
 * any failure, since CU_basic_run_tests() alone returns 0 after failures.
 */
#include "suites.h"

static const struct th_suite suites[] = {
    {"format", test_format_suite},
    {"pidfile", test_pidfile_suite},
    {"lock", test_lock_suite},
    {"liveness", test_liveness_suite},
    {"badcontent", test_badcontent_suite},
    {"torture", test_torture_suite},
    {"extras", test_extras_suite},
    {"etcdurl", test_etcdurl_suite},
};

int main(int argc, char **argv)
{
	return th_run_suites(suites, sizeof(suites) / sizeof(suites[0]), argc, argv);
}
