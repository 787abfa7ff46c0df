/*
 * etcd mode against a real etcd started for the suite: acquire, busy with
 * the holder, release by revoke, tokens, waiting on a watch, mutual
 * exclusion of processes, takeover after SIGKILL, forks, listing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "etcd_server.h"
#include "etcd_suites.h"

#define TTL_MS 2000

static void test_acquire_busy_release(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, "alpha");
	struct svcctl_lock *a, *b;
	struct svcctl_pidinfo h;
	char key[PATH_MAX], host[256], msg[64];
	int64_t tok;

	te_key(&te_suite, "busy", key);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(key, &o, &a, &h), 0);
	tok = svcctl_lock_token(a);
	CU_ASSERT(tok > 0);
	CU_ASSERT(svcctl_lock_lost_fd(a) >= 0);
	CU_ASSERT(svcctl_lock_ttl_left_ms(a) > 0 && svcctl_lock_ttl_left_ms(a) <= TTL_MS);
	o.msg = "beta";
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(key, &o, &b, &h), SVCCTL_E_BUSY);
	CU_ASSERT_PTR_NULL(b);
	gethostname(host, sizeof(host));
	CU_ASSERT_EQUAL(h.pid, getpid());
	CU_ASSERT_STRING_EQUAL(h.host, host);
	CU_ASSERT_STRING_EQUAL(h.msg, "alpha");
	CU_ASSERT_EQUAL(h.token, tok);
	CU_ASSERT(h.lease != 0);
	CU_ASSERT(h.ttl_ms >= 0 && h.ttl_ms <= TTL_MS); /* etcd tells whole seconds */
	CU_ASSERT(h.age_ms >= 0 && h.age_ms < 60000);
	CU_ASSERT_EQUAL(h.state, SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(h.token, tok);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(key, &h), 0);
	CU_ASSERT_EQUAL(h.pid, getpid());
	CU_ASSERT_EQUAL(svcctl_pidfile_message(key, msg, sizeof(msg)), 0);
	CU_ASSERT_STRING_EQUAL(msg, "alpha");
	CU_ASSERT_EQUAL(svcctl_pidfile_is_mine(key), 1);
	CU_ASSERT_EQUAL(svcctl_lock_judge(a, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(svcctl_lock_touch(a), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(a), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_ABSENT);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(key, &h), -ENOENT);
}

/*
 * Descriptors without close-on-exec that would carry a connection into an
 * exec'd child: any but libcurl's internal wake-up socketpair (AF_UNIX,
 * which libcurl 7.88 creates without close-on-exec).
 */
static int inheritable_fds(void)
{
	int n = 0;

	for (int fd = 3; fd < 1024; fd++) {
		int fl = fcntl(fd, F_GETFD), domain = -1;
		socklen_t len = sizeof(domain);

		if (fl < 0 || (fl & FD_CLOEXEC))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_UNIX)
			continue;
		n++;
	}
	return n;
}

/* Holding and waiting leak no connection into exec'd children, and release closes all. */
static void test_descriptors(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, NULL);
	struct svcctl_lock *a, *b;
	char key[PATH_MAX];
	int before = th_count_fds(), inheritable = inheritable_fds();

	te_key(&te_suite, "fds", key);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(key, &o, &a, NULL), 0);
	o.timeout_ms = 200;
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(key, &o, &b, NULL), SVCCTL_E_TIMEOUT);
	CU_ASSERT(svcctl_lock_touch(a) == 0);
	CU_ASSERT(th_count_fds() > before);
	CU_ASSERT_EQUAL(inheritable_fds(), inheritable);
	CU_ASSERT_EQUAL(svcctl_lock_release(a), 0);
	CU_ASSERT_EQUAL(th_count_fds(), before);
}

/* A holder whose lease was revoked learns it, and its release deletes nothing. */
static void test_release_never_deletes_another(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, "a");
	struct svcctl_lock *a, *b;
	struct svcctl_pidinfo h;
	char key[PATH_MAX];
	int64_t ta;

	te_key(&te_suite, "evicted", key);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(key, &o, &a, NULL), 0);
	ta = svcctl_lock_token(a);
	CU_ASSERT_EQUAL(svcctl_etcd_evict(key, NULL, ta + 1), SVCCTL_E_BUSY); /* not its token */
	CU_ASSERT_EQUAL(svcctl_etcd_evict(key, NULL, ta), 0);
	/* the keepalive hears of it within TTL/3; the bound is wide for a busy machine */
	CU_ASSERT(te_readable(svcctl_lock_lost_fd(a), 5 * TTL_MS));
	CU_ASSERT_EQUAL(svcctl_lock_touch(a), SVCCTL_E_LOST);
	CU_ASSERT_EQUAL(svcctl_lock_ttl_left_ms(a), 0);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(key, &o, &b, NULL), 0);
	CU_ASSERT(svcctl_lock_token(b) > ta);
	CU_ASSERT_EQUAL(svcctl_lock_publish(a, &o, NULL), SVCCTL_E_LOST);
	CU_ASSERT_EQUAL(svcctl_lock_release(a), SVCCTL_E_LOST);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(h.token, svcctl_lock_token(b));
	CU_ASSERT_EQUAL(svcctl_lock_release(b), 0);
}

/* The median of n values (sorts them). */
static int64_t median(int64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && v[k - 1] > v[k]; k--) {
			int64_t t = v[k];

			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	return v[n / 2];
}

/* Tokens increase from one holder to the next; prints acquire and release times. */
static void test_tokens_increase(void)
{
	enum { N = 31 };
	struct svcctl_opts o = te_opts(TTL_MS, NULL);
	struct svcctl_lock *lk;
	char key[PATH_MAX];
	int64_t last = 0, acq[N], rel[N], t;

	te_key(&te_suite, "tokens", key);
	for (int i = 0; i < N; i++) {
		t = te_mono_ms();
		CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(key, &o, &lk, NULL), 0);
		acq[i] = te_mono_ms() - t;
		CU_ASSERT(svcctl_lock_token(lk) > last);
		last = svcctl_lock_token(lk);
		t = te_mono_ms();
		CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
		rel[i] = te_mono_ms() - t;
	}
	printf("\n    uncontended: acquire median %lld ms, release median %lld ms\n",
	       (long long)median(acq, N), (long long)median(rel, N));
}

/* A forked child's release frees its copy only: the parent still holds. */
static void test_fork_keeps_parent(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, NULL);
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	char key[PATH_MAX];
	pid_t pid;

	te_key(&te_suite, "forked", key);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(key, &o, &lk, NULL), 0);
	pid = fork();
	if (pid == 0) {
		/*
		 * exec, as forked children do: the parent's connections and
		 * keepalive thread are not this process's to free
		 */
		execlp("sh", "sh", "-c", svcctl_lock_release(lk) == 0 ? "exit 0" : "exit 1",
		       (char *)NULL);
		_exit(127);
	}
	CU_ASSERT_EQUAL(th_wait(pid), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(h.token, svcctl_lock_token(lk));
	CU_ASSERT_FALSE(te_readable(svcctl_lock_lost_fd(lk), 0));
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
}

/* publish records another pid under the same lease and token. */
static void test_publish_and_remove(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, "starter");
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	char key[PATH_MAX];
	pid_t sleeper = th_spawn_sleeper();

	te_key(&te_suite, "published", key);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(key, &o, &lk, NULL), 0);
	o.pid = sleeper;
	o.msg = "server";
	CU_ASSERT_EQUAL(svcctl_lock_publish(lk, &o, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT(h.pid == sleeper && h.token == svcctl_lock_token(lk));
	CU_ASSERT_STRING_EQUAL(h.msg, "server");
	/* the record names the sleeper, not us: remove refuses */
	CU_ASSERT_EQUAL(svcctl_pidfile_is_mine(key), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(key), SVCCTL_E_BUSY);
	o.pid = 0;
	CU_ASSERT_EQUAL(svcctl_lock_publish(lk, &o, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(key), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_ABSENT);
	CU_ASSERT(te_readable(svcctl_lock_lost_fd(lk), 5 * TTL_MS));
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), SVCCTL_E_LOST);
	th_kill(sleeper);
}

/* A key written by something else: held, invalid content, never taken. */
static void test_foreign_value(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, NULL);
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	char key[PATH_MAX], out[1024];

	/* "foreign" = "Zm9yZWlnbg==", the value "junk" = "anVuaw==" */
	CU_ASSERT_EQUAL_FATAL(te_post(&te_suite, 0, "/v3/kv/put",
				      "{\"key\":\"Zm9yZWlnbg==\",\"value\":\"anVuaw==\"}", out,
				      sizeof(out)),
			      0);
	te_key(&te_suite, "foreign", key);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_E_INVALID);
	CU_ASSERT(h.token > 0 && h.pid == 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(key, &o, &lk, &h), SVCCTL_E_BUSY);
	CU_ASSERT(h.token > 0 && h.pid == 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(key), SVCCTL_E_BUSY);
	CU_ASSERT_EQUAL(svcctl_etcd_evict(key, NULL, 0), SVCCTL_E_INVALID);
}

struct seen {
	int n;
	int64_t tokens[4];
	char paths[4][PATH_MAX];
};

static int collect(const char *path, const struct svcctl_pidinfo *info, void *arg)
{
	struct seen *s = arg;

	if (s->n == 4)
		return 1;
	snprintf(s->paths[s->n], PATH_MAX, "%s", path);
	s->tokens[s->n++] = info->token;
	return 0;
}

static void test_list_prefix(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, NULL);
	struct svcctl_lock *a, *b, *c;
	struct seen s = {0};
	char key[PATH_MAX], want[PATH_MAX];

	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(te_key(&te_suite, "list/b", key), &o, &b, NULL),
			      0);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(te_key(&te_suite, "list/a", key), &o, &a, NULL),
			      0);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(te_key(&te_suite, "lisu", key), &o, &c, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_etcd_list(te_key(&te_suite, "list/", key), NULL, collect, &s), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 2);
	CU_ASSERT_STRING_EQUAL(s.paths[0], te_key(&te_suite, "list/a", want));
	CU_ASSERT_STRING_EQUAL(s.paths[1], te_key(&te_suite, "list/b", want));
	CU_ASSERT(s.tokens[0] == svcctl_lock_token(a) && s.tokens[1] == svcctl_lock_token(b));
	CU_ASSERT_EQUAL(svcctl_lock_release(a), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(b), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(c), 0);
	s.n = 0;
	CU_ASSERT_EQUAL(svcctl_etcd_list(te_key(&te_suite, "list/", key), NULL, collect, &s), 0);
	CU_ASSERT_EQUAL(s.n, 0);
}

CU_pSuite test_etcd_suite(void)
{
	static const struct th_case cases[] = {
	    {"acquire, busy with the holder, release", test_acquire_busy_release},
	    {"release never deletes another holder's key", test_release_never_deletes_another},
	    {"tokens increase from holder to holder", test_tokens_increase},
	    {"descriptors: close-on-exec, all closed by release", test_descriptors},
	    {"a forked child's release keeps the parent's hold", test_fork_keeps_parent},
	    {"publish another pid; remove only our own", test_publish_and_remove},
	    {"list a prefix", test_list_prefix},
	    {"a key written by something else", test_foreign_value},
	    {NULL, NULL}};

	return te_add_suite("etcd", cases);
}
