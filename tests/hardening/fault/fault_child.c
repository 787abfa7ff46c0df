/*
 * The fault driver's child: runs one writer's life (write_locked, touch,
 * release) with the shim armed, and reports on stdout what each call
 * returned, the descriptors open before and after, and the shim's counts.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

#include "fault.h"
#include "svcctl/pidfile.h"

/* The shim's controls, found at run time. */
struct shim {
	void (*arm)(int on);
	int (*calls)(const char *name);
	const char *(*name)(int i);
	int (*fired)(void);
};

static int shim_find(struct shim *s)
{
	*(void **)&s->arm = dlsym(RTLD_DEFAULT, "svcctl_fault_arm");
	*(void **)&s->calls = dlsym(RTLD_DEFAULT, "svcctl_fault_calls");
	*(void **)&s->name = dlsym(RTLD_DEFAULT, "svcctl_fault_name");
	*(void **)&s->fired = dlsym(RTLD_DEFAULT, "svcctl_fault_fired");
	return s->arm && s->calls && s->name && s->fired ? 0 : -1;
}

/* Descriptors open in this process, not counting the one that lists them. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n - 3; /* ".", ".." and the directory's own descriptor */
}

/* With counting paused: does the published pidfile name us? */
static int content_ok(struct shim *s, const char *path)
{
	struct svcctl_pidinfo info;
	int ok;

	s->arm(0);
	ok = svcctl_pidfile_read(path, &info) == 0 && info.pid == getpid();
	s->arm(1);
	return ok;
}

int fault_child_main(const char *dir)
{
	struct svcctl_lock *lk = NULL;
	struct shim s;
	char path[4096];
	int w, t = 1, r = 1, ok = 0, before, after;

	if (shim_find(&s) < 0) {
		fprintf(stderr, "fault child: the shim is not loaded (LD_PRELOAD)\n");
		return 3;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, FAULT_PIDFILE);
	before = count_fds();
	s.arm(1);
	w = svcctl_pidfile_write_locked(path, NULL, &lk, NULL);
	if (w == 0) {
		ok = content_ok(&s, path);
		t = svcctl_lock_touch(lk);
		r = svcctl_lock_release(lk);
	} else if (lk != NULL) {
		ok = -1; /* a failed write handed out a lock */
	}
	s.arm(0);
	after = count_fds();
	printf("result %d %d %d %d %d %d %d %ld\n", w, t, r, before, after, s.fired(), ok,
	       (long)getpid());
	for (int i = 0; s.name(i) != NULL; i++)
		printf("count %s %d\n", s.name(i), s.calls(s.name(i)));
	return 0;
}
