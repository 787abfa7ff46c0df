/*
 * The operating-system primitives libsvcctl is built on.  One header, one
 * implementation per OS family (unix.c, windows.c), chosen in CMake.
 * Every function returns 0 (or a documented non-negative value) or a
 * negative code: -errno, or an SVCCTL__E_* code of errors.h.
 */
#ifndef SVCCTL_PLATFORM_H
#define SVCCTL_PLATFORM_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#ifndef ESTALE
#define ESTALE 151 /* mingw-w64's errno.h has none */
#endif
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 95
#endif

/* Identity of a file on its filesystem (dev/ino, or volume/file index). */
struct svcctl__fileid {
	uint64_t dev;
	uint64_t ino;
};

/* What a read of a small file returns besides its bytes. */
struct svcctl__filemeta {
	struct svcctl__fileid id;
	int64_t mtime_ms;
	int64_t mtime_ns; /* the same instant, to the filesystem's precision */
	int64_t size;
};

/* Results of svcctl__proc_check(). */
enum svcctl__proc { SVCCTL__PROC_DEAD = 0, SVCCTL__PROC_ALIVE = 1, SVCCTL__PROC_ZOMBIE = 2 };

/* An open lock: a descriptor or a HANDLE, and what a wait left open. */
typedef struct {
	intptr_t h;
	intptr_t watch; /* a wait's watch, closed after the unlock; -1 none */
} svcctl__lockh;

/* ---- processes and host ---- */

/* The calling process's pid. */
int64_t svcctl__self_pid(void);

/* Largest pid this OS hands out; larger values in a pidfile are invalid. */
int64_t svcctl__pid_max(void);

/*
 * Is pid alive?  Returns enum svcctl__proc, or a negative code.  *start
 * gets the process start time (0 when the OS cannot tell).  A process we
 * may not signal is alive; an exited, unreaped one is a zombie.
 */
int svcctl__proc_check(int64_t pid, uint64_t *start);

/*
 * svcctl__proc_check() for a judge expecting start time expect (0: none):
 * where the process is alive and started at expect, the checks that only
 * guard against a foreign /proc are skipped.
 */
int svcctl__proc_verify(int64_t pid, uint64_t expect, uint64_t *start);

/* The calling process's start time, 0 when the OS cannot tell. */
int svcctl__self_start(uint64_t *start);

/* This host's name, NUL-terminated, truncated to size. */
int svcctl__hostname(char *buf, size_t size);

/* An id that changes at every boot, or "" where the OS has none. */
int svcctl__boot_id(char *buf, size_t size);

/*
 * An id of the pid namespace our pids belong to, or "" where there is none:
 * a pid from another namespace names another process here.
 */
int svcctl__pid_ns(char *buf, size_t size);

/* Wall-clock milliseconds since the epoch, and a monotonic clock. */
int64_t svcctl__now_ms(void);
int64_t svcctl__mono_ms(void);

/*
 * An unsigned decimal of len bytes, digits only, at most max (digits.c,
 * pure): 0, -EINVAL for anything but 1 to 20 digits, -ERANGE past max.
 */
int svcctl__parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

/* Seconds a process started at start (as start= records it) has run; -1 unknown. */
int64_t svcctl__proc_uptime(uint64_t start);

/* ---- files ---- */

/*
 * Read at most size bytes of a regular file without following a symlink
 * and without blocking.  *len gets the length; a larger file gives
 * SVCCTL_E_INVALID.  Symlinks, FIFOs, devices, sockets and directories
 * give SVCCTL_E_UNSAFE; an absent file -ENOENT.
 */
int svcctl__read_file(const char *path, char *buf, size_t size, size_t *len,
		      struct svcctl__filemeta *meta);

/*
 * Publish data at path atomically with the given mode: the file appears
 * whole or not at all, and never replaces an existing one (-EEXIST).
 * *meta gets the identity, size and mtime of the published file.
 */
int svcctl__publish_meta(const char *path, const char *data, size_t len, int mode,
			 struct svcctl__filemeta *meta);

/*
 * A file written ahead of its publish (so that a waiter handed the lock only
 * names it): h is -1 when none; made_us is when its content was written
 * (monotonic microseconds).
 */
typedef struct {
	intptr_t h;
	int64_t made_us;
	struct svcctl__filemeta meta;
} svcctl__staged;

/*
 * Write data with mode into a file that has no name yet, in path's
 * directory: 0 staged, 1 not possible here (publish the usual way), or < 0.
 */
int svcctl__stage(const char *path, const char *data, size_t len, int mode, svcctl__staged *s);

/*
 * Give the staged file the name path, as svcctl__publish_meta() would
 * publish it (-EEXIST when path exists; the file stays staged for a retry).
 * A file staged a while ago gets the current time first.
 */
int svcctl__publish_staged(svcctl__staged *s, const char *path, struct svcctl__filemeta *meta);

/* Drop a staged file (published or not). */
void svcctl__unstage(svcctl__staged *s);

/*
 * Remove path if it is still the file of *meta, unchanged (same id, size
 * and mtime): 0 removed, 1 same file but changed (look inside), -ESTALE
 * another file, -ENOENT gone.
 */
int svcctl__unlink_unchanged(const char *path, const struct svcctl__filemeta *meta);

/* Remove path only if it still names the file id.  -ESTALE otherwise. */
int svcctl__unlink_if(const char *path, const struct svcctl__fileid *id);

/* Set path's modification time to now, if it still names file id. */
int svcctl__touch_if(const char *path, const struct svcctl__fileid *id);

/*
 * Create the directory dir and its missing parents with mode.  A created
 * component is never followed if replaced by a symlink, and nothing is
 * created inside a world-writable directory without the sticky bit
 * (SVCCTL_E_UNSAFE).  0 when it exists or was made.
 */
int svcctl__mkdirs(const char *dir, int mode);

/* Is c a directory separator here ('/', and '\\' on Windows)? */
int svcctl__is_sep(char c);

/* Sleep for ms milliseconds. */
void svcctl__sleep_ms(int ms);

/* ---- the adjacent lock file ---- */

/*
 * Open and exclusively lock lockpath (created if missing, never through a
 * symlink), verifying after locking that the path still names the locked
 * file.  timeout_ms: 0 fail at once (SVCCTL_E_BUSY), > 0 wait that long
 * (SVCCTL_E_TIMEOUT), < 0 forever.  Waiting wakes when the lock is freed.
 */
int svcctl__lock_acquire(const char *lockpath, int64_t timeout_ms, svcctl__lockh *h,
			 struct svcctl__fileid *id);

/* 1 if some process holds lockpath's lock, 0 if free or absent. */
int svcctl__lock_probe(const char *lockpath);

/* The pid holding lockpath's lock, 0 when it cannot be told. */
int64_t svcctl__lock_holder(const char *lockpath);

/* Remove lockpath (unless NULL) if it still names id, then unlock and close. */
void svcctl__lock_drop(svcctl__lockh h, const char *lockpath, const struct svcctl__fileid *id);

/* Close without unlocking: for a forked child that inherited the lock. */
void svcctl__lock_forget(svcctl__lockh h);

/*
 * Adopt the descriptor named by the environment variable SVCCTL_LOCK_FD
 * when it is open on lockpath's file and holds (or gets at once) its lock:
 * 0 adopted into *h, 1 nothing to adopt, < 0 error.
 */
int svcctl__lock_adopt(const char *lockpath, svcctl__lockh *h, struct svcctl__fileid *id);

/* The descriptor of an open lock, to pass to a child; negative where none. */
int svcctl__lock_fd(svcctl__lockh h);

#endif /* SVCCTL_PLATFORM_H */
