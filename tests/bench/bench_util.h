/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmarks share: a clock, and the median their reports print
 * (under TCG single timings swing; a median of rounds does not).
 */
#ifndef PAG_BENCH_UTIL_H
#define PAG_BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rounds a median is taken of, at the most. */
#define BENCH_ROUNDS_MAX 64

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of the @n (at most BENCH_ROUNDS_MAX) values at @v. */
static inline double median(const double *v, int n)
{
	double s[BENCH_ROUNDS_MAX];

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return s[n / 2];
}

#endif /* PAG_BENCH_UTIL_H */
