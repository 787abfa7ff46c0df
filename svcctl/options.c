/*
 * The option table: each option of svcctl once, with its letter, argument,
 * verbs and meaning.  It drives getopt_long, the check of an option against
 * the verb, the store into struct cli, the usage lines, VERB --help, the
 * shell completion and the man-page test.
 */
#include <getopt.h>
#include <limits.h>
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

/* In this order in usage lines, VERB --help and the completion. */
const struct cli_option cli_options[] = {
    {"pidfile", 'p', REQ, "PIDFILE", V_TARGETED, "the pidfile to act on", 0},
    {"rundir", 'd', REQ, "RUNDIR", V_ALL, "directory of named pidfiles", 0},
    {"signal", 's', REQ, "SIGNAL", V_STOPS | V_RELOAD, "stop's first signal (TERM), reload's (HUP)",
     0},
    {"timeout", 't', REQ, "DURATION", V_STOPS, "stop schedule SIGNAL/DURATION/KILL/DURATION", 0},
    {"retry", O_RETRY, REQ, "SCHEDULE", V_STOPS, "stop schedule (default TERM/10/KILL/5)", 0},
    {"group", O_GROUP, no_argument, NULL, V_STOPS, "signal the server's process group", 0},
    {"test", O_TEST, no_argument, NULL, V_STOPS, "print what stop would do, do nothing", 0},
    {"check", O_CHECK, REQ, "CMD", V_RELOAD | V_RESTART,
     "refuse unless /bin/sh -c CMD exits 0 first", 0},
    {"settle", O_SETTLE, REQ, "DURATION", V_RELOAD, "how long it must survive the signal (500ms)",
     0},
    {"user", 'u', REQ, "USER[:GROUP]", V_SAFE, "start: run as USER; as root: the service user", 0},
    {"allow-unsafe-pidfile", O_ALLOW_UNSAFE, no_argument, NULL, V_SAFE,
     "as root, accept a pidfile others could steer", 0},
    {"chdir", 'C', REQ, "DIR", V_STARTS, "the server's working directory", 0},
    {"output", 'o', REQ, "FILE", V_STARTS, "append the server's stdout and stderr to FILE", 0},
    {"umask", O_UMASK, REQ, "MASK", V_STARTS, "the server's umask (octal)", 0},
    {"env", 'e', REQ, "VAR=VALUE", V_STARTS, "set a variable of the server (repeatable)", 0},
    {"foreground", O_FOREGROUND, no_argument, NULL, V_STARTS,
     "do not detach: hold the lock while it runs", 0},
    {"wait-pidfile", O_WAIT_PIDFILE, no_argument, NULL, V_STARTS,
     "ready once its own pidfile names it", 0},
    {"notify", O_NOTIFY, optional_argument, "fd:N", V_READY,
     "ready on sd_notify READY=1 (or a line on fd N)", 0},
    {"ready-port", O_READY_PORT, REQ, "[HOST:]PORT", V_STARTS, "ready once it listens on HOST:PORT",
     0},
    {"ready-cmd", O_READY_CMD, REQ, "CMD", V_STARTS, "ready once /bin/sh -c CMD exits 0", 0},
    {"min-uptime", O_MIN_UPTIME, REQ, "DURATION", V_STARTS, "ready once alive that long after exec",
     0},
    {"ready-timeout", O_READY_TIMEOUT, REQ, "DURATION", V_READY,
     "bound of the readiness tests (default 30s)", 0},
    {"wait", 'w', REQ, "DURATION|forever", V_RUN, "how long to wait for the lock (default: none)",
     0},
    {"message", 'm', REQ, "MSG", V_STARTS | V_RUN, "a one-line message recorded as msg=", 0},
    {"expire", O_EXPIRE, REQ, "DURATION", V_RUN, "take over from a holder older than DURATION", 0},
    {"refresh", O_REFRESH, no_argument, NULL, V_RUN, "touch the pidfile every half --stale-age", 0},
    {"pid", O_PID, REQ, "PID", V_LIST, "only what process PID holds", G_OWNER},
    {"mine", O_MINE, no_argument, NULL, V_LIST, "only what the calling process holds", G_OWNER},
    {"json", O_JSON, no_argument, NULL, V_STATUS | V_LIST, "machine-readable output", 0},
    {"stale-age", O_STALE_AGE, REQ, "DURATION", V_ALL,
     "a remote pidfile this old is stale (0: never)", 0},
    {"nfs", O_NFS, no_argument, NULL, V_ALL, "the NFS-safe lock mode", 0},
    {"etcd-cacert", O_ETCD_CACERT, REQ, "FILE", V_ALL, "etcd: the CA bundle for etcds://", 0},
    {"etcd-cert", O_ETCD_CERT, REQ, "FILE", V_ALL, "etcd: the client certificate", 0},
    {"etcd-key", O_ETCD_KEY, REQ, "FILE", V_ALL, "etcd: the client certificate's key", 0},
    {"etcd-user", O_ETCD_USER, REQ, "USER", V_ALL, "etcd: authenticate as USER", 0},
    {"etcd-password-file", O_ETCD_PASSWORD_FILE, REQ, "FILE", V_ALL,
     "etcd: the user's password, first line of FILE", 0},
    {"quiet", 'q', no_argument, NULL, V_ALL, "no messages except errors", 0},
    {"help", 'h', no_argument, NULL, V_ALL | V_TOP, "this help", 0},
    {"version", O_VERSION, no_argument, NULL, V_TOP, "the version", 0},
    {"completion", O_COMPLETION, REQ, "SHELL", V_TOP, "the completion script (bash)", 0},
    {"list-options", O_LIST_OPTIONS, no_argument, NULL, V_ALL | V_TOP, NULL, 0},
    {NULL, 0, 0, NULL, 0, NULL, 0},
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

/* A message must fit one pidfile line: no control bytes, below the size cap. */
static const char *message(struct cli *c, const char *msg)
{
	if (strlen(msg) >= SVCCTL_MSG_MAX)
		return "longer than 255 bytes";
	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "control characters are not allowed";
	c->opts.msg = msg;
	return NULL;
}

/* One -e VAR=VALUE added to the server's environment. */
static const char *env(struct cli *c, const char *arg)
{
	if (svcctl_parse_env(arg) < 0)
		return "expected VAR=VALUE";
	if (c->nenv == CLI_ENV_MAX)
		return "too many variables";
	c->env[c->nenv++] = arg;
	return NULL;
}

/* The field of struct cli that a string-valued option sets, or NULL. */
static const char **string_field(struct cli *c, int key)
{
	switch (key) {
	case 'u':
		return &c->user;
	case 'C':
		return &c->chdir;
	case 'o':
		return &c->output;
	case 'p':
		return &c->pidfile;
	case O_RETRY:
		return &c->retry;
	case O_READY_CMD:
		return &c->ready_cmd;
	case O_CHECK:
		return &c->check;
	case O_ETCD_CACERT:
		return &c->opts.etcd_cacert;
	case O_ETCD_CERT:
		return &c->opts.etcd_cert;
	case O_ETCD_KEY:
		return &c->opts.etcd_key;
	case O_ETCD_USER:
		return &c->opts.etcd_user;
	case O_ETCD_PASSWORD_FILE:
		return &c->opts.etcd_password_file;
	}
	return NULL;
}

/* The flag of struct cli that an option without argument sets, or NULL. */
static int *flag_field(struct cli *c, int key)
{
	switch (key) {
	case 'q':
		return &c->quiet;
	case O_GROUP:
		return &c->group;
	case O_TEST:
		return &c->test;
	case O_JSON:
		return &c->json;
	case O_FOREGROUND:
		return &c->foreground;
	case O_WAIT_PIDFILE:
		return &c->wait_pidfile;
	case O_ALLOW_UNSAFE:
		return &c->allow_unsafe;
	case O_REFRESH:
		return &c->refresh;
	}
	return NULL;
}

/* Store a parsed readiness or reload option; why arg is refused, or NULL. */
static const char *store_ready(struct cli *c, int key, const char *arg)
{
	switch (key) {
	case O_NOTIFY:
		c->notify = 1;
		return svcctl_parse_notify(arg, &c->notify_fd) < 0
			   ? "expected fd:N with N from 3 to 1023"
			   : NULL;
	case O_READY_PORT:
		return svcctl_parse_hostport(arg, c->ready_host, sizeof(c->ready_host),
					     &c->ready_port) < 0
			   ? "expected [HOST:]PORT with PORT from 1 to 65535"
			   : NULL;
	case O_READY_TIMEOUT:
		c->ready_timeout_set = 1;
		return duration(arg, &c->ready_timeout_ms, 1,
				"expected a positive duration like 10s");
	case O_MIN_UPTIME:
		return duration(arg, &c->min_uptime_ms, 1, "expected a positive duration like 1s");
	case O_SETTLE:
		return duration(arg, &c->settle_ms, 0, "expected a duration like 500ms");
	}
	return NULL;
}

/* Store a parsed value of option key; why arg is refused, or NULL. */
static const char *store(struct cli *c, int key, const char *arg)
{
	int64_t v;

	switch (key) {
	case 'd':
		snprintf(c->rundir, sizeof(c->rundir), "%s", arg);
		return NULL;
	case 's':
		return svcctl_parse_signal(arg, &c->sig) < 0 ? "expected a signal name or number"
							     : NULL;
	case 't':
		return duration(arg, &c->timeout_ms, 0, "expected a duration like 10s");
	case 'w':
		/* "forever" as in the --retry grammar: wait as long as it takes */
		if (strcmp(arg, "forever") == 0) {
			c->wait_ms = -1;
			return NULL;
		}
		return duration(arg, &c->wait_ms, 0, "expected a duration like 10s, or forever");
	case 'e':
		return env(c, arg);
	case 'm':
		return message(c, arg);
	case O_UMASK:
		c->umask_set = 1;
		return svcctl_parse_umask(arg, &c->umask) < 0 ? "expected an octal mask such as 022"
							      : NULL;
	case O_STALE_AGE:
		return duration(arg, &c->opts.stale_age_ms, 0,
				"expected a duration like 30s; 0 = never");
	case O_EXPIRE:
		return duration(arg, &c->expire_ms, 1, "expected a positive duration like 10m");
	case O_NFS:
		c->opts.flags |= SVCCTL_F_NFS;
		return NULL;
	case O_PID:
		if (svcctl_parse_int(arg, 2, INT_MAX, &v) < 0)
			return "expected a process id above 1";
		c->owner = v;
		return NULL;
	case O_MINE:
		c->owner = (int64_t)getppid();
		return NULL;
	}
	return store_ready(c, key, arg);
}

/* Why a string argument is refused: commands and etcd credentials must not be empty. */
static const char *string_check(int key, const char *arg)
{
	if (arg[0] != '\0')
		return NULL;
	if (key == O_READY_CMD || key == O_CHECK)
		return "expected a shell command";
	return key >= O_ETCD_CACERT && key <= O_ETCD_PASSWORD_FILE ? "an empty value" : NULL;
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
	const char **s = string_field(c, o->key);
	int *flag = flag_field(c, o->key);
	const char *bad;

	label_of(o, label, sizeof(label));
	if (o->group != 0 && (c->given_group & (1u << o->group))) {
		snprintf(why, sizeof(why), "%s exclude each other",
			 group_names(o, names, sizeof(names)));
		return cli_bad(label, arg ? arg : "", why);
	}
	if (o->group != 0)
		c->given_group |= 1u << o->group;
	if (s != NULL) {
		*s = arg;
		bad = string_check(o->key, arg);
	} else if (flag != NULL) {
		*flag = 1;
		bad = NULL;
	} else {
		bad = store(c, o->key, arg);
	}
	return bad != NULL ? cli_bad(label, arg ? arg : "", bad) : CLI_GO_ON;
}
