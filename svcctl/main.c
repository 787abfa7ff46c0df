/*
 * svcctl: start, stop and query servers through pidfiles that do not lie.
 * The command table drives dispatch, usage lines and --help; usage errors
 * of a verb print its usage line here, once.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef SVCCTL_VERSION
#define SVCCTL_VERSION "unknown"
#endif

/*
 * start, restart and reload need fork, setsid, credentials or real
 * signals: on Windows their handler is NULL, and run_verb() refuses them.
 */
#ifdef _WIN32
#define UNIX_ONLY(handler) NULL
#else
#define UNIX_ONLY(handler) handler
#endif

static const struct cli_cmd commands[] = {
    {"start", UNIX_ONLY(cmd_start), V_START, CMD_TARGET | CMD_COMMAND,
     "Start COMMAND detached in a new session and record its pid and session, unless "
     "already running; creates RUNDIR.  A relative COMMAND with a '/' is taken from the "
     "current directory.  Ready at exec, or once every test given passes: --wait-pidfile "
     "(the server's own pidfile names a live descendant, and the first process exited 0 "
     "unless it is the one named; the locked <pidfile>.lock is "
     "passed as SVCCTL_LOCK_FD=N), --notify (READY=1 on <pidfile>.notify; STATUS=, "
     "MAINPID=, ERRNO=, EXTEND_TIMEOUT_USEC=), --ready-port (a listener of its own "
     "answers), --ready-cmd "
     "(/bin/sh -c CMD exits 0), --min-uptime (alive that long), all bounded by "
     "--ready-timeout (default 30s plus --min-uptime).  A failed start kills the session, "
     "leaves no pidfile, shows the tail of -o FILE and exits 1."},
    {"stop", cmd_stop, V_STOP, CMD_TARGET,
     "Signal the recorded server per the schedule (default TERM/10/KILL/5), wait for "
     "its death, then do the same to what is left of its recorded session, and remove "
     "the pidfile, <pidfile>.session and <pidfile>.notify.  --group: the process group.  "
     "A remote holder is never signalled (exit 4)."},
    {"status", cmd_status, V_STATUS, CMD_TARGET,
     "Report the server's state, host, age and message: exit 0 running, 1 dead with "
     "pidfile, 3 not running, 4 unknown, remote or (as root) unsafe; -u USER: the "
     "service user may own the pidfile."},
    {"reload", UNIX_ONLY(cmd_reload), V_RELOAD, CMD_TARGET,
     "Run --check CMD first (refuse with exit 1 and its output when it fails), wait up to "
     "2s (or --ready-timeout) for the server to catch the signal (else refuse, exit 1, "
     "nothing sent), send SIGHUP (or -s SIGNAL) to the running server, then confirm the same "
     "process is "
     "alive after --settle (default 500ms; exit 1 if it died), or with --notify wait for "
     "RELOADING=1 then READY=1 on <pidfile>.notify (bounded by --ready-timeout, default "
     "30s).  Exit 7 when not running, 4 for a remote holder."},
    {"restart", UNIX_ONLY(cmd_restart), V_RESTART, CMD_TARGET | CMD_COMMAND,
     "Run --check CMD first (refuse with exit 1 and its output when it fails), stop the "
     "server if it runs (stop's schedule), then start COMMAND; --test only prints what "
     "stop would do and starts nothing."},
    {"list", cmd_list, V_LIST, CMD_PREFIX,
     "List every pidfile in RUNDIR with its state; --pid/--mine: only those held by PID or "
     "by the calling process."},
    {"cleanup", cmd_cleanup, V_CLEANUP, CMD_PREFIX,
     "Remove the stale pidfiles in RUNDIR (and their .session, .notify) and say how many; "
     "one whose recorded session still has live members is kept (stop ends them)."},
    {"run", cmd_run, V_RUN, CMD_TARGET | CMD_COMMAND,
     "Hold the pidfile and its lock while COMMAND runs in the foreground; creates RUNDIR.  "
     "Exit: COMMAND's code; 1 busy; 150 the holder had expired (--expire) but could not "
     "be stopped; etcd mode: 4 etcd unreachable, 151 the lease was lost and COMMAND "
     "stopped."},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/*
 * svcctl OPTION without a verb: the rows of the option table marked V_TOP
 * (--help, --version, --completion SHELL, --list-options), read with
 * getopt_long like a verb's options.
 */
static int top_option(int argc, char **argv)
{
	const char *shortopts;
	const struct option *longopts = cli_longopts(&shortopts);
	const struct cli_option *o;
	int opt;

	optind = 1;
	opterr = 0;
	opt = getopt_long(argc, argv, shortopts, longopts, NULL);
	o = cli_option_of(opt);
	if (o == NULL && opt == '?' && (o = cli_option_of(optopt)) != NULL && (o->verbs & V_TOP) &&
	    o->has_arg == required_argument) {
		fail("invalid option \"%s\": it needs %s", argv[1], o->arg);
		return EXIT_USAGE;
	}
	if (o == NULL || !(o->verbs & V_TOP)) {
		fail("unknown option \"%s\"", argv[1]);
		help_all(stderr, commands, NCOMMANDS, 1);
		return EXIT_USAGE;
	}
	if (strcmp(o->name, "version") == 0)
		printf("svcctl %s\n", SVCCTL_VERSION);
	else if (strcmp(o->name, "completion") == 0)
		return completion_print(optarg, commands, NCOMMANDS);
	else if (strcmp(o->name, "list-options") == 0)
		help_list_options(NULL);
	else
		help_all(stdout, commands, NCOMMANDS, 0);
	return EXIT_OK;
}

/* Parse the verb's arguments and run it; a usage error prints its usage line, once. */
static int run_verb(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli c;
	int rc;

	/* a verb this system lacks refuses before its options are read */
	if (cmd->run == NULL) {
		fail("%s: not available on this system (Unix only)", cmd->name);
		return EXIT_USAGE;
	}
	rc = cli_parse(cmd, argc, argv, &c);
	if (rc == EXIT_USAGE)
		cli_usage(stderr, cmd);
	if (rc == CLI_GO_ON)
		rc = etcd_dispatch(&c);
	return rc != CLI_GO_ON ? rc : cmd->run(&c);
}

/* Dispatch on the verb through the command table. */
int main(int argc, char **argv)
{
	if (argc < 2) {
		help_all(stderr, commands, NCOMMANDS, 1);
		return EXIT_USAGE;
	}
	if (argv[1][0] == '-')
		return top_option(argc, argv);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return run_verb(&commands[i], argc - 1, argv + 1);
	fail("unknown verb \"%s\"", argv[1]);
	help_all(stderr, commands, NCOMMANDS, 1);
	return EXIT_USAGE;
}
