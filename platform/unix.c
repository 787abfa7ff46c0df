/*
 * Unix primitives: liveness and process identity, host and boot id,
 * atomic publish, and safe small-file reads.  The lock file is in
 * unix_lock.c.  Linux-only parts fall back to portable behaviour.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"
#include "errors.h"
#include "unix.h"
#include "unix_proc.h"

int64_t svcctl__self_pid(void)
{
	return (int64_t)getpid();
}

int64_t svcctl__pid_max(void)
{
#ifdef __linux__
	return 4194304; /* PID_MAX_LIMIT: the kernel never exceeds it */
#else
	return INT_MAX;
#endif
}

/* PF_EXITING in /proc/PID/stat's flags: the process has begun to exit. */
#define PROC_FLAG_EXITING 0x4u

/*
 * Is the process of st exiting?  An exiting process counts as a zombie: it
 * has already closed its files, so its locks are gone before its state
 * says 'Z'.
 */
static int is_dying(const struct svcctl__procstat *st)
{
	return st->state == 'Z' || st->state == 'X' || (st->flags & PROC_FLAG_EXITING);
}

/*
 * Does the /proc we see number processes as we do?  Not in a new pid
 * namespace that did not mount its own: /proc/self then has another name.
 */
static int proc_is_ours(void)
{
	char link[32];
	ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);

	if (n <= 0)
		return 0;
	link[n] = '\0';
	return strtoll(link, NULL, 10) == (long long)getpid();
}

int svcctl__proc_check(int64_t pid, uint64_t *start)
{
	return svcctl__proc_verify(pid, 0, start);
}

int svcctl__proc_verify(int64_t pid, uint64_t expect, uint64_t *start)
{
	struct svcctl__procstat st;
	int dying, rc;

	*start = 0;
	if (pid < 1 || pid > svcctl__pid_max())
		return -EINVAL;
	/* EPERM: it exists, we may just not signal it */
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return SVCCTL__PROC_DEAD;
	rc = svcctl__proc_stat(pid, &st);
	dying = rc == 0 && is_dying(&st);
	*start = rc == 0 ? st.start : 0;
	/* alive as kill() says, at the start expected: no /proc can mislead that */
	if (rc == 0 && !dying && expect != 0 && *start == expect)
		return SVCCTL__PROC_ALIVE;
	if (rc == 0 && proc_is_ours())
		return dying ? SVCCTL__PROC_ZOMBIE : SVCCTL__PROC_ALIVE;
	*start = 0;
	/* exited and reaped since kill(): never call that alive */
	if ((rc == -ENOENT || rc == -ESRCH) && proc_is_ours())
		return SVCCTL__PROC_DEAD;
	if (rc < 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return SVCCTL__PROC_DEAD;
	return SVCCTL__PROC_ALIVE; /* kill() is all we can trust */
}

/*
 * What our own record holds that cannot change while the process lives: its
 * start time and pid namespace (unshare() and setns() move only children),
 * and the boot id, fixed for the boot.  Three /proc reads per publish, so
 * each thread keeps them after the first: the library's one mutable state,
 * safe because a value is never served to another process.  Start time and
 * namespace are keyed on getpid(), which differs in every child (one in a
 * new pid namespace too), and a fork handler drops them in the child, so a
 * descendant with a recycled pid never sees its ancestor's.  The boot id is
 * every process's of the boot.  The host name can change (sethostname(), a
 * new UTS namespace): asked anew each time.  Thread-local: no lock, nothing
 * torn, nothing to deadlock a fork.
 */
struct self_ident {
	pid_t pid;      /* whose values these are; 0: none yet */
	int have_start; /* read since pid was set */
	int have_ns;
	uint64_t start; /* 0: the OS cannot tell */
	char pidns[SVCCTL__NS_MAX];
};

static _Thread_local struct self_ident ident;
/* The boot id is the same for every process of the boot: read once. */
static _Thread_local char boot_id[SVCCTL__BOOT_MAX];
static _Thread_local int boot_id_read;
static pthread_once_t ident_once = PTHREAD_ONCE_INIT;

/* In a forked child: forget the parent's identity. */
static void ident_forget(void)
{
	ident.pid = 0;
}

static void ident_register(void)
{
	pthread_atfork(NULL, NULL, ident_forget);
}

/* src into buf, truncated to size (no snprintf: this is on every publish). */
static void copy_str(char *buf, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(buf, src, n);
	buf[n] = '\0';
}

/* Our identity so far: emptied when it was another process's. */
static struct self_ident *self_ident(void)
{
	pid_t pid = getpid();

	if (ident.pid != pid) {
		pthread_once(&ident_once, ident_register);
		ident.pid = pid;
		ident.have_start = ident.have_ns = 0;
	}
	return &ident;
}

int svcctl__self_start(uint64_t *start)
{
	struct self_ident *id = self_ident();
	struct svcctl__procstat st;

	/* /proc/self is us in any /proc that shows us, and absent otherwise */
	if (!id->have_start)
		id->start = svcctl__proc_stat(0, &st) == 0 ? st.start : 0;
	id->have_start = 1;
	*start = id->start;
	return 0;
}

int svcctl__pid_ns(char *buf, size_t size)
{
	struct self_ident *id = self_ident();
	char link[64];
	ssize_t n;
	size_t len;

	if (!id->have_ns) {
		id->pidns[0] = '\0';
		n = readlink("/proc/self/ns/pid", link, sizeof(link) - 1);
		/* "pid:[4026531836]": the digits are the id; n <= 0: no namespaces */
		link[n > 0 ? n : 0] = '\0';
		len = n > 5 && strncmp(link, "pid:[", 5) == 0 ? strspn(link + 5, "0123456789") : 0;
		if (len > 0 && link[5 + len] == ']' && len < sizeof(id->pidns)) {
			memcpy(id->pidns, link + 5, len);
			id->pidns[len] = '\0';
		}
		id->have_ns = 1;
	}
	copy_str(buf, size, id->pidns);
	return 0;
}

int svcctl__boot_id(char *buf, size_t size)
{
	int fd;
	ssize_t n = 0;

	if (!boot_id_read) {
		fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
		/* fd < 0: no boot id on this system */
		n = fd < 0 ? 0 : read(fd, boot_id, sizeof(boot_id) - 1);
		if (fd >= 0)
			close(fd);
		boot_id[n > 0 ? n : 0] = '\0';
		boot_id[strcspn(boot_id, "\n")] = '\0';
		boot_id_read = 1;
	}
	copy_str(buf, size, boot_id);
	return 0;
}

void svcctl__unix_ident_warm(void)
{
	char buf[SVCCTL__BOOT_MAX];

	svcctl__boot_id(buf, sizeof(buf));
	svcctl__pid_ns(buf, sizeof(buf));
}

int svcctl__hostname(char *buf, size_t size)
{
	if (gethostname(buf, size) < 0)
		return -errno;
	buf[size - 1] = '\0';
	return 0;
}

static int64_t clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t svcctl__now_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

int64_t svcctl__mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

int64_t svcctl__unix_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Time since boot (the clock /proc's start times count in) minus the start. */
int64_t svcctl__proc_uptime(uint64_t start)
{
	long tck = sysconf(_SC_CLK_TCK);

	if (start == 0 || tck <= 0)
		return -1;
	return clock_ms(CLOCK_BOOTTIME) / 1000 - (int64_t)(start / (uint64_t)tck);
}

/* Map open() failures on a path we must not follow or block on. */
static int open_error(int err)
{
	if (err == ELOOP || err == ENXIO)
		return SVCCTL__E_UNSAFE; /* symlink; socket or absent FIFO peer */
	return -err;
}

/*
 * Read up to size bytes, stopping once the expect bytes fstat() counted are
 * in (no read() just to see the end); one byte more than fits is invalid.
 */
static int read_capped(int fd, char *buf, size_t size, size_t *len, size_t expect)
{
	size_t got = 0;
	char extra;

	while (got < size && (expect == 0 || got < expect)) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got == size && read(fd, &extra, 1) > 0)
		return SVCCTL__E_INVALID;
	*len = got;
	return 0;
}

int svcctl__read_file(const char *path, char *buf, size_t size, size_t *len,
		      struct svcctl__filemeta *meta)
{
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return open_error(errno);
	if (fstat(fd, &st) < 0) {
		rc = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		rc = SVCCTL__E_UNSAFE; /* FIFO, device, directory: never read */
	} else {
		rc = read_capped(fd, buf, size, len, st.st_size > 0 ? (size_t)st.st_size : 0);
		svcctl__unix_meta(&st, meta);
	}
	close(fd);
	return rc;
}

void svcctl__unix_meta(const struct stat *st, struct svcctl__filemeta *meta)
{
	meta->id.dev = (uint64_t)st->st_dev;
	meta->id.ino = (uint64_t)st->st_ino;
	meta->mtime_ms = (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
	meta->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	meta->size = (int64_t)st->st_size;
}

int svcctl__unix_same(const char *path, const struct svcctl__fileid *id)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_dev != id->dev || (uint64_t)st.st_ino != id->ino)
		return -ESTALE;
	return 0;
}

int svcctl__unlink_if(const char *path, const struct svcctl__fileid *id)
{
	int rc = svcctl__unix_same(path, id);

	if (rc < 0)
		return rc;
	return unlink(path) < 0 ? -errno : 0;
}

int svcctl__unlink_unchanged(const char *path, const struct svcctl__filemeta *meta)
{
	struct svcctl__filemeta now;
	struct stat st;

	if (lstat(path, &st) < 0)
		return -errno;
	svcctl__unix_meta(&st, &now);
	if (now.id.dev != meta->id.dev || now.id.ino != meta->id.ino)
		return -ESTALE;
	if (now.size != meta->size || now.mtime_ns != meta->mtime_ns)
		return 1; /* rewritten in place, or touched */
	return unlink(path) < 0 ? -errno : 0;
}

int svcctl__touch_if(const char *path, const struct svcctl__fileid *id)
{
	int rc = svcctl__unix_same(path, id);

	if (rc < 0)
		return rc;
	return utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}
