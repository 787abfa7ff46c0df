/* Shared test helpers: temp dirs, files, fd counts, child processes. */
#define _GNU_SOURCE
#include "helpers.h"
#include "suites.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

const char *const th_bad_contents[] = {"",
				       " \n\t ",
				       "0",
				       "1\n",
				       "-1",
				       "-0",
				       "+5",
				       "0x10",
				       "1e3",
				       "12 34",
				       "4194305",
				       "2147483648",
				       "9223372036854775808",
				       "12345678901234567890",
				       "abc",
				       "\177ELF\001\002",
				       "12\nnot a pair\n",
				       "12\nstart=x\n",
				       "12\nstart=-1\n",
				       "99999999999999999999999",
				       NULL};

void th_dir_new(struct th_dir *d)
{
	const char *base = getenv("TMPDIR");

	snprintf(d->path, sizeof(d->path), "%s/svcctl-test.XXXXXX", base ? base : "/tmp");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(d->path));
	d->fds_before = th_count_fds();
}

void th_dir_done(struct th_dir *d)
{
	pid_t pid;

	CU_ASSERT_EQUAL(th_count_fds(), d->fds_before);
	pid = fork();
	if (pid == 0) {
		execlp("rm", "rm", "-rf", d->path, (char *)NULL);
		_exit(127);
	}
	CU_ASSERT_EQUAL(th_wait(pid), 0);
}

char *th_path(const struct th_dir *d, const char *name, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/%s", d->path, name);
	return buf;
}

/* Count entries of a directory that pass keep(). */
static int count_if(const char *dir, int (*keep)(const char *))
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (dp == NULL)
		return -1;
	while ((e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && keep(e->d_name))
			n++;
	closedir(dp);
	return n;
}

static int any(const char *name)
{
	(void)name;
	return 1;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int stray(const char *name)
{
	return !ends_with(name, ".pid") && !ends_with(name, ".lock");
}

int th_count_fds(void)
{
	/* opendir's own descriptor is among the entries */
	return count_if("/proc/self/fd", any) - 1;
}

int th_count_entries(const char *dir)
{
	return count_if(dir, any);
}

int th_count_stray(const char *dir)
{
	return count_if(dir, stray);
}

void th_write(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, data, len), (ssize_t)len);
	close(fd);
}

int th_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

pid_t th_spawn_holder(const char *path)
{
	int p[2];
	char ok = 0;
	pid_t pid;

	CU_ASSERT_FATAL(pipe2(p, O_CLOEXEC) == 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		struct svcctl_lock *lk;

		close(p[0]);
		if (svcctl_pidfile_write_locked(path, NULL, &lk, NULL) < 0)
			_exit(1);
		if (write(p[1], "1", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &ok, 1) != 1) {
		close(p[0]);
		th_wait(pid);
		return -1;
	}
	close(p[0]);
	return pid;
}

pid_t th_spawn_sleeper(void)
{
	pid_t pid = fork();

	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* True when /proc/locks shows pid waiting for a lock ("-> FLOCK ... pid"). */
static int in_lock_wait(pid_t pid)
{
	FILE *f = fopen("/proc/locks", "re");
	char line[256];
	long who;
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f)) {
		char *arrow = strstr(line, "->");

		found = arrow && sscanf(arrow, "-> %*s %*s %*s %ld", &who) == 1 && who == pid;
	}
	if (f)
		fclose(f);
	return found;
}

/* True when one of pid's descriptors is an inotify instance. */
static int has_inotify(pid_t pid)
{
	char dir[64], path[PATH_MAX], target[64];
	struct dirent *e;
	int found = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	while (d && !found && (e = readdir(d)) != NULL) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		found = n > 0 && (target[n] = '\0', strcmp(target, "anon_inode:inotify") == 0);
	}
	if (d)
		closedir(d);
	return found;
}

int th_wait_blocked(pid_t pid)
{
	for (int i = 0; i < 10000; i++) {
		if (in_lock_wait(pid) || has_inotify(pid))
			return 0;
		usleep(1000);
	}
	return -1;
}

long long th_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int th_wait(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void th_kill(pid_t pid)
{
	kill(pid, SIGKILL);
	th_wait(pid);
}

CU_pSuite th_add_suite_with(const char *name, CU_InitializeFunc init, CU_CleanupFunc done,
			    const struct th_case *cases)
{
	CU_pSuite s = CU_add_suite(name, init, done);

	for (; s && cases->name; cases++)
		if (CU_add_test(s, cases->name, cases->fn) == NULL)
			return NULL;
	return s;
}

CU_pSuite th_add_suite(const char *name, const struct th_case *cases)
{
	return th_add_suite_with(name, NULL, NULL, cases);
}

/* Register the suites asked for: all, or only; 0, or the exit code. */
static int add_suites(const struct th_suite *suites, size_t n, const char *only)
{
	int found = 0;

	for (size_t i = 0; i < n; i++) {
		if (only && strcmp(only, suites[i].name) != 0)
			continue;
		found = 1;
		if (suites[i].add() == NULL)
			return 1;
	}
	if (!found)
		fprintf(stderr, "no suite named %s\n", only);
	return found ? 0 : 2;
}

int th_run_suites(const struct th_suite *suites, size_t n, int argc, char **argv)
{
	const char *only = argc == 3 && strcmp(argv[1], "-s") == 0 ? argv[2] : NULL;
	unsigned failures;
	int rc;

	if (argc != 1 && only == NULL) {
		fprintf(stderr, "usage: %s [-s SUITE]\n", argv[0]);
		return 2;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	rc = add_suites(suites, n, only);
	if (rc != 0) {
		CU_cleanup_registry();
		return rc;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failure_records();
	failures += CU_get_error() != CUE_SUCCESS;
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
