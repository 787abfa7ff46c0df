/* Scratch directories, raw file access and child processes for the suites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

wchar_t *twide(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
	wchar_t *w = n > 0 ? malloc((size_t)n * sizeof(*w)) : NULL;

	if (w)
		MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
	return w;
}

/* UTF-16 to UTF-8 in a new allocation. */
static char *tnarrow(const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	char *s = n > 0 ? malloc((size_t)n) : NULL;

	if (s)
		WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
	return s;
}

char *tdir_new(void)
{
	static unsigned counter;
	wchar_t tmp[MAX_PATH], dir[MAX_PATH + 64];

	if (GetTempPathW(MAX_PATH, tmp) == 0)
		return NULL;
	for (int tries = 0; tries < 100; tries++) {
		_snwprintf(dir, MAX_PATH + 64, L"%lssvcctl-%lu-%u", tmp, GetCurrentProcessId(),
			   counter++);
		if (CreateDirectoryW(dir, NULL))
			return tnarrow(dir);
	}
	return NULL;
}

/* Remove the directory w and everything below it. */
static void rm_tree(const wchar_t *w)
{
	size_t n = wcslen(w) + MAX_PATH + 2;
	wchar_t *pattern = malloc(n * sizeof(*w)), *file = malloc(n * sizeof(*w));
	WIN32_FIND_DATAW fd;
	HANDLE f = INVALID_HANDLE_VALUE;

	if (pattern && file) {
		_snwprintf(pattern, n, L"%ls\\*", w);
		f = FindFirstFileW(pattern, &fd);
	}
	for (BOOL more = f != INVALID_HANDLE_VALUE; more; more = FindNextFileW(f, &fd)) {
		if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0)
			continue;
		_snwprintf(file, n, L"%ls\\%ls", w, fd.cFileName);
		if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
			rm_tree(file);
		else
			DeleteFileW(file);
	}
	if (f != INVALID_HANDLE_VALUE)
		FindClose(f);
	RemoveDirectoryW(w);
	free(pattern);
	free(file);
}

void tdir_free(char *dir)
{
	wchar_t *w = dir ? twide(dir) : NULL;

	if (w)
		rm_tree(w);
	free(w);
	free(dir);
}

char *tpath(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s\\%s", dir, name);
	return p;
}

int twrite(const char *path, const char *data, size_t len)
{
	wchar_t *w = twide(path);
	DWORD share = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, n = 0;
	HANDLE h = CreateFileW(w, GENERIC_WRITE, share, NULL, CREATE_ALWAYS, 0, NULL);
	int ok = h != INVALID_HANDLE_VALUE && WriteFile(h, data, (DWORD)len, &n, NULL) && n == len;

	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	free(w);
	return ok ? 0 : -1;
}

int tread(const char *path, char *buf, size_t size)
{
	wchar_t *w = twide(path);
	DWORD share = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, n = 0;
	HANDLE h = CreateFileW(w, GENERIC_READ, share, NULL, OPEN_EXISTING, 0, NULL);
	int ok = h != INVALID_HANDLE_VALUE && ReadFile(h, buf, (DWORD)size - 1, &n, NULL);

	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	free(w);
	buf[ok ? n : 0] = '\0';
	return ok ? (int)n : -1;
}

int texists(const char *path)
{
	wchar_t *w = twide(path);
	int yes = GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES;

	free(w);
	return yes;
}

int tcount(const char *dir)
{
	char *pattern = tpath(dir, "*");
	wchar_t *w = twide(pattern);
	WIN32_FIND_DATAW fd;
	HANDLE f = FindFirstFileW(w, &fd);
	int n = 0;

	for (BOOL more = f != INVALID_HANDLE_VALUE; more; more = FindNextFileW(f, &fd))
		n += wcscmp(fd.cFileName, L".") != 0 && wcscmp(fd.cFileName, L"..") != 0;
	if (f != INVALID_HANDLE_VALUE)
		FindClose(f);
	free(w);
	free(pattern);
	return n;
}

uint64_t tstart_of(HANDLE proc)
{
	FILETIME c, e, k, u;

	if (!GetProcessTimes(proc, &c, &e, &k, &u))
		return 0;
	return ((uint64_t)c.dwHighDateTime << 32) | c.dwLowDateTime;
}

int64_t tnow_ms(void)
{
	return (int64_t)GetTickCount64();
}

/* An inheritable pipe end for the child and a private one for us. */
static int make_pipe(HANDLE *child_end, HANDLE *our_end, int child_reads)
{
	SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
	HANDLE r, w;

	if (!CreatePipe(&r, &w, &sa, 0))
		return -1;
	*child_end = child_reads ? r : w;
	*our_end = child_reads ? w : r;
	SetHandleInformation(*our_end, HANDLE_FLAG_INHERIT, 0);
	return 0;
}

/* The command line: "<this program>" --child ROLE ["ARG"]. */
static wchar_t *child_cmdline(const char *role, const char *arg)
{
	wchar_t exe[MAX_PATH], *wrole = twide(role), *warg = twide(arg ? arg : "");
	size_t n = MAX_PATH + wcslen(wrole) + wcslen(warg) + 32;
	wchar_t *cmd = malloc(n * sizeof(*cmd));

	if (cmd && GetModuleFileNameW(NULL, exe, MAX_PATH) > 0)
		_snwprintf(cmd, n, arg ? L"\"%ls\" --child %ls \"%ls\"" : L"\"%ls\" --child %ls%ls",
			   exe, wrole, warg);
	else {
		free(cmd);
		cmd = NULL;
	}
	free(wrole);
	free(warg);
	return cmd;
}

int tchild_spawn(struct tchild *c, const char *role, const char *arg)
{
	STARTUPINFOW si = {.cb = sizeof(si), .dwFlags = STARTF_USESTDHANDLES};
	PROCESS_INFORMATION pi;
	wchar_t *cmd = child_cmdline(role, arg);
	BOOL ok = FALSE;

	memset(c, 0, sizeof(*c));
	if (cmd && make_pipe(&si.hStdInput, &c->to, 1) == 0) {
		if (make_pipe(&si.hStdOutput, &c->from, 0) == 0) {
			si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
			ok = CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
			CloseHandle(si.hStdOutput);
		}
		CloseHandle(si.hStdInput);
	}
	free(cmd);
	if (!ok)
		return -1;
	CloseHandle(pi.hThread);
	c->proc = pi.hProcess;
	c->pid = pi.dwProcessId;
	return 0;
}

int tchild_ready(struct tchild *c)
{
	char r = 0;
	DWORD n = 0;

	return ReadFile(c->from, &r, 1, &n, NULL) && n == 1 && r == 'R' ? 0 : -1;
}

void tchild_go(struct tchild *c)
{
	DWORD n;

	WriteFile(c->to, "g", 1, &n, NULL);
}

int tchild_wait(struct tchild *c, DWORD ms)
{
	DWORD code;

	if (WaitForSingleObject(c->proc, ms) != WAIT_OBJECT_0 ||
	    !GetExitCodeProcess(c->proc, &code))
		return -1;
	return (int)code;
}

void tchild_close(struct tchild *c)
{
	if (c->proc && WaitForSingleObject(c->proc, 0) == WAIT_TIMEOUT) {
		TerminateProcess(c->proc, 99);
		WaitForSingleObject(c->proc, 5000);
	}
	for (HANDLE *h = &c->proc; h <= &c->from; h++)
		if (*h && *h != INVALID_HANDLE_VALUE)
			CloseHandle(*h);
	memset(c, 0, sizeof(*c));
}
