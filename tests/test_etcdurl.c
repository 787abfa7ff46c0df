/* etcd:// addresses: parsing, and what is not an address. */
#include <errno.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "etcd_url.h"
#include "svcctl/pidfile.h"
#include "suites.h"

static void test_good_addresses(void)
{
	struct etcd_url u;

	CU_ASSERT_EQUAL(svcctl__etcd_url_parse("etcd://127.0.0.1:2379/svc/web", 0, &u), 0);
	CU_ASSERT_EQUAL(u.tls, 0);
	CU_ASSERT_EQUAL(u.n, 1);
	CU_ASSERT_STRING_EQUAL(u.endpoint[0], "127.0.0.1:2379");
	CU_ASSERT_STRING_EQUAL(u.key, "svc/web");

	CU_ASSERT_EQUAL(
	    svcctl__etcd_url_parse("etcds://a.example:1,b-2.example:65535,[::1]:3//k", 0, &u), 0);
	CU_ASSERT_EQUAL(u.tls, 1);
	CU_ASSERT_EQUAL(u.n, 3);
	CU_ASSERT_STRING_EQUAL(u.endpoint[1], "b-2.example:65535");
	CU_ASSERT_STRING_EQUAL(u.endpoint[2], "[::1]:3");
	CU_ASSERT_STRING_EQUAL(u.key, "/k"); /* everything after the first slash */

	CU_ASSERT_EQUAL(svcctl__etcd_url_parse("etcd://h:1/", 1, &u), 0); /* a listing prefix */
	CU_ASSERT_STRING_EQUAL(u.key, "");
	CU_ASSERT_EQUAL(svcctl__etcd_url_parse("etcd://h:1/a b%20\xc3\xa9", 0, &u), 0);
	CU_ASSERT_STRING_EQUAL(u.key, "a b%20\xc3\xa9"); /* literal, no %-decoding */
}

static void test_bad_addresses(void)
{
	static const char *const bad[] = {"",
					  "etcd:/h:1/k",
					  "etcd://",
					  "etcd:///k",
					  "etcd://h/k",
					  "etcd://h:/k",
					  "etcd://h:0/k",
					  "etcd://h:65536/k",
					  "etcd://h:99999999999999999999999/k",
					  "etcd://h:1x/k",
					  "etcd://h:1",
					  "etcd://h:1/",
					  "etcd://h:1,/k",
					  "etcd://,h:1/k",
					  "etcd://h:1,,g:2/k",
					  "etcd://user:pw@h:1/k",
					  "etcd://h h:1/k",
					  "etcd://[]:1/k",
					  "etcd://[::1/k",
					  "etcd://[zz]:1/k",
					  "etcd://h:1/k\n",
					  "etcd://h:1/\x01",
					  "etcd://h:-1/k",
					  "http://h:1/k",
					  "ETCD://h:1/k",
					  "etcd://a:1,b:1,c:1,d:1,e:1,f:1,g:1,h:1,i:1/k",
					  NULL};
	struct etcd_url u;
	char longkey[2048], longhost[400];

	for (int i = 0; bad[i]; i++) {
		int rc = svcctl__etcd_url_parse(bad[i], 0, &u);

		if (rc != SVCCTL_E_URL)
			CU_FAIL(bad[i]);
	}
	CU_ASSERT_EQUAL(svcctl__etcd_url_parse(NULL, 0, &u), SVCCTL_E_URL);
	memset(longkey, 'k', sizeof(longkey));
	memcpy(longkey, "etcd://h:1/", 11);
	longkey[sizeof(longkey) - 1] = '\0';
	CU_ASSERT_EQUAL(svcctl__etcd_url_parse(longkey, 0, &u), SVCCTL_E_URL);
	memset(longhost, 'h', sizeof(longhost));
	memcpy(longhost, "etcd://", 7);
	strcpy(longhost + sizeof(longhost) - 6, ":1/k");
	CU_ASSERT_EQUAL(svcctl__etcd_url_parse(longhost, 0, &u), SVCCTL_E_URL);
}

static void test_is_etcd(void)
{
	CU_ASSERT_TRUE(svcctl_path_is_etcd("etcd://h:1/k"));
	CU_ASSERT_TRUE(svcctl_path_is_etcd("etcds://h:1/k"));
	CU_ASSERT_FALSE(svcctl_path_is_etcd("/run/etcd://x"));
	CU_ASSERT_FALSE(svcctl_path_is_etcd("etcd:/x"));
	CU_ASSERT_FALSE(svcctl_path_is_etcd(NULL));
	CU_ASSERT_STRING_NOT_EQUAL(svcctl_strerror(SVCCTL_E_URL), "unknown error");
	CU_ASSERT_STRING_NOT_EQUAL(svcctl_strerror(SVCCTL_E_LOST), "unknown error");
	CU_ASSERT_STRING_NOT_EQUAL(svcctl_strerror(SVCCTL_E_UNREACHABLE), "unknown error");
	CU_ASSERT_STRING_EQUAL(svcctl_strerror(SVCCTL_E_NOETCD), "etcd support not built");
}

/* A bad address fails at every entry point, before any I/O. */
static void test_bad_address_everywhere(void)
{
	struct svcctl_pidinfo info;
	struct svcctl_lock *lk = (struct svcctl_lock *)&info;
	int rc = svcctl_pidfile_lock("etcd://h:0/k", NULL, &lk, &info);

	/* SVCCTL_E_NOETCD where etcd mode is not built */
	CU_ASSERT(rc == SVCCTL_E_URL || rc == SVCCTL_E_NOETCD);
	CU_ASSERT_PTR_NULL(lk);
	rc = svcctl_pidfile_state("etcd://h/k", NULL, &info);
	CU_ASSERT(rc == SVCCTL_E_URL || rc == SVCCTL_E_NOETCD);
	rc = svcctl_pidfile_remove("etcds://[/k");
	CU_ASSERT(rc == SVCCTL_E_URL || rc == SVCCTL_E_NOETCD);
	CU_ASSERT_EQUAL(svcctl_pidfile_write("etcd://h:1/k", NULL, &info), -ENOTSUP);
	CU_ASSERT_EQUAL(svcctl_lock_token(NULL), 0);
	CU_ASSERT_EQUAL(svcctl_lock_lost_fd(NULL), -1);
	CU_ASSERT_EQUAL(svcctl_etcd_evict("/run/x.pid", NULL, 0), -EINVAL);
}

CU_pSuite test_etcdurl_suite(void)
{
	static const struct th_case cases[] = {
	    {"good addresses", test_good_addresses},
	    {"bad addresses are refused", test_bad_addresses},
	    {"what is an etcd address; error texts", test_is_etcd},
	    {"a bad address fails at every entry point", test_bad_address_everywhere},
	    {NULL, NULL}};

	return th_add_suite("etcdurl", cases);
}
