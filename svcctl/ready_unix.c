/*
 * Readiness of a started server on Unix: every test given must pass (the
 * notify socket or an s6-style pipe, the server's own pidfile naming a
 * descendant, a TCP connect, a command exiting 0, a minimum uptime) before
 * --ready-timeout; the death of what we started fails the start at once.
 * Tests that can only be polled are polled with a backoff of 1 ms doubling
 * to 50 ms; the rest wake on their descriptors and on a pidfd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "unix_proc.h"

/* Longest pause between two polled tests. */
#define BACKOFF_MAX_MS 50

/* What is still to pass, and how the wait stands. */
struct waiting {
	int notify, pidfile, port, cmd; /* tests still pending */
	int64_t deadline, uptime_at;    /* the bound; when --min-uptime is met */
	int backoff;                    /* the next pause of polled tests, ms */
	int cmd_status;                 /* last exit status of --ready-cmd */
	int64_t foreign;                /* a non-descendant the pidfile named last round */
	struct shell sh;                /* --ready-cmd running, pid -1 when none */
};

/* A pipe for fd:N, else the notify socket; nothing without --notify. */
int ready_setup(const struct cli *c, int64_t uid, int64_t gid, struct spawn *sp)
{
	int pfd[2], rc = 0;

	if (!c->notify)
		return CLI_GO_ON;
	if (c->notify_fd >= 0) {
		if (pipe2(pfd, O_CLOEXEC) < 0)
			rc = -errno;
		else {
			sp->ready_fd = pfd[0];
			sp->child_fd = pfd[1];
		}
	} else {
		rc = notify_bind(c->path, uid, gid, sp);
	}
	if (rc < 0) {
		fail("%s%s: cannot set up readiness notification: %s", c->path,
		     c->notify_fd >= 0 ? "" : NOTIFY_SUFFIX, svcctl_strerror(rc));
		spawn_free(sp);
		return EXIT_FAIL;
	}
	return CLI_GO_ON;
}

/* The server's end of the readiness pipe, -1 when none. */
int ready_child_fd(const struct spawn *sp)
{
	return sp->child_fd;
}

/* What the server said with ERRNO=, for failure messages ("" when nothing). */
static const char *errno_note(const struct spawn *sp, char *buf, size_t size)
{
	if (sp->notify_err == 0)
		return "";
	snprintf(buf, size, "; it reported ERRNO=%d (%s)", sp->notify_err,
		 strerror(sp->notify_err));
	return buf;
}

/* Read the readiness pipe: 1 on a newline, -1 on EOF, 0 for more. */
static int pipe_read(struct spawn *sp)
{
	char buf[256];
	ssize_t n = read(sp->ready_fd, buf, sizeof(buf));

	if (n == 0)
		return -1;
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	return memchr(buf, '\n', (size_t)n) != NULL;
}

/* Reap our exited children: the server's first process, orphans we adopted. */
static void reap(struct spawn *sp, struct waiting *w)
{
	int status;
	pid_t r;

	while ((r = waitpid(-1, &status, WNOHANG)) > 0) {
		if (r == (pid_t)sp->pid) {
			sp->exited = 1;
			sp->wstatus = status;
		} else if (r == (pid_t)w->sh.pid) {
			w->cmd_status = status;
			if (w->sh.fd >= 0)
				close(w->sh.fd);
			w->sh.pid = w->sh.fd = -1;
		}
	}
}

/*
 * Is the server gone: its process, or under --wait-pidfile everything it
 * started?  Orphans come to us, so a live descendant means a child of ours.
 */
static int server_gone(const struct cli *c, const struct spawn *sp, const struct waiting *w)
{
	struct procset tree = {0};
	siginfo_t si;

	if (!sp->exited)
		return 0;
	/* a daemonizing server's first process exits 0 under --wait-pidfile */
	if (!(c->wait_pidfile && WIFEXITED(sp->wstatus) && WEXITSTATUS(sp->wstatus) == 0))
		return 1;
	if (w->sh.pid > 0)
		return procset_scan(&tree) <= 1; /* the --ready-cmd shell is ours too */
	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD;
}

/* Report a server that died before it was ready; returns EXIT_FAIL. */
static int died(const struct cli *c, const struct spawn *sp)
{
	char note[128];

	if (WIFSIGNALED(sp->wstatus))
		fail("%s: server pid %lld was killed by signal %d before it was ready%s", c->path,
		     (long long)sp->pid, WTERMSIG(sp->wstatus), errno_note(sp, note, sizeof(note)));
	else if (WEXITSTATUS(sp->wstatus) != 0 || !c->wait_pidfile)
		fail("%s: server pid %lld exited with status %d before it was ready%s", c->path,
		     (long long)sp->pid, WEXITSTATUS(sp->wstatus),
		     errno_note(sp, note, sizeof(note)));
	else
		fail("%s: every process the server started exited before it was ready", c->path);
	return EXIT_FAIL;
}

/*
 * The server's own pidfile: 1 once it names a live descendant of what we
 * started and, when that is not the first process, the first one has exited
 * (as a daemon's launcher does, 0; its failure status fails the start, see
 * server_gone), 0 not yet, -1 when it names another process twice in a row
 * (a single odd read may be a write in progress).
 */
static int pidfile_test(const struct cli *c, struct spawn *sp, struct waiting *w)
{
	struct svcctl_pidinfo in;

	memset(&in, 0, sizeof(in));
	if (svcctl_pidfile_state(c->path, NULL, &in) != SVCCTL_RUNNING)
		return 0;
	/* unchanged since before the spawn: an old file, not the server's */
	if (in.mtime_ms == sp->old_mtime_ms && in.pid == sp->old_pid)
		return 0;
	if (proc_descends(in.pid, sp->pid)) {
		sp->mainpid = in.pid;
		return in.pid == sp->pid || sp->exited;
	}
	if (w->foreign == in.pid) {
		fail("%s: names pid %lld, which is not a process of the server started (pid %lld)",
		     c->path, (long long)in.pid, (long long)sp->pid);
		return -1;
	}
	w->foreign = in.pid;
	return 0;
}

/* --ready-cmd: start a run when none is going; 1 once one exited 0. */
static int cmd_test(const struct cli *c, struct waiting *w)
{
	if (w->sh.pid > 0)
		return 0;
	if (w->cmd_status == 0)
		return 1;
	if (shell_spawn(c->ready_cmd, -1, &w->sh) < 0)
		return 0;
	w->cmd_status = -1;
	return 0;
}

/* Run the polled tests once; 1 all pending ones passed, -1 failed, 0 not yet. */
static int poll_tests(const struct cli *c, struct spawn *sp, struct waiting *w)
{
	int r;

	if (w->pidfile) {
		r = pidfile_test(c, sp, w);
		if (r < 0)
			return -1;
		w->pidfile = !r;
	}
	/* answered, and by ours: a connect alone also reaches another program
	 * (the cheap connect first, /proc only once something answers) */
	if (w->port && port_probe(c->ready_host, c->ready_port, BACKOFF_MAX_MS) > 0 &&
	    port_owned(c->ready_host, c->ready_port) > 0)
		w->port = 0;
	if (w->cmd && w->sh.pid <= 0 && w->cmd_status == 0)
		w->cmd = 0;
	else if (w->cmd)
		cmd_test(c, w);
	return !w->notify && !w->pidfile && !w->port && !w->cmd;
}

/* How long the next poll may sleep: the backoff while polled tests pend. */
static int next_pause(const struct waiting *w, int polled)
{
	int64_t until = polled ? svcctl__mono_ms() + w->backoff : w->deadline;
	int64_t left;

	if (!polled && !w->notify && w->uptime_at < until)
		until = w->uptime_at;
	left = (until < w->deadline ? until : w->deadline) - svcctl__mono_ms();
	return left > 0 ? (int)left : 0;
}

/* How one round of the wait ended. */
enum round {
	ROUND_WAIT,  /* not ready yet */
	ROUND_READY, /* every test passed */
	ROUND_DONE   /* the start failed: the exit code is in *rc */
};

/* One round: wait on the descriptors, then test. */
static enum round wait_round(const struct cli *c, struct spawn *sp, int pidfd, struct waiting *w,
			     int *rc)
{
	int polled = w->pidfile || w->port || (w->cmd && w->sh.pid <= 0), r;
	struct pollfd pf[3] = {{.fd = w->notify ? sp->ready_fd : -1, .events = POLLIN},
			       {.fd = sp->exited ? -1 : pidfd, .events = POLLIN},
			       {.fd = w->sh.pid > 0 ? w->sh.fd : -1, .events = POLLIN}};

	*rc = EXIT_FAIL;
	if (poll(pf, 3, next_pause(w, polled)) < 0 && errno != EINTR)
		return ROUND_DONE;
	w->backoff = w->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : w->backoff * 2;
	if (pf[0].revents & (POLLIN | POLLHUP)) {
		r = c->notify_fd >= 0 ? pipe_read(sp) : notify_drain(c, sp, &w->deadline);
		if (r < 0) {
			fail("%s: server closed fd %d without saying it was ready", c->path,
			     c->notify_fd);
			return ROUND_DONE;
		}
		w->notify = !r;
	}
	reap(sp, w);
	if (server_gone(c, sp, w)) {
		*rc = died(c, sp);
		return ROUND_DONE;
	}
	r = poll_tests(c, sp, w);
	if (r < 0)
		return ROUND_DONE;
	return r && svcctl__mono_ms() >= w->uptime_at ? ROUND_READY : ROUND_WAIT;
}

/* Report a start that ran out of time, naming the tests still pending. */
static int timed_out(const struct cli *c, const struct spawn *sp, const struct waiting *w,
		     int64_t start)
{
	char note[128], named[80] = " (no pidfile naming it)";

	if (sp->mainpid != sp->pid)
		snprintf(named, sizeof(named), " (the pidfile names pid %lld; pid %lld has not exited)",
			 (long long)sp->mainpid, (long long)sp->pid);
	fail("%s: server pid %lld not ready after %lldms%s%s%s%s%s%s", c->path, (long long)sp->pid,
	     (long long)(svcctl__mono_ms() - start), w->notify ? " (no READY=1)" : "",
	     w->pidfile ? named : "",
	     w->port ? " (port not answering from the server)" : "",
	     w->cmd ? " (--ready-cmd did not exit 0)" : "",
	     !w->notify && !w->pidfile && !w->port && !w->cmd ? " (--min-uptime)" : "",
	     errno_note(sp, note, sizeof(note)));
	return EXIT_FAIL;
}

/* Is the recorded main process still alive once every test passed? */
static int main_alive(const struct cli *c, const struct spawn *sp)
{
	struct proc p;
	int ok = proc_open(&p, sp->mainpid, 0) == 0 && proc_verify(&p);

	proc_close(&p);
	if (!ok)
		fail("%s: server pid %lld died before it was ready", c->path,
		     (long long)sp->mainpid);
	return ok;
}

/* Wait until every readiness test c gives passed, the server died, or time ran out. */
int spawn_wait_ready(const struct cli *c, struct spawn *sp)
{
	int64_t start = svcctl__mono_ms();
	struct waiting w = {c->notify,
			    c->wait_pidfile,
			    c->ready_port > 0,
			    c->ready_cmd != NULL,
			    start + c->ready_timeout_ms,
			    sp->exec_ms + c->min_uptime_ms,
			    1,
			    -1,
			    0,
			    {-1, -1}};
	enum round r = ROUND_WAIT;
	int pidfd, rc = EXIT_FAIL;

	if (!w.notify && !w.pidfile && !w.port && !w.cmd && c->min_uptime_ms == 0)
		return CLI_GO_ON;
	pidfd = svcctl__pidfd_open(sp->pid);
	while (r == ROUND_WAIT && svcctl__mono_ms() < w.deadline)
		r = wait_round(c, sp, pidfd, &w, &rc);
	if (pidfd >= 0)
		close(pidfd);
	shell_kill(&w.sh);
	if (r == ROUND_READY)
		return main_alive(c, sp) ? CLI_GO_ON : EXIT_FAIL;
	if (r == ROUND_DONE)
		return rc;
	return timed_out(c, sp, &w, start);
}

/* Close the readiness channel and remove the notify socket. */
void spawn_free(struct spawn *sp)
{
	if (sp->child_fd >= 0)
		close(sp->child_fd);
	sp->child_fd = -1;
	if (sp->notify_path[0])
		notify_unbind(sp);
	else if (sp->ready_fd >= 0)
		close(sp->ready_fd);
	sp->ready_fd = -1;
}
