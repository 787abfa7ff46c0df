/*
 * run, and start --foreground: hold the pidfile and its lock while
 * COMMAND runs as our child in the foreground (a pid-aware flock(1)).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

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
	o.start = proc_start(pid);
	rc = svcctl_lock_publish(pub->lk, &o, NULL);
	if (rc < 0) {
		fail("cannot record pid %lld: %s", (long long)pid, svcctl_strerror(rc));
		return exit_for(rc);
	}
	return 0;
}

/* Lock, check, spawn with the pid published before exec, wait, release. */
int hold_and_run(const struct cli *c, int64_t timeout_ms)
{
	struct svcctl_lock *lk = NULL;
	struct spawn sp;
	struct publication pub;
	int rc;

	rc = start_lock(c, timeout_ms, c->cmd->run != cmd_run, &lk);
	if (rc != 0)
		/* run needs the lock; start --foreground is content that it runs */
		return rc < 0 ? (c->cmd->run == cmd_run ? EXIT_FAIL : EXIT_OK) : rc;
	pub.c = c;
	pub.lk = lk;
	rc = spawn_child(c, &sp, publish_child, &pub);
	if (rc == 0)
		rc = c->refresh ? wait_refreshing(c, lk, &sp) : spawn_wait(&sp);
	/* removes the pidfile if it still records the child */
	svcctl_lock_release(lk);
	return rc;
}

/* run: like flock(1), with the holder's pid recorded in the pidfile. */
int cmd_run(struct cli *c)
{
	return hold_and_run(c, c->wait_ms);
}
