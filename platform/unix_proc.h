/* Unix-only process primitives, for the library and the command alike. */
#ifndef SVCCTL_PLATFORM_UNIX_PROC_H
#define SVCCTL_PLATFORM_UNIX_PROC_H

#include <stdint.h>

/* What /proc/PID/stat tells of a process. */
struct svcctl__procstat {
	char state;     /* field 3: R, S, Z, X, ... */
	int64_t ppid;   /* field 4 */
	int64_t sid;    /* field 6: session id */
	uint64_t flags; /* field 9: PF_* */
	uint64_t start; /* field 22: start time in clock ticks after boot */
};

/*
 * Read /proc/PID/stat (pid 0: /proc/self/stat, us in any /proc that shows
 * us) into *st: 0, -errno, or -EIO when it does not parse.
 */
int svcctl__proc_stat(int64_t pid, struct svcctl__procstat *st);
/* The same from path relative to directory fd dir ("PID/stat" in an open /proc). */
int svcctl__proc_stat_at(int dir, const char *path, struct svcctl__procstat *st);

/* A pidfd on pid (close it), or -errno (-ENOSYS without pidfds). */
int svcctl__pidfd_open(int64_t pid);

#endif /* SVCCTL_PLATFORM_UNIX_PROC_H */
