/*
 * Taking and holding <pidfile>.lock for start and run: judge what holds
 * it, clear a dead server's leftovers, and hold it while COMMAND runs in
 * the foreground (run, start --foreground: a pid-aware flock(1)).  What
 * differs between the verbs is the mode argument.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Is the server already running (so a start has nothing to do)? */
static int running_now(const struct cli *c)
{
	struct svcctl_pidinfo in;

	memset(&in, 0, sizeof(in));
	if (svcctl_pidfile_state(c->path, &c->opts, &in) != SVCCTL_RUNNING)
		return 0;
	say(c, "%s: already running (pid %lld)", c->path, (long long)in.pid);
	return 1;
}

/*
 * What a dead server left in its recorded session is stopped before a
 * start takes over; its stale record goes with it.  CLI_GO_ON, or an exit code.
 */
static int take_leftovers(const struct cli *c)
{
	struct procset set;
	int rc;

	if (!leftovers(c, c->path, LEFT_RECORD, &set))
		return CLI_GO_ON;
	rc = leftovers(c, c->path, LEFT_STOP, &set);
	if (rc == CLI_GO_ON)
		leftovers(c, c->path, LEFT_FORGET, NULL);
	return rc;
}

/*
 * Take <pidfile>.lock, waiting up to timeout_ms: CLI_GO_ON with *lk, else an
 * exit code.  For start (HOLD_START), a lock held while the pidfile names a
 * live server means "running" (EXIT_OK): servers hold their own lock, and
 * concurrent starters publish first.
 */
static int take_lock(const struct cli *c, int64_t timeout_ms, enum hold_mode mode,
		     struct svcctl_lock **lk)
{
	int probe = mode == HOLD_START;
	int64_t deadline = svcctl__mono_ms() + timeout_ms;
	struct svcctl_opts o = c->opts;
	struct svcctl_pidinfo in;
	int rc, cleared = 0;

	/* RUNDIR (or -p's directory) is created 0755, never under a symlink */
	o.flags |= SVCCTL_F_MKDIRS;
	o.expire_ms = c->expire_ms;
	for (;;) {
		memset(&in, 0, sizeof(in));
		o.timeout_ms = probe ? 100 : timeout_ms;
		rc = svcctl_pidfile_lock(c->path, &o, lk, &in);
		if (rc != SVCCTL_E_BUSY && rc != SVCCTL_E_TIMEOUT)
			break;
		if (probe && running_now(c))
			return EXIT_OK;
		/* a dead server's leftovers hold the lock they inherited */
		if (probe && !cleared && in.state == SVCCTL_DEAD_LOCKED) {
			cleared = 1;
			rc = take_leftovers(c);
			if (rc != CLI_GO_ON)
				return rc;
			continue;
		}
		if (!probe || svcctl__mono_ms() >= deadline) {
			char who[48] = "an unknown process";

			if (in.pid != 0)
				snprintf(who, sizeof(who), "pid %lld", (long long)in.pid);
			fail("%s: locked by %s: %s", c->path, who, svcctl_strerror(rc));
			return EXIT_FAIL;
		}
	}
	if (rc == SVCCTL_E_EXPIRED)
		return take_expired(c, &in, lk);
	if (rc < 0) {
		fail("%s: cannot lock: %s", c->path, svcctl_strerror(rc));
		return exit_for(rc);
	}
	return CLI_GO_ON;
}

/* Take the lock and judge; CLI_GO_ON with *lk, else an exit code. */
int start_lock(const struct cli *c, int64_t timeout_ms, enum hold_mode mode,
	       struct svcctl_lock **lk)
{
	struct svcctl_pidinfo in;
	int rc;

	rc = take_lock(c, timeout_ms, mode, lk);
	if (rc != CLI_GO_ON)
		return rc;
	memset(&in, 0, sizeof(in));
	rc = svcctl_lock_judge(*lk, &c->opts, &in);
	/* an empty file ("nginx -t" leaves one) names no process: replace it */
	if (rc == SVCCTL_E_INVALID && pidfile_drop_empty(c))
		rc = SVCCTL_ABSENT;
	if (is_expired(c, rc, &in)) {
		/* stopping re-checks under the lock: let go of it meanwhile */
		svcctl_lock_release(*lk);
		*lk = NULL;
		rc = take_expired(c, &in, lk);
		if (rc != CLI_GO_ON)
			return rc;
		rc = svcctl_lock_judge(*lk, &c->opts, &in);
	}
	if (rc == SVCCTL_ABSENT || rc == SVCCTL_STALE) {
		rc = take_leftovers(c);
		if (rc == CLI_GO_ON)
			return CLI_GO_ON;
		svcctl_lock_close(*lk);
		*lk = NULL;
		return rc;
	}
	if (rc == SVCCTL_RUNNING)
		say(c, "%s: already running (pid %lld)", c->path, (long long)in.pid);
	else if (rc == SVCCTL_REMOTE)
		fail("%s: held by pid %lld on host %s", c->path, (long long)in.pid, in.host);
	else
		fail("%s: %s", c->path, rc < 0 ? svcctl_strerror(rc) : svcctl_state_name(rc));
	svcctl_lock_close(*lk);
	*lk = NULL;
	if (rc == SVCCTL_RUNNING)
		return mode == HOLD_START ? EXIT_OK : EXIT_RUN_BUSY;
	return rc == SVCCTL_REMOTE ? EXIT_FAIL : exit_for(rc);
}

/*
 * Publish the child's pid and start time before it may exec: it waits at
 * the gate until we return, so a fast COMMAND can neither exit nor be
 * reaped before its start time is read.
 */
int publish_child(void *arg, int64_t pid)
{
	const struct publication *pub = arg;
	struct svcctl_opts o = pub->c->opts;
	int rc;

	o.pid = pid;
	/* the spawner read it at fork, just before it let us publish */
	o.start =
	    pub->sp && pub->sp->pid == pid && pub->sp->start ? pub->sp->start : proc_start(pid);
	rc = svcctl_lock_publish(pub->lk, &o, NULL);
	if (rc < 0) {
		fail("cannot record pid %lld: %s", (long long)pid, svcctl_strerror(rc));
		return exit_for(rc);
	}
	return CLI_GO_ON;
}

/*
 * Lock, check, spawn with the pid published before exec, wait, release.
 * A run that may wait forks its child first, gated: the fork is then not
 * part of the hand-over, and the child still execs only once published.
 */
int hold_and_run(const struct cli *c, int64_t timeout_ms, enum hold_mode mode)
{
	int prefork = mode == HOLD_RUN && timeout_ms != 0;
	struct svcctl_lock *lk = NULL;
	struct spawn sp;
	struct publication pub;
	int rc;

	if (prefork && (rc = spawn_gated(c, &sp)) != CLI_GO_ON)
		return rc;
	rc = start_lock(c, timeout_ms, mode, &lk);
	if (rc != CLI_GO_ON) {
		if (prefork)
			spawn_cancel(&sp);
		return rc;
	}
	pub.c = c;
	pub.lk = lk;
	pub.sp = &sp;
	rc = prefork ? spawn_release(c, &sp, publish_child, &pub)
		     : spawn_child(c, &sp, publish_child, &pub);
	if (rc == CLI_GO_ON)
		rc = c->refresh ? wait_refreshing(c, lk, &sp) : spawn_wait(&sp);
	/* removes the pidfile if it still records the child */
	svcctl_lock_release(lk);
	return rc;
}
