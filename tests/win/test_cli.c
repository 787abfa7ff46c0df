/*
 * svcctl.exe under test: status, run and stop against real child
 * processes, and the verbs that are Unix-only refused by name.  Every
 * process involved lives in one process tree, so pids stay meaningful
 * under Wine as on Windows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_helpers.h"
#include "svcctl/pidfile.h"

/* Exit codes of the child roles (child.c) and of TerminateProcess (128 + KILL). */
#define CHILD_EXITED 7
#define CHILD_CLOSED 42
#define KILLED 137

/* One test's scratch directory, pidfile and output file. */
struct fix {
	char *dir, *pid, *out;
	char self[MAX_PATH]; /* this program, the COMMAND of run */
};

static void fix_init(struct fix *f)
{
	f->dir = tdir_new();
	f->pid = tpath(f->dir, "svc.pid");
	f->out = tpath(f->dir, "out.txt");
	GetModuleFileNameA(NULL, f->self, sizeof(f->self));
}

static void fix_free(struct fix *f)
{
	free(f->pid);
	free(f->out);
	tdir_free(f->dir);
}

/* Publish a child's pid at path as a server would, with its creation time. */
static int publish(const char *path, const struct tchild *c)
{
	struct svcctl_opts o = {.pid = c->pid, .start = tstart_of(c->proc)};

	return svcctl_pidfile_write(path, &o, NULL);
}

/* status of an absent pidfile: 3, "not running". */
static void test_cli_status_absent(void)
{
	struct fix f;

	fix_init(&f);
	CU_ASSERT_EQUAL(cli_run(f.out, (const char *[]){"status", "-p", f.pid, NULL}), 3);
	CU_ASSERT(cli_output_has(f.out, "not running"));
	fix_free(&f);
}

/* start, restart and reload are refused by name with exit 2; help marks them. */
static void test_cli_unix_only(void)
{
	static const char *const verbs[] = {"start", "restart", "reload"};
	char want[64];
	struct fix f;

	fix_init(&f);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		CU_ASSERT_EQUAL(
		    cli_run(f.out, (const char *[]){verbs[i], "-p", f.pid, "--", f.self, NULL}), 2);
		snprintf(want, sizeof(want), "%s: not available on this system (Unix only)",
			 verbs[i]);
		CU_ASSERT(cli_output_has(f.out, want));
	}
	CU_ASSERT_FALSE(texists(f.pid));
	CU_ASSERT_EQUAL(cli_run(f.out, (const char *[]){"--help", NULL}), 0);
	CU_ASSERT(cli_output_has(f.out, "(Unix only)"));
	fix_free(&f);
}

/*
 * run holds the pidfile while COMMAND runs: the pidfile names the child
 * (not svcctl), status sees it running, a second run is busy, and the
 * pidfile goes away with the child, whose exit code run returns.
 */
static void test_cli_run_holds(void)
{
	SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
	HANDLE r = NULL, w = NULL, run;
	DWORD run_pid = 0, n;
	char want[64];
	int64_t pid;
	struct fix f;

	fix_init(&f);
	CU_ASSERT_FATAL(CreatePipe(&r, &w, &sa, 0));
	SetHandleInformation(w, HANDLE_FLAG_INHERIT, 0);
	/* the child's stdin is r: it exits once we write a byte */
	run = cli_start(f.out, r,
			(const char *[]){"run", "-p", f.pid, "--", f.self, "--child", "idle", NULL},
			&run_pid);
	CloseHandle(r);
	CU_ASSERT_FATAL(run != NULL);
	CU_ASSERT_EQUAL(cli_await_file(f.pid, 10000), 0);
	pid = cli_pidfile_pid(f.pid);
	CU_ASSERT(pid > 0 && pid != (int64_t)run_pid);
	char *out2 = tpath(f.dir, "out2.txt");
	CU_ASSERT_EQUAL(cli_run(out2, (const char *[]){"status", "-p", f.pid, NULL}), 0);
	snprintf(want, sizeof(want), "running (pid %lld", (long long)pid);
	CU_ASSERT(cli_output_has(out2, want));
	CU_ASSERT_EQUAL(cli_run(out2, (const char *[]){"status", "-p", f.pid, "--json", NULL}), 0);
	CU_ASSERT(cli_output_has(out2, "\"state\":\"running\""));
	CU_ASSERT_EQUAL(cli_run(out2, (const char *[]){"run", "-p", f.pid, "--", f.self, "--child",
						       "exit", NULL}),
			1);
	CU_ASSERT_EQUAL(cli_pidfile_pid(f.pid), pid);
	WriteFile(w, "g", 1, &n, NULL);
	CU_ASSERT_EQUAL(cli_finish(run), 0);
	CU_ASSERT_FALSE(texists(f.pid));
	CU_ASSERT_EQUAL(cli_run(out2, (const char *[]){"status", "-p", f.pid, NULL}), 3);
	CloseHandle(w);
	free(out2);
	fix_free(&f);
}

/* run returns COMMAND's exit code, and 5 for a program that does not exist. */
static void test_cli_run_codes(void)
{
	struct fix f;

	fix_init(&f);
	CU_ASSERT_EQUAL(cli_run(f.out, (const char *[]){"run", "-p", f.pid, "--", f.self, "--child",
							"exit", NULL}),
			CHILD_EXITED);
	CU_ASSERT_FALSE(texists(f.pid));
	CU_ASSERT_EQUAL(cli_run(f.out, (const char *[]){"run", "-p", f.pid, "--",
							"svcctl-no-such-program", NULL}),
			5);
	CU_ASSERT(cli_output_has(f.out, "svcctl-no-such-program: cannot execute"));
	CU_ASSERT_FALSE(texists(f.pid));
	fix_free(&f);
}

/*
 * stop on a windowless process: TERM cannot be delivered (said so), its
 * wait is skipped, TerminateProcess follows; the pidfile is removed.
 */
static void test_cli_stop_terminates(void)
{
	struct tchild c;
	int64_t t0;
	struct fix f;

	fix_init(&f);
	CU_ASSERT_EQUAL_FATAL(tchild_spawn(&c, "idle", NULL), 0);
	CU_ASSERT_EQUAL_FATAL(tchild_ready(&c), 0);
	CU_ASSERT_EQUAL_FATAL(publish(f.pid, &c), 0);
	t0 = tnow_ms();
	CU_ASSERT_EQUAL(cli_run(f.out, (const char *[]){"stop", "-p", f.pid, NULL}), 0);
	/* the default schedule's 10 s wait after TERM was skipped */
	CU_ASSERT(tnow_ms() - t0 < 8000);
	CU_ASSERT_EQUAL(tchild_wait(&c, 5000), KILLED);
	CU_ASSERT(cli_output_has(f.out, "has no way to receive TERM here; not sent"));
	CU_ASSERT(cli_output_has(f.out, "sent KILL"));
	CU_ASSERT(cli_output_has(f.out, "stopped pid"));
	CU_ASSERT_FALSE(texists(f.pid));
	tchild_close(&c);
	fix_free(&f);
}

/* stop on a process with a window: WM_CLOSE makes it exit on its own. */
static void test_cli_stop_graceful(void)
{
	struct tchild c;
	struct fix f;

	fix_init(&f);
	CU_ASSERT_EQUAL_FATAL(tchild_spawn(&c, "window", NULL), 0);
	CU_ASSERT_EQUAL_FATAL(tchild_ready(&c), 0);
	CU_ASSERT_EQUAL_FATAL(publish(f.pid, &c), 0);
	CU_ASSERT_EQUAL(cli_run(f.out, (const char *[]){"stop", "-p", f.pid, NULL}), 0);
	CU_ASSERT_EQUAL(tchild_wait(&c, 5000), CHILD_CLOSED);
	CU_ASSERT(cli_output_has(f.out, "sent TERM"));
	CU_ASSERT_FALSE(cli_output_has(f.out, "sent KILL"));
	CU_ASSERT_FALSE(texists(f.pid));
	tchild_close(&c);
	fix_free(&f);
}

/* stop on a dead holder removes the stale pidfile and terminates nothing. */
static void test_cli_stop_stale(void)
{
	struct tchild c;
	struct fix f;

	fix_init(&f);
	CU_ASSERT_EQUAL_FATAL(tchild_spawn(&c, "idle", NULL), 0);
	CU_ASSERT_EQUAL_FATAL(tchild_ready(&c), 0);
	CU_ASSERT_EQUAL_FATAL(publish(f.pid, &c), 0);
	tchild_go(&c);
	CU_ASSERT_EQUAL(tchild_wait(&c, 5000), 0);
	CU_ASSERT_EQUAL(cli_run(f.out, (const char *[]){"status", "-p", f.pid, NULL}), 1);
	CU_ASSERT_EQUAL(cli_run(f.out, (const char *[]){"stop", "-p", f.pid, NULL}), 0);
	CU_ASSERT(cli_output_has(f.out, "removed stale pidfile"));
	CU_ASSERT_FALSE(texists(f.pid));
	tchild_close(&c);
	fix_free(&f);
}

/* A pidfile naming svcctl's own parent (this runner) is refused with 4. */
static void test_cli_stop_refuses_parent(void)
{
	struct svcctl_opts o = {0};
	struct fix f;

	fix_init(&f);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write(f.pid, &o, NULL), 0);
	CU_ASSERT_EQUAL(cli_run(f.out, (const char *[]){"stop", "-p", f.pid, NULL}), 4);
	CU_ASSERT(cli_output_has(f.out, "refusing to signal"));
	CU_ASSERT(texists(f.pid));
	fix_free(&f);
}

/* list and cleanup read RUNDIR on Windows too. */
static void test_cli_list_cleanup(void)
{
	struct tchild c;
	struct fix f;

	fix_init(&f);
	CU_ASSERT_EQUAL_FATAL(tchild_spawn(&c, "exit", NULL), 0);
	CU_ASSERT_EQUAL(tchild_wait(&c, 5000), CHILD_EXITED);
	CU_ASSERT_EQUAL_FATAL(publish(f.pid, &c), 0);
	CU_ASSERT_EQUAL(cli_run(f.out, (const char *[]){"list", "-d", f.dir, NULL}), 0);
	CU_ASSERT(cli_output_has(f.out, "svc "));
	CU_ASSERT(cli_output_has(f.out, "stale"));
	CU_ASSERT_EQUAL(cli_run(f.out, (const char *[]){"cleanup", "-d", f.dir, NULL}), 0);
	CU_ASSERT(cli_output_has(f.out, "removed 1 stale pidfile"));
	CU_ASSERT_FALSE(texists(f.pid));
	tchild_close(&c);
	fix_free(&f);
}

CU_pSuite test_cli_suite(void)
{
	CU_pSuite s = CU_add_suite("cli", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "status_absent", test_cli_status_absent) ||
	    !CU_add_test(s, "unix_only", test_cli_unix_only) ||
	    !CU_add_test(s, "run_holds", test_cli_run_holds) ||
	    !CU_add_test(s, "run_codes", test_cli_run_codes) ||
	    !CU_add_test(s, "stop_terminates", test_cli_stop_terminates) ||
	    !CU_add_test(s, "stop_graceful", test_cli_stop_graceful) ||
	    !CU_add_test(s, "stop_stale", test_cli_stop_stale) ||
	    !CU_add_test(s, "stop_refuses_parent", test_cli_stop_refuses_parent) ||
	    !CU_add_test(s, "list_cleanup", test_cli_list_cleanup))
		return NULL;
	return s;
}
