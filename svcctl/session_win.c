/*
 * Windows: no sessions to record and no reload (start, restart and reload
 * are Unix-only), so what the common verbs call finds nothing to do.
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
	return 0;
}

void session_forget(const char *pidfile)
{
	(void)pidfile;
}

int check_config(const struct cli *c)
{
	(void)c;
	return 0;
}

/* Reached only if reload were allowed: say so and refuse. */
int cmd_reload(struct cli *c)
{
	(void)c;
	fail("reload: Unix-only");
	return EXIT_USAGE;
}

int session_write(const struct cli *c, int64_t mainpid, int64_t sid, uint64_t sid_start)
{
	(void)c;
	(void)mainpid;
	(void)sid;
	(void)sid_start;
	return 0;
}

void session_of(const struct spawn *sp, int64_t *sid, uint64_t *sid_start)
{
	(void)sp;
	*sid = 0;
	*sid_start = 0;
}
