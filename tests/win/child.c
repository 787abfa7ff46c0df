/*
 * The child side of the suites: this program started as "--child ROLE
 * [ARG]" by tchild_spawn().  A child only ever exits, with a code the
 * parent asserts; it never touches CUnit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#include <shellapi.h>
#include "svcctl/pidfile.h"

/* Exit codes the parent tells apart. */
enum {
	CHILD_OK = 0,
	CHILD_EXITED = 7,
	CHILD_SETUP = 10,
	CHILD_RELEASE = 20,
	CHILD_USAGE = 30,
	CHILD_CLOSED = 42
};

static void say(char c)
{
	DWORD n;

	WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), &c, 1, &n, NULL);
}

/* Block until the parent writes a byte or closes the pipe. */
static void await_go(void)
{
	char c;
	DWORD n;

	ReadFile(GetStdHandle(STD_INPUT_HANDLE), &c, 1, &n, NULL);
}

/* Take the pidfile (or only its lock), say ready, hold until told, release. */
static void hold(const char *path, int lock_only)
{
	struct svcctl_lock *lk = NULL;
	int rc = lock_only ? svcctl_pidfile_lock(path, NULL, &lk, NULL)
			   : svcctl_pidfile_write_locked(path, NULL, &lk, NULL);

	if (rc < 0) {
		say('E');
		_exit(CHILD_SETUP);
	}
	say('R');
	await_go();
	Sleep(200); /* the parent is waiting for the lock by now */
	_exit(svcctl_lock_release(lk) == 0 ? CHILD_OK : CHILD_RELEASE);
}

/* The window's procedure: WM_CLOSE (svcctl stop's request) exits with CHILD_CLOSED. */
static LRESULT CALLBACK on_message(HWND w, UINT msg, WPARAM wp, LPARAM lp)
{
	if (msg == WM_CLOSE)
		_exit(CHILD_CLOSED);
	return DefWindowProcW(w, msg, wp, lp);
}

/* Own a (hidden) top-level window, say ready, and serve messages. */
static void windowed(void)
{
	WNDCLASSW wc = {.lpfnWndProc = on_message, .lpszClassName = L"svcctl_test_child"};
	MSG m;

	wc.hInstance = GetModuleHandleW(NULL);
	if (!RegisterClassW(&wc) ||
	    CreateWindowW(wc.lpszClassName, L"svcctl test", WS_OVERLAPPED, 0, 0, 10, 10, NULL, NULL,
			  wc.hInstance, NULL) == NULL) {
		say('E');
		_exit(CHILD_SETUP);
	}
	say('R');
	while (GetMessageW(&m, NULL, 0, 0) > 0)
		DispatchMessageW(&m);
	_exit(CHILD_OK);
}

/* The role in argv[2] with the UTF-8 argument argv[3]. */
static void run_role(int argc, char **argv)
{
	const char *role = argc > 2 ? argv[2] : "";

	if (strcmp(role, "exit") == 0)
		_exit(CHILD_EXITED);
	if (strcmp(role, "idle") == 0) {
		say('R');
		await_go();
		_exit(CHILD_OK);
	}
	if (strcmp(role, "window") == 0)
		windowed();
	if (argc > 3 && strcmp(role, "hold") == 0)
		hold(argv[3], 0);
	if (argc > 3 && strcmp(role, "lock") == 0)
		hold(argv[3], 1);
	_exit(CHILD_USAGE);
}

int child_main(void)
{
	int argc = 0;
	wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &argc);
	char **argv = calloc((size_t)argc + 1, sizeof(*argv));

	if (wargv == NULL || argv == NULL)
		_exit(CHILD_USAGE);
	/* UTF-8 arguments, whatever the ANSI code page */
	for (int i = 0; i < argc; i++) {
		int n = WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, NULL, 0, NULL, NULL);

		argv[i] = malloc((size_t)n);
		if (argv[i] == NULL)
			_exit(CHILD_USAGE);
		WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, argv[i], n, NULL, NULL);
	}
	run_role(argc, argv);
	return CHILD_USAGE;
}
