/* run --refresh: keep the held lock fresh while COMMAND runs. */
#include "cli.h"

/* Shortest refresh interval, so a tiny stale age cannot spin. */
#define REFRESH_MIN_MS 10

/* Wake when the child exits or every stale age / 2 to touch the lock; its exit code. */
int wait_refreshing(const struct cli *c, struct svcctl_lock *lk, struct spawn *sp)
{
	int64_t every = c->opts.stale_age_ms / 2;
	struct proc p;
	int rc;

	if (every < REFRESH_MIN_MS)
		every = REFRESH_MIN_MS;
	rc = proc_open(&p, sp->pid, 0);
	if (rc < 0) {
		/* COMMAND runs on and is waited for; its pidfile may then age */
		fail("%s: cannot watch pid %lld, not refreshed: %s", c->path, (long long)sp->pid,
		     svcctl_strerror(rc));
		return spawn_wait(sp);
	}
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
