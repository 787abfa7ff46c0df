/*
 * status: judge the pidfile and report it with the LSB status code; never
 * signals.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* LSB status code for a state or a failure. */
static int status_code(int st)
{
	switch (st) {
	case SVCCTL_RUNNING:
		return EXIT_OK;
	case SVCCTL_STALE:
	case SVCCTL_DEAD_LOCKED:
		return EXIT_FAIL;
	case SVCCTL_ABSENT:
		return EXIT_STATUS_STOPPED;
	default:
		return EXIT_PRIV;
	}
}

/* One human line about a judged pidfile: state, pid, uptime, host, status. */
static void print_human(FILE *f, const char *label, int st, const struct svcctl_pidinfo *in)
{
	char up[32];

	if (st < 0) {
		fprintf(f, "%s: unknown: %s\n", label, svcctl_strerror(st));
		return;
	}
	fprintf(f, "%s: %s", label,
		st == SVCCTL_ABSENT ? "not running (no pidfile)" : svcctl_state_name(st));
	if (st == SVCCTL_RUNNING) {
		format_uptime(proc_uptime(in->pid, in->start), up, sizeof(up));
		fprintf(f, " (pid %lld, up %s", (long long)in->pid, up);
	} else if (st != SVCCTL_ABSENT) {
		fprintf(f, " (pid %lld", (long long)in->pid);
	}
	if (st != SVCCTL_ABSENT) {
		if (in->host[0])
			fprintf(f, ", host %s", in->host);
		format_uptime(in->age_ms / 1000, up, sizeof(up));
		fprintf(f, ", age %s", up);
		if (in->reason != SVCCTL_REASON_NONE)
			fprintf(f, ", %s", svcctl_reason_name(in->reason));
		fprintf(f, ")");
	}
	if (st != SVCCTL_ABSENT && in->msg[0])
		fprintf(f, ": %s", in->msg);
	fputc('\n', f);
}

/* status: one line or JSON, and the LSB status code. */
int cmd_status(struct cli *c)
{
	struct svcctl_pidinfo in;
	int st, rc, empty;

	memset(&in, 0, sizeof(in));
	st = svcctl_pidfile_state(c->path, &c->opts, &in);
	/* an empty file names no process: not running (LSB 3), not "unknown" */
	empty = pidfile_empty_free(c->path, st, &in);
	if (empty)
		st = SVCCTL_ABSENT;
	if (c->json) {
		print_info_json(stdout, c->path, st, &in);
		fputc('\n', stdout);
	} else if (!c->quiet && empty) {
		printf("%s: not running (empty pidfile: names no process)\n", c->path);
	} else if (!c->quiet) {
		print_human(stdout, c->path, st, &in);
	}
	/* readable, but root must not act on it: say so */
	rc = safety_refuse(c);
	return rc != CLI_GO_ON ? rc : status_code(st);
}
