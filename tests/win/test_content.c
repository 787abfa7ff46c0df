/* Bad pidfiles on Windows: clear errors, never a takeover, never a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "platform.h"
#include "svcctl/pidfile.h"

/* Write text at a fresh path; read, judge and write all refuse it as invalid. */
static void expect_invalid(const char *text, size_t len)
{
	char *dir = tdir_new(), *path = tpath(dir, "bad.pid");
	struct svcctl_pidinfo info;
	char buf[16];

	CU_ASSERT_EQUAL_FATAL(twrite(path, text, len), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(path, &info), SVCCTL_E_INVALID);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(path, NULL, &info), SVCCTL_E_INVALID);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(path, NULL, NULL), SVCCTL_E_INVALID);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(path), SVCCTL_E_INVALID);
	/* untouched: the same first bytes are still there */
	CU_ASSERT_EQUAL(tread(path, buf, sizeof(buf)), (int)(len < 15 ? len : 15));
	free(path);
	tdir_free(dir);
}

static void test_content_garbage(void)
{
	expect_invalid("abc\n", 4);
	expect_invalid("12x\n", 4);
	expect_invalid("", 0);
	expect_invalid("\n", 1);
}

static void test_content_bad_pids(void)
{
	expect_invalid("0\n", 2);
	expect_invalid("1\n", 2);
	expect_invalid("-5\n", 3);
	expect_invalid("4294967296\n", 11); /* one past the largest DWORD */
	expect_invalid("99999999999999999999999\n", 24);
}

static void test_content_too_big(void)
{
	char *big = malloc(8192);

	memset(big, '7', 8192);
	expect_invalid(big, 8192);
	free(big);
}

/* Files of other tools ("1234", blanks around) are read as pid-only. */
static void test_content_foreign(void)
{
	static const char *const texts[] = {"1234", "1234\n", " 1234 \n", "1234\r\n"};
	char *dir = tdir_new(), *path = tpath(dir, "f.pid");
	struct svcctl_pidinfo info;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(twrite(path, texts[i], strlen(texts[i])), 0);
		memset(&info, 0, sizeof(info));
		CU_ASSERT_EQUAL(svcctl_pidfile_read(path, &info), 0);
		CU_ASSERT_EQUAL(info.pid, 1234);
	}
	free(path);
	tdir_free(dir);
}

/* A directory or a device where the pidfile should be is unsafe, not read. */
static void test_content_not_a_file(void)
{
	char *dir = tdir_new(), *sub = tpath(dir, "d.pid");
	wchar_t *w = twide(sub);
	struct svcctl_pidinfo info;
	int rc;

	CU_ASSERT_FATAL(CreateDirectoryW(w, NULL));
	CU_ASSERT_EQUAL(svcctl_pidfile_read(sub, &info), SVCCTL_E_UNSAFE);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(sub, NULL, NULL), SVCCTL_E_UNSAFE);
	CU_ASSERT_EQUAL(svcctl_pidfile_read("NUL", &info), SVCCTL_E_UNSAFE);
	/* a console where there is one; where there is none (Wine, services) an error */
	rc = svcctl_pidfile_read("CONIN$", &info);
	CU_ASSERT(rc == SVCCTL_E_UNSAFE || (rc < 0 && rc > -4096));
	free(w);
	free(sub);
	tdir_free(dir);
}

/* Absent files and paths that are not UTF-8 give -errno codes. */
static void test_content_bad_paths(void)
{
	char *dir = tdir_new(), *absent = tpath(dir, "none.pid"), *bad = tpath(dir, "\xff\xfe.pid");
	struct svcctl_pidinfo info;

	CU_ASSERT_EQUAL(svcctl_pidfile_read(absent, &info), -ENOENT);
	CU_ASSERT_EQUAL(svcctl_pidfile_state(absent, NULL, &info), SVCCTL_ABSENT);
	CU_ASSERT_EQUAL(svcctl_pidfile_remove(absent), 0);
	CU_ASSERT_EQUAL(svcctl_pidfile_read(bad, &info), -EILSEQ);
	CU_ASSERT_EQUAL(svcctl_pidfile_write(bad, NULL, NULL), -EILSEQ);
	CU_ASSERT_EQUAL(tcount(dir), 0);
	free(absent);
	free(bad);
	tdir_free(dir);
}

CU_pSuite test_content_suite(void)
{
	CU_pSuite s = CU_add_suite("content", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "garbage", test_content_garbage) ||
	    !CU_add_test(s, "bad_pids", test_content_bad_pids) ||
	    !CU_add_test(s, "too_big", test_content_too_big) ||
	    !CU_add_test(s, "foreign", test_content_foreign) ||
	    !CU_add_test(s, "not_a_file", test_content_not_a_file) ||
	    !CU_add_test(s, "bad_paths", test_content_bad_paths))
		return NULL;
	return s;
}
