/*
 * run, and start --foreground: hold the pidfile and its lock while
 * COMMAND runs as our child in the foreground (a pid-aware flock(1)).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Publish the child's pid before it may exec: a fast COMMAND cannot outrun it. */
static int publish_child(void *arg, int64_t pid)
{
	struct svcctl_lock *lk = arg;
	struct svcctl_opts o = {.pid = pid};
	int rc = svcctl_lock_publish(lk, &o, NULL);

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
	int rc;

	rc = start_lock(c, timeout_ms, c->cmd->run != cmd_run, &lk);
	if (rc != 0)
		/* run needs the lock; start --foreground is content that it runs */
		return rc < 0 ? (c->cmd->run == cmd_run ? EXIT_FAIL : EXIT_OK) : rc;
	rc = spawn_child(c, &sp, publish_child, lk);
	if (rc == 0)
		rc = spawn_wait(&sp);
	/* removes the pidfile if it still records the child */
	svcctl_lock_release(lk);
	return rc;
}

/* run: like flock(1), with the holder's pid recorded in the pidfile. */
int cmd_run(struct cli *c)
{
	return hold_and_run(c, c->wait_ms);
}
