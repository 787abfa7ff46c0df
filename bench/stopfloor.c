/*
 * bench-stopfloor PIDFILE: the floor of `svcctl stop` for a server that
 * exits on TERM, the system calls a stop that leaves nothing behind has
 * to make and nothing else: read the pidfile, open a pidfd, send TERM
 * through it, wait for the death, read the /proc/PID/stat of every
 * process to find what is left of the recorded session (sid=), and remove
 * the pidfile.  Signals no member it finds (the bench's server leaves
 * none) and prints nothing.  Exits 0, 1 when a member is left, 2 on a
 * bad file or a failed call.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "slurp.h"

/* The session (field 6) of the live process whose stat text is in buf, or -1. */
static long session_of(const char *buf)
{
	const char *p = strrchr(buf, ')');

	/* a zombie is dead: the dead server is one until its parent reaps it */
	if (p == NULL || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return -1;
	/* after ") ": state is field 3, ppid 4, pgrp 5, session 6 */
	for (int field = 2; p && field < 6; field++)
		p = strchr(p + 1, ' ');
	return p ? strtol(p + 1, NULL, 10) : -1;
}

/* How many processes of /proc are in session sid, dead leader aside. */
static int members(long sid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[64], buf[1024];
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		memcpy(path, e->d_name, strnlen(e->d_name, 32));
		memcpy(path + strnlen(e->d_name, 32), "/stat", 6);
		if (slurp(dirfd(d), path, buf, sizeof(buf)) > 0 && session_of(buf) == sid)
			n++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	char buf[512], *sid;
	struct pollfd p = {.events = POLLIN};
	long pid;

	if (argc != 2 || slurp(AT_FDCWD, argv[1], buf, sizeof(buf)) <= 0)
		return 2;
	pid = strtol(buf, NULL, 10);
	sid = strstr(buf, "\nsid=");
	p.fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (pid <= 1 || p.fd < 0 || syscall(SYS_pidfd_send_signal, p.fd, SIGTERM, NULL, 0) < 0 ||
	    poll(&p, 1, 5000) != 1)
		return 2;
	close(p.fd);
	if (sid && members(strtol(sid + 5, NULL, 10)) != 0)
		return 1;
	return unlink(argv[1]) == 0 ? 0 : 2;
}
