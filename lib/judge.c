/* Reading a pidfile and judging whether the process it names is its owner. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "internal.h"

struct svcctl_opts svcctl__opts_defaults(const struct svcctl_opts *opts)
{
	struct svcctl_opts o;

	if (opts)
		o = *opts;
	else
		memset(&o, 0, sizeof(o));
	if (o.pid == 0)
		o.pid = svcctl__self_pid();
	if (o.mode == 0)
		o.mode = 0644;
	if (o.dir_mode == 0)
		o.dir_mode = 0755;
	return o;
}

char *svcctl__path_with(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = strlen(suffix) + 1;
	char *p = malloc(n + m);

	if (p) {
		memcpy(p, path, n);
		memcpy(p + n, suffix, m);
	}
	return p;
}

char *svcctl__lock_path(const char *path)
{
	return svcctl__path_with(path, ".lock");
}

char *svcctl__parent_dir(const char *path)
{
	size_t end = strlen(path), n;
	char *dir;

	while (end > 0 && !svcctl__is_sep(path[end - 1]))
		end--;
	/* "x.pid" -> ".", "/x.pid" -> "/", "a/b/x.pid" -> "a/b" */
	n = end == 0 ? 1 : end == 1 ? 1 : end - 1;
	dir = malloc(n + 1);
	if (dir) {
		memcpy(dir, end == 0 ? "." : path, n);
		dir[n] = '\0';
	}
	return dir;
}

int svcctl__read_meta(const char *path, struct svcctl_pidinfo *info, struct svcctl__fileid *id)
{
	char buf[SVCCTL_PIDFILE_MAX];
	struct svcctl__filemeta meta;
	size_t len;
	int rc;

	memset(info, 0, sizeof(*info));
	info->state = SVCCTL_UNKNOWN;
	info->lock_held = -1;
	rc = svcctl__read_file(path, buf, sizeof(buf), &len, &meta);
	if (rc < 0)
		return rc;
	rc = svcctl__parse(buf, len, svcctl__pid_max(), info);
	info->state = SVCCTL_UNKNOWN;
	if (rc < 0)
		return rc;
	info->mtime_ms = meta.mtime_ms;
	info->age_ms = svcctl__now_ms() - meta.mtime_ms;
	if (info->age_ms < 0)
		info->age_ms = 0;
	if (id)
		*id = meta.id;
	return 0;
}

int svcctl_pidfile_read(const char *path, struct svcctl_pidinfo *info)
{
	if (svcctl_path_is_etcd(path)) {
		int rc = svcctl__etcd_state(path, NULL, info);

		return rc == SVCCTL_ABSENT ? -ENOENT : rc < 0 ? rc : 0;
	}
	return svcctl__read_meta(path, info, NULL);
}

static int set_state(struct svcctl_pidinfo *info, enum svcctl_state state,
		     enum svcctl_reason reason)
{
	info->state = state;
	info->reason = reason;
	return (int)state;
}

/* Another host's file: remote until older than the stale age (0: never). */
static int judge_remote(struct svcctl_pidinfo *info, int64_t stale_age_ms)
{
	if (stale_age_ms > 0 && info->age_ms >= stale_age_ms)
		return set_state(info, SVCCTL_STALE, SVCCTL_REASON_AGED);
	return set_state(info, SVCCTL_REMOTE, SVCCTL_REASON_NONE);
}

/*
 * True when a field is recorded and ours differs: another host, another
 * boot, or another pid namespace (whose pids name other processes here).
 */
static int differs(const char *recorded, int (*ours)(char *, size_t))
{
	char buf[SVCCTL_HOST_MAX];

	if (recorded[0] == '\0' || ours(buf, sizeof(buf)) < 0 || buf[0] == '\0')
		return 0;
	return strcmp(buf, recorded) != 0;
}

static int is_remote(const struct svcctl_pidinfo *info)
{
	return differs(info->host, svcctl__hostname) || differs(info->pidns, svcctl__pid_ns);
}

int svcctl__names_self(const struct svcctl_pidinfo *info)
{
	uint64_t start = 0;

	if (info->pid != svcctl__self_pid() || is_remote(info))
		return 0;
	svcctl__self_start(&start);
	return info->start == 0 || start == 0 || info->start == start;
}

static int is_other_boot(const struct svcctl_pidinfo *info)
{
	return differs(info->boot, svcctl__boot_id);
}

/*
 * The boot id is read only once kill() found the pid alive: a dead pid is
 * stale whatever boot wrote it.
 */
int svcctl__judge(struct svcctl_pidinfo *info, int64_t stale_age_ms)
{
	uint64_t start = 0;
	int rc;

	if (is_remote(info))
		return judge_remote(info, stale_age_ms);
	rc = svcctl__proc_verify(info->pid, info->start, &start);
	if (rc < 0)
		return rc;
	if (rc == SVCCTL__PROC_DEAD)
		return set_state(info, SVCCTL_STALE, SVCCTL_REASON_DEAD);
	if (is_other_boot(info))
		return set_state(info, SVCCTL_STALE, SVCCTL_REASON_OTHER_BOOT);
	if (rc == SVCCTL__PROC_ZOMBIE)
		return set_state(info, SVCCTL_STALE, SVCCTL_REASON_ZOMBIE);
	/* alive: the same process only if it started when the file says */
	if (info->start && start && info->start != start)
		return set_state(info, SVCCTL_STALE, SVCCTL_REASON_REUSED);
	return set_state(info, SVCCTL_RUNNING, SVCCTL_REASON_NONE);
}

/* Is <path>.lock held?  Fills info->lock_held; 0, or -ENOMEM. */
static int probe_lock(const char *path, struct svcctl_pidinfo *info)
{
	char *lockpath = svcctl__lock_path(path);

	if (lockpath == NULL)
		return -ENOMEM;
	info->lock_held = svcctl__lock_probe(lockpath);
	free(lockpath);
	return 0;
}

int svcctl_pidfile_state(const char *path, const struct svcctl_opts *opts,
			 struct svcctl_pidinfo *info)
{
	int64_t stale_age = opts ? opts->stale_age_ms : 0;
	int rc;

	if (svcctl_path_is_etcd(path))
		return svcctl__etcd_state(path, opts, info);
	rc = svcctl__read_meta(path, info, NULL);
	if (rc == -ENOENT) {
		info->state = SVCCTL_ABSENT;
		return SVCCTL_ABSENT;
	}
	/* bad content: whether a locker is at work tells a caller a leftover from a write */
	if (rc == SVCCTL_E_INVALID && probe_lock(path, info) < 0)
		return -ENOMEM;
	if (rc < 0)
		return rc;
	rc = svcctl__judge(info, stale_age);
	if (rc != SVCCTL_STALE || info->reason == SVCCTL_REASON_AGED)
		return rc;
	/* dead, but a held lock still forbids takeover: say exactly that */
	if (probe_lock(path, info) < 0)
		return -ENOMEM;
	if (info->lock_held == 1)
		info->state = SVCCTL_DEAD_LOCKED;
	return (int)info->state;
}

/* Fill the record we are about to publish: pid, start, host, boot, msg. */
int svcctl__make_record(const struct svcctl_opts *o, int64_t self, struct svcctl_pidinfo *rec)
{
	uint64_t start = o->start;

	memset(rec, 0, sizeof(*rec));
	if (o->pid < 2 || o->pid > svcctl__pid_max())
		return -EINVAL;
	if (start == 0 && o->pid == self) {
		svcctl__self_start(&start); /* we are alive: no kill(), no /proc/PID */
	} else if (start == 0) {
		int rc = svcctl__proc_check(o->pid, &start);

		if (rc < 0)
			return rc;
		if (rc != SVCCTL__PROC_ALIVE)
			return -ESRCH;
	}
	rec->pid = o->pid;
	rec->start = start;
	rec->sid = o->sid;
	rec->sid_start = o->sid_start;
	svcctl__hostname(rec->host, sizeof(rec->host));
	svcctl__boot_id(rec->boot, sizeof(rec->boot));
	svcctl__pid_ns(rec->pidns, sizeof(rec->pidns));
	if (o->msg && strlen(o->msg) >= sizeof(rec->msg))
		return -ENAMETOOLONG;
	if (o->msg)
		strcpy(rec->msg, o->msg);
	return 0;
}

/*
 * Remove the stale file we judged, only if path still holds it: same inode
 * and same record.  Under the flock nobody races us; in NFS mode another
 * taker may have replaced it, and an inode number can be reused at once.
 */
static int unlink_same(const char *path, const struct svcctl_pidinfo *seen,
		       const struct svcctl__fileid *id)
{
	struct svcctl_pidinfo now;
	struct svcctl__fileid nid;
	int rc = svcctl__read_meta(path, &now, &nid);

	if (rc < 0)
		return rc;
	if (nid.dev != id->dev || nid.ino != id->ino || now.pid != seen->pid ||
	    now.start != seen->start || now.mtime_ms != seen->mtime_ms)
		return -ESTALE;
	return svcctl__unlink_if(path, id);
}

/*
 * Decide about an existing pidfile while holding the lock: remove it when
 * stale (0, try again), else say who holds it.
 */
int svcctl__clear_existing(const char *path, const struct svcctl_opts *o,
			   struct svcctl_pidinfo *holder)
{
	struct svcctl_pidinfo cur;
	struct svcctl__fileid id;
	int rc = svcctl__read_meta(path, &cur, &id);

	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	rc = svcctl__judge(&cur, o->stale_age_ms);
	if (rc < 0)
		return rc;
	if (rc == SVCCTL_RUNNING || rc == SVCCTL_REMOTE) {
		if (holder)
			*holder = cur;
		return svcctl__busy_code(&cur, o,
					 rc == SVCCTL_RUNNING ? SVCCTL_E_BUSY : SVCCTL_E_REMOTE);
	}
	rc = unlink_same(path, &cur, &id);
	return rc == -ESTALE || rc == -ENOENT ? 0 : rc;
}

int svcctl__busy_code(const struct svcctl_pidinfo *holder, const struct svcctl_opts *o, int code)
{
	if (o && o->expire_ms > 0 && holder->age_ms >= o->expire_ms)
		return SVCCTL_E_EXPIRED;
	return code;
}
