/*
 * The foreground child of run and start --foreground on Unix: forked
 * gated by spawn_gated() (spawn_unix.c), let go once its pid is
 * published, with the termination and reload signals reaching us passed
 * on to it, and reaped with its exit code.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* The child that signals reaching us are passed on to (0: none yet). */
static volatile sig_atomic_t forward_pid;

/* The signals passed on to the foreground child. */
static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

/* Pass a termination or reload signal on to the foreground child. */
static void forward(int sig)
{
	int saved = errno;

	if (forward_pid > 1)
		kill((pid_t)forward_pid, sig);
	errno = saved;
}

/* Block (how SIG_BLOCK) or unblock (SIG_SETMASK with *old) the forwarded signals. */
static void forwarded_mask(int how, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	if (how == SIG_BLOCK)
		sigprocmask(SIG_BLOCK, &set, old);
	else
		sigprocmask(SIG_SETMASK, old, NULL);
}

/*
 * Let the gated child exec once started() published it; signals are passed
 * on to it.  forward_pid is set before the gate opens (the child then execs
 * or exits), and the signals stay blocked until it is known which: one
 * arriving meanwhile is passed on once unblocked, never swallowed, and
 * never sent to a child already reaped after a failed exec.
 */
int spawn_release(const struct cli *c, struct spawn *sp, int (*started)(void *, int64_t), void *arg)
{
	struct sigaction sa;
	sigset_t old;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	forwarded_mask(SIG_BLOCK, &old);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	forward_pid = (sig_atomic_t)sp->pid;
	rc = spawn_let_go(c, sp, started, arg);
	if (rc != CLI_GO_ON)
		forward_pid = 0;
	forwarded_mask(SIG_SETMASK, &old);
	if (rc == CLI_GO_ON)
		proc_title_holding(c, sp->pid);
	return rc;
}

/* The gated child reads EOF at its gate and exits without running COMMAND; reap it. */
void spawn_cancel(struct spawn *sp)
{
	close(sp->gate_fd);
	close(sp->report_fd);
	sp->gate_fd = sp->report_fd = -1;
	while (waitpid((pid_t)sp->pid, NULL, 0) < 0 && errno == EINTR)
		;
	sp->exited = 1;
}

/* Foreground child for run and --foreground: spawn_gated(), then spawn_release(). */
int spawn_child(const struct cli *c, struct spawn *sp, int (*started)(void *, int64_t), void *arg)
{
	int rc = spawn_gated(c, sp);

	return rc != CLI_GO_ON ? rc : spawn_release(c, sp, started, arg);
}

/* Reap the foreground child; its exit code, or 128+signal. */
int spawn_wait(struct spawn *sp)
{
	siginfo_t si;
	int status;

	/* dead but not reaped: until forward_pid is cleared its pid names no other process */
	while (waitid(P_PID, (id_t)sp->pid, &si, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			return EXIT_FAIL;
	forward_pid = 0;
	while (waitpid((pid_t)sp->pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_FAIL;
	sp->exited = 1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
