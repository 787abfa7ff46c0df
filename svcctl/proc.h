/*
 * The process layer of svcctl: spawning, readiness, handles on processes,
 * sessions and sets of processes, implemented in the *_unix.c files (and
 * the part Windows has in *_win.c).  cli.h includes it.
 */
#ifndef SVCCTL_PROC_H
#define SVCCTL_PROC_H

#include <stddef.h>
#include <stdint.h>

#include "parse.h"
#include "platform.h"
#include "svcctl/pidfile.h"

struct cli;

/* A spawned server and the channels start waits on. */
struct spawn {
	int64_t pid;           /* the child we forked */
	uint64_t start;        /* its start time, read right after the fork */
	int64_t exec_ms;       /* svcctl__mono_ms() once exec succeeded */
	int64_t mainpid;       /* the server's pid to record (MAINPID=, pidfile, or pid) */
	int exec_err;          /* errno of a failed exec, 0 when exec succeeded */
	int notify_err;        /* ERRNO= the server sent, 0 when none */
	int reloading;         /* RELOADING=1 heard */
	int ready_fd;          /* notify socket or readiness pipe, -1 none */
	int child_fd;          /* the server's end of the readiness pipe, -1 none */
	int lock_fd;           /* <pidfile>.lock passed to the server, -1 none */
	int gate_fd;           /* run: the child execs once a byte comes through, -1 none */
	int report_fd;         /* the child's exec failure report, -1 none */
	char notify_path[256]; /* the bound notify socket, "" none */
	char status[256];      /* last STATUS= */
	int64_t old_pid;       /* --wait-pidfile: the pidfile before the spawn */
	int64_t old_mtime_ms;  /* (pid and mtime), to tell the server's file from it */
	int exited;            /* the child was reaped; wstatus holds its status */
	int wstatus;
};

/* A /bin/sh -c CMD in a process group of its own. */
struct shell {
	int64_t pid; /* -1 when none runs */
	int fd;      /* its pidfd, -1 none */
};

/* shell_unix.c: start CMD with stdout and stderr on outfd (-1: /dev/null). */
int shell_spawn(const char *cmd, int outfd, struct shell *sh);
/* shell_unix.c: kill the shell's process group and reap it. */
void shell_kill(struct shell *sh);
/* shell_unix.c: run CMD up to ms; its exit status (128+N killed), the
 * tail of its output in out, or a negative code (SVCCTL_E_TIMEOUT). */
int shell_run(const char *cmd, int64_t ms, char *out, size_t size);
/* shell_unix.c: one TCP connect to HOST:PORT within ms; 1 ok, 0 not, -1 bad host. */
int port_probe(const char *host, int port, int ms);
/* listen_unix.c: does a process svcctl started listen on HOST:PORT?  1 yes, 0 no, -1 bad host. */
int port_owned(const char *host, int port);

/* notify_unix.c: bind <pidfile>.notify (replacing a stale socket) into *sp. */
int notify_bind(const char *pidfile, int64_t uid, int64_t gid, struct spawn *sp);
/* notify_unix.c: close the socket and remove its file. */
void notify_unbind(struct spawn *sp);
/* notify_unix.c: read queued datagrams of the server's tree; 1 once READY=1. */
int notify_drain(const struct cli *c, struct spawn *sp, int64_t *deadline);

/* empty.c: did _state() find an empty pidfile (st, in) whose lock nobody holds? */
int pidfile_empty_free(const char *path, int st, const struct svcctl_pidinfo *in);
/* empty.c: holding the lock, remove an empty pidfile; 1 when removed. */
int pidfile_drop_empty(const struct cli *c);

#define SESSION_SUFFIX ".session"
#define NOTIFY_SUFFIX ".notify"

struct procset;

/* What leftovers() does with the session recorded for a pidfile. */
enum leftover_step {
	LEFT_RECORD, /* read path's recorded session (its sid=, else path.session) into *set: 1, 0
			none */
	LEFT_LIVE,   /* how many members of path's recorded session are alive */
	LEFT_STOP,   /* stop the members of *set per c's schedule: CLI_GO_ON or an exit code */
	LEFT_FORGET  /* remove path.session (when stale) and path.notify: CLI_GO_ON */
};

/*
 * leftover_unix.c: what a server's recorded session left, for stop, cleanup
 * and a start taking over.  leftover_win.c: Windows has no sessions, so
 * none is recorded, none is alive, and nothing is stopped or removed.
 */
int leftovers(const struct cli *c, const char *path, enum leftover_step step, struct procset *set);
/* leftover_unix.c: write <pidfile>.session for a server that writes its own pidfile. */
int session_write(const struct cli *c, int64_t mainpid, int64_t sid, uint64_t sid_start);
/* leftover_unix.c: the session of sp's main process and its proof (sid 0: none). */
void session_of(const struct spawn *sp, int64_t *sid, uint64_t *sid_start);

/* tree_unix.c: become the subreaper of what we start, so orphans stay provably ours. */
void spawn_adopt_orphans(void);

/*
 * Fork and exec c->argv detached as c asks; lock_fd (>= 0) is passed down
 * as SVCCTL_LOCK_FD.  Returns CLI_GO_ON or an exit code.
 */
int spawn_server(const struct cli *c, int lock_fd, struct spawn *sp);

/* Open the readiness channel c asks for (notify socket or pipe) into *sp; CLI_GO_ON or EXIT_FAIL.
 */
int ready_setup(const struct cli *c, int64_t uid, int64_t gid, struct spawn *sp);

/* The child's end of the readiness pipe, or -1. */
int ready_child_fd(const struct spawn *sp);

/* Wait until the server is ready per c; CLI_GO_ON ready, else an exit code. */
int spawn_wait_ready(const struct cli *c, struct spawn *sp);

/* tree_unix.c: kill what a failed start left (TERM, then KILL, bounded) and reap it. */
void spawn_abort(struct spawn *sp);
/* ready_unix.c: close the readiness channel and remove the notify socket. */
void spawn_free(struct spawn *sp);

/*
 * Fork c->argv without detaching, forwarding signals to it.  The child
 * execs only after started(arg, pid) returned CLI_GO_ON (an exit code aborts).
 * CLI_GO_ON once it runs, else an exit code.
 */
int spawn_child(const struct cli *c, struct spawn *sp, int (*started)(void *, int64_t), void *arg);

/*
 * spawn_child() in two steps, so a waiting run forks before it blocks:
 * spawn_gated() forks the child, which waits at its gate; spawn_release()
 * is the rest of spawn_child(); spawn_cancel() ends the child unrun.
 */
int spawn_gated(const struct cli *c, struct spawn *sp);
int spawn_release(const struct cli *c, struct spawn *sp, int (*started)(void *, int64_t),
		  void *arg);
void spawn_cancel(struct spawn *sp);

/* spawn_unix.c: publish via started(), open the gate, read the exec report; CLI_GO_ON or an exit
 * code. */
int spawn_let_go(const struct cli *c, struct spawn *sp, int (*started)(void *, int64_t), void *arg);

/* Wait for the child of spawn_child(); returns its exit code (128+N if killed). */
int spawn_wait(struct spawn *sp);

/* title_unix.c: show in ps "svcctl VERB: holding PATH (pid PID)". */
void proc_title_holding(const struct cli *c, int64_t pid);

/* An open handle on a process to signal and wait on (pidfd where possible). */
struct proc {
	int64_t pid;
	uint64_t start; /* start time seen when opened, 0 unknown */
	int fd;         /* pidfd, or -1 */
};

/*
 * Open a handle on pid, then read its start time for later checks; start is
 * the one it was judged with (0: none), whose match spares a /proc check.
 */
int proc_open(struct proc *p, int64_t pid, uint64_t start);
void proc_close(struct proc *p);

/* A user of -u USER[:GROUP]: ids (gid from GROUP when given) and name. */
struct user_ids {
	int64_t uid, gid;
	char name[256];
};

/* user_unix.c: look up -u USER[:GROUP]; CLI_GO_ON, or EXIT_USAGE after a message. */
int lookup_user(const char *spec, struct user_ids *u);

/* safety_unix.c: as root, refuse a pidfile others could steer; CLI_GO_ON fine, else an exit code.
 */
int safety_refuse(const struct cli *c);

/* safety_unix.c: is p still the process opened (alive, not a zombie, same start)? */
int proc_verify(const struct proc *p);

/*
 * Send sig to the process (or its group); refuses pid <= 1 and ourselves.
 * 0 sent, 1 no way to deliver it here (Windows: no window to close).
 */
int proc_signal(const struct proc *p, int sig, int group);

/* Wait up to ms (< 0 forever) for the process to die; 1 dead, 0 alive. */
int proc_wait_dead(const struct proc *p, int64_t ms);

/*
 * The process start time as start= records it (platform.h), 0 unknown;
 * expect (0: none) is the one the caller knows, whose match spares a check.
 */
static inline uint64_t proc_start_as(int64_t pid, uint64_t expect)
{
	uint64_t start = 0;

	return svcctl__proc_verify(pid, expect, &start) >= 0 ? start : 0;
}

/* The same without an expected start. */
static inline uint64_t proc_start(int64_t pid)
{
	return proc_start_as(pid, 0);
}

/* Seconds the process started at start (0: look it up) has run, -1 unknown. */
static inline int64_t proc_uptime(int64_t pid, uint64_t start)
{
	return svcctl__proc_uptime(start != 0 ? start : proc_start(pid));
}

/* ---- sets of processes (procset_unix.c) ---- */

#define PROCSET_MAX 512

/* A session and the start time that proves it (its leader's, or a lower bound). */
struct session_id {
	int64_t sid;
	uint64_t start; /* members started no earlier than this */
};

/*
 * The members of recorded sessions (the recorded sid, and the main
 * process's own should it have become a session leader), or, with none,
 * svcctl's own descendants.
 */
struct procset {
	/* LEFT_RECORD: the pidfile as judged while reading it (state SVCCTL_UNKNOWN: not) */
	struct svcctl_pidinfo judged;
	int nsess;
	struct session_id sess[2];
	int n; /* members found by the last scan */
	int64_t pid[PROCSET_MAX];
	int nproc;        /* members signalled by the last signal step */
	int64_t last_sid; /* the session of the last one checked, for messages */
	struct proc proc[PROCSET_MAX];
};

/* Find the set's live members (never init, svcctl or its caller); their number. */
int procset_scan(struct procset *set);

/* Signal each member found, re-checked right before; the number signalled. */
int procset_signal(struct procset *set, int sig);

/* Wait up to ms (< 0 forever) for the signalled members to die; 1 all dead. */
int procset_wait(struct procset *set, int64_t ms);

/* Close the handles of the last signal step. */
void procset_close(struct procset *set);

/* Add session sid proven by start to the set (ignored when it has it or sid <= 1). */
void procset_add(struct procset *set, int64_t sid, uint64_t start);

/* Run schedule s over the set, scanning again before each signal; 1 none left. */
int procset_stop(const struct cli *c, const struct svcctl_schedule *s, struct procset *set);

/*
 * Is session sid still the one whose leader started at start?  A live
 * leader must have that start time; a gone one proves nothing wrong, since
 * the id is not handed out again while a member lives.
 */
int session_proven(int64_t sid, uint64_t start);

/* The session id of pid, or -1. */
int64_t proc_session(int64_t pid);

/* Is pid ancestor, a descendant of it, or (as our subreaped orphan) of ours? */
int proc_descends(int64_t pid, int64_t ancestor);

#endif /* SVCCTL_PROC_H */
