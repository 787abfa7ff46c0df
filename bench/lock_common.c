/* Taking and releasing each kind of lock the benchmarks compare. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
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
