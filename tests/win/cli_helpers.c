/*
 * Running svcctl.exe from the CLI suite: its path from $SVCCTL_EXE, its
 * output (stdout and stderr) into a file, its exit code with a deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_helpers.h"

/* How long one svcctl call may take before the test gives up on it. */
#define CLI_DEADLINE_MS 30000

/* Append " \"arg\"" (quoted, as CommandLineToArgvW reads it back) to cmd. */
static void append_arg(char *cmd, size_t size, const char *arg)
{
	size_t n = strlen(cmd);

	snprintf(cmd + n, size - n, n ? " \"%s\"" : "\"%s\"", arg);
}

/* "svcctl.exe" args... as one UTF-16 command line; NULL without $SVCCTL_EXE. */
static wchar_t *command_line(const char *const *args)
{
	const char *exe = getenv("SVCCTL_EXE");
	char cmd[8192] = "", path[MAX_PATH];
	wchar_t *w;

	if (exe == NULL || snprintf(path, sizeof(path), "%s", exe) >= (int)sizeof(path))
		return NULL;
	for (char *p = path; *p; p++)
		if (*p == '/')
			*p = '\\';
	append_arg(cmd, sizeof(cmd), path);
	for (; *args; args++)
		append_arg(cmd, sizeof(cmd), *args);
	w = twide(cmd);
	return w;
}

/* An inheritable handle to a new (truncated) output file. */
static HANDLE open_output(const char *out)
{
	SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
	wchar_t *w = twide(out);
	HANDLE h = CreateFileW(w, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
			       CREATE_ALWAYS, 0, NULL);

	free(w);
	return h;
}

HANDLE cli_start(const char *out, HANDLE in, const char *const *args, DWORD *pid)
{
	STARTUPINFOW si = {.cb = sizeof(si), .dwFlags = STARTF_USESTDHANDLES};
	PROCESS_INFORMATION pi;
	wchar_t *cmd = command_line(args);
	BOOL ok = FALSE;

	si.hStdInput = in;
	si.hStdOutput = si.hStdError = open_output(out);
	if (cmd != NULL && si.hStdOutput != INVALID_HANDLE_VALUE)
		ok = CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
	if (si.hStdOutput != INVALID_HANDLE_VALUE)
		CloseHandle(si.hStdOutput);
	free(cmd);
	if (!ok)
		return NULL;
	CloseHandle(pi.hThread);
	if (pid != NULL)
		*pid = pi.dwProcessId;
	return pi.hProcess;
}

int cli_finish(HANDLE proc)
{
	DWORD code = (DWORD)-1;

	if (proc == NULL)
		return -1;
	if (WaitForSingleObject(proc, CLI_DEADLINE_MS) != WAIT_OBJECT_0) {
		/* hung: a failure, and nothing left behind */
		TerminateProcess(proc, 99);
		WaitForSingleObject(proc, 5000);
	} else if (!GetExitCodeProcess(proc, &code)) {
		code = (DWORD)-1;
	}
	CloseHandle(proc);
	return (int)code;
}

int cli_run(const char *out, const char *const *args)
{
	return cli_finish(cli_start(out, NULL, args, NULL));
}

int cli_output_has(const char *out, const char *needle)
{
	char buf[8192];

	return tread(out, buf, sizeof(buf)) >= 0 && strstr(buf, needle) != NULL;
}

int cli_await_file(const char *path, int64_t ms)
{
	int64_t deadline = tnow_ms() + ms;

	while (!texists(path)) {
		if (tnow_ms() > deadline)
			return -1;
		Sleep(10);
	}
	return 0;
}

int64_t cli_pidfile_pid(const char *path)
{
	char buf[256];

	if (tread(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtoll(buf, NULL, 10);
}
