/*
 * Windows: no sessions to record (start is Unix-only), so what the
 * common verbs call finds nothing to do.
 */
#include "cli.h"

int session_record(const struct cli *c, const char *path, struct procset *set)
{
	(void)c;
	(void)path;
	(void)set;
	return 0;
}

int leftovers_live(const struct cli *c, const char *path)
{
	(void)c;
	(void)path;
	return 0;
}

int leftovers_stop(const struct cli *c, struct procset *set)
{
	(void)c;
	(void)set;
	return CLI_GO_ON;
}

void session_forget(const char *pidfile)
{
	(void)pidfile;
}
