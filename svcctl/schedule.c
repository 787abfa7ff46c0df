/*
 * The process a pidfile records, for stop, reload and run --expire: judge
 * it, open a handle on it, and signal it only after proving it is still
 * that process, right before every signal of the schedule.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Name of a signal for messages: "TERM", or its number. */
static const char *signame(int sig, char *buf, size_t size)
{
	const char *n = svcctl_signal_name(sig);

	if (n != NULL)
		return n;
	snprintf(buf, size, "%d", sig);
	return buf;
}

/* What recheck() found. */
enum check {
	CHECK_SIGNAL, /* still the process judged: signal it */
	CHECK_GONE,   /* dead, a zombie, or its pid now names another process */
	CHECK_SKIP    /* the pidfile names another process now (said so) */
};

/*
 * Does record now name the process judged running in was: the same pid,
 * start time, host, boot and pid namespace?  With the process proven alive
 * at that start, a judgement of now could only say running again.
 */
static int names_judged(const struct svcctl_pidinfo *now, const struct svcctl_pidinfo *was)
{
	return now->pid == was->pid && now->start == was->start &&
	       strcmp(now->host, was->host) == 0 && strcmp(now->boot, was->boot) == 0 &&
	       strcmp(now->pidns, was->pidns) == 0;
}

/*
 * Re-verify right before a signal: root safety (walk unset: the caller has
 * just checked it), the process itself (alive, not a zombie, same start
 * time) and the pidfile (still names it, or the server removed it on its
 * way out).  An enum check, or < 0 to refuse.
 */
static int recheck(const struct cli *c, const struct proc *p, const struct svcctl_pidinfo *was,
		   int walk)
{
	struct svcctl_pidinfo now;
	int rc;

	if (walk && safety_refuse(c) != CLI_GO_ON)
		return SVCCTL_E_UNSAFE;
	/* dead, a zombie, or its pid now names another process */
	if (!proc_verify(p))
		return CHECK_GONE;
	/* the process is proven above: the file need only still name it */
	rc = svcctl_pidfile_read(c->path, &now);
	if (rc == -ENOENT || (rc == 0 && names_judged(&now, was)))
		return CHECK_SIGNAL;
	say(c, "%s: no longer names pid %lld as judged; not signalled", c->path, (long long)p->pid);
	return CHECK_SKIP;
}

/* Report a state that leaves nothing to signal; returns the exit code. */
static int not_running(const struct cli *c, int st, const struct svcctl_pidinfo *in, int stop)
{
	int rc;

	if (st < 0) {
		fail("%s: %s", c->path, svcctl_strerror(st));
		return exit_for(st);
	}
	switch (st) {
	case SVCCTL_ABSENT:
		say(c, "%s: not running", c->path);
		return stop ? EXIT_OK : EXIT_NOT_RUNNING;
	case SVCCTL_REMOTE:
		fail("%s: remote holder on %s, not signalled (pid %lld%s%s)", c->path,
		     in->host[0] ? in->host : "another pid namespace", (long long)in->pid,
		     in->pidns[0] ? ", pid namespace " : "", in->pidns);
		/* no authority over another host's process: 4, like status */
		return EXIT_PRIV;
	case SVCCTL_DEAD_LOCKED:
		fail("%s: pid %lld is dead but its lock is still held by another process", c->path,
		     (long long)in->pid);
		return stop ? EXIT_FAIL : EXIT_NOT_RUNNING;
	}
	/* stale: never signalled */
	if (!stop || c->test) {
		say(c, "%s: stale pidfile (pid %lld: %s)%s", c->path, (long long)in->pid,
		    svcctl_reason_name(in->reason), stop ? ", would remove it" : "");
		return stop ? EXIT_OK : EXIT_NOT_RUNNING;
	}
	rc = remove_stale(c, c->path);
	if (rc < 0) {
		fail("%s: cannot remove stale pidfile: %s", c->path, svcctl_strerror(rc));
		return exit_for(rc);
	}
	say(c, "%s: removed stale pidfile (pid %lld: %s)", c->path, (long long)in->pid,
	    svcctl_reason_name(in->reason));
	return EXIT_OK;
}

/* Signal only the proven process (see recheck); an enum sent, or < 0 on errors. */
static int send_proven(const struct cli *c, const struct proc *p, const struct svcctl_pidinfo *in,
		       int sig, int walk)
{
	char buf[16];
	int rc;

	rc = recheck(c, p, in, walk);
	if (rc == CHECK_GONE)
		return SENT_GONE;
	if (rc != CHECK_SIGNAL)
		return rc == CHECK_SKIP ? SENT : rc;
	rc = proc_signal(p, sig, c->group);
	if (rc == -ESRCH)
		return SENT_GONE;
	if (rc < 0) {
		fail("%s: cannot signal pid %lld: %s", c->path, (long long)p->pid,
		     svcctl_strerror(rc));
		return rc;
	}
	/* Windows: a termination request needs a window to close */
	if (rc > 0) {
		say(c, "%s: pid %lld has no way to receive %s here; not sent", c->path,
		    (long long)p->pid, signame(sig, buf, sizeof(buf)));
		return SENT_NOT;
	}
	say(c, "%s: sent %s to %s %lld", c->path, signame(sig, buf, sizeof(buf)),
	    c->group ? "process group of" : "pid", (long long)p->pid);
	return SENT;
}

int stop_send(const struct cli *c, const struct proc *p, const struct svcctl_pidinfo *in, int sig)
{
	return send_proven(c, p, in, sig, 1);
}

/* Run the schedule; 1 when the process died, 0 alive at the end, < 0 error. */
static int run_schedule(const struct cli *c, const struct proc *p, const struct svcctl_pidinfo *in)
{
	const struct svcctl_schedule *s = &c->sched;
	int has_wait = 0, rc, walk = 0; /* stop_open() walked the path just before */

	for (size_t i = 0; i < s->len; i++)
		has_wait |= s->item[i].kind == SVCCTL_SCHED_WAIT;
	for (size_t i = 0; i < s->len; i++) {
		const struct svcctl_sched_item *it = &s->item[i];

		if (it->kind == SVCCTL_SCHED_SIGNAL) {
			rc = send_proven(c, p, in, (int)it->value, walk);
			walk = 1;
			/* nothing sent: skip its wait when a later signal follows */
			if (rc == SENT_NOT && i + 2 < s->len &&
			    s->item[i + 1].kind == SVCCTL_SCHED_WAIT &&
			    s->item[i + 2].kind == SVCCTL_SCHED_SIGNAL)
				i++;
			else if (rc == SENT_GONE)
				return 1;
			else if (rc < 0)
				return rc;
		} else if (it->kind == SVCCTL_SCHED_WAIT) {
			if (proc_wait_dead(p, it->value))
				return 1;
		} else if (has_wait) {
			i = (size_t)-1; /* forever: repeat from the start */
		} else {
			return proc_wait_dead(p, -1);
		}
	}
	return proc_wait_dead(p, 0);
}

/* Describe the schedule for --test. */
static void print_schedule(const struct cli *c, const struct svcctl_pidinfo *in)
{
	char buf[16];

	printf("would stop pid %lld of %s:", (long long)in->pid, c->path);
	for (size_t i = 0; i < c->sched.len; i++) {
		const struct svcctl_sched_item *it = &c->sched.item[i];

		if (it->kind == SVCCTL_SCHED_SIGNAL)
			printf(" send %s%s;", signame((int)it->value, buf, sizeof(buf)),
			       c->group ? " to its group" : "");
		else if (it->kind == SVCCTL_SCHED_WAIT)
			printf(" wait %lldms;", (long long)it->value);
		else
			printf(" repeat forever;");
	}
	printf("\n");
}

/*
 * Judge the pidfile and open a handle on a running server: CLI_GO_ON with
 * *p, else the exit code for a server that is not there to signal.
 */
int stop_open(const struct cli *c, int stop, const struct svcctl_pidinfo *judged,
	      struct svcctl_pidinfo *in, struct proc *p)
{
	int st, rc;

	rc = safety_refuse(c);
	if (rc != CLI_GO_ON)
		return rc;
	if (judged != NULL && judged->state == SVCCTL_RUNNING) {
		*in = *judged;
		st = SVCCTL_RUNNING;
	} else {
		memset(in, 0, sizeof(*in));
		st = svcctl_pidfile_state(c->path, &c->opts, in);
	}
	/* an empty file names no process to signal */
	if (pidfile_empty_free(c->path, st, in))
		st = SVCCTL_ABSENT;
	if (st != SVCCTL_RUNNING)
		return not_running(c, st, in, stop);
	if (stop && c->test) {
		print_schedule(c, in);
		return EXIT_OK;
	}
	rc = proc_open(p, in->pid, in->start);
	/* replaced since it was judged: the handle names another process */
	if (rc == 0 && in->start && p->start && p->start != in->start) {
		proc_close(p);
		rc = -ESRCH;
	}
	/* died since it was judged: judge again */
	if (rc == -ESRCH)
		return not_running(c, svcctl_pidfile_state(c->path, &c->opts, in), in, stop);
	if (rc < 0) {
		fail("%s: refusing to signal pid %lld: %s", c->path, (long long)in->pid,
		     svcctl_strerror(rc));
		return EXIT_PRIV;
	}
	return CLI_GO_ON;
}

/*
 * Run the schedule on the proven process (for run --expire, only if it is
 * still *expect): CLI_GO_ON once it died, else stop's exit code.
 */
int stop_holder(const struct cli *c, const struct svcctl_pidinfo *expect,
		const struct svcctl_pidinfo *judged, struct svcctl_pidinfo *in)
{
	struct proc p;
	int rc;

	rc = stop_open(c, 1, judged, in, &p);
	if (rc != CLI_GO_ON)
		return rc;
	if (expect != NULL && (in->pid != expect->pid || in->start != expect->start)) {
		proc_close(&p);
		fail("%s: the holder changed to pid %lld; not signalled", c->path,
		     (long long)in->pid);
		return EXIT_FAIL;
	}
	rc = run_schedule(c, &p, in);
	proc_close(&p);
	if (rc < 0)
		return exit_for(rc);
	if (rc == 0) {
		fail("%s: pid %lld is still running after the whole schedule", c->path,
		     (long long)in->pid);
		return EXIT_FAIL;
	}
	return CLI_GO_ON;
}
