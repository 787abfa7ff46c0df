/*
 * The option table: each option of svcctl once, with its letter, argument,
 * verbs, meaning and how it is stored.  It drives getopt_long, the check
 * of an option against the verb, the store into struct cli (a generic one
 * by kind, a parser for the special ones), the usage lines, VERB --help,
 * the shell completion and the man-page test.
 */
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Keys of the options without a letter. */
enum {
	O_UMASK = 256,
	O_FOREGROUND,
	O_WAIT_PIDFILE,
	O_NOTIFY,
	O_READY_PORT,
	O_READY_CMD,
	O_MIN_UPTIME,
	O_READY_TIMEOUT,
	O_RETRY,
	O_GROUP,
	O_TEST,
	O_CHECK,
	O_SETTLE,
	O_ALLOW_UNSAFE,
	O_EXPIRE,
	O_REFRESH,
	O_PID,
	O_MINE,
	O_JSON,
	O_STALE_AGE,
	O_NFS,
	O_ETCD_CACERT,
	O_ETCD_CERT,
	O_ETCD_KEY,
	O_ETCD_USER,
	O_ETCD_PASSWORD_FILE,
	O_VERSION,
	O_COMPLETION,
	O_LIST_OPTIONS
};

/* Verb sets that several options share. */
#define V_TARGETED (V_START | V_STOP | V_STATUS | V_RELOAD | V_RESTART | V_RUN)
#define V_STARTS (V_START | V_RESTART)
#define V_STOPS (V_STOP | V_RESTART)
#define V_SAFE (V_START | V_STOP | V_STATUS | V_RELOAD | V_RESTART)
#define V_READY (V_START | V_RESTART | V_RELOAD)

/* The exclusive groups (cli_option.group). */
#define G_OWNER 1 /* --pid, --mine */

#define REQ required_argument

/* The store columns of a row: kind, field of struct cli, why a value is refused, parser. */
#define FIELD(m) offsetof(struct cli, m)
#define FLAG(m) OPT_FLAG, FIELD(m), NULL, NULL
#define STRING(m) OPT_STRING, FIELD(m), NULL, NULL
#define NONEMPTY(m, why) OPT_NONEMPTY, FIELD(m), why, NULL
#define DURATION(m, why) OPT_DURATION, FIELD(m), why, NULL
#define POSITIVE(m, why) OPT_POSITIVE, FIELD(m), why, NULL
#define PARSED(fn) OPT_PARSED, 0, NULL, fn
#define NOSTORE OPT_NONE, 0, NULL, NULL

#define EXPECT_CMD "expected a shell command"
#define EXPECT_VALUE "an empty value"

static const char *parse_rundir(struct cli *c, const char *arg);
static const char *parse_signal(struct cli *c, const char *arg);
static const char *parse_umask(struct cli *c, const char *arg);
static const char *parse_env(struct cli *c, const char *arg);
static const char *parse_notify(struct cli *c, const char *arg);
static const char *parse_ready_port(struct cli *c, const char *arg);
static const char *parse_ready_timeout(struct cli *c, const char *arg);
static const char *parse_wait(struct cli *c, const char *arg);
static const char *parse_message(struct cli *c, const char *arg);
static const char *parse_pid(struct cli *c, const char *arg);
static const char *parse_mine(struct cli *c, const char *arg);
static const char *parse_nfs(struct cli *c, const char *arg);

/* In this order in usage lines, VERB --help and the completion. */
const struct cli_option cli_options[] = {
    {"pidfile", 'p', REQ, "PIDFILE", V_TARGETED, "the pidfile to act on", 0, STRING(pidfile)},
    {"rundir", 'd', REQ, "RUNDIR", V_ALL, "directory of named pidfiles", 0, PARSED(parse_rundir)},
    {"signal", 's', REQ, "SIGNAL", V_STOPS | V_RELOAD, "stop's first signal (TERM), reload's (HUP)",
     0, PARSED(parse_signal)},
    {"timeout", 't', REQ, "DURATION", V_STOPS, "stop schedule SIGNAL/DURATION/KILL/DURATION", 0,
     DURATION(timeout_ms, "expected a duration like 10s")},
    {"retry", O_RETRY, REQ, "SCHEDULE", V_STOPS, "stop schedule (default TERM/10/KILL/5)", 0,
     STRING(retry)},
    {"group", O_GROUP, no_argument, NULL, V_STOPS, "signal the server's process group", 0,
     FLAG(group)},
    {"test", O_TEST, no_argument, NULL, V_STOPS, "print what stop would do, do nothing", 0,
     FLAG(test)},
    {"check", O_CHECK, REQ, "CMD", V_RELOAD | V_RESTART,
     "refuse unless /bin/sh -c CMD exits 0 first", 0, NONEMPTY(check, EXPECT_CMD)},
    {"settle", O_SETTLE, REQ, "DURATION", V_RELOAD, "how long it must survive the signal (500ms)",
     0, DURATION(settle_ms, "expected a duration like 500ms")},
    {"user", 'u', REQ, "USER[:GROUP]", V_SAFE, "start: run as USER; as root: the service user", 0,
     STRING(user)},
    {"allow-unsafe-pidfile", O_ALLOW_UNSAFE, no_argument, NULL, V_SAFE,
     "as root, accept a pidfile others could steer", 0, FLAG(allow_unsafe)},
    {"chdir", 'C', REQ, "DIR", V_STARTS, "the server's working directory", 0, STRING(chdir)},
    {"output", 'o', REQ, "FILE", V_STARTS, "append the server's stdout and stderr to FILE", 0,
     STRING(output)},
    {"umask", O_UMASK, REQ, "MASK", V_STARTS, "the server's umask (octal)", 0, PARSED(parse_umask)},
    {"env", 'e', REQ, "VAR=VALUE", V_STARTS, "set a variable of the server (repeatable)", 0,
     PARSED(parse_env)},
    {"foreground", O_FOREGROUND, no_argument, NULL, V_STARTS,
     "do not detach: hold the lock while it runs", 0, FLAG(foreground)},
    {"wait-pidfile", O_WAIT_PIDFILE, no_argument, NULL, V_STARTS,
     "ready once its own pidfile names it", 0, FLAG(wait_pidfile)},
    {"notify", O_NOTIFY, optional_argument, "fd:N", V_READY,
     "ready on sd_notify READY=1 (or a line on fd N)", 0, PARSED(parse_notify)},
    {"ready-port", O_READY_PORT, REQ, "[HOST:]PORT", V_STARTS, "ready once it listens on HOST:PORT",
     0, PARSED(parse_ready_port)},
    {"ready-cmd", O_READY_CMD, REQ, "CMD", V_STARTS, "ready once /bin/sh -c CMD exits 0", 0,
     NONEMPTY(ready_cmd, EXPECT_CMD)},
    {"min-uptime", O_MIN_UPTIME, REQ, "DURATION", V_STARTS, "ready once alive that long after exec",
     0, POSITIVE(min_uptime_ms, "expected a positive duration like 1s")},
    {"ready-timeout", O_READY_TIMEOUT, REQ, "DURATION", V_READY,
     "bound of the readiness tests (default 30s)", 0, PARSED(parse_ready_timeout)},
    {"wait", 'w', REQ, "DURATION|forever", V_RUN, "how long to wait for the lock (default: none)",
     0, PARSED(parse_wait)},
    {"message", 'm', REQ, "MSG", V_STARTS | V_RUN, "a one-line message recorded as msg=", 0,
     PARSED(parse_message)},
    {"expire", O_EXPIRE, REQ, "DURATION", V_RUN, "take over from a holder older than DURATION", 0,
     POSITIVE(expire_ms, "expected a positive duration like 10m")},
    {"refresh", O_REFRESH, no_argument, NULL, V_RUN, "touch the pidfile every half --stale-age", 0,
     FLAG(refresh)},
    {"pid", O_PID, REQ, "PID", V_LIST, "only what process PID holds", G_OWNER, PARSED(parse_pid)},
    {"mine", O_MINE, no_argument, NULL, V_LIST, "only what the calling process holds", G_OWNER,
     PARSED(parse_mine)},
    {"json", O_JSON, no_argument, NULL, V_STATUS | V_LIST, "machine-readable output", 0,
     FLAG(json)},
    {"stale-age", O_STALE_AGE, REQ, "DURATION", V_ALL,
     "a remote pidfile this old is stale (0: never)", 0,
     DURATION(opts.stale_age_ms, "expected a duration like 30s; 0 = never")},
    {"nfs", O_NFS, no_argument, NULL, V_ALL, "the NFS-safe lock mode", 0, PARSED(parse_nfs)},
    {"etcd-cacert", O_ETCD_CACERT, REQ, "FILE", V_ALL, "etcd: the CA bundle for etcds://", 0,
     NONEMPTY(opts.etcd_cacert, EXPECT_VALUE)},
    {"etcd-cert", O_ETCD_CERT, REQ, "FILE", V_ALL, "etcd: the client certificate", 0,
     NONEMPTY(opts.etcd_cert, EXPECT_VALUE)},
    {"etcd-key", O_ETCD_KEY, REQ, "FILE", V_ALL, "etcd: the client certificate's key", 0,
     NONEMPTY(opts.etcd_key, EXPECT_VALUE)},
    {"etcd-user", O_ETCD_USER, REQ, "USER", V_ALL, "etcd: authenticate as USER", 0,
     NONEMPTY(opts.etcd_user, EXPECT_VALUE)},
    {"etcd-password-file", O_ETCD_PASSWORD_FILE, REQ, "FILE", V_ALL,
     "etcd: the user's password, first line of FILE", 0,
     NONEMPTY(opts.etcd_password_file, EXPECT_VALUE)},
    {"quiet", 'q', no_argument, NULL, V_ALL, "no messages except errors", 0, FLAG(quiet)},
    {"help", 'h', no_argument, NULL, V_ALL | V_TOP, "this help", 0, NOSTORE},
    {"version", O_VERSION, no_argument, NULL, V_TOP, "the version", 0, NOSTORE},
    {"completion", O_COMPLETION, REQ, "SHELL", V_TOP, "the completion script (bash)", 0, NOSTORE},
    {"list-options", O_LIST_OPTIONS, no_argument, NULL, V_ALL | V_TOP, NULL, 0, NOSTORE},
    {NULL, 0, 0, NULL, 0, NULL, 0, NOSTORE},
};

#define NOPTS (sizeof(cli_options) / sizeof(cli_options[0]))

/* The option of key, or NULL. */
const struct cli_option *cli_option_of(int key)
{
	for (const struct cli_option *o = cli_options; o->name != NULL; o++)
		if (o->key == key)
			return o;
	return NULL;
}

/* How messages name o: "-p" when it has a letter, else "--name". */
static const char *label_of(const struct cli_option *o, char *buf, size_t size)
{
	if (o->key < 256)
		snprintf(buf, size, "-%c", o->key);
	else
		snprintf(buf, size, "--%s", o->name);
	return buf;
}

/* The getopt_long tables of cli_options, filled on the first call. */
const struct option *cli_longopts(const char **shortopts)
{
	static struct option longopts[NOPTS];
	static char letters[3 * NOPTS + 1];
	size_t n = 0;

	if (letters[0] == '\0') {
		for (size_t i = 0; cli_options[i].name != NULL; i++) {
			const struct cli_option *o = &cli_options[i];

			longopts[i] = (struct option){o->name, o->has_arg, NULL, o->key};
			if (o->key >= 256)
				continue;
			letters[n++] = (char)o->key;
			if (o->has_arg != no_argument)
				letters[n++] = ':';
			if (o->has_arg == optional_argument)
				letters[n++] = ':';
		}
	}
	*shortopts = letters;
	return longopts;
}

/* A duration into *ms, above 0 when positive is set; why it is refused, or NULL. */
static const char *duration(const char *arg, int64_t *ms, int positive, const char *why)
{
	if (svcctl_parse_duration(arg, ms) < 0 || (positive && *ms <= 0))
		return why;
	return NULL;
}

/* -d RUNDIR, copied: a NAME resolves against it. */
static const char *parse_rundir(struct cli *c, const char *arg)
{
	snprintf(c->rundir, sizeof(c->rundir), "%s", arg);
	return NULL;
}

/* -s SIGNAL, a name or a number. */
static const char *parse_signal(struct cli *c, const char *arg)
{
	return svcctl_parse_signal(arg, &c->sig) < 0 ? "expected a signal name or number" : NULL;
}

/* --umask MASK, octal. */
static const char *parse_umask(struct cli *c, const char *arg)
{
	c->umask_set = 1;
	return svcctl_parse_umask(arg, &c->umask) < 0 ? "expected an octal mask such as 022" : NULL;
}

/* One -e VAR=VALUE added to the server's environment. */
static const char *parse_env(struct cli *c, const char *arg)
{
	if (svcctl_parse_env(arg) < 0)
		return "expected VAR=VALUE";
	if (c->nenv == CLI_ENV_MAX)
		return "too many variables";
	c->env[c->nenv++] = arg;
	return NULL;
}

/* --notify, or --notify=fd:N: a line on fd N instead of the socket. */
static const char *parse_notify(struct cli *c, const char *arg)
{
	c->notify = 1;
	return svcctl_parse_notify(arg, &c->notify_fd) < 0 ? "expected fd:N with N from 3 to 1023"
							   : NULL;
}

/* --ready-port [HOST:]PORT. */
static const char *parse_ready_port(struct cli *c, const char *arg)
{
	if (svcctl_parse_hostport(arg, c->ready_host, sizeof(c->ready_host), &c->ready_port) < 0)
		return "expected [HOST:]PORT with PORT from 1 to 65535";
	return NULL;
}

/* --ready-timeout DURATION, remembered as given (args_check.c). */
static const char *parse_ready_timeout(struct cli *c, const char *arg)
{
	c->ready_timeout_set = 1;
	return duration(arg, &c->ready_timeout_ms, 1, "expected a positive duration like 10s");
}

/* -w DURATION, or "forever" as in the --retry grammar: wait as long as it takes. */
static const char *parse_wait(struct cli *c, const char *arg)
{
	if (strcmp(arg, "forever") == 0) {
		c->wait_ms = -1;
		return NULL;
	}
	return duration(arg, &c->wait_ms, 0, "expected a duration like 10s, or forever");
}

/* A message must fit one pidfile line: no control bytes, below the size cap. */
static const char *parse_message(struct cli *c, const char *msg)
{
	if (strlen(msg) >= SVCCTL_MSG_MAX)
		return "longer than 255 bytes";
	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "control characters are not allowed";
	c->opts.msg = msg;
	return NULL;
}

/* --pid PID of list. */
static const char *parse_pid(struct cli *c, const char *arg)
{
	int64_t v;

	if (svcctl_parse_int(arg, 2, INT_MAX, &v) < 0)
		return "expected a process id above 1";
	c->owner = v;
	return NULL;
}

/* --mine: the calling process, svcctl's parent. */
static const char *parse_mine(struct cli *c, const char *arg)
{
	(void)arg;
	c->owner = (int64_t)getppid();
	return NULL;
}

/* --nfs: a flag of the library's options. */
static const char *parse_nfs(struct cli *c, const char *arg)
{
	(void)arg;
	c->opts.flags |= SVCCTL_F_NFS;
	return NULL;
}

/* Store arg into the field of *c that o names, by o's kind; why it is refused, or NULL. */
static const char *store(struct cli *c, const struct cli_option *o, const char *arg)
{
	char *field = (char *)c + o->field;

	switch (o->kind) {
	case OPT_FLAG:
		*(int *)(void *)field = 1;
		return NULL;
	case OPT_STRING:
	case OPT_NONEMPTY:
		*(const char **)(void *)field = arg;
		return o->kind == OPT_NONEMPTY && arg[0] == '\0' ? o->why : NULL;
	case OPT_DURATION:
	case OPT_POSITIVE:
		return duration(arg, (int64_t *)(void *)field, o->kind == OPT_POSITIVE, o->why);
	case OPT_PARSED:
		return o->parse(c, arg);
	case OPT_NONE:
		break;
	}
	return NULL;
}

/* The members of o's exclusive group joined as "--a and --b", into buf. */
static const char *group_names(const struct cli_option *o, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (const struct cli_option *m = cli_options; m->name != NULL && n < size; m++)
		if (m->group == o->group)
			n += (size_t)snprintf(buf + n, size - n, "%s--%s", n ? " and " : "",
					      m->name);
	return buf;
}

/* Store option o with argument arg (NULL: none) into *c; CLI_GO_ON, else EXIT_USAGE. */
int cli_option_apply(struct cli *c, const struct cli_option *o, const char *arg)
{
	char label[32], names[128], why[160];
	const char *bad;

	label_of(o, label, sizeof(label));
	if (o->group != 0 && (c->given_group & (1u << o->group))) {
		snprintf(why, sizeof(why), "%s exclude each other",
			 group_names(o, names, sizeof(names)));
		return cli_bad(label, NULL, why);
	}
	if (o->group != 0)
		c->given_group |= 1u << o->group;
	bad = store(c, o, arg);
	return bad != NULL ? cli_bad(label, arg, bad) : CLI_GO_ON;
}
