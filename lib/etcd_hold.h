/* A held etcd key and what etcd_lock.c and etcd_query.c share. */
#ifndef SVCCTL_ETCD_HOLD_H
#define SVCCTL_ETCD_HOLD_H

#include "etcd.h"
#include "etcd_http.h"
#include "etcd_json.h"
#include "etcd_lease.h"

/* The etcd side of a lock: our connection, our lease, our token. */
struct etcd_hold {
	struct etcd_conn conn;
	struct etcd_lease lease;
	int64_t token;   /* the key's create_revision when we created it */
	int64_t owner;   /* the process that acquired it */
	int64_t ttl_ms;  /* the TTL asked for */
	int64_t want_id; /* the lease id asked for, 0: etcd picks */
	int leased;      /* lease holds a started lease */
};

/*
 * Is this a forked child's copy of a hold?  Its connection and lease are
 * the parent's (a shared socket, a thread that does not run here): the copy
 * may only be released.
 */
int svcctl__etcd_hold_inherited(const struct etcd_hold *h);

/*
 * Our record for opts (pidfile text, then since=<ms since the epoch> so
 * others can tell its age) into buf; its length or a negative code.
 */
int svcctl__etcd_record(const struct svcctl_opts *opts, char *buf, size_t size);

/*
 * The holder's record, token and lease from kv into *info (state running).
 * 0, or SVCCTL_E_INVALID when the value is not a record (written by
 * something else): token and lease are filled all the same.
 */
int svcctl__etcd_kv_info(const struct etcd_kv *kv, struct svcctl_pidinfo *info);

/* Seconds-granular time left on lease, in ms; -1 when etcd cannot tell. */
int64_t svcctl__etcd_lease_ttl(struct etcd_conn *c, int64_t lease);

/*
 * Read key into *kv: 1 present, 0 absent, or a negative code; bounded by
 * deadline.
 */
int svcctl__etcd_get(struct etcd_conn *c, const char *key, int64_t deadline, struct etcd_kv *kv);

/*
 * Watch the hold's key for a delete from revision from on (so no delete
 * after a failed transaction at from - 1 is missed), up to a 1 s cap or
 * until (0: no limit).  1 woken (a delete, a cancel or a compaction), 0
 * the cap passed, or a negative code.
 */
int svcctl__etcd_wait_delete(struct etcd_hold *h, int64_t from, int64_t until);

#endif /* SVCCTL_ETCD_HOLD_H */
