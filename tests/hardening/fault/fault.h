/* Shared between the fault driver's parent side and its child side. */
#ifndef SVCCTL_FAULT_H
#define SVCCTL_FAULT_H

/* Name of the pidfile inside each run's fresh directory. */
#define FAULT_PIDFILE "x.pid"

/* Most distinct functions the shim intercepts. */
#define FAULT_CALLS_MAX 32

/* What one child run reported on its stdout. */
struct fault_result {
	int write_rc, touch_rc, release_rc; /* 1 when not called */
	int fds_before, fds_after;          /* open descriptors around the run */
	int fired;                          /* the fault was injected */
	int content_ok;                     /* the published pidfile named the child */
	long pid;                           /* the child's pid */
	int ncalls;                         /* entries of name/count below */
	char name[FAULT_CALLS_MAX][16];
	int count[FAULT_CALLS_MAX];
};

/* How a run is set up: which call fails how, and the publish path. */
struct fault_run {
	const char *shim;
	const char *call;
	int nth, err, stop, no_tmpfile;
};

/* The child side: run write_locked, touch, release under the shim. */
int fault_child_main(const char *dir);

#endif /* SVCCTL_FAULT_H */
