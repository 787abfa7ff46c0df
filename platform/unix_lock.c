/*
 * The adjacent lock file: flock(2) through libbsd's flopen(), which
 * re-checks after locking that the path still names the locked inode (lock
 * files may be removed while locked).  Waits with a timeout sleep on
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
	int fd, rc;

	do
		fd = flopen(lockpath, flags, 0600);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return errno == EWOULDBLOCK ? SVCCTL_E_BUSY
		       : errno == ELOOP     ? SVCCTL_E_UNSAFE
					    : -errno;
	rc = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : SVCCTL_E_UNSAFE;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	platform_unix_meta(&st, &meta);
	*id = meta.id;
	*h = fd;
	return 0;
}

/* Open the lock file for a waiter, who keeps it open between attempts. */
static int open_lockfile(const char *lockpath, struct stat *st)
{
	int fd = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);

	if (fd < 0)
		return errno == ELOOP ? SVCCTL_E_UNSAFE : -errno;
	int rc = fstat(fd, st) < 0 ? -errno : S_ISREG(st->st_mode) ? 0 : SVCCTL_E_UNSAFE;

	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

/*
 * A watch on the lock file, or -1 where there is none.  A holder's release
 * closes a descriptor opened for writing (IN_CLOSE_WRITE), and a remover
 * unlinks it (IN_ATTRIB); waiters keep theirs open, so their attempts and
 * read-only probes wake nobody.
 */
static int watch_open(const char *lockpath)
{
#ifdef __linux__
	uint32_t mask = IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	if (in >= 0 && inotify_add_watch(in, lockpath, mask) < 0) {
		close(in);
		in = -1;
	}
	return in;
#else
	(void)lockpath;
	return -1;
#endif
}

/* Sleep until the watch fires or ms pass: 1 fired, 0 not. */
static int watch_wait(int in, int ms)
{
	struct pollfd p = {.fd = in, .events = POLLIN};

	if (poll(in >= 0 ? &p : NULL, in >= 0, ms) <= 0)
		return 0;
	char buf[4096];

	while (read(in, buf, sizeof(buf)) > 0)
		; /* drain: any event means look again */
	return 1;
}

/* One waiter's attempt on its open fd: 0 got it, 1 busy, 2 reopen, < 0. */
static int attempt(int fd, const char *lockpath)
{
	struct stat st, now;

	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? 1 : -errno;
	/* removed or replaced while we waited: lock the new one instead */
	if (fstat(fd, &st) < 0 || lstat(lockpath, &now) < 0 || st.st_ino != now.st_ino ||
	    st.st_dev != now.st_dev) {
		flock(fd, LOCK_UN);
		return 2;
	}
	return 0;
}

/* Wait up to timeout_ms for the lock, waking when its holder lets go. */
static int wait_lock(const char *lockpath, int64_t timeout_ms, platform_lockh *h,
		     struct platform_fileid *id)
{
	int64_t deadline = platform_mono_ms() + timeout_ms;
	int fd = -1, in = -1, tick = 1, rc;
	struct stat st;

	for (;;) {
		if (fd < 0) {
			/* watch first, so a release between open and wait is seen */
			in = watch_open(lockpath);
			fd = rc = open_lockfile(lockpath, &st);
			if (rc < 0)
				break;
		}
		rc = attempt(fd, lockpath);
		if (rc <= 0)
			break;
		if (rc == 2 || st.st_nlink == 0) {
			close(fd);
			if (in >= 0)
				close(in);
			fd = in = -1;
			continue;
		}
		int64_t left = deadline - platform_mono_ms();
		if (left <= 0) {
			rc = SVCCTL_E_TIMEOUT;
			break;
		}
		/* a dying holder's close is reported just before its lock goes */
		tick = watch_wait(in, (int)(left < tick ? left : tick)) ? 1
		       : tick < TICK_MAX_MS				  ? tick * 2
									  : TICK_MAX_MS;
		fstat(fd, &st);
	}
	if (in >= 0)
		close(in);
	if (rc == 0) {
		struct platform_filemeta meta;

		platform_unix_meta(&st, &meta);
		*id = meta.id;
		*h = fd;
	} else if (fd >= 0) {
		close(fd);
	}
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
	struct stat st;

	/* remove while still holding it: a waiter re-checks the path after
	 * locking; never a non-empty file, an NFS-safe mode's record */
	if (lockpath && fstat((int)h, &st) == 0 && st.st_size == 0 &&
	    platform_unix_same(lockpath, id) == 0)
		unlink(lockpath);
	flock((int)h, LOCK_UN);
	close((int)h);
}

void platform_lock_forget(platform_lockh h)
{
	close((int)h);
}
