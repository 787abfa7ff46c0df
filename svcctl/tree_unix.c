/*
 * The tree of processes a start spawns: svcctl becomes the reaper of its
 * orphans, so descent stays provable, and kills the whole tree when the
 * start fails.
 */
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "cli.h"

/* How long a failed start's session gets after TERM, and after KILL. */
#define ABORT_TERM_MS 2000
#define ABORT_KILL_MS 2000

/* Become the reaper of orphans of what we start, so descent stays provable. */
void spawn_adopt_orphans(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

/* Kill everything the failed start left (our descendants: TERM, then KILL). */
void spawn_abort(struct spawn *sp)
{
	struct svcctl_schedule s;
	struct procset tree;

	if (sp->pid <= 1)
		return;
	memset(&tree, 0, sizeof(tree));
	svcctl_schedule_default(SIGTERM, ABORT_TERM_MS, ABORT_KILL_MS, &s);
	procset_stop(NULL, &s, &tree);
	if (!sp->exited && waitpid((pid_t)sp->pid, &sp->wstatus, WNOHANG) == (pid_t)sp->pid)
		sp->exited = 1;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}
