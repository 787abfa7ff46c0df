/* etcd mode is not built on Windows: an etcd:// target says so (exit 2). */
#include "cli.h"

/* Refuse an etcd:// target; CLI_GO_ON for any other. */
int etcd_dispatch(struct cli *c)
{
	const char *target = (c->cmd->flags & CMD_TARGET) ? c->path : c->rundir;

	if (!svcctl_path_is_etcd(target))
		return CLI_GO_ON;
	fail("%s: %s (etcd mode is not built on Windows)", target,
	     svcctl_strerror(SVCCTL_E_NOETCD));
	return EXIT_USAGE;
}
