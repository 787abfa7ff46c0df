/*
 * Hostile pidfiles: every bad content and every non-regular file is refused
 * with a named error, quickly, leaving no descriptor and no temporary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "helpers.h"
#include "suites.h"

/* Every entry point refuses p with want, and leaves the directory as it was. */
static void assert_refused(const struct th_dir *d, const char *p, int want)
{
	struct svcctl_pidinfo info;
	struct svcctl_lock *lk;
	int entries = th_count_entries(d->path);

	CU_ASSERT_EQUAL(svcctl_pidfile_read(p, &info), want);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &info), want);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, NULL, NULL), want);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, NULL, &lk, NULL), want);
	CU_ASSERT_PTR_NULL(lk);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), want);
	CU_ASSERT_EQUAL(th_count_entries(d->path), entries);
	CU_ASSERT_EQUAL(th_count_stray(d->path), 0);
}

static void test_bad_contents(void)
{
	struct th_dir d;
	char p[PATH_MAX];

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	for (size_t i = 0; th_bad_contents[i]; i++) {
		th_write(p, th_bad_contents[i], strlen(th_bad_contents[i]));
		assert_refused(&d, p, SVCCTL_E_INVALID);
	}
	th_write(p,
		 "12\0"
		 "34\n",
		 6);
	assert_refused(&d, p, SVCCTL_E_INVALID);
	th_dir_done(&d);
}

static void test_huge_file(void)
{
	struct th_dir d;
	char p[PATH_MAX];
	size_t n = 1 << 20;
	char *digits = malloc(n);

	CU_ASSERT_PTR_NOT_NULL_FATAL(digits);
	memset(digits, '7', n);
	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	th_write(p, digits, n);
	assert_refused(&d, p, SVCCTL_E_INVALID);
	free(digits);
	th_dir_done(&d);
}

static void test_special_files(void)
{
	struct th_dir d;
	char p[PATH_MAX], target[PATH_MAX];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int s;

	th_dir_new(&d);
	th_path(&d, "fifo.pid", p);
	CU_ASSERT_EQUAL_FATAL(mkfifo(p, 0644), 0);
	assert_refused(&d, p, SVCCTL_E_UNSAFE); /* and did not block */
	th_path(&d, "dir.pid", p);
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
	assert_refused(&d, p, SVCCTL_E_UNSAFE);
	th_path(&d, "real.pid", target);
	th_write(target, "1234\n", 5);
	th_path(&d, "link.pid", p);
	CU_ASSERT_EQUAL_FATAL(symlink(target, p), 0);
	assert_refused(&d, p, SVCCTL_E_UNSAFE);
	th_path(&d, "sock.pid", p);
	CU_ASSERT_FATAL(strlen(p) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, p, strlen(p) + 1);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_EQUAL_FATAL(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	d.fds_before++;
	assert_refused(&d, p, SVCCTL_E_UNSAFE);
	close(s);
	d.fds_before--;
	if (geteuid() == 0) {
		/* a character device like /dev/zero is never read */
		th_path(&d, "zero.pid", p);
		CU_ASSERT_EQUAL_FATAL(mknod(p, S_IFCHR | 0644, makedev(1, 5)), 0);
		assert_refused(&d, p, SVCCTL_E_UNSAFE);
	}
	th_dir_done(&d);
}

static void test_symlinked_lock(void)
{
	struct th_dir d;
	char p[PATH_MAX], lp[PATH_MAX], target[PATH_MAX];
	struct svcctl_lock *lk;

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	th_path(&d, "a.pid.lock", lp);
	th_path(&d, "victim", target);
	th_write(target, "keep", 4);
	CU_ASSERT_EQUAL_FATAL(symlink(target, lp), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, NULL, &lk, NULL), SVCCTL_E_UNSAFE);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, NULL, NULL), SVCCTL_E_UNSAFE);
	CU_ASSERT_EQUAL(access(p, F_OK), -1);
	CU_ASSERT_EQUAL(th_count_entries(d.path), 2);
	th_dir_done(&d);
}

/*
 * An empty file ("nginx -t" leaves one) stays invalid content, and
 * _state() says whether its lock is held: a caller can tell a leftover
 * (lock free) from a write in progress under the lock.
 */
static void test_empty_lock_probe(void)
{
	struct svcctl_pidinfo info;
	struct svcctl_lock *lk = NULL;
	struct th_dir d;
	char p[PATH_MAX];

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	th_write(p, "", 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &info), SVCCTL_E_INVALID);
	CU_ASSERT_EQUAL(info.lock_held, 0);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_lock(p, NULL, &lk, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &info), SVCCTL_E_INVALID);
	CU_ASSERT_EQUAL(info.lock_held, 1);
	svcctl_lock_close(lk);
	CU_ASSERT_EQUAL(access(p, F_OK), 0); /* the empty file is left to the caller */
	th_dir_done(&d);
}

CU_pSuite test_badcontent_suite(void)
{
	static const struct th_case cases[] = {
	    {"bad contents are invalid everywhere", test_bad_contents},
	    {"1 MiB of digits is invalid", test_huge_file},
	    {"FIFO, directory, symlink, socket, device are unsafe", test_special_files},
	    {"a symlinked lock file is refused", test_symlinked_lock},
	    {"an empty file is invalid, its lock probed", test_empty_lock_probe},
	    {NULL, NULL}};

	return th_add_suite("badcontent", cases);
}
