/*
 * Lock handoffs and contention between real processes.  A handoff round:
 * the parent holds the lock, a forked waiter blocks on it, the parent
 * notes the time and lets go, the waiter notes when it owns the lock.
 * Contention: PROCS processes take the pidfile CYCLES times each around a
 * critical section that counts entries and detects overlap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bsd/libutil.h>

#include "bench.h"
#include "lock_common.h"
#include "svcctl/pidfile.h"

#define SIDES 5

/* Take the lock as a waiter of the given kind; 0 or a negative code. */
static int take(enum lkind k, const char *path, struct held *h)
{
	struct svcctl_opts o = {.timeout_ms = k == LK_LIB_TIMED ? 10000 : -1};

	if (k == LK_FLOCK)
		return flock_take(path, h);
	if (k == LK_FLOOR)
		return floor_take(path, h, 1);
	if (k == LK_LOCK)
		return svcctl_pidfile_lock(path, &o, &h->lk, NULL);
	return svcctl_pidfile_write_locked(path, &o, &h->lk, NULL);
}

/* The waiter: block until go, take the lock, stamp, release. */
static void __attribute__((noreturn)) waiter(enum lkind k, const char *path, int go, struct shm *m)
{
	struct held h = {.fd = -1};
	char c;

	if (read(go, &c, 1) != 1)
		_exit(2);
	if (take(k, path, &h) < 0)
		_exit(3);
	m->t_owned = now_us();
	_exit(give(k, &h) < 0 ? 4 : 0);
}

/* One handoff round; returns the latency in microseconds, < 0 when broken. */
static double handoff_round(enum lkind k, const char *path, struct shm *m)
{
	struct held h = {.fd = -1};
	int go[2], st;
	double t0;
	pid_t pid;

	if (pipe(go) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0)
		waiter(k, path, go[0], m);
	close(go[0]);
	m->t_owned = 0;
	if (take(k, path, &h) < 0)
		return -2;
	if (write(go[1], "g", 1) != 1)
		return -3;
	close(go[1]);
	nap_ms(5); /* the waiter is blocked in the kernel by now */
	t0 = now_us();
	if (give(k, &h) < 0)
		return -4;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -5;
	return m->t_owned > t0 ? m->t_owned - t0 : -6;
}

/*
 * The p99 of side a over the p99 of the kernel's own hand-over (k) and of
 * the floor (f): the tail the kernel sets, whatever the library does.
 */
static void report_p99_ratios(const struct series *a, const struct series *k,
			      const struct series *f)
{
	double p = series_quantile(a, 0.99);

	printf("  p99 %s / %s: %.3gx, / %s: %.3gx (%.1f us, %.1f us, %.1f us)\n", a->name, k->name,
	       p / series_quantile(k, 0.99), f->name, p / series_quantile(f, 0.99), p,
	       series_quantile(k, 0.99), series_quantile(f, 0.99));
}

int bench_handoff(const struct runopts *o, int argc, char **argv)
{
	enum lkind kind[SIDES] = {LK_LIB, LK_LIB_TIMED, LK_LOCK, LK_FLOCK, LK_FLOOR};
	struct series s[SIDES] = {{.name = "write_locked, no timeout"},
				  {.name = "write_locked, 10 s timeout"},
				  {.name = "svcctl_pidfile_lock, no timeout"},
				  {.name = "flock(2) LOCK_EX"},
				  {.name = "floor: flock(2) + publish syscalls"}};
	struct series *sp[SIDES] = {&s[0], &s[1], &s[2], &s[3], &s[4]};
	static const char *const file[SIDES] = {"handoff.pid", "handoff-timed.pid",
						"handoff-lock.pid", "handoff.flock",
						"handoff-floor.pid"};
	struct shm *m = shm_new();
	char path[SIDES][512];

	if (argc != 1 || m == NULL)
		return bench_fail("handoff", "needs DIR");
	for (int i = 0; i < SIDES; i++)
		snprintf(path[i], sizeof(path[i]), "%s/%s", argv[0], file[i]);
	for (size_t r = 0; r < o->warmup + o->rounds; r++) {
		for (size_t i = 0; i < SIDES; i++) {
			size_t k = (r + i) % SIDES;
			double us = handoff_round(kind[k], path[k], m);

			if (us < 0) {
				fprintf(stderr, "bench-lib: step %d failed\n", (int)-us);
				return bench_fail("handoff", s[k].name);
			}
			if (r >= o->warmup)
				series_add(&s[k], us);
		}
	}
	report_sides(o, sp, SIDES);
	/* the timed wait against the same floor as the untimed one */
	report_target("of the ratio above", report_ratio(&s[1], &s[4]), 1.1, "x");
	for (int i = 0; i < 2; i++)
		report_p99_ratios(&s[i], &s[3], &s[4]);
	for (int i = 0; i < 2; i++) {
		printf("  %s:", s[i].name);
		report_target("median", series_quantile(&s[i], 0.5), 60, " us");
		printf("  %s:", s[i].name);
		report_target("p99", series_quantile(&s[i], 0.99), 150, " us");
	}
	for (int i = 0; i < SIDES; i++)
		series_free(&s[i]);
	return 0;
}
