/* Shared test helpers: temp dirs, files, fd counts, child processes. */
#ifndef SVCCTL_TEST_HELPERS_H
#define SVCCTL_TEST_HELPERS_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include <CUnit/CUnit.h>

#include "svcctl/pidfile.h"

/* Contents that are invalid as a pidfile, NULL-terminated (no NUL bytes). */
extern const char *const th_bad_contents[];

/* A fresh directory for one test, and paths inside it. */
struct th_dir {
	char path[PATH_MAX / 2];
	int fds_before; /* open descriptors when the test began */
};

void th_dir_new(struct th_dir *d);
/* Assert no fd leaked since th_dir_new, then remove the tree. */
void th_dir_done(struct th_dir *d);
/* dir/name into buf (PATH_MAX). */
char *th_path(const struct th_dir *d, const char *name, char *buf);

int th_count_fds(void);
/* Entries in a directory, "." and ".." not counted. */
int th_count_entries(const char *dir);
/* Entries whose name does not end in ".pid" or ".lock": temporaries. */
int th_count_stray(const char *dir);

void th_write(const char *path, const char *data, size_t len);
/* The file's content, NUL-terminated, in buf; -1 if unreadable. */
int th_read(const char *path, char *buf, size_t size);

/*
 * Fork a child that takes path with svcctl_pidfile_write_locked, reports on
 * a pipe, and sleeps until killed.  Returns its pid (the parent has waited
 * for it to hold the lock), or -1 if it could not take it.
 */
pid_t th_spawn_holder(const char *path);
/* Fork a child that sleeps until killed. */
pid_t th_spawn_sleeper(void);
/*
 * Wait (bounded: 10 s, a hang guard) until pid is blocked on a lock: a
 * flock(2) wait of its own in /proc/locks, or an inotify watch among its
 * descriptors (a timed waiter sleeping until the lock file is closed).
 * 0 once seen, -1 if never.
 */
int th_wait_blocked(pid_t pid);
/* Milliseconds on the monotonic clock. */
long long th_now_ms(void);
/* SIGKILL and reap. */
void th_kill(pid_t pid);
/* Reap a child and return its exit status (or 128 + signal). */
int th_wait(pid_t pid);

#endif
