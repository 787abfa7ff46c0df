/* Helpers shared by the Windows process layer (*_win.c) of svcctl. */
#ifndef SVCCTL_CLI_WIN_H
#define SVCCTL_CLI_WIN_H

#include "win_internal.h"

struct proc;

/* The process handle a struct proc keeps in its fd (kernel handles fit in 32 bits). */
HANDLE proc_handle(const struct proc *p);

#endif /* SVCCTL_CLI_WIN_H */
