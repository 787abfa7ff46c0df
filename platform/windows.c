/*
 * The platform primitives with Win32 calls.  Paths arrive as UTF-8 and are
 * converted to UTF-16; files are opened without following reparse points
 * and shared for reading, writing and deletion, so readers, renamers and
 * removers never collide.  A pidfile is published by renaming a finished
 * temporary file through its handle, never replacing an existing one; a
 * file is removed by renaming it aside and then deleting it, so its name
 * is free at once even while others still hold it open.  The adjacent lock
 * is in windows_lock.c, processes and the host in windows_proc.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "win_internal.h"

/* Open for everything: no other opener is ever refused by our share mode. */
#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/* Win32 errors and what they mean here; any other is -EIO. */
static const struct {
	DWORD win;
	int code;
} win_errors[] = {
    {ERROR_FILE_NOT_FOUND, -ENOENT},
    {ERROR_PATH_NOT_FOUND, -ENOENT},
    {ERROR_INVALID_DRIVE, -ENOENT},
    {ERROR_BAD_NETPATH, -ENOENT},
    {ERROR_BAD_NET_NAME, -ENOENT},
    {ERROR_FILE_EXISTS, -EEXIST},
    {ERROR_ALREADY_EXISTS, -EEXIST},
    {ERROR_ACCESS_DENIED, -EACCES},
    {ERROR_PRIVILEGE_NOT_HELD, -EACCES},
    {ERROR_SHARING_VIOLATION, -EBUSY},
    {ERROR_PIPE_BUSY, -EBUSY},
    {ERROR_LOCK_VIOLATION, SVCCTL__E_BUSY},
    {ERROR_TIMEOUT, SVCCTL__E_TIMEOUT},
    {WAIT_TIMEOUT, SVCCTL__E_TIMEOUT},
    {ERROR_OPERATION_ABORTED, SVCCTL__E_TIMEOUT},
    {ERROR_CANT_ACCESS_FILE, SVCCTL__E_UNSAFE},
    {ERROR_CANT_RESOLVE_FILENAME, SVCCTL__E_UNSAFE},
    {ERROR_NOT_ENOUGH_MEMORY, -ENOMEM},
    {ERROR_OUTOFMEMORY, -ENOMEM},
    {ERROR_INVALID_NAME, -EINVAL},
    {ERROR_BAD_PATHNAME, -EINVAL},
    {ERROR_INVALID_PARAMETER, -EINVAL},
    {ERROR_DIRECTORY, -ENOTDIR},
    {ERROR_FILENAME_EXCED_RANGE, -ENAMETOOLONG},
    {ERROR_BUFFER_OVERFLOW, -ENAMETOOLONG},
    {ERROR_DISK_FULL, -ENOSPC},
    {ERROR_HANDLE_DISK_FULL, -ENOSPC},
    {ERROR_WRITE_PROTECT, -EROFS},
    {ERROR_NOT_SAME_DEVICE, -EXDEV},
    {ERROR_TOO_MANY_OPEN_FILES, -EMFILE},
    {ERROR_INVALID_HANDLE, -EBADF},
    {ERROR_NO_UNICODE_TRANSLATION, -EILSEQ},
    {ERROR_BAD_EXE_FORMAT, -ENOEXEC},
    {ERROR_NOT_SUPPORTED, -ENOTSUP},
    {ERROR_CALL_NOT_IMPLEMENTED, -ENOTSUP},
    {ERROR_INVALID_FUNCTION, -ENOTSUP},
};

int svcctl__win_error(DWORD e)
{
	for (size_t i = 0; i < sizeof(win_errors) / sizeof(win_errors[0]); i++)
		if (win_errors[i].win == e)
			return win_errors[i].code;
	return -EIO;
}

int svcctl__win_last_error(void)
{
	return svcctl__win_error(GetLastError());
}

uint64_t svcctl__win_ticks(FILETIME ft)
{
	return ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
}

int svcctl__win_wide(const char *path, const char *suffix, wchar_t **out)
{
	size_t n = strlen(path), m = strlen(suffix);
	char *s = malloc(n + m + 1);
	int len, rc = 0;

	*out = NULL;
	if (s == NULL)
		return -ENOMEM;
	memcpy(s, path, n);
	memcpy(s + n, suffix, m + 1);
	len = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	if (len <= 0)
		rc = svcctl__win_last_error();
	else if ((*out = malloc((size_t)len * sizeof(wchar_t))) == NULL)
		rc = -ENOMEM;
	else
		MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, *out, len);
	free(s);
	return rc;
}

/* A suffix no other call of this or another process will produce. */
static void unique_suffix(const char *kind, char *buf, size_t size)
{
	LARGE_INTEGER t;

	QueryPerformanceCounter(&t);
	snprintf(buf, size, ".%s.%lu.%llx", kind, GetCurrentProcessId(),
		 (unsigned long long)t.QuadPart);
}

int svcctl__win_open(const char *path, const char *suffix, DWORD access, DWORD disposition,
		     HANDLE *h)
{
	DWORD flags = FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS;
	wchar_t *w;
	int rc = svcctl__win_wide(path, suffix, &w);

	if (rc < 0)
		return rc;
	*h = CreateFileW(w, access, SHARE_ALL, NULL, disposition, flags, NULL);
	rc = *h == INVALID_HANDLE_VALUE ? svcctl__win_last_error() : 0;
	free(w);
	return rc;
}

int svcctl__win_meta(HANDLE h, struct svcctl__filemeta *meta)
{
	DWORD odd = FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DEVICE;
	BY_HANDLE_FILE_INFORMATION fi;

	if (GetFileType(h) != FILE_TYPE_DISK)
		return SVCCTL__E_UNSAFE; /* a pipe, a console, NUL */
	if (!GetFileInformationByHandle(h, &fi))
		return svcctl__win_last_error();
	if (fi.dwFileAttributes & odd)
		return SVCCTL__E_UNSAFE;
	meta->id.dev = fi.dwVolumeSerialNumber;
	meta->id.ino = ((uint64_t)fi.nFileIndexHigh << 32) | fi.nFileIndexLow;
	meta->mtime_ns =
	    ((int64_t)svcctl__win_ticks(fi.ftLastWriteTime) - (int64_t)EPOCH_DIFF_100NS) * 100;
	meta->mtime_ms = meta->mtime_ns / 1000000;
	meta->size = ((int64_t)fi.nFileSizeHigh << 32) | fi.nFileSizeLow;
	return 0;
}

int svcctl__win_same(HANDLE h, const struct svcctl__fileid *id)
{
	struct svcctl__filemeta meta;
	int rc = svcctl__win_meta(h, &meta);

	if (rc < 0)
		return rc;
	return meta.id.dev == id->dev && meta.id.ino == id->ino ? 0 : -ESTALE;
}

/* Rename the file open as h to path + suffix; never replaces (-EEXIST). */
static int rename_handle(HANDLE h, const char *path, const char *suffix)
{
	FILE_RENAME_INFO *ri;
	wchar_t *w;
	size_t n, size;
	int rc = svcctl__win_wide(path, suffix, &w);

	if (rc < 0)
		return rc;
	n = wcslen(w);
	size = sizeof(*ri) + (n + 1) * sizeof(wchar_t);
	ri = calloc(1, size);
	if (ri == NULL) {
		free(w);
		return -ENOMEM;
	}
	ri->ReplaceIfExists = FALSE;
	ri->RootDirectory = NULL;
	ri->FileNameLength = (DWORD)(n * sizeof(wchar_t));
	memcpy(ri->FileName, w, (n + 1) * sizeof(wchar_t));
	if (!SetFileInformationByHandle(h, FileRenameInfo, ri, (DWORD)size))
		rc = svcctl__win_last_error();
	free(ri);
	free(w);
	return rc;
}

/* Mark the file open as h for deletion when its last handle closes. */
static int delete_on_close(HANDLE h)
{
	FILE_DISPOSITION_INFO di = {.DeleteFile = TRUE};

	return SetFileInformationByHandle(h, FileDispositionInfo, &di, sizeof(di))
		   ? 0
		   : svcctl__win_last_error();
}

/*
 * Remove the file open as h (with DELETE access), which path names: rename
 * it aside first, because a deleted file that others hold open keeps its
 * name busy until the last of them closes it.
 */
int svcctl__win_remove(HANDLE h, const char *path)
{
	char suffix[64];

	unique_suffix("del", suffix, sizeof(suffix));
	/* if it cannot move aside, deletion alone still frees it later */
	rename_handle(h, path, suffix);
	return delete_on_close(h);
}

/* ---- files ---- */

/* Read up to size bytes of h into buf; SVCCTL__E_INVALID if more follow. */
static int read_all(HANDLE h, char *buf, size_t size, size_t *len)
{
	DWORD n;
	char extra;

	*len = 0;
	while (*len < size) {
		DWORD want = size - *len > 65536 ? 65536 : (DWORD)(size - *len);

		if (!ReadFile(h, buf + *len, want, &n, NULL))
			return svcctl__win_last_error();
		if (n == 0)
			return 0;
		*len += n;
	}
	/* it grew past the cap since we looked at its size */
	if (!ReadFile(h, &extra, 1, &n, NULL))
		return svcctl__win_last_error();
	return n == 0 ? 0 : SVCCTL__E_INVALID;
}

int svcctl__read_file(const char *path, char *buf, size_t size, size_t *len,
		      struct svcctl__filemeta *meta)
{
	struct svcctl__filemeta m;
	LARGE_INTEGER sz;
	HANDLE h;
	int rc = svcctl__win_open(path, "", GENERIC_READ, OPEN_EXISTING, &h);

	*len = 0;
	if (rc < 0)
		return rc;
	rc = svcctl__win_meta(h, &m);
	if (rc == 0 && !GetFileSizeEx(h, &sz))
		rc = svcctl__win_last_error();
	if (rc == 0)
		rc = (uint64_t)sz.QuadPart > size ? SVCCTL__E_INVALID : read_all(h, buf, size, len);
	if (rc == 0 && meta)
		*meta = m;
	CloseHandle(h);
	return rc;
}

/* Create a new temporary file beside path, open for writing and renaming. */
static int create_temp(const char *path, HANDLE *h)
{
	DWORD access = GENERIC_READ | GENERIC_WRITE | DELETE;
	char suffix[64];
	int rc = -EEXIST;

	for (int tries = 0; tries < 16 && rc == -EEXIST; tries++) {
		unique_suffix("tmp", suffix, sizeof(suffix));
		rc = svcctl__win_open(path, suffix, access, CREATE_NEW, h);
	}
	return rc;
}

int svcctl__win_write_all(HANDLE h, const char *data, size_t len)
{
	DWORD n;

	while (len > 0) {
		DWORD chunk = len > 65536 ? 65536 : (DWORD)len;

		if (!WriteFile(h, data, chunk, &n, NULL))
			return svcctl__win_last_error();
		data += n;
		len -= n;
	}
	return 0;
}

int svcctl__publish_meta(const char *path, const char *data, size_t len, int mode,
			 struct svcctl__filemeta *out)
{
	struct svcctl__filemeta meta;
	HANDLE h;
	int rc;

	(void)mode; /* access comes from the directory's inherited ACL */
	rc = create_temp(path, &h);
	if (rc < 0)
		return rc;
	rc = svcctl__win_write_all(h, data, len);
	if (rc == 0)
		rc = svcctl__win_meta(h, &meta);
	if (rc == 0)
		rc = rename_handle(h, path, "");
	if (rc == 0)
		*out = meta;
	else
		delete_on_close(h); /* never leave the temporary file behind */
	CloseHandle(h);
	return rc;
}

/* Windows has no unnamed files: every record is written under the lock. */
int svcctl__stage(const char *path, const char *data, size_t len, int mode, svcctl__staged *s)
{
	(void)path;
	(void)data;
	(void)len;
	(void)mode;
	s->h = -1;
	return 1;
}

int svcctl__publish_staged(svcctl__staged *s, const char *path, struct svcctl__filemeta *meta)
{
	(void)s;
	(void)path;
	(void)meta;
	return -EOPNOTSUPP;
}

void svcctl__unstage(svcctl__staged *s)
{
	s->h = -1;
}

int svcctl__unlink_if(const char *path, const struct svcctl__fileid *id)
{
	HANDLE h;
	int rc = svcctl__win_open(path, "", DELETE | FILE_READ_ATTRIBUTES, OPEN_EXISTING, &h);

	if (rc < 0)
		return rc;
	/* the handle pins the file we compared: no race with a replacement */
	rc = svcctl__win_same(h, id);
	if (rc == 0)
		rc = svcctl__win_remove(h, path);
	CloseHandle(h);
	return rc;
}

int svcctl__unlink_unchanged(const char *path, const struct svcctl__filemeta *meta)
{
	struct svcctl__filemeta now;
	HANDLE h;
	int rc = svcctl__win_open(path, "", DELETE | FILE_READ_ATTRIBUTES, OPEN_EXISTING, &h);

	if (rc < 0)
		return rc;
	/* the handle pins the file we compare: no race with a replacement */
	rc = svcctl__win_meta(h, &now);
	if (rc == 0 && (now.id.dev != meta->id.dev || now.id.ino != meta->id.ino))
		rc = -ESTALE;
	else if (rc == 0 && (now.size != meta->size || now.mtime_ns != meta->mtime_ns))
		rc = 1;
	else if (rc == 0)
		rc = svcctl__win_remove(h, path);
	CloseHandle(h);
	return rc;
}

int svcctl__touch_if(const char *path, const struct svcctl__fileid *id)
{
	DWORD access = FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES;
	FILETIME now;
	HANDLE h;
	int rc = svcctl__win_open(path, "", access, OPEN_EXISTING, &h);

	if (rc < 0)
		return rc;
	rc = svcctl__win_same(h, id);
	GetSystemTimeAsFileTime(&now);
	if (rc == 0 && !SetFileTime(h, NULL, NULL, &now))
		rc = svcctl__win_last_error();
	CloseHandle(h);
	return rc;
}
