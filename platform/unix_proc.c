/*
 * Unix process primitives the command uses besides the library: the fields
 * of /proc/PID/stat and pidfds, one implementation of each.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "unix_proc.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/*
 * The decimal number starting field n (1: the first) of the blank-separated
 * fields at p; 0 with *ok cleared when there is none.  No sscanf(): this
 * runs on every status and judgement.
 */
static unsigned long long stat_field(const char *p, int n, int *ok)
{
	unsigned long long v = 0;

	for (int i = 1; i < n && *p != '\0'; i++) {
		while (*p == ' ')
			p++;
		while (*p != ' ' && *p != '\0')
			p++;
	}
	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		*ok = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (unsigned)(*p++ - '0');
	return v;
}

/*
 * Fields of /proc/PID/stat: state (3), ppid (4), session (6), flags (9) and
 * start time (22).  The command name may hold ')' and blanks: the last ')'
 * ends it.
 */
int svcctl__proc_stat(int64_t pid, struct svcctl__procstat *st)
{
	char path[64], buf[1024];
	ssize_t n;
	char *p;
	int fd, ok = 1;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/stat");
	else
		snprintf(path, sizeof(path), "/proc/%lld/stat", (long long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		n = -errno; /* ESRCH: reaped between open() and read() */
	close(fd);
	if (n <= 0)
		return n < 0 ? (int)n : -ESRCH;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL || p[1] != ' ' || p[2] == '\0' || p[3] != ' ')
		return -EIO;
	st->state = p[2];
	st->ppid = (int64_t)stat_field(p + 3, 1, &ok);
	st->sid = (int64_t)stat_field(p + 3, 3, &ok);
	st->flags = stat_field(p + 3, 6, &ok);
	st->start = stat_field(p + 3, 19, &ok);
	return ok ? 0 : -EIO;
}

int svcctl__pidfd_open(int64_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);

	return fd >= 0 ? fd : -errno;
}
