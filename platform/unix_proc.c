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
 * Fields 1 (ppid), 3 (session), 6 (flags) and 19 (start time) of the
 * blank-separated fields at p, in one pass: this runs on every judgement
 * and for each of hundreds of processes in a session scan.  0, or -EIO when
 * one is not a decimal number.  No sscanf(), no strtoull().
 */
static int stat_fields(const char *p, struct svcctl__procstat *st)
{
	static const int want[] = {1, 3, 6, 19};
	unsigned long long v[4];
	int k = 0;

	for (int field = 1; k < 4 && *p != '\0'; field++) {
		while (*p == ' ')
			p++;
		if (field == want[k]) {
			if (*p < '0' || *p > '9')
				return -EIO;
			for (v[k] = 0; *p >= '0' && *p <= '9'; p++)
				v[k] = v[k] * 10 + (unsigned)(*p - '0');
			k++;
		}
		while (*p != ' ' && *p != '\0')
			p++;
	}
	if (k < 4)
		return -EIO;
	st->ppid = (int64_t)v[0];
	st->sid = (int64_t)v[1];
	st->flags = v[2];
	st->start = v[3];
	return 0;
}

/*
 * Fields of /proc/PID/stat: state (3), ppid (4), session (6), flags (9) and
 * start time (22).  The command name may hold ')' and blanks: the last ')'
 * ends it.
 */
int svcctl__proc_stat_at(int dir, const char *path, struct svcctl__procstat *st)
{
	char buf[1024];
	ssize_t n;
	char *p;
	int fd;

	fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
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
	return stat_fields(p + 3, st);
}

int svcctl__proc_stat(int64_t pid, struct svcctl__procstat *st)
{
	char path[64];

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/stat");
	else
		snprintf(path, sizeof(path), "/proc/%lld/stat", (long long)pid);
	return svcctl__proc_stat_at(AT_FDCWD, path, st);
}

int svcctl__pidfd_open(int64_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);

	return fd >= 0 ? fd : -errno;
}
