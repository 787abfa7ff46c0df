/* run: hold the pidfile and its lock while COMMAND runs (hold.c). */
#include "cli.h"

/* run: like flock(1), with the holder's pid recorded in the pidfile. */
int cmd_run(struct cli *c)
{
	return hold_and_run(c, c->wait_ms, HOLD_RUN);
}
