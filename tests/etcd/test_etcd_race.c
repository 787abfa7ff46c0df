/*
 * etcd mode under contention against a real etcd: a waiter woken by the
 * delete, mutual exclusion of forked workers, takeover after SIGKILL.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "etcd_server.h"
#include "etcd_suites.h"

#define TTL_MS 2000

static void test_waiter_wakes_on_delete(void)
{
	struct svcctl_opts o = te_opts(TTL_MS, "waiter");
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	char key[PATH_MAX];
	int64_t tok, released, t0;
	int to, from;
	pid_t pid;

	te_key(&te_suite, "handoff", key);
	pid = te_spawn_holder(key, TTL_MS, &to, &from);
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

	te_key(&te_suite, "mutex", key);
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

	te_key(&te_suite, "killed", key);
	pid = te_spawn_holder(key, 1000, &to, &from);
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

CU_pSuite test_etcdrace_suite(void)
{
	static const struct th_case cases[] = {
	    {"a waiter wakes on the holder's delete", test_waiter_wakes_on_delete},
	    {"mutual exclusion: 8 processes x 200 cycles", test_mutual_exclusion},
	    {"SIGKILL of the holder: the waiter owns it", test_sigkill_holder},
	    {NULL, NULL}};

	return te_add_suite("etcdrace", cases);
}
