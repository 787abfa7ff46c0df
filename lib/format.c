/* Pidfile content: parse and format, without any I/O. */
#include "format.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int svcctl_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return SVCCTL_E_INVALID;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return SVCCTL_E_INVALID;
		/* overflow of v * 10 + d, or past max */
		if (v > (max - d) / 10)
			return SVCCTL_E_INVALID;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Trim blanks at both ends of [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
	while (*len > 0 && is_blank(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && is_blank((*s)[*len - 1]))
		(*len)--;
}

/* Copy a value into a fixed field; too long is invalid, not truncated. */
static int copy_field(char *dst, size_t size, const char *v, size_t len)
{
	if (len >= size)
		return SVCCTL_E_INVALID;
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

/* A session id: a pid above 1 (its upper bound is judged where it is used). */
static int parse_sid(const char *v, size_t len, int64_t *sid)
{
	uint64_t n;
	int rc = svcctl_parse_u64(v, len, INT32_MAX, &n);

	if (rc < 0 || n < 2)
		return SVCCTL_E_INVALID;
	*sid = (int64_t)n;
	return 0;
}

/* Apply one key=value line; unknown keys are ignored. */
static int parse_pair(const char *line, size_t len, struct svcctl_pidinfo *out)
{
	const char *eq = memchr(line, '=', len);
	size_t klen, vlen;
	const char *v;

	if (eq == NULL)
		return SVCCTL_E_INVALID;
	klen = (size_t)(eq - line);
	v = eq + 1;
	vlen = len - klen - 1;
	if (klen == 4 && memcmp(line, "host", 4) == 0)
		return copy_field(out->host, sizeof(out->host), v, vlen);
	if (klen == 4 && memcmp(line, "boot", 4) == 0)
		return copy_field(out->boot, sizeof(out->boot), v, vlen);
	if (klen == 3 && memcmp(line, "msg", 3) == 0)
		return copy_field(out->msg, sizeof(out->msg), v, vlen);
	if (klen == 5 && memcmp(line, "pidns", 5) == 0)
		return copy_field(out->pidns, sizeof(out->pidns), v, vlen);
	if (klen == 5 && memcmp(line, "start", 5) == 0)
		return svcctl_parse_u64(v, vlen, UINT64_MAX, &out->start);
	if (klen == 3 && memcmp(line, "sid", 3) == 0)
		return parse_sid(v, vlen, &out->sid);
	if (klen == 9 && memcmp(line, "sid_start", 9) == 0)
		return svcctl_parse_u64(v, vlen, UINT64_MAX, &out->sid_start);
	return 0;
}

/* Parse the first line: the pid, blanks around allowed. */
static int parse_pid(const char *line, size_t len, int64_t pid_max, int64_t *pid)
{
	uint64_t v;
	int rc;

	trim(&line, &len);
	rc = svcctl_parse_u64(line, len, (uint64_t)pid_max, &v);
	if (rc < 0 || v < 2)
		return SVCCTL_E_INVALID;
	*pid = (int64_t)v;
	return 0;
}

int svcctl_parse(const char *buf, size_t len, int64_t pid_max, struct svcctl_pidinfo *out)
{
	const char *end = buf + len;
	int first = 1;

	memset(out, 0, sizeof(*out));
	out->lock_held = -1;
	if (len > SVCCTL_PIDFILE_MAX || memchr(buf, '\0', len) != NULL)
		return SVCCTL_E_INVALID;
	/* leading empty lines are blanks around the pid */
	while (buf < end && (is_blank(*buf) || *buf == '\n'))
		buf++;
	while (buf < end) {
		const char *nl = memchr(buf, '\n', (size_t)(end - buf));
		const char *stop = nl ? nl : end;
		const char *line = buf;
		size_t llen = (size_t)(stop - buf);
		int rc;

		buf = nl ? nl + 1 : end;
		if (first) {
			rc = parse_pid(line, llen, pid_max, &out->pid);
			first = 0;
		} else {
			trim(&line, &llen);
			rc = llen ? parse_pair(line, llen, out) : 0;
		}
		if (rc < 0)
			return rc;
	}
	return first ? SVCCTL_E_INVALID : 0;
}

/* A field that would break the line format. */
static int bad_field(const char *s)
{
	return strpbrk(s, "\n\r") != NULL;
}

int svcctl_format(const struct svcctl_pidinfo *in, char *buf, size_t size)
{
	int n;

	if (bad_field(in->host) || bad_field(in->boot) || bad_field(in->msg) ||
	    bad_field(in->pidns) || in->pid < 2)
		return -EINVAL;
	n = snprintf(buf, size, "%lld\n", (long long)in->pid);
	if (in->host[0] && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "host=%s\n", in->host);
	if (in->start && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "start=%llu\n",
			      (unsigned long long)in->start);
	if (in->boot[0] && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "boot=%s\n", in->boot);
	if (in->pidns[0] && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "pidns=%s\n", in->pidns);
	if (in->sid > 1 && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "sid=%lld\nsid_start=%llu\n",
			      (long long)in->sid, (unsigned long long)in->sid_start);
	if (in->msg[0] && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "msg=%s\n", in->msg);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return n;
}
