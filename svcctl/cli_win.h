/* Helpers shared by the Windows process layer (*_win.c) of svcctl. */
#ifndef SVCCTL_CLI_WIN_H
#define SVCCTL_CLI_WIN_H

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

/* A Win32 error as a negative errno value, for svcctl_strerror(). */
int win_error(DWORD e);

/* UTF-8 to a new UTF-16 string, or NULL (errno set). */
wchar_t *win_wide(const char *s);

struct proc;

/* The process handle a struct proc keeps in its fd (kernel handles fit in 32 bits). */
HANDLE proc_handle(const struct proc *p);

#endif /* SVCCTL_CLI_WIN_H */
