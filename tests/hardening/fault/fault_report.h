/* Judging one fault run and printing the call x errno matrix. */
#ifndef SVCCTL_FAULT_REPORT_H
#define SVCCTL_FAULT_REPORT_H

#include "fault.h"

/* Columns of the matrix: the errnos injected (a last column is SIGKILL). */
#define FAULT_ERRNO_MAX 10

/* The verdict of one run. */
struct fault_outcome {
	int skipped;        /* errno does not apply to this call */
	int killed;         /* stopped at the call and SIGKILLed */
	int not_reached;    /* the call did not happen in this run */
	int tmp_left;       /* a SIGKILL left the named temporary file */
	char cell[16];      /* what the library answered, e.g. "w:ENOSPC" */
	char problems[512]; /* empty when every check held */
};

/* The counters of one matrix. */
struct fault_matrix {
	const char *title;
	int runs, injected, kills, tmp_left, passed, failed;
};

/* The errno of column i. */
int fault_errno_at(int i);

/* Does errno err apply to the function call? */
int fault_applies(const char *call, int err);

/* Append a problem to out (printf-style). */
void fault_problem(struct fault_outcome *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Judge a run in dir: rc of the child (0 ran, 1 killed, -1 crashed), the
 * fault of the run, the child's report, the files left, and whether the
 * next writer succeeds there.
 */
void fault_judge(const char *dir, int rc, const struct fault_run *fr,
		 const struct fault_result *res, struct fault_outcome *out);

void fault_matrix_start(struct fault_matrix *m, const char *title);

/* Print one row: call#nth, FAULT_ERRNO_MAX errno cells and the kill cell. */
void fault_matrix_row(struct fault_matrix *m, const char *call, int nth,
		      const struct fault_outcome *row);

/* Print the totals and the closing line; returns the number failed. */
int fault_matrix_end(struct fault_matrix *m);

#endif /* SVCCTL_FAULT_REPORT_H */
