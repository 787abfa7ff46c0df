/*
 * The checks made after each fault run and the matrix they fill.  A run
 * passes when the child did not crash, leaked no descriptor, left no
 * temporary file (a SIGKILL, or a failed unlink that was reported, may:
 * noted, not failed), left no unreadable
 * pidfile, no pidfile after a failed write or a clean release, did not
 * call the file "not ours" (ROGUE) while it still was, answered a failure
 * with the errno injected (not another code), and the next
 * writer, without faults, takes the pidfile and releases it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fault_report.h"
#include "svcctl/pidfile.h"

static const int errnos[FAULT_ERRNO_MAX] = {ENOSPC, EIO,    EACCES, EROFS,  EINTR,
					    EPERM,  EEXIST, ENOLCK, EMFILE, EBUSY};

/* Which errnos each function can give on this path (man 2 pages). */
static const struct {
	const char *call, *errs;
} applies[] = {
    {"open", " ENOSPC EIO EACCES EROFS EINTR EMFILE "},
    {"openat", " ENOSPC EIO EACCES EROFS EINTR EMFILE "},
    {"read", " EIO EINTR "},
    {"write", " ENOSPC EIO EINTR "},
    {"close", " EIO EINTR "},
    {"fchmod", " EIO EROFS EPERM "},
    {"fstat", " EIO "},
    {"lstat", " EIO EACCES "},
    {"stat", " EIO EACCES "},
    {"fstatat", " EIO EACCES "},
    {"link", " ENOSPC EIO EACCES EROFS EEXIST EPERM "},
    {"linkat", " ENOSPC EIO EACCES EROFS EEXIST EPERM "},
    {"unlink", " EIO EACCES EROFS EBUSY EPERM "},
    {"flock", " EINTR ENOLCK "},
    {"mkostemp", " ENOSPC EIO EACCES EROFS EEXIST EMFILE "},
    {"utimensat", " EIO EACCES EROFS EPERM "},
    {"readlink", " EIO EACCES "},
};

int fault_errno_at(int i)
{
	return errnos[i];
}

int fault_applies(const char *call, int err)
{
	char key[32];

	snprintf(key, sizeof(key), " %s ", strerrorname_np(err));
	for (size_t i = 0; i < sizeof(applies) / sizeof(applies[0]); i++)
		if (strcmp(call, applies[i].call) == 0)
			return strstr(applies[i].errs, key) != NULL;
	return 0;
}

void fault_problem(struct fault_outcome *out, const char *fmt, ...)
{
	size_t n = strlen(out->problems);
	va_list ap;

	if (n > 0 && n + 2 < sizeof(out->problems)) {
		memcpy(out->problems + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(out->problems + n, sizeof(out->problems) - n, fmt, ap);
	va_end(ap);
}

/* A short name for a code: "ENOSPC", "ROGUE", ... */
static const char *code_name(int rc)
{
	static const char *const own[] = {"BUSY",   "INVALID", "ROGUE",  "UNSAFE",
					  "REMOTE", "TIMEOUT", "EXPIRED"};
	const char *name;

	if (rc <= SVCCTL_E_BUSY && rc >= SVCCTL_E_EXPIRED)
		return own[SVCCTL_E_BUSY - rc];
	name = rc < 0 && rc > -4096 ? strerrorname_np(-rc) : NULL;
	return name ? name : "?";
}

/* What the library answered, first failing call first. */
static void set_cell(const struct fault_result *res, struct fault_outcome *out)
{
	if (res->write_rc < 0)
		snprintf(out->cell, sizeof(out->cell), "w:%s", code_name(res->write_rc));
	else if (res->touch_rc < 0)
		snprintf(out->cell, sizeof(out->cell), "t:%s", code_name(res->touch_rc));
	else if (res->release_rc < 0)
		snprintf(out->cell, sizeof(out->cell), "r:%s", code_name(res->release_rc));
	else
		snprintf(out->cell, sizeof(out->cell), "ok");
}

/* Temporary files left in dir: anything but the pidfile and its lock. */
static void check_leftovers(const char *dir, int excused, struct fault_outcome *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		const char *n = e->d_name;

		if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, FAULT_PIDFILE) ||
		    !strcmp(n, FAULT_PIDFILE ".lock"))
			continue;
		if (excused)
			out->tmp_left = 1; /* noted: SIGKILL, or the unlink failed */
		else
			fault_problem(out, "temporary file %s left", n);
	}
	if (d)
		closedir(d);
}

/* The pidfile left behind: whole, and there only when it should be. */
static void check_pidfile(const char *path, int rc, const struct fault_result *res,
			  struct fault_outcome *out)
{
	struct svcctl_pidinfo info;
	int r = svcctl_pidfile_read(path, &info);

	if (r == -ENOENT)
		return;
	if (r < 0) {
		fault_problem(out, "unreadable pidfile left (%s)", svcctl_strerror(r));
		return;
	}
	if (rc != 0)
		return; /* killed or crashed: a stale file is expected */
	if (res->write_rc < 0 && info.pid == res->pid)
		fault_problem(out, "pidfile left by a failed write");
	if (res->write_rc == 0 && res->release_rc == 0)
		fault_problem(out, "pidfile left after a clean release");
	if (res->release_rc == SVCCTL_E_ROGUE && info.pid == res->pid)
		fault_problem(out, "release said ROGUE (not ours) but the pidfile is still ours");
}

/* The next writer, with no fault, must take the pidfile and release it. */
static void check_next_writer(const char *path, struct fault_outcome *out)
{
	struct svcctl_lock *lk;
	int rc = svcctl_pidfile_write_locked(path, NULL, &lk, NULL);

	if (rc < 0) {
		fault_problem(out, "next writer failed: %s", svcctl_strerror(rc));
		return;
	}
	rc = svcctl_lock_release(lk);
	if (rc < 0)
		fault_problem(out, "next writer's release failed: %s", svcctl_strerror(rc));
}

/* A failing call must answer with the error injected, not another. */
static void check_code(const char *what, int rc, int err, struct fault_outcome *out)
{
	if (rc < 0 && rc != -err)
		fault_problem(out, "%s answered %s for an injected %s", what, code_name(rc),
			      strerrorname_np(err));
}

/* What the child itself saw: descriptors, codes, the content it published. */
static void check_child(const struct fault_result *res, int err, struct fault_outcome *out)
{
	check_code("write_locked", res->write_rc, err, out);
	check_code("touch", res->touch_rc, err, out);
	check_code("release", res->release_rc, err, out);
	if (res->fds_before != res->fds_after)
		fault_problem(out, "descriptor leak (%d open before, %d after)", res->fds_before,
			      res->fds_after);
	if (res->content_ok < 0)
		fault_problem(out, "a failed write handed out a lock");
	if (res->write_rc == 0 && res->content_ok == 0)
		fault_problem(out, "the published pidfile does not name the writer");
	if (res->write_rc > 0 || (res->write_rc == 0 && (res->touch_rc > 0 || res->release_rc > 0)))
		fault_problem(out, "a positive return code");
}

void fault_judge(const char *dir, int rc, const struct fault_run *fr,
		 const struct fault_result *res, struct fault_outcome *out)
{
	int err = fr->stop ? 0 : fr->err;
	/* a removal that failed, and said so, may leave what it could not remove */
	int excused = rc == 1 || (strcmp(fr->call ? fr->call : "", "unlink") == 0 &&
				  (res->write_rc < 0 || res->touch_rc < 0 || res->release_rc < 0));

	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, FAULT_PIDFILE);
	out->killed = rc == 1;
	if (rc < 0) {
		snprintf(out->cell, sizeof(out->cell), "CRASH");
		fault_problem(out, "the child crashed or did not report");
	} else if (rc == 1) {
		snprintf(out->cell, sizeof(out->cell), "killed");
	} else {
		set_cell(res, out);
		out->not_reached = !res->fired;
		check_child(res, err, out);
	}
	check_leftovers(dir, excused, out);
	check_pidfile(path, rc, res, out);
	check_next_writer(path, out);
}

void fault_matrix_start(struct fault_matrix *m, const char *title)
{
	memset(m, 0, sizeof(*m));
	m->title = title;
	printf("\nfault matrix, publish through %s (w: write_locked, t: touch, r: release "
	       "answered; ok: fault absorbed; -: call not reached; taken: next writer took "
	       "over after SIGKILL; +tmp: temporary file left; ! see below)\n%-12s",
	       title, "call#n");
	for (int i = 0; i < FAULT_ERRNO_MAX; i++)
		printf(" %-12s", strerrorname_np(errnos[i]));
	printf(" %s\n", "SIGKILL");
}

/* Count a verdict into m and print its cell. */
static void matrix_cell(struct fault_matrix *m, const struct fault_outcome *o)
{
	char cell[24];

	if (o->skipped) {
		printf(" %-12s", ".");
		return;
	}
	m->runs++;
	m->injected += !o->not_reached && !o->killed;
	m->kills += o->killed;
	m->tmp_left += o->tmp_left;
	if (o->problems[0])
		m->failed++;
	else
		m->passed++;
	snprintf(cell, sizeof(cell), "%s%s%s",
		 o->not_reached ? "-"
		 : o->killed    ? "taken"
				: o->cell,
		 o->tmp_left ? "+tmp" : "", o->problems[0] ? "!" : "");
	printf(" %-12s", cell);
}

void fault_matrix_row(struct fault_matrix *m, const char *call, int nth,
		      const struct fault_outcome *row)
{
	char label[32];

	snprintf(label, sizeof(label), "%s#%d", call, nth);
	printf("%-12s", label);
	for (int i = 0; i <= FAULT_ERRNO_MAX; i++)
		matrix_cell(m, &row[i]);
	printf("\n");
	for (int i = 0; i <= FAULT_ERRNO_MAX; i++)
		if (!row[i].skipped && row[i].problems[0])
			printf("  ! %s %s: %s\n", label,
			       i < FAULT_ERRNO_MAX ? strerrorname_np(errnos[i]) : "SIGKILL",
			       row[i].problems);
}

int fault_matrix_end(struct fault_matrix *m)
{
	printf("%s: %d runs, %d faults injected, %d SIGKILLs; %d runs left a temporary file "
	       "(SIGKILL, or an unlink that failed and said so)\n",
	       m->title, m->runs, m->injected, m->kills, m->tmp_left);
	printf("fault: %d passed, %d failed\n", m->passed, m->failed);
	return m->failed;
}
