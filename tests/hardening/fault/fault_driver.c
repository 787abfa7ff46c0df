/*
 * Fault injection on the write and release paths of libsvcctl.  For each
 * function the shim intercepts, each applicable errno and each call of it
 * on the path (counted by a fault-free census run), a child runs
 * write_locked + touch + release with that one call failing; the parent
 * then checks: the child did not crash, no descriptor leaked, no temporary
 * file is left, no half-written pidfile is visible, no pidfile is left
 * after a clean release, and the next writer succeeds.  The same is done
 * with the child SIGKILLed just before each call.  Both publish paths are
 * covered: O_TMPFILE, and the named temporary file (O_TMPFILE refused).
 * Usage: svcctl_fault SHIM.so     (svcctl_fault --child DIR is the child)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"
#include "fault_report.h"
#include "svcctl/pidfile.h"

/* Child after fork: point stdout at the pipe, set the shim up, exec. */
static void exec_child(const struct fault_run *fr, const char *dir, int out)
{
	char buf[32];

	dup2(out, STDOUT_FILENO);
	setenv("LD_PRELOAD", fr->shim, 1);
	setenv("SVCCTL_FAULT_CALL", fr->call ? fr->call : "", 1);
	snprintf(buf, sizeof(buf), "%d", fr->nth);
	setenv("SVCCTL_FAULT_NTH", buf, 1);
	snprintf(buf, sizeof(buf), "%d", fr->err);
	setenv("SVCCTL_FAULT_ERRNO", buf, 1);
	setenv("SVCCTL_FAULT_STOP", fr->stop ? "1" : "0", 1);
	setenv("SVCCTL_FAULT_NOTMPFILE", fr->no_tmpfile ? "1" : "0", 1);
	execl("/proc/self/exe", "svcctl_fault", "--child", dir, (char *)NULL);
	_exit(127);
}

/* Parse the child's report; 0 when its result line was there. */
static int parse_report(FILE *f, struct fault_result *res)
{
	char line[256], name[16];
	int n, got = 0;

	memset(res, 0, sizeof(*res));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "result %d %d %d %d %d %d %d %ld", &res->write_rc, &res->touch_rc,
			   &res->release_rc, &res->fds_before, &res->fds_after, &res->fired,
			   &res->content_ok, &res->pid) == 8)
			got = 1;
		else if (sscanf(line, "count %15s %d", name, &n) == 2 &&
			 res->ncalls < FAULT_CALLS_MAX) {
			snprintf(res->name[res->ncalls], sizeof(res->name[0]), "%s", name);
			res->count[res->ncalls++] = n;
		}
	}
	return got ? 0 : -1;
}

/*
 * Run one child in dir.  Returns 0 when it finished its run, 1 when it
 * was stopped at the chosen call and SIGKILLed there, -1 when it crashed
 * or failed to report.
 */
static int run_child(const struct fault_run *fr, const char *dir, struct fault_result *res)
{
	int p[2], status, rc = 0;
	pid_t pid;
	FILE *f;

	if (pipe(p) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		exec_child(fr, dir, p[1]);
	}
	close(p[1]);
	waitpid(pid, &status, WUNTRACED);
	if (WIFSTOPPED(status)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		rc = 1;
	}
	f = fdopen(p[0], "r");
	if (parse_report(f, res) < 0 && rc == 0)
		rc = -1;
	fclose(f);
	if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		rc = -1;
	return rc;
}

/* Remove everything in dir, then dir. */
static void remove_dir(const char *dir)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* One run in a fresh directory, judged; the outcome goes to *out. */
static void run_one(const struct fault_run *fr, struct fault_outcome *out)
{
	char dir[] = "/tmp/svcctl-fault.XXXXXX";
	struct fault_result res;
	int rc;

	memset(out, 0, sizeof(*out));
	if (mkdtemp(dir) == NULL) {
		fault_problem(out, "mkdtemp: %s", strerror(errno));
		return;
	}
	rc = run_child(fr, dir, &res);
	fault_judge(dir, rc, fr, &res, out);
	remove_dir(dir);
}

/* The fault-free run: how often each function is called on the path. */
static int census(const char *shim, int no_tmpfile, struct fault_result *res)
{
	struct fault_run fr = {.shim = shim, .no_tmpfile = no_tmpfile};
	char dir[] = "/tmp/svcctl-fault.XXXXXX";
	int rc;

	if (mkdtemp(dir) == NULL)
		return -1;
	rc = run_child(&fr, dir, res);
	remove_dir(dir);
	if (rc != 0 || res->write_rc != 0 || res->release_rc != 0) {
		fprintf(stderr, "fault: the fault-free run failed (write %d, release %d)\n",
			res->write_rc, res->release_rc);
		return -1;
	}
	return 0;
}

/* Every call x errno x occurrence, then a SIGKILL at every call; failures. */
static int sweep(const char *shim, int no_tmpfile)
{
	struct fault_result calls;
	struct fault_run fr = {.shim = shim, .no_tmpfile = no_tmpfile};
	struct fault_matrix m;

	if (census(shim, no_tmpfile, &calls) < 0)
		return 1;
	fault_matrix_start(&m, no_tmpfile ? "named temporary file" : "O_TMPFILE");
	for (int c = 0; c < calls.ncalls; c++) {
		fr.call = calls.name[c];
		for (fr.nth = 1; fr.nth <= calls.count[c]; fr.nth++) {
			struct fault_outcome row[FAULT_ERRNO_MAX + 1];

			fr.stop = 0;
			for (int e = 0; e < FAULT_ERRNO_MAX; e++) {
				fr.err = fault_errno_at(e);
				if (fault_applies(fr.call, fr.err))
					run_one(&fr, &row[e]);
				else
					row[e].skipped = 1;
			}
			fr.stop = 1;
			run_one(&fr, &row[FAULT_ERRNO_MAX]);
			fault_matrix_row(&m, fr.call, fr.nth, row);
		}
	}
	return fault_matrix_end(&m);
}

int main(int argc, char **argv)
{
	int failed;

	if (argc == 3 && strcmp(argv[1], "--child") == 0)
		return fault_child_main(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: %s SHIM.so\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	failed = sweep(argv[1], 0);
	failed += sweep(argv[1], 1);
	return failed ? 1 : 0;
}
