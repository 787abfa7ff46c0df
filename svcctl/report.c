/*
 * Reporting: one line per action to stderr for people, JSON for programs,
 * and the mapping from library codes to LSB exit codes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/*
 * "svcctl: MESSAGE\n" on stderr in one write where it fits, so the lines
 * of concurrent svcctl processes sharing a log never interleave.  4096
 * bytes: what a pipe writes at once (PIPE_BUF on Linux), and one page of
 * stack; a longer line (paths near PATH_MAX) goes out in pieces.
 */
static void line(const char *fmt, va_list ap)
{
	static const char prefix[] = "svcctl: ";
	char buf[4096];
	size_t at = sizeof(prefix) - 1;
	va_list again;
	int n;

	memcpy(buf, prefix, at);
	va_copy(again, ap);
	n = vsnprintf(buf + at, sizeof(buf) - at, fmt, ap);
	if (n >= 0 && at + (size_t)n + 1 < sizeof(buf)) {
		buf[at + (size_t)n] = '\n';
		fwrite(buf, 1, at + (size_t)n + 1, stderr);
	} else {
		fputs(prefix, stderr);
		vfprintf(stderr, fmt, again);
		fputc('\n', stderr);
	}
	va_end(again);
}

/* An informational line on stderr, unless -q. */
void say(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	line(fmt, ap);
	va_end(ap);
}

/* An error line on stderr, always. */
void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line(fmt, ap);
	va_end(ap);
}

/*
 * The LSB exit code for a library failure: privilege, unsafe paths, etcd
 * refusing our credentials or not answering are 4; a bad etcd:// is 2.
 */
int exit_for(int rc)
{
	switch (rc) {
	case -EACCES:
	case -EPERM:
	case SVCCTL_E_UNSAFE:
	case SVCCTL_E_UNREACHABLE:
	case SVCCTL_E_AUTH:
		return EXIT_PRIV;
	case SVCCTL_E_URL:
		return EXIT_USAGE;
	default:
		return EXIT_FAIL;
	}
}

/* Write s as a JSON string literal, escaping quotes and control bytes. */
void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* One JSON object describing a pidfile and what was judged of it. */
void print_info_json(FILE *f, const char *path, int state, const struct svcctl_pidinfo *in)
{
	fputs("{\"pidfile\":", f);
	json_string(f, path);
	fprintf(f, ",\"state\":");
	json_string(f, state >= 0 ? svcctl_state_name(state) : "unknown");
	if (state < 0) {
		fprintf(f, ",\"error\":");
		json_string(f, svcctl_strerror(state));
		fputc('}', f);
		return;
	}
	if (state != SVCCTL_ABSENT) {
		fprintf(f, ",\"pid\":%lld,\"host\":", (long long)in->pid);
		json_string(f, in->host);
		fprintf(
		    f, ",\"start\":%llu,\"uptime\":%lld,\"reason\":", (unsigned long long)in->start,
		    /* an etcd holder's pid may be another host's */
		    state == SVCCTL_RUNNING && in->token == 0
			? (long long)proc_uptime(in->pid, in->start)
			: -1LL);
		json_string(f, svcctl_reason_name(in->reason));
		fprintf(f, ",\"status\":");
		json_string(f, in->msg);
		fprintf(f, ",\"msg\":");
		json_string(f, in->msg);
		fprintf(f, ",\"boot\":");
		json_string(f, in->boot);
		fprintf(f, ",\"pidns\":");
		json_string(f, in->pidns);
		fprintf(f, ",\"sid\":%lld,\"sid_start\":%llu", (long long)in->sid,
			(unsigned long long)in->sid_start);
		fprintf(f, ",\"mtime_ms\":%lld,\"age_ms\":%lld", (long long)in->mtime_ms,
			(long long)in->age_ms);
		/* -1: not probed (only dead holders are) */
		fprintf(f, ",\"lock_held\":%s",
			in->lock_held == 1   ? "true"
			: in->lock_held == 0 ? "false"
					     : "null");
		/* etcd: the lease id as a string, since it may exceed 2^53 */
		if (in->token != 0)
			fprintf(f, ",\"token\":%lld,\"lease\":\"%lld\",\"lease_left_ms\":%lld",
				(long long)in->token, (long long)in->lease, (long long)in->ttl_ms);
	}
	fputc('}', f);
}

/* Human uptime: "42s", "3m12s", "5h03m", "2d04h". */
void format_uptime(int64_t secs, char *buf, size_t size)
{
	if (secs < 0)
		snprintf(buf, size, "?");
	else if (secs < 60)
		snprintf(buf, size, "%llds", (long long)secs);
	else if (secs < 3600)
		snprintf(buf, size, "%lldm%02llds", (long long)secs / 60, (long long)secs % 60);
	else if (secs < 86400)
		snprintf(buf, size, "%lldh%02lldm", (long long)secs / 3600,
			 (long long)secs / 60 % 60);
	else
		snprintf(buf, size, "%lldd%02lldh", (long long)secs / 86400,
			 (long long)secs / 3600 % 24);
}
