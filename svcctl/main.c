/*
 * svcctl: start, stop and query servers through pidfiles that do not lie.
 * The command table drives dispatch, usage lines and --help.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef SVCCTL_VERSION
#define SVCCTL_VERSION "unknown"
#endif

#define TGT "(-p PIDFILE | NAME | etcd://HOSTS/KEY) "
#define SHARED "[--stale-age DURATION] [--nfs] "
#define SAFE "[-u USER] [--allow-unsafe-pidfile]"
#define START_OPTS                                                                                 \
	"[-u USER[:GROUP]] [-C DIR] [-o FILE] [--umask MASK] [-e VAR=VALUE]... "                   \
	"[--allow-unsafe-pidfile] [--foreground] [--wait-pidfile] [--notify [fd:N]] "              \
	"[--ready-port [HOST:]PORT] [--ready-cmd CMD] [--min-uptime DURATION] "                    \
	"[--ready-timeout DURATION] -- COMMAND [ARG...]"

static const struct cli_cmd commands[] = {
    {"start", cmd_start,
     OPT_TARGET | OPT_RUNDIR | OPT_START | OPT_READY | OPT_COMMAND | OPT_SHARED | OPT_MSG |
	 OPT_USER | OPT_UNSAFE | OPT_ETCD,
     TGT "[-m MSG] " SHARED START_OPTS,
     "Start COMMAND detached in a new session and record its pid and session, unless "
     "already running; creates RUNDIR.  A relative COMMAND with a '/' is taken from the "
     "current directory.  Ready at exec, or once every test given passes: --wait-pidfile "
     "(the server's own pidfile names a live descendant; the locked <pidfile>.lock is "
     "passed as SVCCTL_LOCK_FD=N), --notify (READY=1 on <pidfile>.notify; STATUS=, "
     "MAINPID=, ERRNO=, EXTEND_TIMEOUT_USEC=), --ready-port (a listener of its own "
     "answers), --ready-cmd "
     "(/bin/sh -c CMD exits 0), --min-uptime (alive that long), all bounded by "
     "--ready-timeout (default 30s plus --min-uptime).  A failed start kills the session, "
     "leaves no pidfile, shows the tail of -o FILE and exits 1."},
    {"stop", cmd_stop,
     OPT_TARGET | OPT_RUNDIR | OPT_STOP | OPT_SIGNAL | OPT_SHARED | OPT_USER | OPT_UNSAFE |
	 OPT_ETCD,
     TGT "[-s SIGNAL] [-t DURATION] [--retry SCHEDULE] [--group] [--test] " SHARED SAFE,
     "Signal the recorded server per the schedule (default TERM/10/KILL/5), wait for "
     "its death, then do the same to what is left of its recorded session, and remove "
     "the pidfile, <pidfile>.session and <pidfile>.notify.  --group: the process group.  "
     "A remote holder is never signalled (exit 4)."},
    {"status", cmd_status,
     OPT_TARGET | OPT_RUNDIR | OPT_JSON | OPT_SHARED | OPT_USER | OPT_UNSAFE | OPT_ETCD,
     TGT "[--json] " SHARED SAFE,
     "Report the server's state, host, age and message: exit 0 running, 1 dead with "
     "pidfile, 3 not running, 4 unknown, remote or (as root) unsafe; -u USER: the "
     "service user may own the pidfile."},
    {"reload", cmd_reload,
     OPT_TARGET | OPT_RUNDIR | OPT_SIGNAL | OPT_SHARED | OPT_USER | OPT_UNSAFE | OPT_READY |
	 OPT_CHECK | OPT_RELOAD | OPT_ETCD,
     TGT
     "[-s SIGNAL] [--check CMD] [--settle DURATION] [--notify] [--ready-timeout DURATION] " SHARED
	 SAFE,
     "Run --check CMD first (refuse with exit 1 and its output when it fails), wait up to "
     "2s (or --ready-timeout) for the server to catch the signal (else refuse, exit 1, "
     "nothing sent), send SIGHUP (or -s SIGNAL) to the running server, then confirm the same "
     "process is "
     "alive after --settle (default 500ms; exit 1 if it died), or with --notify wait for "
     "RELOADING=1 then READY=1 on <pidfile>.notify (bounded by --ready-timeout, default "
     "30s).  Exit 7 when not running, 4 for a remote holder."},
    {"restart", cmd_restart,
     OPT_TARGET | OPT_RUNDIR | OPT_START | OPT_READY | OPT_CHECK | OPT_STOP | OPT_SIGNAL |
	 OPT_COMMAND | OPT_SHARED | OPT_MSG | OPT_USER | OPT_UNSAFE | OPT_ETCD,
     TGT "[--check CMD] [-s SIGNAL] [-t DURATION] [--retry SCHEDULE] [--group] [--test] "
	 "[-m MSG] " SHARED START_OPTS,
     "Run --check CMD first (refuse with exit 1 and its output when it fails), stop the "
     "server if it runs (stop's schedule), then start COMMAND; --test only prints what "
     "stop would do and starts nothing."},
    {"list", cmd_list, OPT_RUNDIR | OPT_JSON | OPT_SHARED | OPT_OWNER | OPT_ETCD,
     "[-d RUNDIR | etcd://HOSTS/PREFIX] [--json] [--pid PID | --mine] [--stale-age DURATION] "
     "[--nfs]",
     "List every pidfile in RUNDIR with its state; --pid/--mine: only those held by PID or "
     "by the calling process."},
    {"cleanup", cmd_cleanup, OPT_RUNDIR | OPT_SHARED | OPT_ETCD,
     "[-d RUNDIR | etcd://HOSTS/PREFIX] [--stale-age DURATION] [--nfs]",
     "Remove the stale pidfiles in RUNDIR (and their .session, .notify) and say how many; "
     "one whose recorded session still has live members is kept (stop ends them)."},
    {"run", cmd_run,
     OPT_TARGET | OPT_RUNDIR | OPT_WAIT | OPT_COMMAND | OPT_SHARED | OPT_MSG | OPT_HOLD | OPT_ETCD,
     TGT "[-w DURATION | -w forever] [-m MSG] [--expire DURATION] " SHARED
	 "[--refresh] -- COMMAND [ARG...]",
     "Hold the pidfile and its lock while COMMAND runs in the foreground; creates RUNDIR.  "
     "Exit: COMMAND's code; 1 busy; 150 the holder had expired (--expire) but could not "
     "be stopped; etcd mode: 4 etcd unreachable, 151 the lease was lost and COMMAND "
     "stopped."},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Usage lines of one verb, or of all verbs when cmd is NULL. */
void cli_usage(FILE *f, const struct cli_cmd *cmd)
{
	if (cmd != NULL) {
		fprintf(f, "usage: svcctl %s %s\n", cmd->name, cmd->usage);
		return;
	}
	fprintf(f, "usage: svcctl VERB [OPTIONS]   (svcctl VERB --help for details)\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "       svcctl %s %s\n", commands[i].name, commands[i].usage);
}

/* The whole help text: usage lines, one line per verb, common options. */
static void help(void)
{
	cli_usage(stdout, NULL);
	printf("\nVerbs:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-8s %s%s\n", commands[i].name, commands[i].help,
		       verb_available(commands[i].name) ? "" : " (Unix only)");
	printf("\nNAME means RUNDIR/NAME.pid; RUNDIR is -d, else $SVCCTL_RUNDIR, else\n"
	       "/run/svcctl (root) or $XDG_RUNTIME_DIR/svcctl.  Options: -q/--quiet,\n"
	       "-h/--help, --version.  On Windows, start, restart and reload are not\n"
	       "available (exit 2).\n"
	       "\netcd mode: PIDFILE or NAME etcd://HOST:PORT[,HOST:PORT...]/KEY (etcds:// for\n"
	       "TLS; list and cleanup take etcd://HOSTS/PREFIX) holds KEY on a lease whose TTL\n"
	       "is --stale-age (default 10s).  Credentials: --etcd-cacert FILE, --etcd-cert\n"
	       "FILE, --etcd-key FILE, --etcd-user USER, --etcd-password-file FILE, else\n"
	       "$SVCCTL_ETCD_CACERT, _CERT, _KEY, _USER, _PASSWORD_FILE.  run's and start's\n"
	       "COMMAND gets SVCCTL_LOCK_TOKEN (fencing token) and SVCCTL_LOCK_KEY, dies with\n"
	       "svcctl, and is stopped when the lease is lost (run exits 151).  status: 0\n"
	       "held, 3 free, 4 unreachable.  stop revokes the holder's lease from any host.\n"
	       "See svcctl(1).\n");
}

/* Dispatch on the verb through the command table. */
int main(int argc, char **argv)
{
	struct cli c;
	int rc;

	if (argc < 2) {
		cli_usage(stderr, NULL);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help();
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("svcctl %s\n", SVCCTL_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		/* a verb this system lacks refuses before its options are read */
		if (!verb_available(argv[1]))
			return commands[i].run(NULL);
		rc = cli_parse(&commands[i], argc - 1, argv + 1, &c);
		if (rc < 0)
			rc = etcd_dispatch(&c);
		return rc >= 0 ? rc : commands[i].run(&c);
	}
	fail("unknown verb \"%s\"", argv[1]);
	cli_usage(stderr, NULL);
	return EXIT_USAGE;
}
