/*
 * etcd mode, the holding side: run holds the key while COMMAND runs; start
 * leaves a holder process (svcctl itself) that keeps the key while the
 * server it started runs.  Both give the child SVCCTL_LOCK_TOKEN and
 * SVCCTL_LOCK_KEY, make it die with them (PR_SET_PDEATHSIG), and stop it
 * when the lease is lost, so that its KILL lands before the lease could
 * expire on the server.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "etcd_cli.h"

/* Longest sleep between two looks at the lease's time left. */
#define TICK_MAX_MS 1000

/* How long a KILLed child may take to be reaped before we give up on it. */
#define KILL_WAIT_MS 5000

/*
 * Take the key, waiting up to timeout_ms (< 0 forever): CLI_GO_ON with *lk.
 * When another holder has it (reported): EXIT_RUN_BUSY for run, EXIT_OK for
 * start; else an exit code after a message.
 */
int etcd_acquire(const struct cli *c, enum hold_mode mode, int64_t timeout_ms,
		 struct svcctl_lock **lk)
{
	struct svcctl_opts o = c->opts;
	struct svcctl_pidinfo in;
	int rc;

	o.timeout_ms = timeout_ms;
	memset(&in, 0, sizeof(in));
	rc = svcctl_pidfile_lock(c->path, &o, lk, &in);
	if (rc == 0)
		return CLI_GO_ON;
	if (rc == SVCCTL_E_BUSY || rc == SVCCTL_E_TIMEOUT) {
		etcd_say_holder(c, mode, rc == SVCCTL_E_TIMEOUT ? "still held" : "held", &in);
		return mode == HOLD_RUN ? EXIT_RUN_BUSY : EXIT_OK;
	}
	fail("%s: cannot lock: %s", c->path, svcctl_strerror(rc));
	return exit_for(rc);
}

/*
 * SVCCTL_LOCK_TOKEN and SVCCTL_LOCK_KEY for the child, set by it after
 * fork (-e's list): setenv() here could race the keepalive thread's getenv().
 * CLI_GO_ON, or EXIT_USAGE when -e left no room.
 */
static int export_lock(struct cli *c, struct svcctl_lock *lk)
{
	static char tok[48], key[CLI_PATH_MAX + 16];

	if (c->nenv + 2 > CLI_ENV_MAX) {
		fail("%s: too many -e variables for SVCCTL_LOCK_TOKEN and SVCCTL_LOCK_KEY",
		     c->path);
		return EXIT_USAGE;
	}
	snprintf(tok, sizeof(tok), "SVCCTL_LOCK_TOKEN=%lld", (long long)svcctl_lock_token(lk));
	snprintf(key, sizeof(key), "SVCCTL_LOCK_KEY=%s", etcd_key_of(c->path));
	c->env[c->nenv++] = tok;
	c->env[c->nenv++] = key;
	return CLI_GO_ON;
}

/*
 * The lease is lost: TERM, then KILL after half the time the lease had
 * left (gone at once when none), so the child is dead before another
 * holder could be granted the key by the lease's expiry.
 */
static void stop_on_loss(const struct cli *c, struct proc *p, int group, int64_t deadline)
{
	int64_t grace = (deadline - svcctl__mono_ms()) / 2;

	fail("%s: lease lost: stopping pid %lld (TERM, KILL after %lld ms)", c->path,
	     (long long)p->pid, (long long)(grace > 0 ? grace : 0));
	if (grace > 0 && proc_signal(p, SIGTERM, group) == 0 && proc_wait_dead(p, grace))
		return;
	proc_signal(p, SIGKILL, group);
	if (!proc_wait_dead(p, KILL_WAIT_MS))
		fail("%s: pid %lld survived SIGKILL", c->path, (long long)p->pid);
}

/* Has the child of sp exited (without reaping it)? */
static int child_done(const struct spawn *sp)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)sp->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno != EINTR;
	return si.si_pid != 0;
}

/*
 * Wait for the child to exit or the lease to be lost, whichever first.
 * Returns the child's exit code, or EXIT_RUN_LOST after stopping it.
 * group: signal the child's process group (a detached server).
 */
int etcd_hold_child(const struct cli *c, struct svcctl_lock *lk, struct spawn *sp, int group)
{
	struct pollfd pfd[2];
	struct proc p;
	int64_t left, deadline = svcctl__mono_ms() + svcctl_lock_ttl_left_ms(lk);
	int n, lost = 0;

	if (proc_open(&p, sp->pid, 0) < 0)
		p.fd = -1;
	pfd[0].fd = svcctl_lock_lost_fd(lk);
	pfd[1].fd = p.fd;
	pfd[0].events = pfd[1].events = POLLIN;
	for (;;) {
		/* the deadline as last seen, for the grace once the lease is gone */
		left = svcctl_lock_ttl_left_ms(lk);
		if (left > 0)
			deadline = svcctl__mono_ms() + left;
		pfd[0].revents = pfd[1].revents = 0;
		n = poll(pfd, p.fd >= 0 ? 2 : 1, p.fd >= 0 ? TICK_MAX_MS : 20);
		if (n < 0 && errno != EINTR)
			break;
		if (pfd[0].revents != 0) {
			lost = 1;
			stop_on_loss(c, &p, group, deadline);
			break;
		}
		if (pfd[1].revents != 0 || (p.fd < 0 && child_done(sp)))
			break;
	}
	proc_close(&p);
	n = spawn_wait(sp);
	return lost ? EXIT_RUN_LOST : n;
}

/* Release the key and report a loss the release found; rc passes through. */
static int release(const struct cli *c, struct svcctl_lock *lk, int rc)
{
	int r = svcctl_lock_release(lk);

	if (r < 0 && rc != EXIT_RUN_LOST)
		fail("%s: on release: %s", c->path, svcctl_strerror(r));
	return rc;
}

/* run (and start --foreground) in etcd mode: hold the key while COMMAND runs. */
int etcd_run(struct cli *c, int64_t timeout_ms, enum hold_mode mode)
{
	struct svcctl_lock *lk;
	struct publication pub;
	struct spawn sp;
	int rc;

	rc = etcd_acquire(c, mode, timeout_ms, &lk);
	if (rc != CLI_GO_ON)
		return rc;
	rc = export_lock(c, lk);
	c->pdeath_parent = (int64_t)getpid();
	pub.c = c;
	pub.lk = lk;
	pub.sp = &sp;
	if (rc == CLI_GO_ON)
		rc = spawn_child(c, &sp, publish_child, &pub);
	if (rc == CLI_GO_ON)
		rc = etcd_hold_child(c, lk, &sp, 0);
	return release(c, lk, rc);
}

/* In the holder: tell the starter how the start went (one int), once. */
static void report_start(int *fd, int rc)
{
	if (*fd < 0)
		return;
	if (write(*fd, &rc, sizeof(rc)) != (ssize_t)sizeof(rc))
		rc = EXIT_FAIL;
	close(*fd);
	*fd = -1;
}

/* The started server's process group, which the holder passes signals on to. */
static volatile sig_atomic_t server_pgid;

/* In the holder: pass a termination or reload signal on to the server. */
static void pass_on(int sig)
{
	int saved = errno;

	if (server_pgid > 1)
		kill(-(pid_t)server_pgid, sig);
	errno = saved;
}

/*
 * In the holder, once the server runs: TERM, INT, HUP, USR1 and USR2 go to
 * the server's group, so a holder told to stop (at shutdown, say) lets the
 * server stop in its own time and then revokes the lease.
 */
static void holder_signals(const struct spawn *sp)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2};
	struct sigaction sa;

	server_pgid = (sig_atomic_t)sp->pid; /* a session leader: its pid is its group */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_on;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* In the holder: stdin and stdout on /dev/null; 1 done. */
static int null_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
		return 0;
	if (fd > 1)
		close(fd);
	return 1;
}

/*
 * In the holder, once the server runs: messages go to -o FILE or nowhere,
 * and the starter's directory is let go, as a daemon does.
 */
static void holder_quiet(const struct cli *c)
{
	int fd = -1;

	if (c->output != NULL)
		fd = open(c->output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && dup2(fd, 2) >= 0)
		close(fd);
	if (chdir("/") < 0)
		fail("cannot change directory to /: %s", strerror(errno));
}

/* The holder: take the key, start the server, report, then hold. */
static int holder_main(struct cli *c, int rep)
{
	struct svcctl_lock *lk;
	struct publication pub = {c, NULL, NULL};
	struct spawn sp;
	int rc;

	rc = etcd_acquire(c, HOLD_START, 0, &lk);
	if (rc != CLI_GO_ON) {
		report_start(&rep, rc);
		return rc;
	}
	rc = export_lock(c, lk);
	c->pdeath_parent = (int64_t)getpid();
	pub.lk = lk;
	if (rc == CLI_GO_ON)
		rc = spawn_server(c, -1, &sp);
	if (rc == CLI_GO_ON)
		rc = spawn_wait_ready(c, &sp);
	if (rc == CLI_GO_ON)
		rc = publish_child(&pub, sp.mainpid);
	if (rc != CLI_GO_ON) {
		spawn_abort(&sp);
		spawn_free(&sp);
		report_start(&rep, rc);
		return release(c, lk, rc);
	}
	say(c, "%s: started pid %lld (token %lld)", c->path, (long long)sp.mainpid,
	    (long long)svcctl_lock_token(lk));
	report_start(&rep, EXIT_OK);
	holder_quiet(c);
	holder_signals(&sp);
	rc = etcd_hold_child(c, lk, &sp, 1);
	spawn_free(&sp);
	return release(c, lk, rc);
}

/*
 * start in etcd mode: fork a holder in a session of its own that takes
 * the key and starts the server as its child, and return what it reports
 * once the server is ready (or failed).
 */
int etcd_start(struct cli *c)
{
	int fds[2], rc = EXIT_FAIL;
	pid_t pid;

	if (c->foreground)
		return etcd_run(c, 0, HOLD_START);
	if (etcd_running(c))
		return EXIT_OK;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		fail("cannot create a pipe: %s", strerror(errno));
		return EXIT_FAIL;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		/* stdin and stdout are the starter's caller's: a $(svcctl start) returns */
		if (setsid() < 0 || !null_stdio())
			_exit(EXIT_FAIL);
		_exit(holder_main(c, fds[1]));
	}
	close(fds[1]);
	if (pid < 0)
		fail("cannot fork: %s", strerror(errno));
	else if (read(fds[0], &rc, sizeof(rc)) != (ssize_t)sizeof(rc))
		fail("%s: the holder exited before the server was ready", c->path);
	close(fds[0]);
	/* a failed holder exits at once; a good one is reaped by init */
	if (pid > 0 && rc != 0)
		waitpid(pid, NULL, 0);
	return rc;
}
