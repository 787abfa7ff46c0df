/*
 * Zero-byte pidfiles: "nginx -t" run while nginx is stopped leaves its
 * pid file empty.  Such a file names no process, so nobody can be signalled
 * through it: with its lock free it means "not running", and a start
 * holding the lock replaces it.  The library still calls its content
 * invalid (it cannot tell a leftover from a write in progress); the lock
 * is what tells them apart here.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"

/* Is path a regular file of zero bytes?  (Only asked of a file the library read.) */
static int zero_bytes(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
}

/* Did svcctl_pidfile_state() find an empty file whose lock nobody holds? */
int pidfile_empty_free(const char *path, int st, const struct svcctl_pidinfo *in)
{
	return st == SVCCTL_E_INVALID && in->lock_held == 0 && zero_bytes(path);
}

/* Holding the lock: remove an empty pidfile so the start can go on; 1 removed. */
int pidfile_drop_empty(const struct cli *c)
{
	if (!zero_bytes(c->path) || remove(c->path) != 0)
		return 0;
	say(c, "%s: removed an empty pidfile (it named no process)", c->path);
	return 1;
}
