/*
 * Spawning servers on Unix: fork, detach (setsid, stdio, closefrom,
 * default signals), drop privileges, exec, and report exec failure back
 * through a close-on-exec pipe.
 */
#define _GNU_SOURCE
#include <bsd/unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* Steps of the child's setup, reported with errno when one fails. */
enum step { S_EXEC, S_STDIO, S_OUTPUT, S_FDS, S_SETSID, S_PRIV, S_CHDIR, S_ENV };

static const char *const step_names[] = {
    "cannot execute",          "cannot open /dev/null",
    "cannot open output file", "cannot set up descriptors",
    "cannot start a session",  "cannot drop privileges",
    "cannot change directory", "cannot set the environment",
};

/* Who the server runs as. */
struct creds {
	int set;
	uid_t uid;
	gid_t gid;
	char name[256];
};

/* What the child needs, prepared by the parent before fork. */
struct child_plan {
	const struct cli *c;
	struct creds cr;
	int detach;
	int errfd;   /* close-on-exec pipe to report failure */
	int readyfd; /* readiness pipe end to place at c->notify_fd, or -1 */
	int lockfd;  /* <pidfile>.lock to pass down as SVCCTL_LOCK_FD, or -1 */
	int gofd;    /* the child waits for a byte here before it goes on, or -1 */
	const char *notify_socket;
	char exe[CLI_PATH_MAX]; /* COMMAND, relative paths made absolute */
};

/* Look up -u USER[:GROUP] for the child; CLI_GO_ON, or an exit code after a message. */
static int lookup_creds(const struct cli *c, struct creds *cr)
{
	struct user_ids u;
	int rc;

	memset(cr, 0, sizeof(*cr));
	if (c->user == NULL)
		return CLI_GO_ON;
	rc = lookup_user(c->user, &u);
	if (rc != CLI_GO_ON)
		return rc;
	cr->uid = (uid_t)u.uid;
	cr->gid = (gid_t)u.gid;
	if (geteuid() != 0 && (cr->uid != geteuid() || cr->gid != getegid())) {
		fail("-u %s: only root may run a server as another user", c->user);
		return EXIT_PRIV;
	}
	snprintf(cr->name, sizeof(cr->name), "%s", u.name);
	cr->set = geteuid() == 0;
	return CLI_GO_ON;
}

/* In the child: report a failed step and errno to the parent, then exit. */
static void __attribute__((noreturn)) child_fail(const struct child_plan *pl, int step)
{
	int msg[2] = {step, errno};

	if (write(pl->errfd, msg, sizeof(msg)) < 0)
		_exit(126);
	_exit(step == S_EXEC && (msg[1] == ENOENT || msg[1] == EACCES) ? 127 : 126);
}

/* In the child: stdin from /dev/null, stdout and stderr to -o FILE or /dev/null. */
static void child_stdio(const struct child_plan *pl)
{
	int in, out;

	in = open("/dev/null", O_RDONLY);
	if (in < 0 || dup2(in, 0) < 0)
		child_fail(pl, S_STDIO);
	if (pl->c->output)
		out = open(pl->c->output, O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY, 0640);
	else
		out = open("/dev/null", O_WRONLY);
	if (out < 0)
		child_fail(pl, pl->c->output ? S_OUTPUT : S_STDIO);
	if (pl->c->output && pl->cr.set && fchown(out, pl->cr.uid, pl->cr.gid) < 0 &&
	    errno != EPERM)
		child_fail(pl, S_OUTPUT);
	if (dup2(out, 1) < 0 || dup2(out, 2) < 0)
		child_fail(pl, S_STDIO);
	if (in > 2)
		close(in);
	if (out > 2)
		close(out);
}

/* The larger of a and b. */
static int max_fd(int a, int b)
{
	return a > b ? a : b;
}

/*
 * In the child: keep 0-2, the readiness fd at N, the error pipe after it
 * and the lock right after that; close the rest.
 */
static void child_fds(struct child_plan *pl)
{
	int n = pl->c->notify_fd, target = pl->readyfd >= 0 ? n + 1 : 3;
	int hi = max_fd(max_fd(n, pl->errfd), max_fd(pl->readyfd, pl->lockfd)) + 1, e, r = -1,
	    l = -1;

	/* first move all of them out of the way of their final places */
	e = fcntl(pl->errfd, F_DUPFD_CLOEXEC, hi);
	if (e >= 0 && pl->readyfd >= 0)
		r = fcntl(pl->readyfd, F_DUPFD_CLOEXEC, hi);
	if (e >= 0 && pl->lockfd >= 0)
		l = fcntl(pl->lockfd, F_DUPFD_CLOEXEC, hi);
	if (e < 0 || (pl->readyfd >= 0 && (r < 0 || dup2(r, n) < 0)))
		child_fail(pl, S_FDS);
	if (dup2(e, target) < 0 || (pl->lockfd >= 0 && (l < 0 || dup2(l, target + 1) < 0)))
		child_fail(pl, S_FDS);
	pl->errfd = target;
	/* dup2 leaves the lock's copy open across exec, as it should be */
	pl->lockfd = pl->lockfd >= 0 ? target + 1 : -1;
	if (fcntl(target, F_SETFD, FD_CLOEXEC) < 0)
		child_fail(pl, S_FDS);
	closefrom(target + 1 + (pl->lockfd >= 0));
	for (int fd = 3; fd < target; fd++)
		if (pl->readyfd < 0 || fd != n)
			close(fd);
}

/* In the child: SVCCTL_LOCK_FD names the passed lock, and only then. */
static int child_lock_env(const struct child_plan *pl)
{
	char num[16];

	if (pl->lockfd < 0)
		return unsetenv("SVCCTL_LOCK_FD");
	snprintf(num, sizeof(num), "%d", pl->lockfd);
	return setenv("SVCCTL_LOCK_FD", num, 1);
}

/* In the child: initgroups, setgid, setuid, in that order, then verify. */
static void child_privs(const struct child_plan *pl)
{
	if (!pl->cr.set)
		return;
	if (initgroups(pl->cr.name, pl->cr.gid) < 0 || setgid(pl->cr.gid) < 0 ||
	    setuid(pl->cr.uid) < 0)
		child_fail(pl, S_PRIV);
	/* verify: the ids took, and root cannot be regained */
	if (getuid() != pl->cr.uid || geteuid() != pl->cr.uid || getgid() != pl->cr.gid ||
	    getegid() != pl->cr.gid || (pl->cr.uid != 0 && setuid(0) == 0)) {
		errno = EPERM;
		child_fail(pl, S_PRIV);
	}
}

/* In the child: default signal dispositions and an empty mask. */
static void child_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* In the child: everything from fork to exec; never returns. */
static void __attribute__((noreturn)) child_run(struct child_plan *pl)
{
	const struct cli *c = pl->c;
	char go;

	/* while the parent publishes our pid: no byte means it gave up */
	child_signals();
	if (pl->gofd >= 0 && read(pl->gofd, &go, 1) != 1)
		_exit(EXIT_FAIL);
	if (pl->detach && setsid() < 0)
		child_fail(pl, S_SETSID);
	if (pl->detach || c->output)
		child_stdio(pl);
	child_fds(pl);
	child_privs(pl);
	/* a foreground child stays where we are: no chdir(".") to pay */
	if ((c->chdir || pl->detach) && chdir(c->chdir ? c->chdir : "/") < 0)
		child_fail(pl, S_CHDIR);
	if (c->umask_set)
		umask((mode_t)c->umask);
	for (int i = 0; i < c->nenv; i++)
		if (putenv((char *)c->env[i]) != 0)
			child_fail(pl, S_ENV);
	if (pl->notify_socket && setenv("NOTIFY_SOCKET", pl->notify_socket, 1) < 0)
		child_fail(pl, S_ENV);
	if (child_lock_env(pl) < 0)
		child_fail(pl, S_ENV);
	/* etcd mode: die with the holder, even by SIGKILL (set after the
	 * credential change, which clears it); the holder may be gone already */
	if (c->pdeath_parent > 0 &&
	    (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != (pid_t)c->pdeath_parent))
		_exit(EXIT_FAIL);
	execvp(pl->exe, c->argv);
	child_fail(pl, S_EXEC);
}

/* Read the child's failure report; CLI_GO_ON when exec succeeded, else an exit code. */
static int read_report(const struct cli *c, int fd, struct spawn *sp)
{
	int msg[2];
	ssize_t n;

	do
		n = read(fd, msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(msg))
		return CLI_GO_ON;
	sp->exec_err = msg[1];
	if (msg[0] < 0 || msg[0] > S_ENV)
		msg[0] = S_EXEC;
	fail("%s: %s%s%s: %s", c->argv[0], step_names[msg[0]], msg[0] == S_CHDIR ? " to " : "",
	     msg[0] == S_CHDIR ? (c->chdir ? c->chdir : "/") : "", strerror(msg[1]));
	waitpid((pid_t)sp->pid, NULL, 0);
	sp->exited = 1;
	if (msg[0] == S_EXEC && (msg[1] == ENOENT || msg[1] == EACCES || msg[1] == ENOEXEC))
		return EXIT_NOT_INSTALLED;
	return msg[0] == S_PRIV ? EXIT_PRIV : EXIT_FAIL;
}

/* Parent side of the gate: publish via started(), then let the child go. */
static int open_gate(int gofd, struct spawn *sp, int (*started)(void *, int64_t), void *arg)
{
	int rc = started ? started(arg, sp->pid) : CLI_GO_ON;

	if (rc == CLI_GO_ON && gofd >= 0 && write(gofd, "g", 1) != 1)
		rc = EXIT_FAIL;
	if (gofd >= 0)
		close(gofd);
	if (rc != CLI_GO_ON) {
		/* the child reads EOF at the gate and exits */
		waitpid((pid_t)sp->pid, NULL, 0);
		sp->exited = 1;
	}
	return rc;
}

/*
 * Fork a child following plan *pl; when gated it waits until spawn_let_go()
 * opened its gate.  Returns CLI_GO_ON with the child's pid in *sp, or an exit code.
 */
static int fork_gated(struct child_plan *pl, struct spawn *sp, int gated)
{
	int pfd[2], go[2] = {-1, -1};
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		fail("cannot create a pipe: %s", strerror(errno));
		return EXIT_FAIL;
	}
	if (gated && pipe2(go, O_CLOEXEC) < 0) {
		fail("cannot create a pipe: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return EXIT_FAIL;
	}
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		if (go[1] >= 0)
			close(go[1]);
		pl->errfd = pfd[1];
		pl->gofd = go[0];
		child_run(pl);
	}
	close(pfd[1]);
	if (go[0] >= 0)
		close(go[0]);
	if (pid < 0) {
		fail("cannot fork: %s", strerror(errno));
		close(pfd[0]);
		if (go[1] >= 0)
			close(go[1]);
		return EXIT_FAIL;
	}
	sp->pid = sp->mainpid = pid;
	/* set at fork and kept by exec: the session's proof when it leads one */
	sp->start = proc_start(pid);
	sp->report_fd = pfd[0];
	sp->gate_fd = go[1];
	return CLI_GO_ON;
}

/* Publish via started() and open the gate, then read the exec report; CLI_GO_ON or an exit code. */
int spawn_let_go(const struct cli *c, struct spawn *sp, int (*started)(void *, int64_t), void *arg)
{
	int rc = open_gate(sp->gate_fd, sp, started, arg);

	sp->gate_fd = -1;
	if (rc == CLI_GO_ON)
		rc = read_report(c, sp->report_fd, sp);
	sp->exec_ms = svcctl__mono_ms();
	close(sp->report_fd);
	sp->report_fd = -1;
	return rc;
}

/*
 * COMMAND as exec will see it after the child's chdir: a relative path
 * with a '/' is taken from our working directory, bare names from PATH.
 */
static int resolve_exe(const char *cmd, char *exe, size_t size)
{
	char cwd[CLI_PATH_MAX];
	int n;

	if (cmd[0] == '/' || strchr(cmd, '/') == NULL)
		n = snprintf(exe, size, "%s", cmd);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		n = -1;
	else
		n = snprintf(exe, size, "%s/%s", cwd, cmd);
	if (n < 0 || (size_t)n >= size) {
		fail("%s: cannot resolve against the working directory: %s", cmd,
		     n < 0 ? strerror(errno) : strerror(ENAMETOOLONG));
		return EXIT_FAIL;
	}
	return CLI_GO_ON;
}

/* Start a plan and an empty spawn record; CLI_GO_ON or an exit code. */
static int plan_init(const struct cli *c, int detach, struct child_plan *pl, struct spawn *sp)
{
	memset(pl, 0, sizeof(*pl));
	pl->c = c;
	pl->detach = detach;
	pl->readyfd = pl->gofd = pl->lockfd = -1;
	memset(sp, 0, sizeof(*sp));
	sp->ready_fd = sp->child_fd = sp->lock_fd = sp->gate_fd = sp->report_fd = -1;
	if (resolve_exe(c->argv[0], pl->exe, sizeof(pl->exe)) != CLI_GO_ON)
		return EXIT_FAIL;
	return lookup_creds(c, &pl->cr);
}

/* Detached start: plan, readiness channel, fork and exec. */
int spawn_server(const struct cli *c, int lock_fd, struct spawn *sp)
{
	struct child_plan pl;
	int rc;

	rc = plan_init(c, 1, &pl, sp);
	if (rc != CLI_GO_ON)
		return rc;
	rc = ready_setup(c, pl.cr.set ? (int64_t)pl.cr.uid : -1,
			 pl.cr.set ? (int64_t)pl.cr.gid : -1, sp);
	if (rc != CLI_GO_ON)
		return rc;
	pl.readyfd = ready_child_fd(sp);
	pl.lockfd = sp->lock_fd = lock_fd;
	if (sp->notify_path[0])
		pl.notify_socket = sp->notify_path;
	spawn_adopt_orphans();
	rc = fork_gated(&pl, sp, 0);
	if (rc == CLI_GO_ON)
		rc = spawn_let_go(c, sp, NULL, NULL);
	if (sp->child_fd >= 0)
		close(sp->child_fd);
	sp->child_fd = -1;
	return rc;
}

/* Fork c->argv as a foreground child waiting at its gate; CLI_GO_ON or an exit code. */
int spawn_gated(const struct cli *c, struct spawn *sp)
{
	struct child_plan pl;
	int rc;

	rc = plan_init(c, 0, &pl, sp);
	if (rc != CLI_GO_ON)
		return rc;
	return fork_gated(&pl, sp, 1);
}
