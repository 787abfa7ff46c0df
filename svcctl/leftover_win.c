/*
 * Windows has no sessions to record: start is Unix-only, so no server
 * svcctl knows of leaves members behind, and stop, cleanup and run find
 * nothing to stop or remove.
 */
#include "cli.h"

/* No session is recorded, none alive, nothing to stop or forget. */
int leftovers(const struct cli *c, const char *path, enum leftover_step step, struct procset *set)
{
	(void)c;
	(void)path;
	if (step == LEFT_RECORD)
		set->judged.state = SVCCTL_UNKNOWN;
	return step == LEFT_RECORD || step == LEFT_LIVE ? 0 : CLI_GO_ON;
}
