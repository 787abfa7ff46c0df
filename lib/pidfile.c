/* Whole-pidfile operations built on the lock: write, write_locked, remove. */
#include <errno.h>
#include <string.h>

#include "internal.h"

int svcctl_pidfile_write_locked(const char *path, const struct svcctl_opts *opts,
				struct svcctl_lock **lock, struct svcctl_pidinfo *holder)
{
	int64_t self = svcctl__self_pid();
	struct svcctl_record r;
	struct svcctl_lock *lk = NULL;
	int rc;

	*lock = NULL;
	if (svcctl_path_is_etcd(path))
		return svcctl_pidfile_lock(path, opts, lock, holder);
	rc = svcctl__record_prepare(&r, opts, self);
	if (rc < 0)
		return rc;
	/*
	 * Written before the lock to a file with no name yet, the record only
	 * needs linking into place once a waiter is handed the lock.  Where
	 * that fails (no such directory yet, no unnamed files) it is written
	 * under the lock, as before.
	 */
	svcctl__stage(path, r.buf, (size_t)r.len, r.o.mode, &r.staged);
	rc = svcctl__lock_take(path, opts, self, &lk, holder);
	if (rc == 0)
		rc = svcctl__record_publish(lk, &r, holder);
	svcctl__unstage(&r.staged);
	if (rc < 0) {
		svcctl_lock_close(lk);
		return rc;
	}
	*lock = lk;
	return 0;
}

int svcctl_pidfile_write(const char *path, const struct svcctl_opts *opts,
			 struct svcctl_pidinfo *holder)
{
	struct svcctl_lock *lk;
	int rc;

	/* a key lives only as long as its lease: nothing to leave behind */
	if (svcctl_path_is_etcd(path))
		return -ENOTSUP;
	rc = svcctl_pidfile_write_locked(path, opts, &lk, holder);

	/* the pidfile stays; only the lock that serialized the takeover goes */
	if (rc == 0)
		svcctl_lock_close(lk);
	return rc;
}

/*
 * An NFS-safe lock file is a record of its holder (a flock'd one is empty):
 * a live or remote holder forbids removal even though flock let us in.
 */
static int record_holder(const char *lockpath)
{
	struct svcctl_pidinfo rec;
	int rc;

	if (svcctl__read_meta(lockpath, &rec, NULL) < 0)
		return 0;
	rc = svcctl__judge(&rec, 0);
	if (rc == SVCCTL_RUNNING && rec.pid != svcctl__self_pid())
		return SVCCTL_E_BUSY;
	return rc == SVCCTL_REMOTE ? SVCCTL_E_REMOTE : 0;
}

/* Under the lock: remove the pidfile if it is stale or names us. */
static int remove_locked(struct svcctl_lock *lk)
{
	struct svcctl_pidinfo info;
	struct svcctl__fileid id;
	int rc = record_holder(lk->lockpath);

	if (rc < 0)
		return rc;
	rc = svcctl__read_meta(lk->path, &info, &id);

	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	rc = svcctl__judge(&info, 0);
	if (rc < 0)
		return rc;
	if (rc == SVCCTL_REMOTE)
		return SVCCTL_E_REMOTE;
	if (rc == SVCCTL_RUNNING && info.pid != svcctl__self_pid())
		return SVCCTL_E_BUSY;
	rc = svcctl__unlink_if(lk->path, &id);
	return rc == -ENOENT ? 0 : rc;
}

int svcctl_pidfile_remove(const char *path)
{
	/* a short wait lets a concurrent state probe finish */
	struct svcctl_opts o = {.timeout_ms = 100};
	struct svcctl_lock *lk;
	int rc;

	if (svcctl_path_is_etcd(path))
		return svcctl__etcd_remove(path);
	rc = svcctl__lock_take(path, &o, svcctl__self_pid(), &lk, NULL);
	if (rc == SVCCTL_E_TIMEOUT)
		return SVCCTL_E_BUSY;
	if (rc < 0)
		return rc;
	rc = remove_locked(lk);
	svcctl_lock_close(lk); /* and the lock file, unless it is a record */
	return rc;
}
