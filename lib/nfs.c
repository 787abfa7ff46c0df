/*
 * The NFS-safe lock (SVCCTL_F_NFS), as liblockfile and Lock_file.Nfs do it:
 * the lock file is a pidfile-format record of the locker, published with
 * link() (the one create that is atomic on every NFS version) and checked
 * by link count.  A record whose holder is provably gone (dead here, or on
 * another host and older than the stale age) is removed; a live one is
 * re-tried with backoff until the timeout, since no event crosses hosts.
 */
#include <errno.h>

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
	rc = svcctl_make_record(&self, &rec);
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

int svcctl_nfs_acquire(struct svcctl_lock *lk, const struct svcctl_opts *o,
		       struct svcctl_pidinfo *holder)
{
	char buf[SVCCTL_PIDFILE_MAX];
	int64_t deadline = platform_mono_ms() + o->timeout_ms;
	int len = own_record(o, buf, sizeof(buf)), ms = 1, rc;

	if (len < 0)
		return len;
	for (;;) {
		rc = platform_publish(lk->lockpath, buf, (size_t)len, 0644, &lk->lock_id);
		if (rc == 0) {
			lk->nfs = 1;
			return 0;
		}
		if (rc != -EEXIST)
			return rc;
		rc = svcctl_clear_existing(lk->lockpath, o, holder);
		if (rc == 0)
			continue; /* a stale record was removed */
		if (rc != SVCCTL_E_BUSY || o->timeout_ms == 0)
			return rc;
		rc = backoff(deadline, o->timeout_ms, &ms);
		if (rc < 0)
			return rc;
	}
}
