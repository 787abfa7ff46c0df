/*
 * Shell commands and TCP probes around a server: --ready-cmd and --check
 * run /bin/sh -c CMD in a process group of their own, --ready-port tries a
 * TCP connect.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* Fork /bin/sh -c cmd in its own process group, input from /dev/null. */
int shell_spawn(const char *cmd, int outfd, struct shell *sh)
{
	pid_t pid;

	sh->pid = -1;
	sh->fd = -1;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int in = open("/dev/null", O_RDWR | O_CLOEXEC);

		setpgid(0, 0);
		if (in < 0 || dup2(in, 0) < 0 || dup2(outfd >= 0 ? outfd : in, 1) < 0 ||
		    dup2(outfd >= 0 ? outfd : in, 2) < 0)
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid); /* both sides, so the group exists before either goes on */
	sh->pid = pid;
	sh->fd = (int)syscall(SYS_pidfd_open, pid, 0);
	return 0;
}

/* Kill the shell's whole process group and reap the shell. */
void shell_kill(struct shell *sh)
{
	if (sh->pid <= 1)
		return;
	/* its own group: the shell and what it started */
	kill(-(pid_t)sh->pid, SIGKILL);
	waitpid((pid_t)sh->pid, NULL, 0);
	if (sh->fd >= 0)
		close(sh->fd);
	sh->fd = -1;
	sh->pid = -1;
}

/* Append what fd has to out (keeping the last size - 1 bytes); 0 at EOF. */
static int collect(int fd, char *out, size_t size, size_t *len)
{
	char buf[1024];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && errno == EINTR;
	if ((size_t)n >= size - 1) {
		memcpy(out, buf + (size_t)n - (size - 1), size - 1);
		*len = size - 1;
	} else {
		if (*len + (size_t)n >= size) {
			size_t drop = *len + (size_t)n - (size - 1);

			memmove(out, out + drop, *len - drop);
			*len -= drop;
		}
		memcpy(out + *len, buf, (size_t)n);
		*len += (size_t)n;
	}
	out[*len] = '\0';
	return 1;
}

/* Run cmd to its end (or ms), keeping the tail of its output. */
int shell_run(const char *cmd, int64_t ms, char *out, size_t size)
{
	int64_t deadline = mono_ms() + ms;
	int pfd[2], status = 0, open_out = 1;
	struct shell sh;
	size_t len = 0;

	out[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) < 0 || shell_spawn(cmd, pfd[1], &sh) < 0)
		return -errno;
	close(pfd[1]);
	while (open_out) {
		struct pollfd pf = {.fd = pfd[0], .events = POLLIN};
		int64_t left = deadline - mono_ms();

		if (left <= 0 || poll(&pf, 1, (int)left) == 0) {
			shell_kill(&sh);
			close(pfd[0]);
			return SVCCTL_E_TIMEOUT;
		}
		open_out = collect(pfd[0], out, size, &len);
	}
	close(pfd[0]);
	/* output closed: the shell is exiting (or closed it); wait for it */
	while (waitpid((pid_t)sh.pid, &status, 0) < 0 && errno == EINTR)
		;
	if (sh.fd >= 0)
		close(sh.fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* One TCP connect attempt to ai, waiting at most ms; 1 connected, 0 not. */
static int try_connect(const struct addrinfo *ai, int ms)
{
	int fd =
	    socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	struct pollfd pf = {.fd = fd, .events = POLLOUT};
	socklen_t elen = sizeof(int);
	int ok = 0, err = 0;

	if (fd < 0)
		return 0;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		ok = 1;
	else if (errno == EINPROGRESS && poll(&pf, 1, ms) == 1 &&
		 getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0)
		ok = err == 0;
	close(fd);
	return ok;
}

/* Try each address of host:port once. */
int port_probe(const char *host, int port, int ms)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	char serv[16];
	int ok = 0, rc;

	snprintf(serv, sizeof(serv), "%d", port);
	rc = getaddrinfo(host, serv, &hints, &res);
	if (rc != 0)
		return -1;
	for (ai = res; ai != NULL && !ok; ai = ai->ai_next)
		ok = try_connect(ai, ms);
	freeaddrinfo(res);
	return ok;
}
