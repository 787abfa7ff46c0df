/*
 * The process layer of svcctl on Windows.  An open process handle pins
 * its pid (never reused while open) and is signalled at exit, so it serves
 * as a pidfd does on Linux.  Windows has no signals: KILL is
 * TerminateProcess, the termination signals ask the process to close its
 * windows (WM_CLOSE, as taskkill without /F does), anything else is refused.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_win.h"

#include <tlhelp32.h>

HANDLE proc_handle(const struct proc *p)
{
	return (HANDLE)(intptr_t)p->fd;
}

/* Our parent's pid from a process snapshot, or 0 when unknown. */
static DWORD parent_pid(void)
{
	PROCESSENTRY32W pe = {.dwSize = sizeof(pe)};
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	DWORD self = GetCurrentProcessId(), ppid = 0;

	if (snap == INVALID_HANDLE_VALUE)
		return 0;
	for (BOOL ok = Process32FirstW(snap, &pe); ok; ok = Process32NextW(snap, &pe)) {
		if (pe.th32ProcessID == self) {
			ppid = pe.th32ParentProcessID;
			break;
		}
	}
	CloseHandle(snap);
	return ppid;
}

/* getppid for list --mine (win/unistd.h). */
pid_t getppid(void)
{
	return (pid_t)parent_pid();
}

/* Open a handle to wait on and terminate pid; refuses system pids, us and our parent. */
int proc_open(struct proc *p, int64_t pid, uint64_t start)
{
	DWORD access = PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE | SYNCHRONIZE;
	HANDLE h;

	(void)start; /* the handle's own start time is read below */
	p->pid = pid;
	p->start = 0;
	p->fd = -1;
	/* 0 is the idle process, 4 the System process */
	if (pid <= 4 || pid > (int64_t)UINT32_MAX || pid == (int64_t)GetCurrentProcessId() ||
	    pid == (int64_t)parent_pid())
		return SVCCTL_E_UNSAFE;
	h = OpenProcess(access, FALSE, (DWORD)pid);
	if (h == NULL)
		return GetLastError() == ERROR_INVALID_PARAMETER ? -ESRCH
								 : svcctl__win_last_error();
	/* an exited process lives on while anyone holds a handle to it */
	if (WaitForSingleObject(h, 0) == WAIT_OBJECT_0) {
		CloseHandle(h);
		return -ESRCH;
	}
	p->start = 0;
	svcctl__win_handle_start(h, &p->start);
	p->fd = (int)(intptr_t)h;
	return 0;
}

void proc_close(struct proc *p)
{
	if (p->fd >= 0)
		CloseHandle(proc_handle(p));
	p->fd = -1;
}

struct close_req {
	DWORD pid;
	int sent;
};

/* Post WM_CLOSE to a top-level window if pid owns it. */
static BOOL CALLBACK close_window(HWND w, LPARAM arg)
{
	struct close_req *r = (struct close_req *)arg;
	DWORD owner = 0;

	GetWindowThreadProcessId(w, &owner);
	if (owner == r->pid && PostMessageW(w, WM_CLOSE, 0, 0))
		r->sent++;
	return TRUE;
}

/*
 * The graceful request: WM_CLOSE to each of the process's top-level
 * windows.  1 when it has none (nothing could be asked), else 0.
 */
static int ask_to_close(DWORD pid)
{
	struct close_req r = {pid, 0};

	EnumWindows(close_window, (LPARAM)&r);
	return r.sent ? 0 : 1;
}

/*
 * KILL terminates (exit code 128 + 9, as a shell reports a killed
 * process); TERM, INT, HUP, QUIT and BREAK ask gracefully and return 1
 * when there was no way to ask; other signals and --group are refused.
 */
int proc_signal(const struct proc *p, int sig, int group)
{
	HANDLE h = proc_handle(p);

	if (p->fd < 0 || p->pid <= 4 || p->pid == (int64_t)GetCurrentProcessId())
		return SVCCTL_E_UNSAFE;
	if (group)
		return -ENOTSUP; /* no process groups to signal */
	if (WaitForSingleObject(h, 0) == WAIT_OBJECT_0)
		return -ESRCH;
	switch (sig) {
	case SIGKILL:
		if (TerminateProcess(h, 128 + SIGKILL))
			return 0;
		/* it exited meanwhile: terminating it is then denied */
		return WaitForSingleObject(h, 0) == WAIT_OBJECT_0 ? -ESRCH
								  : svcctl__win_last_error();
	case SIGTERM:
	case SIGINT:
	case SIGHUP:
	case SIGQUIT:
	case SIGBREAK:
		return ask_to_close((DWORD)p->pid);
	default:
		return -ENOTSUP;
	}
}

/* Wait on the process handle, signalled at exit; 1 dead, 0 alive. */
int proc_wait_dead(const struct proc *p, int64_t ms)
{
	int64_t deadline = svcctl__mono_ms() + ms, left;
	DWORD rc;

	if (p->fd < 0)
		return 1;
	for (;;) {
		left = ms < 0 ? (int64_t)INFINITE : deadline - svcctl__mono_ms();
		if (left < 0)
			left = 0;
		/* INFINITE is 0xffffffff: longer waits go round again */
		rc = WaitForSingleObject(proc_handle(p),
					 left >= INFINITE ? INFINITE - 1 : (DWORD)left);
		if (rc == WAIT_OBJECT_0)
			return 1;
		if (rc != WAIT_TIMEOUT || (ms >= 0 && svcctl__mono_ms() >= deadline))
			return 0;
	}
}
