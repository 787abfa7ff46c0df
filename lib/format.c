/* Pidfile content: parse and format, without any I/O. */
#include "format.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
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
	int rc = svcctl__parse_u64(v, len, INT32_MAX, &n);

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
		return svcctl__parse_u64(v, vlen, UINT64_MAX, &out->start) < 0 ? SVCCTL_E_INVALID
									       : 0;
	if (klen == 3 && memcmp(line, "sid", 3) == 0)
		return parse_sid(v, vlen, &out->sid);
	if (klen == 9 && memcmp(line, "sid_start", 9) == 0)
		return svcctl__parse_u64(v, vlen, UINT64_MAX, &out->sid_start) < 0
			   ? SVCCTL_E_INVALID
			   : 0;
	return 0;
}

/* Parse the first line: the pid, blanks around allowed. */
static int parse_pid(const char *line, size_t len, int64_t pid_max, int64_t *pid)
{
	uint64_t v;
	int rc;

	trim(&line, &len);
	rc = svcctl__parse_u64(line, len, (uint64_t)pid_max, &v);
	if (rc < 0 || v < 2)
		return SVCCTL_E_INVALID;
	*pid = (int64_t)v;
	return 0;
}

int svcctl__parse(const char *buf, size_t len, int64_t pid_max, struct svcctl_pidinfo *out)
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

/* Decimal digits of v into d (at least 21 bytes, unterminated); returns how many. */
static size_t put_u64(char *d, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (size_t i = 0; i < n; i++)
		d[i] = tmp[n - 1 - i];
	return n;
}

/*
 * Append "key" "value" "\n" at *n where it fits; *n grows by the full
 * length either way, so the caller sees when the buffer was too small.
 * (snprintf would cost the publish more than the system calls around it.)
 */
static void put_line(char *buf, size_t size, size_t *n, const char *key, const char *val)
{
	size_t k = strlen(key), v = strlen(val);

	if (*n + k + v + 1 < size) {
		memcpy(buf + *n, key, k);
		memcpy(buf + *n + k, val, v);
		buf[*n + k + v] = '\n';
	}
	*n += k + v + 1;
}

/* Append "KEY=V\n" for a decimal V, as put_line() does. */
static void put_num(char *buf, size_t size, size_t *n, const char *key, uint64_t v)
{
	char num[24];

	num[put_u64(num, v)] = '\0';
	put_line(buf, size, n, key, num);
}

int svcctl__format(const struct svcctl_pidinfo *in, char *buf, size_t size)
{
	size_t n = 0;

	if (bad_field(in->host) || bad_field(in->boot) || bad_field(in->msg) ||
	    bad_field(in->pidns) || in->pid < 2)
		return -EINVAL;
	put_num(buf, size, &n, "", (uint64_t)in->pid);
	if (in->host[0])
		put_line(buf, size, &n, "host=", in->host);
	if (in->start)
		put_num(buf, size, &n, "start=", in->start);
	if (in->boot[0])
		put_line(buf, size, &n, "boot=", in->boot);
	if (in->pidns[0])
		put_line(buf, size, &n, "pidns=", in->pidns);
	if (in->sid > 1) {
		put_num(buf, size, &n, "sid=", (uint64_t)in->sid);
		put_num(buf, size, &n, "sid_start=", in->sid_start);
	}
	if (in->msg[0])
		put_line(buf, size, &n, "msg=", in->msg);
	if (n >= size || n > INT_MAX)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return (int)n;
}
