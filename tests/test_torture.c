/*
 * Mutual exclusion under contention: workers cycle write_locked / critical
 * section / release while victims are SIGKILLed at random, in or out of the
 * critical section.  A racy shared counter and an owner slot in shared
 * memory catch any overlap.  Sizes come from the environment, so that
 * tests/soak.sh runs the same code for millions of cycles:
 * SVCCTL_TORTURE_PROCS (8), SVCCTL_TORTURE_CYCLES per worker (2000),
 * SVCCTL_TORTURE_NFS_CYCLES per worker in the NFS-safe mode, which polls
 * (a quarter of the former), and SVCCTL_TORTURE_MODE (flock or nfs: run
 * only that mode; both when unset).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "platform.h"
#include "suites.h"

struct shared {
	atomic_long owner;      /* pid inside the critical section, 0 if none */
	atomic_long violations; /* entries that found a live owner */
	long counter;           /* incremented non-atomically inside */
	atomic_long victims_inside;
	atomic_long takeovers; /* entries that found a stale pidfile */
};

/* A positive integer from the environment, else def. */
static int env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v && atoi(v) > 0 ? atoi(v) : def;
}

/* Enter: a previous owner that is still alive means exclusion failed. */
static void enter(struct shared *sh)
{
	long prev = atomic_exchange(&sh->owner, (long)getpid());
	uint64_t start;

	if (prev != 0 && platform_proc_check(prev, &start) == PLATFORM_PROC_ALIVE)
		atomic_fetch_add(&sh->violations, 1);
}

static void leave(struct shared *sh)
{
	long me = (long)getpid();

	atomic_compare_exchange_strong(&sh->owner, &me, 0);
}

/*
 * One worker's cycles; half wait blocking, half with a timeout.  Exits 3
 * when the cycles left a descriptor open in the worker.
 */
static int worker(struct shared *sh, const char *p, int cycles, int blocking, unsigned flags)
{
	struct svcctl_opts o = {.timeout_ms = blocking ? -1 : 60000, .flags = flags};
	int fds = th_count_fds();

	for (int i = 0; i < cycles; i++) {
		struct svcctl_lock *lk;
		long v;

		int rc = svcctl_pidfile_write_locked(p, &o, &lk, NULL);

		if (rc != 0) {
			fprintf(stderr, "worker %d: %s\n", (int)getpid(), svcctl_strerror(rc));
			return 1;
		}
		enter(sh);
		v = sh->counter;
		if (i % 8 == 0)
			sched_yield(); /* widen the window a racy exclusion would show */
		sh->counter = v + 1;
		leave(sh);
		rc = svcctl_lock_release(lk);
		if (rc != 0) {
			fprintf(stderr, "worker %d release: %s\n", (int)getpid(),
				svcctl_strerror(rc));
			return 2;
		}
	}
	return th_count_fds() == fds ? 0 : 3;
}

/* A victim takes the lock and lingers inside until it is killed. */
static void victim(struct shared *sh, const char *p, unsigned flags)
{
	struct svcctl_opts o = {.timeout_ms = -1, .flags = flags};
	struct svcctl_lock *lk;

	if (svcctl_pidfile_write_locked(p, &o, &lk, NULL) != 0)
		_exit(1);
	enter(sh);
	atomic_fetch_add(&sh->victims_inside, 1);
	/* die inside: the next owner must find our pid dead */
	atomic_store(&sh->owner, 0);
	for (;;)
		pause();
}

/*
 * Spawn victims and kill each at a random moment, until every worker has
 * exited; count the workers that failed into *failed.
 */
static int run_victims(struct shared *sh, const char *p, unsigned flags, pid_t *workers, int n,
		       int *failed)
{
	int killed = 0, running = n, st;

	while (running > 0) {
		pid_t v = fork();

		if (v == 0)
			victim(sh, p, flags);
		/*
		 * every other victim is let inside first: an event (the shared
		 * count), polled; the 10 s bound only stops a run whose victim
		 * never gets in from hanging, and is far above the worst wait of
		 * a loaded machine (a few ms behind 8 workers)
		 */
		for (int w = 0; killed % 2 && sh->victims_inside <= killed / 2 && w < 100000; w++)
			usleep(100);
		usleep((useconds_t)(rand() % 3000));
		th_kill(v);
		killed++;
		usleep(2000); /* let the workers make progress between victims */
		for (int i = 0; i < n; i++) {
			if (workers[i] > 0 && waitpid(workers[i], &st, WNOHANG) == workers[i]) {
				*failed += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
				workers[i] = 0;
				running--;
			}
		}
	}
	return killed;
}

/* Print the run's figures on one line (tests/soak.sh reads it). */
static void report(const struct shared *sh, unsigned flags, int procs, int cycles, int killed,
		   double secs)
{
	printf("\n    torture %s: %d procs x %d cycles = %ld cycles, %d holders SIGKILLed "
	       "(%ld inside), violations %ld, %.1f s, %.0f cycles/s\n",
	       flags & SVCCTL_F_NFS ? "nfs" : "flock", procs, cycles, sh->counter, killed,
	       (long)sh->victims_inside, (long)sh->violations, secs,
	       secs > 0 ? (double)sh->counter / secs : 0.0);
}

/* False (and a note) when SVCCTL_TORTURE_MODE names the other mode. */
static int mode_wanted(unsigned flags)
{
	const char *mode = getenv("SVCCTL_TORTURE_MODE");
	const char *mine = flags & SVCCTL_F_NFS ? "nfs" : "flock";

	if (mode == NULL || *mode == '\0' || strcmp(mode, mine) == 0)
		return 1;
	printf("\n    torture %s: skipped (SVCCTL_TORTURE_MODE=%s)\n", mine, mode);
	return 0;
}

static void torture(unsigned flags)
{
	int procs = env_int("SVCCTL_TORTURE_PROCS", 8);
	int cycles = env_int("SVCCTL_TORTURE_CYCLES", 2000);
	struct shared *sh =
	    mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t workers[64];
	struct th_dir d;
	struct timespec t0, t1;
	char p[PATH_MAX];
	int killed, failed = 0;

	if (!mode_wanted(flags))
		return;
	if (flags & SVCCTL_F_NFS)
		cycles = env_int("SVCCTL_TORTURE_NFS_CYCLES", cycles / 4 > 0 ? cycles / 4 : 1);
	CU_ASSERT_FATAL(sh != MAP_FAILED && procs <= 64);
	th_dir_new(&d);
	th_path(&d, "t.pid", p);
	srand((unsigned)getpid());
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < procs; i++) {
		workers[i] = fork();
		if (workers[i] == 0)
			_exit(worker(sh, p, cycles, i % 2, flags));
	}
	killed = run_victims(sh, p, flags, workers, procs, &failed);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	report(sh, flags, procs, cycles, killed,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	CU_ASSERT_EQUAL(failed, 0);
	CU_ASSERT_EQUAL(sh->violations, 0);
	CU_ASSERT_EQUAL(sh->counter, (long)procs * cycles);
	CU_ASSERT(sh->victims_inside > 0);
	/* every worker and victim has been reaped: no process left behind */
	CU_ASSERT(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	/* the last victim may have left stale files: take them over once */
	struct svcctl_lock *lk;
	struct svcctl_opts o = {.flags = flags};
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, &o, &lk, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	/* the flock'd lock file stays for the next locker; an NFS record goes */
	CU_ASSERT_EQUAL(th_count_entries(d.path), flags & SVCCTL_F_NFS ? 0 : 1);
	munmap(sh, sizeof(*sh));
	th_dir_done(&d); /* and no descriptor left open in this process */
}

static void test_torture(void)
{
	torture(0);
}

static void test_torture_nfs(void)
{
	torture(SVCCTL_F_NFS);
}

CU_pSuite test_torture_suite(void)
{
	static const struct th_case cases[] = {
	    {"8 processes x 2000 cycles, random SIGKILLs: no overlap", test_torture},
	    {"the same in the NFS-safe mode", test_torture_nfs},
	    {NULL, NULL}};

	return th_add_suite("torture", cases);
}
