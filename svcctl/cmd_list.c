/*
 * list: a table (or JSON array) of the pidfiles in RUNDIR; with --pid PID
 * or --mine, the pidfiles and lock records in RUNDIR held by one process,
 * as lock.sh's lock_list_ does.  "Held" means the file records that pid
 * and the library judges it running (same start time).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Keep *.pid files and *.lock files (NFS-mode lock records name their holder). */
static int is_candidate(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	if (d->d_name[0] == '.')
		return 0;
	return (n > 4 && strcmp(d->d_name + n - 4, ".pid") == 0) ||
	       (n > 5 && strcmp(d->d_name + n - 5, ".lock") == 0);
}

/* Print one held file: a table row, or one element of the JSON array. */
static void print_owned(const struct cli *c, const char *path, const char *name,
			const struct svcctl_pidinfo *in, int n)
{
	char age[32];

	if (c->json) {
		fputs(n ? "," : "", stdout);
		print_info_json(stdout, path, (int)in->state, in);
		return;
	}
	format_uptime(in->age_ms / 1000, age, sizeof(age));
	printf("%-24s %-6s %8lld %8s %s\n", name,
	       strcmp(name + strlen(name) - 5, ".lock") == 0 ? "lock" : "pid", (long long)in->pid,
	       age, in->msg);
}

/* Judge every candidate in RUNDIR and print those c->owner holds; the count. */
static int scan(const struct cli *c, struct dirent **ents, int n)
{
	char path[CLI_PATH_MAX + 256];
	struct svcctl_pidinfo in;
	int found = 0;

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->rundir, ents[i]->d_name);
		memset(&in, 0, sizeof(in));
		/* empty flock'd lock files and foreign junk are not records: skipped */
		if (svcctl_pidfile_state(path, &c->opts, &in) == SVCCTL_RUNNING &&
		    in.pid == c->owner)
			print_owned(c, path, ents[i]->d_name, &in, found++);
		free(ents[i]);
	}
	free(ents);
	return found;
}

/* list --pid / --mine: exit 0 with the held files (none is not an error). */
static int list_owned(const struct cli *c)
{
	struct dirent **ents;
	int n = scandir(c->rundir, &ents, is_candidate, alphasort);

	int err = errno;

	if (n < 0 && err != ENOENT) {
		fail("%s: cannot list: %s", c->rundir, strerror(err));
		return exit_for(-err);
	}
	if (c->json)
		fputc('[', stdout);
	else
		printf("%-24s %-6s %8s %8s %s\n", "FILE", "KIND", "PID", "AGE", "MESSAGE");
	if (n > 0)
		scan(c, ents, n);
	if (c->json)
		fputs("]\n", stdout);
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
