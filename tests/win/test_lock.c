/*
 * The adjacent lock on Windows, held by a child process: busy with the
 * right holder, time-outs, waking on release, release, a killed holder,
 * rogue deletion, and removal of a file others hold open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "platform.h"
#include "svcctl/pidfile.h"

/* A scratch directory with x.pid in it, and a child holding it (role). */
struct fixture {
	char *dir, *path, *lockpath;
	struct tchild c;
};

static int setup(struct fixture *f, const char *role)
{
	f->dir = tdir_new();
	f->path = tpath(f->dir, "x.pid");
	f->lockpath = tpath(f->dir, "x.pid.lock");
	if (role == NULL)
		return 0;
	if (tchild_spawn(&f->c, role, f->path) < 0)
		return -1;
	return tchild_ready(&f->c);
}

static void teardown(struct fixture *f)
{
	tchild_close(&f->c);
	free(f->path);
	free(f->lockpath);
	tdir_free(f->dir);
}

/* write_locked in a child: we see busy, with the child's pid, every way we ask. */
static void test_lock_held_by_child(void)
{
	struct fixture f = {0};
	struct svcctl_lock *lk = NULL;
	struct svcctl_pidinfo h;

	CU_ASSERT_EQUAL_FATAL(setup(&f, "hold"), 0);
	memset(&h, 0, sizeof(h));
	CU_ASSERT_EQUAL(svcctl_pidfile_write(f.path, NULL, &h), SVCCTL_E_BUSY);
	CU_ASSERT_EQUAL(h.pid, (int64_t)f.c.pid);
	memset(&h, 0, sizeof(h));
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(f.path, NULL, &lk, &h), SVCCTL_E_BUSY);
	CU_ASSERT_PTR_NULL(lk);
	CU_ASSERT_EQUAL(h.pid, (int64_t)f.c.pid);
	CU_ASSERT_EQUAL(h.lock_held, 1);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(f.path, NULL, &h), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(h.start, tstart_of(f.c.proc));
	CU_ASSERT_EQUAL(svcctl__lock_probe(f.lockpath), 1);
	CU_ASSERT_EQUAL(svcctl__lock_holder(f.lockpath), (int64_t)f.c.pid);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(f.path), SVCCTL_E_BUSY);
	tchild_go(&f.c);
	CU_ASSERT_EQUAL(tchild_wait(&f.c, 10000), 0); /* its release found its own file */
	CU_ASSERT_FALSE(texists(f.path));
	CU_ASSERT_EQUAL(svcctl__lock_probe(f.lockpath), 0);
	teardown(&f);
}

/* Only the lock, held by a child: busy at once, time-out after waiting, holder from the lock. */
static void test_lock_timeout(void)
{
	struct fixture f = {0};
	struct svcctl_opts o = {0};
	struct svcctl_lock *lk = NULL;
	struct svcctl_pidinfo h;
	int64_t t0;

	CU_ASSERT_EQUAL_FATAL(setup(&f, "lock"), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(f.path, &o, &lk, &h), SVCCTL_E_BUSY);
	CU_ASSERT_EQUAL(h.pid, (int64_t)f.c.pid);
	o.timeout_ms = 300;
	t0 = tnow_ms();
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(f.path, &o, &lk, &h), SVCCTL_E_TIMEOUT);
	CU_ASSERT(tnow_ms() - t0 >= 250);
	CU_ASSERT(tnow_ms() - t0 < 5000);
	CU_ASSERT_PTR_NULL(lk);
	CU_ASSERT_EQUAL(h.pid, (int64_t)f.c.pid);
	tchild_go(&f.c);
	CU_ASSERT_EQUAL(tchild_wait(&f.c, 10000), 0);
	/* a timed-out wait left nothing holding the lock */
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(f.path, NULL, &lk, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	teardown(&f);
}

/* A waiter wakes when the holder releases, long before its time-out. */
static void test_lock_wakes_on_release(void)
{
	struct fixture f = {0};
	struct svcctl_opts o = {.timeout_ms = 20000};
	struct svcctl_lock *lk = NULL;
	struct svcctl_pidinfo info;
	int64_t t0;

	CU_ASSERT_EQUAL_FATAL(setup(&f, "hold"), 0);
	t0 = tnow_ms();
	tchild_go(&f.c); /* it releases about 200 ms from now */
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(f.path, &o, &lk, NULL), 0);
	CU_ASSERT(tnow_ms() - t0 >= 100);
	CU_ASSERT(tnow_ms() - t0 < 10000);
	CU_ASSERT_EQUAL(tchild_wait(&f.c, 10000), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(f.path, NULL, &info), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(info.pid, (int64_t)GetCurrentProcessId());
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	teardown(&f);
}

/*
 * Release removes the pidfile and frees the lock; the unlocked lock file
 * stays for the next locker until svcctl_pidfile_remove() takes it.
 */
static void test_lock_release(void)
{
	struct fixture f = {0};
	struct svcctl_lock *lk = NULL;

	setup(&f, NULL);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(f.path, NULL, &lk, NULL), 0);
	CU_ASSERT(texists(f.path) && texists(f.lockpath));
	CU_ASSERT_EQUAL(svcctl__lock_probe(f.lockpath), 1);
	CU_ASSERT_EQUAL(svcctl__lock_holder(f.lockpath), (int64_t)GetCurrentProcessId());
	CU_ASSERT_EQUAL(svcctl_lock_touch(lk), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	CU_ASSERT_FALSE(texists(f.path));
	CU_ASSERT(texists(f.lockpath));
	CU_ASSERT_EQUAL(svcctl__lock_probe(f.lockpath), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_lock(f.path, NULL, &lk, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(f.path), 0);
	CU_ASSERT_FALSE(texists(f.lockpath));
	CU_ASSERT_EQUAL(tcount(f.dir), 0);
	teardown(&f);
}

/* A killed holder's lock is freed by the OS and its pidfile is taken over. */
static void test_lock_killed_holder(void)
{
	struct fixture f = {0};
	struct svcctl_lock *lk = NULL;
	struct svcctl_pidinfo info;

	CU_ASSERT_EQUAL_FATAL(setup(&f, "hold"), 0);
	CU_ASSERT(TerminateProcess(f.c.proc, 9));
	CU_ASSERT_EQUAL(tchild_wait(&f.c, 10000), 9);
	CU_ASSERT_EQUAL(svcctl__lock_probe(f.lockpath), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(f.path, NULL, &info), SVCCTL_STALE);
	CU_ASSERT_EQUAL(svcctl_pidfile_write_locked(f.path, NULL, &lk, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(f.path, &info), 0);
	CU_ASSERT_EQUAL(info.pid, (int64_t)GetCurrentProcessId());
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), 0);
	teardown(&f);
}

/* A deleted or replaced pidfile is reported as rogue; a replacement is left alone. */
static void test_lock_rogue(void)
{
	struct fixture f = {0};
	struct svcctl_lock *lk = NULL;
	wchar_t *w;
	char buf[32];

	setup(&f, NULL);
	w = twide(f.path);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(f.path, NULL, &lk, NULL), 0);
	CU_ASSERT(DeleteFileW(w));
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), SVCCTL_E_ROGUE);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write_locked(f.path, NULL, &lk, NULL), 0);
	CU_ASSERT(DeleteFileW(w));
	CU_ASSERT_EQUAL(twrite(f.path, "4242\n", 5), 0);
	CU_ASSERT_EQUAL(svcctl_lock_release(lk), SVCCTL_E_ROGUE);
	CU_ASSERT_EQUAL(tread(f.path, buf, sizeof(buf)), 5);
	CU_ASSERT_STRING_EQUAL(buf, "4242\n");
	free(w);
	teardown(&f);
}

/* A pidfile someone holds open is removed and its name is free at once. */
static void test_lock_remove_while_open(void)
{
	struct fixture f = {0};
	DWORD share = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
	struct svcctl_pidinfo info;
	wchar_t *w;
	HANDLE reader;

	setup(&f, NULL);
	w = twide(f.path);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write(f.path, NULL, NULL), 0);
	reader = CreateFileW(w, GENERIC_READ, share, NULL, OPEN_EXISTING, 0, NULL);
	CU_ASSERT_NOT_EQUAL_FATAL(reader, INVALID_HANDLE_VALUE);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(f.path), 0);
	CU_ASSERT_FALSE(texists(f.path));
	/* a plain DeleteFile would keep the name busy until the reader closes */
	CU_ASSERT_EQUAL(svcctl_pidfile_write(f.path, NULL, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(f.path, &info), 0);
	CloseHandle(reader);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(f.path), 0);
	CU_ASSERT_EQUAL(tcount(f.dir), 0);
	free(w);
	teardown(&f);
}

CU_pSuite test_lock_suite(void)
{
	CU_pSuite s = CU_add_suite("lock", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "held_by_child", test_lock_held_by_child) ||
	    !CU_add_test(s, "timeout", test_lock_timeout) ||
	    !CU_add_test(s, "wakes_on_release", test_lock_wakes_on_release) ||
	    !CU_add_test(s, "release", test_lock_release) ||
	    !CU_add_test(s, "killed_holder", test_lock_killed_holder) ||
	    !CU_add_test(s, "rogue", test_lock_rogue) ||
	    !CU_add_test(s, "remove_while_open", test_lock_remove_while_open))
		return NULL;
	return s;
}
