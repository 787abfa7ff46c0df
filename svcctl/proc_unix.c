/*
 * Process handles for stop and reload on Unix: a pidfd where Linux has one
 * (signals cannot hit a reused pid, death wakes poll), else kill() and
 * bounded polling.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "unix_proc.h"

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* Open a pidfd on pid when the kernel has them; the handle never lies about identity. */
int proc_open(struct proc *p, int64_t pid, uint64_t start)
{
	p->pid = pid;
	p->fd = -1;
	p->start = 0;
	/* never init, never ourselves, never the shell that runs us */
	if (pid <= 1 || pid > 0x7fffffff || pid == (int64_t)getpid() || pid == (int64_t)getppid())
		return SVCCTL_E_UNSAFE;
	p->fd = svcctl__pidfd_open(pid);
	/* read once the pidfd exists: a later check compares against it */
	p->start = proc_start_as(pid, start);
	if (p->fd >= 0)
		return 0;
	if (p->fd == -ESRCH)
		return -ESRCH;
	p->fd = -1;
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

/* Is pid a zombie or gone?  Read from /proc when there is one. */
static int gone(int64_t pid)
{
	uint64_t start;
	int rc = svcctl__proc_check(pid, &start);

	return rc == SVCCTL__PROC_DEAD || rc == SVCCTL__PROC_ZOMBIE;
}

/* Poll the pidfd (woken at exit), or poll liveness every 10 ms without one. */
int proc_wait_dead(const struct proc *p, int64_t ms)
{
	int64_t deadline = svcctl__mono_ms() + ms, left;
	struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
	int rc;

	for (;;) {
		left = ms < 0 ? -1 : deadline - svcctl__mono_ms();
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
		if (ms >= 0 && svcctl__mono_ms() >= deadline)
			return gone(p->pid);
	}
}
