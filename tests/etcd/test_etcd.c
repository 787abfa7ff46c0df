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

static struct te_cluster g;

static int suite_init(void)
{
	return te_start(&g, 1);
}

static int suite_done(void)
{
	te_stop(&g);
	return 0;
}

static void test_acquire_busy_release(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, "alpha");
	struct svcctl_lock *a, *b;
	struct svcctl_pidinfo h;
	char key[PATH_MAX], host[256], msg[64];
	int64_t tok;

	te_key(&g, "busy", key);
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

	te_key(&g, "fds", key);
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

	te_key(&g, "evicted", key);
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

static void test_tokens_increase(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, NULL);
	struct svcctl_lock *lk;
	char key[PATH_MAX];
	int64_t last = 0;

	te_key(&g, "tokens", key);
	for (int i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(key, &o, &lk, NULL), 0);
		CU_ASSERT(svcctl_lock_token(lk) > last);
		last = svcctl_lock_token(lk);
		CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	}
}

/* Fork a holder of key: it reports its token, releases on a byte, reports when. */
static pid_t spawn_holder(const char *key, int64_t ttl_ms, int *to, int *from)
{
	int down[2], up[2];
	pid_t pid;

	CU_ASSERT_FATAL(pipe(down) == 0 && pipe(up) == 0);
	pid = fork();
	if (pid == 0) {
		struct svcctl_opts o = te_opts(ttl_ms, "holder");
		struct svcctl_lock *lk;
		int64_t v;
		char c;

		close(down[1]);
		close(up[0]);
		if (svcctl_pidfile_lock(key, &o, &lk, NULL) != 0)
			_exit(1);
		v = svcctl_lock_token(lk);
		if (write(up[1], &v, sizeof(v)) != sizeof(v) || read(down[0], &c, 1) != 1)
			_exit(2);
		if (svcctl_lock_release(lk) != 0)
			_exit(3);
		v = te_mono_ms();
		_exit(write(up[1], &v, sizeof(v)) == sizeof(v) ? 0 : 4);
	}
	close(down[0]);
	close(up[1]);
	*to = down[1];
	*from = up[0];
	return pid;
}

static void test_waiter_wakes_on_delete(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, "waiter");
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	char key[PATH_MAX];
	int64_t tok, released, t0;
	int to, from;
	pid_t pid;

	te_key(&g, "handoff", key);
	pid = spawn_holder(key, TTL_MS, &to, &from);
	CU_ASSERT_FATAL(read(from, &tok, sizeof(tok)) == sizeof(tok));
	/* a short wait times out and names the holder */
	o.timeout_ms = 300;
	t0 = te_mono_ms();
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(key, &o, &lk, &h), SVCCTL_E_TIMEOUT);
	CU_ASSERT(te_mono_ms() - t0 >= 300);
	CU_ASSERT(h.pid == pid && h.token == tok);
	CU_ASSERT_STRING_EQUAL(h.msg, "holder");
	/* the holder releases while we wait: the watch wakes us */
	CU_ASSERT(write(to, "r", 1) == 1);
	o.timeout_ms = 20000;
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(key, &o, &lk, &h), 0);
	t0 = te_mono_ms();
	CU_ASSERT_FATAL(read(from, &released, sizeof(released)) == sizeof(released));
	CU_ASSERT(svcctl_lock_token(lk) > tok);
	/* far below the 1 s re-check: the delete woke us, not the cap */
	CU_ASSERT(t0 - released < 800);
	printf("\n    handoff: owned %lld ms after the release returned\n",
	       (long long)(t0 - released));
	CU_ASSERT_EQUAL(th_wait(pid), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	close(to);
	close(from);
}

/* Shared memory: [0] counter, [1] inside, [2] last token, [3] violations. */
static int64_t *shared_block(void)
{
	int64_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CU_ASSERT_FATAL(m != MAP_FAILED);
	memset(m, 0, 4096);
	return m;
}

/* One worker's cycles; only ever _exits. */
static void worker(const char *key, int cycles, int64_t *m)
{
	struct svcctl_opts o = te_opts(TTL_MS, "worker");

	o.timeout_ms = -1;
	for (int i = 0; i < cycles; i++) {
		struct svcctl_lock *lk;
		int64_t c, tok;

		if (svcctl_pidfile_lock(key, &o, &lk, NULL) != 0)
			_exit(1);
		if (__atomic_fetch_add(&m[1], 1, __ATOMIC_SEQ_CST) != 0)
			__atomic_fetch_add(&m[3], 1, __ATOMIC_SEQ_CST);
		tok = svcctl_lock_token(lk);
		if (tok <= m[2])
			__atomic_fetch_add(&m[3], 1, __ATOMIC_SEQ_CST);
		m[2] = tok;
		c = m[0]; /* a racy increment: only exclusion keeps it exact */
		sched_yield();
		m[0] = c + 1;
		__atomic_fetch_sub(&m[1], 1, __ATOMIC_SEQ_CST);
		if (svcctl_lock_release(lk) != 0)
			_exit(2);
	}
	_exit(0);
}

static void test_mutual_exclusion(void)
{
	enum { WORKERS = 8, CYCLES = 200 };
	int64_t *m = shared_block(), t0 = te_mono_ms();
	pid_t pids[WORKERS];
	char key[PATH_MAX];

	te_key(&g, "mutex", key);
	for (int i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(key, CYCLES, m);
	}
	for (int i = 0; i < WORKERS; i++)
		CU_ASSERT_EQUAL(th_wait(pids[i]), 0);
	CU_ASSERT_EQUAL(m[0], WORKERS * CYCLES);
	CU_ASSERT_EQUAL(m[3], 0);
	printf("\n    %d workers x %d cycles: counter %lld, violations %lld, %.1f ms per cycle\n",
	       WORKERS, CYCLES, (long long)m[0], (long long)m[3],
	       (double)(te_mono_ms() - t0) / (WORKERS * CYCLES));
	munmap(m, 4096);
}

/* The holder is SIGKILLed: its lease expires and the waiter owns the key. */
static void test_sigkill_holder(void)
{
	struct svcctl_opts o = te_opts(1000, "taker");
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	char key[PATH_MAX];
	int64_t tok, t0, ttl;
	int to, from;
	pid_t pid;

	te_key(&g, "killed", key);
	pid = spawn_holder(key, 1000, &to, &from);
	CU_ASSERT_FATAL(read(from, &tok, sizeof(tok)) == sizeof(tok));
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_RUNNING);
	/* the TTL etcd granted (it may raise a short one) */
	ttl = h.ttl_ms > 1000 ? h.ttl_ms : 1000;
	kill(pid, SIGKILL);
	t0 = te_mono_ms();
	o.timeout_ms = 20000;
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(key, &o, &lk, NULL), 0);
	t0 = te_mono_ms() - t0;
	printf("\n    failover: owned %lld ms after SIGKILL (TTL %lld ms)\n", (long long)t0,
	       (long long)ttl);
	/*
	 * etcd expires leases on a 500 ms tick, so TTL + 0.5 s is its own
	 * bound; the extra 500 ms is for a loaded machine.
	 */
	CU_ASSERT(t0 <= ttl + 1000);
	CU_ASSERT(svcctl_lock_token(lk) > tok);
	th_wait(pid);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	close(to);
	close(from);
}

/* A forked child's release frees its copy only: the parent still holds. */
static void test_fork_keeps_parent(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, NULL);
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	char key[PATH_MAX];
	pid_t pid;

	te_key(&g, "forked", key);
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

	te_key(&g, "published", key);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(key, &o, &lk, NULL), 0);
	o.pid = sleeper;
	o.msg = "server";
	CU_ASSERT_EQUAL(svcctl_lock_publish(lk, &o, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT(h.pid == sleeper && h.token == svcctl_lock_token(lk));
	CU_ASSERT_STRING_EQUAL(h.msg, "server");
	/* the record names the sleeper, not us: remove refuses */
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(key), SVCCTL_E_BUSY);
	o.pid = 0;
	CU_ASSERT_EQUAL(svcctl_lock_publish(lk, &o, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(key), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(key, NULL, &h), SVCCTL_ABSENT);
	CU_ASSERT(te_readable(svcctl_lock_lost_fd(lk), 5 * TTL_MS));
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), SVCCTL_E_LOST);
	th_kill(sleeper);
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

	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(te_key(&g, "list/b", key), &o, &b, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(te_key(&g, "list/a", key), &o, &a, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(te_key(&g, "lisu", key), &o, &c, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_etcd_list(te_key(&g, "list/", key), NULL, collect, &s), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 2);
	CU_ASSERT_STRING_EQUAL(s.paths[0], te_key(&g, "list/a", want));
	CU_ASSERT_STRING_EQUAL(s.paths[1], te_key(&g, "list/b", want));
	CU_ASSERT(s.tokens[0] == svcctl_lock_token(a) && s.tokens[1] == svcctl_lock_token(b));
	CU_ASSERT_EQUAL(svcctl_lock_release(a), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(b), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(c), 0);
	s.n = 0;
	CU_ASSERT_EQUAL(svcctl_etcd_list(te_key(&g, "list/", key), NULL, collect, &s), 0);
	CU_ASSERT_EQUAL(s.n, 0);
}

CU_pSuite test_etcd_suite(void)
{
	static const struct th_case cases[] = {
	    {"acquire, busy with the holder, release", test_acquire_busy_release},
	    {"release never deletes another holder's key", test_release_never_deletes_another},
	    {"tokens increase from holder to holder", test_tokens_increase},
	    {"descriptors: close-on-exec, all closed by release", test_descriptors},
	    {"a waiter wakes on the holder's delete", test_waiter_wakes_on_delete},
	    {"mutual exclusion: 8 processes x 200 cycles", test_mutual_exclusion},
	    {"SIGKILL of the holder: the waiter owns it", test_sigkill_holder},
	    {"a forked child's release keeps the parent's hold", test_fork_keeps_parent},
	    {"publish another pid; remove only our own", test_publish_and_remove},
	    {"list a prefix", test_list_prefix},
	    {NULL, NULL}};
	CU_pSuite s = CU_add_suite("etcd", suite_init, suite_done);

	for (const struct th_case *c = cases; s && c->name; c++)
		if (CU_add_test(s, c->name, c->fn) == NULL)
			return NULL;
	return s;
}
