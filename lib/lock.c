/* The adjacent <path>.lock and the pidfile published under it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "internal.h"

static void lock_free(struct svcctl_lock *lk)
{
	free(lk->path);
	free(lk->lockpath);
	free(lk);
}

static struct svcctl_lock *lock_new(const char *path)
{
	struct svcctl_lock *lk = calloc(1, sizeof(*lk));

	if (lk == NULL)
		return NULL;
	lk->lockh.h = lk->lockh.watch = -1;
	lk->path = strdup(path);
	lk->lockpath = svcctl__lock_path(path);
	if (lk->path == NULL || lk->lockpath == NULL) {
		lock_free(lk);
		return NULL;
	}
	return lk;
}

/* Who holds a busy lock: the pidfile's process, else the flock holder. */
static int fill_holder(const char *path, const char *lockpath, const struct svcctl_opts *o,
		       struct svcctl_pidinfo *holder, int code)
{
	struct svcctl_pidinfo h;

	if (svcctl__read_meta(path, &h, NULL) == 0) {
		if (svcctl__judge(&h, o ? o->stale_age_ms : 0) == SVCCTL_STALE)
			h.state = SVCCTL_DEAD_LOCKED;
	} else {
		memset(&h, 0, sizeof(h));
		h.pid = svcctl__lock_holder(lockpath);
		h.state = SVCCTL_RUNNING;
	}
	h.lock_held = 1;
	if (holder)
		*holder = h;
	return svcctl__busy_code(&h, o, code);
}

/* Create the pidfile's directory when asked to. */
static int make_parent(const char *path, const struct svcctl_opts *o)
{
	char *dir;
	int rc;

	if (o == NULL || !(o->flags & SVCCTL_F_MKDIRS))
		return 0;
	dir = svcctl__parent_dir(path);
	if (dir == NULL)
		return -ENOMEM;
	rc = svcctl__mkdirs(dir, o->dir_mode ? o->dir_mode : 0755);
	free(dir);
	return rc;
}

/*
 * The flock'd lock file of the default mode: a descriptor a starter passed
 * down (SVCCTL_LOCK_FD) that already holds this very lock is adopted.
 */
static int flock_acquire(struct svcctl_lock *lk, const struct svcctl_opts *o,
			 struct svcctl_pidinfo *holder)
{
	int rc = svcctl__lock_adopt(lk->lockpath, &lk->lockh, &lk->lock_id);

	if (rc <= 0)
		return rc;
	rc = svcctl__lock_acquire(lk->lockpath, o ? o->timeout_ms : 0, &lk->lockh, &lk->lock_id);

	if (rc == SVCCTL_E_BUSY || rc == SVCCTL_E_TIMEOUT)
		return fill_holder(lk->path, lk->lockpath, o, holder, rc);
	return rc;
}

int svcctl__lock_take(const char *path, const struct svcctl_opts *opts, int64_t self,
		      struct svcctl_lock **out, struct svcctl_pidinfo *holder)
{
	struct svcctl_lock *lk;
	int rc;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return -EINVAL;
	rc = make_parent(path, opts);
	if (rc < 0)
		return rc;
	lk = lock_new(path);
	if (lk == NULL)
		return -ENOMEM;
	if (opts && (opts->flags & SVCCTL_F_NFS))
		rc = svcctl__nfs_acquire(lk, opts, holder);
	else
		rc = flock_acquire(lk, opts, holder);
	if (rc < 0) {
		lock_free(lk);
		return rc;
	}
	lk->owner = self;
	*out = lk;
	return 0;
}

/* An etcd lock: the key of url, held on our lease. */
static int etcd_take(const char *url, const struct svcctl_opts *opts, struct svcctl_lock **out,
		     struct svcctl_pidinfo *holder)
{
	struct svcctl_lock *lk = lock_new(url);
	int rc;

	*out = NULL;
	if (lk == NULL)
		return -ENOMEM;
	rc = svcctl__etcd_acquire(url, opts, &lk->etcd, holder);
	if (rc < 0) {
		lock_free(lk);
		return rc;
	}
	lk->owner = svcctl__self_pid();
	*out = lk;
	return 0;
}

int svcctl_pidfile_lock(const char *path, const struct svcctl_opts *opts, struct svcctl_lock **lock,
			struct svcctl_pidinfo *holder)
{
	if (svcctl_path_is_etcd(path))
		return etcd_take(path, opts, lock, holder);
	return svcctl__lock_take(path, opts, svcctl__self_pid(), lock, holder);
}

int svcctl_lock_judge(struct svcctl_lock *lock, const struct svcctl_opts *opts,
		      struct svcctl_pidinfo *info)
{
	int rc;

	if (lock->etcd)
		return svcctl__etcd_judge(lock->etcd, info);
	rc = svcctl__read_meta(lock->path, info, NULL);
	if (rc == -ENOENT) {
		info->state = SVCCTL_ABSENT;
		return SVCCTL_ABSENT;
	}
	if (rc < 0)
		return rc;
	return svcctl__judge(info, opts ? opts->stale_age_ms : 0);
}

int svcctl__record_prepare(struct svcctl_record *r, const struct svcctl_opts *opts, int64_t self)
{
	struct svcctl_pidinfo rec;
	int rc;

	r->staged.h = -1;
	r->o = opts ? *opts : (struct svcctl_opts){0};
	if (r->o.pid == 0)
		r->o.pid = self; /* so the defaults need no getpid() */
	r->o = svcctl__opts_defaults(&r->o);
	rc = svcctl__make_record(&r->o, self, &rec);
	if (rc < 0)
		return rc;
	r->len = svcctl__format(&rec, r->buf, sizeof(r->buf));
	return r->len < 0 ? r->len : 0;
}

int svcctl__record_publish(struct svcctl_lock *lock, struct svcctl_record *r,
			   struct svcctl_pidinfo *holder)
{
	int rc;

	/* a foreign writer that ignores the lock may race us: retry a little */
	for (int tries = 0; tries < 8; tries++) {
		rc = r->staged.h < 0
			 ? -EOPNOTSUPP
			 : svcctl__publish_staged(&r->staged, lock->path, &lock->pid_meta);
		if (rc == -EOPNOTSUPP)
			rc = svcctl__publish_meta(lock->path, r->buf, (size_t)r->len, r->o.mode,
						  &lock->pid_meta);
		if (rc == 0) {
			lock->pid = r->o.pid;
			return 0;
		}
		if (rc != -EEXIST)
			return rc;
		rc = svcctl__clear_existing(lock->path, &r->o, holder);
		if (rc < 0)
			return rc;
	}
	return -EAGAIN;
}

int svcctl_lock_publish(struct svcctl_lock *lock, const struct svcctl_opts *opts,
			struct svcctl_pidinfo *holder)
{
	struct svcctl_record r;
	int rc;

	if (lock->etcd)
		return svcctl__etcd_publish(lock->etcd, opts, holder);
	rc = svcctl__record_prepare(&r, opts, svcctl__self_pid());
	return rc < 0 ? rc : svcctl__record_publish(lock, &r, holder);
}

/* The pidfile changed in place since we published it: ours if it names us. */
static int remove_if_same_pid(struct svcctl_lock *lk)
{
	struct svcctl_pidinfo cur;
	struct svcctl__fileid id;
	int rc = svcctl__read_meta(lk->path, &cur, &id);

	/* a failed read says nothing about whose file it is */
	if (rc < 0 && rc != -ENOENT && rc != SVCCTL_E_INVALID && rc != SVCCTL_E_UNSAFE)
		return rc;
	/* gone, replaced, or rewritten: not ours to remove any more */
	if (rc < 0 || id.dev != lk->pid_meta.id.dev || id.ino != lk->pid_meta.id.ino ||
	    cur.pid != lk->pid)
		return SVCCTL_E_ROGUE;
	return svcctl__unlink_if(lk->path, &id);
}

/*
 * Remove the published pidfile if it is still the one we wrote.  The same
 * inode with the size and mtime we published is our content untouched, so
 * the content is re-read only when something wrote to it (or touched it).
 */
static int remove_if_ours(struct svcctl_lock *lk)
{
	int rc = svcctl__unlink_unchanged(lk->path, &lk->pid_meta);

	if (rc == 1)
		rc = remove_if_same_pid(lk);
	return rc == -ESTALE || rc == -ENOENT ? SVCCTL_E_ROGUE : rc;
}

/*
 * Give up the lock: remove an NFS-safe record, or unlock the flock'd file,
 * removing it too when tidy (a one-shot user).  A server's release keeps it:
 * waiters blocked on a removed file would all wake, fail and start over.
 * A forked child (inherited) only closes; the parent owns the files.
 */
static void unlock(struct svcctl_lock *lk, int tidy, int inherited)
{
	if (lk->nfs) {
		if (!inherited)
			svcctl__unlink_if(lk->lockpath, &lk->lock_id);
	} else if (inherited) {
		svcctl__lock_forget(lk->lockh);
	} else {
		svcctl__lock_drop(lk->lockh, tidy ? lk->lockpath : NULL, &lk->lock_id);
	}
}

int svcctl_lock_release(struct svcctl_lock *lock)
{
	int rc = 0, inherited;

	if (lock == NULL)
		return 0;
	if (lock->etcd) {
		rc = svcctl__etcd_release(lock->etcd); /* a forked child's only frees */
		lock_free(lock);
		return rc;
	}
	inherited = lock->owner != svcctl__self_pid();
	if (lock->pid && !inherited)
		rc = remove_if_ours(lock);
	unlock(lock, 0, inherited);
	lock_free(lock);
	return rc;
}

void svcctl_lock_close(struct svcctl_lock *lock)
{
	if (lock == NULL)
		return;
	if (lock->etcd) {
		svcctl_lock_release(lock); /* a key cannot outlive its lease */
		return;
	}
	unlock(lock, 1, lock->owner != svcctl__self_pid());
	lock_free(lock);
}

int svcctl_lock_fd(const struct svcctl_lock *lock)
{
	if (lock == NULL || lock->nfs || lock->etcd)
		return -EINVAL;
	return svcctl__lock_fd(lock->lockh);
}

void svcctl_lock_handoff(struct svcctl_lock *lock)
{
	if (lock == NULL)
		return;
	if (lock->etcd) {
		svcctl_lock_release(lock); /* a lease cannot pass to a child */
		return;
	}
	unlock(lock, 0, 1);
	lock_free(lock);
}

int svcctl_lock_touch(struct svcctl_lock *lock)
{
	int rc;

	if (lock == NULL)
		return -EINVAL;
	if (lock->etcd)
		return svcctl__etcd_touch(lock->etcd);
	/* other hosts judge an NFS-safe lock by its record's age */
	rc = lock->pid == 0 || lock->nfs ? svcctl__touch_if(lock->lockpath, &lock->lock_id) : 0;
	if (rc == 0 && lock->pid)
		rc = svcctl__touch_if(lock->path, &lock->pid_meta.id);
	return rc == -ESTALE || rc == -ENOENT ? SVCCTL_E_ROGUE : rc;
}

int64_t svcctl_lock_token(const struct svcctl_lock *lock)
{
	return lock && lock->etcd ? svcctl__etcd_token(lock->etcd) : 0;
}

int svcctl_lock_lost_fd(const struct svcctl_lock *lock)
{
	return lock && lock->etcd ? svcctl__etcd_lost_fd(lock->etcd) : -1;
}

int64_t svcctl_lock_ttl_left_ms(const struct svcctl_lock *lock)
{
	return lock && lock->etcd ? svcctl__etcd_ttl_left(lock->etcd) : -1;
}
