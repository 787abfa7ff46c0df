/* Where RUNDIR is when -d does not say, on Windows. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

/* RUNDIR: $SVCCTL_RUNDIR, else %LOCALAPPDATA%\svcctl. */
int default_rundir(char *buf, size_t size)
{
	const char *env = getenv("SVCCTL_RUNDIR");
	const char *local = getenv("LOCALAPPDATA");

	if (env != NULL && *env != '\0')
		snprintf(buf, size, "%s", env);
	else if (local != NULL && *local != '\0')
		snprintf(buf, size, "%s\\svcctl", local);
	else
		return -1;
	return 0;
}
