/* Pidfile content: what is read as a pid, what is invalid, round trips. */
#include <errno.h>
#include <string.h>

#include "format.h"
#include "helpers.h"
#include "suites.h"

#define PID_MAX 4194304

static int parse(const char *s, struct svcctl_pidinfo *out)
{
	return svcctl__parse(s, strlen(s), PID_MAX, out);
}

static void test_foreign_files(void)
{
	static const char *const ok[] = {"1234",     "1234\n",   "  1234  \n",  "\n\n1234\n\n",
					 "1234\r\n", "\t1234\t", "1234\n\n  \n"};
	struct svcctl_pidinfo info;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CU_ASSERT_EQUAL(parse(ok[i], &info), 0);
		CU_ASSERT_EQUAL(info.pid, 1234);
		CU_ASSERT_EQUAL(info.host[0], '\0');
		CU_ASSERT_EQUAL(info.start, 0);
	}
}

static void test_full_record(void)
{
	struct svcctl_pidinfo info;

	CU_ASSERT_EQUAL(parse("42\nhost=web-1\nstart=987654321\nboot=5c3e\nmsg=hi there\n"
			      "future=ignored\n",
			      &info),
			0);
	CU_ASSERT_EQUAL(info.pid, 42);
	CU_ASSERT_STRING_EQUAL(info.host, "web-1");
	CU_ASSERT_EQUAL(info.start, 987654321ULL);
	CU_ASSERT_STRING_EQUAL(info.boot, "5c3e");
	CU_ASSERT_STRING_EQUAL(info.msg, "hi there");
}

static void test_invalid(void)
{
	struct svcctl_pidinfo info;

	for (size_t i = 0; th_bad_contents[i]; i++)
		CU_ASSERT_EQUAL(parse(th_bad_contents[i], &info), SVCCTL_E_INVALID);
	CU_ASSERT_EQUAL(svcctl__parse("12\0", 3, PID_MAX, &info), SVCCTL_E_INVALID);
	CU_ASSERT_EQUAL(svcctl__parse("1\0002", 3, PID_MAX, &info), SVCCTL_E_INVALID);
}

static void test_too_long(void)
{
	char big[SVCCTL_PIDFILE_MAX + 2];
	struct svcctl_pidinfo info;

	memset(big, '1', sizeof(big));
	CU_ASSERT_EQUAL(svcctl__parse(big, sizeof(big), PID_MAX, &info), SVCCTL_E_INVALID);
	/* a host longer than the field is refused, not truncated */
	memcpy(big, "12\nhost=", 8);
	memset(big + 8, 'h', 300);
	CU_ASSERT_EQUAL(svcctl__parse(big, 308, PID_MAX, &info), SVCCTL_E_INVALID);
}

static void test_round_trip(void)
{
	struct svcctl_pidinfo in, out;
	char buf[SVCCTL_PIDFILE_MAX];
	int n;

	memset(&in, 0, sizeof(in));
	in.pid = 31337;
	in.start = 123;
	strcpy(in.host, "h");
	strcpy(in.boot, "b");
	strcpy(in.msg, "m = x");
	n = svcctl__format(&in, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "31337\n", 6), 0);
	CU_ASSERT_EQUAL(svcctl__parse(buf, (size_t)n, PID_MAX, &out), 0);
	CU_ASSERT_EQUAL(out.pid, 31337);
	CU_ASSERT_EQUAL(out.start, 123);
	CU_ASSERT_STRING_EQUAL(out.msg, "m = x");
	strcpy(in.msg, "two\nlines");
	CU_ASSERT_EQUAL(svcctl__format(&in, buf, sizeof(buf)), -EINVAL);
	in.msg[0] = '\0';
	CU_ASSERT_EQUAL(svcctl__format(&in, buf, 8), -ENAMETOOLONG);
}

static void test_strerror(void)
{
	CU_ASSERT_STRING_EQUAL(svcctl_strerror(SVCCTL_E_BUSY), "held by a live process");
	CU_ASSERT_PTR_NOT_NULL(strstr(svcctl_strerror(SVCCTL_E_INVALID), "invalid"));
	CU_ASSERT_STRING_EQUAL(svcctl_strerror(-ENOENT), strerror(ENOENT));
	CU_ASSERT_STRING_EQUAL(svcctl_strerror(-99999), "unknown error");
	CU_ASSERT_STRING_EQUAL(svcctl_state_name(SVCCTL_DEAD_LOCKED), "dead-locked");
	CU_ASSERT_STRING_EQUAL(svcctl_reason_name(SVCCTL_REASON_REUSED), "pid reused");
}

CU_pSuite test_format_suite(void)
{
	static const struct th_case cases[] = {
	    {"foreign pid-only files are read", test_foreign_files},
	    {"full record with unknown keys", test_full_record},
	    {"invalid content is refused", test_invalid},
	    {"oversize content and fields", test_too_long},
	    {"format then parse", test_round_trip},
	    {"error and state names", test_strerror},
	    {NULL, NULL}};

	return th_add_suite("format", cases);
}
