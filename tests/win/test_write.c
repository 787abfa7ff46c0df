/* svcctl_pidfile_write on Windows: publish, busy, takeover, never replace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "platform.h"
#include "svcctl/pidfile.h"

/* Our own process's creation time, as start= records it. */
static uint64_t self_start(void)
{
	return tstart_of(GetCurrentProcess());
}

/* Published whole: our pid first, our creation time, nothing else left. */
static void test_write_publishes(void)
{
	char *dir = tdir_new(), *path = tpath(dir, "a.pid");
	struct svcctl_pidinfo info;
	char buf[512], first[32];

	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write(path, NULL, NULL), 0);
	CU_ASSERT(tread(path, buf, sizeof(buf)) > 0);
	snprintf(first, sizeof(first), "%lu\n", GetCurrentProcessId());
	CU_ASSERT_EQUAL(strncmp(buf, first, strlen(first)), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(path, &info), 0);
	CU_ASSERT_EQUAL(info.pid, (int64_t)GetCurrentProcessId());
	CU_ASSERT_EQUAL(info.start, self_start());
	CU_ASSERT_NOT_EQUAL(info.host[0], '\0');
	CU_ASSERT(info.age_ms >= 0 && info.age_ms < 60000);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(path, NULL, &info), SVCCTL_RUNNING);
	CU_ASSERT_EQUAL(tcount(dir), 1); /* no temporary file left */
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(path), 0);
	CU_ASSERT_FALSE(texists(path));
	CU_ASSERT_EQUAL(tcount(dir), 0);
	free(path);
	tdir_free(dir);
}

/* A live child's pidfile is busy, with the child as holder. */
static void test_write_busy(void)
{
	char *dir = tdir_new(), *path = tpath(dir, "busy.pid");
	struct svcctl_opts o = {0};
	struct svcctl_pidinfo holder;
	struct tchild c;

	CU_ASSERT_EQUAL_FATAL(tchild_spawn(&c, "idle", NULL), 0);
	CU_ASSERT_EQUAL_FATAL(tchild_ready(&c), 0);
	o.pid = c.pid;
	CU_ASSERT_EQUAL(svcctl_pidfile_write(path, &o, NULL), 0);
	memset(&holder, 0, sizeof(holder));
	CU_ASSERT_EQUAL(svcctl_pidfile_write(path, NULL, &holder), SVCCTL_E_BUSY);
	CU_ASSERT_EQUAL(holder.pid, (int64_t)c.pid);
	CU_ASSERT_EQUAL(holder.start, tstart_of(c.proc));
	CU_ASSERT_EQUAL(holder.state, SVCCTL_RUNNING);
	tchild_go(&c);
	CU_ASSERT_EQUAL(tchild_wait(&c, 10000), 0);
	tchild_close(&c);
	free(path);
	tdir_free(dir);
}

/* A pidfile of a process that exited (its handle still held: no reuse) is taken over. */
static void test_write_takeover_exited(void)
{
	char *dir = tdir_new(), *path = tpath(dir, "dead.pid");
	struct svcctl_pidinfo info;
	struct tchild c;
	char line[32];

	CU_ASSERT_EQUAL_FATAL(tchild_spawn(&c, "exit", NULL), 0);
	CU_ASSERT_EQUAL(tchild_wait(&c, 10000), 7);
	snprintf(line, sizeof(line), "%lu\n", c.pid); /* a foreign, pid-only file */
	CU_ASSERT_EQUAL_FATAL(twrite(path, line, strlen(line)), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(path, NULL, &info), SVCCTL_STALE);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(path, NULL, NULL), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(path, &info), 0);
	CU_ASSERT_EQUAL(info.pid, (int64_t)GetCurrentProcessId());
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(path), 0);
	tchild_close(&c);
	free(path);
	tdir_free(dir);
}

/* A live pid that started at another time than recorded is stale, not running. */
static void test_write_takeover_reused(void)
{
	char *dir = tdir_new(), *path = tpath(dir, "reused.pid");
	struct svcctl_pidinfo info;
	struct tchild c;
	char text[64];

	CU_ASSERT_EQUAL_FATAL(tchild_spawn(&c, "idle", NULL), 0);
	CU_ASSERT_EQUAL_FATAL(tchild_ready(&c), 0);
	snprintf(text, sizeof(text), "%lu\nstart=%llu\n", c.pid,
		 (unsigned long long)tstart_of(c.proc) - 1);
	CU_ASSERT_EQUAL_FATAL(twrite(path, text, strlen(text)), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(path, NULL, &info), SVCCTL_STALE);
	CU_ASSERT_EQUAL(info.reason, SVCCTL_REASON_REUSED);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(path, NULL, NULL), 0);
	CU_ASSERT_EQUAL(tchild_wait(&c, 0), -1); /* taken over, never touched */
	tchild_go(&c);
	CU_ASSERT_EQUAL(tchild_wait(&c, 10000), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(path), 0);
	tchild_close(&c);
	free(path);
	tdir_free(dir);
}

/* svcctl__publish_meta never replaces an existing file and leaves no temporary. */
static void test_write_never_replaces(void)
{
	char *dir = tdir_new(), *path = tpath(dir, "x.pid");
	struct svcctl__filemeta meta = {{0, 0}, 0, 0, 0};
	char buf[64];

	CU_ASSERT_EQUAL_FATAL(twrite(path, "4242\n", 5), 0);
	CU_ASSERT_EQUAL(svcctl__publish_meta(path, "77\n", 3, 0644, &meta), -EEXIST);
	CU_ASSERT_EQUAL(tread(path, buf, sizeof(buf)), 5);
	CU_ASSERT_STRING_EQUAL(buf, "4242\n");
	CU_ASSERT_EQUAL(tcount(dir), 1);
	free(path);
	path = tpath(dir, "y.pid");
	CU_ASSERT_EQUAL(svcctl__publish_meta(path, "77\n", 3, 0644, &meta), 0);
	CU_ASSERT(meta.id.ino != 0 || meta.id.dev != 0);
	CU_ASSERT_EQUAL(tread(path, buf, sizeof(buf)), 3);
	CU_ASSERT_EQUAL(tcount(dir), 2);
	free(path);
	tdir_free(dir);
}

/* UTF-8 paths reach the filesystem as the same UTF-16 names. */
static void test_write_utf8_path(void)
{
	char *dir = tdir_new(), *path = tpath(dir, "caf\xc3\xa9-\xe2\x9c\x93.pid");
	wchar_t *w = twide(dir), expect[512];
	struct svcctl_pidinfo info;

	_snwprintf(expect, 512, L"%ls\\caf\u00e9-\u2713.pid", w);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write(path, NULL, NULL), 0);
	CU_ASSERT_NOT_EQUAL(GetFileAttributesW(expect), INVALID_FILE_ATTRIBUTES);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(path, &info), 0);
	CU_ASSERT_EQUAL(info.pid, (int64_t)GetCurrentProcessId());
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(path), 0);
	CU_ASSERT_EQUAL(GetFileAttributesW(expect), INVALID_FILE_ATTRIBUTES);
	free(w);
	free(path);
	tdir_free(dir);
}

/* With SVCCTL_F_MKDIRS, missing parents are made ('/' separates, as the library splits). */
static void test_write_mkdirs(void)
{
	char *dir = tdir_new(), *sub = tpath(dir, "sub"), *deep = tpath(sub, "deeper");
	char *path = malloc(strlen(dir) + 32);
	struct svcctl_opts o = {.flags = SVCCTL_F_MKDIRS};

	sprintf(path, "%s/sub/deeper/m.pid", dir);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(path, NULL, NULL), -ENOENT);
	CU_ASSERT_EQUAL_FATAL(svcctl_pidfile_write(path, &o, NULL), 0);
	CU_ASSERT(texists(deep));
	CU_ASSERT_EQUAL(svcctl__mkdirs(deep, 0755), 0); /* exists: fine */
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(path), 0);
	CU_ASSERT_EQUAL(svcctl__mkdirs(path, 0755), 0);
	CU_ASSERT_EQUAL(twrite(path, "x", 1), -1); /* a directory now */
	free(path);
	free(deep);
	free(sub);
	tdir_free(dir);
}

CU_pSuite test_write_suite(void)
{
	CU_pSuite s = CU_add_suite("write", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "publishes", test_write_publishes) ||
	    !CU_add_test(s, "busy", test_write_busy) ||
	    !CU_add_test(s, "takeover_exited", test_write_takeover_exited) ||
	    !CU_add_test(s, "takeover_reused", test_write_takeover_reused) ||
	    !CU_add_test(s, "never_replaces", test_write_never_replaces) ||
	    !CU_add_test(s, "utf8_path", test_write_utf8_path) ||
	    !CU_add_test(s, "mkdirs", test_write_mkdirs))
		return NULL;
	return s;
}
