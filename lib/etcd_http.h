/* Requests to etcd's v3 JSON gateway over libcurl, bounded by deadlines. */
#ifndef SVCCTL_ETCD_HTTP_H
#define SVCCTL_ETCD_HTTP_H

#include <stdint.h>

#include "etcd_dl.h"

#include "etcd_url.h"
#include "svcctl/pidfile.h"

/* A connection to a cluster: its endpoints, credentials and auth token. */
struct etcd_conn {
	struct etcd_url url;
	int cur;    /* the endpoint tried first: the last that answered */
	void *curl; /* a CURL easy handle, kept for its open connections */
	char *cacert, *cert, *key, *user, *password;
	char *token;        /* from /v3/auth/authenticate when a user is set */
	int64_t request_ms; /* bound of a request outside a lease */
	const int *cancel;  /* when set and non-zero (read atomically), requests end at once */
};

/*
 * Parse url and take the credentials from opts, else the environment
 * (SVCCTL_ETCD_*); the password file is read here.  0 or a negative code.
 */
int svcctl__etcd_conn_open(struct etcd_conn *c, const char *url, int allow_empty_key,
			   const struct svcctl_opts *opts);

/* A second connection to the same cluster with the same credentials. */
int svcctl__etcd_conn_dup(struct etcd_conn *dst, const struct etcd_conn *src);

void svcctl__etcd_conn_close(struct etcd_conn *c);

/* A deadline on the monotonic clock for a request outside a lease. */
int64_t svcctl__etcd_conn_deadline(const struct etcd_conn *c);

/* Called with each JSON object of an answer; non-zero stops the transfer. */
typedef int (*etcd_msg_fn)(struct json_object *o, void *arg);

/*
 * POST body to path and hand each JSON object of the answer to fn, failing
 * over to the next endpoint on a connection failure, never past deadline
 * (monotonic ms).  Returns fn's non-zero value, 0 when the answer ended
 * (or the deadline passed once at least one object came), or a negative
 * code: SVCCTL_E_UNREACHABLE, SVCCTL_E_AUTH, ...
 */
int svcctl__etcd_stream(struct etcd_conn *c, const char *path, const char *body, int64_t deadline,
			etcd_msg_fn fn, void *arg);

/*
 * A unary call: *out gets the answer (json_object_put() it), or a negative
 * code, the answer's own error included.
 */
int svcctl__etcd_call(struct etcd_conn *c, const char *path, const char *body, int64_t deadline,
		      struct json_object **out);

#endif /* SVCCTL_ETCD_HTTP_H */
