/*
 * The process title of a holding svcctl (run, start --foreground), so ps
 * shows what it holds: "svcctl run: holding /run/x.pid (pid 1234)".
 */
#include <bsd/unistd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

extern char **environ;

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
 * Move the environment's strings out of the way of the title, all in one
 * block: setproctitle_init() copies them itself only while environ is
 * still envp, with one setenv() per variable (about 100,000 instructions).
 * Left as it is when empty or out of memory: setproctitle_init() copies
 * it then.
 */
static void env_move(char **envp)
{
	size_t n = 0, bytes = 0;
	char **vec, *at;

	for (; envp[n] != NULL; n++)
		bytes += strlen(envp[n]) + 1;
	if (n == 0)
		return;
	vec = malloc((n + 1) * sizeof(*vec));
	at = malloc(bytes);
	if (vec == NULL || at == NULL) {
		free(vec);
		free(at);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(envp[i]) + 1;

		vec[i] = memcpy(at, envp[i], len);
		at += len;
	}
	vec[n] = NULL;
	environ = vec;
}

/*
 * setproctitle() rewrites the memory of argv and the environment, which
 * setproctitle_init() first copies away: glibc passes main's argc, argv and
 * envp to ELF constructors, so this runs before main() or getopt keep any
 * pointer into them.  Only the command lines that hold a lock pay.
 */
__attribute__((constructor)) static void title_init(int argc, char **argv, char **envp)
{
	if (argc < 2 || argv == NULL || argv[1] == NULL || envp == NULL || !holds_lock(argc, argv))
		return;
	if (environ == envp)
		env_move(envp);
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
