/* Windows helpers of platform/, used by the platform files and svcctl's *_win.c. */
#ifndef SVCCTL_PLATFORM_WIN_INTERNAL_H
#define SVCCTL_PLATFORM_WIN_INTERNAL_H

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <errno.h>

#include "platform.h"

#ifndef ESTALE
#define ESTALE 151 /* mingw-w64's errno.h has none; the library compares -ESTALE */
#endif

/* The one place where a Win32 error becomes -errno or an SVCCTL_E_* code. */
int svcctl__win_error(DWORD e);

/* svcctl__win_error(GetLastError()). */
int svcctl__win_last_error(void);

/* UTF-8 path followed by an ASCII suffix ("" for none) as new UTF-16. */
int svcctl__win_wide(const char *path, const char *suffix, wchar_t **out);

/*
 * Open path + suffix (suffix "" for none; path UTF-8) itself, never a
 * reparse point's target, shared for reading, writing and deletion.
 */
int svcctl__win_open(const char *path, const char *suffix, DWORD access, DWORD disposition,
		     HANDLE *h);

/* Identity and mtime of an open file; SVCCTL_E_UNSAFE unless a plain disk file. */
int svcctl__win_meta(HANDLE h, struct svcctl__filemeta *meta);

/* 0 if the open file h is id, -ESTALE if it is another file. */
int svcctl__win_same(HANDLE h, const struct svcctl__fileid *id);

/* Rename the file open as h (DELETE access) aside from path, then delete it. */
int svcctl__win_remove(HANDLE h, const char *path);

/* Write all of data to h. */
int svcctl__win_write_all(HANDLE h, const char *data, size_t len);

/* 100 ns FILETIME ticks between 1601-01-01 and the Unix epoch. */
#define EPOCH_DIFF_100NS 116444736000000000ULL

/* A FILETIME as a 64-bit count of 100 ns ticks since 1601. */
uint64_t svcctl__win_ticks(FILETIME ft);

/* The creation time of an open process in FILETIME ticks, as start= records it. */
void svcctl__win_handle_start(HANDLE h, uint64_t *start);

#endif /* SVCCTL_PLATFORM_WIN_INTERNAL_H */
