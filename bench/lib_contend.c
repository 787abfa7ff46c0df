/*
 * Contention: PROCS processes each take one pidfile CYCLES times, run a
 * critical section that detects overlap and bumps a shared counter with
 * a plain read-modify-write, and let go.  libsvcctl waits for the lock in
 * the kernel; libbsd's pidfile_open() fails at once while the file is
 * held, so its users retry in a loop (here yielding the CPU each time).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bsd/libutil.h>

#include "bench.h"
#include "lock_common.h"
#include "svcctl/pidfile.h"

/* The critical section: overlap is a violation; the counter must add up. */
static void section(struct shm *m)
{
	long v;

	if (atomic_fetch_add(&m->inside, 1) != 0)
		atomic_fetch_add(&m->violations, 1);
	v = m->counter;
	sched_yield(); /* invite an intruder: a broken lock loses counts */
	m->counter = v + 1;
	atomic_fetch_sub(&m->inside, 1);
}

/* Take the pidfile the given way, waiting as long as it takes. */
static int take(int k, const char *path, struct held *h)
{
	struct svcctl_opts o = {.timeout_ms = -1};

	if (k == LK_LIB)
		return svcctl_pidfile_write_locked(path, &o, &h->lk, NULL);
	while ((h->pfh = pidfile_open(path, 0644, NULL)) == NULL) {
		if (errno != EEXIST && errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		sched_yield();
	}
	return pidfile_write(h->pfh) < 0 ? -errno : 0;
}

/* One contender: wait for the start, then cycle; exits 0 or the failed step. */
static void __attribute__((noreturn))
contender(int k, const char *path, long cycles, int go, struct shm *m)
{
	struct held h = {.fd = -1};
	char c;

	if (read(go, &c, 1) != 0)
		_exit(2); /* EOF is the start signal */
	for (long i = 0; i < cycles; i++) {
		if (take(k, path, &h) < 0)
			_exit(3);
		section(m);
		if (give(k, &h) < 0)
			_exit(4);
	}
	_exit(0);
}

/* One round: microseconds per cycle over all processes, < 0 when broken. */
static double contend_round(int k, const char *path, int procs, long cycles, struct shm *m)
{
	int go[2], st, bad = 0;
	double t0;

	memset(m, 0, sizeof(*m));
	if (pipe(go) < 0)
		return -1;
	for (int i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (pid == 0) {
			close(go[1]);
			contender(k, path, cycles, go[0], m);
		}
	}
	close(go[0]);
	t0 = now_us();
	close(go[1]);
	for (int i = 0; i < procs; i++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad = 1;
	t0 = now_us() - t0;
	if (bad)
		return -2;
	if (m->violations != 0 || m->counter != procs * cycles) {
		fprintf(stderr, "bench-lib: %ld overlaps, counter %ld of %ld\n",
			(long)m->violations, m->counter, procs * cycles);
		return -3;
	}
	return t0 / (double)(procs * cycles);
}

int bench_contend(const struct runopts *o, int argc, char **argv)
{
	struct series s[2] = {{.name = "libsvcctl write_locked (us/cycle)"},
			      {.name = "libbsd pidfile_open retry (us/cycle)"}};
	struct series *sp[2] = {&s[0], &s[1]};
	struct shm *m = shm_new();
	char path[512];
	int procs;
	long cycles;

	if (argc != 3 || m == NULL || (procs = atoi(argv[1])) < 1 || (cycles = atol(argv[2])) < 1)
		return bench_fail("contend", "needs DIR PROCS CYCLES");
	snprintf(path, sizeof(path), "%s/contend.pid", argv[0]);
	for (size_t r = 0; r < o->warmup + o->rounds; r++) {
		for (int i = 0; i < 2; i++) {
			int k = (int)((r + (size_t)i) % 2);
			double us =
			    contend_round(k == 0 ? LK_LIB : LK_LIBBSD, path, procs, cycles, m);

			if (us < 0)
				return bench_fail("contend", s[k].name);
			if (r >= o->warmup)
				series_add(&s[k], us);
		}
	}
	report_sides(o, sp, 2);
	printf("  cycles/s: libsvcctl %.0f, libbsd %.0f; overlaps 0 in every round\n",
	       1e6 / series_quantile(&s[0], 0.5), 1e6 / series_quantile(&s[1], 0.5));
	series_free(&s[0]);
	series_free(&s[1]);
	return 0;
}
