/*
 * Holding an etcd key: acquire by one transaction on our lease, wait for
 * the holder's delete on a watch, rewrite, renew and release.
 */
#include <stdlib.h>
#include <string.h>

#include "etcd_hold.h"
#include "internal.h"

/* Longest a waiter watches before it tries the transaction again anyway. */
#define WATCH_CAP_MS 1000
/* A waiter's pause between tries while etcd is unreachable. */
#define OUTAGE_RETRY_MS 200

/*
 * The deadline of a request made on our lease: the time it would be
 * declared lost, or sooner.  A put answered later could land on a lease
 * we already gave up.
 */
static int64_t hold_deadline(struct etcd_hold *h)
{
	int64_t d = svcctl__etcd_conn_deadline(&h->conn),
		lease = svcctl__mono_ms() + svcctl__etcd_lease_usable(&h->lease);

	return lease < d ? lease : d;
}

/*
 * Put value on our lease if the key's create_revision is expect (0:
 * absent).  1 done, 0 not (*kv the key when have_kv), or a negative code;
 * *rev is the transaction's revision.
 */
static int txn(struct etcd_hold *h, const char *value, int len, int64_t expect, int64_t *rev,
	       struct etcd_kv *kv, int *have_kv)
{
	char body[ETCD_BODY_MAX];
	struct json_object *o;
	int ok, rc = svcctl__etcd_body_txn(body, sizeof(body), h->conn.url.key, value, (size_t)len,
					   h->lease.id, expect);

	if (rc < 0)
		return rc;
	rc = svcctl__etcd_call(&h->conn, "/v3/kv/txn", body, hold_deadline(h), &o);
	if (rc < 0)
		return rc;
	rc = svcctl__etcd_parse_txn(o, &ok, rev, kv, have_kv);
	svcctl__sym_json_object_put(o);
	return rc < 0 ? rc : ok;
}

/* A watch message: wake on a delete, a cancel or a compaction. */
static int on_watch(struct json_object *o, void *arg)
{
	(void)arg;
	return svcctl__etcd_watch_event(o);
}

int svcctl__etcd_wait_delete(struct etcd_hold *h, int64_t from, int64_t until)
{
	char body[ETCD_BODY_MAX];
	int64_t end = svcctl__mono_ms() + WATCH_CAP_MS;
	int rc = svcctl__etcd_body_watch(body, sizeof(body), h->conn.url.key, from);

	if (rc < 0)
		return rc;
	if (until && until < end)
		end = until;
	return svcctl__etcd_stream(&h->conn, "/v3/watch", body, end, on_watch, NULL);
}

/* A busy answer: the holder from kv (and its lease's time left) into *holder. */
static int busy(struct etcd_hold *h, const struct etcd_kv *kv, int have_kv,
		const struct svcctl_opts *o, struct svcctl_pidinfo *holder, int code)
{
	struct svcctl_pidinfo info;

	memset(&info, 0, sizeof(info));
	info.ttl_ms = -1;
	if (have_kv) {
		svcctl__etcd_kv_info(kv, &info);
		info.ttl_ms = svcctl__etcd_lease_ttl(&h->conn, kv->lease);
	}
	if (holder)
		*holder = info;
	return svcctl__busy_code(&info, o, code);
}

/*
 * Our lease, granted anew when the last one was lost (etcd was away longer
 * than a TTL while we waited).  0, or the grant's failure.
 */
static int ensure_lease(struct etcd_hold *h)
{
	int rc;

	if (h->leased && !svcctl__etcd_lease_is_lost(&h->lease))
		return 0;
	if (h->leased)
		svcctl__etcd_lease_end(&h->lease);
	rc = svcctl__etcd_lease_start(&h->lease, &h->conn, h->ttl_ms, h->want_id);
	h->leased = rc == 0;
	return rc;
}

/*
 * One try: 1 the key is ours (*rev its token), 0 held by another (*kv),
 * or a negative code.
 */
static int try_once(struct etcd_hold *h, const char *value, int len, int64_t *rev,
		    struct etcd_kv *kv, int *have_kv)
{
	int rc = ensure_lease(h);

	if (rc == 0)
		rc = txn(h, value, len, 0, rev, kv, have_kv);
	if (rc == 0 && *have_kv && kv->lease == h->lease.id) {
		/* a retry after our put's answer was lost: the key is ours */
		*rev = kv->create_rev;
		rc = 1;
	}
	if (rc == 1 && svcctl__etcd_lease_is_lost(&h->lease)) {
		/* put as the lease was given up: take the key back, try again */
		svcctl__etcd_revoke(&h->conn, h->lease.id, svcctl__etcd_conn_deadline(&h->conn));
		rc = SVCCTL_E_LOST;
	}
	return rc;
}

/* Pause a waiter while etcd is away (no event will come), never past until. */
static void pause_outage(int64_t until)
{
	int64_t left = until ? until - svcctl__mono_ms() : OUTAGE_RETRY_MS;

	svcctl__sleep_ms(left < OUTAGE_RETRY_MS ? (left > 0 ? (int)left : 0) : OUTAGE_RETRY_MS);
}

/*
 * Try, and while waiting is allowed, wait for a delete and try again.  A
 * waiter rides out an etcd outage (unreachable, lease lost) until its
 * timeout; a caller that does not wait hears of it at once.
 */
static int contend(struct etcd_hold *h, const char *value, int len, const struct svcctl_opts *o,
		   struct svcctl_pidinfo *holder)
{
	int64_t timeout = o ? o->timeout_ms : 0, rev = 0;
	int64_t until = timeout > 0 ? svcctl__mono_ms() + timeout : 0;
	struct etcd_kv kv;
	int have_kv = 0, rc;

	while ((rc = try_once(h, value, len, &rev, &kv, &have_kv)) != 1) {
		int transient = rc == SVCCTL_E_UNREACHABLE || rc == SVCCTL_E_LOST;

		if (rc < 0 && !transient)
			return rc;
		if (timeout == 0 || (until && svcctl__mono_ms() >= until))
			return rc < 0 ? rc
				      : busy(h, &kv, have_kv, o, holder,
					     timeout ? SVCCTL_E_TIMEOUT : SVCCTL_E_BUSY);
		if (transient) {
			pause_outage(until);
			continue;
		}
		rc = svcctl__etcd_wait_delete(h, rev + 1, until);
		if (rc < 0 && rc != SVCCTL_E_UNREACHABLE && rc != SVCCTL_E_LOST)
			return rc; /* an unreachable etcd is the next try's to say */
	}
	h->token = rev; /* the put's revision is the key's create_revision */
	return 0;
}

/* Free a hold whose lease is ended (or was never started). */
static void hold_free(struct etcd_hold *h)
{
	svcctl__etcd_conn_close(&h->conn);
	free(h);
}

int svcctl__etcd_acquire_id(const char *url, const struct svcctl_opts *opts, int64_t lease_id,
			    struct etcd_hold **out, struct svcctl_pidinfo *holder)
{
	char value[ETCD_VALUE_MAX];
	struct etcd_hold *h = calloc(1, sizeof(*h));
	int len, rc;

	*out = NULL;
	if (h == NULL)
		return -ENOMEM;
	h->ttl_ms = opts && opts->stale_age_ms > 0 ? opts->stale_age_ms : SVCCTL_ETCD_TTL_MS;
	h->want_id = lease_id;
	rc = svcctl__etcd_conn_open(&h->conn, url, 0, opts);
	len = rc < 0 ? rc : svcctl__etcd_record(opts, value, sizeof(value));
	/* the first grant says at once whether etcd can be reached at all */
	rc = len < 0 ? len : ensure_lease(h);
	if (rc == 0)
		rc = contend(h, value, len, opts, holder);
	if (rc < 0) {
		if (h->leased)
			svcctl__etcd_lease_end(
			    &h->lease); /* revoke: a put whose answer was lost goes too */
		hold_free(h);
		return rc;
	}
	h->owner = svcctl__self_pid();
	*out = h;
	return 0;
}

int svcctl__etcd_acquire(const char *url, const struct svcctl_opts *opts, struct etcd_hold **out,
			 struct svcctl_pidinfo *holder)
{
	return svcctl__etcd_acquire_id(url, opts, 0, out, holder);
}

int svcctl__etcd_publish(struct etcd_hold *h, const struct svcctl_opts *opts,
			 struct svcctl_pidinfo *holder)
{
	char value[ETCD_VALUE_MAX];
	struct etcd_kv kv;
	int64_t rev;
	int have_kv, len = svcctl__etcd_record(opts, value, sizeof(value)), rc;

	if (len < 0)
		return len;
	if (svcctl__etcd_hold_inherited(h))
		return -ECHILD;
	if (svcctl__etcd_lease_is_lost(&h->lease))
		return SVCCTL_E_LOST;
	/* only while the key is still the one we created */
	rc = txn(h, value, len, h->token, &rev, &kv, &have_kv);
	if (rc == 0 && holder && have_kv)
		svcctl__etcd_kv_info(&kv, holder);
	return rc < 0 ? rc : rc == 1 ? 0 : SVCCTL_E_LOST;
}

int svcctl__etcd_hold_inherited(const struct etcd_hold *h)
{
	return h->owner != svcctl__self_pid();
}

int svcctl__etcd_release(struct etcd_hold *h)
{
	int rc;

	if (svcctl__etcd_hold_inherited(h)) {
		/* a forked child: the parent holds the key, its connection and thread */
		svcctl__etcd_lease_forget(&h->lease);
		free(h);
		return 0;
	}
	rc = svcctl__etcd_lease_end(&h->lease);
	hold_free(h);
	return rc;
}

int svcctl__etcd_touch(struct etcd_hold *h)
{
	return svcctl__etcd_hold_inherited(h) ? -ECHILD : svcctl__etcd_lease_renew(&h->lease);
}

int64_t svcctl__etcd_token(const struct etcd_hold *h)
{
	return h->token;
}

int svcctl__etcd_lost_fd(const struct etcd_hold *h)
{
	return h->lease.pipe[0];
}

int64_t svcctl__etcd_ttl_left(const struct etcd_hold *h)
{
	return svcctl__etcd_hold_inherited(h)
		   ? 0
		   : svcctl__etcd_lease_left((struct etcd_lease *)&h->lease);
}
