// SPDX-License-Identifier: GPL-2.0
/*
 * pagd_flood_bench NAME SECONDS FLOODERS UID: pagd's answers to a container
 * while an unprivileged user floods pag.ko with PAGs that end at once.
 *
 * One client looks NAME up through the stock libnss_sss over pagd's socket
 * (SSS_NSS_USE_MEMCACHE=NO: the memory cache would not ask pagd at all),
 * for SECONDS in each of four phases: quiet, flood, quiet, flood.  During
 * a flood, FLOODERS processes running as UID create a PAG and leave it
 * (which ends it: pag.ko reports ENDED to pagd) in a loop, at nice 19
 * (BENCH_FLOOD_NICE): see flood().  Printed: the
 * lookup rate, p99 and failed lookups of the flood phases against the quiet
 * ones of the same run, as ratios, with pagd's CPU time per phase
 * (PAGD_PID) and the flood's rate.  Nothing is asserted.
 */
#include <dlfcn.h>
#include <grp.h>
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pag/pag.h>

typedef enum nss_status (*getpwnam_fn)(const char *, struct passwd *, char *,
				       size_t, int *);

#define MAX_SAMPLES  4000000
#define MAX_FLOODERS 16

struct phase {
	size_t n, failed;
	double secs;
	unsigned long long pagd_ns;
	unsigned long long pags; /* PAGs the flood made and ended */
};

static float samples[2][MAX_SAMPLES]; /* quiet, flood; microseconds */
static size_t n_samples[2];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * CPU nanoseconds of pagd and of its children it has waited for (credential
 * workers, fence passes): utime, stime, cutime and cstime of
 * /proc/PID/stat.
 */
static unsigned long long pagd_ns(pid_t pid)
{
	unsigned long long t[4] = { 0 }, tick;
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	if (!pid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* after the command's name */
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%llu %llu %llu %llu",
			 &t[0], &t[1], &t[2], &t[3]) != 4)
		return 0;
	tick = 1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK);
	return (t[0] + t[1] + t[2] + t[3]) * tick;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/* A flooder: NEW, LEAVE, as fast as it can, until killed. */
static void flood(uid_t uid, volatile unsigned long long *count)
{
	struct pag_handle *h = NULL;
	struct pag_info info;

	const char *nice_env = getenv("BENCH_FLOOD_NICE");

	/*
	 * On the 2-vCPU test VM the flooders' CPU alone would starve the
	 * client and pagd, whatever pagd does; niced, they take what the two
	 * leave idle, and what is measured is pagd's handling of the events.
	 */
	if (nice(nice_env ? atoi(nice_env) : 19) < 0 && errno)
		_exit(1);
	if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0) {
		perror("flood: cannot become the flooding user");
		_exit(1);
	}
	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY) < 0) {
		fprintf(stderr, "flood: %s\n", pag_errmsg(h));
		_exit(1);
	}
	for (int first = 1;; first = 0) {
		int r = pag_create(h, &info);

		if (r >= 0)
			r = pag_leave(h);
		if (r >= 0)
			__atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
		else if (first)
			fprintf(stderr, "flood: %s\n", pag_errmsg(h));
	}
}

static void run(getpwnam_fn sss, const char *name, double secs, int flooders,
		uid_t uid, pid_t pagd, volatile unsigned long long *count,
		struct phase *ph, int kind)
{
	pid_t kids[MAX_FLOODERS];
	unsigned long long c0, ns0;
	size_t n0 = ph->n;
	double start, t0, t1;
	struct passwd pw;
	char buf[4096];
	int err;

	for (int i = 0; kind && i < flooders; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			flood(uid, count);
	}
	if (kind)
		usleep(200000); /* the flood under way */
	c0 = *count;
	ns0 = pagd_ns(pagd);
	start = t1 = now();
	while (t1 - start < secs && n_samples[kind] < MAX_SAMPLES) {
		t0 = t1;
		if (sss(name, &pw, buf, sizeof(buf), &err) !=
		    NSS_STATUS_SUCCESS)
			ph->failed++;
		t1 = now();
		samples[kind][n_samples[kind]++] = (t1 - t0) * 1e6;
		ph->n++;
	}
	ph->secs += t1 - start;
	ph->pagd_ns += pagd_ns(pagd) - ns0;
	ph->pags += *count - c0;
	printf("phase %-5s %8.0f lookups/s, pagd+children CPU %5.1f%%, %6.0f "
	       "PAGs/s\n",
	       kind ? "flood" : "quiet", (ph->n - n0) / (t1 - start),
	       (pagd_ns(pagd) - ns0) / 1e7 / (t1 - start),
	       (*count - c0) / (t1 - start));
	for (int i = 0; kind && i < flooders; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
}

static double p99(int kind)
{
	qsort(samples[kind], n_samples[kind], sizeof(float), cmp_float);
	return n_samples[kind] ? samples[kind][n_samples[kind] * 99 / 100] : 0;
}

int main(int argc, char **argv)
{
	struct phase ph[2] = { 0 };
	const char *env = getenv("PAGD_PID");
	pid_t pagd = env ? atoi(env) : 0;
	volatile unsigned long long *count;
	double secs, rate[2], lat[2], cpu[2];
	int flooders;
	getpwnam_fn sss;
	uid_t uid;
	void *h;

	if (argc != 5) {
		fprintf(stderr, "usage: %s NAME SECONDS FLOODERS UID\n",
			argv[0]);
		return 2;
	}
	secs = atof(argv[2]);
	flooders = atoi(argv[3]);
	uid = (uid_t)atoi(argv[4]);
	if (flooders < 1 || flooders > MAX_FLOODERS || !uid) {
		fprintf(stderr, "FLOODERS 1 to %d, UID not 0\n", MAX_FLOODERS);
		return 2;
	}
	count = mmap(NULL, sizeof(*count), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	h = dlopen("libnss_sss.so.2", RTLD_NOW);
	sss = h ? (getpwnam_fn)dlsym(h, "_nss_sss_getpwnam_r") : NULL;
	if (count == MAP_FAILED || !sss) {
		fprintf(stderr, "cannot load libnss_sss.so.2: %s\n", dlerror());
		return 1;
	}
	setenv("SSS_NSS_USE_MEMCACHE", "NO", 1);
	*count = 0;
	/* interleaved, so that a change in the machine's load hits both */
	for (int round = 0; round < 2; round++)
		for (int kind = 0; kind < 2; kind++)
			run(sss, argv[1], secs, flooders, uid, pagd, count,
			    &ph[kind], kind);
	for (int k = 0; k < 2; k++) {
		rate[k] = ph[k].n / ph[k].secs;
		lat[k] = p99(k);
		cpu[k] = ph[k].pagd_ns / 1e9 / ph[k].secs * 100;
	}
	printf("flood: %d processes as uid %u made and ended %.0f PAGs/s\n",
	       flooders, (unsigned int)uid, ph[1].pags / ph[1].secs);
	printf("%-26s %12s %12s %8s  %s\n", "measure", "flood", "quiet",
	       "ratio", "target");
	printf("%-26s %12.1f %12.1f %8.2f  %s\n", "socket lookup p99 (us)",
	       lat[1], lat[0], lat[1] / lat[0], "<= 2");
	printf("%-26s %12.0f %12.0f %8.2f  %s\n", "lookups/s (1 client)",
	       rate[1], rate[0], rate[1] / rate[0], "-");
	printf("%-26s %12zu %12zu %8s  %s\n", "failed lookups", ph[1].failed,
	       ph[0].failed, "-", "0");
	if (pagd)
		printf("%-26s %12.1f %12.1f %8.2f  %s\n", "pagd+children CPU %",
		       cpu[1], cpu[0], cpu[0] ? cpu[1] / cpu[0] : 0, "-");
	return ph[0].failed || ph[1].failed;
}
