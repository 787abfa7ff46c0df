/*
 * libFuzzer target for the command-line parsers of svcctl/parse.h.  The
 * first byte picks the parser, the rest (up to a NUL) is its argument;
 * each result is checked against the contract the verbs rely on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* Longest a year may be, in milliseconds, as parse.c counts it. */
#define FUZZ_YEAR_MS (366LL * 24 * 3600 * 1000)

/* Abort (a finding) when cond is false. */
static void need(int cond)
{
	if (!cond)
		abort();
}

/* A signal must be 1..64, and a known name must parse back to it. */
static void check_signal(const char *s)
{
	const char *name;
	int sig, back;

	if (svcctl_parse_signal(s, &sig) != 0)
		return;
	need(sig >= 1 && sig <= 64);
	name = svcctl_signal_name(sig);
	if (name)
		need(svcctl_parse_signal(name, &back) == 0 && back == sig);
}

/* A schedule: bounded, at least one signal, valid steps, one forever. */
static void check_schedule(const char *s, int sig)
{
	struct svcctl_schedule sc;
	int signals = 0, forever = 0;

	if (svcctl_parse_schedule(s, sig, &sc) != 0)
		return;
	need(sc.len >= 1 && sc.len <= SVCCTL_SCHED_MAX);
	for (size_t i = 0; i < sc.len; i++) {
		const struct svcctl_sched_item *it = &sc.item[i];

		signals += it->kind == SVCCTL_SCHED_SIGNAL;
		forever += it->kind == SVCCTL_SCHED_FOREVER;
		if (it->kind == SVCCTL_SCHED_SIGNAL)
			need(it->value >= 1 && it->value <= 64);
		else if (it->kind == SVCCTL_SCHED_WAIT)
			need(it->value >= 0 && it->value <= FUZZ_YEAR_MS);
		else
			need(it->kind == SVCCTL_SCHED_FOREVER);
	}
	need(forever <= 1);
	need(signals > 0);
}

/* The small parsers: each result must be in its documented range. */
static void check_small(unsigned pick, const char *s)
{
	char user[32], group[32];
	unsigned mask;
	int64_t v;
	int fd;

	if (pick == 0 && svcctl_parse_int(s, -1000, 1000, &v) == 0)
		need(v >= -1000 && v <= 1000);
	if (pick == 1) /* the extremes: UBSan watches for overflow */
		svcctl_parse_int(s, INT64_MIN, INT64_MAX, &v);
	if (pick == 2 && svcctl_parse_umask(s, &mask) == 0)
		need(mask <= 0777);
	if (pick == 3 && svcctl_parse_user(s, user, sizeof(user), group, sizeof(group)) == 0)
		need(user[0] && strchr(user, ':') == NULL && strchr(group, ':') == NULL);
	if (pick == 4 && svcctl_parse_env(s) == 0)
		need(strchr(s, '=') > s);
	if (pick == 5 && svcctl_parse_notify(s, &fd) == 0)
		need(fd == -1 || (fd >= 3 && fd <= 1023));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t ms;
	char *s;

	if (size < 2)
		return 0;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 4) {
	case 0:
		if (svcctl_parse_duration(s, &ms) == 0)
			need(ms >= 0 && ms <= FUZZ_YEAR_MS);
		break;
	case 1:
		check_signal(s);
		break;
	case 2:
		check_schedule(s, 1 + (data[0] >> 2) % 64);
		break;
	default:
		check_small((data[0] >> 2) % 6, s);
	}
	free(s);
	return 0;
}
