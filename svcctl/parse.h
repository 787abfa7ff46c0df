/*
 * Pure parsers of the svcctl command line and of sd_notify messages:
 * bytes in, values out, no I/O, so tests and fuzzers call them directly.
 * Every function returns 0 on success and -EINVAL (or -ERANGE) otherwise.
 */
#ifndef SVCCTL_PARSE_H
#define SVCCTL_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Most items a stop schedule may hold. */
#define SVCCTL_SCHED_MAX 32

/* One step of a stop schedule. */
enum svcctl_sched_kind {
	SVCCTL_SCHED_SIGNAL = 1, /* send value (a signal number) */
	SVCCTL_SCHED_WAIT = 2,   /* wait up to value milliseconds for death */
	SVCCTL_SCHED_FOREVER = 3 /* repeat from the start, or wait forever */
};

struct svcctl_sched_item {
	enum svcctl_sched_kind kind;
	int64_t value;
};

/* A parsed stop schedule such as TERM/10/KILL/5. */
struct svcctl_schedule {
	size_t len;
	struct svcctl_sched_item item[SVCCTL_SCHED_MAX];
};

/* What one sd_notify datagram said; fields not present keep their value. */
struct svcctl_notify_msg {
	int ready;         /* READY=1 seen */
	int reloading;     /* RELOADING=1 seen */
	int64_t mainpid;   /* MAINPID=, 0 when absent */
	int err;           /* ERRNO=, 0 when absent */
	int64_t extend_us; /* EXTEND_TIMEOUT_USEC=, 0 when absent */
	char status[256];  /* STATUS=, "" when absent */
};

/*
 * A duration: "10" (seconds), "10s", "250ms", "2m", "1h".  *ms gets
 * milliseconds; at most a year.
 */
int svcctl_parse_duration(const char *s, int64_t *ms);

/* A signal: "TERM", "SIGTERM", "term" or a number 1..64. */
int svcctl_parse_signal(const char *s, int *sig);

/* The name of a signal without "SIG" ("TERM"), or NULL if unknown. */
const char *svcctl_signal_name(int sig);

/*
 * A stop schedule in start-stop-daemon's --retry grammar: items joined by
 * '/', each a signal (name, or -NUMBER), a timeout (a duration) or
 * "forever".  A bare timeout N means SIG/N/KILL/N, where sig is the
 * signal of -s.  Bare "forever" means SIG/forever.
 */
int svcctl_parse_schedule(const char *s, int sig, struct svcctl_schedule *out);

/* Build SIG/wait/KILL/kill_wait, the shape of the default schedule. */
void svcctl_schedule_default(int sig, int64_t wait_ms, int64_t kill_wait_ms,
			     struct svcctl_schedule *out);

/* A decimal integer in [min, max], digits only (a leading '-' allowed). */
int svcctl_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* An octal umask "022" / "0027"; at most 0777. */
int svcctl_parse_umask(const char *s, unsigned *mask);

/*
 * "USER[:GROUP]" into user and group buffers (group "" when absent);
 * neither part may be empty or hold ':' twice.
 */
int svcctl_parse_user(const char *s, char *user, size_t usize, char *group, size_t gsize);

/* "VAR=VALUE" with a non-empty name of [A-Za-z0-9_] not starting with a digit. */
int svcctl_parse_env(const char *s);

/*
 * The --notify argument: NULL or "" or "socket" for the sd_notify socket
 * (*fd = -1), "fd:N" for a readiness pipe on fd N (3..1023).
 */
int svcctl_parse_notify(const char *s, int *fd);

/*
 * One sd_notify datagram of len bytes: newline-separated KEY=VALUE
 * assignments.  Unknown keys are ignored; a bad value of a known key gives
 * -EINVAL.  Fields found are stored into *msg.
 */
int svcctl_parse_notify_msg(const char *buf, size_t len, struct svcctl_notify_msg *msg);

/*
 * "[HOST:]PORT" of --ready-port: PORT 1..65535; HOST (127.0.0.1 when
 * absent) a name or address, an IPv6 address in brackets ("[::1]:80").
 */
int svcctl_parse_hostport(const char *s, char *host, size_t hsize, int *port);

#endif /* SVCCTL_PARSE_H */
