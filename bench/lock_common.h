/*
 * The lock kinds the handoff and contention benchmarks compare, and how
 * a process takes and lets go of each.
 */
#ifndef BENCH_LOCK_COMMON_H
#define BENCH_LOCK_COMMON_H

#include <stdatomic.h>

struct svcctl_lock;
struct pidfh;

enum lkind {
	LK_LOCK,      /* svcctl_pidfile_lock only, waiting forever */
	LK_LIB,       /* svcctl_pidfile_write_locked, waiting forever */
	LK_LIB_TIMED, /* the same, waiting up to a timeout */
	LK_FLOCK,     /* flock(2) on a plain file */
	LK_LIBBSD,    /* libbsd pidfile_open, retried while busy */
	LK_FILE,      /* a dot-lock file created with O_EXCL holding our pid */
	LK_FLOOR      /* the system calls of write_locked + release, bare */
};

/* A held lock of any kind. */
struct held {
	struct svcctl_lock *lk;
	struct pidfh *pfh;
	int fd;
	const char *path;
};

/* What the processes of one benchmark share (in MAP_SHARED memory). */
struct shm {
	double t_owned;
	atomic_int inside;
	atomic_long violations;
	volatile long counter;
};

/* A zeroed struct shm shared with the children forked later; NULL on error. */
struct shm *shm_new(void);

/* flock(2) path exclusively, waiting; 0 or -errno. */
int flock_take(const char *path, struct held *h);

/* Create the dot-lock file path with our pid, failing if it exists; 0 or -errno. */
int dotlock_take(const char *path, struct held *h);

/*
 * The floor of a publish under an adjacent lock: ask the host name, write
 * the record to an unnamed file, flock <path>.lock (waiting), check the
 * lock file is still the one locked, stamp the record when waited (stamp),
 * link it; 0 or -errno.  give(LK_FLOOR) removes it and unlocks.
 */
int floor_take(const char *path, struct held *h, int stamp);

/* Let go of a lock of kind k; 0 or a negative code. */
int give(int k, struct held *h);

/* Sleep ms milliseconds. */
void nap_ms(int ms);

#endif
