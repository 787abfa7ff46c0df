/*
 * Spawning on Windows: run's foreground child with CreateProcessW,
 * created suspended so its pid is published before it runs a single
 * instruction, then resumed and waited on through its process handle.
 * Detached servers (start) need setsid, credentials and readiness
 * channels: main.c refuses those verbs here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_win.h"

/* The foreground child: one per svcctl process. */
static HANDLE child;

/* UTF-8 to a new UTF-16 string, or NULL with errno set (EILSEQ, ENOMEM). */
static wchar_t *wide(const char *s)
{
	wchar_t *w;
	int rc = svcctl__win_wide(s, "", &w);

	if (rc < 0)
		errno = -rc;
	return rc < 0 ? NULL : w;
}

/* Append one argument to buf, quoted so CommandLineToArgvW gives it back. */
static size_t quote_arg(char *buf, size_t at, const char *arg)
{
	size_t slashes = 0;

	if (arg[0] != '\0' && strpbrk(arg, " \t\n\v\"") == NULL) {
		memcpy(buf + at, arg, strlen(arg));
		return at + strlen(arg);
	}
	buf[at++] = '"';
	for (const char *s = arg;; s++) {
		if (*s == '\\') {
			slashes++;
			buf[at++] = '\\';
			continue;
		}
		/* backslashes before a quote, or before the closing one, double */
		if (*s == '"' || *s == '\0')
			for (size_t i = 0; i < slashes + (*s == '"'); i++)
				buf[at++] = '\\';
		slashes = 0;
		if (*s == '\0')
			break;
		buf[at++] = *s;
	}
	buf[at++] = '"';
	return at;
}

/* argv as one UTF-16 command line, or NULL (errno set). */
static wchar_t *command_line(char **argv)
{
	size_t size = 1, at = 0;
	wchar_t *w;
	char *buf;

	/* worst case: every byte escaped, plus quotes and a space */
	for (char **a = argv; *a; a++)
		size += 2 * strlen(*a) + 3;
	buf = malloc(size);
	if (buf == NULL)
		return NULL;
	for (char **a = argv; *a; a++) {
		if (a != argv)
			buf[at++] = ' ';
		at = quote_arg(buf, at, *a);
	}
	buf[at] = '\0';
	w = wide(buf);
	free(buf);
	return w;
}

/* Ctrl-C and Ctrl-Break reach the child on our console; we outlive it to release. */
static BOOL WINAPI on_ctrl(DWORD type)
{
	return type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT;
}

/* Create c->argv suspended in c->chdir (or here); CLI_GO_ON or an exit code. */
static int create(const struct cli *c, PROCESS_INFORMATION *pi)
{
	STARTUPINFOW si = {.cb = sizeof(si)};
	wchar_t *cmd = command_line(c->argv), *dir = NULL;
	int rc = CLI_GO_ON;

	if (cmd == NULL || (c->chdir && (dir = wide(c->chdir)) == NULL)) {
		fail("%s: cannot convert the command line: %s", c->argv[0], strerror(errno));
		free(cmd);
		return EXIT_USAGE;
	}
	if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, dir, &si, pi)) {
		DWORD e = GetLastError();

		fail("%s: cannot execute: %s", c->argv[0], svcctl_strerror(svcctl__win_error(e)));
		rc = e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ||
			     e == ERROR_BAD_EXE_FORMAT
			 ? EXIT_NOT_INSTALLED
			 : EXIT_FAIL;
	}
	free(cmd);
	free(dir);
	return rc;
}

/* The child created suspended by spawn_gated(), until released or cancelled. */
static PROCESS_INFORMATION gated;

/* End the suspended child: it never ran, nothing of it can outlive us. */
void spawn_cancel(struct spawn *sp)
{
	TerminateProcess(gated.hProcess, EXIT_FAIL);
	WaitForSingleObject(gated.hProcess, INFINITE);
	CloseHandle(gated.hThread);
	CloseHandle(gated.hProcess);
	memset(&gated, 0, sizeof(gated));
	sp->exited = 1;
}

/* Create c->argv suspended (its gate); CLI_GO_ON or an exit code. */
int spawn_gated(const struct cli *c, struct spawn *sp)
{
	int rc;

	memset(sp, 0, sizeof(*sp));
	sp->ready_fd = sp->child_fd = sp->lock_fd = sp->gate_fd = sp->report_fd = -1;
	rc = create(c, &gated);
	if (rc == CLI_GO_ON)
		sp->pid = sp->mainpid = gated.dwProcessId;
	return rc;
}

/* Let started() publish the suspended child's pid, then resume it. */
int spawn_release(const struct cli *c, struct spawn *sp, int (*started)(void *, int64_t), void *arg)
{
	int rc = started ? started(arg, sp->pid) : CLI_GO_ON;

	(void)c;
	if (rc != CLI_GO_ON || ResumeThread(gated.hThread) == (DWORD)-1) {
		spawn_cancel(sp);
		return rc != CLI_GO_ON ? rc : EXIT_FAIL;
	}
	CloseHandle(gated.hThread);
	child = gated.hProcess;
	memset(&gated, 0, sizeof(gated));
	SetConsoleCtrlHandler(on_ctrl, TRUE);
	return CLI_GO_ON;
}

/* Create the child suspended, let started() publish its pid, then resume it. */
int spawn_child(const struct cli *c, struct spawn *sp, int (*started)(void *, int64_t), void *arg)
{
	int rc = spawn_gated(c, sp);

	return rc != CLI_GO_ON ? rc : spawn_release(c, sp, started, arg);
}

/* Wait for the foreground child; its exit code. */
int spawn_wait(struct spawn *sp)
{
	DWORD code = EXIT_FAIL;

	if (child == NULL)
		return EXIT_FAIL;
	if (WaitForSingleObject(child, INFINITE) != WAIT_OBJECT_0 ||
	    !GetExitCodeProcess(child, &code))
		code = EXIT_FAIL;
	CloseHandle(child);
	child = NULL;
	sp->exited = 1;
	sp->wstatus = (int)code;
	return (int)code;
}
