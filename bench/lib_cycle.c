/*
 * One process publishes and removes a pidfile over and over: libsvcctl's
 * write_locked + release, libbsd's pidfile_open + write + remove, the two
 * bare system-call floors (O_EXCL create; temporary file + link), and the
 * system calls libsvcctl makes for its properties (adjacent lock checked
 * after locking, atomic publish, checked removal), bare.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bsd/libutil.h>

#include "bench.h"
#include "lock_common.h"
#include "svcctl/pidfile.h"

#define SIDES 5

/* Paths of one run and our pid line. */
struct cyc {
	char path[512], tmp[512], line[32];
	size_t len;
};

/* A system call's result as 0 or -errno. */
static int sys(int rc)
{
	return rc < 0 ? -errno : 0;
}

static int cyc_svcctl(const struct cyc *c)
{
	struct svcctl_lock *lk = NULL;
	int rc = svcctl_pidfile_write_locked(c->path, NULL, &lk, NULL);

	return rc < 0 ? rc : svcctl_lock_release(lk);
}

static int cyc_libbsd(const struct cyc *c)
{
	struct pidfh *pfh = pidfile_open(c->path, 0644, NULL);

	if (pfh == NULL || pidfile_write(pfh) < 0)
		return -errno;
	return sys(pidfile_remove(pfh));
}

/* Create with O_EXCL, write the pid, close, unlink: the cheapest honest cycle. */
static int cyc_excl(const struct cyc *c)
{
	int fd = open(c->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, c->line, c->len) != (ssize_t)c->len)
		return -errno;
	close(fd);
	return sys(unlink(c->path));
}

/* Write a temporary file and link it into place: the atomic-publish floor. */
static int cyc_link(const struct cyc *c)
{
	int fd = open(c->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, c->line, c->len) != (ssize_t)c->len)
		return -errno;
	close(fd);
	if (link(c->tmp, c->path) < 0)
		return -errno;
	unlink(c->tmp);
	return sys(unlink(c->path));
}

/* The system calls of write_locked + release without the library around them. */
static int cyc_floor(const struct cyc *c)
{
	struct held h = {.fd = -1};
	int rc = floor_take(c->path, &h, 0);

	return rc < 0 ? rc : give(LK_FLOOR, &h);
}

int bench_cycle(const struct runopts *o, int argc, char **argv)
{
	static int (*const fn[SIDES])(const struct cyc *) = {cyc_svcctl, cyc_libbsd, cyc_link,
							     cyc_excl, cyc_floor};
	struct series s[SIDES] = {{.name = "libsvcctl write_locked+release"},
				  {.name = "libbsd pidfile_open+write+remove"},
				  {.name = "temp file + link + unlink"},
				  {.name = "O_EXCL create + unlink"},
				  {.name = "floor: its system calls, bare"}};
	struct series *sp[SIDES] = {&s[0], &s[1], &s[2], &s[3], &s[4]};
	struct cyc c;

	if (argc != 1)
		return bench_fail("cycle", "needs DIR");
	snprintf(c.path, sizeof(c.path), "%s/cycle.pid", argv[0]);
	snprintf(c.tmp, sizeof(c.tmp), "%s/.cycle.pid.tmp", argv[0]);
	c.len = (size_t)snprintf(c.line, sizeof(c.line), "%d\n", (int)getpid());
	for (size_t r = 0; r < o->warmup + o->rounds; r++) {
		for (size_t i = 0; i < SIDES; i++) {
			size_t k = (r + i) % SIDES;
			double t0 = now_us();
			int rc = fn[k](&c);

			if (rc < 0)
				return bench_fail(s[k].name, svcctl_strerror(rc));
			if (r >= o->warmup)
				series_add(&s[k], now_us() - t0);
		}
	}
	report_sides(o, sp, SIDES);
	for (int i = 0; i < SIDES; i++)
		series_free(&s[i]);
	return 0;
}
