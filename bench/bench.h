/*
 * The in-process benchmarks of bench-lib, each a mode of its command
 * line: argv[0] is the mode, then the run options of stats.h, then its
 * own arguments.  Each returns the exit code: 0, or 1 when broken.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include "stats.h"

/* Pidfile create+remove cycles: libsvcctl vs libbsd vs bare syscalls. */
int bench_cycle(const struct runopts *o, int argc, char **argv);

/* Lock handoff between processes inside the library, vs flock(2). */
int bench_handoff(const struct runopts *o, int argc, char **argv);

/* Lock handoff to a waiting command: svcctl run -w, flock(1), dotlockfile... */
int bench_handoff_cli(const struct runopts *o, int argc, char **argv);

/* 8 processes contending for one pidfile: libsvcctl vs libbsd. */
int bench_contend(const struct runopts *o, int argc, char **argv);

/* Create N pidfiles in a directory, naming a live or a dead process. */
int bench_mkfiles(int argc, char **argv);

/* Print a message naming the benchmark and the reason; returns 1. */
int bench_fail(const char *what, const char *why);

#endif
