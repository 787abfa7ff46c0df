/*
 * Shared declarations of the svcctl front end: parsed arguments (verbs and
 * options: options.h), reporting helpers and the steps the verbs share;
 * the OS-specific process layer is declared in proc.h.
 */
#ifndef SVCCTL_CLI_H
#define SVCCTL_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "options.h"
#include "parse.h"
#include "platform.h"
#include "proc.h"
#include "svcctl/pidfile.h"

/* LSB exit codes. */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_STATUS_STOPPED 3
#define EXIT_PRIV 4
#define EXIT_NOT_INSTALLED 5
#define EXIT_NOT_RUNNING 7

/* The one return convention, CLI_GO_ON or an exit code: options.h. */

/* --ready-timeout when not given: 30 s (plus --min-uptime). */
#define READY_TIMEOUT_DEFAULT_MS 30000
/* --settle when not given: how long a reloaded server must survive. */
#define SETTLE_DEFAULT_MS 500

/* run: the lock was busy and its holder had not expired. */
#define EXIT_RUN_BUSY 1
/* run --expire: the holder had expired but could not be stopped. */
#define EXIT_RUN_UNSTOPPED 150
/* run in etcd mode: the lease was lost, COMMAND was stopped (SIGURG's 128+N: never a default
 * death). */
#define EXIT_RUN_LOST 151

#define CLI_PATH_MAX 4096
#define CLI_ENV_MAX 64

/* Everything the command line said, after parsing. */
struct cli {
	const struct cli_cmd *cmd;
	int named;                    /* NAME form: create RUNDIR if missing */
	int sig;                      /* -s, 0 when not given */
	int64_t timeout_ms;           /* -t, -1 when not given */
	struct svcctl_schedule sched; /* --retry / -t / default */
	int group, test, json, quiet, foreground, wait_pidfile;
	int notify;    /* --notify given */
	int notify_fd; /* -1 socket, else fd:N */
	int64_t ready_timeout_ms;
	int ready_timeout_set; /* --ready-timeout given */
	char ready_host[256];  /* --ready-port HOST, with ready_port > 0 */
	int ready_port;        /* --ready-port PORT, 0 when not given */
	const char *ready_cmd; /* --ready-cmd */
	int64_t min_uptime_ms; /* --min-uptime, 0 when not given */
	const char *check;     /* --check CMD of reload and restart */
	int64_t settle_ms;     /* --settle */
	int64_t wait_ms;       /* -w, 0 when not given, <0 forever */
	const char *user, *chdir, *output;
	int umask_set;
	unsigned umask;
	const char *env[CLI_ENV_MAX];
	int nenv;
	char **argv;         /* COMMAND [ARG...], NULL-terminated */
	const char *pidfile; /* -p as given, before resolution into path */
	const char *retry;   /* --retry as given, parsed into sched */
	unsigned
	    given_group; /* the exclusive option groups (cli_option.group) seen, one bit each */

	/* the library's options, run's holding, list's owner, root safety, etcd mode */
	struct svcctl_opts opts; /* --stale-age, --nfs, -m for the library */
	int refresh;             /* run --refresh */
	int64_t expire_ms;       /* run --expire, 0 when not given */
	int64_t owner;           /* list --pid / --mine, 0 when not given */
	int allow_unsafe;        /* --allow-unsafe-pidfile */
	int64_t pdeath_parent;   /* etcd mode: the child dies with this pid (PR_SET_PDEATHSIG) */

	/* last, so that the defaults need not zero 8 KiB (args.c) */
	char path[CLI_PATH_MAX]; /* the pidfile, resolved */
	char rundir[CLI_PATH_MAX];
};

/* report.c */
void say(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int exit_for(int rc);
void json_string(FILE *f, const char *s);
void print_info_json(FILE *f, const char *path, int state, const struct svcctl_pidinfo *in);
void format_uptime(int64_t secs, char *buf, size_t size);

/* verbs: cmd_VERB.c each (Windows has no start, restart and reload: main.c refuses them) */
int cmd_start(struct cli *c);
int cmd_restart(struct cli *c);
int cmd_stop(struct cli *c);
int cmd_reload(struct cli *c);
int cmd_status(struct cli *c);
int cmd_list(struct cli *c);
int cmd_cleanup(struct cli *c);
int cmd_run(struct cli *c);

/* How start_lock() and hold_and_run() treat a lock another process holds. */
enum hold_mode {
	HOLD_RUN,  /* run: wait for it up to the timeout; busy is a failure */
	HOLD_START /* start: a running server is success, nothing to do */
};

/*
 * hold.c: lock and judge: CLI_GO_ON with *lk, else an exit code (already
 * running: EXIT_OK for start, EXIT_RUN_BUSY for run).
 */
int start_lock(const struct cli *c, int64_t timeout_ms, enum hold_mode mode,
	       struct svcctl_lock **lk);

/* hold.c: hold the lock and pidfile while c->argv runs as our child; its exit code. */
int hold_and_run(const struct cli *c, int64_t timeout_ms, enum hold_mode mode);

/* What the gate callback publish_child() publishes with. */
struct publication {
	const struct cli *c;
	struct svcctl_lock *lk;
	const struct spawn *sp; /* its start time, read at fork, or NULL */
};

/* hold.c: record pid (arg: a struct publication) on the lock; CLI_GO_ON or an exit code. */
int publish_child(void *arg, int64_t pid);

/* etcd_cli.c: run the verb in etcd mode when its target is etcd://; CLI_GO_ON when not. */
int etcd_dispatch(struct cli *c);

struct spawn;
struct proc;

/* stale.c: remove a stale pidfile, an aged remote one too; 0 or a library code. */
int remove_stale(const struct cli *c, const char *path);
/* refresh.c: wait for the run child, touching the lock every stale age / 2. */
int wait_refreshing(const struct cli *c, struct svcctl_lock *lk, struct spawn *sp);
/* expire.c: is state st with *in a live holder older than run --expire? */
int is_expired(const struct cli *c, int st, const struct svcctl_pidinfo *in);
/* expire.c: stop an expired holder and take the lock: CLI_GO_ON with *lk, else an exit code. */
int take_expired(const struct cli *c, const struct svcctl_pidinfo *h, struct svcctl_lock **lk);
/*
 * schedule.c: stop the recorded process (must be *expect when given):
 * CLI_GO_ON once it died (the caller removes the pidfile), else an exit code.
 * judged: the pidfile as the caller just judged it, or NULL (see stop_open).
 */
int stop_holder(const struct cli *c, const struct svcctl_pidinfo *expect,
		const struct svcctl_pidinfo *judged, struct svcctl_pidinfo *in);
/*
 * schedule.c: judge the pidfile and open a handle on a running server:
 * CLI_GO_ON with *p, else the exit code (stop set: as stop, else as reload).
 * A judged that found it running is taken instead of judging again (NULL:
 * judge now): every signal is preceded by recheck() all the same.
 */
int stop_open(const struct cli *c, int stop, const struct svcctl_pidinfo *judged,
	      struct svcctl_pidinfo *in, struct proc *p);
/* What stop_send() did (a negative library code: an error, reported). */
enum sent {
	SENT,      /* signalled, or skipped: the pidfile names another process now */
	SENT_GONE, /* the process had died */
	SENT_NOT   /* no way to deliver the signal here (Windows: no window to close) */
};

/* schedule.c: re-check, then signal; an enum sent, or < 0 on an error. */
int stop_send(const struct cli *c, const struct proc *p, const struct svcctl_pidinfo *in, int sig);
/* check_unix.c: --check CMD; CLI_GO_ON passed (or none), else EXIT_FAIL after its output. */
int check_config(const struct cli *c);
/* rundir.c: call fn(path, name, arg) on every *.pid in RUNDIR, sorted; an exit code. */
int each_pidfile(const struct cli *c, void (*fn)(const char *, const char *, void *), void *arg);

/* rundir_unix.c, rundir_win.c: the default RUNDIR for this user into buf; 0 or -1 when none. */
int default_rundir(char *buf, size_t size);

#endif /* SVCCTL_CLI_H */
