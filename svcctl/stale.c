/* Removing a stale pidfile, for stop and cleanup. */
#include "cli.h"

/*
 * svcctl_pidfile_remove() judges remote files with no stale age, so an aged
 * remote pidfile is taken over under the lock (which removes it) and our
 * own record is then released.
 */
int remove_stale(const struct cli *c, const char *path)
{
	struct svcctl_opts o = c->opts;
	struct svcctl_lock *lk;
	int rc = svcctl_pidfile_remove(path);

	if (rc != SVCCTL_E_REMOTE || o.stale_age_ms <= 0)
		return rc;
	o.pid = 0;
	o.start = 0;
	o.msg = NULL;
	o.expire_ms = 0;
	o.timeout_ms = 0;
	rc = svcctl_pidfile_write_locked(path, &o, &lk, NULL);
	if (rc < 0)
		return rc;
	return svcctl_lock_release(lk);
}
