/*
 * Whose is a listening port (Linux): the LISTEN sockets on HOST:PORT (asked
 * of the kernel's sock_diag as ss(8) does, else read from /proc/net/tcp and
 * tcp6), and the processes of the started server that hold one of them (an
 * fd reading socket:[INODE]).  A connect alone cannot tell our server from
 * another program that already listens there.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"

/* Listening sockets remembered per probe (SO_REUSEPORT groups, v4 and v6). */
#define LISTEN_MAX 64

/* The TCP state LISTEN as /proc/net/tcp prints it. */
#define TCP_LISTEN 0x0A

/* The addresses HOST resolves to, as the words /proc/net/tcp* print. */
struct addrs {
	int n;
	int v6[8];
	uint32_t w[8][4]; /* v4: w[i][0] only */
};

/* Resolve host into a; 0, or -1 when it does not resolve. */
static int resolve(const char *host, struct addrs *a)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;

	a->n = 0;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL && a->n < 8; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			memcpy(a->w[a->n], &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
			a->v6[a->n++] = 0;
		} else if (ai->ai_family == AF_INET6) {
			memcpy(a->w[a->n], &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
			a->v6[a->n++] = 1;
		}
	}
	freeaddrinfo(res);
	return 0;
}

/*
 * Does a listener on address w (v6: four words, else one) accept
 * connections to one of a: the same address, the wildcard of its family,
 * or on a dual-stack v6 socket the v4-mapped form or :: for a v4 host?
 */
static int addr_matches(const uint32_t w[4], int v6, const struct addrs *a)
{
	uint32_t mapped = htonl(0xffff);

	for (int i = 0; i < a->n; i++) {
		if (!v6 && !a->v6[i] && (w[0] == 0 || w[0] == a->w[i][0]))
			return 1;
		if (v6 && a->v6[i] && (memcmp(w, a->w[i], 16) == 0 || !(w[0] | w[1] | w[2] | w[3])))
			return 1;
		if (v6 && !a->v6[i] && !(w[0] | w[1]) &&
		    ((w[2] == mapped && w[3] == a->w[i][0]) || !(w[2] | w[3])))
			return 1;
	}
	return 0;
}

/* Add the inodes of file's LISTEN sockets on port that take a's connections. */
static void read_listeners(const char *file, int v6, int port, const struct addrs *a,
			   unsigned long *inode, int *n)
{
	char line[512], hex[40];
	unsigned int lport, state;
	unsigned long ino;
	FILE *f = fopen(file, "re");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) && *n < LISTEN_MAX) {
		uint32_t w[4] = {0, 0, 0, 0};

		if (sscanf(line, " %*d: %32[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*d %*d %lu", hex,
			   &lport, &state, &ino) != 4 ||
		    state != TCP_LISTEN || (int)lport != port || ino == 0)
			continue;
		for (int i = 0; i < (v6 ? 4 : 1); i++)
			sscanf(hex + 8 * i, "%8x", &w[i]);
		if (addr_matches(w, v6, a))
			inode[(*n)++] = ino;
	}
	fclose(f);
}

/*
 * The same from the kernel's sock_diag, which lists only LISTEN sockets:
 * /proc/net/tcp also lists every TIME_WAIT one, thousands on a busy host
 * and milliseconds to read each round.  0, or -1 when netlink fails.
 */
static int diag_listeners(int family, int port, const struct addrs *a, unsigned long *inode, int *n)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 r;
	} req = {.nh = {.nlmsg_len = sizeof(req),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
		 .r = {.sdiag_family = (unsigned char)family,
		       .sdiag_protocol = IPPROTO_TCP,
		       .idiag_states = 1U << TCP_LISTEN}};
	long buf[2048]; /* aligned for struct nlmsghdr */
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), done = 0;

	if (fd < 0)
		return -1;
	if (send(fd, &req, sizeof(req), 0) < 0)
		done = -1;
	while (done == 0) {
		ssize_t got = recv(fd, buf, sizeof(buf), 0);
		unsigned int len = got > 0 ? (unsigned int)got : 0;
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		for (done = got > 0 ? 0 : -1; done == 0 && NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			const struct inet_diag_msg *m = NLMSG_DATA(h);

			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				done = h->nlmsg_type == NLMSG_DONE ? 1 : -1;
			else if (ntohs(m->id.idiag_sport) == port && *n < LISTEN_MAX &&
				 addr_matches(m->id.idiag_src, family == AF_INET6, a))
				inode[(*n)++] = m->idiag_inode;
		}
	}
	close(fd);
	return done == 1 ? 0 : -1;
}

/* Does process pid hold an fd on one of the n socket inodes? */
static int holds_socket(int64_t pid, const unsigned long *inode, int n)
{
	char dir[64], path[64 + 256], link[64];
	struct dirent *e;
	unsigned long ino;
	int found = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%lld/fd", (long long)pid);
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		ssize_t len;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino) != 1)
			continue;
		for (int i = 0; i < n && !found; i++)
			found = ino == inode[i];
	}
	closedir(d);
	return found;
}

/*
 * 1 when a LISTEN socket on host:port belongs to a process svcctl started
 * (a descendant, or an orphan it reaps), 0 when none does (nobody listens,
 * or only another program), -1 when host does not resolve.
 */
int port_owned(const char *host, int port)
{
	unsigned long inode[LISTEN_MAX];
	struct procset tree;
	struct addrs a;
	int n = 0, found = 0;

	if (resolve(host, &a) < 0)
		return -1;
	if (diag_listeners(AF_INET, port, &a, inode, &n) < 0 ||
	    diag_listeners(AF_INET6, port, &a, inode, &n) < 0) {
		n = 0;
		read_listeners("/proc/net/tcp", 0, port, &a, inode, &n);
		read_listeners("/proc/net/tcp6", 1, port, &a, inode, &n);
	}
	if (n == 0)
		return 0;
	memset(&tree, 0, sizeof(tree)); /* no session given: our descendants */
	procset_scan(&tree);
	for (int i = 0; i < tree.n && !found; i++)
		found = holds_socket(tree.pid[i], inode, n);
	return found;
}
