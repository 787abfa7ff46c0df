/* etcd v3 JSON gateway messages, built and read without any I/O. */
#include "etcd_json.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "svcctl/pidfile.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void svcctl__etcd_b64_encode(const void *in, size_t len, char *out)
{
	const unsigned char *p = in;
	size_t i = 0;

	for (; i + 2 < len; i += 3) {
		*out++ = b64[p[i] >> 2];
		*out++ = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*out++ = b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*out++ = b64[p[i + 2] & 63];
	}
	if (i < len) {
		*out++ = b64[p[i] >> 2];
		if (i + 1 < len) {
			*out++ = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*out++ = b64[(p[i + 1] & 15) << 2];
		} else {
			*out++ = b64[(p[i] & 3) << 4];
			*out++ = '=';
		}
		*out++ = '=';
	}
	*out = '\0';
}

/* The 6-bit value of a base64 digit, -1 for another byte. */
static int b64_digit(char c)
{
	const char *at = c ? strchr(b64, c) : NULL;

	return at ? (int)(at - b64) : -1;
}

int svcctl__etcd_b64_decode(const char *s, char *out, size_t cap)
{
	size_t n = 0, len = strlen(s);
	unsigned acc = 0;
	int bits = 0;

	while (len > 0 && s[len - 1] == '=')
		len--;
	for (size_t i = 0; i < len; i++) {
		int d = b64_digit(s[i]);

		if (d < 0)
			return -EINVAL;
		acc = (acc << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -EINVAL;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	return (int)n;
}

int svcctl__etcd_get_i64(struct json_object *o, const char *field, int64_t *v)
{
	struct json_object *f;
	const char *s;
	uint64_t u;
	int neg;

	*v = 0;
	if (o == NULL || !svcctl__sym_json_object_object_get_ex(o, field, &f))
		return 0;
	if (svcctl__sym_json_object_is_type(f, json_type_int)) {
		*v = svcctl__sym_json_object_get_int64(f);
		return 0;
	}
	if (!svcctl__sym_json_object_is_type(f, json_type_string))
		return -EPROTO;
	s = svcctl__sym_json_object_get_string(f);
	neg = s[0] == '-';
	if (svcctl__parse_u64(s + neg, strlen(s + neg), (uint64_t)INT64_MAX, &u) < 0)
		return -EPROTO;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return 0;
}

/* snprintf's length, or -ENAMETOOLONG when it did not fit. */
static int fit(int len, size_t n)
{
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : len;
}

int svcctl__etcd_body_grant(char *buf, size_t n, int64_t ttl_s, int64_t id)
{
	return fit(
	    snprintf(buf, n, "{\"TTL\":\"%lld\",\"ID\":\"%lld\"}", (long long)ttl_s, (long long)id),
	    n);
}

int svcctl__etcd_body_id(char *buf, size_t n, int64_t id)
{
	return fit(snprintf(buf, n, "{\"ID\":\"%lld\"}", (long long)id), n);
}

/* The key just past every key starting with prefix, in base64 ("\0": all keys). */
static void prefix_end(const char *key, char *out)
{
	char end[ETCD_KEY_MAX + 1];
	size_t len = strlen(key);

	memcpy(end, key, len);
	while (len > 0 && (unsigned char)end[len - 1] == 0xff)
		len--;
	if (len == 0) {
		svcctl__etcd_b64_encode("", 1, out);
		return;
	}
	end[len - 1] = (char)((unsigned char)end[len - 1] + 1);
	svcctl__etcd_b64_encode(end, len, out);
}

int svcctl__etcd_body_range(char *buf, size_t n, const char *key, int prefix)
{
	char k[ETCD_KEY_MAX * 2], e[ETCD_KEY_MAX * 2];

	svcctl__etcd_b64_encode(key, strlen(key), k);
	if (!prefix)
		return fit(snprintf(buf, n, "{\"key\":\"%s\"}", k), n);
	prefix_end(key, e);
	/* an empty prefix is the key "\0" up to the end: every key */
	if (key[0] == '\0')
		svcctl__etcd_b64_encode("", 1, k);
	return fit(snprintf(buf, n, "{\"key\":\"%s\",\"range_end\":\"%s\"}", k, e), n);
}

int svcctl__etcd_body_watch(char *buf, size_t n, const char *key, int64_t start_rev)
{
	char k[ETCD_KEY_MAX * 2];

	svcctl__etcd_b64_encode(key, strlen(key), k);
	return fit(snprintf(buf, n,
			    "{\"create_request\":{\"key\":\"%s\",\"start_revision\":\"%lld\","
			    "\"filters\":[\"NOPUT\"]}}",
			    k, (long long)start_rev),
		   n);
}

int svcctl__etcd_body_auth(char *buf, size_t n, const char *user, const char *password)
{
	struct json_object *o = svcctl__sym_json_object_new_object();
	int rc;

	if (o == NULL)
		return -ENOMEM;
	svcctl__sym_json_object_object_add(o, "name", svcctl__sym_json_object_new_string(user));
	svcctl__sym_json_object_object_add(o, "password",
					   svcctl__sym_json_object_new_string(password));
	rc = fit(snprintf(buf, n, "%s",
			  svcctl__sym_json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)),
		 n);
	svcctl__sym_json_object_put(o);
	return rc;
}

int svcctl__etcd_body_txn(char *buf, size_t n, const char *key, const char *value, size_t vlen,
			  int64_t lease, int64_t expect)
{
	char k[ETCD_KEY_MAX * 2], v[ETCD_VALUE_MAX * 2];

	if (vlen > ETCD_VALUE_MAX)
		return -ENAMETOOLONG;
	svcctl__etcd_b64_encode(key, strlen(key), k);
	svcctl__etcd_b64_encode(value, vlen, v);
	return fit(snprintf(buf, n,
			    "{\"compare\":[{\"key\":\"%s\",\"target\":\"CREATE\",\"result\":"
			    "\"EQUAL\",\"create_revision\":\"%lld\"}],"
			    "\"success\":[{\"request_put\":{\"key\":\"%s\",\"value\":\"%s\","
			    "\"lease\":\"%lld\"}}],"
			    "\"failure\":[{\"request_range\":{\"key\":\"%s\"}}]}",
			    k, (long long)expect, k, v, (long long)lease, k),
		   n);
}

/* Does the text contain one of the words etcd uses for refused credentials? */
static int is_auth_message(const char *m)
{
	static const char *const words[] = {"authentication failed",
					    "user name is empty",
					    "invalid auth token",
					    "permission denied",
					    "user name not found",
					    "auth store is old",
					    "auth: "};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(m, words[i]))
			return 1;
	return 0;
}

/* Map an error's gRPC code and message to a library code. */
static int error_code(int64_t grpc, const char *m)
{
	if (is_auth_message(m) || grpc == 16 || grpc == 7)
		return SVCCTL_E_AUTH;
	if (strstr(m, "lease not found"))
		return SVCCTL_E_LOST;
	/* no leader, timeouts, a member shutting down: another may answer */
	if (grpc == 14 || grpc == 4)
		return SVCCTL_E_UNREACHABLE;
	return -EPROTO;
}

int svcctl__etcd_answer_error(struct json_object *o)
{
	struct json_object *e, *m;
	int64_t grpc = 0;
	const char *text = "";

	if (o == NULL || !svcctl__sym_json_object_object_get_ex(o, "error", &e))
		return 0;
	if (svcctl__sym_json_object_is_type(e, json_type_object)) {
		/* a streamed answer: {"error": {"grpc_code": N, "message": "..."}} */
		svcctl__etcd_get_i64(e, "grpc_code", &grpc);
		if (svcctl__sym_json_object_object_get_ex(e, "message", &m))
			text = svcctl__sym_json_object_get_string(m);
	} else {
		svcctl__etcd_get_i64(o, "code", &grpc);
		text = svcctl__sym_json_object_get_string(e);
	}
	return error_code(grpc, text ? text : "");
}

/* A base64 string field decoded into out (NUL-terminated); "" when absent. */
static int get_b64(struct json_object *o, const char *field, char *out, size_t cap, size_t *len)
{
	struct json_object *f;
	int n = 0;

	if (svcctl__sym_json_object_object_get_ex(o, field, &f)) {
		n = svcctl__etcd_b64_decode(svcctl__sym_json_object_get_string(f), out, cap - 1);
		if (n < 0)
			return -EPROTO;
	}
	out[n] = '\0';
	if (len)
		*len = (size_t)n;
	return 0;
}

int svcctl__etcd_parse_kv(struct json_object *o, struct etcd_kv *kv)
{
	memset(kv, 0, sizeof(*kv));
	if (get_b64(o, "key", kv->key, sizeof(kv->key), NULL) < 0 ||
	    get_b64(o, "value", kv->value, sizeof(kv->value), &kv->value_len) < 0 ||
	    svcctl__etcd_get_i64(o, "create_revision", &kv->create_rev) < 0 ||
	    svcctl__etcd_get_i64(o, "mod_revision", &kv->mod_rev) < 0 ||
	    svcctl__etcd_get_i64(o, "lease", &kv->lease) < 0)
		return -EPROTO;
	return 0;
}

int svcctl__etcd_range_kv(struct json_object *range, size_t i, struct etcd_kv *kv)
{
	struct json_object *kvs;

	if (!svcctl__sym_json_object_object_get_ex(range, "kvs", &kvs) ||
	    !svcctl__sym_json_object_is_type(kvs, json_type_array) ||
	    svcctl__sym_json_object_array_length(kvs) <= i)
		return 0;
	return svcctl__etcd_parse_kv(svcctl__sym_json_object_array_get_idx(kvs, i), kv) < 0
		   ? -EPROTO
		   : 1;
}

int svcctl__etcd_parse_txn(struct json_object *o, int *ok, int64_t *rev, struct etcd_kv *kv,
			   int *have_kv)
{
	struct json_object *f, *hdr = NULL, *resp, *range;

	*ok = 0;
	*have_kv = 0;
	/* the gateway leaves out false and zero fields */
	if (svcctl__sym_json_object_object_get_ex(o, "succeeded", &f))
		*ok = svcctl__sym_json_object_get_boolean(f);
	svcctl__sym_json_object_object_get_ex(o, "header", &hdr);
	if (svcctl__etcd_get_i64(hdr, "revision", rev) < 0 || *rev <= 0)
		return -EPROTO;
	if (*ok || !svcctl__sym_json_object_object_get_ex(o, "responses", &resp) ||
	    !svcctl__sym_json_object_is_type(resp, json_type_array) ||
	    svcctl__sym_json_object_array_length(resp) == 0)
		return 0;
	if (!svcctl__sym_json_object_object_get_ex(svcctl__sym_json_object_array_get_idx(resp, 0),
						   "response_range", &range))
		return -EPROTO;
	*have_kv = svcctl__etcd_range_kv(range, 0, kv);
	return *have_kv < 0 ? *have_kv : 0;
}

struct json_object *svcctl__etcd_result(struct json_object *o)
{
	struct json_object *r;

	return svcctl__sym_json_object_object_get_ex(o, "result", &r) ? r : o;
}

int svcctl__etcd_watch_event(struct json_object *o)
{
	struct json_object *r = svcctl__etcd_result(o), *f, *events;
	int64_t compact = 0;
	int rc = svcctl__etcd_answer_error(o);

	if (rc < 0)
		return rc;
	svcctl__etcd_get_i64(r, "compact_revision", &compact);
	if (compact > 0 || (svcctl__sym_json_object_object_get_ex(r, "canceled", &f) &&
			    svcctl__sym_json_object_get_boolean(f)))
		return 1;
	if (!svcctl__sym_json_object_object_get_ex(r, "events", &events) ||
	    !svcctl__sym_json_object_is_type(events, json_type_array))
		return 0;
	/* the NOPUT filter leaves deletes only; a put (type left out) is ignored */
	for (size_t i = 0; i < svcctl__sym_json_object_array_length(events); i++) {
		struct json_object *ev = svcctl__sym_json_object_array_get_idx(events, i), *t;

		if (svcctl__sym_json_object_object_get_ex(ev, "type", &t) &&
		    strcmp(svcctl__sym_json_object_get_string(t), "DELETE") == 0)
			return 1;
	}
	return 0;
}
