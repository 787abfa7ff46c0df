/*
 * The adjacent lock file: flock(2), re-checking after locking that the path
 * still names the locked inode (lock files may be removed while locked).
 * Waits without a timeout re-try for a moment, then block in flock(2); timed
 * waits sleep on inotify, so a freed lock wakes the waiter at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/inotify.h>
#endif

#include "errors.h"
#include "unix.h"

/* Longest sleep between re-tries while waiting, should a wake-up be missed. */
#define TICK_MAX_MS 64

/* Re-tries without sleeping after a wake-up, before backing off. */
#define SPINS 4

/*
 * How long a waiter without a timeout re-tries before blocking, us: under
 * 8-way contention a waiter's turn comes after ~7 cycles (~150-350 us on 2
 * CPUs), so shorter spins block anyway (measured: 50 us no better than
 * none, 300-500 us half way, 1000-2000 us the best; bench/ contention).
 */
#define SPIN_US 1000

/*
 * Open the lock file (created if missing, never through a symlink, never
 * blocking on a FIFO) and check that it is a regular file.
 */
static int open_lockfile(const char *lockpath, struct stat *st)
{
	/* 0600: a user who can open the lock file can hold it */
	int flags = O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
	int fd, rc;

	do
		fd = open(lockpath, flags, 0600);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return errno == ELOOP ? SVCCTL__E_UNSAFE : -errno;
	rc = fstat(fd, st) < 0 ? -errno : S_ISREG(st->st_mode) ? 0 : SVCCTL__E_UNSAFE;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

/*
 * One attempt on an open lock file whose fstat() is *st: 0 got it, 1 busy,
 * 2 the path names another file now (open it again), or < 0.
 */
static int attempt(int fd, const char *lockpath, const struct stat *st, int block)
{
	struct stat now;
	int rc;

	do
		rc = flock(fd, LOCK_EX | (block ? 0 : LOCK_NB));
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return errno == EWOULDBLOCK ? 1 : -errno;
	/* removed or replaced while we waited: lock the new one instead */
	if (lstat(lockpath, &now) < 0 || st->st_ino != now.st_ino || st->st_dev != now.st_dev) {
		flock(fd, LOCK_UN);
		return 2;
	}
	return 0;
}

/* Hand out a won lock: the descriptor, the watch a wait used, the id. */
static void won(int fd, int watch, const struct stat *st, svcctl__lockh *h,
		struct svcctl__fileid *id)
{
	struct svcctl__filemeta meta;

	svcctl__unix_meta(st, &meta);
	*id = meta.id;
	h->h = fd;
	h->watch = watch;
}

/*
 * A busy lock taken by a short critical section is let go within a few of
 * them: re-try without sleeping, yielding the CPU between tries, for up to
 * SPIN_US before blocking.  A waiter that blocks is woken by every release,
 * like every other blocked waiter, and pays a wake-up to own the lock; one
 * on the other CPU that re-tries takes it at once.
 */
static int spin(int fd, const char *lockpath, const struct stat *st)
{
	int64_t end = svcctl__unix_mono_us() + SPIN_US;
	int rc;

	do {
		sched_yield();
		rc = attempt(fd, lockpath, st, 0);
	} while (rc == 1 && svcctl__unix_mono_us() < end);
	return rc;
}

/* Lock at once (SVCCTL__E_BUSY when held) or blocking in the kernel. */
static int try_lock(const char *lockpath, int block, svcctl__lockh *h, struct svcctl__fileid *id)
{
	struct stat st;
	int fd, rc;

	do {
		fd = open_lockfile(lockpath, &st);
		if (fd < 0)
			return fd;
		rc = attempt(fd, lockpath, &st, 0);
		if (rc == 1 && block) {
			svcctl__unix_ident_warm();
			rc = spin(fd, lockpath, &st);
		}
		if (rc == 1 && block)
			rc = attempt(fd, lockpath, &st, 1);
		if (rc != 0)
			close(fd);
	} while (rc == 2);
	if (rc == 0)
		won(fd, -1, &st, h, id);
	return rc == 1 ? SVCCTL__E_BUSY : rc;
}

/*
 * Watch the lock file (opening the watch when in < 0); returns the watch,
 * or -1 where there is none.  A holder's release closes a descriptor opened
 * for writing (IN_CLOSE_WRITE), and a remover unlinks it (IN_ATTRIB);
 * waiters keep theirs open, so their attempts and read-only probes wake
 * nobody.
 */
static int watch_add(int in, const char *lockpath)
{
#ifdef __linux__
	uint32_t mask = IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

	if (in < 0)
		in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (in >= 0 && inotify_add_watch(in, lockpath, mask) < 0) {
		close(in);
		in = -1;
	}
	return in;
#else
	(void)in;
	(void)lockpath;
	return -1;
#endif
}

/* Sleep until the watch fires or ms pass: 1 fired, 0 not.  Its events stay queued. */
static int watch_wait(int in, int ms)
{
	struct pollfd p = {.fd = in, .events = POLLIN};

	return poll(in >= 0 ? &p : NULL, in >= 0, ms) > 0;
}

/* Take what the watch has queued: any event only meant "look again". */
static void watch_drain(int in)
{
	char buf[4096];
	ssize_t n = read(in, buf, sizeof(buf));

	(void)n; /* none queued (EAGAIN) or a failed read: the next attempt looks all the same */
}

/* How a timed wait stands between attempts. */
struct waiter {
	int64_t deadline;
	int in;      /* the watch, -1 when none */
	int watched; /* the watch was asked for (after a busy attempt) */
	int tick;    /* the next sleep should no event come, ms */
	int spins;   /* attempts left before sleeping again */
	int queued;  /* the last wake-up's events are still to be read */
};

/*
 * Between two busy attempts: re-try at once a few times after a wake-up
 * (a dying holder's close is reported just before its lock goes), else
 * sleep on the watch.  0 to try again, SVCCTL__E_TIMEOUT when time is up.
 */
static int pause_for(struct waiter *w)
{
	int64_t left = w->deadline - svcctl__mono_ms();

	if (left <= 0)
		return SVCCTL__E_TIMEOUT;
	if (w->spins > 0) {
		w->spins--;
		sched_yield();
		return 0;
	}
	/*
	 * The attempt after a wake-up comes before reading its events (one
	 * system call less on the hand-over); once read, look again before
	 * sleeping, so that a release among them is never slept through.
	 */
	if (w->queued) {
		watch_drain(w->in);
		w->queued = 0;
		return 0;
	}
	if (watch_wait(w->in, (int)(left < w->tick ? left : w->tick))) {
		w->tick = 1;
		w->spins = SPINS;
		w->queued = 1;
	} else {
		w->tick = w->tick < TICK_MAX_MS ? w->tick * 2 : TICK_MAX_MS;
	}
	return 0;
}

/*
 * Wait up to timeout_ms for the lock, waking when its holder lets go.  The
 * watch is made only once the lock proved busy, and is kept in the handle:
 * closing an inotify instance waits for a grace period, so it is closed
 * after the unlock, off the hand-over path.
 */
static int wait_lock(const char *lockpath, int64_t timeout_ms, svcctl__lockh *h,
		     struct svcctl__fileid *id)
{
	struct waiter w = {svcctl__mono_ms() + timeout_ms, -1, 0, 1, 0, 0};
	struct stat st;
	int fd = -1, rc;

	for (;;) {
		if (fd < 0 && (fd = rc = open_lockfile(lockpath, &st)) < 0)
			break;
		rc = attempt(fd, lockpath, &st, 0);
		if (rc <= 0)
			break;
		if (rc == 2) {
			/* the holder removed it on release: the new file is most
			 * likely free, so it is watched only once it proves busy */
			close(fd);
			fd = -1;
			w.watched = 0;
			continue;
		}
		if (!w.watched) {
			/* watch, then look again: a release in between is seen */
			if (w.in < 0)
				svcctl__unix_ident_warm();
			w.in = watch_add(w.in, lockpath);
			w.watched = 1;
			continue;
		}
		rc = pause_for(&w);
		if (rc < 0)
			break;
	}
	if (rc == 0) {
		won(fd, w.in, &st, h, id);
		return 0;
	}
	if (fd >= 0)
		close(fd);
	if (w.in >= 0)
		close(w.in);
	return rc;
}

int svcctl__lock_acquire(const char *lockpath, int64_t timeout_ms, svcctl__lockh *h,
			 struct svcctl__fileid *id)
{
	if (timeout_ms == 0)
		return try_lock(lockpath, 0, h, id);
	if (timeout_ms < 0)
		return try_lock(lockpath, 1, h, id); /* the kernel wakes us */
	return wait_lock(lockpath, timeout_ms, h, id);
}

int svcctl__lock_probe(const char *lockpath)
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

int64_t svcctl__lock_holder(const char *lockpath)
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

void svcctl__lock_drop(svcctl__lockh h, const char *lockpath, const struct svcctl__fileid *id)
{
	struct stat st;

	/* remove while still holding it: a waiter re-checks the path after
	 * locking; never a non-empty file, an NFS-safe mode's record */
	if (lockpath && fstat((int)h.h, &st) == 0 && st.st_size == 0 &&
	    svcctl__unix_same(lockpath, id) == 0)
		unlink(lockpath);
	flock((int)h.h, LOCK_UN);
	close((int)h.h);
	if (h.watch >= 0)
		close((int)h.watch); /* slow (a grace period), and nobody waits on it now */
}

void svcctl__lock_forget(svcctl__lockh h)
{
	close((int)h.h);
	if (h.watch >= 0)
		close((int)h.watch);
}

/* The descriptor SVCCTL_LOCK_FD names, or -1 when unset or not a number. */
static int inherited_fd(void)
{
	const char *v = getenv("SVCCTL_LOCK_FD");
	char *end;
	long fd;

	if (v == NULL || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	fd = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || fd < 3 || fd > 65535)
		return -1;
	return (int)fd;
}

int svcctl__lock_adopt(const char *lockpath, svcctl__lockh *h, struct svcctl__fileid *id)
{
	int fd = inherited_fd(), rc;
	struct stat st;

	/* only a regular file that is lockpath's own inode is ours to adopt */
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 1;
	if (svcctl__unix_same(lockpath, &(struct svcctl__fileid){st.st_dev, st.st_ino}) < 0)
		return 1;
	/*
	 * flock belongs to the open file description: held already, this is a
	 * no-op.  Never LOCK_UN here: that would unlock it for the starter too.
	 */
	do
		rc = flock(fd, LOCK_EX | LOCK_NB);
	while (rc < 0 && errno == EINTR);
	if (rc < 0 || svcctl__unix_same(lockpath, &(struct svcctl__fileid){st.st_dev, st.st_ino}))
		return 1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	won(fd, -1, &st, h, id);
	return 0;
}

int svcctl__lock_fd(svcctl__lockh h)
{
	return (int)h.h;
}
