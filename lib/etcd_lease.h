/*
 * An etcd lease kept alive by a thread: renewed every TTL/3, declared lost
 * a quarter TTL before it could expire on the server when no renewal got
 * through, or at once when etcd says it is gone.  Loss makes a pipe
 * readable.  Times are on the monotonic clock (svcctl__mono_ms).
 */
#ifndef SVCCTL_ETCD_LEASE_H
#define SVCCTL_ETCD_LEASE_H

#include <pthread.h>
#include <stdint.h>

#include "etcd_http.h"

struct etcd_lease {
	struct etcd_conn conn; /* the keepalive thread's own connection */
	int64_t id;
	int64_t ttl_ms;   /* as granted by the server */
	int64_t sent;     /* when the last renewal etcd answered was sent */
	int64_t deadline; /* sent + ttl_ms: the server cannot expire it before */
	int64_t retry_at; /* after a failed renewal, the next try */
	int lost, stop;
	int last_rc;          /* the last renewal's result */
	unsigned asked, done; /* renewals asked for by svcctl__etcd_lease_renew, and done */
	int pipe[2];          /* readable once lost */
	int running;          /* the thread was started */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/*
 * Grant a lease of ttl_ms (id 0: the server picks the id) on a copy of c
 * and start its keepalive thread.  0 or a negative code.
 */
int svcctl__etcd_lease_start(struct etcd_lease *l, const struct etcd_conn *c, int64_t ttl_ms,
			     int64_t id);

/* Renew now and wait for the result: 0, SVCCTL_E_LOST, or a failure. */
int svcctl__etcd_lease_renew(struct etcd_lease *l);

/* 1 once lost. */
int svcctl__etcd_lease_is_lost(struct etcd_lease *l);

/* Milliseconds before the server could expire it, 0 once lost. */
int64_t svcctl__etcd_lease_left(struct etcd_lease *l);

/* Milliseconds before it would be declared lost without a renewal (a quarter TTL earlier). */
int64_t svcctl__etcd_lease_usable(struct etcd_lease *l);

/*
 * Stop the thread; revoke the lease unless lost (then SVCCTL_E_LOST); free.
 * Returns 0 or the revoke's failure.
 */
int svcctl__etcd_lease_end(struct etcd_lease *l);

/* Revoke lease, never past deadline; SVCCTL_E_LOST when etcd no longer knows it. */
int svcctl__etcd_revoke(struct etcd_conn *c, int64_t lease, int64_t deadline);

/* In a forked child: close the descriptors only (no thread runs here). */
void svcctl__etcd_lease_forget(struct etcd_lease *l);

#endif /* SVCCTL_ETCD_LEASE_H */
