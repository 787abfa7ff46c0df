/*
 * libsvcctl: pidfiles and adjacent locks that do not lie.
 *
 * etcd mode: wherever a pidfile path is accepted, a path of the form
 *   etcd://HOST:PORT[,HOST:PORT...]/KEY   (etcds:// for TLS)
 * names a key of an etcd v3 cluster instead of a file.  The key holds the
 * pidfile text of its holder and is attached to the holder's lease, whose
 * TTL is opts->stale_age_ms (SVCCTL_ETCD_TTL_MS when 0; etcd may grant a
 * longer one, which is then used).  Acquire is one transaction (create the
 * key if absent, else read the holder); a keepalive thread renews the
 * lease every TTL/3; release revokes our own lease, so it never deletes
 * another holder's key.  The fencing token is the key's create_revision,
 * strictly increasing from one holder to the next: svcctl_lock_token().
 * Credentials never go in the path: see the etcd_* fields of struct
 * svcctl_opts and their SVCCTL_ETCD_* environment variables.  HOSTs are
 * tried in order; a request fails over to the next one on a connection
 * failure, and the lease is kept across them.  Without etcd support
 * built in, every etcd:// path gives SVCCTL_E_NOETCD.
 *
 * The calls in etcd mode: _read() and _state() read the key (the state is
 * SVCCTL_RUNNING while the key exists, since its lease is its liveness,
 * and SVCCTL_ABSENT when free; token, lease and ttl_ms are filled);
 * _write_locked() and _lock() acquire the key with our record, waiting as
 * opts->timeout_ms says on a watch of the key from the failed
 * transaction's revision on (no delete is missed; a re-check at least
 * every second, and a waiter rides out an etcd outage until its timeout);
 * _lock_publish() rewrites the record (e.g. to another pid) under the same
 * lease and token; _lock_judge() reads the key; _lock_release() and
 * _lock_close() revoke our lease (a key cannot outlive its lease, so a
 * starter that wants the record to stay must keep the lock);
 * _pidfile_write() gives -ENOTSUP (its record would live one TTL);
 * _pidfile_remove() revokes the holder's lease only when the record names
 * the calling process, gives SVCCTL_E_BUSY for any other holder and 0 for
 * a free key.  A lock is not shared across fork(): a child's release only
 * frees its copy (touch, publish and judge give -ECHILD there; the loss
 * descriptor still works).  The library's descriptors (etcd connections,
 * the loss pipe) are close-on-exec, except an internal AF_UNIX socketpair of
 * libcurl before 8.x: close descriptors above 2 in a child before exec.
 *
 * Every function returns 0 (or a non-negative value) on success and a
 * negative code on failure: -errno for system errors, or one of the
 * SVCCTL_E_* codes below.  svcctl_strerror() gives text for any of them.
 * The library never prints, never exits and keeps no global state
 * (etcd mode initialises libcurl once per process).
 *
 * The record in a key is the pidfile text followed by since=<ms since the
 * epoch> (when it was written, for age_ms; other readers ignore the line).
 */
#ifndef SVCCTL_PIDFILE_H
#define SVCCTL_PIDFILE_H

#include <stddef.h>
#include <stdint.h>

#include "svcctl/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Codes of the library's own; all below -4095 so they never meet -errno. */
enum svcctl_error {
	/* held by a live process (or a held lock); *holder names it */
	SVCCTL_E_BUSY = -5001,
	/* the pidfile exists but is not "PID\n[key=value\n...]" */
	SVCCTL_E_INVALID = -5002,
	/* release found the pidfile replaced or deleted: not ours any more */
	SVCCTL_E_ROGUE = -5003,
	/* symlink, FIFO, device, directory, or a path others may write */
	SVCCTL_E_UNSAFE = -5004,
	/* held by a process on another host; liveness cannot be judged */
	SVCCTL_E_REMOTE = -5005,
	/* waited for the lock up to the timeout and did not get it */
	SVCCTL_E_TIMEOUT = -5006,
	/* held by another process and older than the expiry: not taken */
	SVCCTL_E_EXPIRED = -5007,
	/* etcd: our lease is gone (expired, revoked, or could not be renewed in time) */
	SVCCTL_E_LOST = -5008,
	/* etcd: no endpoint answered, or a request failed before its deadline */
	SVCCTL_E_UNREACHABLE = -5009,
	/* etcd: user, password, token or TLS certificate refused or not verified */
	SVCCTL_E_AUTH = -5010,
	/* an etcd:// path, but this build has no etcd support */
	SVCCTL_E_NOETCD = -5011,
	/* an etcd:// or etcds:// path that does not parse (hosts, port, key) */
	SVCCTL_E_URL = -5012,
	/* etcd mode is built, but libcurl.so.4 or libjson-c.so.5 cannot be loaded */
	SVCCTL_E_NOETCDLIB = -5013
};

/* What a pidfile says about its server. */
enum svcctl_state {
	SVCCTL_ABSENT = 0,      /* no pidfile */
	SVCCTL_RUNNING = 1,     /* the recorded process is alive and is it */
	SVCCTL_STALE = 2,       /* dead, zombie, pid reused, or older boot */
	SVCCTL_REMOTE = 3,      /* another host's (or pid namespace's), not aged */
	SVCCTL_DEAD_LOCKED = 4, /* recorded pid dead, lock held by others */
	SVCCTL_UNKNOWN = 5      /* could not be judged (see the return code) */
};

/* Why a pidfile is stale (svcctl_pidinfo.reason). */
enum svcctl_reason {
	SVCCTL_REASON_NONE = 0,
	SVCCTL_REASON_DEAD = 1,       /* no such process */
	SVCCTL_REASON_ZOMBIE = 2,     /* exited, not yet reaped */
	SVCCTL_REASON_REUSED = 3,     /* pid alive but started at another time */
	SVCCTL_REASON_OTHER_BOOT = 4, /* written before the last reboot */
	SVCCTL_REASON_AGED = 5        /* remote and older than the stale age */
};

#define SVCCTL_HOST_MAX 256
#define SVCCTL_BOOT_MAX 64
#define SVCCTL_MSG_MAX 256
#define SVCCTL_NS_MAX 32

/* The parsed content of a pidfile and what the library judged of it. */
struct svcctl_pidinfo {
	int64_t pid;                /* first line; always > 1 once parsed */
	char host[SVCCTL_HOST_MAX]; /* host=, "" when not recorded */
	uint64_t start;             /* start=, process start time, 0 unknown */
	char boot[SVCCTL_BOOT_MAX]; /* boot=, boot id, "" when not recorded */
	char msg[SVCCTL_MSG_MAX];   /* msg=, one line, "" when none */
	char pidns[SVCCTL_NS_MAX];  /* pidns=, pid namespace id, "" unknown */
	int64_t mtime_ms;           /* last modification, ms since the epoch */
	int64_t age_ms;             /* now - mtime_ms, never negative */
	enum svcctl_state state;    /* set by _state() and on SVCCTL_E_BUSY */
	enum svcctl_reason reason;  /* why stale, when state is STALE */
	int lock_held;              /* <path>.lock held: 1 yes, 0 no, -1 not checked
				       (checked by _state() when stale or invalid) */
	int64_t sid;                /* sid=, the server's session id, 0 when not recorded */
	uint64_t sid_start;         /* sid_start=, start time proving that session, 0 unknown */
	/* etcd mode only (0 otherwise): */
	int64_t token;  /* the key's create_revision: the holder's fencing token */
	int64_t lease;  /* the holder's lease id (may exceed 2^53) */
	int64_t ttl_ms; /* time left on the holder's lease, in whole seconds as etcd tells, -1
			   unknown */
};

/*
 * Flags of svcctl_opts.flags.
 * SVCCTL_F_MKDIRS: create missing parent directories (dir_mode, default
 * 0755), never through a symlink it created and never inside a
 * world-writable directory without the sticky bit (SVCCTL_E_UNSAFE).
 * SVCCTL_F_NFS: lock without flock or O_EXCL, for shared storage: the lock
 * file is itself a record (pid, host, boot) published by link() and
 * verified by link count; a stale one is removed under <path>.lock.break,
 * a live one re-tried with backoff until timeout_ms (inotify does not see
 * other hosts).  Every locker of one path must use the same mode.
 */
#define SVCCTL_F_MKDIRS 0x1
#define SVCCTL_F_NFS 0x4

/*
 * Options of the write and lock calls; NULL means all defaults.
 * Zero-initialise and set what you need: every default is zero.
 */
struct svcctl_opts {
	int64_t pid;          /* pid to record; 0: the calling process */
	uint64_t start;       /* start time to record; 0: looked up for pid */
	int mode;             /* pidfile mode; 0: 0644 */
	int dir_mode;         /* mode of created parents; 0: 0755 */
	int64_t timeout_ms;   /* lock wait: 0 fail at once, < 0 forever */
	int64_t stale_age_ms; /* remote files older than this are stale; 0 never */
	int64_t expire_ms;    /* a holder older than this: SVCCTL_E_EXPIRED; 0 never */
	const char *msg;      /* one-line message to record, or NULL */
	unsigned flags;       /* SVCCTL_F_* */
	int64_t sid;          /* session to record as sid= (with sid_start=); 0: none */
	uint64_t sid_start;   /* the start time that proves that session */
	/*
	 * etcd mode only.  Each NULL field falls back to its environment
	 * variable, and a variable that is unset or empty means "none".
	 * etcd_cacert: CA bundle for etcds:// ($SVCCTL_ETCD_CACERT; none: the
	 * system's CAs).  etcd_cert, etcd_key: client certificate and key
	 * in PEM ($SVCCTL_ETCD_CERT, $SVCCTL_ETCD_KEY).  etcd_user: user to
	 * authenticate as ($SVCCTL_ETCD_USER; none: no authentication), with
	 * the password on the first line of etcd_password_file
	 * ($SVCCTL_ETCD_PASSWORD_FILE).  etcd_request_ms bounds each request
	 * that is not bounded by a lease (0: SVCCTL_ETCD_REQUEST_MS).
	 */
	const char *etcd_cacert;
	const char *etcd_cert;
	const char *etcd_key;
	const char *etcd_user;
	const char *etcd_password_file;
	int64_t etcd_request_ms;
};

/* Lease TTL in etcd mode when opts->stale_age_ms is 0. */
#define SVCCTL_ETCD_TTL_MS 10000
/* Bound of one etcd request outside a lease (connect + answer) when 0. */
#define SVCCTL_ETCD_REQUEST_MS 5000

/* An owned pidfile and/or lock; opaque, freed by svcctl_lock_release(). */
struct svcctl_lock;

/*
 * Parse the pidfile at path into *info (state is left SVCCTL_UNKNOWN).
 * Accepts foreign files ("1234", "1234\n", blanks around).  Returns 0,
 * -ENOENT when absent, SVCCTL_E_INVALID for bad content, SVCCTL_E_UNSAFE
 * for a symlink or a file that is not regular.  Never blocks; reads at
 * most 4 KiB.
 */
SVCCTL_API int svcctl_pidfile_read(const char *path, struct svcctl_pidinfo *info);

/*
 * Judge the pidfile at path: returns an enum svcctl_state (>= 0) and fills
 * *info, or a negative code when it cannot be read or parsed.  Only
 * opts->stale_age_ms is used (opts may be NULL).
 */
SVCCTL_API int svcctl_pidfile_state(const char *path, const struct svcctl_opts *opts,
				    struct svcctl_pidinfo *info);

/*
 * Publish opts->pid (default: ours) at path atomically.  A stale pidfile
 * is taken over while holding <path>.lock; a live one gives SVCCTL_E_BUSY
 * with *holder filled (holder may be NULL).  Returns 0 on success.
 */
SVCCTL_API int svcctl_pidfile_write(const char *path, const struct svcctl_opts *opts,
				    struct svcctl_pidinfo *holder);

/*
 * The same as svcctl_pidfile_write(), and keep <path>.lock locked (flock)
 * for the life of *lock: nobody takes over while it is held, even if the
 * recorded pid is reused.  Servers call this at startup.
 */
SVCCTL_API int svcctl_pidfile_write_locked(const char *path, const struct svcctl_opts *opts,
					   struct svcctl_lock **lock,
					   struct svcctl_pidinfo *holder);

/*
 * Take only <path>.lock: at once (timeout_ms 0), waiting up to timeout_ms,
 * or forever (< 0).  Wakes when the lock is freed, not on a polling tick.
 * Busy gives SVCCTL_E_BUSY (or SVCCTL_E_TIMEOUT) and the holder's pid in
 * *holder when one is recorded.
 */
SVCCTL_API int svcctl_pidfile_lock(const char *path, const struct svcctl_opts *opts,
				   struct svcctl_lock **lock, struct svcctl_pidinfo *holder);

/*
 * Remove the pidfile if it is still ours (same file, same pid), drop the
 * lock and free it.  The empty <path>.lock stays for the next locker
 * (svcctl_pidfile_remove() removes it).  Returns SVCCTL_E_ROGUE, touching nothing on disk, when
 * the pidfile was deleted or replaced.  In a forked child it only closes
 * its descriptors: the parent's pidfile and lock stay.  NULL is a no-op.
 */
SVCCTL_API int svcctl_lock_release(struct svcctl_lock *lock);

/*
 * Judge the pidfile while holding its lock (from svcctl_pidfile_lock):
 * like svcctl_pidfile_state(), except that the lock we hold is not taken
 * for a live holder.  Returns an enum svcctl_state or a negative code.
 */
SVCCTL_API int svcctl_lock_judge(struct svcctl_lock *lock, const struct svcctl_opts *opts,
				 struct svcctl_pidinfo *info);

/*
 * Publish opts->pid (default: ours) at the lock's path while holding the
 * lock, taking over a stale pidfile; SVCCTL_E_BUSY with *holder when a live
 * process holds it.  From then on the pidfile belongs to the lock.
 */
SVCCTL_API int svcctl_lock_publish(struct svcctl_lock *lock, const struct svcctl_opts *opts,
				   struct svcctl_pidinfo *holder);

/*
 * Drop the lock, remove <path>.lock and free, leaving a published pidfile
 * in place: for a starter that records a server's pid and exits.  NULL is
 * a no-op.
 */
SVCCTL_API void svcctl_lock_close(struct svcctl_lock *lock);

/*
 * The descriptor of the flock'd <path>.lock (Unix), for a starter to pass
 * to the server it spawns (environment SVCCTL_LOCK_FD=N): a server's
 * svcctl_pidfile_write_locked() adopts an inherited descriptor that holds
 * the lock on the same file.  Negative in NFS mode, in etcd mode and where
 * unsupported.
 */
SVCCTL_API int svcctl_lock_fd(const struct svcctl_lock *lock);

/*
 * Close our handle of the lock without unlocking and without removing any
 * file: a child that inherited the descriptor keeps the lock held.  NULL
 * is a no-op.  etcd: a lease cannot pass to a child, so this releases
 * (revokes) like svcctl_lock_release().
 */
SVCCTL_API void svcctl_lock_handoff(struct svcctl_lock *lock);

/*
 * Set the pidfile's mtime to now, so other hosts judge it fresh.  etcd:
 * renew the lease now; SVCCTL_E_LOST once it is lost (for good: the lock
 * is then only good for svcctl_lock_release()).
 */
SVCCTL_API int svcctl_lock_touch(struct svcctl_lock *lock);

/*
 * Is path an etcd:// or etcds:// address?  1 yes, 0 no.  Pure, no I/O:
 * true even when etcd support is not built (calls then give
 * SVCCTL_E_NOETCD).
 */
SVCCTL_API int svcctl_path_is_etcd(const char *path);

/*
 * The lock's fencing token: the etcd key's create_revision, strictly
 * increasing from one holder of the key to the next, so a protected
 * resource can refuse a write carrying a smaller token than one it has
 * seen.  0 for a lock that is not an etcd one.
 */
SVCCTL_API int64_t svcctl_lock_token(const struct svcctl_lock *lock);

/*
 * A descriptor that becomes readable (and stays so) when the lock's etcd
 * lease is lost: revoked, expired, or not renewed by a quarter TTL before
 * it could expire on the server, so a holder that stops its work at once
 * (a child killed with SIGKILL) stops while the lease still protects it.
 * Owned by the lock (do not close or read it); -1 for a lock that is not
 * an etcd one.  Poll it for POLLIN.
 */
SVCCTL_API int svcctl_lock_lost_fd(const struct svcctl_lock *lock);

/*
 * Milliseconds left before the lease could expire on the server, counted
 * from the last renewal etcd answered (0 once lost); -1 for a lock that
 * is not an etcd one.
 */
SVCCTL_API int64_t svcctl_lock_ttl_left_ms(const struct svcctl_lock *lock);

/*
 * etcd: revoke the lease of the key's holder, ending its hold (its
 * svcctl_lock_lost_fd() becomes readable and its key goes at once), but
 * only if its token is still token (0: whoever holds it).  Returns 0 when
 * revoked or the key is free, SVCCTL_E_BUSY when another token holds it
 * now, SVCCTL_E_INVALID for a key on no lease (not written by this
 * library), -EINVAL for a path that is not etcd://.
 */
SVCCTL_API int svcctl_etcd_evict(const char *path, const struct svcctl_opts *opts, int64_t token);

/* Called once per key by svcctl_etcd_list(); non-zero stops the walk. */
typedef int (*svcctl_list_fn)(const char *path, const struct svcctl_pidinfo *info, void *arg);

/*
 * etcd: call fn for each held key under the prefix the path names
 * (etcd://HOST:PORT/PREFIX; keys in byte order), with the holder's record,
 * token and lease time left; path is the key's full etcd:// address.
 * Returns 0, fn's non-zero value, or a negative code.
 */
SVCCTL_API int svcctl_etcd_list(const char *path, const struct svcctl_opts *opts, svcctl_list_fn fn,
				void *arg);

/*
 * Remove the pidfile at path, and its lock file, only if it is stale or
 * records the calling process.  Returns 0 when removed or already absent, SVCCTL_E_BUSY when a
 * live process holds it, SVCCTL_E_REMOTE for a fresh remote file.
 */
SVCCTL_API int svcctl_pidfile_remove(const char *path);

/* What svcctl_critical_section() runs; its return value is handed back. */
typedef int (*svcctl_section_fn)(void *arg);

/*
 * Take path with svcctl_pidfile_write_locked() (waiting up to
 * opts->timeout_ms, recording opts->pid), run fn(arg), and always release.
 * *result gets fn's return value.  Returns 0, or the negative code of the
 * lock (fn not run) or of the release (fn ran).
 */
SVCCTL_API int svcctl_critical_section(const char *path, const struct svcctl_opts *opts,
				       svcctl_section_fn fn, void *arg, int *result,
				       struct svcctl_pidinfo *holder);

/*
 * Is the pidfile at path held by the calling process (its pid and start
 * time)?  1 yes, 0 no or absent, negative when it cannot be read.
 */
SVCCTL_API int svcctl_pidfile_is_mine(const char *path);

/*
 * The holder's message (msg=) into buf; "" when none.  Returns 0 or a
 * negative code (-ENOENT when there is no pidfile).  Who holds it, with
 * pid, host and age: svcctl_pidfile_state().
 */
SVCCTL_API int svcctl_pidfile_message(const char *path, char *buf, size_t size);

/* Text for any code this library returns (and for -errno values). */
SVCCTL_API const char *svcctl_strerror(int code);

/* Name of a state, e.g. "running", for people and --json. */
SVCCTL_API const char *svcctl_state_name(int state);

/* Name of a stale reason, e.g. "pid reused", or "" for none. */
SVCCTL_API const char *svcctl_reason_name(int reason);

#ifdef __cplusplus
}
#endif

#endif /* SVCCTL_PIDFILE_H */
