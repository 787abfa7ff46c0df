/*
 * What users of other lock libraries look for: parent directories, scoped
 * critical sections, ownership queries, expiry, and the NFS-safe mode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "suites.h"

static void test_mkdirs(void)
{
	struct th_dir d;
	struct svcctl_opts o = {.flags = SVCCTL_F_MKDIRS, .dir_mode = 0750};
	char p[PATH_MAX], dir[PATH_MAX], ww[PATH_MAX];
	struct stat st;

	th_dir_new(&d);
	th_path(&d, "a/b/c/x.pid", p);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, NULL, NULL), -ENOENT);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, &o, NULL), 0);
	CU_ASSERT_EQUAL(stat(th_path(&d, "a/b/c", dir), &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0750);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), 0);
	/* never inside a world-writable directory without the sticky bit */
	th_path(&d, "open", ww);
	CU_ASSERT_EQUAL(mkdir(ww, 0777), 0);
	CU_ASSERT_EQUAL(chmod(ww, 0777), 0);
	th_path(&d, "open/sub/x.pid", p);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, &o, NULL), SVCCTL_E_UNSAFE);
	CU_ASSERT_EQUAL(chmod(ww, 01777), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, &o, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), 0);
	th_dir_done(&d);
}

static int bump(void *arg)
{
	int *n = arg;

	return ++*n * 10;
}

static void test_critical_section(void)
{
	struct th_dir d;
	char p[PATH_MAX];
	int n = 0, result = -1;
	pid_t child = th_spawn_sleeper();
	struct svcctl_opts o = {.pid = child, .timeout_ms = 1000};
	struct svcctl_pidinfo h;

	th_dir_new(&d);
	th_path(&d, "cs.pid", p);
	CU_ASSERT_EQUAL(svcctl_critical_section(p, NULL, bump, &n, &result, NULL), 0);
	CU_ASSERT_EQUAL(result, 10);
	CU_ASSERT_EQUAL(access(p, F_OK), -1); /* released */
	/* recording another pid: busy while that pid holds a pidfile */
	CU_ASSERT_EQUAL(svcctl_critical_section(p, &o, bump, &n, &result, NULL), 0);
	CU_ASSERT_EQUAL(result, 20);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, &o, NULL), 0);
	result = -1;
	CU_ASSERT_EQUAL(svcctl_critical_section(p, NULL, bump, &n, &result, &h), SVCCTL_E_BUSY);
	CU_ASSERT_EQUAL(h.pid, child);
	CU_ASSERT_EQUAL(result, -1); /* not run */
	CU_ASSERT_EQUAL(n, 2);
	th_kill(child);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), 0);
	th_dir_done(&d);
}

static void test_ownership(void)
{
	struct th_dir d;
	char p[PATH_MAX], msg[64];
	struct svcctl_opts o = {.msg = "backup of /srv"};
	struct svcctl_lock *lk;
	pid_t holder;

	th_dir_new(&d);
	th_path(&d, "o.pid", p);
	CU_ASSERT_EQUAL(svcctl_pidfile_is_mine(p), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_message(p, msg, sizeof(msg)), -ENOENT);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(p, &o, &lk, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_is_mine(p), 1);
	CU_ASSERT_EQUAL(svcctl_pidfile_message(p, msg, sizeof(msg)), 0);
	CU_ASSERT_STRING_EQUAL(msg, "backup of /srv");
	CU_ASSERT_EQUAL(svcctl_pidfile_message(p, msg, 4), -ENAMETOOLONG);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	holder = th_spawn_holder(p);
	CU_ASSERT_FATAL(holder > 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_is_mine(p), 0);
	th_kill(holder);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), 0);
	th_dir_done(&d);
}

static void test_expiry(void)
{
	struct th_dir d;
	char p[PATH_MAX];
	struct svcctl_opts young = {.expire_ms = 3600 * 1000}, old = {.expire_ms = 1};
	struct svcctl_pidinfo h;
	struct svcctl_lock *lk;
	pid_t holder;

	th_dir_new(&d);
	th_path(&d, "e.pid", p);
	holder = th_spawn_holder(p);
	CU_ASSERT_FATAL(holder > 0);
	usleep(20000); /* the file must be older than 1 ms: load only adds to it */
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, &young, &lk, &h), SVCCTL_E_BUSY);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, &old, &lk, &h), SVCCTL_E_EXPIRED);
	CU_ASSERT_EQUAL(h.pid, holder);
	CU_ASSERT(h.age_ms >= 1);
	/* expiry only reports: the holder is alive and keeps its file */
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &h), SVCCTL_RUNNING);
	th_kill(holder);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, &old, &lk, &h), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	th_dir_done(&d);
}

static void test_nfs_mode(void)
{
	struct th_dir d;
	char p[PATH_MAX], lp[PATH_MAX + 8], buf[256];
	struct svcctl_opts o = {.flags = SVCCTL_F_NFS, .timeout_ms = 0};
	struct svcctl_pidinfo h;
	struct svcctl_lock *lk;
	pid_t pid;

	th_dir_new(&d);
	th_path(&d, "n.pid", p);
	snprintf(lp, sizeof(lp), "%s.lock", p);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(p, &o, &lk, NULL), 0);
	/* the lock file is a record of its holder, in the pidfile format */
	CU_ASSERT(th_read(lp, buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(atoi(buf), getpid());
	pid = fork();
	if (pid == 0) {
		struct svcctl_lock *l2;
		struct svcctl_opts w = {.flags = SVCCTL_F_NFS, .timeout_ms = 100};

		_exit(svcctl_pidfile_lock(p, &w, &l2, &h) == SVCCTL_E_TIMEOUT && h.pid == getppid()
			  ? 0
			  : 1);
	}
	CU_ASSERT_EQUAL(th_wait(pid), 0);
	CU_ASSERT_EQUAL(svcctl_lock_touch(lk), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	CU_ASSERT_EQUAL(th_count_entries(d.path), 0);
	/* a dead holder's record is taken over */
	th_write(lp, "999999\n", 7);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, &o, &lk, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	/* a fresh record from another host is remote, never removed */
	th_write(lp, "4242\nhost=elsewhere.invalid\n", 28);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, &o, &lk, &h), SVCCTL_E_REMOTE);
	CU_ASSERT_STRING_EQUAL(h.host, "elsewhere.invalid");
	CU_ASSERT_EQUAL(access(lp, F_OK), 0);
	th_dir_done(&d);
}

CU_pSuite test_extras_suite(void)
{
	static const struct th_case cases[] = {
	    {"parent directories, safely", test_mkdirs},
	    {"critical section runs, releases, records another pid", test_critical_section},
	    {"is it mine, and the holder's message", test_ownership},
	    {"a holder older than the expiry is reported", test_expiry},
	    {"NFS-safe mode: record, busy, takeover, remote", test_nfs_mode},
	    {NULL, NULL}};

	return th_add_suite("extras", cases);
}
