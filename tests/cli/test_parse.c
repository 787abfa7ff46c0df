/*
 * Unit tests of the pure parsers in svcctl/parse.c: durations, signals,
 * stop schedules, umasks, users, environment, --notify and sd_notify text.
 * Exits non-zero when any check fails.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond);         \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* Durations: seconds by default, ms/s/m/h suffixes, no junk, no overflow. */
static void test_durations(void)
{
	int64_t ms = -1;

	CHECK(svcctl_parse_duration("10", &ms) == 0 && ms == 10000);
	CHECK(svcctl_parse_duration("10s", &ms) == 0 && ms == 10000);
	CHECK(svcctl_parse_duration("250ms", &ms) == 0 && ms == 250);
	CHECK(svcctl_parse_duration("2m", &ms) == 0 && ms == 120000);
	CHECK(svcctl_parse_duration("0", &ms) == 0 && ms == 0);
	CHECK(svcctl_parse_duration("", &ms) < 0);
	CHECK(svcctl_parse_duration("s", &ms) < 0);
	CHECK(svcctl_parse_duration("-1", &ms) < 0);
	CHECK(svcctl_parse_duration("1.5", &ms) < 0);
	CHECK(svcctl_parse_duration("10x", &ms) < 0);
	CHECK(svcctl_parse_duration("99999999999999999999", &ms) < 0);
	CHECK(svcctl_parse_duration("9999999h", &ms) < 0);
}

/* Signals by name, with or without SIG, any case, or by number 1..64. */
static void test_signals(void)
{
	int sig = 0;

	CHECK(svcctl_parse_signal("TERM", &sig) == 0 && sig == SIGTERM);
	CHECK(svcctl_parse_signal("SIGHUP", &sig) == 0 && sig == SIGHUP);
	CHECK(svcctl_parse_signal("kill", &sig) == 0 && sig == SIGKILL);
	CHECK(svcctl_parse_signal("9", &sig) == 0 && sig == 9);
	CHECK(svcctl_parse_signal("0", &sig) < 0);
	CHECK(svcctl_parse_signal("65", &sig) < 0);
	CHECK(svcctl_parse_signal("SIG", &sig) < 0);
	CHECK(svcctl_parse_signal("NOPE", &sig) < 0);
	CHECK(svcctl_parse_signal("", &sig) < 0);
	CHECK(strcmp(svcctl_signal_name(SIGUSR1), "USR1") == 0);
	CHECK(svcctl_signal_name(0) == NULL);
}

/* Schedules in start-stop-daemon's grammar. */
static void test_schedules(void)
{
	struct svcctl_schedule s;

	CHECK(svcctl_parse_schedule("TERM/10/KILL/5", SIGTERM, &s) == 0 && s.len == 4);
	CHECK(s.item[0].kind == SVCCTL_SCHED_SIGNAL && s.item[0].value == SIGTERM);
	CHECK(s.item[1].kind == SVCCTL_SCHED_WAIT && s.item[1].value == 10000);
	CHECK(s.item[2].value == SIGKILL && s.item[3].value == 5000);
	CHECK(svcctl_parse_schedule("7", SIGINT, &s) == 0 && s.len == 4);
	CHECK(s.item[0].value == SIGINT && s.item[1].value == 7000 && s.item[3].value == 7000);
	CHECK(svcctl_parse_schedule("forever", SIGTERM, &s) == 0 && s.len == 2);
	CHECK(s.item[0].kind == SVCCTL_SCHED_SIGNAL && s.item[1].kind == SVCCTL_SCHED_FOREVER);
	CHECK(svcctl_parse_schedule("-15/250ms/-9/1", SIGTERM, &s) == 0 && s.item[2].value == 9);
	CHECK(svcctl_parse_schedule("TERM/1/forever", SIGTERM, &s) == 0 && s.len == 3);
	CHECK(svcctl_parse_schedule("", SIGTERM, &s) < 0);
	CHECK(svcctl_parse_schedule("TERM//5", SIGTERM, &s) < 0);
	CHECK(svcctl_parse_schedule("TERM/5/", SIGTERM, &s) < 0);
	CHECK(svcctl_parse_schedule("5/5", SIGTERM, &s) < 0);
	CHECK(svcctl_parse_schedule("TERM/forever/forever", SIGTERM, &s) < 0);
	CHECK(svcctl_parse_schedule("TERM/x", SIGTERM, &s) < 0);
	CHECK(svcctl_parse_schedule("1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/1/"
				    "1/1/TERM",
				    SIGTERM, &s) < 0);
}

/* Small parsers: umask, USER[:GROUP], VAR=VALUE, --notify, integers. */
static void test_small(void)
{
	char u[32], g[32];
	unsigned mask = 0;
	int64_t v;
	int fd = 0;

	CHECK(svcctl_parse_umask("027", &mask) == 0 && mask == 027);
	CHECK(svcctl_parse_umask("8", &mask) < 0 && svcctl_parse_umask("", &mask) < 0);
	CHECK(svcctl_parse_umask("07777", &mask) < 0);
	CHECK(svcctl_parse_user("nobody", u, sizeof(u), g, sizeof(g)) == 0 &&
	      !strcmp(u, "nobody") && g[0] == '\0');
	CHECK(svcctl_parse_user("a:b", u, sizeof(u), g, sizeof(g)) == 0 && !strcmp(g, "b"));
	CHECK(svcctl_parse_user(":b", u, sizeof(u), g, sizeof(g)) < 0);
	CHECK(svcctl_parse_user("a:", u, sizeof(u), g, sizeof(g)) < 0);
	CHECK(svcctl_parse_user("a:b:c", u, sizeof(u), g, sizeof(g)) < 0);
	CHECK(svcctl_parse_env("A_1=x") == 0 && svcctl_parse_env("A=") == 0);
	CHECK(svcctl_parse_env("=x") < 0 && svcctl_parse_env("1A=x") < 0);
	CHECK(svcctl_parse_env("A-B=x") < 0 && svcctl_parse_env("AB") < 0);
	CHECK(svcctl_parse_notify(NULL, &fd) == 0 && fd == -1);
	CHECK(svcctl_parse_notify("fd:3", &fd) == 0 && fd == 3);
	CHECK(svcctl_parse_notify("fd:2", &fd) < 0 && svcctl_parse_notify("fd:-3", &fd) < 0);
	CHECK(svcctl_parse_notify("fd:", &fd) < 0 && svcctl_parse_notify("pipe", &fd) < 0);
	CHECK(svcctl_parse_int("-5", -10, 10, &v) == 0 && v == -5);
	CHECK(svcctl_parse_int("11", -10, 10, &v) < 0 && svcctl_parse_int("-", 0, 1, &v) < 0);
	CHECK(svcctl_parse_int("-1", 0, 10, &v) < 0);
}

/* sd_notify datagrams: known keys parsed, bad values refused. */
static void test_notify_msg(void)
{
	struct svcctl_notify_msg m;
	const char *ok = "READY=1\nSTATUS=up\tand running\nMAINPID=42\nEXTEND_TIMEOUT_USEC=5000000"
			 "\nX_OTHER=1\n";

	memset(&m, 0, sizeof(m));
	CHECK(svcctl_parse_notify_msg(ok, strlen(ok), &m) == 0);
	CHECK(m.ready == 1 && m.mainpid == 42 && m.extend_us == 5000000);
	CHECK(strcmp(m.status, "up and running") == 0);
	memset(&m, 0, sizeof(m));
	CHECK(svcctl_parse_notify_msg("READY=0", 7, &m) == 0 && m.ready == 0);
	CHECK(svcctl_parse_notify_msg("MAINPID=1", 9, &m) < 0);
	CHECK(svcctl_parse_notify_msg("MAINPID=x", 9, &m) < 0);
	CHECK(svcctl_parse_notify_msg("ERRNO=99999", 11, &m) < 0);
	CHECK(svcctl_parse_notify_msg("garbage", 7, &m) < 0);
	CHECK(svcctl_parse_notify_msg("READY=1\0MAINPID=5", 17, &m) < 0);
	CHECK(svcctl_parse_notify_msg("", 0, &m) == 0);
	memset(&m, 0, sizeof(m));
	CHECK(svcctl_parse_notify_msg("RELOADING=1\nMONOTONIC_USEC=5", 28, &m) == 0);
	CHECK(m.reloading == 1 && m.ready == 0);
}

/* --ready-port: [HOST:]PORT, IPv6 in brackets, ports 1..65535. */
static void test_hostport(void)
{
	char host[64];
	int port = 0;

	CHECK(svcctl_parse_hostport("8080", host, sizeof(host), &port) == 0 && port == 8080 &&
	      strcmp(host, "127.0.0.1") == 0);
	CHECK(svcctl_parse_hostport("localhost:80", host, sizeof(host), &port) == 0 && port == 80 &&
	      strcmp(host, "localhost") == 0);
	CHECK(svcctl_parse_hostport("[::1]:443", host, sizeof(host), &port) == 0 && port == 443 &&
	      strcmp(host, "::1") == 0);
	CHECK(svcctl_parse_hostport("65535", host, sizeof(host), &port) == 0);
	CHECK(svcctl_parse_hostport("0", host, sizeof(host), &port) < 0);
	CHECK(svcctl_parse_hostport("65536", host, sizeof(host), &port) < 0);
	CHECK(svcctl_parse_hostport("", host, sizeof(host), &port) < 0);
	CHECK(svcctl_parse_hostport("host:", host, sizeof(host), &port) < 0);
	CHECK(svcctl_parse_hostport(":80", host, sizeof(host), &port) < 0);
	CHECK(svcctl_parse_hostport("::1:80", host, sizeof(host), &port) < 0);
	CHECK(svcctl_parse_hostport("[]:80", host, sizeof(host), &port) < 0);
	CHECK(svcctl_parse_hostport("80x", host, sizeof(host), &port) < 0);
	CHECK(svcctl_parse_hostport("-1", host, sizeof(host), &port) < 0);
}

int main(void)
{
	test_hostport();
	test_durations();
	test_signals();
	test_schedules();
	test_small();
	test_notify_msg();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	else
		printf("all parser checks passed\n");
	return failures != 0;
}
