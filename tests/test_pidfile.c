/* Write, takeover, busy holders, release and rogue deletion, with real processes. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "suites.h"

static void test_write_records_us(void)
{
	struct th_dir d;
	struct svcctl_pidinfo info;
	char p[PATH_MAX], buf[256], first[32];
	struct svcctl_opts o = {.msg = "hello"};
	struct stat st;

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, &o, NULL), 0);
	CU_ASSERT(th_read(p, buf, sizeof(buf)) > 0);
	snprintf(first, sizeof(first), "%d\nhost=", (int)getpid());
	CU_ASSERT_EQUAL(strncmp(buf, first, strlen(first)), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(p, &info), 0);
	CU_ASSERT_EQUAL(info.pid, getpid());
	CU_ASSERT(info.start > 0);
	CU_ASSERT_STRING_EQUAL(info.msg, "hello");
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &info), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(stat(p, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0644);
	/* write() keeps no lock file behind, and no temporary */
	CU_ASSERT_EQUAL(th_count_entries(d.path), 1);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), 0);
	CU_ASSERT_EQUAL(access(p, F_OK), -1);
	th_dir_done(&d);
}

static void test_busy_names_holder(void)
{
	struct th_dir d;
	struct svcctl_pidinfo h;
	struct svcctl_lock *lk;
	char p[PATH_MAX];
	pid_t child;

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	child = th_spawn_holder(p);
	CU_ASSERT_FATAL(child > 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, NULL, &lk, &h), SVCCTL_E_BUSY);
	CU_ASSERT_PTR_NULL(lk);
	CU_ASSERT_EQUAL(h.pid, child);
	CU_ASSERT_EQUAL(h.state, SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, NULL, &h), SVCCTL_E_BUSY);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), SVCCTL_E_BUSY);
	CU_ASSERT_EQUAL(access(p, F_OK), 0);
	/* SIGKILL the holder: its pidfile is stale and we take over */
	th_kill(child);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &h), SVCCTL_STALE);
	CU_ASSERT_EQUAL(h.reason, SVCCTL_REASON_DEAD);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, NULL, &lk, &h), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(p, &h), 0);
	CU_ASSERT_EQUAL(h.pid, getpid());
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	CU_ASSERT_EQUAL(th_count_entries(d.path), 1);
	th_dir_done(&d);
}

static void test_release_rogue(void)
{
	struct th_dir d;
	struct svcctl_lock *lk;
	char p[PATH_MAX], buf[64];

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	/* deleted under us */
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(p, NULL, &lk, NULL), 0);
	CU_ASSERT_EQUAL(unlink(p), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), SVCCTL_E_ROGUE);
	/* replaced under us: the replacement stays untouched */
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(p, NULL, &lk, NULL), 0);
	CU_ASSERT_EQUAL(unlink(p), 0);
	th_write(p, "4242\n", 5);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), SVCCTL_E_ROGUE);
	CU_ASSERT(th_read(p, buf, sizeof(buf)) == 5 && strcmp(buf, "4242\n") == 0);
	CU_ASSERT_EQUAL(th_count_entries(d.path), 2); /* the replacement and the lock file */
	th_dir_done(&d);
}

static void test_fork_child_release(void)
{
	struct th_dir d;
	struct svcctl_lock *lk;
	char p[PATH_MAX], lp[PATH_MAX + 8];
	pid_t pid;

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	snprintf(lp, sizeof(lp), "%s.lock", p);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(p, NULL, &lk, NULL), 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0)
		_exit(svcctl_lock_release(lk) == 0 ? 0 : 1);
	CU_ASSERT_EQUAL(th_wait(pid), 0);
	/* the parent still owns both files and the lock */
	CU_ASSERT_EQUAL(access(p, F_OK), 0);
	CU_ASSERT_EQUAL(access(lp, F_OK), 0);
	pid = fork();
	if (pid == 0) {
		struct svcctl_lock *l2;

		_exit(svcctl_pidfile_lock(p, NULL, &l2, NULL) == SVCCTL_E_BUSY ? 0 : 1);
	}
	CU_ASSERT_EQUAL(th_wait(pid), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	CU_ASSERT_EQUAL(th_count_entries(d.path), 1);
	th_dir_done(&d);
}

static void write_record(const char *p, long pid, const char *extra)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%ld\n%s", pid, extra);

	th_write(p, buf, (size_t)n);
}

static void test_pid_reuse(void)
{
	struct th_dir d;
	struct svcctl_pidinfo info;
	struct svcctl_lock *lk;
	char p[PATH_MAX], extra[64];
	pid_t sleeper;

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	sleeper = th_spawn_sleeper();
	/* a live process, but not the one that started at this time */
	snprintf(extra, sizeof(extra), "start=1\n");
	write_record(p, sleeper, extra);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &info), SVCCTL_STALE);
	CU_ASSERT_EQUAL(info.reason, SVCCTL_REASON_REUSED);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(p, NULL, &lk, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	/* with the right start time it is running */
	struct svcctl_opts o = {.pid = sleeper};
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, &o, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &info), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(info.pid, sleeper);
	th_kill(sleeper);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), 0);
	CU_ASSERT_EQUAL(access(p, F_OK), -1);
	th_dir_done(&d);
}

static void test_other_boot_and_host(void)
{
	struct th_dir d;
	struct svcctl_pidinfo info;
	struct svcctl_opts o = {.stale_age_ms = 60000};
	char p[PATH_MAX];
	struct timespec old[2] = {{.tv_sec = 1000}, {.tv_sec = 1000}};

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	write_record(p, getpid(), "boot=00000000-not-this-boot\n");
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &info), SVCCTL_STALE);
	CU_ASSERT_EQUAL(info.reason, SVCCTL_REASON_OTHER_BOOT);
	write_record(p, getpid(), "host=some-other-host.invalid\n");
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, &o, &info), SVCCTL_REMOTE);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, &o, &info), SVCCTL_E_REMOTE);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), SVCCTL_E_REMOTE);
	/* older than the stale age: stale; with stale age 0: remote forever */
	CU_ASSERT_EQUAL(utimensat(AT_FDCWD, p, old, 0), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, &o, &info), SVCCTL_STALE);
	CU_ASSERT_EQUAL(info.reason, SVCCTL_REASON_AGED);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(p, NULL, &info), SVCCTL_REMOTE);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, &o, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(p), 0);
	th_dir_done(&d);
}

static void test_touch(void)
{
	struct th_dir d;
	struct svcctl_lock *lk;
	struct svcctl_pidinfo info;
	char p[PATH_MAX];
	struct timespec old[2] = {{.tv_sec = 1000}, {.tv_sec = 1000}};

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(p, NULL, &lk, NULL), 0);
	CU_ASSERT_EQUAL(utimensat(AT_FDCWD, p, old, 0), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(p, &info), 0);
	CU_ASSERT(info.age_ms > 1000000);
	CU_ASSERT_EQUAL(svcctl_lock_touch(lk), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(p, &info), 0);
	CU_ASSERT(info.age_ms < 60000);
	CU_ASSERT_EQUAL(unlink(p), 0);
	CU_ASSERT_EQUAL(svcctl_lock_touch(lk), SVCCTL_E_ROGUE);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), SVCCTL_E_ROGUE);
	th_dir_done(&d);
}

static void test_release_slow_paths(void)
{
	struct th_dir d;
	struct svcctl_lock *lk;
	char p[PATH_MAX], buf[64];
	int fd;

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	/* touched: size and inode are ours, the mtime is not what we wrote */
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(p, NULL, &lk, NULL), 0);
	/* past a coarse clock tick (10 ms at HZ=100), so the mtime moves; a
	 * loaded machine only sleeps longer */
	usleep(20000);
	CU_ASSERT_EQUAL(svcctl_lock_touch(lk), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	CU_ASSERT_EQUAL(access(p, F_OK), -1);
	/* rewritten in place with another pid: same inode, not ours */
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(p, NULL, &lk, NULL), 0);
	fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "4242\n", 5), 5);
	close(fd);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), SVCCTL_E_ROGUE);
	CU_ASSERT(th_read(p, buf, sizeof(buf)) == 5 && strcmp(buf, "4242\n") == 0);
	th_dir_done(&d);
}

static void test_bad_arguments(void)
{
	struct th_dir d;
	struct svcctl_lock *lk;
	char p[PATH_MAX];
	struct svcctl_opts one = {.pid = 1}, nl = {.msg = "a\nb"};

	th_dir_new(&d);
	th_path(&d, "a.pid", p);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, &one, NULL), -EINVAL);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(p, &nl, NULL), -EINVAL);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked("", NULL, &lk, NULL), -EINVAL);
	CU_ASSERT_EQUAL(svcctl_pidfile_write("/nonexistent-dir/x/a.pid", NULL, NULL), -ENOENT);
	CU_ASSERT_EQUAL(svcctl_lock_release(NULL), 0);
	CU_ASSERT_EQUAL(th_count_entries(d.path), 0);
	th_dir_done(&d);
}

CU_pSuite test_pidfile_suite(void)
{
	static const struct th_case cases[] = {
	    {"write records our pid, start, host, boot, msg", test_write_records_us},
	    {"busy names the holder; SIGKILLed holder is taken over", test_busy_names_holder},
	    {"release detects deletion and replacement", test_release_rogue},
	    {"a forked child's release leaves the parent's files", test_fork_child_release},
	    {"a reused pid is stale", test_pid_reuse},
	    {"other boot is stale; other host is remote until aged", test_other_boot_and_host},
	    {"touch refreshes the mtime", test_touch},
	    {"release after touch, and after an in-place rewrite", test_release_slow_paths},
	    {"bad arguments", test_bad_arguments},
	    {NULL, NULL}};

	return th_add_suite("pidfile", cases);
}
