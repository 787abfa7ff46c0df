/* restart: the config test (--check), stop, then start. */
#include "cli.h"

/* restart: stop (a stopped server is fine), then start; --test only shows the stop. */
int cmd_restart(struct cli *c)
{
	int rc = check_config(c);

	if (rc == CLI_GO_ON)
		rc = cmd_stop(c);
	if (rc != EXIT_OK || c->test)
		return rc;
	return cmd_start(c);
}
