/*
 * libFuzzer target for the pidfile parser: svcctl__parse() on any bytes,
 * and where it succeeds, svcctl__format() of the result parsed back again
 * must give the same record (the round trip a reader and a writer rely on).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

/* pid_max of Linux (PID_MAX_LIMIT), as the library uses it. */
#define FUZZ_PID_MAX 4194304

/* True when any text field holds a byte that format refuses. */
static int has_line_break(const struct svcctl_pidinfo *p)
{
	return strpbrk(p->host, "\r\n") || strpbrk(p->boot, "\r\n") || strpbrk(p->msg, "\r\n") ||
	       strpbrk(p->pidns, "\r\n");
}

/* Abort (a finding) unless a and b hold the same record. */
static void check_same(const struct svcctl_pidinfo *a, const struct svcctl_pidinfo *b)
{
	if (a->pid != b->pid || a->start != b->start || strcmp(a->host, b->host) != 0 ||
	    strcmp(a->boot, b->boot) != 0 || strcmp(a->msg, b->msg) != 0 ||
	    strcmp(a->pidns, b->pidns) != 0)
		abort();
}

/* Check the invariants of a record that parsed. */
static void check_record(const struct svcctl_pidinfo *p)
{
	if (p->pid < 2 || p->pid > FUZZ_PID_MAX)
		abort();
	if (memchr(p->host, '\0', sizeof(p->host)) == NULL ||
	    memchr(p->boot, '\0', sizeof(p->boot)) == NULL ||
	    memchr(p->msg, '\0', sizeof(p->msg)) == NULL ||
	    memchr(p->pidns, '\0', sizeof(p->pidns)) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svcctl_pidinfo first, again;
	char out[SVCCTL_PIDFILE_MAX];
	int len;

	if (svcctl__parse((const char *)data, size, FUZZ_PID_MAX, &first) != 0)
		return 0;
	check_record(&first);
	len = svcctl__format(&first, out, sizeof(out));
	if (len < 0) {
		/* only a CR inside a value may parse yet not format */
		if (len != -EINVAL || !has_line_break(&first))
			abort();
		return 0;
	}
	if (svcctl__parse(out, (size_t)len, FUZZ_PID_MAX, &again) != 0)
		abort();
	check_same(&first, &again);
	return 0;
}
