/*
 * Requests to etcd's JSON gateway with libcurl: one POST per call, the
 * answer split into newline-separated JSON objects (streams such as
 * watch and keepalive send several), endpoints tried in turn.
 */
#include "etcd_http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "etcd_dl.h"

#include "etcd_json.h"
#include "platform.h"

/* Most bytes of answer held at once: a listing of many records. */
#define ANSWER_MAX (8 << 20)
/* Least time one endpoint gets before the next is tried. */
#define ENDPOINT_MIN_MS 500

/* One transfer's state: bytes not yet split into objects, and fn. */
struct xfer {
	char *buf;
	size_t len, cap;
	etcd_msg_fn fn;
	void *arg;
	int got;  /* objects handed to fn */
	int stop; /* fn's non-zero value, or an error answer's code */
};

/* Parse len bytes as one JSON object and hand it on; blank lines are skipped. */
static void deliver(struct xfer *x, const char *s, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o;

	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	if (len == 0 || x->stop)
		return;
	tok = svcctl__sym_json_tokener_new();
	if (tok == NULL) {
		x->stop = -ENOMEM;
		return;
	}
	o = svcctl__sym_json_tokener_parse_ex(tok, s, (int)len);
	svcctl__sym_json_tokener_free(tok);
	if (o == NULL) {
		x->stop = -EPROTO;
		return;
	}
	x->got++;
	x->stop = svcctl__etcd_answer_error(o);
	if (x->stop == 0)
		x->stop = x->fn(o, x->arg);
	svcctl__sym_json_object_put(o);
}

/* Hand on every complete line, keeping the rest for the next bytes. */
static void split_lines(struct xfer *x)
{
	char *nl;

	while (!x->stop && (nl = memchr(x->buf, '\n', x->len)) != NULL) {
		size_t n = (size_t)(nl - x->buf) + 1;

		deliver(x, x->buf, n - 1);
		memmove(x->buf, x->buf + n, x->len - n);
		x->len -= n;
	}
}

/* libcurl's write callback: returning less than given aborts the transfer. */
static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;

	if (x->len + n + 1 > x->cap) {
		size_t cap = (x->len + n + 1) * 2;
		char *b = cap <= ANSWER_MAX ? realloc(x->buf, cap) : NULL;

		if (b == NULL) {
			x->stop = -E2BIG;
			return 0;
		}
		x->buf = b;
		x->cap = cap;
	}
	memcpy(x->buf + x->len, p, n);
	x->len += n;
	split_lines(x);
	return x->stop ? 0 : n;
}

/* Curl's code for a failed transfer as a library code. */
static int curl_code(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return SVCCTL_E_AUTH;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	default:
		return SVCCTL_E_UNREACHABLE;
	}
}

/* Headers of every request: JSON, no 100-continue, the auth token. */
static struct curl_slist *headers(const struct etcd_conn *c)
{
	struct curl_slist *h =
	    svcctl__sym_curl_slist_append(NULL, "Content-Type: application/json");
	char auth[1024];

	h = h ? svcctl__sym_curl_slist_append(h, "Expect:") : NULL;
	if (h && c->token) {
		snprintf(auth, sizeof(auth), "Authorization: %s", c->token);
		h = svcctl__sym_curl_slist_append(h, auth);
	}
	return h;
}

/* Sockets close on exec: a holder's exec'd child must not keep etcd's connections. */
static curl_socket_t open_socket(void *unused, curlsocktype purpose, struct curl_sockaddr *a)
{
	(void)unused, (void)purpose;
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* libcurl's progress callback: a cancelled connection ends its transfer. */
static int on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	const struct etcd_conn *conn = arg;

	(void)a, (void)b, (void)c, (void)d;
	return __atomic_load_n(conn->cancel, __ATOMIC_ACQUIRE) != 0;
}

/* Set up the easy handle for one POST to endpoint ep. */
static void setup(struct etcd_conn *c, int ep, const char *path, const char *body,
		  int64_t timeout_ms, struct curl_slist *hdr, struct xfer *x)
{
	CURL *h = c->curl;
	char url[ETCD_ENDPOINT_MAX + 64];

	snprintf(url, sizeof(url), "%s://%s%s", c->url.tls ? "https" : "http", c->url.endpoint[ep],
		 path);
	svcctl__sym_curl_easy_reset(h);
	svcctl__sym_curl_easy_setopt(h, CURLOPT_URL, url);
	svcctl__sym_curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	svcctl__sym_curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	svcctl__sym_curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	svcctl__sym_curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	svcctl__sym_curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	svcctl__sym_curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	svcctl__sym_curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	svcctl__sym_curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	svcctl__sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, c->url.tls ? "https" : "http");
	if (c->cancel) {
		svcctl__sym_curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
		svcctl__sym_curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
		svcctl__sym_curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
	}
	if (c->cacert)
		svcctl__sym_curl_easy_setopt(h, CURLOPT_CAINFO, c->cacert);
	if (c->cert)
		svcctl__sym_curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert);
	if (c->key)
		svcctl__sym_curl_easy_setopt(h, CURLOPT_SSLKEY, c->key);
}

/*
 * One POST to endpoint ep within timeout_ms.  A transfer that handed on
 * objects and then ended by time or a dropped connection simply ended.
 */
static int attempt(struct etcd_conn *c, int ep, const char *path, const char *body,
		   int64_t timeout_ms, etcd_msg_fn fn, void *arg)
{
	struct xfer x = {.fn = fn, .arg = arg};
	struct curl_slist *hdr = headers(c);
	CURLcode rc;

	if (hdr == NULL)
		return -ENOMEM;
	setup(c, ep, path, body, timeout_ms, hdr, &x);
	rc = svcctl__sym_curl_easy_perform(c->curl);
	svcctl__sym_curl_slist_free_all(hdr);
	if (x.stop == 0 && x.len > 0)
		deliver(&x, x.buf, x.len); /* the last object, without a newline */
	free(x.buf);
	if (x.stop)
		return x.stop;
	if (rc == CURLE_OK || x.got > 0)
		return x.got > 0 ? 0 : -EPROTO;
	return curl_code(rc);
}

/* Keep the first object of an answer, reading on so the connection is reused. */
static int keep_first(struct json_object *o, void *arg)
{
	struct json_object **out = arg;

	if (*out == NULL)
		*out = svcctl__sym_json_object_get(o);
	return 0;
}

/* Get an auth token for c's user from endpoint ep. */
static int authenticate(struct etcd_conn *c, int ep, int64_t timeout_ms)
{
	char body[ETCD_BODY_MAX];
	struct json_object *o = NULL, *t;
	int rc =
	    svcctl__etcd_body_auth(body, sizeof(body), c->user, c->password ? c->password : "");

	if (rc < 0)
		return rc;
	rc = attempt(c, ep, "/v3/auth/authenticate", body, timeout_ms, keep_first, &o);
	if (rc == 0 && o && svcctl__sym_json_object_object_get_ex(o, "token", &t)) {
		c->token = strdup(svcctl__sym_json_object_get_string(t));
		rc = c->token ? 0 : -ENOMEM;
	} else if (rc >= 0) {
		rc = -EPROTO;
	}
	svcctl__sym_json_object_put(o);
	return rc;
}

/* Time endpoint ep of those left to try gets: a share of what is left. */
static int64_t share(int64_t left, int remaining)
{
	int64_t t = left / remaining;

	if (t < ENDPOINT_MIN_MS)
		t = left < ENDPOINT_MIN_MS ? left : ENDPOINT_MIN_MS;
	return t;
}

int svcctl__etcd_stream(struct etcd_conn *c, const char *path, const char *body, int64_t deadline,
			etcd_msg_fn fn, void *arg)
{
	int retried_auth = 0, rc = SVCCTL_E_UNREACHABLE;

	for (int i = 0; i < c->url.n;) {
		int64_t left = deadline - svcctl__mono_ms();
		int ep = (c->cur + i) % c->url.n;

		if (left <= 0)
			return SVCCTL_E_UNREACHABLE;
		if (c->user && c->token == NULL)
			rc = authenticate(c, ep, share(left, c->url.n - i));
		if (rc != SVCCTL_E_UNREACHABLE && rc < 0)
			return rc;
		if (!c->user || c->token)
			rc = attempt(c, ep, path, body, share(left, c->url.n - i), fn, arg);
		if (rc == SVCCTL_E_AUTH && c->token && !retried_auth) {
			/* the token may have expired: authenticate once more */
			free(c->token);
			c->token = NULL;
			retried_auth = 1;
			continue;
		}
		if (rc != SVCCTL_E_UNREACHABLE) {
			c->cur = ep;
			return rc;
		}
		i++;
	}
	return rc;
}

int svcctl__etcd_call(struct etcd_conn *c, const char *path, const char *body, int64_t deadline,
		      struct json_object **out)
{
	int rc;

	*out = NULL;
	rc = svcctl__etcd_stream(c, path, body, deadline, keep_first, out);
	if (rc < 0) {
		svcctl__sym_json_object_put(*out);
		*out = NULL;
		return rc;
	}
	return *out ? 0 : -EPROTO;
}
