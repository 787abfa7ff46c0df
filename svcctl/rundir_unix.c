/* Where RUNDIR is when -d does not say, on Unix. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

/* RUNDIR: $SVCCTL_RUNDIR, /run/svcctl for root, else $XDG_RUNTIME_DIR/svcctl. */
int default_rundir(char *buf, size_t size)
{
	const char *env = getenv("SVCCTL_RUNDIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (env != NULL && *env != '\0')
		snprintf(buf, size, "%s", env);
	else if (geteuid() == 0)
		snprintf(buf, size, "/run/svcctl");
	else if (xdg != NULL && *xdg != '\0')
		snprintf(buf, size, "%s/svcctl", xdg);
	else
		return -1;
	return 0;
}
