/*
 * The server's recorded session: sid= and sid_start= in the pidfile svcctl
 * publishes, or <pidfile>.session beside a pidfile the server writes
 * itself.  What a dead main process left in that session is stopped by
 * stop and before a start takes over; nothing outside it ever is.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* path followed by suffix into buf; 0, or -1 when it does not fit. */
static int side_path(const char *path, const char *suffix, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s", path, suffix);

	return n > 0 && (size_t)n < size ? 0 : -1;
}

/*
 * The session recorded in file path, if it is a local record of this boot;
 * path's judgement into *seen when given.
 */
static int record_from(const struct cli *c, const char *path, struct procset *set,
		       struct svcctl_pidinfo *seen)
{
	struct svcctl_pidinfo in;
	int st;

	memset(&in, 0, sizeof(in));
	st = svcctl_pidfile_state(path, &c->opts, &in);
	if (seen != NULL) {
		*seen = in;
		seen->state = st < 0 ? SVCCTL_UNKNOWN : (enum svcctl_state)st;
	}
	if (st < 0 || st == SVCCTL_ABSENT || st == SVCCTL_REMOTE || in.sid <= 1)
		return 0;
	/* another boot's or another host's aged record names nothing here */
	if (st == SVCCTL_STALE &&
	    (in.reason == SVCCTL_REASON_OTHER_BOOT || in.reason == SVCCTL_REASON_AGED))
		return 0;
	procset_add(set, in.sid, in.sid_start);
	/* a daemon may call setsid() after its pid was written: its own session */
	if (in.start != 0)
		procset_add(set, in.pid, in.start);
	return 1;
}

/* The pidfile's own sid= first, else the record beside it. */
static int session_record(const struct cli *c, const char *path, struct procset *set)
{
	char rec[CLI_PATH_MAX + 16];

	/* only the counts: the member arrays (tens of KiB) are filled as counted */
	set->nsess = set->n = set->nproc = 0;
	set->last_sid = 0;
	/* stop goes on from this judgement rather than make it again */
	if (record_from(c, path, set, &set->judged))
		return 1;
	return side_path(path, SESSION_SUFFIX, rec, sizeof(rec)) == 0 &&
	       record_from(c, rec, set, NULL);
}

/* Drop the sessions whose leader pid now names another process (c: say so). */
static void drop_unproven(const struct cli *c, struct procset *set)
{
	int kept = 0;

	for (int i = 0; i < set->nsess; i++) {
		if (session_proven(set->sess[i].sid, set->sess[i].start))
			set->sess[kept++] = set->sess[i];
		else if (i == 0 && c != NULL)
			say(c, "%s: session %lld has a new leader (pid reused); not signalled",
			    c->path, (long long)set->sess[i].sid);
	}
	set->nsess = kept;
}

/* Live members of the recorded sessions, for cleanup's judgement. */
static int leftovers_live(const struct cli *c, const char *path)
{
	struct procset set;
	int n = 0;

	if (session_record(c, path, &set))
		drop_unproven(NULL, &set);
	if (set.nsess > 0)
		n = procset_scan(&set);
	return n;
}

/* Stop the proven sessions' members with c's schedule (--test: only say so); CLI_GO_ON or
 * EXIT_FAIL. */
static int leftovers_stop(const struct cli *c, struct procset *set)
{
	int n;

	drop_unproven(c, set);
	if (set->nsess == 0)
		return CLI_GO_ON;
	n = procset_scan(set);
	if (n == 0)
		return CLI_GO_ON;
	if (c->test) {
		printf("would stop %d leftover process%s of session %lld of %s\n", n,
		       n == 1 ? "" : "es", (long long)set->sess[0].sid, c->path);
		return CLI_GO_ON;
	}
	if (procset_stop(c, &c->sched, set))
		return CLI_GO_ON;
	fail("%s: %d process%s of session %lld still running after the whole schedule", c->path,
	     set->n, set->n == 1 ? "" : "es", (long long)set->sess[0].sid);
	return EXIT_FAIL;
}

/* Publish <pidfile>.session like a pidfile: atomic, stale-only takeover. */
int session_write(const struct cli *c, int64_t mainpid, int64_t sid, uint64_t sid_start)
{
	struct svcctl_opts o = {.pid = mainpid, .sid = sid, .sid_start = sid_start};
	char rec[CLI_PATH_MAX + 16];
	struct svcctl_pidinfo h;
	int rc;

	if (side_path(c->path, SESSION_SUFFIX, rec, sizeof(rec)) < 0)
		return -ENAMETOOLONG;
	/* an earlier run's record, stale once its server is gone */
	svcctl_pidfile_remove(rec);
	memset(&h, 0, sizeof(h));
	rc = svcctl_pidfile_write(rec, &o, &h);
	if (rc < 0)
		fail("%s: cannot record the session: %s", rec, svcctl_strerror(rc));
	return rc;
}

/* Remove a stale <pidfile>.session and a <pidfile>.notify socket. */
static void session_forget(const char *pidfile)
{
	char path[CLI_PATH_MAX + 16];
	struct stat st;

	/* most servers have none: no lock to take for an absent record */
	if (side_path(pidfile, SESSION_SUFFIX, path, sizeof(path)) == 0 &&
	    !(lstat(path, &st) < 0 && errno == ENOENT))
		svcctl_pidfile_remove(path);
	/* the notify socket, never anything else of that name */
	if (side_path(pidfile, NOTIFY_SUFFIX, path, sizeof(path)) == 0 && lstat(path, &st) == 0 &&
	    S_ISSOCK(st.st_mode))
		unlink(path);
}

/*
 * The session to record: the main process's, proven by its leader's start
 * time; when the leader is already gone (a daemon's first child), by the
 * start of the process we forked, which no member can predate.
 */
void session_of(const struct spawn *sp, int64_t *sid, uint64_t *sid_start)
{
	*sid = proc_session(sp->mainpid);
	*sid_start = sp->start;
	if (*sid <= 1 || *sid == (int64_t)getsid(0)) {
		*sid = 0;
		return;
	}
	if (*sid != sp->pid && proc_session(*sid) == *sid && proc_start(*sid) != 0)
		*sid_start = proc_start(*sid);
}

/* The one entry of the verbs common to every OS; see enum leftover_step. */
int leftovers(const struct cli *c, const char *path, enum leftover_step step, struct procset *set)
{
	switch (step) {
	case LEFT_RECORD:
		return session_record(c, path, set);
	case LEFT_LIVE:
		return leftovers_live(c, path);
	case LEFT_STOP:
		return leftovers_stop(c, set);
	case LEFT_FORGET:
		session_forget(path);
		break;
	}
	return CLI_GO_ON;
}
