// SPDX-License-Identifier: GPL-2.0
/*
 * pagd_nss_bench NAME FILES_NAME SECONDS: warm lookups per second and p99
 * latency of NAME through the stock libnss_sss (dlopen'ed, so the call is
 * exactly what glibc makes) and of FILES_NAME through glibc's getpwnam_r
 * with the host's nsswitch (files first): the baseline of the same run.
 */
#include <dlfcn.h>
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum nss_status (*getpwnam_fn)(const char *, struct passwd *, char *,
				       size_t, int *);

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define MAX_SAMPLES 4000000

static double *samples;

/* Returns lookups/s; *p99 in microseconds. */
static double run(getpwnam_fn sss, const char *name, double secs, double *p99)
{
	struct passwd pw, *res;
	char buf[4096];
	size_t n = 0;
	double start = now(), t0, t1 = start;
	int err;

	while (t1 - start < secs && n < MAX_SAMPLES) {
		t0 = t1;
		if (sss) {
			if (sss(name, &pw, buf, sizeof(buf), &err) !=
			    NSS_STATUS_SUCCESS)
				return -1;
		} else if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) ||
			   !res) {
			return -1;
		}
		t1 = now();
		samples[n++] = (t1 - t0) * 1e6;
	}
	qsort(samples, n, sizeof(*samples), cmp_double);
	*p99 = samples[n * 99 / 100];
	return n / (t1 - start);
}

int main(int argc, char **argv)
{
	double secs, sss_rate, files_rate, sss_p99, files_p99;
	getpwnam_fn sss;
	void *h;

	if (argc != 4) {
		fprintf(stderr, "usage: %s NAME FILES_NAME SECONDS\n", argv[0]);
		return 2;
	}
	secs = atof(argv[3]);
	samples = calloc(MAX_SAMPLES, sizeof(*samples));
	h = dlopen("libnss_sss.so.2", RTLD_NOW);
	sss = h ? (getpwnam_fn)dlsym(h, "_nss_sss_getpwnam_r") : NULL;
	if (!samples || !sss) {
		fprintf(stderr, "cannot load libnss_sss.so.2: %s\n", dlerror());
		return 1;
	}
	files_rate = run(NULL, argv[2], secs, &files_p99);
	sss_rate = run(sss, argv[1], secs, &sss_p99);
	if (sss_rate < 0 || files_rate < 0) {
		fprintf(stderr, "lookup failed\n");
		return 1;
	}
	printf("nss_files  %-10s %9.0f lookups/s  p99 %6.1f us\n", argv[2],
	       files_rate, files_p99);
	printf("pagd (sss) %-10s %9.0f lookups/s  p99 %6.1f us\n", argv[1],
	       sss_rate, sss_p99);
	printf("ratio pagd/nss_files: %.2f (target: >= 50000 lookups/s)\n",
	       sss_rate / files_rate);
	return 0;
}
