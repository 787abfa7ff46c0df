/*
 * etcd mode with credentials, against a real etcd of its own per test:
 * user and password (a token on every request), and TLS with a client
 * certificate.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "etcd_server.h"
#include "etcd_suites.h"

/* Long enough that TLS handshakes under valgrind do not starve the renewals. */
#define TTL_MS 3000

/* Turn on authentication with a root user of password pw. */
static int enable_auth(struct te_cluster *c)
{
	static const char *const steps[][2] = {
	    {"/v3/auth/role/add", "{\"name\":\"root\"}"},
	    {"/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"pw\"}"},
	    {"/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}"},
	    {"/v3/auth/enable", "{}"}};
	char out[1024];

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (te_post(c, 0, steps[i][0], steps[i][1], out, sizeof(out)) < 0 ||
		    strstr(out, "\"error\""))
			return -1;
	return 0;
}

/* A file holding text, in the cluster's directory. */
static char *secret(struct te_cluster *c, const char *name, const char *text, char *buf)
{
	FILE *f;

	snprintf(buf, PATH_MAX, "%s/%s", c->dir.path, name);
	f = fopen(buf, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	return buf;
}

static void test_auth(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, NULL);
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	struct te_cluster c;
	char key[PATH_MAX], good[PATH_MAX], bad[PATH_MAX];
	int rc;

	CU_ASSERT_FATAL(te_start(&c, 1) == 0);
	CU_ASSERT_FATAL(enable_auth(&c) == 0);
	te_key(&c, "auth", key);
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(key, &o, &lk, NULL), SVCCTL_E_AUTH);
	o.etcd_user = "root";
	o.etcd_password_file = secret(&c, "bad", "nope\n", bad);
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(key, &o, &lk, NULL), SVCCTL_E_AUTH);
	o.etcd_password_file = secret(&c, "good", "pw\n", good);
	rc = svcctl_pidfile_lock(key, &o, &lk, NULL);
	if (rc != 0)
		printf("\n    with the right password: %s\n", svcctl_strerror(rc));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	/* renewals carry the token: the lease outlives its TTL */
	CU_ASSERT_FALSE(te_readable(svcctl_lock_lost_fd(lk), TTL_MS + 500));
	/* credentials from the environment */
	setenv("SVCCTL_ETCD_USER", "root", 1);
	setenv("SVCCTL_ETCD_PASSWORD_FILE", good, 1);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(h.token, svcctl_lock_token(lk));
	setenv("SVCCTL_ETCD_PASSWORD_FILE", bad, 1);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_E_AUTH);
	unsetenv("SVCCTL_ETCD_USER");
	unsetenv("SVCCTL_ETCD_PASSWORD_FILE");
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	te_stop(&c);
}

/* etcds://: the CA and a client certificate from the options; without them, refused. */
static void test_tls(void)
{
	struct svcctl_opts o;
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	struct te_cluster c;
	char key[PATH_MAX], plain[PATH_MAX];
	int rc;

	CU_ASSERT_FATAL(te_start_with(&c, 1, 1) == 0);
	o = c.opts;
	o.stale_age_ms = TTL_MS;
	te_key(&c, "tls", key);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(key, &o, &lk, NULL), 0);
	/* renewals over TLS keep it past its TTL */
	CU_ASSERT_FALSE(te_readable(svcctl_lock_lost_fd(lk), TTL_MS + 500));
	/* no CA: the server's certificate does not verify */
	o.etcd_cacert = NULL;
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, &o, &h), SVCCTL_E_AUTH);
	/* no client certificate: the server refuses the handshake */
	o = c.opts;
	o.etcd_cert = o.etcd_key = NULL;
	o.etcd_request_ms = 2000;
	rc = svcctl_pidfile_state(key, &o, &h);
	CU_ASSERT(rc == SVCCTL_E_AUTH || rc == SVCCTL_E_UNREACHABLE);
	/* plain HTTP to a TLS port */
	snprintf(plain, sizeof(plain), "etcd://127.0.0.1:%d/tls", c.client_port[0]);
	CU_ASSERT(svcctl_pidfile_state(plain, &o, &h) < 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, &c.opts, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(h.token, svcctl_lock_token(lk));
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	te_stop(&c);
}

CU_pSuite test_etcdauth_suite(void)
{
	static const struct th_case cases[] = {{"authentication: token, wrong password", test_auth},
					       {"TLS with a client certificate", test_tls},
					       {NULL, NULL}};

	return th_add_suite("etcdauth", cases);
}
