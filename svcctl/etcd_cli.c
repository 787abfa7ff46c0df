/*
 * etcd mode of the verbs (the target is etcd://HOSTS/KEY): status, list of
 * a prefix, stop from any host by revoking the holder's lease, reload of a
 * holder on this host, and cleanup, which has nothing to do since etcd
 * removes a key when its lease expires.  run and start: etcd_hold.c; the
 * key and its holder as they tell them: etcd_key.c.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "etcd_cli.h"

/* status: 0 held, 3 free, 4 etcd unreachable or refusing us (2: a bad address). */
static int etcd_status(struct cli *c)
{
	struct svcctl_pidinfo in;
	char h[SVCCTL_HOST_MAX + 96];
	int st;

	memset(&in, 0, sizeof(in));
	st = svcctl_pidfile_state(c->path, &c->opts, &in);
	if (c->json) {
		print_info_json(stdout, c->path, st, &in);
		fputc('\n', stdout);
	} else if (!c->quiet && st == SVCCTL_RUNNING) {
		etcd_holder_text(&in, h, sizeof(h));
		printf("%s: held by %s%s%s\n", c->path, h, in.msg[0] ? ": " : "", in.msg);
	} else if (!c->quiet) {
		printf("%s: %s\n", c->path, st < 0 ? svcctl_strerror(st) : "free (no holder)");
	}
	if (st < 0)
		return exit_for(st) == EXIT_USAGE ? EXIT_USAGE : EXIT_PRIV;
	return st == SVCCTL_RUNNING ? EXIT_OK : EXIT_STATUS_STOPPED;
}

/* What each row of list needs. */
struct list_ctx {
	const struct cli *c;
	int n;
};

/* One row of list: a table line, or one element of the JSON array. */
static int list_key(const char *path, const struct svcctl_pidinfo *in, void *arg)
{
	struct list_ctx *x = arg;

	if (x->c->json) {
		fputs(x->n++ ? "," : "", stdout);
		print_info_json(stdout, path, SVCCTL_RUNNING, in);
		return 0;
	}
	printf("%-32s %-16s %8lld %10lld %8.1f %s\n", etcd_key_of(path), in->host,
	       (long long)in->pid, (long long)in->token, (double)in->ttl_ms / 1000.0, in->msg);
	return 0;
}

/* list etcd://HOSTS/PREFIX: every held key under the prefix. */
static int etcd_list(struct cli *c)
{
	struct list_ctx x = {c, 0};
	int rc;

	if (c->owner != 0) {
		fail("--pid and --mine are not available in etcd mode");
		return EXIT_USAGE;
	}
	if (c->json)
		fputc('[', stdout);
	else
		printf("%-32s %-16s %8s %10s %8s %s\n", "KEY", "HOST", "PID", "TOKEN", "LEFT(s)",
		       "MESSAGE");
	rc = svcctl_etcd_list(c->rundir, &c->opts, list_key, &x);
	if (c->json)
		fputs("]\n", stdout);
	if (rc < 0) {
		fail("%s: cannot list: %s", c->rundir, svcctl_strerror(rc));
		return exit_for(rc);
	}
	return EXIT_OK;
}

/* cleanup: nothing to do, and why. */
static int etcd_cleanup(struct cli *c)
{
	if (!c->quiet)
		printf("%s: nothing to clean up: etcd deletes a key when its holder's lease "
		       "expires\n",
		       c->rundir);
	return EXIT_OK;
}

/* The longest a stop schedule waits in all, or -1 for forever. */
static int64_t schedule_ms(const struct cli *c)
{
	int64_t ms = 0;

	for (size_t i = 0; i < c->sched.len; i++) {
		if (c->sched.item[i].kind == SVCCTL_SCHED_FOREVER)
			return -1;
		if (c->sched.item[i].kind == SVCCTL_SCHED_WAIT)
			ms += c->sched.item[i].value;
	}
	return ms;
}

/* Open the holder's process when it runs on this host (same host, same start); 1 opened. */
static int open_local(const struct svcctl_pidinfo *in, struct proc *p)
{
	char host[SVCCTL_HOST_MAX];

	if (gethostname(host, sizeof(host)) < 0 || strcmp(host, in->host) != 0)
		return 0;
	if (proc_open(p, in->pid, in->start) < 0)
		return 0;
	if (in->start != 0 && p->start == in->start)
		return 1;
	proc_close(p);
	return 0;
}

/* Read the key for stop and reload: CLI_GO_ON held, else the exit code (after a message). */
static int read_holder(const struct cli *c, struct svcctl_pidinfo *in, int free_code)
{
	int st;

	memset(in, 0, sizeof(*in));
	st = svcctl_pidfile_state(c->path, &c->opts, in);
	if (st == SVCCTL_RUNNING)
		return CLI_GO_ON;
	if (st < 0) {
		fail("%s: %s", c->path, svcctl_strerror(st));
		return exit_for(st);
	}
	say(c, "%s: not running (no holder)", c->path);
	return free_code;
}

/*
 * stop from any host: revoke the holder's lease (only while its token
 * still holds the key); its svcctl then stops the server.  A holder on
 * this host is waited for as long as the stop schedule allows.
 */
static int etcd_stop(struct cli *c)
{
	struct svcctl_pidinfo in;
	char h[SVCCTL_HOST_MAX + 96];
	struct proc p;
	int rc, local;

	rc = read_holder(c, &in, EXIT_OK);
	if (rc != CLI_GO_ON)
		return rc;
	etcd_holder_text(&in, h, sizeof(h));
	if (c->test) {
		say(c, "%s: would revoke the lease of %s", c->path, h);
		return EXIT_OK;
	}
	local = open_local(&in, &p);
	rc = svcctl_etcd_evict(c->path, &c->opts, in.token);
	if (rc < 0) {
		fail("%s: cannot revoke the lease of %s: %s", c->path, h, svcctl_strerror(rc));
		if (local)
			proc_close(&p);
		return rc == SVCCTL_E_BUSY ? EXIT_FAIL : exit_for(rc);
	}
	say(c, "%s: revoked the lease of %s; its svcctl stops it", c->path, h);
	if (!local)
		return EXIT_OK;
	rc = proc_wait_dead(&p, schedule_ms(c));
	proc_close(&p);
	if (!rc)
		fail("%s: pid %lld still runs", c->path, (long long)in.pid);
	return rc ? EXIT_OK : EXIT_FAIL;
}

/* reload: signal a holder on this host; another host's is out of reach (4). */
static int etcd_reload(struct cli *c)
{
	struct svcctl_pidinfo in;
	struct proc p;
	int rc;

	rc = read_holder(c, &in, EXIT_NOT_RUNNING);
	if (rc != CLI_GO_ON)
		return rc;
	if (!open_local(&in, &p)) {
		fail("%s: held by pid %lld on %s, not signalled from here", c->path,
		     (long long)in.pid, in.host);
		return EXIT_PRIV;
	}
	rc = proc_signal(&p, c->sig ? c->sig : SIGHUP, 0);
	proc_close(&p);
	if (rc < 0) {
		fail("%s: cannot signal pid %lld: %s", c->path, (long long)in.pid,
		     svcctl_strerror(rc));
		return exit_for(rc);
	}
	return EXIT_OK;
}

/* restart: stop (a free key is fine), then start. */
static int etcd_restart(struct cli *c)
{
	int rc = etcd_stop(c);

	return rc != EXIT_OK || c->test ? rc : etcd_start(c);
}

/* run in etcd mode: hold the key while COMMAND runs, waiting up to -w. */
static int etcd_run_verb(struct cli *c)
{
	return etcd_run(c, c->wait_ms, HOLD_RUN);
}

/* Run the verb in etcd mode when its target is etcd://; CLI_GO_ON when it is not. */
int etcd_dispatch(struct cli *c)
{
	static const struct {
		const char *verb;
		int (*etcd)(struct cli *);
	} table[] = {
	    {"status", etcd_status},   {"stop", etcd_stop},       {"reload", etcd_reload},
	    {"start", etcd_start},     {"restart", etcd_restart}, {"list", etcd_list},
	    {"cleanup", etcd_cleanup}, {"run", etcd_run_verb},
	};
	const char *target = (c->cmd->flags & CMD_TARGET) ? c->path : c->rundir;

	if (!svcctl_path_is_etcd(target))
		return CLI_GO_ON;
	/* svcctl keeps the lease alive itself; expiry is the lease's TTL */
	if (c->refresh || c->expire_ms > 0 || c->wait_pidfile || (c->opts.flags & SVCCTL_F_NFS)) {
		fail("%s: --refresh, --expire, --nfs and --wait-pidfile do not apply to etcd:// "
		     "(svcctl holds the key; the lease's TTL is --stale-age)",
		     target);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].verb, c->cmd->name) == 0)
			return table[i].etcd(c);
	return CLI_GO_ON;
}
