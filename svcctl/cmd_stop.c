/*
 * stop: the recorded process with its schedule, then what is left of its
 * session, then the pidfile.
 */
#include <stdio.h>

#include "cli.h"

/*
 * Before a stop when the recorded main process is gone: what is left of its
 * session (a held lock, a port) is stopped first.  CLI_GO_ON or an exit code.
 */
static int stop_leftovers_first(const struct cli *c, struct procset *set)
{
	enum svcctl_state st = set->judged.state;
	int rc;

	/* a live server: stop_open() checks the path's safety before any signal */
	if (st != SVCCTL_STALE && st != SVCCTL_DEAD_LOCKED && st != SVCCTL_ABSENT)
		return CLI_GO_ON;
	rc = safety_refuse(c);
	return rc == CLI_GO_ON ? leftovers(c, c->path, LEFT_STOP, set) : rc;
}

/*
 * stop: run the schedule on the proven process, then on what is left of its
 * recorded session, then remove the pidfile and the session record.
 */
int cmd_stop(struct cli *c)
{
	struct svcctl_pidinfo in;
	/* static: its member arrays (tens of KiB, filled only as members are found) would
	 * cost a page fault per page of stack on every stop */
	static struct procset set;
	int have = leftovers(c, c->path, LEFT_RECORD, &set), rc = CLI_GO_ON;

	if (have)
		rc = stop_leftovers_first(c, &set);
	/* the record's judgement stands for a running server: recheck() is the proof */
	if (rc == CLI_GO_ON)
		rc = stop_holder(c, NULL, &set.judged, &in);
	if (rc != CLI_GO_ON) {
		if (rc == EXIT_OK && !c->test)
			leftovers(c, c->path, LEFT_FORGET, NULL);
		return rc;
	}
	rc = have ? leftovers(c, c->path, LEFT_STOP, &set) : CLI_GO_ON;
	if (rc != CLI_GO_ON)
		return rc;
	rc = svcctl_pidfile_remove(c->path);
	if (rc < 0)
		fail("%s: stopped, but the pidfile stays: %s", c->path, svcctl_strerror(rc));
	leftovers(c, c->path, LEFT_FORGET, NULL);
	say(c, "%s: stopped pid %lld", c->path, (long long)in.pid);
	return rc < 0 ? exit_for(rc) : EXIT_OK;
}
