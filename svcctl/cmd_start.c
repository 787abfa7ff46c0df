/*
 * start: under <pidfile>.lock, check, spawn, wait for readiness and
 * publish, so concurrent starts start exactly one server.
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

/* Record the ready server, its session and status under the lock; CLI_GO_ON or an exit code. */
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
	return rc < 0 ? exit_for(rc) : CLI_GO_ON;
}

/* A server that wrote its own pidfile: its session goes to <pidfile>.session; CLI_GO_ON. */
static int record_session(const struct cli *c, struct spawn *sp)
{
	int64_t sid;
	uint64_t sid_start;

	session_of(sp, &sid, &sid_start);
	/* without a record, only the leftovers stay unknown: the start stands */
	if (sid > 1)
		session_write(c, sp->mainpid, sid, sid_start);
	return CLI_GO_ON;
}

/* Spawn, wait for readiness, publish; on failure kill what we started.  An exit code. */
static int start_locked(const struct cli *c, struct svcctl_lock *lk,
			const struct svcctl_pidinfo *old)
{
	struct spawn sp;
	int rc;

	rc = spawn_server(c, c->wait_pidfile ? svcctl_lock_fd(lk) : -1, &sp);
	sp.old_pid = old->pid;
	sp.old_mtime_ms = old->mtime_ms;
	if (rc == CLI_GO_ON)
		rc = spawn_wait_ready(c, &sp);
	if (rc == CLI_GO_ON)
		rc = c->wait_pidfile ? record_session(c, &sp) : publish(c, lk, &sp);
	if (rc != CLI_GO_ON) {
		spawn_abort(&sp);
		show_tail(c);
	} else {
		rc = EXIT_OK;
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
		return hold_and_run(c, c->ready_timeout_ms + LOCK_SLACK_MS, HOLD_START);
	rc = start_lock(c, c->ready_timeout_ms + LOCK_SLACK_MS, HOLD_START, &lk);
	if (rc != CLI_GO_ON)
		return rc;
	memset(&old, 0, sizeof(old));
	svcctl_pidfile_read(c->path, &old);
	rc = start_locked(c, lk, &old);
	/* the server got the lock's descriptor and keeps the lock while it holds it */
	if (rc == EXIT_OK && c->wait_pidfile)
		svcctl_lock_handoff(lk);
	else
		svcctl_lock_close(lk);
	if (rc != EXIT_OK && c->wait_pidfile)
		remove_written(c, &old);
	return rc;
}
