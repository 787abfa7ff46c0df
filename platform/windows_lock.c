/*
 * The adjacent lock file on Windows: a LockFileEx byte-range lock far past
 * the end of the file, whose content names the holder's pid (Windows
 * cannot tell who holds a lock).  After locking, the path is re-checked to
 * still name the locked file, since the last holder removes it.  Windows
 * has no fork: a lock is never inherited.
 */
#include <stdio.h>
#include <stdlib.h>

#include "svcctl/pidfile.h"
#include "win_internal.h"

/* The locked byte: far past any content, so the holder's pid stays readable. */
#define LOCK_OFFSET_HIGH 0x40000000u

/* The OVERLAPPED naming our lock byte. */
static OVERLAPPED lock_range(void)
{
	OVERLAPPED ov = {0};

	ov.OffsetHigh = LOCK_OFFSET_HIGH;
	return ov;
}

/* A timed lock request, which may outlive a waiter that timed out. */
struct lock_wait {
	HANDLE file;
	volatile LONG state;
	DWORD err;
};

enum { WAIT_PENDING, WAIT_DONE, WAIT_GIVEN_UP };

/* Block in LockFileEx; if the waiter has given up, free what it left us. */
static DWORD WINAPI lock_wait_thread(void *arg)
{
	struct lock_wait *w = arg;
	OVERLAPPED ov = lock_range();
	BOOL ok = LockFileEx(w->file, LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ov);

	w->err = ok ? 0 : GetLastError();
	if (InterlockedCompareExchange(&w->state, WAIT_DONE, WAIT_PENDING) == WAIT_GIVEN_UP) {
		if (ok)
			UnlockFileEx(w->file, 0, 1, 0, &ov);
		CloseHandle(w->file);
		free(w);
	}
	return 0;
}

/*
 * Wait up to ms for the lock on h, woken by the holder's unlock.  The
 * request blocks in a helper thread: an overlapped lock request never
 * completes under Wine.  On time-out CancelSynchronousIo ends it; where
 * that cannot (Wine), the thread is left to drop the lock should it come.
 * Consumes h unless it returns 0.
 */
static int lock_wait(HANDLE h, int64_t ms)
{
	struct lock_wait *w = calloc(1, sizeof(*w));
	DWORD err, wait = ms > 0x7fffffff ? 0x7fffffff : (DWORD)ms;
	HANDLE t;

	if (w == NULL) {
		CloseHandle(h);
		return -ENOMEM;
	}
	w->file = h;
	w->state = WAIT_PENDING;
	t = CreateThread(NULL, 65536, lock_wait_thread, w, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
	if (t == NULL) {
		err = GetLastError();
		CloseHandle(h);
		free(w);
		return platform_win_error(err);
	}
	if (WaitForSingleObject(t, wait) == WAIT_TIMEOUT) {
		if (CancelSynchronousIo(t))
			WaitForSingleObject(t, INFINITE);
		if (InterlockedCompareExchange(&w->state, WAIT_GIVEN_UP, WAIT_PENDING) ==
		    WAIT_PENDING) {
			CloseHandle(t);
			return SVCCTL_E_TIMEOUT; /* the thread owns h and w now */
		}
		WaitForSingleObject(t, INFINITE);
	}
	CloseHandle(t);
	err = w->err;
	free(w);
	if (err != 0)
		CloseHandle(h);
	return err == 0                         ? 0
	       : err == ERROR_OPERATION_ABORTED ? SVCCTL_E_TIMEOUT
						: platform_win_error(err);
}

/* Lock h now (ms 0), forever (< 0) or waiting up to ms; consumes h on failure. */
static int lock_take(HANDLE h, int64_t ms)
{
	OVERLAPPED ov = lock_range();
	DWORD flags = LOCKFILE_EXCLUSIVE_LOCK | (ms == 0 ? LOCKFILE_FAIL_IMMEDIATELY : 0);
	int rc;

	if (ms > 0)
		return lock_wait(h, ms);
	if (LockFileEx(h, flags, 0, 1, 0, &ov))
		return 0;
	rc = platform_win_last_error();
	CloseHandle(h);
	return rc;
}

/* 0 if path (not followed) still names the file id, else -ESTALE or -errno. */
static int path_is(const char *path, const struct platform_fileid *id)
{
	HANDLE h;
	int rc = platform_win_open(path, "", FILE_READ_ATTRIBUTES, OPEN_EXISTING, &h);

	if (rc < 0)
		return rc;
	rc = platform_win_same(h, id);
	CloseHandle(h);
	return rc;
}

/* Record our pid as the lock file's content, for platform_lock_holder(). */
static void write_holder(HANDLE h)
{
	LARGE_INTEGER zero = {0};
	char line[32];
	int n = snprintf(line, sizeof(line), "%lu\n", GetCurrentProcessId());

	if (SetFilePointerEx(h, zero, NULL, FILE_BEGIN) &&
	    platform_win_write_all(h, line, (size_t)n) == 0)
		SetEndOfFile(h);
}

/* One open-lock-verify round; -ESTALE when the path moved while we waited. */
static int lock_once(const char *lockpath, int64_t ms, HANDLE *out, struct platform_fileid *id)
{
	DWORD access = GENERIC_READ | GENERIC_WRITE | DELETE;
	struct platform_filemeta meta;
	OVERLAPPED ov = lock_range();
	HANDLE h;
	int rc = platform_win_open(lockpath, "", access, OPEN_ALWAYS, &h);

	if (rc < 0)
		return rc;
	rc = platform_win_meta(h, &meta);
	if (rc < 0) {
		CloseHandle(h);
		return rc;
	}
	rc = lock_take(h, ms);
	if (rc < 0)
		return rc;
	/* removed or replaced by its last holder while we waited? */
	rc = path_is(lockpath, &meta.id);
	if (rc < 0) {
		UnlockFileEx(h, 0, 1, 0, &ov);
		CloseHandle(h);
		return rc == -ENOENT ? -ESTALE : rc;
	}
	write_holder(h);
	*out = h;
	*id = meta.id;
	return 0;
}

int platform_lock_acquire(const char *lockpath, int64_t timeout_ms, platform_lockh *h,
			  struct platform_fileid *id)
{
	int64_t deadline = platform_mono_ms() + timeout_ms;
	int64_t left = timeout_ms;
	HANDLE f;
	int rc;

	while ((rc = lock_once(lockpath, left, &f, id)) == -ESTALE) {
		if (timeout_ms > 0 && (left = deadline - platform_mono_ms()) <= 0)
			return SVCCTL_E_TIMEOUT;
	}
	if (rc == 0) {
		h->h = (intptr_t)f;
		h->watch = -1;
	}
	return rc;
}

int platform_lock_probe(const char *lockpath)
{
	OVERLAPPED ov = lock_range();
	HANDLE h;
	int held, rc = platform_win_open(lockpath, "", GENERIC_READ, OPEN_EXISTING, &h);

	if (rc < 0)
		return rc == -ENOENT ? 0 : rc;
	/* shared, so that two probes never see each other */
	held = !LockFileEx(h, LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov);
	if (held && GetLastError() != ERROR_LOCK_VIOLATION)
		held = platform_win_last_error();
	else if (!held)
		UnlockFileEx(h, 0, 1, 0, &ov);
	CloseHandle(h);
	return held;
}

int64_t platform_lock_holder(const char *lockpath)
{
	char buf[32];
	size_t len = 0;
	int64_t pid = 0;

	if (platform_lock_probe(lockpath) != 1 ||
	    platform_read_file(lockpath, buf, sizeof(buf), &len, NULL) < 0)
		return 0;
	for (size_t i = 0; i < len && buf[i] >= '0' && buf[i] <= '9' && pid < UINT32_MAX; i++)
		pid = pid * 10 + (buf[i] - '0');
	return pid <= UINT32_MAX ? pid : 0;
}

void platform_lock_drop(platform_lockh h, const char *lockpath, const struct platform_fileid *id)
{
	HANDLE f = (HANDLE)h.h;
	OVERLAPPED ov = lock_range();

	/* remove while still holding it: a waiter re-checks the path after locking */
	if (lockpath && path_is(lockpath, id) == 0)
		platform_win_remove(f, lockpath);
	UnlockFileEx(f, 0, 1, 0, &ov);
	CloseHandle(f);
}

void platform_lock_forget(platform_lockh h)
{
	/* no fork here: nothing is ever inherited, so this only closes */
	CloseHandle((HANDLE)h.h);
}

/* No descriptors are passed down on Windows: nothing to adopt. */
int platform_lock_adopt(const char *lockpath, platform_lockh *h, struct platform_fileid *id)
{
	(void)lockpath;
	(void)h;
	(void)id;
	return 1;
}

int platform_lock_fd(platform_lockh h)
{
	(void)h;
	return -ENOSYS;
}
