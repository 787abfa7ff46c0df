/* Creating a pidfile's parent directories without being steered by others. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "unix.h"

/* Others may write in dirfd without the sticky bit: never create there. */
static int unsafe_parent(int dirfd)
{
	struct stat st;

	if (fstat(dirfd, &st) < 0)
		return -errno;
	return (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX) ? SVCCTL__E_UNSAFE : 0;
}

/* Open (creating if missing) component name below dirfd. */
static int step(int dirfd, const char *name, int mode)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : -errno;
	rc = unsafe_parent(dirfd);
	if (rc < 0)
		return rc;
	if (mkdirat(dirfd, name, (mode_t)mode) < 0 && errno != EEXIST)
		return -errno;
	/* what we made must still be ours: a symlink swapped in is refused */
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP || errno == ENOTDIR ? SVCCTL__E_UNSAFE : -errno;
	if (fchmod(fd, (mode_t)mode) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

int svcctl__mkdirs(const char *dir, int mode)
{
	char buf[PATH_MAX];
	char *save = NULL, *name;
	int fd;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	fd = open(buf[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (name = strtok_r(buf, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
		int next = step(fd, name, mode);

		close(fd);
		if (next < 0)
			return next;
		fd = next;
	}
	close(fd);
	return 0;
}

int svcctl__is_sep(char c)
{
	return c == '/';
}

void svcctl__sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
