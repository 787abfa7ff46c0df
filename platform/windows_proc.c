/*
 * Processes and the host with Win32 calls: liveness by a process handle
 * (WaitForSingleObject, never the ambiguous STILL_ACTIVE exit code alone),
 * identity by creation time, host name and clocks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "win_internal.h"

/* ---- processes and host ---- */

int64_t svcctl__self_pid(void)
{
	return GetCurrentProcessId();
}

int64_t svcctl__pid_max(void)
{
	return UINT32_MAX; /* a DWORD */
}

/* The creation time of an open process, in 100 ns ticks since 1601. */
void svcctl__win_handle_start(HANDLE h, uint64_t *start)
{
	FILETIME created, exited, kernel, user;

	if (GetProcessTimes(h, &created, &exited, &kernel, &user))
		*start = svcctl__win_ticks(created);
}

/*
 * A process we may not wait on is alive, as EPERM is on Unix; a handle
 * with less access may still tell its start time, and an exit code other
 * than STILL_ACTIVE proves it exited.
 */
static int proc_denied(DWORD pid, uint64_t *start)
{
	HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
	DWORD code = STILL_ACTIVE;
	int rc = SVCCTL__PROC_ALIVE;

	if (h == NULL)
		return rc;
	if (GetExitCodeProcess(h, &code) && code != STILL_ACTIVE)
		rc = SVCCTL__PROC_ZOMBIE;
	else
		svcctl__win_handle_start(h, start);
	CloseHandle(h);
	return rc;
}

int svcctl__proc_check(int64_t pid, uint64_t *start)
{
	DWORD access = PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE;
	HANDLE h;
	int rc;

	*start = 0;
	if (pid <= 0 || pid > (int64_t)UINT32_MAX)
		return SVCCTL__PROC_DEAD;
	h = OpenProcess(access, FALSE, (DWORD)pid);
	if (h == NULL) {
		DWORD e = GetLastError();

		if (e == ERROR_INVALID_PARAMETER)
			return SVCCTL__PROC_DEAD; /* no such process */
		return e == ERROR_ACCESS_DENIED ? proc_denied((DWORD)pid, start)
						: svcctl__win_error(e);
	}
	/* signalled: it exited, and its object lives on while someone holds it */
	switch (WaitForSingleObject(h, 0)) {
	case WAIT_TIMEOUT:
		svcctl__win_handle_start(h, start);
		rc = SVCCTL__PROC_ALIVE;
		break;
	case WAIT_OBJECT_0:
		rc = SVCCTL__PROC_ZOMBIE;
		break;
	default:
		rc = svcctl__win_last_error();
	}
	CloseHandle(h);
	return rc;
}

int svcctl__proc_verify(int64_t pid, uint64_t expect, uint64_t *start)
{
	(void)expect; /* OpenProcess answers for this system's processes only */
	return svcctl__proc_check(pid, start);
}

int svcctl__self_start(uint64_t *start)
{
	if (svcctl__proc_check(svcctl__self_pid(), start) < 0)
		*start = 0;
	return 0;
}

int svcctl__hostname(char *buf, size_t size)
{
	wchar_t w[256];
	char u[1024];
	DWORD n = sizeof(w) / sizeof(w[0]);

	if (size == 0)
		return -EINVAL;
	if (!GetComputerNameExW(ComputerNameDnsHostname, w, &n))
		return svcctl__win_last_error();
	if (WideCharToMultiByte(CP_UTF8, 0, w, -1, u, sizeof(u), NULL, NULL) <= 0)
		return svcctl__win_last_error();
	snprintf(buf, size, "%s", u);
	return 0;
}

int svcctl__boot_id(char *buf, size_t size)
{
	/* none: a creation time (start=) already differs across boots */
	if (size > 0)
		buf[0] = '\0';
	return 0;
}

int svcctl__pid_ns(char *buf, size_t size)
{
	/* one pid space per host */
	if (size > 0)
		buf[0] = '\0';
	return 0;
}

int64_t svcctl__now_ms(void)
{
	FILETIME ft;

	GetSystemTimePreciseAsFileTime(&ft);
	return (int64_t)((svcctl__win_ticks(ft) - EPOCH_DIFF_100NS) / 10000);
}

int64_t svcctl__mono_ms(void)
{
	return (int64_t)GetTickCount64();
}

/* Now minus the creation time (start= records it in FILETIME ticks). */
int64_t svcctl__proc_uptime(uint64_t start)
{
	FILETIME ft;
	uint64_t now;

	GetSystemTimeAsFileTime(&ft);
	now = svcctl__win_ticks(ft);
	if (start == 0 || now < start)
		return -1;
	return (int64_t)((now - start) / 10000000ULL);
}
