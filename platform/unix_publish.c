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

/* Write the content, set the exact mode (no umask), and record the id. */
static int fill(int fd, const char *data, size_t len, int mode, struct platform_fileid *id)
{
	struct platform_filemeta meta;
	struct stat st;
	int rc = write_all(fd, data, len);

	if (rc < 0)
		return rc;
	if (fchmod(fd, (mode_t)mode) < 0 || fstat(fd, &st) < 0)
		return -errno;
	platform_unix_meta(&st, &meta);
	*id = meta.id;
	return 0;
}

/* The directory part of path, in buf. */
static void dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (slash == NULL)
		snprintf(buf, size, ".");
	else if (n == 0)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)n, path);
}

#ifdef O_TMPFILE
/* Publish through an unnamed file; 1 when the filesystem cannot do it. */
static int publish_unnamed(const char *path, const char *data, size_t len, int mode,
			   struct platform_fileid *id)
{
	char dir[PATH_MAX], proc[64];
	int fd, rc;

	dir_of(path, dir, sizeof(dir));
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EISDIR || errno == EOPNOTSUPP || errno == EINVAL ? 1 : -errno;
	rc = fill(fd, data, len, mode, id);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (rc == 0 && linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) < 0)
		rc = errno == ENOENT && access("/proc/self/fd", F_OK) < 0 ? 1 : -errno;
	close(fd);
	return rc;
}
#endif

/* Publish through a hidden temporary name beside path. */
static int publish_named(const char *path, const char *data, size_t len, int mode,
			 struct platform_fileid *id)
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
	rc = fill(fd, data, len, mode, id);
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

int platform_publish(const char *path, const char *data, size_t len, int mode,
		     struct platform_fileid *id)
{
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
#ifdef O_TMPFILE
	int rc = publish_unnamed(path, data, len, mode, id);

	if (rc <= 0)
		return rc;
#endif
	return publish_named(path, data, len, mode, id);
}
