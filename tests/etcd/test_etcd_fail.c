/* placeholder */
#include "etcd_suites.h"
CU_pSuite test_etcdfail_suite(void)
{
	static const struct th_case cases[] = {{NULL, NULL}};

	return th_add_suite("etcdfail", cases);
}
