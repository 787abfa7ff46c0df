/* Reading etcd keys: records, holders, listing, and revoking a holder's lease. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etcd_hold.h"
#include "internal.h"

int svcctl__etcd_record(const struct svcctl_opts *opts, char *buf, size_t size)
{
	struct svcctl_record r;
	int rc = svcctl__record_prepare(&r, opts, svcctl__self_pid()), n;

	if (rc < 0)
		return rc;
	n = snprintf(buf, size, "%.*ssince=%lld\n", r.len, r.buf, (long long)svcctl__now_ms());
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : n;
}

/* The since= line of a record (ms since the epoch), 0 when absent. */
static int64_t record_since(const char *v)
{
	const char *at = strstr(v, "\nsince=");
	uint64_t ms;

	if (at == NULL)
		return 0;
	at += 7;
	return svcctl__parse_u64(at, strcspn(at, "\n"), INT64_MAX, &ms) < 0 ? 0 : (int64_t)ms;
}

int svcctl__etcd_kv_info(const struct etcd_kv *kv, struct svcctl_pidinfo *info)
{
	/* another host's pids may go past ours: only the format is checked */
	int rc = svcctl__parse(kv->value, kv->value_len, INT32_MAX, info);

	if (rc < 0)
		memset(info, 0, sizeof(*info));
	info->mtime_ms = record_since(kv->value);
	info->age_ms = info->mtime_ms ? svcctl__now_ms() - info->mtime_ms : 0;
	if (info->age_ms < 0)
		info->age_ms = 0;
	info->token = kv->create_rev;
	info->lease = kv->lease;
	info->ttl_ms = -1;
	info->state = SVCCTL_RUNNING; /* the lease is its liveness */
	info->reason = SVCCTL_REASON_NONE;
	info->lock_held = 1;
	return rc;
}

int64_t svcctl__etcd_lease_ttl(struct etcd_conn *c, int64_t lease)
{
	char body[64];
	struct json_object *o;
	int64_t ttl = -1;

	svcctl__etcd_body_id(body, sizeof(body), lease);
	if (svcctl__etcd_call(c, "/v3/lease/timetolive", body, svcctl__etcd_conn_deadline(c), &o) <
	    0)
		return -1;
	if (svcctl__etcd_get_i64(o, "TTL", &ttl) < 0 || ttl < 0)
		ttl = -1;
	svcctl__sym_json_object_put(o);
	return ttl < 0 ? -1 : ttl * 1000;
}

int svcctl__etcd_get(struct etcd_conn *c, const char *key, int64_t deadline, struct etcd_kv *kv)
{
	char body[ETCD_BODY_MAX];
	struct json_object *o;
	int rc = svcctl__etcd_body_range(body, sizeof(body), key, 0);

	if (rc < 0)
		return rc;
	rc = svcctl__etcd_call(c, "/v3/kv/range", body, deadline, &o);
	if (rc < 0)
		return rc;
	rc = svcctl__etcd_range_kv(o, 0, kv);
	svcctl__sym_json_object_put(o);
	return rc;
}

/* Read the key c names into *info: an enum svcctl_state or a negative code. */
static int read_state(struct etcd_conn *c, struct svcctl_pidinfo *info, struct etcd_kv *kv)
{
	int rc = svcctl__etcd_get(c, c->url.key, svcctl__etcd_conn_deadline(c), kv);

	memset(info, 0, sizeof(*info));
	info->lock_held = -1;
	info->ttl_ms = -1;
	if (rc <= 0) {
		info->state = rc == 0 ? SVCCTL_ABSENT : SVCCTL_UNKNOWN;
		return rc == 0 ? SVCCTL_ABSENT : rc;
	}
	rc = svcctl__etcd_kv_info(kv, info);
	info->ttl_ms = svcctl__etcd_lease_ttl(c, kv->lease);
	if (rc < 0)
		info->state = SVCCTL_UNKNOWN; /* held, by whom cannot be told */
	return rc < 0 ? rc : SVCCTL_RUNNING;
}

int svcctl__etcd_state(const char *url, const struct svcctl_opts *opts, struct svcctl_pidinfo *info)
{
	struct etcd_conn c;
	struct etcd_kv kv;
	int rc = svcctl__etcd_conn_open(&c, url, 0, opts);

	if (rc < 0)
		return rc;
	rc = read_state(&c, info, &kv);
	svcctl__etcd_conn_close(&c);
	return rc;
}

int svcctl__etcd_judge(struct etcd_hold *h, struct svcctl_pidinfo *info)
{
	struct etcd_kv kv;

	return svcctl__etcd_hold_inherited(h) ? -ECHILD : read_state(&h->conn, info, &kv);
}

/* Revoke the lease of the key c names if its token is token (0: any). */
static int evict(struct etcd_conn *c, int64_t token, int mine_only)
{
	struct svcctl_pidinfo info;
	struct etcd_kv kv;
	int rc = svcctl__etcd_get(c, c->url.key, svcctl__etcd_conn_deadline(c), &kv);

	if (rc <= 0)
		return rc;
	svcctl__etcd_kv_info(&kv, &info);
	if ((token && kv.create_rev != token) || (mine_only && !svcctl__names_self(&info)))
		return SVCCTL_E_BUSY;
	if (kv.lease == 0)
		return SVCCTL_E_INVALID; /* on no lease: not a holder's key, nothing to revoke */
	rc = svcctl__etcd_revoke(c, kv.lease, svcctl__etcd_conn_deadline(c));
	return rc == SVCCTL_E_LOST ? 0 : rc; /* expired meanwhile: free anyway */
}

int svcctl_etcd_evict(const char *path, const struct svcctl_opts *opts, int64_t token)
{
	struct etcd_conn c;
	int rc;

	if (!svcctl_path_is_etcd(path))
		return -EINVAL;
	rc = svcctl__etcd_conn_open(&c, path, 0, opts);
	if (rc < 0)
		return rc;
	rc = evict(&c, token, 0);
	svcctl__etcd_conn_close(&c);
	return rc;
}

int svcctl__etcd_remove(const char *url)
{
	struct etcd_conn c;
	int rc = svcctl__etcd_conn_open(&c, url, 0, NULL);

	if (rc < 0)
		return rc;
	rc = evict(&c, 0, 1);
	svcctl__etcd_conn_close(&c);
	return rc;
}

/* The etcd:// address of key on c's cluster into buf. */
static int key_path(const struct etcd_conn *c, const char *key, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%s://", c->url.tls ? "etcds" : "etcd");

	for (int i = 0; i < c->url.n && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "," : "", c->url.endpoint[i]);
	if (n < size)
		n += (size_t)snprintf(buf + n, size - n, "/%s", key);
	return n < size ? 0 : -ENAMETOOLONG;
}

/* Hand each key of a range answer to fn. */
static int walk(struct etcd_conn *c, struct json_object *range, svcctl_list_fn fn, void *arg)
{
	char path[ETCD_ENDPOINTS_MAX * ETCD_ENDPOINT_MAX + ETCD_KEY_MAX + 16];
	struct svcctl_pidinfo info;
	struct etcd_kv kv;
	int rc = 0;

	for (size_t i = 0; rc == 0; i++) {
		rc = svcctl__etcd_range_kv(range, i, &kv);
		if (rc <= 0)
			return rc;
		svcctl__etcd_kv_info(&kv, &info);
		info.ttl_ms = svcctl__etcd_lease_ttl(c, kv.lease);
		rc = key_path(c, kv.key, path, sizeof(path));
		if (rc == 0)
			rc = fn(path, &info, arg);
	}
	return rc;
}

int svcctl_etcd_list(const char *path, const struct svcctl_opts *opts, svcctl_list_fn fn, void *arg)
{
	char body[ETCD_BODY_MAX];
	struct json_object *o = NULL;
	struct etcd_conn c;
	int rc;

	if (!svcctl_path_is_etcd(path) || fn == NULL)
		return -EINVAL;
	rc = svcctl__etcd_conn_open(&c, path, 1, opts);
	if (rc < 0)
		return rc;
	rc = svcctl__etcd_body_range(body, sizeof(body), c.url.key, 1);
	if (rc >= 0)
		rc =
		    svcctl__etcd_call(&c, "/v3/kv/range", body, svcctl__etcd_conn_deadline(&c), &o);
	if (rc >= 0)
		rc = walk(&c, o, fn, arg);
	svcctl__sym_json_object_put(o);
	svcctl__etcd_conn_close(&c);
	return rc;
}
