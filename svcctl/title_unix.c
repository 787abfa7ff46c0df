/*
 * The process title of a holding svcctl (run, start --foreground), so ps
 * shows what it holds: "svcctl run: holding /run/x.pid (pid 1234)".
 */
#include <bsd/unistd.h>

#include "cli.h"

/*
 * setproctitle() rewrites the memory of argv and the environment, which it
 * must first copy away: glibc passes main's argc, argv and envp to ELF
 * constructors, so this runs before main() or getopt keep any pointer.
 */
__attribute__((constructor)) static void title_init(int argc, char **argv, char **envp)
{
	setproctitle_init(argc, argv, envp);
}

/* Say in the process title which pidfile we hold for which child. */
void proc_title_holding(const struct cli *c, int64_t pid)
{
	/* a leading '-': no "svcctl: " prefix of the program name */
	setproctitle("-svcctl %s: holding %s (pid %lld)", c->cmd->name, c->path, (long long)pid);
}
