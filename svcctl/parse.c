/*
 * Pure parsers for the svcctl command line and sd_notify messages.
 * No I/O and no global state: every function maps bytes to values.
 */
#include "parse.h"
#include "platform.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define YEAR_MS (366LL * 24 * 3600 * 1000)

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},
    {"KILL", SIGKILL},     {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},   {"CHLD", SIGCHLD},
    {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"SYS", SIGSYS},
};

/* Digits only, no sign, value at most max; rejects empty and overflow. */
static int parse_digits(const char *s, size_t len, int64_t max, int64_t *out)
{
	uint64_t v = 0;
	int rc;

	/* 19 digits hold any int64_t: a longer string is no number of ours */
	if (len > 19)
		return -EINVAL;
	rc = svcctl__parse_u64(s, len, (uint64_t)max, &v);
	*out = rc == 0 ? (int64_t)v : 0;
	return rc;
}

/* Decimal integer in [min, max], one optional leading minus. */
int svcctl_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	int neg = 0;
	int64_t v;
	int rc;

	if (s == NULL)
		return -EINVAL;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	rc = parse_digits(s, strlen(s), neg ? (min < 0 ? -(min + 1) : 0) : max, &v);
	if (rc < 0)
		return rc;
	v = neg ? -v : v;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Digits then an optional unit (ms, s, m, h); bare digits are seconds. */
int svcctl_parse_duration(const char *s, int64_t *ms)
{
	size_t n = 0, len;
	int64_t v, unit = 1000;
	const char *suffix;

	if (s == NULL)
		return -EINVAL;
	len = strlen(s);
	while (n < len && s[n] >= '0' && s[n] <= '9')
		n++;
	suffix = s + n;
	if (strcmp(suffix, "") == 0 || strcmp(suffix, "s") == 0)
		unit = 1000;
	else if (strcmp(suffix, "ms") == 0)
		unit = 1;
	else if (strcmp(suffix, "m") == 0)
		unit = 60 * 1000;
	else if (strcmp(suffix, "h") == 0)
		unit = 3600 * 1000;
	else
		return -EINVAL;
	if (parse_digits(s, n, YEAR_MS / unit, &v) < 0)
		return -EINVAL;
	*ms = v * unit;
	return 0;
}

/* Signal by number or by name with or without SIG, any case. */
int svcctl_parse_signal(const char *s, int *sig)
{
	int64_t v;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	if (s[0] >= '0' && s[0] <= '9') {
		if (parse_digits(s, strlen(s), 64, &v) < 0 || v < 1)
			return -EINVAL;
		*sig = (int)v;
		return 0;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (strcasecmp(s, signals[i].name) == 0) {
			*sig = signals[i].sig;
			return 0;
		}
	}
	return -EINVAL;
}

/* Reverse lookup in the signal table. */
const char *svcctl_signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}

/* SIG/wait/KILL/kill_wait, the shape of the default schedule. */
void svcctl_schedule_default(int sig, int64_t wait_ms, int64_t kill_wait_ms,
			     struct svcctl_schedule *out)
{
	out->len = 4;
	out->item[0] = (struct svcctl_sched_item){SVCCTL_SCHED_SIGNAL, sig};
	out->item[1] = (struct svcctl_sched_item){SVCCTL_SCHED_WAIT, wait_ms};
	out->item[2] = (struct svcctl_sched_item){SVCCTL_SCHED_SIGNAL, SIGKILL};
	out->item[3] = (struct svcctl_sched_item){SVCCTL_SCHED_WAIT, kill_wait_ms};
}

/* One schedule item of len bytes: "forever", a duration, a name or -N. */
static int parse_item(const char *s, size_t len, struct svcctl_sched_item *it)
{
	char buf[32];
	int sig;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strcmp(buf, "forever") == 0) {
		*it = (struct svcctl_sched_item){SVCCTL_SCHED_FOREVER, 0};
		return 0;
	}
	if (buf[0] >= '0' && buf[0] <= '9') {
		it->kind = SVCCTL_SCHED_WAIT;
		return svcctl_parse_duration(buf, &it->value);
	}
	/* "-15" and "-TERM" are signals, as in start-stop-daemon */
	if (svcctl_parse_signal(buf[0] == '-' ? buf + 1 : buf, &sig) < 0)
		return -EINVAL;
	*it = (struct svcctl_sched_item){SVCCTL_SCHED_SIGNAL, sig};
	return 0;
}

/* Check the parsed items: one forever at most, and at least one signal. */
static int check_schedule(const struct svcctl_schedule *out)
{
	int forever = 0, signal = 0;

	for (size_t i = 0; i < out->len; i++) {
		forever += out->item[i].kind == SVCCTL_SCHED_FOREVER;
		signal += out->item[i].kind == SVCCTL_SCHED_SIGNAL;
	}
	return forever > 1 || signal == 0 ? -EINVAL : 0;
}

/* Items split on '/', then the bare-timeout and bare-forever shorthands. */
int svcctl_parse_schedule(const char *s, int sig, struct svcctl_schedule *out)
{
	const char *p = s, *slash;
	int rc;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	out->len = 0;
	for (;;) {
		if (out->len == SVCCTL_SCHED_MAX)
			return -EINVAL;
		slash = strchr(p, '/');
		rc = parse_item(p, slash ? (size_t)(slash - p) : strlen(p), &out->item[out->len]);
		if (rc < 0)
			return -EINVAL;
		out->len++;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	if (out->len == 1 && out->item[0].kind == SVCCTL_SCHED_WAIT) {
		svcctl_schedule_default(sig, out->item[0].value, out->item[0].value, out);
	} else if (out->len == 1 && out->item[0].kind == SVCCTL_SCHED_FOREVER) {
		out->item[1] = out->item[0];
		out->item[0] = (struct svcctl_sched_item){SVCCTL_SCHED_SIGNAL, sig};
		out->len = 2;
	}
	return check_schedule(out);
}

/* Octal digits only, at most 0777. */
int svcctl_parse_umask(const char *s, unsigned *mask)
{
	unsigned v = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 4)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return -EINVAL;
		v = v * 8 + (unsigned)(*s - '0');
	}
	if (v > 0777)
		return -EINVAL;
	*mask = v;
	return 0;
}

/* Split USER[:GROUP], both parts non-empty and fitting their buffers. */
int svcctl_parse_user(const char *s, char *user, size_t usize, char *group, size_t gsize)
{
	const char *colon;
	size_t ulen;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	colon = strchr(s, ':');
	ulen = colon ? (size_t)(colon - s) : strlen(s);
	if (ulen == 0 || ulen >= usize)
		return -EINVAL;
	if (colon && (colon[1] == '\0' || strchr(colon + 1, ':') || strlen(colon + 1) >= gsize))
		return -EINVAL;
	memcpy(user, s, ulen);
	user[ulen] = '\0';
	snprintf(group, gsize, "%s", colon ? colon + 1 : "");
	return 0;
}

/* A shell-style variable name before the first '='. */
int svcctl_parse_env(const char *s)
{
	const char *eq = s ? strchr(s, '=') : NULL;

	if (eq == NULL || eq == s || (s[0] >= '0' && s[0] <= '9'))
		return -EINVAL;
	for (const char *p = s; p < eq; p++) {
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9')))
			return -EINVAL;
	}
	return 0;
}

/* The sd_notify socket by default, or fd:N for a readiness pipe. */
int svcctl_parse_notify(const char *s, int *fd)
{
	int64_t v;

	if (s == NULL || *s == '\0' || strcmp(s, "socket") == 0) {
		*fd = -1;
		return 0;
	}
	if (strncmp(s, "fd:", 3) != 0 || svcctl_parse_int(s + 3, 3, 1023, &v) < 0 || s[3] == '-')
		return -EINVAL;
	*fd = (int)v;
	return 0;
}

/* Store one KEY=VALUE assignment of a notify message into *msg. */
static int notify_assign(const char *k, size_t klen, const char *v, size_t vlen,
			 struct svcctl_notify_msg *msg)
{
#define KEY(name) (klen == sizeof(name) - 1 && memcmp(k, name, klen) == 0)
	int64_t n;

	if (KEY("READY")) {
		msg->ready = vlen == 1 && v[0] == '1';
	} else if (KEY("RELOADING")) {
		msg->reloading = vlen == 1 && v[0] == '1';
	} else if (KEY("MAINPID")) {
		if (parse_digits(v, vlen, 0x7fffffff, &n) < 0 || n < 2)
			return -EINVAL;
		msg->mainpid = n;
	} else if (KEY("ERRNO")) {
		if (parse_digits(v, vlen, 4095, &n) < 0)
			return -EINVAL;
		msg->err = (int)n;
	} else if (KEY("EXTEND_TIMEOUT_USEC")) {
		if (parse_digits(v, vlen, YEAR_MS * 1000, &n) < 0)
			return -EINVAL;
		msg->extend_us = n;
	} else if (KEY("STATUS")) {
		if (vlen >= sizeof(msg->status))
			vlen = sizeof(msg->status) - 1;
		memcpy(msg->status, v, vlen);
		msg->status[vlen] = '\0';
		/* keep the status one printable line */
		for (size_t i = 0; i < vlen; i++)
			if ((unsigned char)msg->status[i] < 0x20)
				msg->status[i] = ' ';
	}
	return 0;
#undef KEY
}

/* Split a datagram into KEY=VALUE lines; NUL bytes are refused. */
int svcctl_parse_notify_msg(const char *buf, size_t len, struct svcctl_notify_msg *msg)
{
	size_t pos = 0;

	/* a NUL would hide the rest of the message from the C string view */
	if (memchr(buf, '\0', len) != NULL)
		return -EINVAL;
	while (pos < len) {
		const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;
		const char *eq = memchr(line, '=', llen);

		pos += llen + 1;
		if (llen == 0)
			continue;
		if (eq == NULL || eq == line)
			return -EINVAL;
		if (notify_assign(line, (size_t)(eq - line), eq + 1, llen - (size_t)(eq - line) - 1,
				  msg) < 0)
			return -EINVAL;
	}
	return 0;
}

/* The host part of [HOST:]PORT into host: "[v6]" unbracketed, else as given. */
static int host_part(const char *s, size_t len, char *host, size_t hsize)
{
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	} else if (memchr(s, ':', len) != NULL || memchr(s, '[', len) != NULL) {
		return -EINVAL; /* a bare IPv6 address needs brackets */
	}
	if (len == 0 || len >= hsize || memchr(s, ']', len) != NULL)
		return -EINVAL;
	memcpy(host, s, len);
	host[len] = '\0';
	return 0;
}

/* [HOST:]PORT, HOST "127.0.0.1" when absent and "[...]" around IPv6. */
int svcctl_parse_hostport(const char *s, char *host, size_t hsize, int *port)
{
	const char *colon = strrchr(s, ':');
	const char *p = colon ? colon + 1 : s;
	int64_t v;

	if (parse_digits(p, strlen(p), 65535, &v) < 0 || v < 1)
		return -EINVAL;
	*port = (int)v;
	if (colon == NULL) {
		if (hsize < sizeof("127.0.0.1"))
			return -EINVAL;
		memcpy(host, "127.0.0.1", sizeof("127.0.0.1"));
		return 0;
	}
	return host_part(s, (size_t)(colon - s), host, hsize);
}
