/*
 * Options for shared storage and for what other lock libraries offer:
 * --stale-age, --nfs, -m, --refresh, --expire, --pid and --mine, and the
 * credentials of etcd mode (--etcd-*).
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* A message must fit one pidfile line: no control bytes, below the size cap. */
static int check_message(const struct cli *c, const char *msg)
{
	if (strlen(msg) >= SVCCTL_MSG_MAX)
		return cli_bad(c, "-m", msg, "longer than 255 bytes");
	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return cli_bad(c, "-m", msg, "control characters are not allowed");
	return -1;
}

/* Apply one readiness or reload option; -1 when fine, else the usage exit code. */
static int ready_opt(struct cli *c, int opt, const char *arg)
{
	switch (opt) {
	case O_READY_PORT:
		if (svcctl_parse_hostport(arg, c->ready_host, sizeof(c->ready_host),
					  &c->ready_port) < 0)
			return cli_bad(c, "--ready-port", arg,
				       "expected [HOST:]PORT with PORT from 1 to 65535");
		break;
	case O_READY_CMD:
		if (arg[0] == '\0')
			return cli_bad(c, "--ready-cmd", arg, "expected a shell command");
		c->ready_cmd = arg;
		break;
	case O_MIN_UPTIME:
		if (svcctl_parse_duration(arg, &c->min_uptime_ms) < 0 || c->min_uptime_ms == 0)
			return cli_bad(c, "--min-uptime", arg,
				       "expected a positive duration like 1s");
		break;
	case O_CHECK:
		if (arg[0] == '\0')
			return cli_bad(c, "--check", arg, "expected a shell command");
		c->check = arg;
		break;
	case O_SETTLE:
		if (svcctl_parse_duration(arg, &c->settle_ms) < 0)
			return cli_bad(c, "--settle", arg, "expected a duration like 500ms");
		break;
	}
	return -1;
}

/* Apply one --etcd-* option: a file or user name the library reads. */
static int etcd_opt(struct cli *c, int opt, const char *arg)
{
	static const char *const names[] = {"--etcd-cacert", "--etcd-cert", "--etcd-key",
					    "--etcd-user", "--etcd-password-file"};
	const char **fields[] = {&c->opts.etcd_cacert, &c->opts.etcd_cert, &c->opts.etcd_key,
				 &c->opts.etcd_user, &c->opts.etcd_password_file};
	int i = opt - O_ETCD_CACERT;

	if (arg[0] == '\0')
		return cli_bad(c, names[i], arg, "an empty value");
	*fields[i] = arg;
	return -1;
}

/* Apply one option of these groups to *c; -1 when fine, else the usage exit code. */
int cli_ext_opt(struct cli *c, int opt, const char *arg)
{
	int64_t v;

	switch (opt) {
	case O_STALE_AGE:
		if (svcctl_parse_duration(arg, &c->opts.stale_age_ms) < 0)
			return cli_bad(c, "--stale-age", arg,
				       "expected a duration like 30s; 0 = never");
		break;
	case O_NFS:
		c->opts.flags |= SVCCTL_F_NFS;
		break;
	case 'm':
		c->opts.msg = arg;
		return check_message(c, arg);
	case O_REFRESH:
		c->refresh = 1;
		break;
	case O_EXPIRE:
		if (svcctl_parse_duration(arg, &c->expire_ms) < 0 || c->expire_ms <= 0)
			return cli_bad(c, "--expire", arg, "expected a positive duration like 10m");
		break;
	case O_PID:
		if (svcctl_parse_int(arg, 2, INT_MAX, &v) < 0)
			return cli_bad(c, "--pid", arg, "expected a process id above 1");
		if (c->owner != 0)
			return cli_bad(c, "--pid", arg, "--pid and --mine exclude each other");
		c->owner = v;
		break;
	case O_MINE:
		if (c->owner != 0)
			return cli_bad(c, "--mine", "", "--pid and --mine exclude each other");
		c->owner = (int64_t)getppid();
		break;
	default:
		if (opt >= O_ETCD_CACERT)
			return etcd_opt(c, opt, arg);
		return ready_opt(c, opt, arg);
	}
	return -1;
}

/*
 * The readiness tests and their bound: --ready-timeout bounds the tests
 * and is never ignored, so without one it is an argument error.
 */
static int check_ready(struct cli *c)
{
	int tests =
	    c->notify || c->wait_pidfile || c->ready_port || c->ready_cmd || c->min_uptime_ms;

	if (c->cmd->opts & OPT_RELOAD) {
		if (c->notify && c->notify_fd >= 0)
			return cli_bad(c, "--notify", "fd:N",
				       "reload listens on the notify socket");
		if (c->ready_timeout_set && !c->notify)
			return cli_bad(c, "--ready-timeout", "",
				       "for reload it goes with --notify");
		return -1;
	}
	if (c->ready_timeout_set && !tests)
		return cli_bad(c, "--ready-timeout", "",
			       "it bounds --notify, --wait-pidfile, --ready-port, --ready-cmd "
			       "or --min-uptime; give one of them");
	if (c->foreground && tests)
		return cli_bad(c, "--foreground", "",
			       "the readiness tests are for detached starts");
	if (c->ready_timeout_set && c->min_uptime_ms >= c->ready_timeout_ms)
		return cli_bad(c, "--min-uptime", "", "must be shorter than --ready-timeout");
	if (!c->ready_timeout_set)
		c->ready_timeout_ms += c->min_uptime_ms;
	return -1;
}

/* Options that only make sense together: --refresh needs a stale age to halve. */
int cli_ext_check(struct cli *c)
{
	if (c->refresh && c->opts.stale_age_ms <= 0)
		return cli_bad(c, "--refresh", "", "needs --stale-age DURATION above 0");
	return check_ready(c);
}
