/*
 * Shared declarations of the svcctl front end: parsed arguments, the
 * command table, reporting helpers and the OS-specific process layer
 * (implemented in the *_unix.c files, swappable for another OS).
 */
#ifndef SVCCTL_CLI_H
#define SVCCTL_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "parse.h"
#include "svcctl/pidfile.h"

/* LSB exit codes. */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_STATUS_STOPPED 3
#define EXIT_PRIV 4
#define EXIT_NOT_INSTALLED 5
#define EXIT_NOT_RUNNING 7

/* Option groups: which verbs accept which options. */
#define OPT_TARGET 0x01  /* -p, NAME */
#define OPT_RUNDIR 0x02  /* -d */
#define OPT_START 0x04   /* -u -C -o --umask -e --foreground readiness */
#define OPT_STOP 0x08    /* -t --retry --group --test */
#define OPT_SIGNAL 0x10  /* -s */
#define OPT_JSON 0x20    /* --json */
#define OPT_WAIT 0x40    /* -w */
#define OPT_COMMAND 0x80 /* -- COMMAND [ARG...] required */

#define CLI_PATH_MAX 4096
#define CLI_ENV_MAX 64

/* Everything the command line said, after parsing. */
struct cli {
	const struct cli_cmd *cmd;
	char path[CLI_PATH_MAX]; /* the pidfile, resolved */
	char rundir[CLI_PATH_MAX];
	int named;                    /* NAME form: create RUNDIR if missing */
	int sig;                      /* -s, 0 when not given */
	int64_t timeout_ms;           /* -t, -1 when not given */
	struct svcctl_schedule sched; /* --retry / -t / default */
	int group, test, json, quiet, foreground, wait_pidfile;
	int notify;    /* --notify given */
	int notify_fd; /* -1 socket, else fd:N */
	int64_t ready_timeout_ms;
	int64_t wait_ms; /* -w, 0 when not given, <0 forever */
	const char *user, *chdir, *output;
	int umask_set;
	unsigned umask;
	const char *env[CLI_ENV_MAX];
	int nenv;
	char **argv; /* COMMAND [ARG...], NULL-terminated */
};

/* One verb: its name, handler, accepted options and usage line. */
struct cli_cmd {
	const char *name;
	int (*run)(struct cli *c);
	unsigned opts;
	const char *usage;
	const char *help;
};

/* args.c: parse argv after the verb into *c; returns 0 or an exit code. */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli *c);
void cli_usage(FILE *f, const struct cli_cmd *cmd);

/* report.c */
void say(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int exit_for(int rc);
void json_string(FILE *f, const char *s);
void print_info_json(FILE *f, const char *path, int state, const struct svcctl_pidinfo *in);
void format_uptime(int64_t secs, char *buf, size_t size);

/* verbs */
int cmd_start(struct cli *c);
int cmd_restart(struct cli *c);
int cmd_stop(struct cli *c);
int cmd_reload(struct cli *c);
int cmd_status(struct cli *c);
int cmd_list(struct cli *c);
int cmd_cleanup(struct cli *c);
int cmd_run(struct cli *c);

/* Lock and judge for start/run: 0 go on, -1 already running, else an exit code. */
int start_lock(const struct cli *c, int64_t timeout_ms, int probe, struct svcctl_lock **lk);

/* Hold the lock and pidfile while c->argv runs as our child; its exit code. */
int hold_and_run(const struct cli *c, int64_t timeout_ms);

/* ---- process layer (proc_unix.c, spawn_unix.c, ready_unix.c) ---- */

/* A spawned server and the channels start waits on. */
struct spawn {
	int64_t pid;          /* the child we forked */
	int64_t mainpid;      /* the server's pid to record (MAINPID= or pid) */
	int exec_err;         /* errno of a failed exec, 0 when exec succeeded */
	int ready_fd;         /* notify socket or readiness pipe, -1 none */
	int child_fd;         /* the server's end of the readiness pipe, -1 none */
	char notify_dir[256]; /* private directory of the notify socket */
	char status[256];     /* last STATUS= */
	int exited;           /* the child was reaped; wstatus holds its status */
	int wstatus;
};

/* Fork and exec c->argv detached as c asks; returns 0 or an exit code. */
int spawn_server(const struct cli *c, struct spawn *sp);

/* Open the readiness channel c asks for (notify socket or pipe) into *sp. */
int ready_setup(const struct cli *c, int64_t uid, int64_t gid, struct spawn *sp);

/* The child's end of the readiness pipe, or -1. */
int ready_child_fd(const struct spawn *sp);

/* Wait until the server is ready per c; 0 ready, else an exit code. */
int spawn_wait_ready(const struct cli *c, struct spawn *sp);

/* Kill (if still ours), reap and free what spawn_server set up. */
void spawn_abort(struct spawn *sp);
void spawn_free(struct spawn *sp);

/*
 * Fork c->argv without detaching, forwarding signals to it.  The child
 * execs only after started(arg, pid) returned 0 (a non-zero code aborts).
 */
int spawn_child(const struct cli *c, struct spawn *sp, int (*started)(void *, int64_t), void *arg);

/* Wait for the child of spawn_child(); returns its exit code (128+N if killed). */
int spawn_wait(struct spawn *sp);

/* An open handle on a process to signal and wait on (pidfd where possible). */
struct proc {
	int64_t pid;
	int fd; /* pidfd, or -1 */
};

/* Open a handle on pid, then confirm it is the recorded process. */
int proc_open(struct proc *p, int64_t pid);
void proc_close(struct proc *p);

/* Send sig to the process (or its group); refuses pid <= 1 and ourselves. */
int proc_signal(const struct proc *p, int sig, int group);

/* Wait up to ms (< 0 forever) for the process to die; 1 dead, 0 alive. */
int proc_wait_dead(const struct proc *p, int64_t ms);

/* /proc/PID/stat into buf; returns a pointer to field 3 (state), or NULL. */
const char *proc_stat(int64_t pid, char *buf, size_t size);

/* Seconds the process has been running, or -1 when unknown. */
int64_t proc_uptime(int64_t pid, uint64_t start);

/* Create dir and its missing parents (mode 0755); 0 or -1 with errno. */
int make_dirs(const char *dir);

/* Monotonic milliseconds. */
int64_t mono_ms(void);

/* The default RUNDIR for this user into buf; 0 or -1 when none. */
int default_rundir(char *buf, size_t size);

#endif /* SVCCTL_CLI_H */
