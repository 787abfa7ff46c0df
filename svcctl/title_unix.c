/*
 * The process title of a holding svcctl (run, start --foreground), so ps
 * shows what it holds: "svcctl run: holding /run/x.pid (pid 1234)".
 */
#include <bsd/unistd.h>
#include <string.h>

#include "cli.h"

/* Set once setproctitle() may be called. */
static int title_ready;

/*
 * Does this command line hold a lock while a child runs: run, or start or
 * restart with --foreground (getopt_long also takes "--fore" and the like)
 * before the "--" that begins COMMAND?
 */
static int holds_lock(int argc, char **argv)
{
	if (strcmp(argv[1], "run") == 0)
		return 1;
	if (strcmp(argv[1], "start") != 0 && strcmp(argv[1], "restart") != 0)
		return 0;
	for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strlen(argv[i]) >= 3 && strncmp("--foreground", argv[i], strlen(argv[i])) == 0)
			return 1;
	return 0;
}

/*
 * setproctitle() rewrites the memory of argv and the environment, which
 * setproctitle_init() first copies away: glibc passes main's argc, argv and
 * envp to ELF constructors, so this runs before main() or getopt keep any
 * pointer into them.  The copy costs about 100,000 instructions (one
 * setenv() per variable), so only the command lines that hold a lock pay.
 */
__attribute__((constructor)) static void title_init(int argc, char **argv, char **envp)
{
	if (argc < 2 || argv == NULL || argv[1] == NULL || envp == NULL || !holds_lock(argc, argv))
		return;
	setproctitle_init(argc, argv, envp);
	title_ready = 1;
}

/* Say in the process title which pidfile we hold for which child. */
void proc_title_holding(const struct cli *c, int64_t pid)
{
	/* a leading '-': no "svcctl: " prefix of the program name */
	if (title_ready)
		setproctitle("-svcctl %s: holding %s (pid %lld)", c->cmd->name, c->path,
			     (long long)pid);
}
