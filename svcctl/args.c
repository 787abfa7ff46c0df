/*
 * Command-line parsing of one verb's options with getopt_long, and the
 * resolution of -p PIDFILE / NAME into a pidfile path.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	O_UMASK = 256,
	O_FOREGROUND,
	O_WAIT_PIDFILE,
	O_NOTIFY,
	O_READY_TIMEOUT,
	O_RETRY,
	O_GROUP,
	O_TEST,
	O_JSON,
	O_ALLOW_UNSAFE,
	O_VERSION
};

static const struct option longopts[] = {
    {"pidfile", required_argument, NULL, 'p'},
    {"rundir", required_argument, NULL, 'd'},
    {"signal", required_argument, NULL, 's'},
    {"timeout", required_argument, NULL, 't'},
    {"user", required_argument, NULL, 'u'},
    {"chdir", required_argument, NULL, 'C'},
    {"output", required_argument, NULL, 'o'},
    {"env", required_argument, NULL, 'e'},
    {"wait", required_argument, NULL, 'w'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"umask", required_argument, NULL, O_UMASK},
    {"foreground", no_argument, NULL, O_FOREGROUND},
    {"wait-pidfile", no_argument, NULL, O_WAIT_PIDFILE},
    {"notify", optional_argument, NULL, O_NOTIFY},
    {"ready-timeout", required_argument, NULL, O_READY_TIMEOUT},
    {"retry", required_argument, NULL, O_RETRY},
    {"group", no_argument, NULL, O_GROUP},
    {"test", no_argument, NULL, O_TEST},
    {"json", no_argument, NULL, O_JSON},
    {"allow-unsafe-pidfile", no_argument, NULL, O_ALLOW_UNSAFE},
    {"message", required_argument, NULL, 'm'},
    {"stale-age", required_argument, NULL, O_STALE_AGE},
    {"nfs", no_argument, NULL, O_NFS},
    {"refresh", no_argument, NULL, O_REFRESH},
    {"expire", required_argument, NULL, O_EXPIRE},
    {"pid", required_argument, NULL, O_PID},
    {"mine", no_argument, NULL, O_MINE},
    {"ready-port", required_argument, NULL, O_READY_PORT},
    {"ready-cmd", required_argument, NULL, O_READY_CMD},
    {"min-uptime", required_argument, NULL, O_MIN_UPTIME},
    {"check", required_argument, NULL, O_CHECK},
    {"settle", required_argument, NULL, O_SETTLE},
    {"etcd-cacert", required_argument, NULL, O_ETCD_CACERT},
    {"etcd-cert", required_argument, NULL, O_ETCD_CERT},
    {"etcd-key", required_argument, NULL, O_ETCD_KEY},
    {"etcd-user", required_argument, NULL, O_ETCD_USER},
    {"etcd-password-file", required_argument, NULL, O_ETCD_PASSWORD_FILE},
    {NULL, 0, NULL, 0},
};

/* The option group an option belongs to, for checking it against the verb. */
static unsigned group_of(int opt)
{
	switch (opt) {
	case 'p':
		return OPT_TARGET;
	case 'd':
		return OPT_RUNDIR;
	case 's':
		return OPT_SIGNAL;
	case 't':
	case O_RETRY:
	case O_GROUP:
	case O_TEST:
		return OPT_STOP;
	case 'w':
		return OPT_WAIT;
	case O_JSON:
		return OPT_JSON;
	case 'u':
		return OPT_USER;
	case O_ALLOW_UNSAFE:
		return OPT_UNSAFE;
	case O_STALE_AGE:
	case O_NFS:
		return OPT_SHARED;
	case 'm':
		return OPT_MSG;
	case O_REFRESH:
	case O_EXPIRE:
		return OPT_HOLD;
	case O_PID:
	case O_MINE:
		return OPT_OWNER;
	case O_NOTIFY:
	case O_READY_TIMEOUT:
		return OPT_READY;
	case O_CHECK:
		return OPT_CHECK;
	case O_SETTLE:
		return OPT_RELOAD;
	case O_ETCD_CACERT:
	case O_ETCD_CERT:
	case O_ETCD_KEY:
	case O_ETCD_USER:
	case O_ETCD_PASSWORD_FILE:
		return OPT_ETCD;
	case 'q':
	case 'h':
		return ~0u;
	default:
		return OPT_START;
	}
}

/* Report a bad value of an option; returns the usage exit code. */
int cli_bad(const struct cli *c, const char *opt, const char *val, const char *why)
{
	fail("%s: invalid value \"%s\" (%s)", opt, val, why);
	cli_usage(stderr, c->cmd);
	return EXIT_USAGE;
}

/* Apply one start option; returns -1 when fine, else an exit code. */
static int start_opt(struct cli *c, int opt, int argc, char **argv)
{
	switch (opt) {
	case 'C':
		c->chdir = optarg;
		break;
	case 'o':
		c->output = optarg;
		break;
	case 'e':
		if (svcctl_parse_env(optarg) < 0)
			return cli_bad(c, "-e", optarg, "expected VAR=VALUE");
		if (c->nenv == CLI_ENV_MAX)
			return cli_bad(c, "-e", optarg, "too many variables");
		c->env[c->nenv++] = optarg;
		break;
	case O_UMASK:
		if (svcctl_parse_umask(optarg, &c->umask) < 0)
			return cli_bad(c, "--umask", optarg, "expected an octal mask such as 022");
		c->umask_set = 1;
		break;
	case O_FOREGROUND:
		c->foreground = 1;
		break;
	case O_WAIT_PIDFILE:
		c->wait_pidfile = 1;
		break;
	case O_NOTIFY:
		/* accept "--notify fd:N" as well as "--notify=fd:N" */
		if (optarg == NULL && optind < argc && strncmp(argv[optind], "fd:", 3) == 0)
			optarg = argv[optind++];
		if (svcctl_parse_notify(optarg, &c->notify_fd) < 0)
			return cli_bad(c, "--notify", optarg,
				       "expected fd:N with N from 3 to 1023");
		c->notify = 1;
		break;
	case O_READY_TIMEOUT:
		if (svcctl_parse_duration(optarg, &c->ready_timeout_ms) < 0 ||
		    c->ready_timeout_ms == 0)
			return cli_bad(c, "--ready-timeout", optarg,
				       "expected a positive duration like 10s");
		c->ready_timeout_set = 1;
		break;
	}
	return -1;
}

/* Apply one option of any other group; returns -1 when fine, else an exit code. */
static int other_opt(struct cli *c, int opt, const char **pidfile, const char **retry)
{
	switch (opt) {
	case 'p':
		*pidfile = optarg;
		break;
	case 'd':
		snprintf(c->rundir, sizeof(c->rundir), "%s", optarg);
		break;
	case 's':
		if (svcctl_parse_signal(optarg, &c->sig) < 0)
			return cli_bad(c, "-s", optarg, "expected a signal name or number");
		break;
	case 't':
		if (svcctl_parse_duration(optarg, &c->timeout_ms) < 0)
			return cli_bad(c, "-t", optarg, "expected a duration like 10s");
		break;
	case 'w':
		/* "forever" as in the --retry grammar: wait as long as it takes */
		if (strcmp(optarg, "forever") == 0)
			c->wait_ms = -1;
		else if (svcctl_parse_duration(optarg, &c->wait_ms) < 0)
			return cli_bad(c, "-w", optarg, "expected a duration like 10s, or forever");
		break;
	case O_RETRY:
		*retry = optarg;
		break;
	case O_GROUP:
		c->group = 1;
		break;
	case O_TEST:
		c->test = 1;
		break;
	case O_JSON:
		c->json = 1;
		break;
	case 'u':
		c->user = optarg;
		break;
	case O_ALLOW_UNSAFE:
		c->allow_unsafe = 1;
		break;
	case 'q':
		c->quiet = 1;
		break;
	}
	return -1;
}

/* Build the stop schedule from --retry, -t and -s. */
static int make_schedule(struct cli *c, const char *retry)
{
	int sig = c->sig ? c->sig : SIGTERM;

	if (retry != NULL) {
		if (svcctl_parse_schedule(retry, sig, &c->sched) < 0)
			return cli_bad(c, "--retry", retry,
				       "expected a schedule like TERM/10/KILL/5");
	} else if (c->timeout_ms >= 0) {
		svcctl_schedule_default(sig, c->timeout_ms, c->timeout_ms, &c->sched);
	} else {
		svcctl_schedule_default(sig, 10000, 5000, &c->sched);
	}
	return -1;
}

/* Resolve the pidfile from -p or NAME (RUNDIR/NAME.pid). */
static int resolve_target(struct cli *c, const char *pidfile, const char *name)
{
	int n;

	if ((pidfile == NULL) == (name == NULL)) {
		fail("%s: give either -p PIDFILE or NAME", c->cmd->name);
		cli_usage(stderr, c->cmd);
		return EXIT_USAGE;
	}
	if (pidfile != NULL) {
		n = snprintf(c->path, sizeof(c->path), "%s", pidfile);
	} else {
		if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
			return cli_bad(c, "NAME", name, "a plain file name is expected");
		n = snprintf(c->path, sizeof(c->path), "%s/%s.pid", c->rundir, name);
		c->named = 1;
	}
	if (n <= 0 || (size_t)n >= sizeof(c->path))
		return cli_bad(c, "-p", pidfile ? pidfile : name, "path too long");
	return -1;
}

/* Fill the defaults that depend on nothing given. */
static void defaults(const struct cli_cmd *cmd, struct cli *c)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->timeout_ms = -1;
	c->notify_fd = -1;
	c->ready_timeout_ms = READY_TIMEOUT_DEFAULT_MS;
	c->settle_ms = SETTLE_DEFAULT_MS;
	optind = 1;
	opterr = 0;
}

/* Check the operands: NAME before "--" and COMMAND after it, as the verb needs. */
static int operands(struct cli *c, int argc, char **argv, int dd, const char *pidfile)
{
	const char *name = NULL;

	if (optind < dd && (c->cmd->opts & OPT_TARGET))
		name = argv[optind++];
	else if (optind < dd && svcctl_path_is_etcd(argv[optind]))
		/* list, cleanup: an etcd:// prefix in place of RUNDIR */
		snprintf(c->rundir, sizeof(c->rundir), "%s", argv[optind++]);
	/* NAME as etcd://HOSTS/KEY is the key's address, as with -p */
	if (name != NULL && pidfile == NULL && svcctl_path_is_etcd(name)) {
		pidfile = name;
		name = NULL;
	}
	if (optind < dd || (dd < argc && !(c->cmd->opts & OPT_COMMAND))) {
		fail("%s: unexpected argument \"%s\"", c->cmd->name, argv[optind]);
		cli_usage(stderr, c->cmd);
		return EXIT_USAGE;
	}
	if ((c->cmd->opts & OPT_COMMAND) && dd + 1 >= argc) {
		fail("%s: missing -- COMMAND", c->cmd->name);
		cli_usage(stderr, c->cmd);
		return EXIT_USAGE;
	}
	c->argv = argv + dd + 1;
	if (c->rundir[0] == '\0' && default_rundir(c->rundir, sizeof(c->rundir)) < 0 &&
	    (name != NULL || !(c->cmd->opts & OPT_TARGET))) {
		fail("no RUNDIR: give -d, or set SVCCTL_RUNDIR or XDG_RUNTIME_DIR");
		return EXIT_USAGE;
	}
	if (c->cmd->opts & OPT_TARGET)
		return resolve_target(c, pidfile, name);
	return -1;
}

/* Report the option that ended at argv[next - 1]; returns the usage exit code. */
static int invalid_option(const struct cli_cmd *cmd, char **argv, int next)
{
	const char *opt = argv[next - 1];

	/* "-u nobody": name the option, not its separate argument */
	if (optarg != NULL && optarg == argv[next - 1] && next >= 3)
		opt = argv[next - 2];
	fail("%s: invalid option \"%s\"", cmd->name, opt);
	cli_usage(stderr, cmd);
	return EXIT_USAGE;
}

/* Parse one verb's options and operands; -1 to run the verb, else an exit code. */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli *c)
{
	const char *pidfile = NULL, *retry = NULL;
	int opt, rc, dd = 1;

	defaults(cmd, c);
	/* getopt never sees COMMAND: it starts after the first "--" */
	while (dd < argc && strcmp(argv[dd], "--") != 0)
		dd++;
	while ((opt = getopt_long(dd, argv, "p:d:s:t:u:C:o:e:w:m:qh", longopts, NULL)) != -1) {
		if (opt == 'h') {
			printf("usage: svcctl %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->help);
			return EXIT_OK;
		}
		if (opt == '?' || opt == ':' || !(group_of(opt) & cmd->opts))
			return invalid_option(cmd, argv, optind);
		if (opt == 'm' || opt >= O_STALE_AGE)
			rc = cli_ext_opt(c, opt, optarg);
		else
			rc = group_of(opt) == OPT_START || group_of(opt) == OPT_READY
				 ? start_opt(c, opt, dd, argv)
				 : other_opt(c, opt, &pidfile, &retry);
		if (rc >= 0)
			return rc;
	}
	rc = cli_ext_check(c);
	if (rc >= 0)
		return rc;
	rc = operands(c, argc, argv, dd, pidfile);
	if (rc >= 0)
		return rc;
	return make_schedule(c, retry);
}
