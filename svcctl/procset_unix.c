/*
 * Sets of processes on Linux: a snapshot of /proc, the members of a
 * recorded session or the descendants of svcctl, and signals sent to each
 * of them through a pidfd after re-checking that it still belongs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "unix_proc.h"

/* One process as /proc/PID/stat shows it. */
struct pstat {
	int64_t pid, ppid, sid;
	uint64_t start;
	char state;
};

/* Fields 3 (state), 4 (ppid), 6 (session) and 22 (start) of pid's stat (rc: its read). */
static int as_pstat(int rc, int64_t pid, const struct svcctl__procstat *st, struct pstat *ps)
{
	if (rc < 0)
		return -1;
	ps->pid = pid;
	ps->ppid = st->ppid;
	ps->sid = st->sid;
	ps->start = st->start;
	ps->state = st->state;
	return 0;
}

/* The fields of pid from /proc/PID/stat: 0, or -1. */
static int read_pstat(int64_t pid, struct pstat *ps)
{
	struct svcctl__procstat st;

	return as_pstat(svcctl__proc_stat(pid, &st), pid, &st, ps);
}

/* The session id of pid (field 6 of its stat), or -1. */
int64_t proc_session(int64_t pid)
{
	struct pstat ps;

	return read_pstat(pid, &ps) == 0 ? ps.sid : -1;
}

/* Is ps a live process svcctl may ever signal (never init, never us)? */
static int signallable(const struct pstat *ps)
{
	if (ps->pid <= 1 || ps->state == 'Z' || ps->state == 'X')
		return 0;
	return ps->pid != (int64_t)getpid() && ps->pid != (int64_t)getppid();
}

/* Add a session to look in, at most two, each once. */
void procset_add(struct procset *set, int64_t sid, uint64_t start)
{
	for (int i = 0; i < set->nsess; i++)
		if (set->sess[i].sid == sid)
			return;
	if (sid > 1 && set->nsess < 2)
		set->sess[set->nsess++] = (struct session_id){sid, start};
}

/* Is ps a member of one of the set's sessions (proven now when prove is set)? */
static int in_sessions(const struct procset *set, const struct pstat *ps, int prove)
{
	for (int i = 0; i < set->nsess; i++)
		if (ps->sid == set->sess[i].sid && ps->start >= set->sess[i].start)
			return !prove || session_proven(set->sess[i].sid, set->sess[i].start);
	return 0;
}

/* Does ps belong to the set: a sessions' member, or our descendant? */
static int belongs(const struct procset *set, const struct pstat *ps, const struct pstat *all,
		   size_t n)
{
	int64_t up = ps->ppid, self;

	/* the cheap test first: most of /proc is in neither set */
	if (set->nsess > 0)
		return in_sessions(set, ps, 0) && signallable(ps);
	if (!signallable(ps))
		return 0;
	/* our descendant: walk the parents in the snapshot */
	self = (int64_t)getpid();
	for (int depth = 0; depth < 64 && up > 1; depth++) {
		size_t i;

		if (up == self)
			return 1;
		for (i = 0; i < n && all[i].pid != up; i++)
			;
		if (i == n)
			return 0;
		up = all[i].ppid;
	}
	return 0;
}

/*
 * Read /proc into a new array: every process for the descendant walk, only
 * the members when the set has sessions (a member needs no other process
 * to be judged, and the array then stays empty or tiny); its length, or -1.
 */
static ssize_t snapshot(const struct procset *set, struct pstat **out)
{
	DIR *d = opendir("/proc");
	struct pstat *all = NULL, *grown, ps;
	struct svcctl__procstat st;
	size_t n = 0, cap = 0;
	struct dirent *e;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char *end, path[sizeof(e->d_name) + 8];
		long long pid = strtoll(e->d_name, &end, 10);

		if (*end != '\0' || pid <= 0)
			continue;
		/* relative to the open /proc: a shorter lookup for each of hundreds */
		memcpy(path, e->d_name, (size_t)(end - e->d_name));
		memcpy(path + (end - e->d_name), "/stat", 6);
		if (as_pstat(svcctl__proc_stat_at(dirfd(d), path, &st), pid, &st, &ps) < 0 ||
		    (set->nsess > 0 && !belongs(set, &ps, NULL, 0)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = realloc(all, cap * sizeof(*all));
			if (grown == NULL)
				break;
			all = grown;
		}
		all[n++] = ps;
	}
	closedir(d);
	*out = all;
	return (ssize_t)n;
}

/* The pids of the set's live members into set->pid[]; their number. */
int procset_scan(struct procset *set)
{
	struct pstat *all = NULL;
	ssize_t n = snapshot(set, &all);

	set->n = 0;
	for (ssize_t i = 0; i < n && set->n < PROCSET_MAX; i++)
		if (belongs(set, &all[i], all, (size_t)n))
			set->pid[set->n++] = all[i].pid;
	free(all);
	return set->n;
}

/* The parent pid of pid from /proc, or -1. */
static int64_t parent_of(int64_t pid)
{
	struct pstat ps;

	return read_pstat(pid, &ps) == 0 ? ps.ppid : -1;
}

/* Walk pid's parents: ancestor (or we, its subreaper) among them? */
int proc_descends(int64_t pid, int64_t ancestor)
{
	/* we are the server's parent, never the server */
	if (pid == (int64_t)getpid())
		return 0;
	for (int depth = 0; depth < 64 && pid > 1; depth++) {
		if (pid == ancestor || pid == (int64_t)getpid())
			return 1;
		pid = parent_of(pid);
	}
	return 0;
}

/* A live leader of sid must have the recorded start time. */
int session_proven(int64_t sid, uint64_t start)
{
	struct pstat leader;

	if (sid <= 1)
		return 0;
	/* gone: the kernel hands the id out again only once no member is left */
	if (read_pstat(sid, &leader) < 0 || leader.state == 'Z' || leader.state == 'X')
		return 1;
	/* a live leader of that id must be the one recorded, else the pid was reused */
	return leader.sid != sid || leader.start == start;
}

/* Re-check one member right before a signal: still in the set, same process. */
static int still_member(struct procset *set, const struct proc *p)
{
	struct pstat ps;

	if (read_pstat(p->pid, &ps) < 0 || !signallable(&ps) || !proc_verify(p))
		return 0;
	set->last_sid = ps.sid;
	if (set->nsess > 0)
		return in_sessions(set, &ps, 1);
	return proc_descends(p->pid, (int64_t)getpid());
}

/* Send sig to every member (re-checked first); the number signalled. */
int procset_signal(struct procset *set, int sig)
{
	int sent = 0;

	procset_close(set);
	for (int i = 0; i < set->n; i++) {
		struct proc *p = &set->proc[set->nproc];

		if (proc_open(p, set->pid[i], 0) < 0)
			continue;
		if (!still_member(set, p) || proc_signal(p, sig, 0) < 0) {
			proc_close(p);
			continue;
		}
		set->nproc++;
		sent++;
	}
	return sent;
}

/* Reap what is ours and exited, so waits on our own children end. */
static void reap_ours(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Wait up to ms for every signalled member to die; 1 all dead, 0 not. */
int procset_wait(struct procset *set, int64_t ms)
{
	int64_t deadline = svcctl__mono_ms() + ms;

	for (int i = 0; i < set->nproc; i++) {
		int64_t left = deadline - svcctl__mono_ms();

		reap_ours();
		if (!proc_wait_dead(&set->proc[i], left > 0 ? left : 0))
			return 0;
	}
	reap_ours();
	return 1;
}

/* Close the pidfds of the last signal step. */
void procset_close(struct procset *set)
{
	for (int i = 0; i < set->nproc; i++)
		proc_close(&set->proc[i]);
	set->nproc = 0;
}

/* Say what a signal step did to the set. */
static void report(const struct cli *c, const struct procset *set, int sig, int sent)
{
	const char *name = svcctl_signal_name(sig);

	if (set->nsess > 0)
		say(c, "%s: sent %s to %d leftover process%s of session %lld", c->path,
		    name ? name : "a signal", sent, sent == 1 ? "" : "es",
		    (long long)set->last_sid);
}

/* The stop schedule over a set of processes, scanned again before each signal. */
int procset_stop(const struct cli *c, const struct svcctl_schedule *s, struct procset *set)
{
	int has_wait = 0, alive = 1;

	for (size_t i = 0; i < s->len; i++)
		has_wait |= s->item[i].kind == SVCCTL_SCHED_WAIT;
	for (size_t i = 0; i < s->len && alive; i++) {
		const struct svcctl_sched_item *it = &s->item[i];

		if (it->kind == SVCCTL_SCHED_SIGNAL) {
			if (procset_scan(set) == 0)
				break;
			report(c, set, (int)it->value, procset_signal(set, (int)it->value));
		} else if (it->kind == SVCCTL_SCHED_WAIT) {
			alive = !procset_wait(set, it->value) || procset_scan(set) > 0;
		} else if (has_wait) {
			i = (size_t)-1; /* forever: repeat from the start */
		} else {
			procset_wait(set, -1);
		}
	}
	procset_close(set);
	return procset_scan(set) == 0;
}
