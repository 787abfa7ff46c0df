/*
 * Readiness of a started server on Unix: the sd_notify socket (with the
 * sender's SCM_CREDENTIALS checked), an s6-style pipe, or the server's own
 * pidfile; and the server's death while we wait, seen through a pidfd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* Create the notify socket in a fresh 0700 directory the server can use. */
static int notify_socket(struct spawn *sp, int64_t uid, int64_t gid)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *tmp = getenv("TMPDIR");
	int one = 1, fd;

	snprintf(sp->notify_dir, sizeof(sp->notify_dir), "%s/svcctl-notify-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(sp->notify_dir) == NULL) {
		sp->notify_dir[0] = '\0';
		return -errno;
	}
	if (strlen(sp->notify_dir) + sizeof("/notify") > sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, sp->notify_dir, strlen(sp->notify_dir));
	memcpy(sa.sun_path + strlen(sp->notify_dir), "/notify", sizeof("/notify"));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	sp->ready_fd = fd;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	/* the server may run as another user: give it the directory */
	if (uid >= 0 && (chown(sp->notify_dir, (uid_t)uid, (gid_t)gid) < 0 ||
			 chown(sa.sun_path, (uid_t)uid, (gid_t)gid) < 0))
		return -errno;
	/* orphans of a forking server become ours, so descent stays provable */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return 0;
}

/* A pipe for fd:N, else the notify socket; nothing without --notify. */
int ready_setup(const struct cli *c, int64_t uid, int64_t gid, struct spawn *sp)
{
	int pfd[2], rc = 0;

	if (!c->notify)
		return 0;
	if (c->notify_fd >= 0) {
		if (pipe2(pfd, O_CLOEXEC) < 0)
			rc = -errno;
		else {
			sp->ready_fd = pfd[0];
			sp->child_fd = pfd[1];
		}
	} else {
		rc = notify_socket(sp, uid, gid);
	}
	if (rc < 0) {
		fail("cannot set up readiness notification: %s", strerror(-rc));
		spawn_free(sp);
		return EXIT_FAIL;
	}
	return 0;
}

int ready_child_fd(const struct spawn *sp)
{
	return sp->child_fd;
}

/* The parent pid of pid from /proc, or -1. */
static int64_t parent_of(int64_t pid)
{
	char buf[512];
	const char *st = proc_stat(pid, buf, sizeof(buf));
	long long ppid;

	if (st == NULL || sscanf(st, "%*c %lld", &ppid) != 1)
		return -1;
	return ppid;
}

/* Is pid the server or one of its descendants (or an orphan re-parented to us)? */
static int is_descendant(int64_t pid, int64_t server)
{
	/* we are the server's parent, never the server */
	if (pid == (int64_t)getpid())
		return 0;
	for (int depth = 0; depth < 64 && pid > 1; depth++) {
		if (pid == server || pid == (int64_t)getpid())
			return 1;
		pid = parent_of(pid);
	}
	return 0;
}

/* Read one notify datagram; 1 READY=1 from the server's tree, 0 not, -1 none queued. */
static int notify_read(const struct cli *c, struct spawn *sp, int64_t *deadline)
{
	char buf[4096], cbuf[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct svcctl_notify_msg m = {0};
	struct cmsghdr *cm;
	struct ucred uc = {0};
	ssize_t n = recvmsg(sp->ready_fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	if (n < 0)
		return -1;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS)
			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
	if (uc.pid <= 0 || !is_descendant(uc.pid, sp->pid)) {
		say(c, "ignoring a notification from pid %d: not the server's", (int)uc.pid);
		return 0;
	}
	if (svcctl_parse_notify_msg(buf, (size_t)n, &m) < 0)
		return 0;
	if (m.status[0])
		snprintf(sp->status, sizeof(sp->status), "%s", m.status);
	if (m.mainpid && is_descendant(m.mainpid, sp->pid))
		sp->mainpid = m.mainpid;
	else if (m.mainpid)
		say(c, "ignoring MAINPID=%lld: not the server or one of its descendants",
		    (long long)m.mainpid);
	if (m.err)
		sp->notify_err = m.err;
	/* as systemd: the server has that long from now, never less than before */
	if (m.extend_us && mono_ms() + m.extend_us / 1000 > *deadline)
		*deadline = mono_ms() + m.extend_us / 1000;
	return m.ready;
}

/* Read the queued datagrams (a bounded batch); 1 once one said READY=1. */
static int notify_drain(const struct cli *c, struct spawn *sp, int64_t *deadline)
{
	int r = 0;

	for (int i = 0; i < 64 && r == 0; i++)
		r = notify_read(c, sp, deadline);
	return r > 0;
}

/* What the server said with ERRNO=, for failure messages ("" when nothing). */
static const char *errno_note(const struct spawn *sp, char *buf, size_t size)
{
	if (sp->notify_err == 0)
		return "";
	snprintf(buf, size, "; it reported ERRNO=%d (%s)", sp->notify_err,
		 strerror(sp->notify_err));
	return buf;
}

/* Read the readiness pipe: 1 on a newline, -1 on EOF, 0 for more. */
static int pipe_read(struct spawn *sp)
{
	char buf[256];
	ssize_t n = read(sp->ready_fd, buf, sizeof(buf));

	if (n == 0)
		return -1;
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	return memchr(buf, '\n', (size_t)n) != NULL;
}

/* Reap the child if it exited; 1 when it did (status in sp->wstatus). */
static int reaped(struct spawn *sp)
{
	if (sp->exited)
		return 1;
	if (waitpid((pid_t)sp->pid, &sp->wstatus, WNOHANG) != (pid_t)sp->pid)
		return 0;
	sp->exited = 1;
	return 1;
}

/* Did the server's own pidfile appear naming a live process? */
static int pidfile_ready(const struct cli *c, struct spawn *sp)
{
	struct svcctl_pidinfo in;

	memset(&in, 0, sizeof(in));
	if (svcctl_pidfile_state(c->path, NULL, &in) != SVCCTL_RUNNING)
		return 0;
	sp->mainpid = in.pid;
	return 1;
}

/* Report a server that died before it was ready; returns EXIT_FAIL. */
static int died(const struct cli *c, const struct spawn *sp)
{
	char note[128];

	if (WIFSIGNALED(sp->wstatus))
		fail("%s: server pid %lld was killed by signal %d before it was ready%s", c->path,
		     (long long)sp->pid, WTERMSIG(sp->wstatus), errno_note(sp, note, sizeof(note)));
	else
		fail("%s: server pid %lld exited with status %d before it was ready%s", c->path,
		     (long long)sp->pid, WEXITSTATUS(sp->wstatus),
		     errno_note(sp, note, sizeof(note)));
	return EXIT_FAIL;
}

/* One poll round: 1 ready, 0 not yet, or an exit code + 2 on failure. */
static int wait_round(const struct cli *c, struct spawn *sp, int pidfd, int64_t *deadline)
{
	struct pollfd pf[2] = {{.fd = sp->ready_fd, .events = POLLIN},
			       {.fd = sp->exited ? -1 : pidfd, .events = POLLIN}};
	int64_t left = *deadline - mono_ms();
	int tick = (c->wait_pidfile || pidfd < 0) ? 20 : 1000, r;

	if (poll(pf, 2, left < tick ? (int)(left > 0 ? left : 0) : tick) < 0 && errno != EINTR)
		return 2 + EXIT_FAIL;
	if (sp->ready_fd >= 0 && (pf[0].revents & (POLLIN | POLLHUP))) {
		r = c->notify_fd >= 0 ? pipe_read(sp) : notify_drain(c, sp, deadline);
		if (r < 0) {
			fail("%s: server closed fd %d without saying it was ready", c->path,
			     c->notify_fd);
			return 2 + EXIT_FAIL;
		}
		if (r > 0)
			return 1;
	}
	if (c->wait_pidfile && pidfile_ready(c, sp))
		return 1;
	/* a daemonizing server's first process exits 0 under --wait-pidfile */
	if (reaped(sp) &&
	    !(c->wait_pidfile && WIFEXITED(sp->wstatus) && WEXITSTATUS(sp->wstatus) == 0))
		return 2 + died(c, sp);
	return 0;
}

/* Poll readiness, the child's death and the deadline until one decides. */
int spawn_wait_ready(const struct cli *c, struct spawn *sp)
{
	int64_t start = mono_ms(), deadline = start + c->ready_timeout_ms;
	char note[128];
	int pidfd, r = 0;

	if (!c->notify && !c->wait_pidfile)
		return 0;
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)sp->pid, 0);
	while (r == 0 && mono_ms() < deadline)
		r = wait_round(c, sp, pidfd, &deadline);
	if (pidfd >= 0)
		close(pidfd);
	if (r == 1)
		return 0;
	if (r > 1)
		return r - 2;
	fail("%s: server pid %lld not ready after %lldms%s", c->path, (long long)sp->pid,
	     (long long)(mono_ms() - start), errno_note(sp, note, sizeof(note)));
	return EXIT_FAIL;
}

/* Kill the server's session and reap it after a failed start. */
void spawn_abort(struct spawn *sp)
{
	/* our own unreaped child: its pid and its session cannot be reused */
	if (sp->pid > 1 && !sp->exited) {
		kill(-(pid_t)sp->pid, SIGKILL);
		kill((pid_t)sp->pid, SIGKILL);
		waitpid((pid_t)sp->pid, &sp->wstatus, 0);
		sp->exited = 1;
	}
}

/* Close the readiness channel and remove the notify directory. */
void spawn_free(struct spawn *sp)
{
	char path[300];

	if (sp->ready_fd >= 0)
		close(sp->ready_fd);
	if (sp->child_fd >= 0)
		close(sp->child_fd);
	sp->ready_fd = sp->child_fd = -1;
	if (sp->notify_dir[0]) {
		snprintf(path, sizeof(path), "%s/notify", sp->notify_dir);
		unlink(path);
		rmdir(sp->notify_dir);
		sp->notify_dir[0] = '\0';
	}
}
