/*
 * <dirent.h> for the Windows build of svcctl: mingw-w64 has opendir and
 * readdir but not scandir and alphasort, which list and cleanup use
 * (implemented in dir_win.c).
 */
#ifndef SVCCTL_WIN_DIRENT_H
#define SVCCTL_WIN_DIRENT_H

#include_next <dirent.h>

int scandir(const char *dir, struct dirent ***list, int (*keep)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **));
int alphasort(const struct dirent **a, const struct dirent **b);

#endif /* SVCCTL_WIN_DIRENT_H */
