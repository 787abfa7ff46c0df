/* Shared between the library's files; never installed. */
#ifndef SVCCTL_INTERNAL_H
#define SVCCTL_INTERNAL_H

#include "etcd.h"
#include "format.h"
#include "platform.h"
#include "svcctl/pidfile.h"

/* An owned lock, and the pidfile published under it if any. */
struct svcctl_lock {
	char *path;                        /* the pidfile */
	char *lockpath;                    /* <path>.lock */
	platform_lockh lockh;              /* the flock'd descriptor */
	struct platform_fileid lock_id;    /* the inode we locked */
	struct platform_filemeta pid_meta; /* the pidfile we published */
	int64_t pid;                       /* the pid recorded in it, 0 for none */
	int64_t owner;                     /* the process that took the lock */
	int nfs;                           /* the lock file is an NFS-safe record */
	struct etcd_hold *etcd;            /* etcd mode: the key and its lease */
};

/* Defaults applied to a NULL or zeroed struct svcctl_opts. */
struct svcctl_opts svcctl_opts_defaults(const struct svcctl_opts *opts);

/* path followed by suffix, in a new allocation, or NULL. */
char *svcctl_path_with(const char *path, const char *suffix);

/* "<path>.lock" in a new allocation, or NULL. */
char *svcctl_lock_path(const char *path);

/* Read and parse a pidfile, with mtime and age; see svcctl_pidfile_read. */
int svcctl_read_meta(const char *path, struct svcctl_pidinfo *info, struct platform_fileid *id);

/*
 * Judge parsed *info: running, stale or remote (never dead-locked; the
 * caller probes the lock).  Fills state and reason; returns the state.
 */
int svcctl_judge(struct svcctl_pidinfo *info, int64_t stale_age_ms);

/* Does the record name the calling process (pid, host, pid namespace, start time)? */
int svcctl_names_self(const struct svcctl_pidinfo *info);

/*
 * Fill the record to publish for o->pid: pid, start, host, boot, msg.
 * self is the calling process's pid (its start time is read directly).
 */
int svcctl_make_record(const struct svcctl_opts *o, int64_t self, struct svcctl_pidinfo *rec);

/*
 * Holding the lock, look at the file at path: remove it when stale (0: try
 * publishing again), else SVCCTL_E_BUSY / _REMOTE / _EXPIRED with *holder.
 */
int svcctl_clear_existing(const char *path, const struct svcctl_opts *o,
			  struct svcctl_pidinfo *holder);

/* code, or SVCCTL_E_EXPIRED when the holder is older than o->expire_ms. */
int svcctl_busy_code(const struct svcctl_pidinfo *holder, const struct svcctl_opts *o, int code);

/* The directory part of path in a new allocation ("." when none). */
char *svcctl_parent_dir(const char *path);

/*
 * NFS-safe lock (SVCCTL_F_NFS): publish our record as lk->lockpath,
 * removing a stale one and retrying a live one until o->timeout_ms.
 * svcctl_lock_release() removes the record again.
 */
int svcctl_nfs_acquire(struct svcctl_lock *lk, const struct svcctl_opts *o,
		       struct svcctl_pidinfo *holder);

/* A pidfile record formatted ahead of publishing, and its options. */
struct svcctl_record {
	struct svcctl_opts o; /* with the defaults applied */
	char buf[SVCCTL_PIDFILE_MAX];
	int len;
};

/* Make the record of opts->pid (default: self, the calling process). */
int svcctl_record_prepare(struct svcctl_record *r, const struct svcctl_opts *opts, int64_t self);

/* Publish r under the lock, taking over a stale pidfile; see lock_publish. */
int svcctl_record_publish(struct svcctl_lock *lock, const struct svcctl_record *r,
			  struct svcctl_pidinfo *holder);

/*
 * Take <path>.lock as opts say for the process self (its pid); on busy
 * fill *holder from the pidfile.
 */
int svcctl_lock_take(const char *path, const struct svcctl_opts *opts, int64_t self,
		     struct svcctl_lock **out, struct svcctl_pidinfo *holder);

#endif /* SVCCTL_INTERNAL_H */
