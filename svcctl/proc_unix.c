/*
 * Process handles for stop and reload on Unix: a pidfd where Linux has one
 * (signals cannot hit a reused pid, death wakes poll), else kill() and
 * bounded polling.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* Monotonic milliseconds, for deadlines immune to clock changes. */
int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Open a pidfd on pid when the kernel has them; the handle never lies about identity. */
int proc_open(struct proc *p, int64_t pid)
{
	p->pid = pid;
	p->fd = -1;
	p->start = 0;
	/* never init, never ourselves, never the shell that runs us */
	if (pid <= 1 || pid > 0x7fffffff || pid == (int64_t)getpid() || pid == (int64_t)getppid())
		return SVCCTL_E_UNSAFE;
	p->fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	/* read once the pidfd exists: a later check compares against it */
	p->start = proc_start(pid);
	if (p->fd >= 0)
		return 0;
	if (errno == ESRCH)
		return -ESRCH;
	/* ENOSYS, or a sandbox without pidfds: fall back to kill() */
	return 0;
}

void proc_close(struct proc *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* Signal through the pidfd when there is one, so a reused pid is never hit. */
int proc_signal(const struct proc *p, int sig, int group)
{
	pid_t pgid;

	if (p->pid <= 1 || p->pid == (int64_t)getpid())
		return SVCCTL_E_UNSAFE;
	if (group) {
		pgid = getpgid((pid_t)p->pid);
		if (pgid < 0)
			return -errno;
		/* never our own group, never init's */
		if (pgid <= 1 || pgid == getpgrp())
			return SVCCTL_E_UNSAFE;
		return kill(-pgid, sig) < 0 ? -errno : 0;
	}
	if (p->fd >= 0 && syscall(SYS_pidfd_send_signal, p->fd, sig, NULL, 0) == 0)
		return 0;
	if (p->fd >= 0 && errno != ENOSYS)
		return -errno;
	return kill((pid_t)p->pid, sig) < 0 ? -errno : 0;
}

/* Read /proc/PID/stat and skip the parenthesised name, which may hold anything. */
const char *proc_stat(int64_t pid, char *buf, size_t size)
{
	char path[64], *rp;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%lld/stat", (long long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	/* the name in parentheses may hold anything: skip to the last ')' */
	rp = strrchr(buf, ')');
	return rp != NULL && rp[1] == ' ' ? rp + 2 : NULL;
}

/* Is pid a zombie or gone?  Read from /proc when there is one. */
static int gone(int64_t pid)
{
	char buf[512];
	const char *st;

	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 1;
	st = proc_stat(pid, buf, sizeof(buf));
	return st != NULL && (st[0] == 'Z' || st[0] == 'X');
}

/* Poll the pidfd (woken at exit), or poll liveness every 10 ms without one. */
int proc_wait_dead(const struct proc *p, int64_t ms)
{
	int64_t deadline = mono_ms() + ms, left;
	struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
	int rc;

	for (;;) {
		left = ms < 0 ? -1 : deadline - mono_ms();
		if (ms >= 0 && left < 0)
			left = 0;
		if (p->fd >= 0) {
			rc = poll(&pfd, 1, left > 0x7fffffff ? 0x7fffffff : (int)left);
			if (rc > 0)
				return 1;
			if (rc < 0 && errno != EINTR)
				return gone(p->pid);
		} else {
			if (gone(p->pid))
				return 1;
			/* no pidfd: bounded polling, 10 ms a tick */
			if (left != 0)
				nanosleep(&(struct timespec){0, 10 * 1000000}, NULL);
		}
		if (ms >= 0 && mono_ms() >= deadline)
			return gone(p->pid);
	}
}

/* Field 22 of /proc/PID/stat: the start time in clock ticks after boot. */
uint64_t proc_start(int64_t pid)
{
	char buf[1024];
	const char *p = proc_stat(pid, buf, sizeof(buf));
	unsigned long long v = 0;

	/* p points at field 3 (state); skip to field 22 */
	for (int field = 3; p != NULL && field < 22; field++) {
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	if (p == NULL || sscanf(p, "%llu", &v) != 1)
		return 0;
	return v;
}

/* Time since boot (the clock /proc's start times count in) minus the start. */
int64_t proc_uptime(int64_t pid, uint64_t start)
{
	long tck = sysconf(_SC_CLK_TCK);
	struct timespec up;

	if (start == 0)
		start = proc_start(pid);
	if (start == 0 || tck <= 0 || clock_gettime(CLOCK_BOOTTIME, &up) < 0)
		return -1;
	return (int64_t)up.tv_sec - (int64_t)(start / (uint64_t)tck);
}

/* RUNDIR: $SVCCTL_RUNDIR, /run/svcctl for root, else $XDG_RUNTIME_DIR/svcctl. */
int default_rundir(char *buf, size_t size)
{
	const char *env = getenv("SVCCTL_RUNDIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (env != NULL && *env != '\0')
		snprintf(buf, size, "%s", env);
	else if (geteuid() == 0)
		snprintf(buf, size, "/run/svcctl");
	else if (xdg != NULL && *xdg != '\0')
		snprintf(buf, size, "%s/svcctl", xdg);
	else
		return -1;
	return 0;
}

/* Every verb works on Unix. */
int verb_available(const char *name)
{
	(void)name;
	return 1;
}
