/*
 * Command-line parsing of one verb's options with getopt_long over the
 * option table (options.c), and the resolution of -p PIDFILE / NAME into a
 * pidfile path.  Errors are one message naming the argument and
 * EXIT_USAGE; main prints the usage line.
 */
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "cli.h"

/* Build the stop schedule from --retry, -t and -s. */
static int make_schedule(struct cli *c)
{
	int sig = c->sig ? c->sig : SIGTERM;

	if (c->retry != NULL) {
		if (svcctl_parse_schedule(c->retry, sig, &c->sched) < 0)
			return cli_bad("--retry", c->retry,
				       "expected a schedule like TERM/10/KILL/5");
	} else if (c->timeout_ms >= 0) {
		svcctl_schedule_default(sig, c->timeout_ms, c->timeout_ms, &c->sched);
	} else {
		svcctl_schedule_default(sig, 10000, 5000, &c->sched);
	}
	return CLI_GO_ON;
}

/* Resolve the pidfile from -p or NAME (RUNDIR/NAME.pid). */
static int resolve_target(struct cli *c, const char *pidfile, const char *name)
{
	int n;

	if ((pidfile == NULL) == (name == NULL)) {
		fail("%s: give either -p PIDFILE or NAME", c->cmd->name);
		return EXIT_USAGE;
	}
	if (pidfile != NULL) {
		n = snprintf(c->path, sizeof(c->path), "%s", pidfile);
	} else {
		if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
			return cli_bad("NAME", name, "a plain file name is expected");
		n = snprintf(c->path, sizeof(c->path), "%s/%s.pid", c->rundir, name);
		c->named = 1;
	}
	if (n <= 0 || (size_t)n >= sizeof(c->path))
		return cli_bad("-p", pidfile ? pidfile : name, "path too long");
	return CLI_GO_ON;
}

/* Fill the defaults that depend on nothing given. */
static void defaults(const struct cli_cmd *cmd, struct cli *c)
{
	/* every field but the two path buffers, which hold strings */
	memset(c, 0, offsetof(struct cli, path));
	c->path[0] = c->rundir[0] = '\0';
	c->cmd = cmd;
	c->timeout_ms = -1;
	c->notify_fd = -1;
	c->ready_timeout_ms = READY_TIMEOUT_DEFAULT_MS;
	c->settle_ms = SETTLE_DEFAULT_MS;
	optind = 1;
	opterr = 0;
}

/* Check the operands: NAME before "--" and COMMAND after it, as the verb needs. */
static int operands(struct cli *c, int argc, char **argv, int dd)
{
	const char *name = NULL, *pidfile = c->pidfile;

	if (optind < dd && (c->cmd->flags & CMD_TARGET))
		name = argv[optind++];
	else if (optind < dd && svcctl_path_is_etcd(argv[optind]))
		/* list, cleanup: an etcd:// prefix in place of RUNDIR */
		snprintf(c->rundir, sizeof(c->rundir), "%s", argv[optind++]);
	/* NAME as etcd://HOSTS/KEY is the key's address, as with -p */
	if (name != NULL && pidfile == NULL && svcctl_path_is_etcd(name)) {
		pidfile = name;
		name = NULL;
	}
	if (optind < dd || (dd < argc && !(c->cmd->flags & CMD_COMMAND))) {
		fail("%s: unexpected argument \"%s\"", c->cmd->name, argv[optind]);
		return EXIT_USAGE;
	}
	if ((c->cmd->flags & CMD_COMMAND) && dd + 1 >= argc) {
		fail("%s: missing -- COMMAND", c->cmd->name);
		return EXIT_USAGE;
	}
	c->argv = argv + dd + 1;
	if (c->rundir[0] == '\0' && default_rundir(c->rundir, sizeof(c->rundir)) < 0 &&
	    (name != NULL || !(c->cmd->flags & CMD_TARGET))) {
		fail("no RUNDIR: give -d, or set SVCCTL_RUNDIR or XDG_RUNTIME_DIR");
		return EXIT_USAGE;
	}
	if (c->cmd->flags & CMD_TARGET)
		return resolve_target(c, pidfile, name);
	return CLI_GO_ON;
}

/*
 * Report the option that ended at argv[next - 1]: one that is not for the
 * verb, lacks its argument, or is unknown; returns the usage exit code.
 */
static int invalid_option(const struct cli_cmd *cmd, int opt, char **argv, int next)
{
	/* getopt's '?' (unknown, argument missing or not allowed) names the option in optopt */
	const struct cli_option *o = cli_option_of(opt == '?' ? optopt : opt);
	const char *given = argv[next - 1];

	/* "-u nobody": name the option, not its separate argument */
	if (optarg != NULL && optarg == argv[next - 1] && next >= 3)
		given = argv[next - 2];
	if (o != NULL && !(o->verbs & cmd->bit))
		fail("%s: invalid option \"%s\": --%s is not for %s", cmd->name, given, o->name,
		     cmd->name);
	else if (o != NULL && o->has_arg == required_argument)
		fail("%s: invalid option \"%s\": it needs %s", cmd->name, given, o->arg);
	else
		fail("%s: invalid option \"%s\"", cmd->name, given);
	return EXIT_USAGE;
}

/*
 * The argument of an option that may take one: --notify's "fd:N" may also
 * come as the next word ("--notify fd:3").
 */
static const char *optional_arg(const struct cli_option *o, int argc, char **argv)
{
	if (o->has_arg == optional_argument && optarg == NULL && optind < argc &&
	    strncmp(argv[optind], "fd:", 3) == 0)
		return argv[optind++];
	return optarg;
}

/* Parse one verb's options and operands; CLI_GO_ON to run the verb, else an exit code. */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli *c)
{
	const struct cli_option *o;
	const char *shortopts;
	const struct option *longopts = cli_longopts(&shortopts);
	int opt, rc, dd = 1;

	defaults(cmd, c);
	/* getopt never sees COMMAND: it starts after the first "--" */
	while (dd < argc && strcmp(argv[dd], "--") != 0)
		dd++;
	while ((opt = getopt_long(dd, argv, shortopts, longopts, NULL)) != -1) {
		o = cli_option_of(opt);
		if (o == NULL || !(o->verbs & cmd->bit))
			return invalid_option(cmd, opt, argv, optind);
		if (opt == 'h') {
			help_verb(cmd);
			return EXIT_OK;
		}
		if (strcmp(o->name, "list-options") == 0) {
			help_list_options(cmd);
			return EXIT_OK;
		}
		rc = cli_option_apply(c, o, optional_arg(o, dd, argv));
		if (rc != CLI_GO_ON)
			return rc;
	}
	rc = cli_check(c);
	if (rc == CLI_GO_ON)
		rc = operands(c, argc, argv, dd);
	return rc != CLI_GO_ON ? rc : make_schedule(c);
}
