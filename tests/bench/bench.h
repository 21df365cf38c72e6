/*
 * bench.h: shared by the benchmark programs tests/bench/bench_*.c (built by
 * `make bench` against libkesra.a, SQLite, libform). Header only.
 *
 * A benchmark program is run as  bench_NAME DB_PATH  with the environment
 * of tests/bench/run.sh (KESRA = the binary, KESRA_SCHEMA, BENCH_PERSONS,
 * BENCH_TMP = a scratch folder). It prints one line per figure with
 * bench_figure() / bench_limit(); run.sh computes the ratio and the verdict
 * and prints the table. Every kesra figure is measured beside its raw
 * baseline in the same run, the same way (same process kind, same data).
 * A benchmark never fails on a slow figure: it reports. It exits non-zero
 * only when it could not measure (then it says why on stderr).
 */
#ifndef KESRA_BENCH_H
#define KESRA_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Monotonic time in seconds. */
static inline double
bench_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The p-th percentile (0..100) of v[0..n), nearest rank; sorts v. */
static inline double
bench_percentile(double *v, size_t n, double p)
{
	size_t k;
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, bench_cmp_double);
	k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

/*
 * A figure beside its baseline:
 *   FIGURE <TAB> name <TAB> kesra <TAB> baseline <TAB> unit <TAB> target
 * max_ratio: the target kesra/baseline (0: none). Lower is better.
 */
static inline void
bench_figure(const char *name, double kesra, double baseline,
    const char *unit, double max_ratio)
{
	printf("FIGURE\t%s\t%.6g\t%.6g\t%s\t", name, kesra, baseline, unit);
	if (max_ratio > 0)
		printf("x%g\n", max_ratio);
	else
		printf("-\n");
	fflush(stdout);
}

/* A figure with an absolute limit and no baseline (max 0: none). */
static inline void
bench_limit(const char *name, double kesra, const char *unit, double max)
{
	printf("FIGURE\t%s\t%.6g\t-\t%s\t", name, kesra, unit);
	if (max > 0)
		printf("<=%g\n", max);
	else
		printf("-\n");
	fflush(stdout);
}

/*
 * A figure beside its baseline whose target is an absolute limit (the
 * ratio is shown for information): target "<=max".
 */
static inline void
bench_figure_max(const char *name, double kesra, double baseline,
    const char *unit, double max)
{
	printf("FIGURE\t%s\t%.6g\t%.6g\t%s\t<=%g\n", name, kesra, baseline,
	    unit, max);
	fflush(stdout);
}

#endif
