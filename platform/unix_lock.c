/*
 * The adjacent lock file: flock(2) through libbsd's flopen(), which
 * re-checks after locking that the path still names the locked inode (lock
 * files are removed by their last holder).  Waits with a timeout sleep on
 * inotify, so a freed lock wakes the waiter at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bsd/libutil.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif

#include "svcctl/pidfile.h"
#include "unix.h"

/* Longest sleep between re-tries while waiting, should a wake-up be missed. */
#define TICK_MAX_MS 64

/* One locking attempt; SVCCTL_E_BUSY when another process holds it. */
static int try_lock(const char *lockpath, int nonblock, platform_lockh *h,
		    struct platform_fileid *id)
{
	/* 0600: a user who can open the lock file can hold it */
	int flags = O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (nonblock ? O_NONBLOCK : 0);
	struct platform_filemeta meta;
	struct stat st;
	int fd;

	do
		fd = flopen(lockpath, flags, 0600);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return errno == EWOULDBLOCK ? SVCCTL_E_BUSY
		       : errno == ELOOP     ? SVCCTL_E_UNSAFE
					    : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return SVCCTL_E_UNSAFE;
	}
	platform_unix_meta(&st, &meta);
	*id = meta.id;
	*h = fd;
	return 0;
}

/* A watch for changes to the lock file, or -1 where there is none. */
static int watch_open(void)
{
#ifdef __linux__
	return inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
#else
	return -1;
#endif
}

/* Watch lockpath; 1 when a watch was added, 0 when it cannot be. */
static int watch_add(int in, const char *lockpath)
{
#ifdef __linux__
	uint32_t mask = IN_CLOSE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

	return in >= 0 && inotify_add_watch(in, lockpath, mask) >= 0;
#else
	(void)in;
	(void)lockpath;
	return 0;
#endif
}

/* Sleep until the watch fires or ms pass: 1 fired, 0 not, -1 watch gone. */
static int watch_wait(int in, int ms)
{
	struct pollfd p = {.fd = in, .events = POLLIN};
	int rc = 1;

	if (poll(in >= 0 ? &p : NULL, in >= 0, ms) <= 0)
		return 0;
#ifdef __linux__
	char buf[4096];

	for (ssize_t n; (n = read(in, buf, sizeof(buf))) > 0;) {
		for (char *e = buf; e < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)e;

			if (ev->mask & IN_IGNORED)
				rc = -1; /* the file went away */
			e += sizeof(*ev) + ev->len;
		}
	}
#endif
	return rc;
}

/* Wait up to timeout_ms for the lock, waking on every change to it. */
static int wait_lock(const char *lockpath, int64_t timeout_ms, platform_lockh *h,
		     struct platform_fileid *id)
{
	int64_t deadline = platform_mono_ms() + timeout_ms;
	int in = watch_open(), watched = 0, tick = 1, rc;

	for (;;) {
		rc = try_lock(lockpath, 1, h, id);
		if (rc != SVCCTL_E_BUSY)
			break;
		if (!watched && (watched = watch_add(in, lockpath)))
			continue; /* it may have been freed before the watch */
		int64_t left = deadline - platform_mono_ms();
		if (left <= 0) {
			rc = SVCCTL_E_TIMEOUT;
			break;
		}
		int fired = watch_wait(in, (int)(left < tick ? left : tick));

		watched = fired >= 0;
		/* a holder's exit is reported just before its lock goes: re-try soon */
		tick = fired ? 1 : tick < TICK_MAX_MS ? tick * 2 : TICK_MAX_MS;
	}
	if (in >= 0)
		close(in);
	return rc;
}

int platform_lock_acquire(const char *lockpath, int64_t timeout_ms, platform_lockh *h,
			  struct platform_fileid *id)
{
	if (timeout_ms == 0)
		return try_lock(lockpath, 1, h, id);
	if (timeout_ms < 0)
		return try_lock(lockpath, 0, h, id); /* the kernel wakes us */
	return wait_lock(lockpath, timeout_ms, h, id);
}

int platform_lock_probe(const char *lockpath)
{
	int fd = open(lockpath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	int held;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	/* shared, so that two probes never see each other */
	held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

int64_t platform_lock_holder(const char *lockpath)
{
	char line[256];
	struct stat st;
	long long pid = 0;
	FILE *f;

	if (lstat(lockpath, &st) < 0 || (f = fopen("/proc/locks", "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		unsigned long long ino;
		long long p;

		/* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; waiters have "->" */
		if (sscanf(line, "%*d: FLOCK %*s %*s %lld %x:%x:%llu", &p, &maj, &min, &ino) == 4 &&
		    ino == (unsigned long long)st.st_ino && makedev(maj, min) == st.st_dev) {
			pid = p;
			break;
		}
	}
	fclose(f);
	return pid > 0 ? pid : 0;
}

void platform_lock_drop(platform_lockh h, const char *lockpath, const struct platform_fileid *id)
{
	/* remove while still holding it: a waiter re-checks the path after locking */
	if (lockpath && platform_unix_same(lockpath, id) == 0)
		unlink(lockpath);
	flock((int)h, LOCK_UN);
	close((int)h);
}

void platform_lock_forget(platform_lockh h)
{
	close((int)h);
}
