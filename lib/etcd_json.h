/*
 * etcd v3 JSON gateway messages: request bodies and the fields of
 * answers, with no I/O.  Keys and values travel in base64, 64-bit numbers
 * as decimal strings; they are never read through a double.
 */
#ifndef SVCCTL_ETCD_JSON_H
#define SVCCTL_ETCD_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "etcd_dl.h"

#include "etcd_url.h"
#include "format.h"

/* Room for any request body this library sends. */
#define ETCD_BODY_MAX 16384
/* Largest value read back: a pidfile record and its since= line. */
#define ETCD_VALUE_MAX (SVCCTL_PIDFILE_MAX + 64)

/* One key-value of a range or watch answer. */
struct etcd_kv {
	char key[ETCD_KEY_MAX + 1];
	char value[ETCD_VALUE_MAX + 1]; /* NUL-terminated */
	size_t value_len;
	int64_t create_rev; /* the fencing token of its holder */
	int64_t mod_rev;
	int64_t lease;
};

/* base64 of len bytes into out (room for 4 * ((len + 2) / 3) + 1). */
void svcctl__etcd_b64_encode(const void *in, size_t len, char *out);

/* Decode base64 s into out (cap bytes); the length, or -EINVAL. */
int svcctl__etcd_b64_decode(const char *s, char *out, size_t cap);

/* An int64 field given as a string or a number; absent is 0. */
int svcctl__etcd_get_i64(struct json_object *o, const char *field, int64_t *v);

/* Bodies: each returns its length, or -ENAMETOOLONG when it does not fit. */
int svcctl__etcd_body_grant(char *buf, size_t n, int64_t ttl_s, int64_t id);
int svcctl__etcd_body_id(char *buf, size_t n, int64_t id);
int svcctl__etcd_body_range(char *buf, size_t n, const char *key, int prefix);
int svcctl__etcd_body_watch(char *buf, size_t n, const char *key, int64_t start_rev);
int svcctl__etcd_body_auth(char *buf, size_t n, const char *user, const char *password);

/*
 * The acquire transaction: if the key's create_revision is expect (0:
 * absent), put value with lease, else range the key.
 */
int svcctl__etcd_body_txn(char *buf, size_t n, const char *key, const char *value, size_t vlen,
			  int64_t lease, int64_t expect);

/* The SVCCTL_E_* or -errno of an error answer, 0 for none. */
int svcctl__etcd_answer_error(struct json_object *o);

/* Fill *kv from a kv object of a range, txn or watch answer. */
int svcctl__etcd_parse_kv(struct json_object *o, struct etcd_kv *kv);

/* The i-th kv of a range answer into *kv: 1, or 0 past the last. */
int svcctl__etcd_range_kv(struct json_object *range, size_t i, struct etcd_kv *kv);

/*
 * A txn answer: *ok 1 when it succeeded, *rev its header revision, and
 * *kv (have_kv 1) the key read on failure.
 */
int svcctl__etcd_parse_txn(struct json_object *o, int *ok, int64_t *rev, struct etcd_kv *kv,
			   int *have_kv);

/*
 * One watch message: 1 when it should wake a waiter (a delete event, a
 * cancel or a compaction), 0 to keep watching, or a negative code.
 */
int svcctl__etcd_watch_event(struct json_object *o);

/* The result object of a streamed answer ({"result": {...}}), else o. */
struct json_object *svcctl__etcd_result(struct json_object *o);

#endif /* SVCCTL_ETCD_JSON_H */
