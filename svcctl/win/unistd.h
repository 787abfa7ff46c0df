/*
 * <unistd.h> for the Windows build of svcctl: mingw-w64 has getpid but
 * not getppid (list --mine), implemented in proc_win.c.
 */
#ifndef SVCCTL_WIN_UNISTD_H
#define SVCCTL_WIN_UNISTD_H

#include_next <unistd.h>

#include <sys/types.h>

pid_t getppid(void);

#endif /* SVCCTL_WIN_UNISTD_H */
