/*
 * The checks of options that depend on each other, made once every option
 * is read: the readiness tests and their bound, --refresh and --stale-age.
 */

#include "cli.h"

/*
 * Report a bad value of an option, or (val NULL) an option refused as
 * such; main prints the usage line.  EXIT_USAGE.
 */
int cli_bad(const char *opt, const char *val, const char *why)
{
	if (val == NULL)
		fail("%s: %s", opt, why);
	else
		fail("%s: invalid value \"%s\" (%s)", opt, val, why);
	return EXIT_USAGE;
}

/*
 * The readiness tests and their bound: --ready-timeout bounds the tests
 * and is never ignored, so without one it is an argument error.
 */
static int check_ready(struct cli *c)
{
	int tests =
	    c->notify || c->wait_pidfile || c->ready_port || c->ready_cmd || c->min_uptime_ms;

	if (c->cmd->bit == V_RELOAD) {
		if (c->notify && c->notify_fd >= 0)
			return cli_bad("--notify", "fd:N", "reload listens on the notify socket");
		if (c->ready_timeout_set && !c->notify)
			return cli_bad("--ready-timeout", NULL, "for reload it goes with --notify");
		return CLI_GO_ON;
	}
	if (c->ready_timeout_set && !tests)
		return cli_bad("--ready-timeout", NULL,
			       "it bounds --notify, --wait-pidfile, --ready-port, --ready-cmd "
			       "or --min-uptime; give one of them");
	if (c->foreground && tests)
		return cli_bad("--foreground", NULL, "the readiness tests are for detached starts");
	if (c->ready_timeout_set && c->min_uptime_ms >= c->ready_timeout_ms)
		return cli_bad("--min-uptime", NULL, "must be shorter than --ready-timeout");
	if (!c->ready_timeout_set)
		c->ready_timeout_ms += c->min_uptime_ms;
	return CLI_GO_ON;
}

/* Options that only make sense together: --refresh needs a stale age to halve. */
int cli_check(struct cli *c)
{
	if (c->refresh && c->opts.stale_age_ms <= 0)
		return cli_bad("--refresh", NULL, "needs --stale-age DURATION above 0");
	return check_ready(c);
}
