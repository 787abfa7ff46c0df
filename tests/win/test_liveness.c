/*
 * Liveness on Windows: OpenProcess + WaitForSingleObject(h, 0), creation
 * time as identity.  Written to hold on Windows and under Wine alike: an
 * exited process is asserted "not running" (dead, or signalled while a
 * handle keeps it), never a particular one of the two once we closed ours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "platform.h"
#include "svcctl/pidfile.h"

static void test_liveness_self(void)
{
	uint64_t start = 0;

	CU_ASSERT_EQUAL(svcctl__proc_check(svcctl__self_pid(), &start), SVCCTL__PROC_ALIVE);
	CU_ASSERT_EQUAL(start, tstart_of(GetCurrentProcess()));
	CU_ASSERT_NOT_EQUAL(start, 0);
}

/* A live child is alive, with its creation time as start. */
static void test_liveness_live_child(void)
{
	struct tchild c;
	uint64_t start = 0;

	CU_ASSERT_EQUAL_FATAL(tchild_spawn(&c, "idle", NULL), 0);
	CU_ASSERT_EQUAL_FATAL(tchild_ready(&c), 0);
	CU_ASSERT_EQUAL(svcctl__proc_check(c.pid, &start), SVCCTL__PROC_ALIVE);
	CU_ASSERT_EQUAL(start, tstart_of(c.proc));
	tchild_go(&c);
	CU_ASSERT_EQUAL(tchild_wait(&c, 10000), 0);
	tchild_close(&c);
}

/* An exited child whose handle we hold is signalled: "zombie", and stale. */
static void test_liveness_exited_child(void)
{
	char *dir = tdir_new(), *path = tpath(dir, "e.pid");
	struct svcctl_pidinfo info;
	struct tchild c;
	uint64_t start = 1, recorded;
	char text[64];

	CU_ASSERT_EQUAL_FATAL(tchild_spawn(&c, "exit", NULL), 0);
	recorded = tstart_of(c.proc);
	CU_ASSERT_EQUAL(tchild_wait(&c, 10000), 7);
	CU_ASSERT_EQUAL(svcctl__proc_check(c.pid, &start), SVCCTL__PROC_ZOMBIE);
	CU_ASSERT_EQUAL(start, 0);
	snprintf(text, sizeof(text), "%lu\nstart=%llu\n", c.pid, (unsigned long long)recorded);
	CU_ASSERT_EQUAL_FATAL(twrite(path, text, strlen(text)), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(path, NULL, &info), SVCCTL_STALE);
	CU_ASSERT_EQUAL(info.reason, SVCCTL_REASON_ZOMBIE);
	tchild_close(&c);
	/* with no handle left: gone, or (Wine, ~0.5 s) still signalled, or its
	   pid reused by another process; never running */
	CU_ASSERT_EQUAL(svcctl_pidfile_state(path, NULL, &info), SVCCTL_STALE);
	CU_ASSERT(info.reason == SVCCTL_REASON_DEAD || info.reason == SVCCTL_REASON_ZOMBIE ||
		  info.reason == SVCCTL_REASON_REUSED);
	free(path);
	tdir_free(dir);
}

/* Pids no process can have are dead, not errors. */
static void test_liveness_impossible_pids(void)
{
	uint64_t start = 1;

	CU_ASSERT_EQUAL(svcctl__proc_check(0, &start), SVCCTL__PROC_DEAD);
	CU_ASSERT_EQUAL(svcctl__proc_check(-4, &start), SVCCTL__PROC_DEAD);
	CU_ASSERT_EQUAL(svcctl__proc_check((int64_t)UINT32_MAX + 4, &start), SVCCTL__PROC_DEAD);
	CU_ASSERT_EQUAL(svcctl__proc_check(0xfffffff0, &start), SVCCTL__PROC_DEAD);
	CU_ASSERT_EQUAL(start, 0);
}

/* Host name and clocks the pidfile format relies on. */
static void test_liveness_host_and_clocks(void)
{
	char host[SVCCTL_HOST_MAX], small[4], boot[SVCCTL_BOOT_MAX];
	FILETIME ft;
	int64_t now, wall;

	CU_ASSERT_EQUAL(svcctl__hostname(host, sizeof(host)), 0);
	CU_ASSERT(strlen(host) > 0);
	CU_ASSERT_EQUAL(svcctl__hostname(small, sizeof(small)), 0);
	CU_ASSERT_EQUAL(strlen(small), strlen(host) < 3 ? strlen(host) : 3);
	CU_ASSERT_EQUAL(svcctl__boot_id(boot, sizeof(boot)), 0);
	GetSystemTimeAsFileTime(&ft);
	wall = (int64_t)((((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime) -
			  116444736000000000ULL) /
			 10000);
	now = svcctl__now_ms();
	CU_ASSERT(now - wall >= -1000 && now - wall <= 1000);
	CU_ASSERT(svcctl__mono_ms() > 0);
}

CU_pSuite test_liveness_suite(void)
{
	CU_pSuite s = CU_add_suite("liveness", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "self", test_liveness_self) ||
	    !CU_add_test(s, "live_child", test_liveness_live_child) ||
	    !CU_add_test(s, "exited_child", test_liveness_exited_child) ||
	    !CU_add_test(s, "impossible_pids", test_liveness_impossible_pids) ||
	    !CU_add_test(s, "host_and_clocks", test_liveness_host_and_clocks))
		return NULL;
	return s;
}
