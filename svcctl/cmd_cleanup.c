/* cleanup: remove the stale pidfiles of RUNDIR, never signal. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* What cleanup carries from one pidfile to the next. */
struct clean_ctx {
	const struct cli *c;
	int count; /* pidfiles removed */
};

/* Remove one pidfile if it is stale, counting successes. */
static void clean_one(const char *path, const char *name, void *arg)
{
	struct clean_ctx *x = arg;
	struct svcctl_pidinfo in;
	int rc;

	(void)name;
	memset(&in, 0, sizeof(in));
	rc = svcctl_pidfile_state(path, &x->c->opts, &in);
	/* not judged: keep it, and say why */
	if (rc < 0)
		say(x->c, "%s: kept: %s", path, svcctl_strerror(rc));
	if (rc != SVCCTL_STALE)
		return;
	/* its record is all that finds what the dead server left: stop's job */
	rc = leftovers(x->c, path, LEFT_LIVE, NULL);
	if (rc > 0) {
		say(x->c, "%s: kept: %d process%s of its session still run (svcctl stop ends them)",
		    path, rc, rc == 1 ? "" : "es");
		return;
	}
	rc = remove_stale(x->c, path);
	if (rc < 0) {
		fail("%s: cannot remove: %s", path, svcctl_strerror(rc));
		return;
	}
	leftovers(x->c, path, LEFT_FORGET, NULL);
	say(x->c, "%s: removed stale pidfile (pid %lld: %s)", path, (long long)in.pid,
	    svcctl_reason_name(in.reason));
	x->count++;
}

/* cleanup: remove the stale pidfiles in RUNDIR and print the count. */
int cmd_cleanup(struct cli *c)
{
	struct clean_ctx x = {c, 0};
	int rc = each_pidfile(c, clean_one, &x);

	if (rc == EXIT_OK && !c->quiet)
		printf("removed %d stale pidfile%s\n", x.count, x.count == 1 ? "" : "s");
	return rc;
}
