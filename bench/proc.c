/*
 * bench-proc: time whole processes, start to exit, side by side.  Each
 * side is a command run by fork+exec and timed with CLOCK_MONOTONIC from
 * just before fork() until it is reaped (or until a pidfile names a
 * process running a given executable).  Rounds alternate the order of the
 * sides.  The driver is a child subreaper and reaps every orphan at once,
 * as init does, so a server that dies is never left as a zombie.
 *
 * usage: bench-proc [-n ROUNDS] [-w WARMUP] [-T TITLE] [-r K:LIMIT]...
 *                   [-R LO_US:HI_US] SIDE [::: SIDE]...
 *        SIDE = NAME [setup=SHELL] [expect=CODE] [until=PIDFILE:EXE]
 *                    [teardown=PIDFILE] -- COMMAND [ARG...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stats.h"
#include "svcctl/pidfile.h"

#define SIDES_MAX 8
#define UNTIL_LIMIT_US 10e6

/* One side: its command and what surrounds each timed run. */
struct side {
	const char *setup, *until_pid, *teardown;
	char until_exe[PATH_MAX];
	int expect;
	char **argv;
	struct series s;
};

struct bench {
	struct runopts o;
	struct side side[SIDES_MAX];
	int nsides, devnull;
};

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "bench-proc: %s\n", what);
	exit(1);
}

/* Wait for pid, reaping any other child met on the way; *ru gets its usage. */
static int reap(pid_t pid, struct rusage *ru)
{
	struct rusage r;
	int st;
	pid_t got;

	for (;;) {
		got = wait4(-1, &st, 0, &r);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			die("lost a child");
		if (got == pid)
			break;
	}
	if (ru)
		*ru = r;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Reap every child that already exited. */
static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* fork+exec argv with output to devnull; returns the child's pid. */
static pid_t spawn(char **argv, int devnull)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork failed");
	if (pid == 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Run a shell command to completion; it must exit 0. */
static void run_shell(const char *cmd, int devnull)
{
	char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};

	if (reap(spawn(argv, devnull), NULL) != 0) {
		fprintf(stderr, "bench-proc: setup failed: %s\n", cmd);
		exit(1);
	}
}

/* The pid a pidfile records (read by libsvcctl), 0 when absent or partial. */
static pid_t read_pid(const char *path)
{
	struct svcctl_pidinfo info;

	return svcctl_pidfile_read(path, &info) == 0 ? (pid_t)info.pid : 0;
}

/* Does the pidfile name a process that runs exe? */
static int names_exe(const char *pidfile, const char *exe)
{
	char link[64], target[PATH_MAX];
	pid_t pid = read_pid(pidfile);
	ssize_t n;

	if (pid <= 1)
		return 0;
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return strcmp(target, exe) == 0;
}

/* Kill the process a pidfile names, wait for it to go, remove the file. */
static void teardown(const char *pidfile)
{
	pid_t pid = read_pid(pidfile);

	if (pid > 1 && kill(pid, SIGKILL) == 0) {
		double t0 = now_us();

		while (kill(pid, 0) == 0 && now_us() - t0 < UNTIL_LIMIT_US) {
			reap_orphans();
			sched_yield();
		}
	}
	unlink(pidfile);
	reap_orphans();
}

/* One timed run of a side; returns microseconds, adds peak RSS. */
static double run_side(struct bench *b, struct side *sd)
{
	struct rusage ru;
	double t0, t1;
	int rc;

	if (sd->setup)
		run_shell(sd->setup, b->devnull);
	t0 = now_us();
	rc = reap(spawn(sd->argv, b->devnull), &ru);
	if (sd->until_pid) {
		while (!names_exe(sd->until_pid, sd->until_exe)) {
			if (now_us() - t0 > UNTIL_LIMIT_US)
				die("the pidfile never named the server");
			sched_yield();
		}
	}
	t1 = now_us();
	if (rc != sd->expect) {
		fprintf(stderr, "bench-proc: %s exited %d, expected %d\n", sd->s.name, rc,
			sd->expect);
		exit(1);
	}
	if (ru.ru_maxrss > sd->s.rss_kb)
		sd->s.rss_kb = ru.ru_maxrss;
	if (sd->teardown)
		teardown(sd->teardown);
	reap_orphans();
	return t1 - t0;
}

/* All rounds: warm-up first, then timed rounds in alternating order. */
static void run_rounds(struct bench *b)
{
	for (size_t r = 0; r < b->o.warmup + b->o.rounds; r++) {
		for (int i = 0; i < b->nsides; i++) {
			struct side *sd = &b->side[(r + (size_t)i) % (size_t)b->nsides];
			double us = run_side(b, sd);

			if (r >= b->o.warmup)
				series_add(&sd->s, us);
		}
	}
}

/* Parse one key=value option of a side; 0 when it is not one. */
static int parse_side_opt(struct side *sd, const char *arg)
{
	if (strncmp(arg, "setup=", 6) == 0)
		sd->setup = arg + 6;
	else if (strncmp(arg, "expect=", 7) == 0)
		sd->expect = atoi(arg + 7);
	else if (strncmp(arg, "teardown=", 9) == 0)
		sd->teardown = arg + 9;
	else if (strncmp(arg, "until=", 6) == 0) {
		const char *colon = strchr(arg + 6, ':');
		char *pid;

		if (colon == NULL || realpath(colon + 1, sd->until_exe) == NULL)
			die("until=PIDFILE:EXE needs an existing EXE");
		pid = strndup(arg + 6, (size_t)(colon - arg - 6));
		sd->until_pid = pid;
	} else
		return 0;
	return 1;
}

/* Parse "NAME [opts] -- COMMAND..." up to ":::" or the end; returns next index. */
static int parse_side(struct bench *b, int argc, char **argv, int i)
{
	struct side *sd;

	if (b->nsides == SIDES_MAX || i >= argc)
		die("too many or empty sides");
	sd = &b->side[b->nsides++];
	sd->s.name = argv[i++];
	while (i < argc && strcmp(argv[i], "--") != 0)
		if (!parse_side_opt(sd, argv[i++]))
			die("unknown side option (setup= expect= until= teardown=)");
	if (++i >= argc)
		die("a side needs -- COMMAND");
	sd->argv = &argv[i];
	while (i < argc && strcmp(argv[i], ":::") != 0)
		i++;
	if (i < argc)
		argv[i++] = NULL; /* ends this side's argv */
	return i;
}

int main(int argc, char **argv)
{
	static struct bench b;
	struct series *s[SIDES_MAX];
	int i = runopts_parse(&b.o, argc, argv);

	if (i < 0)
		die("bad option");
	while (i < argc)
		i = parse_side(&b, argc, argv, i);
	if (b.nsides == 0)
		die("no sides given");
	b.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (b.devnull < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("cannot open /dev/null or become a subreaper");
	run_rounds(&b);
	for (i = 0; i < b.nsides; i++)
		s[i] = &b.side[i].s;
	report_sides(&b.o, s, b.nsides);
	for (i = 0; i < b.nsides; i++)
		series_free(s[i]);
	/* a missed target is a finding, not a broken benchmark */
	return 0;
}
