/*
 * Samples and their summary for the benchmarks: one series per side, one
 * sample per round, so per-round ratios pair the sides of the same round.
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The samples of one side of a benchmark, in microseconds. */
struct series {
	const char *name;
	double *v;
	size_t n, cap;
	long rss_kb; /* largest peak RSS seen, 0 when not measured */
};

#define TARGETS_MAX 8

/* A target on the median of per-round ratios side 0 / side k. */
struct target {
	int k;
	double limit;
};

/* What every benchmark is told: rounds, warm-up, title, targets. */
struct runopts {
	size_t rounds, warmup;
	const char *title;
	int ntargets;
	struct target target[TARGETS_MAX];
	double range_lo, range_hi; /* every sample of side 0 within, when hi > 0 */
	long per;                  /* items per sample: also print median / per */
};

/*
 * Parse -n ROUNDS -w WARMUP -T TITLE -r K:LIMIT -R LO_US:HI_US -N ITEMS;
 * returns the
 * index of the first other argument, or -1 on a bad option.
 */
int runopts_parse(struct runopts *o, int argc, char **argv);

/* Print all sides, the ratios of side 0 to each other, and the targets. */
void report_sides(const struct runopts *o, struct series *const *s, int n);

/* Monotonic time in microseconds. */
double now_us(void);

/* Append one sample; aborts the program when out of memory. */
void series_add(struct series *s, double us);

/* Free the samples. */
void series_free(struct series *s);

/* The q-quantile (0..1) of the samples, nearest rank; 0 when empty. */
double series_quantile(const struct series *s, double q);

/* Print the heading of a benchmark. */
void report_title(const char *title, size_t rounds, size_t warmup);

/* Print median, p99, min, max (and peak RSS when measured) of one side. */
void report_series(const struct series *s);

/* Print the median of the per-round ratios a[i] / b[i]; returns it. */
double report_ratio(const struct series *a, const struct series *b);

/* Print one line saying whether a target is met; returns 1 when met. */
int report_target(const char *what, double value, double limit, const char *unit);

#endif
