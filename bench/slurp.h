/*
 * The one file reader of the floor programs (bench/judge.c,
 * bench/stopfloor.c): each is a single small program with nothing else to
 * link.
 */
#ifndef SVCCTL_BENCH_SLURP_H
#define SVCCTL_BENCH_SLURP_H

#include <fcntl.h>
#include <unistd.h>

/* Read a small file (path relative to dir, or AT_FDCWD) whole; its length, or -1. */
static inline ssize_t slurp(int dir, const char *path, char *buf, size_t size)
{
	int fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

#endif
