/* Connections to an etcd cluster: endpoints and credentials, from options or the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etcd_dl.h"

#include "etcd_http.h"
#include "platform.h"

/* Longest password file read; only its first line counts. */
#define PASSWORD_MAX 1024

/* The option's value, else the environment variable's; NULL when neither is set. */
static int pick(const char *opt, const char *env, char **out)
{
	const char *v = opt ? opt : getenv(env);

	*out = NULL;
	if (v == NULL || v[0] == '\0')
		return 0;
	*out = strdup(v);
	return *out ? 0 : -ENOMEM;
}

/* The first line of the password file at path, in a new allocation. */
static int read_password(const char *path, char **out)
{
	char buf[PASSWORD_MAX + 2];
	FILE *f = fopen(path, "re");
	size_t n;

	if (f == NULL)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	*out = strdup(buf);
	return *out ? 0 : -ENOMEM;
}

/* Credentials of opts (or the environment) into c. */
static int credentials(struct etcd_conn *c, const struct svcctl_opts *o)
{
	char *pwfile = NULL;
	int rc = pick(o ? o->etcd_cacert : NULL, "SVCCTL_ETCD_CACERT", &c->cacert);

	if (rc == 0)
		rc = pick(o ? o->etcd_cert : NULL, "SVCCTL_ETCD_CERT", &c->cert);
	if (rc == 0)
		rc = pick(o ? o->etcd_key : NULL, "SVCCTL_ETCD_KEY", &c->key);
	if (rc == 0)
		rc = pick(o ? o->etcd_user : NULL, "SVCCTL_ETCD_USER", &c->user);
	if (rc == 0)
		rc = pick(o ? o->etcd_password_file : NULL, "SVCCTL_ETCD_PASSWORD_FILE", &pwfile);
	if (rc == 0 && pwfile && c->user)
		rc = read_password(pwfile, &c->password);
	free(pwfile);
	return rc;
}

int svcctl__etcd_conn_open(struct etcd_conn *c, const char *url, int allow_empty_key,
			   const struct svcctl_opts *opts)
{
	int rc;

	memset(c, 0, sizeof(*c));
	rc = svcctl__etcd_url_parse(url, allow_empty_key, &c->url);
	if (rc < 0)
		return rc;
	c->request_ms =
	    opts && opts->etcd_request_ms > 0 ? opts->etcd_request_ms : SVCCTL_ETCD_REQUEST_MS;
	/* libcurl and json-c are loaded here, on the first etcd:// call */
	rc = svcctl__etcd_dl_load();
	if (rc < 0)
		return rc;
	c->curl = svcctl__sym_curl_easy_init();
	rc = c->curl ? credentials(c, opts) : -ENOMEM;
	if (rc < 0)
		svcctl__etcd_conn_close(c);
	return rc;
}

/* A copy of string s (NULL stays NULL); *failed set when out of memory. */
static char *dup_or_null(const char *s, int *failed)
{
	char *d = s ? strdup(s) : NULL;

	if (s && d == NULL)
		*failed = 1;
	return d;
}

int svcctl__etcd_conn_dup(struct etcd_conn *dst, const struct etcd_conn *src)
{
	int failed = 0;

	*dst = *src;
	dst->curl = svcctl__sym_curl_easy_init();
	dst->cacert = dup_or_null(src->cacert, &failed);
	dst->cert = dup_or_null(src->cert, &failed);
	dst->key = dup_or_null(src->key, &failed);
	dst->user = dup_or_null(src->user, &failed);
	dst->password = dup_or_null(src->password, &failed);
	dst->token = dup_or_null(src->token, &failed);
	if (failed || dst->curl == NULL) {
		svcctl__etcd_conn_close(dst);
		return -ENOMEM;
	}
	return 0;
}

void svcctl__etcd_conn_close(struct etcd_conn *c)
{
	if (c->curl)
		svcctl__sym_curl_easy_cleanup(c->curl);
	free(c->cacert);
	free(c->cert);
	free(c->key);
	free(c->user);
	if (c->password)
		memset(c->password, 0, strlen(c->password));
	free(c->password);
	free(c->token);
	memset(c, 0, sizeof(*c));
}

int64_t svcctl__etcd_conn_deadline(const struct etcd_conn *c)
{
	return svcctl__mono_ms() + c->request_ms;
}
