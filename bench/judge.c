/*
 * bench-judge PIDFILE: the floor of `svcctl status`, the system calls a
 * judgement that does not lie has to make and nothing else: read the
 * pidfile, ask our host name and pid namespace, kill(pid, 0), read the
 * process's start time and the boot id, or for a dead pid whether its
 * lock is still held.  Exits 0 when the pid is alive, 1 when dead, 2 on a
 * bad file; prints nothing and compares nothing.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "slurp.h"

/* Is <pidfile>.lock held?  A dead pid is judged with it. */
static int lock_held(const char *pidfile)
{
	char lock[4096];
	size_t n = strlen(pidfile);
	int fd, held;

	if (n + sizeof(".lock") > sizeof(lock))
		return 0;
	memcpy(lock, pidfile, n);
	memcpy(lock + n, ".lock", sizeof(".lock"));
	fd = open(lock, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	held = flock(fd, LOCK_SH | LOCK_NB) < 0;
	close(fd);
	return held;
}

int main(int argc, char **argv)
{
	char buf[1024], path[64] = "/proc/", *p = path + 6;
	struct utsname u;
	struct stat st;
	long pid;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return 2;
	if (fstat(fd, &st) < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		return 2;
	close(fd);
	pid = strtol(buf, NULL, 10);
	if (pid < 2)
		return 2;
	uname(&u);
	if (readlink("/proc/self/ns/pid", buf, sizeof(buf)) < 0 || kill((pid_t)pid, 0) < 0) {
		lock_held(argv[1]); /* dead, or dead with its lock held: 1 */
		return 1;
	}
	/* "/proc/PID/stat" without stdio */
	for (long d = 1000000000; d > 0; d /= 10)
		if (pid >= d || d == 1)
			*p++ = (char)('0' + pid / d % 10);
	for (const char *s = "/stat"; *s; s++)
		*p++ = *s;
	*p = '\0';
	if (slurp(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return 1;
	return slurp(AT_FDCWD, "/proc/sys/kernel/random/boot_id", buf, sizeof(buf)) > 0 ? 0 : 2;
}
