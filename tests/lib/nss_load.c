// SPDX-License-Identifier: GPL-2.0
/*
 * nss_load: a steady lookup load through the stock libnss_sss (dlopen'ed,
 * the calls glibc makes), for failover tests and directory-load benchmarks.
 *
 *   nss_load [-w NAME] [-n COUNT] [-s STOPFILE] SEED USERS GROUPS
 *
 * Loops over what a process starting in a container asks: getpwnam of a
 * user uNNNNN, initgroups of the same user, getgrnam of a group gNNNN (the
 * names tests/lib/gen-ldap-tree makes; USERS and GROUPS say how many
 * there are), each triple's names drawn from SEED and its number, so
 * clients with different seeds ask for different names.  Stops after
 * COUNT lookups, or once STOPFILE exists.  Every lookup must succeed:
 * each one that does not is reported on stderr with its name and the
 * status libnss_sss gave.  With -w, NAME is looked up as well after every
 * lookup and each change of its login shell is printed as
 * "shell SHELL first T1 previous-last T2" (CLOCK_REALTIME seconds: when
 * the first lookup answered with SHELL was sent, and the last one
 * answered with the value before), so a test can tell until when a stale
 * value was served, and that an old value never came back.
 *
 * Prints "lookups N failed M" at the end; exits 1 when M > 0.
 */
#include <dlfcn.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

typedef enum nss_status (*getpwnam_fn)(const char *, struct passwd *, char *,
				       size_t, int *);
typedef enum nss_status (*getgrnam_fn)(const char *, struct group *, char *,
				       size_t, int *);
typedef enum nss_status (*initgr_fn)(const char *, gid_t, long *, long *,
				     gid_t **, long, int *);

static getpwnam_fn pwnam;
static getgrnam_fn grnam;
static initgr_fn initgr;
static char buf[1 << 20]; /* big groups' member lists */

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *status_name(enum nss_status s)
{
	switch (s) {
	case NSS_STATUS_SUCCESS:
		return "success";
	case NSS_STATUS_NOTFOUND:
		return "not found";
	case NSS_STATUS_UNAVAIL:
		return "unavailable";
	case NSS_STATUS_TRYAGAIN:
		return "try again";
	default:
		return "other";
	}
}

/* One lookup: which kind @n is, for which name; 0 or the failed status. */
static int lookup(unsigned long n, unsigned int seed, int users, int groups)
{
	unsigned long x = (n / 3 * 2654435761UL + seed * 40503UL) >> 4;
	char name[32];
	enum nss_status s;
	struct passwd pw;
	struct group gr;
	int err = 0;

	switch (n % 3) {
	case 0:
		snprintf(name, sizeof(name), "u%05lu", 1 + x % users);
		s = pwnam(name, &pw, buf, sizeof(buf), &err);
		break;
	case 2:
		snprintf(name, sizeof(name), "g%04lu", 1 + x % groups);
		s = grnam(name, &gr, buf, sizeof(buf), &err);
		break;
	default: { /* 1 */
		long start = 0, size = 16;
		gid_t *gids = malloc(size * sizeof(*gids));

		snprintf(name, sizeof(name), "u%05lu", 1 + x % users);
		s = gids ? initgr(name, 0, &start, &size, &gids, 0, &err)
			 : NSS_STATUS_TRYAGAIN;
		/* libnss_sss answers success with no groups as not found */
		if (s == NSS_STATUS_NOTFOUND && start == 0)
			s = NSS_STATUS_SUCCESS;
		free(gids);
		break;
	}
	}
	if (s == NSS_STATUS_SUCCESS)
		return 0;
	fprintf(stderr, "%.3f %s %s: %s (errno %d)\n", wall(),
		n % 3 == 0   ? "getpwnam"
		: n % 3 == 2 ? "getgrnam"
			     : "initgroups",
		name, status_name(s), err);
	return 1;
}

/*
 * -w: the watched user's shell.  Each change is printed with the time the
 * first lookup giving the new value was sent, and the time the last one
 * giving the old value was: pagd served the old value at least until then.
 */
static void watch(const char *name, char *last, size_t len, double *last_t)
{
	double t = wall();
	struct passwd pw;
	char wbuf[4096];
	int err;
	const char *shell;

	shell = pwnam(name, &pw, wbuf, sizeof(wbuf), &err) == NSS_STATUS_SUCCESS
			? pw.pw_shell
			: "(none)";
	if (strcmp(shell, last)) {
		printf("shell %s first %.3f previous-last %.3f\n", shell, t,
		       *last_t);
		fflush(stdout);
		snprintf(last, len, "%s", shell);
	}
	*last_t = t;
}

int main(int argc, char **argv)
{
	const char *stop = NULL, *watched = NULL;
	unsigned long count = 0, n, failed = 0;
	char last[256] = "";
	double last_t = 0;
	int opt, users, groups;
	unsigned int seed;
	void *h;

	while ((opt = getopt(argc, argv, "w:n:s:")) != -1) {
		switch (opt) {
		case 'w':
			watched = optarg;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 's':
			stop = optarg;
			break;
		default:
			return 64;
		}
	}
	if (argc - optind != 3 || (!count && !stop)) {
		fprintf(stderr, "usage: nss_load [-w NAME] [-n COUNT] "
				"[-s STOPFILE] SEED USERS GROUPS\n");
		return 64;
	}
	seed = strtoul(argv[optind], NULL, 10);
	users = atoi(argv[optind + 1]);
	groups = atoi(argv[optind + 2]);
	h = dlopen("libnss_sss.so.2", RTLD_NOW);
	pwnam = h ? (getpwnam_fn)dlsym(h, "_nss_sss_getpwnam_r") : NULL;
	grnam = h ? (getgrnam_fn)dlsym(h, "_nss_sss_getgrnam_r") : NULL;
	initgr = h ? (initgr_fn)dlsym(h, "_nss_sss_initgroups_dyn") : NULL;
	if (!pwnam || !grnam || !initgr || users < 1 || groups < 1) {
		fprintf(stderr, "nss_load: %s\n",
			!pwnam || !grnam || !initgr ? "no libnss_sss.so.2"
						    : "USERS and GROUPS > 0");
		return 64;
	}
	for (n = 0; count ? n < count : access(stop, F_OK) != 0; n++) {
		failed += lookup(n, seed, users, groups);
		if (watched)
			watch(watched, last, sizeof(last), &last_t);
	}
	printf("lookups %lu failed %lu\n", n, failed);
	return failed ? 1 : 0;
}
