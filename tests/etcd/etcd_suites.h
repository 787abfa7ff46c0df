/* The etcd suites: one runner, -s SUITE. */
#ifndef SVCCTL_TEST_ETCD_SUITES_H
#define SVCCTL_TEST_ETCD_SUITES_H

#include "suites.h"

CU_pSuite test_etcdjson_suite(void);
CU_pSuite test_etcd_suite(void);
CU_pSuite test_etcdrace_suite(void);
CU_pSuite test_etcdfail_suite(void);
CU_pSuite test_etcdauth_suite(void);

#endif
