/*
 * A real etcd for the tests: one or three members on 127.0.0.1 with free
 * ports, a temporary data directory, short heartbeat and election times
 * (so TTLs of 1-2 s work), started and stopped by pid.
 */
#ifndef SVCCTL_TEST_ETCD_SERVER_H
#define SVCCTL_TEST_ETCD_SERVER_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "helpers.h"
#include "suites.h"

#define TE_MEMBERS_MAX 3

struct te_cluster {
	struct th_dir dir; /* the data directories and logs */
	int n;
	pid_t pid[TE_MEMBERS_MAX];
	int client_port[TE_MEMBERS_MAX];
	int peer_port[TE_MEMBERS_MAX];
	char url[512];                       /* etcd://127.0.0.1:P[,...]/ : append a key */
	char member_url[TE_MEMBERS_MAX][64]; /* etcd://127.0.0.1:P/ of each */
	int tls;                             /* etcds://, client certificates required */
	char ca[PATH_MAX], server_cert[PATH_MAX], server_key[PATH_MAX];
	char client_cert[PATH_MAX], client_key[PATH_MAX];
	struct svcctl_opts opts; /* what a client needs: the CA and client certificate */
	int slot;                /* its copy, stopped at exit if a test fails first */
};

/* Is the etcd binary installed?  The etcd suites skip (77) without it. */
int te_have_etcd(void);

/* Start n members and wait (bounded) until they serve requests; 0 or -1. */
int te_start(struct te_cluster *c, int n);

/* The same with TLS when tls: a fresh CA, server and client certificates. */
int te_start_with(struct te_cluster *c, int n, int tls);

/* Stop every member still running (SIGKILL, reap) and remove the data. */
void te_stop(struct te_cluster *c);

/* SIGSTOP member i and wait (bounded) until it is stopped; 0 or -1. */
int te_pause_member(struct te_cluster *c, int i);

/* Kill member i (SIGKILL) and reap it. */
void te_kill_member(struct te_cluster *c, int i);

/* c->url followed by key, into buf (PATH_MAX). */
char *te_key(const struct te_cluster *c, const char *key, char *buf);

/* POST body to path of member i with curl(1); the answer into out. */
int te_post(const struct te_cluster *c, int i, const char *path, const char *body, char *out,
	    size_t size);

/* The monotonic clock in ms (the library's lease deadlines use it too). */
int64_t te_mono_ms(void);

/* Wait up to ms for fd to be readable: 1 readable, 0 not. */
int te_readable(int fd, int ms);

/* Options with a lease TTL of ttl_ms and message msg. */
struct svcctl_opts te_opts(int64_t ttl_ms, const char *msg);

/*
 * Fork a holder of key with a lease of ttl_ms: it writes its token (int64_t)
 * to *from, releases on a byte from *to, then writes the monotonic time
 * right after its release and exits 0.
 */
pid_t te_spawn_holder(const char *key, int64_t ttl_ms, int *to, int *from);

/* The cluster of the suites made by te_add_suite: started before their first test. */
extern struct te_cluster te_suite;

/* A suite whose tests share te_suite, one member started for them. */
CU_pSuite te_add_suite(const char *name, const struct th_case *cases);

/*
 * Fork a waiter for key (a child forked before we hold shares no lock of
 * ours), take key with o into *lk, then let the waiter wait up to wait_ms:
 * it exits 0 once it owned and released the key.  Returns our lock's code.
 */
int te_hold_with_waiter(const char *key, const struct svcctl_opts *o, int64_t wait_ms,
			struct svcctl_lock **lk, pid_t *waiter);

#endif
