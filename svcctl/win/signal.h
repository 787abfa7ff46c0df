/*
 * <signal.h> for the Windows build of svcctl: mingw-w64 names only the C
 * standard's signals, but the command line accepts every Unix signal name
 * (parse.c), so the missing ones get numbers here.  Only KILL and the
 * termination signals mean something on Windows (proc_win.c).
 */
#ifndef SVCCTL_WIN_SIGNAL_H
#define SVCCTL_WIN_SIGNAL_H

#include_next <signal.h>

/* Linux's numbers where they are free, distinct numbers where not. */
#ifndef SIGHUP
#define SIGHUP 1
#endif
#ifndef SIGQUIT
#define SIGQUIT 3
#endif
#ifndef SIGTRAP
#define SIGTRAP 5
#endif
#ifndef SIGBUS
#define SIGBUS 7
#endif
#ifndef SIGKILL
#define SIGKILL 9
#endif
#ifndef SIGUSR1
#define SIGUSR1 10
#endif
#ifndef SIGUSR2
#define SIGUSR2 12
#endif
#ifndef SIGPIPE
#define SIGPIPE 13
#endif
#ifndef SIGALRM
#define SIGALRM 14
#endif
#ifndef SIGCHLD
#define SIGCHLD 17
#endif
#ifndef SIGCONT
#define SIGCONT 18
#endif
#ifndef SIGSTOP
#define SIGSTOP 19
#endif
#ifndef SIGTSTP
#define SIGTSTP 20
#endif
#ifndef SIGURG
#define SIGURG 23
#endif
#ifndef SIGXCPU
#define SIGXCPU 24
#endif
#ifndef SIGXFSZ
#define SIGXFSZ 25
#endif
#ifndef SIGVTALRM
#define SIGVTALRM 26
#endif
#ifndef SIGPROF
#define SIGPROF 27
#endif
#ifndef SIGWINCH
#define SIGWINCH 28
#endif
#ifndef SIGIO
#define SIGIO 29
#endif
#ifndef SIGSYS
#define SIGSYS 31
#endif
/* Linux's 21 and 22 are mingw's SIGBREAK and SIGABRT */
#ifndef SIGTTIN
#define SIGTTIN 32
#endif
#ifndef SIGTTOU
#define SIGTTOU 33
#endif

#endif /* SVCCTL_WIN_SIGNAL_H */
