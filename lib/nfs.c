/*
 * The NFS-safe lock (SVCCTL_F_NFS), as liblockfile and Lock_file.Nfs do it:
 * the lock file is a pidfile-format record of the locker, published with
 * link() (the one create that is atomic on every NFS version) and checked
 * by link count.  A record whose holder is provably gone (dead here, or on
 * another host and older than the stale age) is removed; a live one is
 * re-tried with backoff until the timeout, since no event crosses hosts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "internal.h"

/* Longest sleep between attempts while a live holder keeps the lock. */
#define BACKOFF_MAX_MS 100

/* Our own record, for the lock file. */
static int own_record(const struct svcctl_opts *o, char *buf, size_t size)
{
	struct svcctl_opts self = *o;
	struct svcctl_pidinfo rec;
	int rc;

	self.pid = platform_self_pid();
	self.start = 0;
	rc = svcctl_make_record(&self, self.pid, &rec);
	return rc < 0 ? rc : svcctl_format(&rec, buf, size);
}

/* Sleep before the next attempt; SVCCTL_E_TIMEOUT when time is up. */
static int backoff(int64_t deadline, int64_t timeout_ms, int *ms)
{
	int64_t left = deadline - platform_mono_ms();

	if (timeout_ms > 0 && left <= 0)
		return SVCCTL_E_TIMEOUT;
	platform_sleep_ms(timeout_ms > 0 && left < *ms ? (int)left : *ms);
	*ms = *ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : *ms * 2;
	return 0;
}

/* Publish a record at path; *id gets the file's identity. */
static int publish(const char *path, const char *rec, size_t len, struct platform_fileid *id)
{
	struct platform_filemeta meta;
	int rc = platform_publish_meta(path, rec, len, 0644, &meta);

	if (rc == 0)
		*id = meta.id;
	return rc;
}

/*
 * Take the break lock, the one right to remove stale records: two removers
 * racing on one stale record could otherwise remove a fresh one published
 * in between (inode numbers are reused at once).  A dead breaker's record
 * is itself removed; only that rare case keeps the race.
 */
static int take_break(const char *bp, const char *rec, size_t len, struct platform_fileid *id,
		      const struct svcctl_opts *o)
{
	for (int tries = 0; tries < 10000; tries++) {
		int rc = publish(bp, rec, len, id);

		if (rc != -EEXIST)
			return rc;
		rc = svcctl_clear_existing(bp, o, NULL);
		if (rc < 0 && rc != SVCCTL_E_BUSY && rc != SVCCTL_E_REMOTE)
			return rc;
		if (rc < 0)
			platform_sleep_ms(1); /* held for microseconds by a live breaker */
	}
	return SVCCTL_E_TIMEOUT;
}

/* Under the break lock, remove the lock record if it is stale (0), or say who holds it. */
static int break_stale(const char *lockpath, const char *rec, size_t len,
		       const struct svcctl_opts *o, struct svcctl_pidinfo *holder)
{
	struct platform_fileid id;
	char *bp = svcctl_path_with(lockpath, ".break");
	int rc;

	if (bp == NULL)
		return -ENOMEM;
	rc = take_break(bp, rec, len, &id, o);
	if (rc == 0) {
		rc = svcctl_clear_existing(lockpath, o, holder);
		platform_unlink_if(bp, &id);
	}
	free(bp);
	return rc;
}

/* Publish our record as the lock file, breaking stale ones, backing off on live ones. */
int svcctl_nfs_acquire(struct svcctl_lock *lk, const struct svcctl_opts *o,
		       struct svcctl_pidinfo *holder)
{
	char buf[SVCCTL_PIDFILE_MAX];
	int64_t deadline = platform_mono_ms() + o->timeout_ms;
	int len = own_record(o, buf, sizeof(buf)), ms = 1, rc;

	if (len < 0)
		return len;
	for (;;) {
		rc = publish(lk->lockpath, buf, (size_t)len, &lk->lock_id);
		if (rc == 0) {
			lk->nfs = 1;
			return 0;
		}
		if (rc != -EEXIST)
			return rc;
		rc = break_stale(lk->lockpath, buf, (size_t)len, o, holder);
		if (rc == 0)
			continue; /* a stale record was removed */
		/* a live holder, here or on another host: wait for it */
		if ((rc != SVCCTL_E_BUSY && rc != SVCCTL_E_REMOTE) || o->timeout_ms == 0)
			return rc;
		rc = backoff(deadline, o->timeout_ms, &ms);
		if (rc < 0)
			return rc;
	}
}
