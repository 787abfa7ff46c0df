/*
 * Atomic publish: the content is written to a file that has no name (Linux
 * O_TMPFILE) or a hidden temporary name, then link()ed into place.  link()
 * never replaces a file, so EEXIST is the O_EXCL answer, and a reader sees
 * the whole file or none.  A crash leaves no visible half-file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unix.h"

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write the content, record what it made, and set the exact mode where the
 * umask changed it (the usual umask leaves nothing to do).
 */
static int fill(int fd, const char *data, size_t len, int mode, struct svcctl__filemeta *meta)
{
	struct stat st;
	int rc = write_all(fd, data, len);

	if (rc < 0)
		return rc;
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((st.st_mode & 07777) != (mode_t)mode && fchmod(fd, (mode_t)mode) < 0)
		return -errno;
	svcctl__unix_meta(&st, meta); /* a mode change leaves size and mtime */
	return 0;
}

/* The directory part of path, in buf (truncated to size). */
static void dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);

	if (n >= size)
		n = size - 1;
	memcpy(buf, slash == NULL ? "." : path, n);
	buf[n] = '\0';
}

#ifdef O_TMPFILE
/*
 * Give the unnamed file fd the name path: directly where we may (root's
 * CAP_DAC_READ_SEARCH; no /proc lookup), else through /proc/self/fd.
 * 1 when neither is possible here.
 */
static int link_unnamed(int fd, const char *path)
{
	char proc[64];

	if (linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOENT && errno != EPERM && errno != EINVAL)
		return -errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	return errno == ENOENT && access("/proc/self/fd", F_OK) < 0 ? 1 : -errno;
}

/* An unnamed file in path's directory; -EOPNOTSUPP when the filesystem has none. */
static int open_unnamed(const char *path, int mode)
{
	char dir[PATH_MAX];
	int fd;

	dir_of(path, dir, sizeof(dir));
	/* nameless until linked: the final mode is safe from the start */
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)mode & 0777);
	if (fd < 0)
		return errno == EISDIR || errno == EINVAL ? -EOPNOTSUPP : -errno;
	return fd;
}
#endif

int svcctl__stage(const char *path, const char *data, size_t len, int mode, svcctl__staged *s)
{
	int fd = -EOPNOTSUPP, rc;

	s->h = -1;
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
#ifdef O_TMPFILE
	fd = open_unnamed(path, mode);
#endif
	if (fd < 0)
		return fd == -EOPNOTSUPP ? 1 : fd;
	rc = fill(fd, data, len, mode, &s->meta);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	s->h = fd;
	s->made_us = svcctl__unix_mono_us();
	return 0;
}

/*
 * Content written more than a millisecond ago gets the current time, so
 * the pidfile's age (judged by other hosts) counts from its publish.  The
 * time is set explicitly, so it is known without another fstat().
 */
static int freshen(svcctl__staged *s)
{
	struct timespec ts[2];

	if (svcctl__unix_mono_us() - s->made_us < 1000)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[1] = ts[0];
	if (futimens((int)s->h, ts) < 0)
		return -errno;
	s->meta.mtime_ns = (int64_t)ts[0].tv_sec * 1000000000 + ts[0].tv_nsec;
	s->meta.mtime_ms = s->meta.mtime_ns / 1000000;
	s->made_us = svcctl__unix_mono_us();
	return 0;
}

int svcctl__publish_staged(svcctl__staged *s, const char *path, struct svcctl__filemeta *meta)
{
	int rc = s->h < 0 ? -EBADF : freshen(s);

#ifdef O_TMPFILE
	if (rc == 0)
		rc = link_unnamed((int)s->h, path);
#else
	rc = rc < 0 ? rc : -ENOSYS;
#endif
	if (rc == 1)
		rc = -EOPNOTSUPP; /* no /proc to name it through: use a temporary name */
	if (rc == 0)
		*meta = s->meta;
	return rc;
}

void svcctl__unstage(svcctl__staged *s)
{
	if (s->h >= 0)
		close((int)s->h);
	s->h = -1;
}

/* Publish through a hidden temporary name beside path. */
static int publish_named(const char *path, const char *data, size_t len, int mode,
			 struct svcctl__filemeta *meta)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base = strrchr(path, '/');
	int fd, rc;

	dir_of(path, dir, sizeof(dir));
	base = base ? base + 1 : path;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = fill(fd, data, len, mode, meta);
	if (rc == 0 && link(tmp, path) < 0)
		rc = -errno;
	/* a temporary we cannot remove is an error: undo the publish */
	if (unlink(tmp) < 0 && rc == 0) {
		rc = -errno;
		unlink(path);
	}
	close(fd);
	return rc;
}

int svcctl__publish_meta(const char *path, const char *data, size_t len, int mode,
			 struct svcctl__filemeta *meta)
{
	svcctl__staged s;
	int rc = svcctl__stage(path, data, len, mode, &s);

	if (rc == 0) {
		rc = svcctl__publish_staged(&s, path, meta);
		svcctl__unstage(&s);
		/* staged, but /proc is missing to name it: a temporary name will do */
		if (rc != -EOPNOTSUPP)
			return rc;
	} else if (rc < 0) {
		return rc;
	}
	return publish_named(path, data, len, mode, meta);
}
