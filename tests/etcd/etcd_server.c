/* Starting and stopping real etcd members for the tests. */
#define _GNU_SOURCE
#include "etcd_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long members get to serve after start; generous for a loaded machine. */
#define READY_MS 30000

int te_have_etcd(void)
{
	return system("command -v etcd >/dev/null 2>&1") == 0;
}

/*
 * Copies of the clusters not yet stopped: a failed fatal assertion leaves
 * its test (and its cluster variable) behind, and these are stopped at exit.
 */
static struct te_cluster running[8];

/* At exit: stop what a failed test left running. */
static void stop_left(void)
{
	for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++)
		if (running[i].dir.path[0] != '\0') {
			running[i].slot = 0;
			te_stop(&running[i]);
			running[i].dir.path[0] = '\0';
		}
}

/* Keep a copy of c until te_stop (c->slot names it), or refresh it. */
static void remember(struct te_cluster *c)
{
	static int registered;

	if (c->slot > 0) {
		running[c->slot - 1] = *c;
		return;
	}
	if (!registered && atexit(stop_left) == 0)
		registered = 1;
	for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++)
		if (running[i].dir.path[0] == '\0') {
			c->slot = (int)i + 1;
			running[i] = *c;
			return;
		}
}

/* Member i is reaped: neither c nor its copy names its pid any more. */
static void forget_member(struct te_cluster *c, int i)
{
	c->pid[i] = 0;
	if (c->slot > 0)
		running[c->slot - 1].pid[i] = 0;
}

/*
 * Ports come from the etcd tests' slot of tests/ports.sh (the same formula:
 * 31200-32599), below the kernel's ephemeral range (32768 by default): a
 * port the kernel hands out for an outgoing connection, a member's to its
 * peer say, can never be one we chose and have not bound yet.
 */
#define PORT_SLOT 8
#define PORT_SPAN 1400
#define PORT_LOW (20000 + PORT_SLOT * PORT_SPAN)

/* Does nothing listen on (or hold) 127.0.0.1:port now?  Proven by binding it. */
static int port_free(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* A free port of the slot that c has not planned for a member yet (unplanned: 0). */
static int free_port(const struct te_cluster *c)
{
	static int seeded;

	if (!seeded++)
		srandom((unsigned)getpid() ^ (unsigned)time(NULL));
	for (int tries = 0; tries < 1000; tries++) {
		int port = PORT_LOW + (int)(random() % PORT_SPAN), taken = 0;

		for (int i = 0; i < TE_MEMBERS_MAX; i++)
			taken |= c->client_port[i] == port || c->peer_port[i] == port;
		if (!taken && port_free(port))
			return port;
	}
	return -1;
}

int64_t te_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* exec etcd for member i; only ever returns to _exit. */
static void exec_member(const struct te_cluster *c, int i, const char *cluster)
{
	char name[16], dir[PATH_MAX], log[PATH_MAX], client[64], peer[64];
	int fd;

	snprintf(name, sizeof(name), "m%d", i);
	snprintf(dir, sizeof(dir), "%s/%s", c->dir.path, name);
	snprintf(log, sizeof(log), "%s/%s.log", c->dir.path, name);
	snprintf(client, sizeof(client), "%s://127.0.0.1:%d", c->tls ? "https" : "http",
		 c->client_port[i]);
	snprintf(peer, sizeof(peer), "http://127.0.0.1:%d", c->peer_port[i]);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(126);
	setpgid(0, 0); /* a terminal's signals are for the test, not for etcd */
	if (c->tls)
		execlp("etcd", "etcd", "--name", name, "--data-dir", dir, "--listen-client-urls",
		       client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
		       "--initial-advertise-peer-urls", peer, "--initial-cluster", cluster,
		       "--heartbeat-interval", "50", "--election-timeout", "500", "--cert-file",
		       c->server_cert, "--key-file", c->server_key, "--trusted-ca-file", c->ca,
		       "--client-cert-auth", (char *)NULL);
	else
		execlp("etcd", "etcd", "--name", name, "--data-dir", dir, "--listen-client-urls",
		       client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
		       "--initial-advertise-peer-urls", peer, "--initial-cluster", cluster,
		       "--heartbeat-interval", "50", "--election-timeout", "500", (char *)NULL);
	_exit(127);
}

/* Pick ports and build the cluster string and addresses. */
static void plan(struct te_cluster *c, char *cluster, size_t size)
{
	const char *scheme = c->tls ? "etcds" : "etcd";
	size_t n = 0, u = (size_t)snprintf(c->url, sizeof(c->url), "%s://", scheme);

	memset(c->client_port, 0, sizeof(c->client_port));
	memset(c->peer_port, 0, sizeof(c->peer_port));
	for (int i = 0; i < c->n; i++) {
		c->client_port[i] = free_port(c);
		c->peer_port[i] = free_port(c);
		n += (size_t)snprintf(cluster + n, size - n, "%sm%d=http://127.0.0.1:%d",
				      i ? "," : "", i, c->peer_port[i]);
		u += (size_t)snprintf(c->url + u, sizeof(c->url) - u, "%s127.0.0.1:%d",
				      i ? "," : "", c->client_port[i]);
		snprintf(c->member_url[i], sizeof(c->member_url[i]), "%s://127.0.0.1:%d/", scheme,
			 c->client_port[i]);
	}
	snprintf(c->url + u, sizeof(c->url) - u, "/");
}

/*
 * Wait until every member answers a read (the cluster has a leader): 0.  A
 * member that exited first: its index + 1 (a port taken between our choice
 * and its bind: worth a new try); -1 past READY_MS.
 */
static int wait_ready(struct te_cluster *c)
{
	int64_t end = te_mono_ms() + READY_MS;
	char key[PATH_MAX];
	struct svcctl_pidinfo info;

	for (int i = 0; i < c->n; i++) {
		snprintf(key, sizeof(key), "%sready-probe", c->member_url[i]);
		while (svcctl_pidfile_state(key, &c->opts, &info) < 0) {
			if (waitpid(c->pid[i], NULL, WNOHANG) != 0) {
				forget_member(c, i);
				return i + 1;
			}
			if (te_mono_ms() > end)
				return -1;
			usleep(20000); /* a port answering: nothing to wait on but time */
		}
	}
	return 0;
}

/* A CA, and a server and a client certificate it signed, in the data directory. */
static int make_certs(struct te_cluster *c)
{
	static const char script[] =
	    "cd \"$1\" || exit 1; k=\"-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes\";"
	    "openssl req -x509 $k -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca || exit 1;"
	    "echo subjectAltName=IP:127.0.0.1 >server.ext;"
	    "echo extendedKeyUsage=clientAuth >client.ext;"
	    "for n in server client; do openssl req $k -keyout $n.key -out $n.csr -subj /CN=$n &&"
	    " openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2"
	    " -extfile $n.ext -out $n.pem || exit 1; done";
	char cmd[PATH_MAX + sizeof(script) + 64];

	snprintf(cmd, sizeof(cmd), "sh -c '%s' sh '%s' >'%s/openssl.log' 2>&1", script, c->dir.path,
		 c->dir.path);
	snprintf(c->ca, sizeof(c->ca), "%s/ca.pem", c->dir.path);
	snprintf(c->server_cert, sizeof(c->server_cert), "%s/server.pem", c->dir.path);
	snprintf(c->server_key, sizeof(c->server_key), "%s/server.key", c->dir.path);
	snprintf(c->client_cert, sizeof(c->client_cert), "%s/client.pem", c->dir.path);
	snprintf(c->client_key, sizeof(c->client_key), "%s/client.key", c->dir.path);
	c->opts.etcd_cacert = c->ca;
	c->opts.etcd_cert = c->client_cert;
	c->opts.etcd_key = c->client_key;
	return system(cmd) == 0 ? 0 : -1;
}

int te_start(struct te_cluster *c, int n)
{
	return te_start_with(c, n, 0);
}

/* Fork the members of c with ports planned afresh; 0, or -1 when a fork failed. */
static int launch(struct te_cluster *c)
{
	char cluster[PATH_MAX + 64];

	plan(c, cluster, sizeof(cluster));
	for (int i = 0; i < c->n; i++) {
		c->pid[i] = fork();
		if (c->pid[i] == 0)
			exec_member(c, i, cluster);
		if (c->pid[i] < 0) {
			c->pid[i] = 0;
			return -1;
		}
	}
	return 0;
}

/* The last lines of member i's log, to stderr. */
static void show_log(const struct te_cluster *c, int i)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof(cmd), "tail -n 20 '%s/m%d.log' >&2", c->dir.path, i);
	if (system(cmd) != 0)
		fprintf(stderr, "(no log)\n");
}

/* rm -rf path, waited for. */
static void remove_tree(const char *path)
{
	pid_t pid = fork();

	if (pid == 0) {
		execlp("rm", "rm", "-rf", path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* Kill the members and remove their data, for a new try on new ports. */
static void reset(struct te_cluster *c)
{
	char dir[PATH_MAX];

	for (int i = 0; i < c->n; i++) {
		te_kill_member(c, i);
		snprintf(dir, sizeof(dir), "%s/m%d", c->dir.path, i);
		remove_tree(dir);
	}
}

#define START_TRIES 5

int te_start_with(struct te_cluster *c, int n, int tls)
{
	const char *base = getenv("TMPDIR");
	int r = -1;

	memset(c, 0, sizeof(*c));
	/* no CUnit asserts here: suites start clusters before any test runs */
	snprintf(c->dir.path, sizeof(c->dir.path), "%s/svcctl-etcd.XXXXXX", base ? base : "/tmp");
	if (mkdtemp(c->dir.path) == NULL)
		return -1;
	c->tls = tls;
	if (tls && make_certs(c) < 0) {
		fprintf(stderr, "certificates not made; see %s/openssl.log\n", c->dir.path);
		return -1;
	}
	c->n = n;
	for (int try = 1; try <= START_TRIES; try++) {
		r = launch(c);
		remember(c);
		if (r == 0 && (r = wait_ready(c)) == 0)
			return 0;
		if (r < 0)
			break; /* a fork failed, or no leader within READY_MS: no new try */
		fprintf(stderr, "etcd member m%d exited before serving (try %d of %d); its log:\n",
			r - 1, try, START_TRIES);
		show_log(c, r - 1);
		reset(c);
	}
	if (r > 0)
		fprintf(stderr, "etcd: a member exited in each of %d tries\n", START_TRIES);
	else {
		fprintf(stderr, "etcd did not serve within %d ms; m0's log:\n", READY_MS);
		show_log(c, 0);
	}
	return -1;
}

void te_kill_member(struct te_cluster *c, int i)
{
	if (c->pid[i] > 0) {
		kill(c->pid[i], SIGCONT);
		kill(c->pid[i], SIGKILL);
		waitpid(c->pid[i], NULL, 0);
		forget_member(c, i);
	}
}

void te_stop(struct te_cluster *c)
{
	for (int i = 0; i < c->n; i++)
		te_kill_member(c, i);
	if (c->slot > 0)
		running[c->slot - 1].dir.path[0] = '\0';
	c->slot = 0;
	if (c->dir.path[0] == '\0')
		return;
	remove_tree(c->dir.path);
}

char *te_key(const struct te_cluster *c, const char *key, char *buf)
{
	snprintf(buf, PATH_MAX, "%s%s", c->url, key);
	return buf;
}

int te_post(const struct te_cluster *c, int i, const char *path, const char *body, char *out,
	    size_t size)
{
	char cmd[4096];
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd), "curl -s -m 10 -XPOST http://127.0.0.1:%d%s -d '%s'",
		 c->client_port[i], path, body);
	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	return pclose(f) == 0 ? 0 : -1;
}

int te_readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

struct svcctl_opts te_opts(int64_t ttl_ms, const char *msg)
{
	struct svcctl_opts o = {.stale_age_ms = ttl_ms, .msg = msg};

	return o;
}
/* Fork a holder of key: it reports its token, releases on a byte, reports when. */
pid_t te_spawn_holder(const char *key, int64_t ttl_ms, int *to, int *from)
{
	int down[2], up[2];
	pid_t pid;

	CU_ASSERT_FATAL(pipe(down) == 0 && pipe(up) == 0);
	pid = fork();
	if (pid == 0) {
		struct svcctl_opts o = te_opts(ttl_ms, "holder");
		struct svcctl_lock *lk;
		int64_t v;
		char c;

		close(down[1]);
		close(up[0]);
		if (svcctl_pidfile_lock(key, &o, &lk, NULL) != 0)
			_exit(1);
		v = svcctl_lock_token(lk);
		if (write(up[1], &v, sizeof(v)) != sizeof(v) || read(down[0], &c, 1) != 1)
			_exit(2);
		if (svcctl_lock_release(lk) != 0)
			_exit(3);
		v = te_mono_ms();
		_exit(write(up[1], &v, sizeof(v)) == sizeof(v) ? 0 : 4);
	}
	close(down[0]);
	close(up[1]);
	*to = down[1];
	*from = up[0];
	return pid;
}

/* The state letter of /proc/PID/stat ('T' stopped), '?' when unreadable. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *close;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	close = strrchr(buf, ')');
	return close && close[1] == ' ' ? close[2] : '?';
}

int te_pause_member(struct te_cluster *c, int i)
{
	int64_t end = te_mono_ms() + 10000;

	kill(c->pid[i], SIGSTOP);
	/* kill() returns before every thread has stopped: wait until it has */
	while (proc_state(c->pid[i]) != 'T') {
		if (te_mono_ms() > end)
			return -1;
		usleep(1000);
	}
	return 0;
}

struct te_cluster te_suite;

/* CUnit's suite setup and teardown: one member for the suite's tests. */
static int suite_init(void)
{
	return te_start(&te_suite, 1);
}

static int suite_done(void)
{
	te_stop(&te_suite);
	return 0;
}

CU_pSuite te_add_suite(const char *name, const struct th_case *cases)
{
	return th_add_suite_with(name, suite_init, suite_done, cases);
}

int te_hold_with_waiter(const char *key, const struct svcctl_opts *o, int64_t wait_ms,
			struct svcctl_lock **lk, pid_t *waiter)
{
	int p[2], rc;
	char go;

	*lk = NULL;
	if (pipe(p) < 0)
		return -errno;
	*waiter = fork();
	if (*waiter == 0) {
		struct svcctl_opts w = *o;
		struct svcctl_lock *mine;

		w.timeout_ms = wait_ms;
		close(p[1]);
		if (read(p[0], &go, 1) != 1)
			_exit(1);
		/* a failure says why on stderr: the parent only sees the exit code */
		rc = svcctl_pidfile_lock(key, &w, &mine, NULL);
		if (rc == 0)
			rc = svcctl_lock_release(mine);
		if (rc != 0)
			fprintf(stderr, "waiter: %s\n", svcctl_strerror(rc));
		_exit(rc == 0 ? 0 : 2);
	}
	close(p[0]);
	rc = svcctl_pidfile_lock(key, o, lk, NULL);
	/* no byte (our lock failed): the waiter reads the end of the pipe and exits */
	if (rc == 0 && write(p[1], "w", 1) != 1)
		rc = -EPIPE;
	close(p[1]);
	return rc;
}
