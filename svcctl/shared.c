/*
 * Shared storage and lock expiry for the verbs: removing aged remote
 * pidfiles, refreshing a held lock while COMMAND runs, and stopping an
 * expired holder before taking its lock (run --expire).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* How long to wait for a stopped holder's own release of the lock. */
#define RELEASE_WAIT_MS 5000

/* Shortest refresh interval, so a tiny stale age cannot spin. */
#define REFRESH_MIN_MS 10

/*
 * svcctl_pidfile_remove() judges remote files with no stale age, so an aged
 * remote pidfile is taken over under the lock (which removes it) and our
 * own record is then released.
 */
int remove_stale(const struct cli *c, const char *path)
{
	struct svcctl_opts o = c->opts;
	struct svcctl_lock *lk;
	int rc = svcctl_pidfile_remove(path);

	if (rc != SVCCTL_E_REMOTE || o.stale_age_ms <= 0)
		return rc;
	o.pid = 0;
	o.start = 0;
	o.msg = NULL;
	o.expire_ms = 0;
	o.timeout_ms = 0;
	rc = svcctl_pidfile_write_locked(path, &o, &lk, NULL);
	if (rc < 0)
		return rc;
	return svcctl_lock_release(lk);
}

/* Wake when the child exits or every stale age / 2 to touch the lock. */
int wait_refreshing(const struct cli *c, struct svcctl_lock *lk, struct spawn *sp)
{
	int64_t every = c->opts.stale_age_ms / 2;
	struct proc p;
	int rc;

	if (every < REFRESH_MIN_MS)
		every = REFRESH_MIN_MS;
	if (proc_open(&p, sp->pid) < 0)
		return spawn_wait(sp);
	while (!proc_wait_dead(&p, every)) {
		rc = svcctl_lock_touch(lk);
		if (rc < 0) {
			fail("%s: cannot refresh, no longer refreshed: %s", c->path,
			     svcctl_strerror(rc));
			break;
		}
	}
	proc_close(&p);
	return spawn_wait(sp);
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
	rc = stop_holder(c, h, &in);
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

/* A running or remote holder whose pidfile is older than run --expire. */
int is_expired(const struct cli *c, int st, const struct svcctl_pidinfo *in)
{
	return c->expire_ms > 0 && (st == SVCCTL_RUNNING || st == SVCCTL_REMOTE) &&
	       in->age_ms >= c->expire_ms;
}
