/*
 * Make COUNT pidfiles in DIR for the list and cleanup benchmarks, in the
 * full format svcctl writes: naming a live process (ours, with its start
 * time and boot id) or a dead one (a reaped child's pid).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* Field 22 of /proc/PID/stat: the start time svcctl records. */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) != NULL)
		sscanf(p + 2,
		       "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
		       "%*d %*d %llu",
		       &t);
	fclose(f);
	return t;
}

/* The boot id, without its newline. */
static void boot_id(char *buf, size_t size)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	buf[0] = '\0';
	if (f && fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

/* The pid of a child that has exited and been reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

int bench_mkfiles(int argc, char **argv)
{
	char host[256], boot[64], text[512], path[4096];
	pid_t pid;
	long n;
	int len;

	if (argc != 3 || (n = atol(argv[1])) < 1)
		return bench_fail("mkfiles", "needs DIR COUNT live|dead");
	/* live files name our parent, the shell that runs the benchmark */
	pid = strcmp(argv[2], "live") == 0 ? getppid() : dead_pid();
	gethostname(host, sizeof(host));
	boot_id(boot, sizeof(boot));
	len = snprintf(text, sizeof(text), "%d\nhost=%s\nstart=%llu\nboot=%s\n", (int)pid, host,
		       start_time(pid), boot);
	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/s%07ld.pid", argv[0], i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, text, (size_t)len) != len)
			return bench_fail(path, "cannot write");
		close(fd);
	}
	return 0;
}
