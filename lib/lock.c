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
	lk->path = strdup(path);
	lk->lockpath = svcctl_lock_path(path);
	if (lk->path == NULL || lk->lockpath == NULL) {
		lock_free(lk);
		return NULL;
	}
	return lk;
}

/* Who holds a busy lock: the pidfile's process, else the flock holder. */
static void fill_holder(const char *path, const char *lockpath, struct svcctl_pidinfo *holder)
{
	if (holder == NULL)
		return;
	if (svcctl_read_meta(path, holder, NULL) == 0) {
		if (svcctl_judge(holder, 0) == SVCCTL_STALE)
			holder->state = SVCCTL_DEAD_LOCKED;
	} else {
		memset(holder, 0, sizeof(*holder));
		holder->pid = platform_lock_holder(lockpath);
		holder->state = SVCCTL_RUNNING;
	}
	holder->lock_held = 1;
}

int svcctl_lock_take(const char *path, const struct svcctl_opts *opts, struct svcctl_lock **out,
		     struct svcctl_pidinfo *holder)
{
	int64_t timeout = opts ? opts->timeout_ms : 0;
	struct svcctl_lock *lk;
	int rc;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return -EINVAL;
	lk = lock_new(path);
	if (lk == NULL)
		return -ENOMEM;
	rc = platform_lock_acquire(lk->lockpath, timeout, &lk->lockh, &lk->lock_id);
	if (rc < 0) {
		if (rc == SVCCTL_E_BUSY || rc == SVCCTL_E_TIMEOUT)
			fill_holder(path, lk->lockpath, holder);
		lock_free(lk);
		return rc;
	}
	lk->owner = platform_self_pid();
	*out = lk;
	return 0;
}

int svcctl_pidfile_lock(const char *path, const struct svcctl_opts *opts, struct svcctl_lock **lock,
			struct svcctl_pidinfo *holder)
{
	return svcctl_lock_take(path, opts, lock, holder);
}

int svcctl_lock_judge(struct svcctl_lock *lock, const struct svcctl_opts *opts,
		      struct svcctl_pidinfo *info)
{
	int rc = svcctl_read_meta(lock->path, info, NULL);

	if (rc == -ENOENT) {
		info->state = SVCCTL_ABSENT;
		return SVCCTL_ABSENT;
	}
	if (rc < 0)
		return rc;
	return svcctl_judge(info, opts ? opts->stale_age_ms : 0);
}

/* Fill the record we are about to publish: pid, start, host, boot, msg. */
static int make_record(const struct svcctl_opts *o, struct svcctl_pidinfo *rec)
{
	uint64_t start = o->start;

	memset(rec, 0, sizeof(*rec));
	if (o->pid < 2 || o->pid > platform_pid_max())
		return -EINVAL;
	if (start == 0) {
		int rc = platform_proc_check(o->pid, &start);

		if (rc < 0)
			return rc;
		if (rc != PLATFORM_PROC_ALIVE)
			return -ESRCH;
	}
	rec->pid = o->pid;
	rec->start = start;
	platform_hostname(rec->host, sizeof(rec->host));
	platform_boot_id(rec->boot, sizeof(rec->boot));
	if (o->msg && strlen(o->msg) >= sizeof(rec->msg))
		return -ENAMETOOLONG;
	if (o->msg)
		strcpy(rec->msg, o->msg);
	return 0;
}

/*
 * Decide about an existing pidfile while holding the lock: remove it when
 * stale (0, try again), else say who holds it.
 */
static int clear_existing(const char *path, const struct svcctl_opts *o,
			  struct svcctl_pidinfo *holder)
{
	struct svcctl_pidinfo cur;
	struct platform_fileid id;
	int rc = svcctl_read_meta(path, &cur, &id);

	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	rc = svcctl_judge(&cur, o->stale_age_ms);
	if (rc < 0)
		return rc;
	if (rc == SVCCTL_RUNNING || rc == SVCCTL_REMOTE) {
		if (holder)
			*holder = cur;
		return rc == SVCCTL_RUNNING ? SVCCTL_E_BUSY : SVCCTL_E_REMOTE;
	}
	/* stale; we hold the lock, so no other taker can race this */
	rc = platform_unlink_if(path, &id);
	return rc == -ESTALE || rc == -ENOENT ? 0 : rc;
}

int svcctl_lock_publish(struct svcctl_lock *lock, const struct svcctl_opts *opts,
			struct svcctl_pidinfo *holder)
{
	struct svcctl_opts o = svcctl_opts_defaults(opts);
	struct svcctl_pidinfo rec;
	char buf[SVCCTL_PIDFILE_MAX];
	int len, rc;

	rc = make_record(&o, &rec);
	if (rc < 0)
		return rc;
	len = svcctl_format(&rec, buf, sizeof(buf));
	if (len < 0)
		return len;
	/* a foreign writer that ignores the lock may race us: retry a little */
	for (int tries = 0; tries < 8; tries++) {
		rc = platform_publish(lock->path, buf, (size_t)len, o.mode, &lock->pid_id);
		if (rc == 0) {
			lock->pid = o.pid;
			return 0;
		}
		if (rc != -EEXIST)
			return rc;
		rc = clear_existing(lock->path, &o, holder);
		if (rc < 0)
			return rc;
	}
	return -EAGAIN;
}

/* Remove the published pidfile if it is still the one we wrote. */
static int remove_if_ours(struct svcctl_lock *lk)
{
	struct svcctl_pidinfo cur;
	struct platform_fileid id;
	int rc = svcctl_read_meta(lk->path, &cur, &id);

	/* gone, replaced, or rewritten: not ours to remove any more */
	if (rc < 0 || id.dev != lk->pid_id.dev || id.ino != lk->pid_id.ino || cur.pid != lk->pid)
		return SVCCTL_E_ROGUE;
	rc = platform_unlink_if(lk->path, &id);
	return rc == -ESTALE || rc == -ENOENT ? SVCCTL_E_ROGUE : rc;
}

/* A forked child only closes what it inherited; the parent owns the files. */
static int is_inherited(const struct svcctl_lock *lk)
{
	return lk->owner != platform_self_pid();
}

int svcctl_lock_release(struct svcctl_lock *lock)
{
	int rc = 0;

	if (lock == NULL)
		return 0;
	if (is_inherited(lock)) {
		platform_lock_forget(lock->lockh);
	} else {
		if (lock->pid)
			rc = remove_if_ours(lock);
		platform_lock_drop(lock->lockh, lock->lockpath, &lock->lock_id);
	}
	lock_free(lock);
	return rc;
}

void svcctl_lock_close(struct svcctl_lock *lock)
{
	if (lock == NULL)
		return;
	if (is_inherited(lock))
		platform_lock_forget(lock->lockh);
	else
		platform_lock_drop(lock->lockh, lock->lockpath, &lock->lock_id);
	lock_free(lock);
}

int svcctl_lock_touch(struct svcctl_lock *lock)
{
	int rc;

	if (lock == NULL)
		return -EINVAL;
	if (lock->pid == 0)
		return platform_touch_if(lock->lockpath, &lock->lock_id);
	rc = platform_touch_if(lock->path, &lock->pid_id);
	return rc == -ESTALE || rc == -ENOENT ? SVCCTL_E_ROGUE : rc;
}
