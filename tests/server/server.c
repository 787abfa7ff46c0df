/*
 * svcctl-example-server: a small server for tests, the demo and the
 * benchmarks.  It can write its own pidfile, daemonize, ignore SIGTERM,
 * delay its exit, count SIGHUPs into a file, signal readiness over
 * $NOTIFY_SOCKET or a pipe, and exit at once with a given code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include "svcctl/pidfile.h"

/* What the command line asked for. */
struct conf {
	const char *pidfile, *hup_file, *message, *status;
	int daemonize, ignore_term, no_ready, ready_fd, exit_now, exit_code;
	int64_t exit_delay_ms, ready_delay_ms;
};

static volatile sig_atomic_t got_term, got_hup;

/* Note TERM (or INT); the main loop exits. */
static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

/* Count a SIGHUP; the main loop writes the count. */
static void on_hup(int sig)
{
	(void)sig;
	got_hup++;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: svcctl-example-server [-p PIDFILE] [-D] [-T] [-x DELAY] [-H FILE]\n"
			"       [-r DELAY] [--ready-fd N] [--no-ready] [--status TEXT] [-e CODE]\n"
			"       [-m TEXT]\n");
	exit(2);
}

/* Parse the command line into *cf; exits 2 on bad arguments. */
static void parse_args(int argc, char **argv, struct conf *cf)
{
	static const struct option lo[] = {
	    {"pidfile", 1, NULL, 'p'},     {"daemonize", 0, NULL, 'D'},
	    {"ignore-term", 0, NULL, 'T'}, {"exit-delay", 1, NULL, 'x'},
	    {"hup-file", 1, NULL, 'H'},    {"ready-delay", 1, NULL, 'r'},
	    {"ready-fd", 1, NULL, 'f'},    {"no-ready", 0, NULL, 'N'},
	    {"status", 1, NULL, 's'},      {"exit", 1, NULL, 'e'},
	    {"message", 1, NULL, 'm'},     {NULL, 0, NULL, 0}};
	int64_t v;
	int o;

	memset(cf, 0, sizeof(*cf));
	cf->ready_fd = -1;
	while ((o = getopt_long(argc, argv, "p:DTx:H:r:e:m:", lo, NULL)) != -1) {
		int ok = 1;

		switch (o) {
		case 'p':
			cf->pidfile = optarg;
			break;
		case 'D':
			cf->daemonize = 1;
			break;
		case 'T':
			cf->ignore_term = 1;
			break;
		case 'x':
			ok = svcctl_parse_duration(optarg, &cf->exit_delay_ms) == 0;
			break;
		case 'H':
			cf->hup_file = optarg;
			break;
		case 'r':
			ok = svcctl_parse_duration(optarg, &cf->ready_delay_ms) == 0;
			break;
		case 'f':
			ok = svcctl_parse_int(optarg, 0, 1023, &v) == 0;
			cf->ready_fd = (int)v;
			break;
		case 'N':
			cf->no_ready = 1;
			break;
		case 's':
			cf->status = optarg;
			break;
		case 'e':
			ok = svcctl_parse_int(optarg, 0, 255, &v) == 0;
			cf->exit_now = 1;
			cf->exit_code = (int)v;
			break;
		case 'm':
			cf->message = optarg;
			break;
		default:
			ok = 0;
		}
		if (!ok)
			usage();
	}
	if (optind != argc)
		usage();
}

/* Send one sd_notify datagram to $NOTIFY_SOCKET ('@' means abstract). */
static void notify(const char *text)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len;
	int fd;

	if (path == NULL || *path == '\0' || strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, text, strlen(text), 0, (struct sockaddr *)&sa, len) < 0)
		fprintf(stderr, "svcctl-example-server: notify: %s\n", strerror(errno));
	close(fd);
}

/* Detach by double fork: the first process exits 0, the grandchild serves. */
static void daemonize(void)
{
	pid_t pid = fork();

	if (pid < 0)
		exit(1);
	if (pid > 0)
		_exit(0);
	setsid();
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
}

/* Signal readiness the ways the environment and options ask for. */
static void ready(const struct conf *cf)
{
	char msg[512];

	if (cf->no_ready)
		return;
	sleep_ms(cf->ready_delay_ms);
	snprintf(msg, sizeof(msg), "READY=1\nMAINPID=%d\n%s%s", (int)getpid(),
		 cf->status ? "STATUS=" : "", cf->status ? cf->status : "");
	notify(msg);
	if (cf->ready_fd >= 0) {
		if (write(cf->ready_fd, "\n", 1) < 0)
			fprintf(stderr, "svcctl-example-server: ready fd: %s\n", strerror(errno));
		close(cf->ready_fd);
	}
}

/* Write the number of SIGHUPs received so far into the counter file. */
static void count_hup(const struct conf *cf, int n)
{
	FILE *f;

	if (cf->hup_file == NULL || (f = fopen(cf->hup_file, "we")) == NULL)
		return;
	fprintf(f, "%d\n", n);
	fclose(f);
}

/* Install the handlers; SIGTERM ignored on request. */
static void setup_signals(const struct conf *cf, sigset_t *old)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = cf->ignore_term ? SIG_IGN : on_term;
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, old);
}

/* Exit at once, or serve: pidfile, readiness, then wait for signals. */
int main(int argc, char **argv)
{
	struct svcctl_lock *lk = NULL;
	struct svcctl_pidinfo holder;
	struct conf cf;
	sigset_t old;
	int rc, hups = 0;

	parse_args(argc, argv, &cf);
	if (cf.exit_now)
		return cf.exit_code;
	if (cf.message) {
		printf("%s\n", cf.message);
		fflush(stdout);
	}
	if (cf.daemonize)
		daemonize();
	setup_signals(&cf, &old);
	if (cf.pidfile) {
		memset(&holder, 0, sizeof(holder));
		rc = svcctl_pidfile_write_locked(cf.pidfile, NULL, &lk, &holder);
		if (rc < 0) {
			fprintf(stderr, "svcctl-example-server: %s: %s (pid %lld)\n", cf.pidfile,
				svcctl_strerror(rc), (long long)holder.pid);
			return 1;
		}
	}
	count_hup(&cf, 0);
	ready(&cf);
	while (!got_term) {
		sigsuspend(&old);
		while (hups < got_hup)
			count_hup(&cf, ++hups);
	}
	sleep_ms(cf.exit_delay_ms);
	svcctl_lock_release(lk);
	return 0;
}
