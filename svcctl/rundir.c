/* The pidfiles of RUNDIR, for list and cleanup. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Keep directory entries named *.pid. */
static int is_pidfile(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && d->d_name[0] != '.' && strcmp(d->d_name + n - 4, ".pid") == 0;
}

/* Call fn on every pidfile in RUNDIR, sorted; EXIT_OK or the exit code of a failed listing. */
int each_pidfile(const struct cli *c, void (*fn)(const char *, const char *, void *), void *arg)
{
	struct dirent **ents;
	char path[CLI_PATH_MAX + 256];
	int n = scandir(c->rundir, &ents, is_pidfile, alphasort);

	if (n < 0 && errno == ENOENT)
		return EXIT_OK;
	if (n < 0) {
		fail("%s: cannot list: %s", c->rundir, strerror(errno));
		return exit_for(-errno);
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->rundir, ents[i]->d_name);
		fn(path, ents[i]->d_name, arg);
		free(ents[i]);
	}
	free(ents);
	return EXIT_OK;
}
