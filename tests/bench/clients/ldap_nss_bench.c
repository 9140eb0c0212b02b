// SPDX-License-Identifier: GPL-2.0
/*
 * ldap_nss_bench: lookups through the stock libnss_sss (dlopen'ed: the
 * calls glibc makes), for comparing pagd and SSSD on the same directory.
 *
 *   ldap_nss_bench cold PREFIX N        first getpwnam of PREFIX00001..N
 *   ldap_nss_bench warm NAME SECONDS    repeated getpwnam of NAME
 *   ldap_nss_bench initgr NAME GID REPS initgroups: first call, then REPS
 *
 * Prints "key value" lines: cold_us (mean), warm_per_s, initgr_first_us,
 * initgr_us (mean), initgr_groups.
 */
#include <dlfcn.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

typedef enum nss_status (*getpwnam_fn)(const char *, struct passwd *, char *,
				       size_t, int *);
typedef enum nss_status (*initgr_fn)(const char *, gid_t, long *, long *,
				     gid_t **, long, int *);

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static getpwnam_fn pwnam;
static initgr_fn initgr;

static int lookup(const char *name)
{
	struct passwd pw;
	char buf[4096];
	int err;

	return pwnam(name, &pw, buf, sizeof(buf), &err) == NSS_STATUS_SUCCESS
		       ? 0
		       : -1;
}

static int cold(const char *prefix, int n)
{
	double total = 0, t;
	char name[64];

	for (int i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), "%s%05d", prefix, i);
		t = now();
		if (lookup(name) < 0) {
			fprintf(stderr, "%s not found\n", name);
			return 1;
		}
		total += now() - t;
	}
	printf("cold_us %.1f\n", total / n * 1e6);
	return 0;
}

static int warm(const char *name, double secs)
{
	double start = now();
	long n = 0;

	if (lookup(name) < 0)
		return 1;
	while (now() - start < secs) {
		for (int i = 0; i < 100; i++)
			if (lookup(name) < 0)
				return 1;
		n += 100;
	}
	printf("warm_per_s %.0f\n", n / (now() - start));
	return 0;
}

static long one_initgr(const char *name, gid_t gid, double *us)
{
	long start = 0, size = 16;
	gid_t *groups = malloc(size * sizeof(*groups));
	double t = now();
	int err;

	if (!groups)
		return -1;
	if (initgr(name, gid, &start, &size, &groups, -1, &err) !=
	    NSS_STATUS_SUCCESS)
		start = -1;
	*us = (now() - t) * 1e6;
	free(groups);
	return start;
}

static int initgroups(const char *name, gid_t gid, int reps)
{
	double us, total = 0;
	long n = one_initgr(name, gid, &us);

	if (n < 0)
		return 1;
	printf("initgr_first_us %.1f\ninitgr_groups %ld\n", us, n);
	for (int i = 0; i < reps; i++) {
		if (one_initgr(name, gid, &us) < 0)
			return 1;
		total += us;
	}
	printf("initgr_us %.1f\n", total / reps);
	return 0;
}

int main(int argc, char **argv)
{
	void *h = dlopen("libnss_sss.so.2", RTLD_NOW);

	pwnam = h ? (getpwnam_fn)dlsym(h, "_nss_sss_getpwnam_r") : NULL;
	initgr = h ? (initgr_fn)dlsym(h, "_nss_sss_initgroups_dyn") : NULL;
	if (!pwnam || !initgr) {
		fprintf(stderr, "cannot load libnss_sss.so.2\n");
		return 1;
	}
	if (argc == 4 && !strcmp(argv[1], "cold"))
		return cold(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "warm"))
		return warm(argv[2], atof(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "initgr"))
		return initgroups(argv[2], atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: see the comment at the top of %s\n", __FILE__);
	return 2;
}
