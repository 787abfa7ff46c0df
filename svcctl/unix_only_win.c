/*
 * Windows: start, restart and reload need fork, setsid, credentials or
 * real signals.  They are real handlers here that refuse, by name, before
 * their options are read (main.c asks verb_available()), with exit 2.
 */
#include <string.h>

#include "cli.h"

static const char *const unix_only[] = {"start", "restart", "reload"};

int verb_available(const char *name)
{
	for (size_t i = 0; i < sizeof(unix_only) / sizeof(unix_only[0]); i++)
		if (strcmp(name, unix_only[i]) == 0)
			return 0;
	return 1;
}

/* The one refusal of a verb this system does not have. */
static int refuse(const char *verb)
{
	fail("%s: not available on this system (Unix only)", verb);
	return EXIT_USAGE;
}

int cmd_start(struct cli *c)
{
	(void)c;
	return refuse("start");
}

int cmd_restart(struct cli *c)
{
	(void)c;
	return refuse("restart");
}

int cmd_reload(struct cli *c)
{
	(void)c;
	return refuse("reload");
}
