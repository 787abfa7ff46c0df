/*
 * status, list and cleanup: judge pidfiles and report, never signal.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
	return rc != 0 ? rc : status_code(st);
}

/* Keep directory entries named *.pid. */
static int is_pidfile(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && d->d_name[0] != '.' && strcmp(d->d_name + n - 4, ".pid") == 0;
}

/* Call fn on every pidfile in RUNDIR, sorted; returns 0 or an exit code. */
static int each_pidfile(const struct cli *c, void (*fn)(const char *, const char *, void *),
			void *arg)
{
	struct dirent **ents;
	char path[CLI_PATH_MAX + 256];
	int n = scandir(c->rundir, &ents, is_pidfile, alphasort);

	if (n < 0 && errno == ENOENT)
		return EXIT_OK;
	if (n < 0) {
		fail("%s: cannot list: %s", c->rundir, strerror(errno));
		return exit_for(-errno);
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->rundir, ents[i]->d_name);
		fn(path, ents[i]->d_name, arg);
		free(ents[i]);
	}
	free(ents);
	return EXIT_OK;
}

struct list_ctx {
	const struct cli *c;
	int count;
};

/* One row of list: a table line, or one element of the JSON array. */
static void list_one(const char *path, const char *name, void *arg)
{
	struct list_ctx *x = arg;
	struct svcctl_pidinfo in;
	char up[32] = "-";
	int st;

	memset(&in, 0, sizeof(in));
	st = svcctl_pidfile_state(path, &x->c->opts, &in);
	if (x->c->json) {
		fputs(x->count++ ? "," : "", stdout);
		print_info_json(stdout, path, st, &in);
		return;
	}
	if (st == SVCCTL_RUNNING)
		format_uptime(proc_uptime(in.pid, in.start), up, sizeof(up));
	printf("%-24.*s %-12s %8lld %8s %s\n", (int)(strlen(name) - 4), name,
	       st < 0 ? "unknown" : svcctl_state_name(st), st > 0 ? (long long)in.pid : 0LL, up,
	       st < 0 ? svcctl_strerror(st) : in.msg);
}

/* list: a table (or JSON array) of every pidfile in RUNDIR. */
int cmd_list(struct cli *c)
{
	struct list_ctx x = {c, 0};
	int rc;

	if (c->owner != 0)
		return list_owned(c);
	if (c->json)
		fputc('[', stdout);
	else
		printf("%-24s %-12s %8s %8s %s\n", "NAME", "STATE", "PID", "UPTIME", "STATUS");
	rc = each_pidfile(c, list_one, &x);
	if (c->json)
		fputs("]\n", stdout);
	return rc;
}

/* Remove one pidfile if it is stale, counting successes. */
static void clean_one(const char *path, const char *name, void *arg)
{
	struct list_ctx *x = arg;
	struct svcctl_pidinfo in;
	int rc;

	(void)name;
	memset(&in, 0, sizeof(in));
	rc = svcctl_pidfile_state(path, &x->c->opts, &in);
	/* not judged: keep it, and say why */
	if (rc < 0)
		say(x->c, "%s: kept: %s", path, svcctl_strerror(rc));
	if (rc != SVCCTL_STALE)
		return;
	/* its record is all that finds what the dead server left: stop's job */
	rc = leftovers_live(x->c, path);
	if (rc > 0) {
		say(x->c, "%s: kept: %d process%s of its session still run (svcctl stop ends them)",
		    path, rc, rc == 1 ? "" : "es");
		return;
	}
	rc = remove_stale(x->c, path);
	if (rc < 0) {
		fail("%s: cannot remove: %s", path, svcctl_strerror(rc));
		return;
	}
	session_forget(path);
	say(x->c, "%s: removed stale pidfile (pid %lld: %s)", path, (long long)in.pid,
	    svcctl_reason_name(in.reason));
	x->count++;
}

/* cleanup: remove the stale pidfiles in RUNDIR and print the count. */
int cmd_cleanup(struct cli *c)
{
	struct list_ctx x = {c, 0};
	int rc = each_pidfile(c, clean_one, &x);

	if (rc == EXIT_OK && !c->quiet)
		printf("removed %d stale pidfile%s\n", x.count, x.count == 1 ? "" : "s");
	return rc;
}
