/*
 * The etcd runner: etcdjson needs no server; the others start their own
 * etcd and are skipped (exit 77) when the etcd binary is missing.
 */
#include <stdio.h>
#include <string.h>

#include "etcd_server.h"
#include "etcd_suites.h"

static const struct th_suite suites[] = {
    {"etcdjson", test_etcdjson_suite}, {"etcd", test_etcd_suite},
    {"etcdrace", test_etcdrace_suite}, {"etcdfail", test_etcdfail_suite},
    {"etcdauth", test_etcdauth_suite},
};

int main(int argc, char **argv)
{
	int pure = argc == 3 && strcmp(argv[2], "etcdjson") == 0;

	if (!pure && !te_have_etcd()) {
		fprintf(stderr, "etcd is not installed (Debian: etcd-server): skipped\n");
		return 77;
	}
	return th_run_suites(suites, sizeof(suites) / sizeof(suites[0]), argc, argv);
}
