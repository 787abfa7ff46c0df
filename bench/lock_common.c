/* Taking and releasing each kind of lock the benchmarks compare. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bsd/libutil.h>

#include "lock_common.h"
#include "svcctl/pidfile.h"

int flock_take(const char *path, struct held *h)
{
	h->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (h->fd < 0)
		return -errno;
	while (flock(h->fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int dotlock_take(const char *path, struct held *h)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%d\n", (int)getpid());

	h->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (h->fd < 0)
		return -errno;
	if (write(h->fd, line, (size_t)n) != n)
		return -EIO;
	close(h->fd);
	h->fd = -1;
	h->path = path;
	return 0;
}

/* A record of the size libsvcctl writes (pid, host, start, boot, pidns). */
static const char floor_record[] = "123456\nhost=bench-host\nstart=1234567\n"
				   "boot=01234567-89ab-cdef-0123-456789abcdef\npidns=4026531836\n";

/* "<path>.lock" in buf. */
static void lock_name(const char *path, char *buf, size_t size)
{
	snprintf(buf, size, "%s.lock", path);
}

/* Name the unnamed file fd path (as root directly, else through /proc). */
static int floor_link(int fd, const char *path)
{
	char proc[64];

	if (linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0)
		return 0;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
}

int floor_take(const char *path, struct held *h, int stamp)
{
	char dir[512], lock[520];
	struct stat st;
	struct utsname u;
	const char *slash = strrchr(path, '/');
	int fd;

	uname(&u);
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	lock_name(path, lock, sizeof(lock));
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, floor_record, sizeof(floor_record) - 1) < 0 || fstat(fd, &st) < 0)
		return -errno;
	h->fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600);
	if (h->fd < 0 || fstat(h->fd, &st) < 0)
		return -errno;
	while (flock(h->fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return -errno;
	if (lstat(lock, &st) < 0 || (stamp && futimens(fd, NULL) < 0) || floor_link(fd, path) < 0)
		return -errno;
	close(fd);
	h->path = path;
	return 0;
}

int give(int k, struct held *h)
{
	switch (k) {
	case LK_LOCK:
	case LK_LIB:
	case LK_LIB_TIMED:
		return svcctl_lock_release(h->lk);
	case LK_LIBBSD:
		return pidfile_remove(h->pfh) < 0 ? -errno : 0;
	case LK_FILE:
		return unlink(h->path) < 0 ? -errno : 0;
	case LK_FLOOR: {
		struct stat st;

		if (lstat(h->path, &st) < 0 || unlink(h->path) < 0)
			return -errno;
		flock(h->fd, LOCK_UN);
		return close(h->fd) < 0 ? -errno : 0;
	}
	default:
		/* unlock first: the handoff starts at the unlock, not at close */
		flock(h->fd, LOCK_UN);
		return close(h->fd) < 0 ? -errno : 0;
	}
}

void nap_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

struct shm *shm_new(void)
{
	void *p = mmap(NULL, sizeof(struct shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, sizeof(struct shm));
	return p;
}
