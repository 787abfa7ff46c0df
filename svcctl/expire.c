/*
 * run --expire: a holder older than the limit is stopped with the stop
 * schedule before its lock is taken.
 */
#include <string.h>

#include "cli.h"

/* How long to wait for a stopped holder's own release of the lock. */
#define RELEASE_WAIT_MS 5000

/* A running or remote holder whose pidfile is older than run --expire. */
int is_expired(const struct cli *c, int st, const struct svcctl_pidinfo *in)
{
	return c->expire_ms > 0 && (st == SVCCTL_RUNNING || st == SVCCTL_REMOTE) &&
	       in->age_ms >= c->expire_ms;
}

/* Say who held the lock past --expire and what happens next. */
static void report_expired(const struct cli *c, const struct svcctl_pidinfo *h)
{
	char age[32], limit[32];

	format_uptime(h->age_ms / 1000, age, sizeof(age));
	format_uptime(c->expire_ms / 1000, limit, sizeof(limit));
	say(c, "%s: pid %lld%s%s has held it for %s, longer than --expire %s: stopping it", c->path,
	    (long long)h->pid, h->host[0] ? " on " : "", h->host, age, limit);
}

/*
 * The holder h is older than --expire: stop it with the stop schedule
 * (signals only while the pidfile still names it), then wait for its
 * lock: CLI_GO_ON with *lk, else an exit code.  Its file is never deleted
 * while it lives.
 */
int take_expired(const struct cli *c, const struct svcctl_pidinfo *h, struct svcctl_lock **lk)
{
	struct svcctl_opts o = c->opts;
	struct svcctl_pidinfo in;
	int rc;

	report_expired(c, h);
	if (h->state == SVCCTL_REMOTE) {
		fail("%s: remote holder on %s, not signalled", c->path,
		     h->host[0] ? h->host : "another pid namespace");
		return EXIT_RUN_UNSTOPPED;
	}
	memset(&in, 0, sizeof(in));
	rc = stop_holder(c, h, NULL, &in);
	if (rc != CLI_GO_ON && rc != EXIT_OK) {
		fail("%s: the expired holder pid %lld could not be stopped", c->path,
		     (long long)h->pid);
		return EXIT_RUN_UNSTOPPED;
	}
	if (rc == CLI_GO_ON)
		say(c, "%s: stopped expired holder pid %lld", c->path, (long long)h->pid);
	o.flags |= SVCCTL_F_MKDIRS;
	o.timeout_ms = RELEASE_WAIT_MS + (c->wait_ms > 0 ? c->wait_ms : 0);
	rc = svcctl_pidfile_lock(c->path, &o, lk, &in);
	if (rc < 0) {
		fail("%s: the expired holder is gone, but the lock is still busy (pid %lld): %s",
		     c->path, (long long)in.pid, svcctl_strerror(rc));
		return EXIT_RUN_UNSTOPPED;
	}
	return CLI_GO_ON;
}
