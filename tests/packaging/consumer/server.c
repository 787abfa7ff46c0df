/* A tiny server built against the installed libsvcctl by the consumer test. */
#include <signal.h>
#include <stdio.h>

#include <svcctl/pidfile.h>

static volatile sig_atomic_t stop;

/* Note SIGTERM; the main loop releases the pidfile and exits. */
static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Publish our pidfile with its lock held, wait for SIGTERM, release it. */
int main(int argc, char **argv)
{
	struct svcctl_lock *lock = NULL;
	struct svcctl_pidinfo holder;
	sigset_t term, old;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PIDFILE\n", argv[0]);
		return 2;
	}
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);
	signal(SIGTERM, on_term);
	rc = svcctl_pidfile_write_locked(argv[1], NULL, &lock, &holder);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], svcctl_strerror(rc));
		return 1;
	}
	while (!stop)
		sigsuspend(&old);
	rc = svcctl_lock_release(lock);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], svcctl_strerror(rc));
		return 1;
	}
	return 0;
}
