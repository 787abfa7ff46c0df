/*
 * Lock handoff to a waiting command-line tool: the parent holds the lock,
 * starts the tool, gives it time to block (or to fall asleep between
 * retries), lets go, and measures until the tool owns the lock.  Tools
 * that run a command (svcctl run, flock) run bench-stamp, which records
 * the moment it starts; the others (dotlockfile, lockfile-create) own the
 * lock when they exit.  The floor (bench-runfloor) makes only the system
 * calls of svcctl run's hand-over: flock(2), fork, the publish, exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "lock_common.h"
#include "svcctl/pidfile.h"

#define BLOCK_MS 20
/* bench-stamp stays this long (ms), so `svcctl run` can record its pid */
#define LINGER "10"

/* The paths and programs of a run. */
struct ctx {
	char pid[512], flk[512], dot[512], stamp[512], floor[512];
	const char *svcctl, *stamper, *floorprog;
};

/* One tool: how the parent holds, and the tool's command line. */
struct tool {
	const char *key, *name;
	enum lkind holder;
	int stamped;
	struct series s;
};

static struct tool tools[] = {
    {"run", "svcctl run -w 30s -- bench-stamp", LK_LIB, 1, {0}},
    {"flock", "flock(1) -- bench-stamp", LK_FLOCK, 1, {0}},
    {"dotlockfile", "dotlockfile -l -r 5", LK_FILE, 0, {0}},
    {"lockfile-create", "lockfile-create -r 5 -l", LK_FILE, 0, {0}},
    {"floor", "floor: fork, flock, publish, exec", LK_LIB, 1, {0}},
};

#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

/* Fill argv for tool t; returns the path the parent holds. */
static const char *command(const struct ctx *c, const struct tool *t, const char **argv)
{
	const char *run[] = {c->svcctl, "run", "-q",       "-p",     c->pid, "-w",
			     "30s",     "--",  c->stamper, c->stamp, LINGER, NULL};
	const char *flk[] = {"/usr/bin/flock", c->flk, c->stamper, c->stamp, LINGER, NULL};
	const char *dot[] = {"/usr/bin/dotlockfile", "-l", "-r", "5", c->dot, NULL};
	const char *lfc[] = {"/usr/bin/lockfile-create", "-q", "-r", "5", "-l", c->dot, NULL};
	const char *flr[] = {c->floorprog, c->floor, c->stamper, c->stamp, LINGER, NULL};
	const char **const all[] = {run, flk, dot, lfc, flr};
	const char **src = all[t - tools];

	for (int i = 0; (argv[i] = src[i]) != NULL; i++)
		;
	if (t->holder == LK_LIB)
		return src == flr ? c->floor : c->pid;
	return t->holder == LK_FLOCK ? c->flk : c->dot;
}

/* The time bench-stamp recorded, 0 when it did not run. */
static double read_stamp(const char *path)
{
	FILE *f = fopen(path, "re");
	double t = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lf", &t) != 1)
		t = 0;
	fclose(f);
	unlink(path);
	return t;
}

/* Start argv with its output discarded. */
static pid_t spawn_quiet(const char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	return pid;
}

/* Take the parent's side of the lock for tool t. */
static int hold(const struct tool *t, const char *path, struct held *h)
{
	if (t->holder == LK_LIB) {
		h->lk = NULL;
		return svcctl_pidfile_write_locked(path, NULL, &h->lk, NULL);
	}
	return t->holder == LK_FLOCK ? flock_take(path, h) : dotlock_take(path, h);
}

/* One round for tool t: microseconds from release to ownership, < 0 broken. */
static double cli_round(const struct ctx *c, struct tool *t)
{
	struct held h = {.fd = -1};
	const char *argv[16];
	const char *path = command(c, t, argv);
	double t0, t1;
	pid_t pid;
	int st;

	if (hold(t, path, &h) < 0)
		return -1;
	if ((pid = spawn_quiet(argv)) < 0)
		return -2;
	nap_ms(BLOCK_MS);
	/* still waiting, or it did not wait for us at all */
	if (waitpid(pid, &st, WNOHANG) != 0)
		return -3;
	t0 = now_us();
	if (give(t->holder, &h) < 0)
		return -4;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -5;
	t1 = t->stamped ? read_stamp(c->stamp) : now_us();
	if (t->holder == LK_FILE)
		unlink(c->dot);
	return t1 > t0 ? t1 - t0 : -6;
}

/* Pick the tools named in a comma-separated list, in that order. */
static int pick(const char *list, struct series **sp, struct tool **sel)
{
	char *copy = strdup(list), *save = NULL;
	int n = 0;

	for (char *k = strtok_r(copy, ",", &save); k && n < (int)NTOOLS;
	     k = strtok_r(NULL, ",", &save))
		for (size_t i = 0; i < NTOOLS; i++)
			if (strcmp(k, tools[i].key) == 0) {
				tools[i].s.name = tools[i].name;
				sel[n] = &tools[i];
				sp[n++] = &tools[i].s;
			}
	free(copy);
	return n;
}

int bench_handoff_cli(const struct runopts *o, int argc, char **argv)
{
	struct series *sp[NTOOLS];
	struct tool *sel[NTOOLS];
	struct ctx c;
	int n;

	/* FLOOR: bench-runfloor, needed by the tool "floor" */
	if (argc < 4 || argc > 5 || (n = pick(argv[3], sp, sel)) == 0)
		return bench_fail("handoff-cli", "needs DIR SVCCTL STAMP TOOL[,TOOL...] [FLOOR]");
	c.floorprog = argc == 5 ? argv[4] : NULL;
	for (int i = 0; i < n; i++)
		if (sel[i] == &tools[NTOOLS - 1] && c.floorprog == NULL)
			return bench_fail("handoff-cli", "the tool floor needs FLOOR");
	snprintf(c.pid, sizeof(c.pid), "%s/run.pid", argv[0]);
	snprintf(c.flk, sizeof(c.flk), "%s/flock.lock", argv[0]);
	snprintf(c.dot, sizeof(c.dot), "%s/dot.lock", argv[0]);
	snprintf(c.stamp, sizeof(c.stamp), "%s/stamp", argv[0]);
	snprintf(c.floor, sizeof(c.floor), "%s/floor.pid", argv[0]);
	c.svcctl = argv[1];
	c.stamper = argv[2];
	for (size_t r = 0; r < o->warmup + o->rounds; r++) {
		for (int i = 0; i < n; i++) {
			struct tool *t = sel[(r + (size_t)i) % (size_t)n];
			double us = cli_round(&c, t);

			if (us < 0) {
				fprintf(stderr, "bench-lib: step %d failed\n", (int)-us);
				return bench_fail("handoff-cli", t->name);
			}
			if (r >= o->warmup)
				series_add(&t->s, us);
		}
	}
	report_sides(o, sp, n);
	for (int i = 0; i < n; i++)
		series_free(sp[i]);
	return 0;
}
