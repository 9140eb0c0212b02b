// SPDX-License-Identifier: GPL-2.0
/*
 * pagd_nss_bench NAME FILES_NAME SECONDS [CLIENTS]: warm lookups per second
 * and p99 latency of NAME through the stock libnss_sss (dlopen'ed, so the
 * call is exactly what glibc makes) and of FILES_NAME through glibc's
 * getpwnam_r with the host's nsswitch (files first): the baseline of the
 * same run.  libnss_sss is measured twice: reading pagd's memory cache
 * (what it does by default when /var/lib/sss/mc holds one), and over the
 * socket, the memory cache turned off in the client by
 * SSS_NSS_USE_MEMCACHE=NO, which it reads at every lookup.
 *
 * Each is measured with one client process (latency bound: every lookup is
 * a round trip) and with CLIENTS processes (default 2, one per core of the
 * 2-core target; libnss_sss serialises the threads of one process on one
 * socket, so parallel clients must be processes).
 *
 * With PAGD_PID set, also where the time goes: CPU time per lookup in the
 * clients and in pagd (/proc/PID/schedstat, nanoseconds), and how often
 * pagd goes to sleep per lookup (its voluntary context switches), so a
 * slow result says whether the client, pagd or the scheduling dominates,
 * and the rate their CPU time allows on 2 idle cores.
 */
#include <dlfcn.h>
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef enum nss_status (*getpwnam_fn)(const char *, struct passwd *, char *,
				       size_t, int *);

#define MAX_SAMPLES 2000000 /* per client */
#define MAX_CLIENTS 16

struct result {
	size_t n;
	double secs;
	double cpu; /* the client's own CPU seconds */
	int failed;
	float samples[MAX_SAMPLES]; /* microseconds */
};

static double ts_sec(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

static int lookup(getpwnam_fn sss, const char *name)
{
	struct passwd pw, *res;
	char buf[4096];
	int err;

	if (sss)
		return sss(name, &pw, buf, sizeof(buf), &err) ==
				       NSS_STATUS_SUCCESS
			       ? 0
			       : -1;
	return getpwnam_r(name, &pw, buf, sizeof(buf), &res) || !res ? -1 : 0;
}

/* How libnss_sss is to answer. */
enum path {
	PATH_FILES, /* not at all: nss_files */
	PATH_MC,    /* from the memory cache */
	PATH_SOCKET,
};

/* One client: warm up, wait for the start, look up for @secs. */
static void client(getpwnam_fn sss, enum path how, const char *name,
		   double secs, int go, struct result *r)
{
	double start, t0, t1, cpu0;
	char c;

	if (how == PATH_SOCKET)
		setenv("SSS_NSS_USE_MEMCACHE", "NO", 1);
	else
		unsetenv("SSS_NSS_USE_MEMCACHE");

	if (lookup(sss, name) < 0 || read(go, &c, 1) != 1) {
		r->failed = 1;
		return;
	}
	cpu0 = ts_sec(CLOCK_PROCESS_CPUTIME_ID);
	start = t1 = ts_sec(CLOCK_MONOTONIC);
	while (t1 - start < secs && r->n < MAX_SAMPLES) {
		t0 = t1;
		if (lookup(sss, name) < 0) {
			r->failed = 1;
			return;
		}
		t1 = ts_sec(CLOCK_MONOTONIC);
		r->samples[r->n++] = (t1 - t0) * 1e6;
	}
	r->secs = t1 - start;
	r->cpu = ts_sec(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
}

struct pagd_stat {
	unsigned long long run_ns, sleeps;
};

static int pagd_stat(pid_t pid, struct pagd_stat *s)
{
	char path[64], line[256];
	FILE *f;
	int ok = 0;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok += fscanf(f, "%llu", &s->run_ns) == 1;
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		ok += sscanf(line, "voluntary_ctxt_switches: %llu",
			     &s->sleeps) == 1;
	fclose(f);
	return ok == 2 ? 0 : -1;
}

/* CPU microseconds per lookup, of the clients and of pagd (0: unknown). */
struct cost {
	double client, pagd;
};

/* Runs @k clients at once; prints one line.  Returns lookups/s or -1. */
static double bench(enum path how, getpwnam_fn sss, const char *name,
		    double secs, int k, pid_t pagd, struct result *res,
		    struct cost *cost)
{
	static const char *const label[] = {
		[PATH_FILES] = "nss_files",
		[PATH_MC] = "pagd mc",
		[PATH_SOCKET] = "pagd socket",
	};
	struct pagd_stat s0 = { 0 }, s1 = { 0 };
	size_t total = 0, m = 0;
	double rate = 0, cpu = 0;
	int go[2], status, failed = 0;
	float *all;

	if (pipe(go) < 0)
		return -1;
	for (int i = 0; i < k; i++) {
		res[i].n = 0;
		res[i].failed = 0;
		if (fork() == 0) {
			close(go[1]);
			client(how == PATH_FILES ? NULL : sss, how, name, secs,
			       go[0], &res[i]);
			_exit(0);
		}
	}
	close(go[0]);
	if (how == PATH_FILES)
		pagd = 0;
	if (pagd)
		pagd_stat(pagd, &s0);
	/* the clients warm up before reading their start byte */
	for (int i = 0; i < k; i++)
		if (write(go[1], "g", 1) != 1)
			failed = 1;
	close(go[1]);
	while (wait(&status) > 0)
		;
	if (pagd)
		pagd_stat(pagd, &s1);
	for (int i = 0; i < k; i++) {
		failed |= res[i].failed || !res[i].secs;
		total += res[i].n;
	}
	if (failed || !total)
		return -1;
	all = malloc(total * sizeof(*all));
	if (!all)
		return -1;
	for (int i = 0; i < k; i++) {
		memcpy(all + m, res[i].samples, res[i].n * sizeof(*all));
		m += res[i].n;
		rate += res[i].n / res[i].secs;
		cpu += res[i].cpu;
	}
	qsort(all, total, sizeof(*all), cmp_float);
	cost->client = cpu / total * 1e6;
	cost->pagd =
		pagd && s1.run_ns ? (s1.run_ns - s0.run_ns) / 1e3 / total : 0;
	printf("%-11s %-8s %d client%s %9.0f lookups/s  p99 %7.1f us  "
	       "client cpu %5.1f us",
	       label[how], name, k, k > 1 ? "s" : " ", rate,
	       all[total * 99 / 100], cost->client);
	if (pagd)
		printf("  pagd cpu %5.1f us, sleeps %.2f", cost->pagd,
		       (double)(s1.sleeps - s0.sleeps) / total);
	printf(" per lookup\n");
	free(all);
	return rate;
}

int main(int argc, char **argv)
{
	double secs, files1, mc1, sock1, filesk, mck, sockk;
	struct cost c1, ck, m1, mk, f;
	const char *env = getenv("PAGD_PID");
	pid_t pagd = env ? atoi(env) : 0;
	struct result *res;
	getpwnam_fn sss;
	int k = 2;
	void *h;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: %s NAME FILES_NAME SECONDS [CLIENTS]\n",
			argv[0]);
		return 2;
	}
	secs = atof(argv[3]);
	if (argc == 5)
		k = atoi(argv[4]);
	if (k < 1 || k > MAX_CLIENTS) {
		fprintf(stderr, "CLIENTS must be 1 to %d\n", MAX_CLIENTS);
		return 2;
	}
	res = mmap(NULL, MAX_CLIENTS * sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	h = dlopen("libnss_sss.so.2", RTLD_NOW);
	sss = h ? (getpwnam_fn)dlsym(h, "_nss_sss_getpwnam_r") : NULL;
	if (res == MAP_FAILED || !sss) {
		fprintf(stderr, "cannot load libnss_sss.so.2: %s\n", dlerror());
		return 1;
	}
	/* interleaved, so that a change in the machine's load hits all */
	files1 = bench(PATH_FILES, sss, argv[2], secs, 1, pagd, res, &f);
	mc1 = bench(PATH_MC, sss, argv[1], secs, 1, pagd, res, &m1);
	sock1 = bench(PATH_SOCKET, sss, argv[1], secs, 1, pagd, res, &c1);
	filesk = bench(PATH_FILES, sss, argv[2], secs, k, pagd, res, &f);
	mck = bench(PATH_MC, sss, argv[1], secs, k, pagd, res, &mk);
	sockk = bench(PATH_SOCKET, sss, argv[1], secs, k, pagd, res, &ck);
	if (files1 < 0 || mc1 < 0 || sock1 < 0 || filesk < 0 || mck < 0 ||
	    sockk < 0) {
		fprintf(stderr, "lookup failed\n");
		return 1;
	}
	printf("ratio pagd mc/nss_files:     %.2f with 1 client, %.2f with "
	       "%d\n",
	       mc1 / files1, mck / filesk, k);
	printf("ratio pagd socket/nss_files: %.2f with 1 client, %.2f with "
	       "%d\n",
	       sock1 / files1, sockk / filesk, k);
	printf("ratio pagd mc/socket:        %.2f with 1 client, %.2f with "
	       "%d\n",
	       mc1 / sock1, mck / sockk, k);
	printf("target >= 50000 lookups/s on 2 cores: memory cache %.0f, "
	       "socket %.0f with %d clients\n",
	       mck, sockk, k);
	/* pagd working during the memory cache runs: it did not answer */
	if (pagd && mk.pagd > 1)
		printf("warning: pagd spent %.1f us per memory cache lookup: "
		       "was /var/lib/sss/mc its cache?\n",
		       mk.pagd);
	/*
	 * On a busy machine the rates say little; the CPU time per lookup
	 * bounds what 2 otherwise idle cores could do.
	 */
	if (ck.pagd)
		printf("CPU per socket lookup with %d clients: %.1f us "
		       "(clients %.1f, pagd %.1f): at most %.0f lookups/s on 2 "
		       "idle cores\n",
		       k, ck.client + ck.pagd, ck.client, ck.pagd,
		       2e6 / (ck.client + ck.pagd));
	printf("CPU per memory cache lookup with %d clients: %.2f us: at most "
	       "%.0f lookups/s on 2 idle cores\n",
	       k, mk.client + mk.pagd, 2e6 / (mk.client + mk.pagd));
	return 0;
}
