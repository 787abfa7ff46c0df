/*
 * Several hosts on one machine: children in their own UTS namespace (their
 * own host name) or pid namespace share one directory with us.  Needs
 * CAP_SYS_ADMIN; without it the program says why and exits 77 (skipped).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "helpers.h"
#include "suites.h"

/*
 * The stale age of the aging tests.  Aging is timed by nature; the margins
 * are for a loaded machine: a refresher is allowed to be 500 ms late (it
 * refreshes every 100 ms), and waits for aging only ever sleep longer.
 */
#define STALE_MS 600
#define REFRESH_MS 100

/* In a child: become host name. */
static int become_host(const char *name)
{
	return unshare(CLONE_NEWUTS) == 0 && sethostname(name, strlen(name)) == 0 ? 0 : -1;
}

/*
 * Fork a holder on another host: it takes path (write_locked, flags) and
 * refreshes it every refresh_ms (0: never) until killed.  Returns once it
 * holds the path.
 */
static pid_t spawn_remote(const char *path, unsigned flags, int refresh_ms)
{
	int p[2];
	char c;
	pid_t pid;

	CU_ASSERT_FATAL(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		struct svcctl_opts o = {.flags = flags, .msg = "remote"};
		struct svcctl_lock *lk;

		close(p[0]);
		if (become_host("far-away") < 0 || svcctl_pidfile_write_locked(path, &o, &lk, NULL))
			_exit(1);
		if (write(p[1], "1", 1) != 1)
			_exit(2);
		for (;;) {
			if (refresh_ms == 0)
				pause();
			usleep((useconds_t)refresh_ms * 1000);
			svcctl_lock_touch(lk);
		}
	}
	close(p[1]);
	CU_ASSERT_FATAL(read(p[0], &c, 1) == 1);
	close(p[0]);
	return pid;
}

/* The holder is alive and was never signalled (it would have died). */
static int untouched(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

static void test_fresh_remote_is_kept(void)
{
	struct th_dir d;
	struct svcctl_opts o = {.stale_age_ms = 60000, .flags = SVCCTL_F_NFS};
	struct svcctl_pidinfo h;
	struct svcctl_lock *lk;
	char p[PATH_MAX];
	pid_t far;

	th_dir_new(&d);
	th_path(&d, "r.pid", p);
	far = spawn_remote(p, SVCCTL_F_NFS, 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, &o, &h), SVCCTL_REMOTE);
	CU_ASSERT_STRING_EQUAL(h.host, "far-away");
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, &o, &lk, &h), SVCCTL_E_REMOTE);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, &o, &h), SVCCTL_E_REMOTE);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), SVCCTL_E_REMOTE);
	CU_ASSERT(untouched(far));
	th_kill(far);
	th_dir_done(&d);
}

static void test_expired_remote_is_taken(void)
{
	struct th_dir d;
	struct svcctl_opts o = {.stale_age_ms = STALE_MS, .flags = SVCCTL_F_NFS};
	struct svcctl_pidinfo h;
	struct svcctl_lock *lk;
	char p[PATH_MAX];
	pid_t far;

	th_dir_new(&d);
	th_path(&d, "r.pid", p);
	far = spawn_remote(p, SVCCTL_F_NFS, 0);
	usleep(STALE_MS * 1000 * 3 / 2);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, &o, &h), SVCCTL_STALE);
	CU_ASSERT_EQUAL(h.reason, SVCCTL_REASON_AGED);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, &o, &lk, &h), 0);
	CU_ASSERT(untouched(far)); /* taken over, never signalled */
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	th_kill(far);
	th_dir_done(&d);
}

static void test_refresh_keeps_fresh(void)
{
	struct th_dir d;
	struct svcctl_opts o = {.stale_age_ms = STALE_MS, .flags = SVCCTL_F_NFS};
	struct svcctl_pidinfo h;
	struct svcctl_lock *lk;
	char p[PATH_MAX];
	int remote = 0;
	pid_t far;

	th_dir_new(&d);
	th_path(&d, "r.pid", p);
	/* refreshed all along: remote through four stale ages */
	far = spawn_remote(p, SVCCTL_F_NFS, REFRESH_MS);
	for (int i = 0; i < 8; i++) {
		usleep(STALE_MS * 1000 / 2);
		remote += svcctl_pidfile_state(p, &o, &h) == SVCCTL_REMOTE &&
			  svcctl_pidfile_write_locked(p, &o, &lk, NULL) == SVCCTL_E_REMOTE;
	}
	CU_ASSERT_EQUAL(remote, 8);
	/* refreshes end (the holder dies over there): it ages out and is
	 * taken over by a waiter; 30 s bounds the wait, a hang guard */
	th_kill(far);
	o.timeout_ms = 30000;
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, &o, &lk, &h), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	th_dir_done(&d);
}

/* A holder in a new pid namespace: its pid means another process here. */
static void test_other_pid_namespace(void)
{
	struct th_dir d;
	struct svcctl_pidinfo h;
	struct svcctl_lock *lk;
	char p[PATH_MAX];
	int ready[2];
	pid_t outer, init = 0, held;

	th_dir_new(&d);
	th_path(&d, "ns.pid", p);
	CU_ASSERT_FATAL(pipe(ready) == 0);
	outer = fork();
	if (outer == 0) {
		/* its first child is pid 1 there, and forks pid 2, the holder */
		if (unshare(CLONE_NEWPID) < 0)
			_exit(1);
		init = fork();
		if (init > 0)
			_exit(write(ready[1], &init, sizeof(init)) == sizeof(init) ? 0 : 1);
		if (init == 0 && fork() == 0) {
			if (svcctl_pidfile_write_locked(p, NULL, &lk, NULL) == 0 &&
			    write(ready[1], &init, sizeof(init)) == sizeof(init))
				for (;;)
					pause();
			_exit(1);
		}
		for (;;)
			pause();
	}
	CU_ASSERT_FATAL(read(ready[0], &init, sizeof(init)) == sizeof(init) && init > 0);
	/* the holder's word that it holds the pidfile */
	CU_ASSERT_FATAL(read(ready[0], &held, sizeof(held)) == sizeof(held));
	CU_ASSERT_EQUAL(svcctl_pidfile_read(p, &h), 0);
	CU_ASSERT(h.pid == 2); /* here, pid 2 is kthreadd or whoever */
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &h), SVCCTL_REMOTE);
	/* its lock is held in this kernel: busy, never taken */
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), SVCCTL_E_BUSY);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, NULL, &h), SVCCTL_E_BUSY);
	CU_ASSERT_EQUAL(access(p, F_OK), 0);
	/* killing the namespace's init ends everything in it */
	kill(init, SIGKILL);
	th_wait(outer);
	close(ready[0]);
	close(ready[1]);
	th_dir_done(&d);
}

/* Shared memory: [0] a racy counter, [1] violations, [2] owners inside. */
static long *mmap_counter(void)
{
	long *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CU_ASSERT_FATAL(m != MAP_FAILED);
	m[0] = m[1] = m[2] = 0;
	return m;
}

/* A worker on host: cycles of NFS-safe lock, racy increment, release. */
static int cross_host_worker(const char *p, const char *host, long *sh, int cycles)
{
	struct svcctl_opts o = {.flags = SVCCTL_F_NFS, .timeout_ms = 60000, .stale_age_ms = 60000};

	if (become_host(host) < 0)
		return 3;
	for (int i = 0; i < cycles; i++) {
		struct svcctl_lock *lk;
		long v;

		if (svcctl_pidfile_write_locked(p, &o, &lk, NULL) != 0)
			return 1;
		if (__atomic_fetch_add(&sh[2], 1, __ATOMIC_SEQ_CST) != 0)
			__atomic_fetch_add(&sh[1], 1, __ATOMIC_SEQ_CST);
		v = sh[0];
		sched_yield();
		sh[0] = v + 1;
		__atomic_fetch_sub(&sh[2], 1, __ATOMIC_SEQ_CST);
		if (svcctl_lock_release(lk) != 0)
			return 2;
	}
	return 0;
}

/* Mutual exclusion across hosts in the NFS-safe mode. */
static void test_nfs_across_hosts(void)
{
	struct th_dir d;
	char p[PATH_MAX];
	long *shared = mmap_counter();
	pid_t w[4];
	int failed = 0;

	th_dir_new(&d);
	th_path(&d, "x.pid", p);
	for (int i = 0; i < 4; i++) {
		w[i] = fork();
		if (w[i] == 0)
			_exit(cross_host_worker(p, i % 2 ? "host-a" : "host-b", shared, 150));
	}
	for (int i = 0; i < 4; i++)
		failed += th_wait(w[i]) != 0;
	printf("\n    nfs across 2 hosts: 4 procs x 150 cycles, counter %ld, violations %ld\n",
	       shared[0], shared[1]);
	CU_ASSERT_EQUAL(failed, 0);
	CU_ASSERT_EQUAL(shared[0], 600);
	CU_ASSERT_EQUAL(shared[1], 0);
	th_dir_done(&d);
}

/* Can this process make namespaces?  Tried in a child, so we stay put. */
static const char *namespaces_missing(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(CLONE_NEWUTS | CLONE_NEWPID) == 0 ? 0 : 1);
	return th_wait(pid) == 0 ? NULL
				 : "unshare(CLONE_NEWUTS|CLONE_NEWPID) failed "
				   "(needs root or CAP_SYS_ADMIN)";
}

int main(void)
{
	static const struct th_case cases[] = {
	    {"a fresh remote holder is neither taken nor signalled", test_fresh_remote_is_kept},
	    {"an expired remote holder is taken over", test_expired_remote_is_taken},
	    {"refresh keeps a holder fresh through five stale ages", test_refresh_keeps_fresh},
	    {"a holder in another pid namespace is remote", test_other_pid_namespace},
	    {"NFS-safe mode: mutual exclusion across hosts", test_nfs_across_hosts},
	    {NULL, NULL}};
	const char *why = namespaces_missing();
	unsigned failures;

	if (why) {
		printf("SKIP: simulated hosts need namespaces: %s\n", why);
		return 77;
	}
	if (CU_initialize_registry() != CUE_SUCCESS || th_add_suite("hosts", cases) == NULL)
		return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failure_records() + (CU_get_error() != CUE_SUCCESS);
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
