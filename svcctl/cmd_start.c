/*
 * start and restart: under <pidfile>.lock, check, spawn, wait for
 * readiness and publish, so concurrent starts start exactly one server.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Slack on top of --ready-timeout while waiting for another starter's lock. */
#define LOCK_SLACK_MS 10000

/* Show the last lines of the server's output file after a failed start. */
static void show_tail(const struct cli *c)
{
	char lines[5][256], buf[256];
	int n = 0;
	FILE *f;

	if (c->output == NULL || (f = fopen(c->output, "re")) == NULL)
		return;
	while (fgets(buf, sizeof(buf), f) != NULL)
		snprintf(lines[n++ % 5], sizeof(lines[0]), "%s", buf);
	fclose(f);
	for (int i = n > 5 ? n - 5 : 0; i < n; i++)
		fprintf(stderr, "  %s: %s%s", c->output, lines[i % 5],
			strchr(lines[i % 5], '\n') ? "" : "\n");
}

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
 * start takes over; its stale record goes with it.  0, or an exit code.
 */
static int take_leftovers(const struct cli *c)
{
	struct procset set;
	int rc;

	if (!session_record(c, c->path, &set))
		return 0;
	rc = leftovers_stop(c, &set);
	if (rc == 0)
		session_forget(c->path);
	return rc;
}

/*
 * Take <pidfile>.lock, waiting up to timeout_ms.  For start (probe set),
 * a lock held while the pidfile names a live server means "running":
 * servers hold their own lock, and concurrent starters publish first.
 */
static int take_lock(const struct cli *c, int64_t timeout_ms, int probe, struct svcctl_lock **lk)
{
	int64_t deadline = mono_ms() + timeout_ms;
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
			return -1;
		/* a dead server's leftovers hold the lock they inherited */
		if (probe && !cleared && in.state == SVCCTL_DEAD_LOCKED) {
			cleared = 1;
			rc = take_leftovers(c);
			if (rc != 0)
				return rc;
			continue;
		}
		if (!probe || mono_ms() >= deadline) {
			fail("%s: locked by %s%lld: %s", c->path,
			     in.pid ? "pid " : "an unknown process", (long long)in.pid,
			     svcctl_strerror(rc));
			return EXIT_FAIL;
		}
	}
	if (rc == SVCCTL_E_EXPIRED)
		return take_expired(c, &in, lk);
	if (rc < 0) {
		fail("%s: cannot lock: %s", c->path, svcctl_strerror(rc));
		return exit_for(rc);
	}
	return 0;
}

/* Take the lock and judge; 0 to go on with *lk, else an exit code. */
int start_lock(const struct cli *c, int64_t timeout_ms, int probe, struct svcctl_lock **lk)
{
	struct svcctl_pidinfo in;
	int rc;

	rc = take_lock(c, timeout_ms, probe, lk);
	if (rc != 0)
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
		if (rc != 0)
			return rc;
		rc = svcctl_lock_judge(*lk, &c->opts, &in);
	}
	if (rc == SVCCTL_ABSENT || rc == SVCCTL_STALE) {
		rc = take_leftovers(c);
		if (rc == 0)
			return 0;
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
		return -1;
	return rc == SVCCTL_REMOTE ? EXIT_FAIL : exit_for(rc);
}

/* The server's STATUS= and ERRNO= as one message line into sp->status. */
static void status_line(struct spawn *sp)
{
	char text[160]; /* room left for the ERRNO= part */

	if (sp->notify_err == 0)
		return;
	snprintf(text, sizeof(text), "%.159s", sp->status);
	snprintf(sp->status, sizeof(sp->status), "%s%sERRNO=%d (%s)", text, text[0] ? "; " : "",
		 sp->notify_err, strerror(sp->notify_err));
}

/* Record the ready server's pid, session and status while still holding the lock. */
static int publish(const struct cli *c, struct svcctl_lock *lk, struct spawn *sp)
{
	struct svcctl_opts o = c->opts;
	struct svcctl_pidinfo h;
	int rc;

	o.pid = sp->mainpid;
	session_of(sp, &o.sid, &o.sid_start);
	status_line(sp);
	/* -m wins over the server's STATUS= */
	if (o.msg == NULL && sp->status[0])
		o.msg = sp->status;

	memset(&h, 0, sizeof(h));
	rc = svcctl_lock_publish(lk, &o, &h);
	if (rc < 0)
		fail("%s: cannot record pid %lld: %s", c->path, (long long)sp->mainpid,
		     svcctl_strerror(rc));
	return rc < 0 ? exit_for(rc) : 0;
}

/* A server that wrote its own pidfile: its session goes to <pidfile>.session. */
static int record_session(const struct cli *c, struct spawn *sp)
{
	int64_t sid;
	uint64_t sid_start;

	session_of(sp, &sid, &sid_start);
	/* without a record, only the leftovers stay unknown: the start stands */
	if (sid > 1)
		session_write(c, sp->mainpid, sid, sid_start);
	return 0;
}

/* Spawn, wait for readiness, publish; on failure kill what we started. */
static int start_locked(const struct cli *c, struct svcctl_lock *lk,
			const struct svcctl_pidinfo *old)
{
	struct spawn sp;
	int rc;

	rc = spawn_server(c, c->wait_pidfile ? svcctl_lock_fd(lk) : -1, &sp);
	sp.old_pid = old->pid;
	sp.old_mtime_ms = old->mtime_ms;
	if (rc == 0)
		rc = spawn_wait_ready(c, &sp);
	if (rc == 0)
		rc = c->wait_pidfile ? record_session(c, &sp) : publish(c, lk, &sp);
	if (rc != 0) {
		spawn_abort(&sp);
		show_tail(c);
	} else {
		say(c, "%s: started pid %lld%s%s", c->path, (long long)sp.mainpid,
		    sp.status[0] ? ": " : "", sp.status);
	}
	spawn_free(&sp);
	return rc;
}

/*
 * After a failed --wait-pidfile start: the pidfile its server wrote (not
 * the one there before) is removed once stale; any other is left alone.
 */
static void remove_written(const struct cli *c, const struct svcctl_pidinfo *old)
{
	struct svcctl_pidinfo now;

	memset(&now, 0, sizeof(now));
	if (svcctl_pidfile_state(c->path, &c->opts, &now) != SVCCTL_STALE)
		return;
	if (now.pid == old->pid && now.mtime_ms == old->mtime_ms)
		return;
	svcctl_pidfile_remove(c->path);
}

/* start: do nothing when running, else spawn, await readiness and record. */
int cmd_start(struct cli *c)
{
	struct svcctl_lock *lk = NULL;
	struct svcctl_pidinfo old;
	int rc;

	if (c->foreground)
		return hold_and_run(c, c->ready_timeout_ms + LOCK_SLACK_MS);
	rc = start_lock(c, c->ready_timeout_ms + LOCK_SLACK_MS, 1, &lk);
	if (rc != 0)
		return rc < 0 ? EXIT_OK : rc;
	memset(&old, 0, sizeof(old));
	svcctl_pidfile_read(c->path, &old);
	rc = start_locked(c, lk, &old);
	/* the server got the lock's descriptor and keeps the lock while it holds it */
	if (rc == 0 && c->wait_pidfile)
		svcctl_lock_handoff(lk);
	else
		svcctl_lock_close(lk);
	if (rc != 0 && c->wait_pidfile)
		remove_written(c, &old);
	return rc;
}

/* restart: stop (a stopped server is fine), then start; --test only shows the stop. */
int cmd_restart(struct cli *c)
{
	int rc = check_config(c);

	if (rc == 0)
		rc = cmd_stop(c);
	if (rc != EXIT_OK || c->test)
		return rc;
	return cmd_start(c);
}
