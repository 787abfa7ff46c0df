/*
 * The operating-system primitives libsvcctl is built on.  One header, one
 * implementation per OS family (unix.c, windows.c), chosen in CMake.
 * Every function returns 0 (or a documented non-negative value) or a
 * negative code: -errno, or an SVCCTL_E_* code of svcctl/pidfile.h.
 */
#ifndef SVCCTL_PLATFORM_H
#define SVCCTL_PLATFORM_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#ifndef ESTALE
#define ESTALE 151 /* mingw-w64's errno.h has none */
#endif

/* Identity of a file on its filesystem (dev/ino, or volume/file index). */
struct platform_fileid {
	uint64_t dev;
	uint64_t ino;
};

/* What a read of a small file returns besides its bytes. */
struct platform_filemeta {
	struct platform_fileid id;
	int64_t mtime_ms;
	int64_t mtime_ns; /* the same instant, to the filesystem's precision */
	int64_t size;
};

/* Results of platform_proc_check(). */
enum platform_proc { PLATFORM_PROC_DEAD = 0, PLATFORM_PROC_ALIVE = 1, PLATFORM_PROC_ZOMBIE = 2 };

/* An open lock: a descriptor or a HANDLE, and what a wait left open. */
typedef struct {
	intptr_t h;
	intptr_t watch; /* a wait's watch, closed after the unlock; -1 none */
} platform_lockh;

/* ---- processes and host ---- */

/* The calling process's pid. */
int64_t platform_self_pid(void);

/* Largest pid this OS hands out; larger values in a pidfile are invalid. */
int64_t platform_pid_max(void);

/*
 * Is pid alive?  Returns enum platform_proc, or a negative code.  *start
 * gets the process start time (0 when the OS cannot tell).  A process we
 * may not signal is alive; an exited, unreaped one is a zombie.
 */
int platform_proc_check(int64_t pid, uint64_t *start);

/*
 * platform_proc_check() for a judge expecting start time expect (0: none):
 * where the process is alive and started at expect, the checks that only
 * guard against a foreign /proc are skipped.
 */
int platform_proc_verify(int64_t pid, uint64_t expect, uint64_t *start);

/* The calling process's start time, 0 when the OS cannot tell. */
int platform_self_start(uint64_t *start);

/* This host's name, NUL-terminated, truncated to size. */
int platform_hostname(char *buf, size_t size);

/* An id that changes at every boot, or "" where the OS has none. */
int platform_boot_id(char *buf, size_t size);

/*
 * An id of the pid namespace our pids belong to, or "" where there is none:
 * a pid from another namespace names another process here.
 */
int platform_pid_ns(char *buf, size_t size);

/* Wall-clock milliseconds since the epoch, and a monotonic clock. */
int64_t platform_now_ms(void);
int64_t platform_mono_ms(void);

/* ---- files ---- */

/*
 * Read at most size bytes of a regular file without following a symlink
 * and without blocking.  *len gets the length; a larger file gives
 * SVCCTL_E_INVALID.  Symlinks, FIFOs, devices, sockets and directories
 * give SVCCTL_E_UNSAFE; an absent file -ENOENT.
 */
int platform_read_file(const char *path, char *buf, size_t size, size_t *len,
		       struct platform_filemeta *meta);

/*
 * Publish data at path atomically with the given mode: the file appears
 * whole or not at all, and never replaces an existing one (-EEXIST).
 * *meta gets the identity, size and mtime of the published file.
 */
int platform_publish_meta(const char *path, const char *data, size_t len, int mode,
			  struct platform_filemeta *meta);

/*
 * Remove path if it is still the file of *meta, unchanged (same id, size
 * and mtime): 0 removed, 1 same file but changed (look inside), -ESTALE
 * another file, -ENOENT gone.
 */
int platform_unlink_unchanged(const char *path, const struct platform_filemeta *meta);

/* Remove path only if it still names the file id.  -ESTALE otherwise. */
int platform_unlink_if(const char *path, const struct platform_fileid *id);

/* Set path's modification time to now, if it still names file id. */
int platform_touch_if(const char *path, const struct platform_fileid *id);

/*
 * Create the directory dir and its missing parents with mode.  A created
 * component is never followed if replaced by a symlink, and nothing is
 * created inside a world-writable directory without the sticky bit
 * (SVCCTL_E_UNSAFE).  0 when it exists or was made.
 */
int platform_mkdirs(const char *dir, int mode);

/* Is c a directory separator here ('/', and '\\' on Windows)? */
int platform_is_sep(char c);

/* Sleep for ms milliseconds. */
void platform_sleep_ms(int ms);

/* ---- the adjacent lock file ---- */

/*
 * Open and exclusively lock lockpath (created if missing, never through a
 * symlink), verifying after locking that the path still names the locked
 * file.  timeout_ms: 0 fail at once (SVCCTL_E_BUSY), > 0 wait that long
 * (SVCCTL_E_TIMEOUT), < 0 forever.  Waiting wakes when the lock is freed.
 */
int platform_lock_acquire(const char *lockpath, int64_t timeout_ms, platform_lockh *h,
			  struct platform_fileid *id);

/* 1 if some process holds lockpath's lock, 0 if free or absent. */
int platform_lock_probe(const char *lockpath);

/* The pid holding lockpath's lock, 0 when it cannot be told. */
int64_t platform_lock_holder(const char *lockpath);

/* Remove lockpath (unless NULL) if it still names id, then unlock and close. */
void platform_lock_drop(platform_lockh h, const char *lockpath, const struct platform_fileid *id);

/* Close without unlocking: for a forked child that inherited the lock. */
void platform_lock_forget(platform_lockh h);

/*
 * Adopt the descriptor named by the environment variable SVCCTL_LOCK_FD
 * when it is open on lockpath's file and holds (or gets at once) its lock:
 * 0 adopted into *h, 1 nothing to adopt, < 0 error.
 */
int platform_lock_adopt(const char *lockpath, platform_lockh *h, struct platform_fileid *id);

/* The descriptor of an open lock, to pass to a child; negative where none. */
int platform_lock_fd(platform_lockh h);

#endif /* SVCCTL_PLATFORM_H */
