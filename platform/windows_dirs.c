/*
 * Creating a pidfile's parent directories on Windows, and sleeping.  Modes
 * do not apply (a new directory inherits its parent's ACL); a directory we
 * created is checked not to have been replaced by a reparse point before
 * anything is created inside it.
 */
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "win_internal.h"

/* 0 if path is a plain directory (not a reparse point), else a code. */
static int plain_dir(const wchar_t *path)
{
	DWORD a = GetFileAttributesW(path);

	if (a == INVALID_FILE_ATTRIBUTES)
		return svcctl__win_last_error();
	if (!(a & FILE_ATTRIBUTE_DIRECTORY))
		return -ENOTDIR;
	return a & FILE_ATTRIBUTE_REPARSE_POINT ? SVCCTL__E_UNSAFE : 0;
}

/* Create the directory w unless it exists; a new one must stay plain. */
static int make_one(const wchar_t *w)
{
	DWORD a;

	if (CreateDirectoryW(w, NULL))
		return plain_dir(w);
	if (GetLastError() != ERROR_ALREADY_EXISTS && GetLastError() != ERROR_ACCESS_DENIED)
		return svcctl__win_last_error();
	/* existing (drive roots answer "access denied"): it must be a directory */
	a = GetFileAttributesW(w);
	if (a == INVALID_FILE_ATTRIBUTES)
		return svcctl__win_last_error();
	return a & FILE_ATTRIBUTE_DIRECTORY ? 0 : -ENOTDIR;
}

/* Where the first component to create starts: past "C:\", "\\server\share\". */
static size_t root_len(const wchar_t *w)
{
	size_t i = 0, seps = 0;

	if (w[0] && w[1] == L':')
		i = 2;
	else if ((w[0] == L'\\' || w[0] == L'/') && (w[1] == L'\\' || w[1] == L'/')) {
		/* a UNC path: server and share are not ours to create */
		for (i = 2; w[i] && seps < 2; i++)
			seps += w[i] == L'\\' || w[i] == L'/';
	}
	while (w[i] == L'\\' || w[i] == L'/')
		i++;
	return i;
}

int svcctl__mkdirs(const char *dir, int mode)
{
	wchar_t *w;
	int rc = svcctl__win_wide(dir, "", &w);

	(void)mode; /* ACLs are inherited from the parent */
	if (rc < 0)
		return rc;
	for (size_t i = root_len(w); rc == 0 && w[i]; i++) {
		wchar_t c = w[i + 1];

		if (c != L'\\' && c != L'/' && c != L'\0')
			continue;
		w[i + 1] = L'\0';
		rc = make_one(w);
		w[i + 1] = c;
	}
	free(w);
	return rc;
}

void svcctl__sleep_ms(int ms)
{
	Sleep(ms > 0 ? (DWORD)ms : 0);
}

int svcctl__is_sep(char c)
{
	return c == '/' || c == '\\';
}
