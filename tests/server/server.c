/*
 * svcctl-example-server: a small server for tests, the demo and the
 * benchmarks.  It can write its own pidfile, daemonize, ignore SIGTERM,
 * delay its exit, count SIGHUPs into a file, signal readiness over
 * $NOTIFY_SOCKET or a pipe (with ERRNO=, EXTEND_TIMEOUT_USEC= and MAINPID=
 * as asked), hand the main role to a child, exit at once with a code, and
 * say RELOADING=1 then READY=1 around each SIGHUP (--notify-reload).
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include "svcctl/pidfile.h"

/* What the command line asked for. */
struct conf {
	const char *pidfile, *hup_file, *message, *status;
	int daemonize, ignore_term, no_ready, ready_fd, exit_now, exit_code;
	int64_t exit_delay_ms, ready_delay_ms;
	int64_t err, fail_err, extend_us, mainpid; /* sd_notify extras, 0 = none */
	int main_child, notify_reload;
};

/* Long options without a short form. */
enum { O_ERRNO = 256, O_FAIL_ERRNO, O_EXTEND, O_MAINPID, O_MAIN_CHILD, O_NOTIFY_RELOAD };

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
			"       [-m TEXT] [--errno N] [--fail-errno N] [--extend USEC]\n"
			"       [--mainpid PID] [--main-child] [--notify-reload]\n");
	exit(2);
}

/* Apply one of the sd_notify extras (long options only); 0 when invalid. */
static int notify_opt(struct conf *cf, int o, const char *arg)
{
	switch (o) {
	case O_ERRNO:
		return svcctl_parse_int(arg, 1, 4095, &cf->err) == 0;
	case O_FAIL_ERRNO:
		return svcctl_parse_int(arg, 1, 4095, &cf->fail_err) == 0;
	case O_EXTEND:
		return svcctl_parse_int(arg, 1, INT64_MAX, &cf->extend_us) == 0;
	case O_MAINPID:
		return svcctl_parse_int(arg, 1, INT32_MAX, &cf->mainpid) == 0;
	case O_MAIN_CHILD:
		cf->main_child = 1;
		return 1;
	case O_NOTIFY_RELOAD:
		cf->notify_reload = 1;
		return 1;
	default:
		return 0;
	}
}

/* Parse the command line into *cf; exits 2 on bad arguments. */
static void parse_args(int argc, char **argv, struct conf *cf)
{
	static const struct option lo[] = {{"pidfile", 1, NULL, 'p'},
					   {"daemonize", 0, NULL, 'D'},
					   {"ignore-term", 0, NULL, 'T'},
					   {"exit-delay", 1, NULL, 'x'},
					   {"hup-file", 1, NULL, 'H'},
					   {"ready-delay", 1, NULL, 'r'},
					   {"ready-fd", 1, NULL, 'f'},
					   {"no-ready", 0, NULL, 'N'},
					   {"status", 1, NULL, 's'},
					   {"exit", 1, NULL, 'e'},
					   {"message", 1, NULL, 'm'},
					   {"errno", 1, NULL, O_ERRNO},
					   {"fail-errno", 1, NULL, O_FAIL_ERRNO},
					   {"extend", 1, NULL, O_EXTEND},
					   {"mainpid", 1, NULL, O_MAINPID},
					   {"main-child", 0, NULL, O_MAIN_CHILD},
					   {"notify-reload", 0, NULL, O_NOTIFY_RELOAD},
					   {NULL, 0, NULL, 0}};
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
			ok = notify_opt(cf, o, optarg);
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

/* Ask for more time first (--extend), or report failure and die (--fail-errno). */
static void before_ready(const struct conf *cf)
{
	char msg[512];

	if (cf->extend_us) {
		snprintf(msg, sizeof(msg), "EXTEND_TIMEOUT_USEC=%lld", (long long)cf->extend_us);
		notify(msg);
	}
	sleep_ms(cf->ready_delay_ms);
	if (cf->fail_err == 0)
		return;
	snprintf(msg, sizeof(msg), "ERRNO=%lld\n%s%s", (long long)cf->fail_err,
		 cf->status ? "STATUS=" : "", cf->status ? cf->status : "");
	notify(msg);
	exit(1);
}

/* Signal readiness the ways the environment and options ask for. */
static void ready(const struct conf *cf)
{
	char msg[512], err[32] = "";

	before_ready(cf);
	if (cf->err)
		snprintf(err, sizeof(err), "ERRNO=%lld\n", (long long)cf->err);
	/* --no-ready --errno N: the errno alone, and no readiness */
	if (cf->no_ready && cf->err)
		notify(err);
	if (cf->no_ready)
		return;
	snprintf(msg, sizeof(msg), "READY=1\nMAINPID=%lld\n%s%s%s",
		 cf->mainpid ? (long long)cf->mainpid : (long long)getpid(), err,
		 cf->status ? "STATUS=" : "", cf->status ? cf->status : "");
	notify(msg);
	if (cf->ready_fd >= 0) {
		if (write(cf->ready_fd, "\n", 1) < 0)
			fprintf(stderr, "svcctl-example-server: ready fd: %s\n", strerror(errno));
		close(cf->ready_fd);
	}
}

/* --main-child: fork; the parent waits and exits as the child, which serves. */
static void hand_to_child(void)
{
	pid_t pid = fork();
	int status = 0;

	if (pid < 0)
		exit(1);
	if (pid == 0)
		return;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
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
	if (cf.main_child)
		hand_to_child();
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
		while (hups < got_hup) {
			/* as systemd's Type=notify-reload expects */
			if (cf.notify_reload)
				notify("RELOADING=1");
			count_hup(&cf, ++hups);
			if (cf.notify_reload)
				notify("READY=1");
		}
	}
	sleep_ms(cf.exit_delay_ms);
	svcctl_lock_release(lk);
	return 0;
}
