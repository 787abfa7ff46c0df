/* The adjacent lock: busy, waiting, wake-up on release, held by inheritors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "helpers.h"
#include "suites.h"

static void test_lock_only(void)
{
	struct th_dir d;
	struct svcctl_lock *lk, *l2;
	struct svcctl_pidinfo h;
	char p[PATH_MAX];
	pid_t pid;

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(p, NULL, &lk, NULL), 0);
	/* no pidfile: the holder's pid comes from the kernel's lock table */
	pid = fork();
	if (pid == 0)
		_exit(svcctl_pidfile_lock(p, NULL, &l2, &h) == SVCCTL_E_BUSY && h.pid == getppid()
			  ? 0
			  : 1);
	CU_ASSERT_EQUAL(th_wait(pid), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &h), SVCCTL_ABSENT);
	/* publishing under the held lock, then release removes both files */
	CU_ASSERT_EQUAL(svcctl_lock_judge(lk, NULL, &h), SVCCTL_ABSENT);
	CU_ASSERT_EQUAL(svcctl_lock_publish(lk, NULL, &h), 0);
	CU_ASSERT_EQUAL(svcctl_lock_judge(lk, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	CU_ASSERT_EQUAL(th_count_entries(d.path), 1);
	th_dir_done(&d);
}

static void test_timeout(void)
{
	struct th_dir d;
	struct svcctl_lock *lk;
	struct svcctl_pidinfo h;
	struct svcctl_opts o = {.timeout_ms = 200};
	char p[PATH_MAX];
	pid_t holder;

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	holder = th_spawn_holder(p);
	CU_ASSERT_FATAL(holder > 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(p, &o, &lk, &h), SVCCTL_E_TIMEOUT);
	CU_ASSERT_EQUAL(h.pid, holder);
	th_kill(holder);
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(p, &o, &lk, &h), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), 0);
	CU_ASSERT_EQUAL(th_count_entries(d.path), 0);
	th_dir_done(&d);
}

/*
 * A child waits for the lock (timeout_ms), says "2" on the pipe once it
 * holds it, and exits 0 after releasing it.
 */
static pid_t spawn_waiter(const char *p, int64_t timeout_ms, int owned)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct svcctl_opts o = {.timeout_ms = timeout_ms};
		struct svcctl_lock *lk;

		if (svcctl_pidfile_write_locked(p, &o, &lk, NULL) != 0)
			_exit(1);
		if (write(owned, "2", 1) != 1)
			_exit(3);
		_exit(svcctl_lock_release(lk) == 0 ? 0 : 2);
	}
	return pid;
}

/*
 * Milliseconds a waiter blocked on the lock takes to own it once the
 * holder releases; -1 if it never does (or was never seen blocked).
 */
static long long handoff_ms(const char *p, int64_t timeout_ms)
{
	struct svcctl_lock *lk;
	struct pollfd pfd;
	int owned[2];
	long long t0, ms = -1;
	char c;
	pid_t w;

	CU_ASSERT_FATAL(pipe2(owned, O_CLOEXEC) == 0);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(p, NULL, &lk, NULL), 0);
	w = spawn_waiter(p, timeout_ms, owned[1]);
	close(owned[1]);
	/* an event, not a sleep: the waiter is seen blocked in the kernel */
	CU_ASSERT_EQUAL(th_wait_blocked(w), 0);
	t0 = th_now_ms();
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	pfd = (struct pollfd){.fd = owned[0], .events = POLLIN};
	if (poll(&pfd, 1, 30000) == 1 && read(owned[0], &c, 1) == 1)
		ms = th_now_ms() - t0;
	close(owned[0]);
	CU_ASSERT_EQUAL(th_wait(w), 0);
	return ms;
}

/*
 * The release must wake the waiter, not its next timed retry.  A bound,
 * with a wide margin: a hand-over takes well under a millisecond idle and
 * tens of ms on a loaded 2-core machine (tests/load.sh), while a waiter
 * that misses the release sleeps for its whole retry period (seconds: a
 * waiter made to ignore the wake-up and sleep 3 s fails here).
 */
#define HANDOFF_BOUND_MS 1000

static void handoff(int64_t timeout_ms)
{
	struct th_dir d;
	char p[PATH_MAX];
	long long ms;

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	ms = handoff_ms(p, timeout_ms);
	printf("\n    hand-over took %lld ms (bound %d ms)\n", ms, HANDOFF_BOUND_MS);
	CU_ASSERT(ms >= 0 && ms < HANDOFF_BOUND_MS);
	CU_ASSERT_EQUAL(th_count_entries(d.path), 1);
	th_dir_done(&d);
}

static void test_handoff_timed(void)
{
	handoff(10000);
}

static void test_handoff_forever(void)
{
	handoff(-1);
}

/* Child: take the pidfile, fork a grandchild that inherits the lock, exit. */
static pid_t spawn_orphaning_holder(const char *p, pid_t *grandchild)
{
	int fds[2];
	pid_t pid, g = 0;

	CU_ASSERT_FATAL(pipe2(fds, O_CLOEXEC) == 0);
	pid = fork();
	if (pid == 0) {
		struct svcctl_lock *lk;

		if (svcctl_pidfile_write_locked(p, NULL, &lk, NULL) != 0)
			_exit(1);
		g = fork();
		if (g == 0) {
			for (;;)
				pause();
		}
		_exit(write(fds[1], &g, sizeof(g)) == sizeof(g) ? 0 : 2);
	}
	close(fds[1]);
	if (read(fds[0], &g, sizeof(g)) != sizeof(g))
		g = 0;
	close(fds[0]);
	*grandchild = g;
	return pid;
}

static void test_dead_but_locked(void)
{
	struct th_dir d;
	struct svcctl_pidinfo h;
	struct svcctl_lock *lk;
	char p[PATH_MAX];
	pid_t child, grandchild;

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	child = spawn_orphaning_holder(p, &grandchild);
	CU_ASSERT_EQUAL(th_wait(child), 0);
	CU_ASSERT_FATAL(grandchild > 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &h), SVCCTL_DEAD_LOCKED);
	CU_ASSERT_EQUAL(h.pid, child);
	CU_ASSERT_EQUAL(h.lock_held, 1);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, NULL, &lk, &h), SVCCTL_E_BUSY);
	CU_ASSERT_EQUAL(h.state, SVCCTL_DEAD_LOCKED);
	CU_ASSERT_EQUAL(h.pid, child);
	/* the grandchild is not our child: kill it and wait for the lock */
	kill(grandchild, SIGKILL);
	/* the lock goes when the kernel reaps it; 30 s is only a hang guard */
	struct svcctl_opts o = {.timeout_ms = 30000};
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, &o, &lk, &h), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	CU_ASSERT_EQUAL(th_count_entries(d.path), 1);
	th_dir_done(&d);
}

CU_pSuite test_lock_suite(void)
{
	static const struct th_case cases[] = {
	    {"lock only: busy names the flock holder", test_lock_only},
	    {"timed wait gives up, then succeeds", test_timeout},
	    {"timed waiter wakes when the holder releases", test_handoff_timed},
	    {"blocking waiter wakes when the holder releases", test_handoff_forever},
	    {"dead pid under an inherited lock is dead-locked", test_dead_but_locked},
	    {NULL, NULL}};

	return th_add_suite("lock", cases);
}
