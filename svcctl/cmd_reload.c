/*
 * reload: a config test first (--check), one signal to the proven process,
 * then proof that the same process survived it: a settle time watched
 * through its pidfd, or with --notify RELOADING=1 then READY=1 heard on
 * <pidfile>.notify, as systemd's Type=notify-reload does.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Polling tick where a process has no pidfd to wake us at its death. */
#define TICK_MS 50

/* How long reload waits for the server to catch its signal (without --ready-timeout). */
#define HANDLER_WAIT_MS 2000

/* The server died (or was replaced) after the signal; returns EXIT_FAIL. */
static int died_after(const struct cli *c, const struct proc *p)
{
	fail("%s: pid %lld died after reload", c->path, (long long)p->pid);
	return EXIT_FAIL;
}

/* Without --notify: the same process must outlive the settle time; EXIT_OK or EXIT_FAIL. */
static int settle(const struct cli *c, const struct proc *p)
{
	if (proc_wait_dead(p, c->settle_ms) || !proc_verify(p))
		return died_after(c, p);
	return EXIT_OK;
}

/* With --notify: RELOADING=1 then READY=1 from the server's tree, or its death. */
static int await_notify(const struct cli *c, const struct proc *p, struct spawn *sp)
{
	int64_t deadline = svcctl__mono_ms() + c->ready_timeout_ms, left;

	sp->pid = p->pid; /* senders must be the server or its descendants */
	while ((left = deadline - svcctl__mono_ms()) > 0) {
		struct pollfd pf[2] = {{.fd = sp->ready_fd, .events = POLLIN},
				       {.fd = p->fd, .events = POLLIN}};

		if (poll(pf, 2, p->fd >= 0 || left < TICK_MS ? (int)left : TICK_MS) < 0 &&
		    errno != EINTR)
			break;
		if ((pf[1].revents & POLLIN) || !proc_verify(p))
			return died_after(c, p);
		if ((pf[0].revents & POLLIN) && notify_drain(c, sp, &deadline) && sp->reloading)
			return EXIT_OK;
	}
	fail("%s: pid %lld sent no %s within %lldms", c->path, (long long)p->pid,
	     sp->reloading ? "READY=1 after RELOADING=1" : "RELOADING=1",
	     (long long)c->ready_timeout_ms);
	return EXIT_FAIL;
}

/* As root, the owner of process pid, whose the notify socket is made; -1 none. */
static int64_t owner_of(int64_t pid, int64_t *gid)
{
	char path[64];
	struct stat st;

	*gid = -1;
	snprintf(path, sizeof(path), "/proc/%lld", (long long)pid);
	if (geteuid() != 0 || stat(path, &st) < 0 || st.st_uid == 0)
		return -1;
	*gid = (int64_t)st.st_gid;
	return (int64_t)st.st_uid;
}

/* Listen on <pidfile>.notify before the signal, so no datagram is lost; CLI_GO_ON or EXIT_FAIL. */
static int listen_notify(const struct cli *c, const struct proc *p, struct spawn *sp)
{
	int64_t gid, uid = owner_of(p->pid, &gid);
	int rc;

	memset(sp, 0, sizeof(*sp));
	sp->ready_fd = sp->child_fd = sp->lock_fd = -1;
	if (!c->notify)
		return CLI_GO_ON;
	rc = notify_bind(c->path, uid, gid, sp);
	if (rc == 0)
		return CLI_GO_ON;
	fail("%s%s: cannot listen: %s", c->path, NOTIFY_SUFFIX,
	     rc == -EBUSY ? "another reload or start listens there" : svcctl_strerror(rc));
	notify_unbind(sp);
	return EXIT_FAIL;
}

/*
 * How pid treats sig, from /proc/PID/status: 1 caught (or blocked with a
 * handler to come), 0 ignored, -1 default action, -2 cannot tell (no /proc).
 */
static int disposition(int64_t pid, int sig)
{
	unsigned long long cgt = 0, ign = 0, bit = 1ULL << (sig - 1);
	char path[64], line[256];
	int seen = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%lld/status", (long long)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -2;
	while (fgets(line, sizeof(line), f))
		seen += sscanf(line, "SigIgn: %llx", &ign) + sscanf(line, "SigCgt: %llx", &cgt);
	fclose(f);
	if (seen != 2)
		return -2;
	return (cgt & bit) ? 1 : (ign & bit) ? 0 : -1;
}

/* Does sig, left to its default action, end the process (all but CHLD, CONT, URG, WINCH, stops)? */
static int default_kills(int sig)
{
	return sig != SIGCHLD && sig != SIGCONT && sig != SIGURG && sig != SIGWINCH &&
	       sig != SIGSTOP && sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU;
}

/*
 * Wait for the server to catch sig before it is sent: uncaught it kills
 * the server, or does nothing.  The kernel tells nobody when a handler is
 * installed, so /proc is polled with a backoff (1 ms doubling to TICK_MS),
 * sleeping on the pidfd to notice a death; a server re-executing itself
 * (haproxy -W) has its handlers back within milliseconds.  CLI_GO_ON, or
 * an exit code when it died or does not handle sig.
 */
static int await_handler(const struct cli *c, const struct proc *p, int sig)
{
	int64_t bound = c->ready_timeout_set ? c->ready_timeout_ms : HANDLER_WAIT_MS;
	int64_t deadline = svcctl__mono_ms() + bound;
	const char *name;
	int pause = 1, d;

	while ((d = disposition(p->pid, sig)) <= 0 && d != -2 && svcctl__mono_ms() < deadline) {
		if (proc_wait_dead(p, pause) || !proc_verify(p))
			return died_after(c, p);
		pause = pause * 2 > TICK_MS ? TICK_MS : pause * 2;
	}
	if (d == 1 || d == -2)
		return CLI_GO_ON;
	name = svcctl_signal_name(sig);
	fail("%s: pid %lld does not handle SIG%s (signal %d): a reload would %s; not sent", c->path,
	     (long long)p->pid, name ? name : "", sig,
	     d == -1 && default_kills(sig) ? "kill it" : "do nothing");
	return EXIT_FAIL;
}

/* reload: check, signal (HUP by default), confirm; 7 when not running. */
int cmd_reload(struct cli *c)
{
	struct svcctl_pidinfo in;
	struct spawn sp;
	struct proc p;
	int rc = check_config(c);

	if (rc != CLI_GO_ON)
		return rc;
	rc = stop_open(c, 0, NULL, &in, &p);
	if (rc != CLI_GO_ON)
		return rc;
	rc = await_handler(c, &p, c->sig ? c->sig : SIGHUP);
	if (rc == CLI_GO_ON)
		rc = listen_notify(c, &p, &sp);
	if (rc != CLI_GO_ON) {
		proc_close(&p);
		return rc;
	}
	rc = stop_send(c, &p, &in, c->sig ? c->sig : SIGHUP);
	if (rc == SENT_GONE) {
		say(c, "%s: not running", c->path);
		rc = EXIT_NOT_RUNNING;
	} else if (rc < 0 || rc == SENT_NOT) {
		rc = rc < 0 ? exit_for(rc) : EXIT_FAIL;
	} else {
		rc = c->notify ? await_notify(c, &p, &sp) : settle(c, &p);
		if (rc == 0)
			say(c, "%s: pid %lld reloaded", c->path, (long long)p.pid);
	}
	notify_unbind(&sp);
	proc_close(&p);
	return rc;
}
