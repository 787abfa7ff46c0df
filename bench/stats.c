/*
 * Summaries of benchmark samples: quantiles by nearest rank on a sorted
 * copy, and the median of per-round ratios, which cancels slow drifts of
 * the machine that hit both sides of a round alike.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

void series_add(struct series *s, double us)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (s->v == NULL) {
			perror("bench: realloc");
			exit(1);
		}
	}
	s->v[s->n++] = us;
}

void series_free(struct series *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile of n values, sorting them in place. */
static double quantile(double *v, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	i = (size_t)(q * (double)n + 0.999999);
	return v[i == 0 ? 0 : (i > n ? n - 1 : i - 1)];
}

double series_quantile(const struct series *s, double q)
{
	double *copy = malloc((s->n ? s->n : 1) * sizeof(*copy));
	double r;

	if (copy == NULL)
		return 0;
	memcpy(copy, s->v, s->n * sizeof(*copy));
	r = quantile(copy, s->n, q);
	free(copy);
	return r;
}

/* Format a duration in microseconds with a unit that keeps it short. */
static const char *fmt_us(double us, char *buf, size_t size)
{
	if (us >= 1e6)
		snprintf(buf, size, "%.3f s", us / 1e6);
	else if (us >= 1e4)
		snprintf(buf, size, "%.2f ms", us / 1e3);
	else
		snprintf(buf, size, "%.1f us", us);
	return buf;
}

void report_title(const char *title, size_t rounds, size_t warmup)
{
	printf("\n== %s (%zu rounds, %zu warm-up)\n", title, rounds, warmup);
	printf("  %-34s %11s %11s %11s %11s %9s\n", "side", "median", "p99", "min", "max",
	       "peak RSS");
	fflush(stdout);
}

void report_series(const struct series *s)
{
	char a[32], b[32], c[32], d[32], rss[32] = "-";

	if (s->rss_kb > 0)
		snprintf(rss, sizeof(rss), "%ld KiB", s->rss_kb);
	printf("  %-34s %11s %11s %11s %11s %9s\n", s->name,
	       fmt_us(series_quantile(s, 0.5), a, sizeof(a)),
	       fmt_us(series_quantile(s, 0.99), b, sizeof(b)),
	       fmt_us(series_quantile(s, 0), c, sizeof(c)),
	       fmt_us(series_quantile(s, 1), d, sizeof(d)), rss);
	fflush(stdout);
}

double report_ratio(const struct series *a, const struct series *b)
{
	size_t n = a->n < b->n ? a->n : b->n, k = 0;
	double *r = malloc((n ? n : 1) * sizeof(*r)), med;

	if (r == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (b->v[i] > 0)
			r[k++] = a->v[i] / b->v[i];
	med = quantile(r, k, 0.5);
	free(r);
	printf("  ratio %s / %s: %.3gx (median of %zu per-round ratios)\n", a->name, b->name, med,
	       k);
	fflush(stdout);
	return med;
}

int report_target(const char *what, double value, double limit, const char *unit)
{
	int met = value <= limit;

	printf("  target %s <= %g%s: %s (%.3g%s)\n", what, limit, unit, met ? "met" : "MISSED",
	       value, unit);
	fflush(stdout);
	return met;
}

int runopts_parse(struct runopts *o, int argc, char **argv)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->rounds = 100;
	o->warmup = 10;
	o->title = "benchmark";
	optind = 1;
	while ((c = getopt(argc, argv, "+n:w:T:r:R:N:")) != -1) {
		struct target *t = &o->target[o->ntargets];

		switch (c) {
		case 'n':
			o->rounds = strtoul(optarg, NULL, 10);
			break;
		case 'w':
			o->warmup = strtoul(optarg, NULL, 10);
			break;
		case 'T':
			o->title = optarg;
			break;
		case 'r':
			if (o->ntargets == TARGETS_MAX ||
			    sscanf(optarg, "%d:%lf", &t->k, &t->limit) != 2)
				return -1;
			o->ntargets++;
			break;
		case 'R':
			if (sscanf(optarg, "%lf:%lf", &o->range_lo, &o->range_hi) != 2)
				return -1;
			break;
		case 'N':
			o->per = atol(optarg);
			break;
		default:
			return -1;
		}
	}
	return optind;
}

/* Check that every sample of s lies in lo..hi microseconds. */
static void report_range(const struct series *s, double lo, double hi)
{
	double min = series_quantile(s, 0), max = series_quantile(s, 1);
	int ok = min >= lo && max <= hi;

	printf("  target every %s within %.0f..%.0f us: %s (%.0f..%.0f us)\n", s->name, lo, hi,
	       ok ? "met" : "MISSED", min, max);
}

/*
 * Append every sample to $BENCH_SAMPLES, one "title<TAB>side<TAB>us" line
 * each, for the chart bench/run.sh draws; nothing when it is unset.
 */
static void dump_samples(const char *title, struct series *const *s, int n)
{
	const char *path = getenv("BENCH_SAMPLES");
	FILE *f;

	if (path == NULL || path[0] == '\0' || (f = fopen(path, "ae")) == NULL)
		return;
	for (int i = 0; i < n; i++)
		for (size_t k = 0; k < s[i]->n; k++)
			fprintf(f, "%s\t%s\t%.3f\n", title, s[i]->name, s[i]->v[k]);
	fclose(f);
}

void report_sides(const struct runopts *o, struct series *const *s, int n)
{
	dump_samples(o->title, s, n);
	report_title(o->title, o->rounds, o->warmup);
	for (int i = 0; i < n; i++)
		report_series(s[i]);
	for (int i = 0; o->per > 0 && i < n; i++)
		printf("  %s: %.3f us per item (median / %ld)\n", s[i]->name,
		       series_quantile(s[i], 0.5) / (double)o->per, o->per);
	for (int i = 1; i < n; i++) {
		double r = report_ratio(s[0], s[i]);

		for (int t = 0; t < o->ntargets; t++)
			if (o->target[t].k == i)
				report_target("of the ratio above", r, o->target[t].limit, "x");
	}
	if (o->range_hi > 0)
		report_range(s[0], o->range_lo, o->range_hi);
	fflush(stdout);
}
