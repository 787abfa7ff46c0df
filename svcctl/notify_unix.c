/*
 * The sd_notify socket at its stable path, <pidfile>.notify: bound by
 * start (NOTIFY_SOCKET names it) and again by reload, so a server's
 * READY=1, RELOADING=1, STATUS=, MAINPID=, ERRNO= and EXTEND_TIMEOUT_USEC=
 * are heard, from the server's own process tree only (SCM_CREDENTIALS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"

/* The socket address of <pidfile>.notify; 0, or -ENAMETOOLONG. */
static int notify_addr(const char *pidfile, struct sockaddr_un *sa)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s%s", pidfile, NOTIFY_SUFFIX);
	return n > 0 && (size_t)n < sizeof(sa->sun_path) ? 0 : -ENAMETOOLONG;
}

/*
 * Remove a socket file left at the path by an earlier start or reload: only
 * a socket, and only when nobody receives on it (a connect is refused).
 */
static int clear_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return SVCCTL_E_UNSAFE;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (rc == 0)
		return -EBUSY; /* another start or reload listens there */
	return unlink(sa->sun_path) < 0 && errno != ENOENT ? -errno : 0;
}

/* Bind the stable path, after clearing a stale socket; credentials on. */
int notify_bind(const char *pidfile, int64_t uid, int64_t gid, struct spawn *sp)
{
	struct sockaddr_un sa;
	int one = 1, fd, rc = notify_addr(pidfile, &sa);

	if (rc == 0)
		rc = clear_stale(&sa);
	if (rc < 0)
		return rc;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	sp->ready_fd = fd;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return errno == EADDRINUSE ? -EBUSY : -errno;
	snprintf(sp->notify_path, sizeof(sp->notify_path), "%s", sa.sun_path);
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	/* the server may run as another user: the socket is its to send to */
	if (uid >= 0 && chown(sa.sun_path, (uid_t)uid, (gid_t)gid) < 0)
		return -errno;
	return 0;
}

/* Close the socket and remove its file, only while it is a socket. */
void notify_unbind(struct spawn *sp)
{
	struct stat st;

	if (sp->ready_fd >= 0)
		close(sp->ready_fd);
	sp->ready_fd = -1;
	if (sp->notify_path[0] && lstat(sp->notify_path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(sp->notify_path);
	sp->notify_path[0] = '\0';
}

/* Take what one datagram said into *sp; m is its parsed content. */
static void notify_take(const struct cli *c, struct spawn *sp, const struct svcctl_notify_msg *m,
			int64_t *deadline)
{
	if (m->status[0])
		snprintf(sp->status, sizeof(sp->status), "%s", m->status);
	if (m->mainpid && proc_descends(m->mainpid, sp->pid))
		sp->mainpid = m->mainpid;
	else if (m->mainpid)
		say(c, "ignoring MAINPID=%lld: not the server or one of its descendants",
		    (long long)m->mainpid);
	if (m->err)
		sp->notify_err = m->err;
	/* as systemd: the server has that long from now, never less than before */
	if (m->extend_us && mono_ms() + m->extend_us / 1000 > *deadline)
		*deadline = mono_ms() + m->extend_us / 1000;
	sp->reloading |= m->reloading;
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
	if (uc.pid <= 0 || !proc_descends(uc.pid, sp->pid)) {
		say(c, "ignoring a notification from pid %d: not the server's", (int)uc.pid);
		return 0;
	}
	if (svcctl_parse_notify_msg(buf, (size_t)n, &m) < 0)
		return 0;
	notify_take(c, sp, &m, deadline);
	return m.ready;
}

/* Read what is queued (a bounded batch); 1 once one datagram said READY=1. */
int notify_drain(const struct cli *c, struct spawn *sp, int64_t *deadline)
{
	int r = 0;

	for (int i = 0; i < 64 && r <= 0; i++)
		if ((r = notify_read(c, sp, deadline)) < 0)
			break;
	return r > 0;
}
