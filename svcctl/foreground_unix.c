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

/* Pass a termination or reload signal on to the foreground child. */
static void forward(int sig)
{
	if (forward_pid > 1)
		kill((pid_t)forward_pid, sig);
}

/* Let the gated child exec once started() published it; signals are passed on to it. */
int spawn_release(const struct cli *c, struct spawn *sp, int (*started)(void *, int64_t), void *arg)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct sigaction sa;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	rc = spawn_let_go(c, sp, started, arg);
	forward_pid = rc == CLI_GO_ON ? (sig_atomic_t)sp->pid : 0;
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
	int status;

	while (waitpid((pid_t)sp->pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_FAIL;
	sp->exited = 1;
	forward_pid = 0;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
