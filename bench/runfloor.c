/*
 * bench-runfloor PIDFILE COMMAND [ARG...]: the floor of `svcctl run -w`,
 * only the system calls a hand-over to a waiting command cannot do
 * without.  It reads what the record names about this host before it
 * waits and forks a child that waits at a gate (as svcctl run -w does: the
 * fork is not part of the hand-over), reads the child's start time, blocks
 * in flock(2) on <PIDFILE>.lock, checks the path still names the locked
 * file, publishes the child's pid and start time as libsvcctl does (an
 * unnamed file linked into place), opens the gate so the child execs
 * COMMAND, waits for it, removes the record and unlocks.  Exits with
 * COMMAND's code.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* What the record says besides the pid and start time, read before the wait. */
struct ident {
	struct utsname u;
	char boot[64], ns[64];
};

static void __attribute__((noreturn)) die(const char *what)
{
	perror(what);
	exit(125);
}

/* Read a short file's first line into buf. */
static void read_line(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	if (n <= 0)
		die(path);
	buf[strcspn(buf, "\n") < (size_t)n ? strcspn(buf, "\n") : (size_t)n] = '\0';
	close(fd);
}

/* The number of our pid namespace ("pid:[4026531836]" -> "4026531836"). */
static void read_ns(char *buf, size_t size)
{
	char link[64];
	ssize_t n = readlink("/proc/self/ns/pid", link, sizeof(link) - 1);
	char *open_br;

	if (n < 0)
		die("pid namespace");
	link[n] = '\0';
	open_br = strchr(link, '[');
	snprintf(buf, size, "%.*s", (int)strcspn(open_br ? open_br + 1 : link, "]"),
		 open_br ? open_br + 1 : link);
}

/* Block on <pidfile>.lock until we own it and the path still names it. */
static int lock_wait(const char *lock)
{
	struct stat st, now;

	for (;;) {
		int fd = open(
		    lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600);

		if (fd < 0 || fstat(fd, &st) < 0 || flock(fd, LOCK_EX) < 0)
			die(lock);
		if (lstat(lock, &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev)
			return fd;
		close(fd);
	}
}

/* The start time of pid (field 22 of /proc/PID/stat), in clock ticks. */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	int fd;
	ssize_t n;
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		die(path);
	close(fd);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* after ") ": state is field 3, start time field 22 */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu", &start) != 1)
		die("start time");
	return start;
}

/* Write the child's record to an unnamed file in dir and link it as path. */
static void publish(const struct ident *id, const char *dir, const char *path, pid_t pid,
		    unsigned long long start)
{
	char rec[512];
	struct stat st;
	int n = snprintf(rec, sizeof(rec), "%d\nhost=%s\nstart=%llu\nboot=%s\npidns=%s\n", (int)pid,
			 id->u.nodename, start, id->boot, id->ns);
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, rec, (size_t)n) != n || fstat(fd, &st) < 0 ||
	    linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) < 0)
		die(path);
	close(fd);
}

int main(int argc, char **argv)
{
	char lock[PATH_MAX], dir[PATH_MAX], *slash, go;
	struct ident id;
	int gate[2], st, fd;
	pid_t pid;
	unsigned long long start;

	if (argc < 3)
		return 2;
	snprintf(lock, sizeof(lock), "%s.lock", argv[1]);
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir] = '\0'; /* "/x.pid" is in "/" */
	uname(&id.u);
	read_line("/proc/sys/kernel/random/boot_id", id.boot, sizeof(id.boot));
	read_ns(id.ns, sizeof(id.ns));
	if (pipe2(gate, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		if (read(gate[0], &go, 1) != 1)
			_exit(125);
		execv(argv[2], argv + 2);
		_exit(127);
	}
	close(gate[0]);
	start = start_time(pid);
	fd = lock_wait(lock);
	publish(&id, dir, argv[1], pid, start);
	if (write(gate[1], "g", 1) != 1)
		die("gate");
	close(gate[1]);
	if (waitpid(pid, &st, 0) != pid)
		die("wait");
	unlink(argv[1]);
	flock(fd, LOCK_UN);
	close(fd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
