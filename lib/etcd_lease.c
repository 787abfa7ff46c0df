/* An etcd lease and the thread that keeps it alive. */
#define _GNU_SOURCE /* pipe2 */
#include "etcd_lease.h"

#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "etcd_json.h"
#include "platform.h"

/* Wait after a failed renewal before the next try (the next endpoint, or etcd back). */
#define RETRY_MS 100

/* Mark the lease lost and wake whoever polls the descriptor; under mu. */
static void mark_lost(struct etcd_lease *l)
{
	if (!l->lost) {
		l->lost = 1;
		(void)!write(l->pipe[1], "x", 1);
	}
	pthread_cond_broadcast(&l->cv);
}

/* Wait on cv until the monotonic time at (ms); under mu. */
static void wait_until(struct etcd_lease *l, int64_t at)
{
	struct timespec ts = {.tv_sec = at / 1000, .tv_nsec = (long)(at % 1000) * 1000000L};

	pthread_cond_timedwait(&l->cv, &l->mu, &ts);
}

/* One keepalive round trip, never past until; *ttl_ms gets the TTL etcd grants. */
static int keepalive(struct etcd_lease *l, int64_t until, int64_t *ttl_ms)
{
	char body[64];
	struct json_object *o;
	int64_t ttl = 0;
	int rc;

	svcctl__etcd_body_id(body, sizeof(body), l->id);
	rc = svcctl__etcd_call(&l->conn, "/v3/lease/keepalive", body, until, &o);
	if (rc < 0)
		return rc;
	rc = svcctl__etcd_get_i64(svcctl__etcd_result(o), "TTL", &ttl);
	svcctl__sym_json_object_put(o);
	if (rc < 0)
		return rc;
	*ttl_ms = ttl * 1000;
	return ttl > 0 ? 0 : SVCCTL_E_LOST; /* etcd no longer knows it */
}

/* Apply a renewal's result sent at sent; under mu. */
static void renewed(struct etcd_lease *l, int rc, int64_t sent, int64_t ttl_ms)
{
	if (rc == 0) {
		l->ttl_ms = ttl_ms; /* the server may have raised it */
		l->sent = sent;
		l->deadline = sent + ttl_ms;
		l->retry_at = 0;
	} else if (rc == SVCCTL_E_LOST || rc == SVCCTL_E_AUTH) {
		mark_lost(l);
	} else {
		l->retry_at = svcctl__mono_ms() + RETRY_MS;
	}
	l->last_rc = rc;
}

/* The keepalive thread: renew every TTL/3, or when asked, until stopped or lost. */
static void *keepalive_main(void *arg)
{
	struct etcd_lease *l = arg;

	pthread_mutex_lock(&l->mu);
	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE) && !l->lost) {
		int64_t now = svcctl__mono_ms(), lost_at = l->deadline - l->ttl_ms / 4;
		int64_t next = l->sent + l->ttl_ms / 3, sent, until, ttl_ms = 0;
		unsigned asked = l->asked;
		int rc;

		if (now >= lost_at) {
			mark_lost(l);
			break;
		}
		if (next < l->retry_at)
			next = l->retry_at;
		if (asked == l->done && now < next) {
			wait_until(l, next < lost_at ? next : lost_at);
			continue;
		}
		pthread_mutex_unlock(&l->mu);
		sent = svcctl__mono_ms();
		until = svcctl__etcd_conn_deadline(&l->conn);
		/* capped at the loss time, and at a request's bound so a retry comes */
		rc = keepalive(l, until < lost_at ? until : lost_at, &ttl_ms);
		pthread_mutex_lock(&l->mu);
		renewed(l, rc, sent, ttl_ms);
		l->done = asked;
		pthread_cond_broadcast(&l->cv);
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

/* Ask etcd for the lease; the deadline counts from the moment we asked. */
static int grant(struct etcd_lease *l, int64_t ttl_ms, int64_t id)
{
	char body[128];
	struct json_object *o;
	int64_t ttl = 0, t0 = svcctl__mono_ms();
	int rc;

	svcctl__etcd_body_grant(body, sizeof(body), ttl_ms < 1000 ? 1 : (ttl_ms + 999) / 1000, id);
	rc = svcctl__etcd_call(&l->conn, "/v3/lease/grant", body,
			       svcctl__etcd_conn_deadline(&l->conn), &o);
	if (rc < 0)
		return rc;
	if (svcctl__etcd_get_i64(o, "ID", &l->id) < 0 || svcctl__etcd_get_i64(o, "TTL", &ttl) < 0 ||
	    ttl <= 0 || l->id == 0)
		rc = -EPROTO;
	svcctl__sym_json_object_put(o);
	l->ttl_ms = ttl * 1000;
	l->sent = t0;
	l->deadline = t0 + l->ttl_ms;
	return rc;
}

/* The mutex, a condition on the monotonic clock, and the loss pipe. */
static int sync_init(struct etcd_lease *l)
{
	pthread_condattr_t ca;

	if (pipe2(l->pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&l->mu, NULL);
	return 0;
}

/* Undo sync_init and the connection. */
static void sync_free(struct etcd_lease *l)
{
	close(l->pipe[0]);
	close(l->pipe[1]);
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	svcctl__etcd_conn_close(&l->conn);
}

int svcctl__etcd_lease_start(struct etcd_lease *l, const struct etcd_conn *c, int64_t ttl_ms,
			     int64_t id)
{
	int rc;

	memset(l, 0, sizeof(*l));
	rc = svcctl__etcd_conn_dup(&l->conn, c);
	if (rc < 0)
		return rc;
	l->conn.cancel = &l->stop;
	rc = sync_init(l);
	if (rc < 0) {
		svcctl__etcd_conn_close(&l->conn);
		return rc;
	}
	rc = grant(l, ttl_ms, id);
	if (rc == 0) {
		rc = -pthread_create(&l->thread, NULL, keepalive_main, l);
		l->running = rc == 0;
	}
	if (rc < 0) {
		if (l->id)
			svcctl__etcd_lease_end(l); /* revoke what was granted */
		else
			sync_free(l);
	}
	return rc;
}

int svcctl__etcd_lease_renew(struct etcd_lease *l)
{
	unsigned want;
	int rc;

	pthread_mutex_lock(&l->mu);
	want = ++l->asked;
	pthread_cond_broadcast(&l->cv);
	while (!l->lost && (int)(l->done - want) < 0)
		pthread_cond_wait(&l->cv, &l->mu);
	rc = l->lost ? SVCCTL_E_LOST : l->last_rc;
	pthread_mutex_unlock(&l->mu);
	return rc;
}

int svcctl__etcd_lease_is_lost(struct etcd_lease *l)
{
	int lost;

	pthread_mutex_lock(&l->mu);
	lost = l->lost;
	pthread_mutex_unlock(&l->mu);
	return lost;
}

int64_t svcctl__etcd_lease_left(struct etcd_lease *l)
{
	int64_t left;

	pthread_mutex_lock(&l->mu);
	left = l->lost ? 0 : l->deadline - svcctl__mono_ms();
	pthread_mutex_unlock(&l->mu);
	return left > 0 ? left : 0;
}

int64_t svcctl__etcd_lease_usable(struct etcd_lease *l)
{
	int64_t left;

	pthread_mutex_lock(&l->mu);
	left = l->lost ? 0 : l->deadline - l->ttl_ms / 4 - svcctl__mono_ms();
	pthread_mutex_unlock(&l->mu);
	return left > 0 ? left : 0;
}

int svcctl__etcd_revoke(struct etcd_conn *c, int64_t lease, int64_t deadline)
{
	char body[64];
	struct json_object *o;
	int rc;

	svcctl__etcd_body_id(body, sizeof(body), lease);
	rc = svcctl__etcd_call(c, "/v3/lease/revoke", body, deadline, &o);
	svcctl__sym_json_object_put(o);
	return rc;
}

int svcctl__etcd_lease_end(struct etcd_lease *l)
{
	int64_t bound;
	int rc;

	pthread_mutex_lock(&l->mu);
	/* also ends a renewal in flight (the connection's cancel flag) */
	__atomic_store_n(&l->stop, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	if (l->running)
		pthread_join(l->thread, NULL);
	l->conn.cancel = NULL;
	bound = svcctl__etcd_conn_deadline(&l->conn);
	/* never past the deadline: the server drops the lease then anyway */
	rc = l->lost
		 ? SVCCTL_E_LOST
		 : svcctl__etcd_revoke(&l->conn, l->id, l->deadline < bound ? l->deadline : bound);
	sync_free(l);
	return rc;
}

void svcctl__etcd_lease_forget(struct etcd_lease *l)
{
	/* the parent's connection and thread state stay untouched */
	close(l->pipe[0]);
	close(l->pipe[1]);
}
