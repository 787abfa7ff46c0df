/* Helpers of the Windows suites: scratch directories, raw files, children. */
#ifndef SVCCTL_TESTS_WIN_HELPERS_H
#define SVCCTL_TESTS_WIN_HELPERS_H

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

/* The suites, one per file. */
CU_pSuite test_write_suite(void);
CU_pSuite test_lock_suite(void);
CU_pSuite test_content_suite(void);
CU_pSuite test_liveness_suite(void);

/* A new empty directory (UTF-8 path) for one test; tdir_free removes it. */
char *tdir_new(void);
void tdir_free(char *dir);

/* "dir\name" in a new allocation. */
char *tpath(const char *dir, const char *name);

/* UTF-8 to UTF-16 in a new allocation. */
wchar_t *twide(const char *s);

/* Create or replace path with exactly len bytes of data; 0 or -1. */
int twrite(const char *path, const char *data, size_t len);

/* Read up to size - 1 bytes of path, NUL-terminated; length or -1. */
int tread(const char *path, char *buf, size_t size);

/* 1 if path exists, else 0. */
int texists(const char *path);

/* Entries of dir other than "." and "..". */
int tcount(const char *dir);

/* Creation time of an open process, as the pidfile's start= records it. */
uint64_t tstart_of(HANDLE proc);

/* Monotonic milliseconds. */
int64_t tnow_ms(void);

/* A child process running this program's --child mode, with pipes. */
struct tchild {
	HANDLE proc;
	DWORD pid;
	HANDLE to;   /* its stdin: one byte means "go on" */
	HANDLE from; /* its stdout: 'R' means ready */
};

/* Start "--child ROLE ARG" (arg may be NULL); 0 or -1. */
int tchild_spawn(struct tchild *c, const char *role, const char *arg);

/* Wait for the child's ready byte: 0 when it said 'R', else -1. */
int tchild_ready(struct tchild *c);

/* Tell the child to go on with its next step. */
void tchild_go(struct tchild *c);

/* Wait up to ms for the child's exit: its exit code, or -1. */
int tchild_wait(struct tchild *c, DWORD ms);

/* Kill (if still running) and close everything. */
void tchild_close(struct tchild *c);

/* The --child entry point: runs a role and only ever exits. */
int child_main(void);

#endif /* SVCCTL_TESTS_WIN_HELPERS_H */
