// SPDX-License-Identifier: GPL-2.0
/*
 * pag.ko benchmarks, printed as ratios against a baseline of the same run:
 *   setpag through /dev/pag (PAG_IOC_NEW) and through the netlink family
 *   (PAG_CMD_NEW) vs KEYCTL_JOIN_SESSION_KEYRING(NULL), twice: by the
 *   elapsed time, which counts all the work a loop of them causes (the key
 *   garbage collector's, pag.ko's refill of its pool of markers), and by
 *   the calling thread's CPU time, which counts what the caller waits for;
 *   fork+exit+wait inside a PAG vs with no session keyring, and vs inside
 *   an anonymous session keyring (what the PAG adds over any keyring).
 *
 * Under emulation (the VM runs on TCG) single timings swing by tens of per
 * cent, so the sides alternate in many short rounds, in an order that
 * rotates every round, and the ratio printed is the median of the rounds'
 * ratios; the times printed are the medians of each side's rounds.
 */

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>

#include "../kernel/pag_nl.h"
#include "../kernel/pag_util.h"
#include "bench_util.h"

#define SET_ROUNDS  41
#define SET_PER	    50
#define FORK_ROUNDS 31
#define FORK_PER    10
#define MAX_SIDES   3

struct side {
	const char *name;
	double us[SET_ROUNDS > FORK_ROUNDS ? SET_ROUNDS : FORK_ROUNDS];
	double cpu_us[SET_ROUNDS];
};

static struct pag_nl nl;
static int dev = -1;

/* What the calling thread itself ran, not the kernel's workers. */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Times @t of side @name against baseline times @b over @n rounds. */
static void report_times(const char *name, const double *t, const char *bname,
			 const double *b, int n)
{
	double r[SET_ROUNDS > FORK_ROUNDS ? SET_ROUNDS : FORK_ROUNDS];
	int i;

	for (i = 0; i < n; i++)
		r[i] = t[i] / b[i];
	printf("%-30s %8.1f us/op   %-30s %8.1f us/op   ratio %.3f\n", name,
	       median(t, n), bname, median(b, n), median(r, n));
}

/* Side @t against baseline @b over @n rounds, by elapsed time. */
static void report(const struct side *t, const struct side *b, int n)
{
	report_times(t->name, t->us, b->name, b->us, n);
}

/* The same by the calling thread's CPU time. */
static void report_cpu(const struct side *t, const struct side *b, int n)
{
	char tname[64], bname[64];

	snprintf(tname, sizeof(tname), "%s, cpu", t->name);
	snprintf(bname, sizeof(bname), "%s, cpu", b->name);
	report_times(tname, t->cpu_us, bname, b->cpu_us, n);
}

static int setpag_ioctl(void)
{
	return ioctl(dev, PAG_IOC_NEW, 0) > 0 ? 0 : -1;
}

static int setpag_nl(void)
{
	return pag_nl_new(&nl, NULL);
}

static int join(void)
{
	return keyctl_join_session_keyring(NULL) < 0 ? -1 : 0;
}

static int fork_exit_wait(int n)
{
	int i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (pid == 0)
			_exit(0);
		if (wait_child(pid) != 0)
			return -1;
	}
	return 0;
}

/* Put the thread in the state a fork side measures. */
static int enter_pag(void)
{
	return setpag_ioctl();
}

static int enter_none(void)
{
	/* ENOENT: the thread was in an anonymous session keyring. */
	if (ioctl(dev, PAG_IOC_LEAVE, 0) == 0)
		return 0;
	/* Leave works only for PAGs: go through one. */
	return setpag_ioctl() || ioctl(dev, PAG_IOC_LEAVE, 0) ? -1 : 0;
}

static int enter_anon(void)
{
	return join();
}

static int bench_setpag(void)
{
	static struct side s[MAX_SIDES] = {
		{ .name = "setpag via /dev/pag" },
		{ .name = "setpag via netlink" },
		{ .name = "join_session_keyring(NULL)" },
	};
	static int (*const op[MAX_SIDES])(void) = { setpag_ioctl, setpag_nl,
						    join };
	int r, k, i, j;
	uint64_t t0, c0;

	for (r = 0; r < SET_ROUNDS; r++) {
		for (k = 0; k < MAX_SIDES; k++) {
			j = (r + k) % MAX_SIDES;
			t0 = now_ns();
			c0 = cpu_ns();
			for (i = 0; i < SET_PER; i++)
				if (op[j]())
					return -1;
			s[j].cpu_us[r] =
				(double)(cpu_ns() - c0) / SET_PER / 1000;
			s[j].us[r] = (double)(now_ns() - t0) / SET_PER / 1000;
		}
	}
	report(&s[0], &s[2], SET_ROUNDS);
	report(&s[1], &s[2], SET_ROUNDS);
	report_cpu(&s[0], &s[2], SET_ROUNDS);
	report_cpu(&s[1], &s[2], SET_ROUNDS);
	return 0;
}

static int bench_fork(void)
{
	static struct side s[MAX_SIDES] = {
		{ .name = "fork+exit+wait in a PAG" },
		{ .name = "fork+exit+wait, no session" },
		{ .name = "fork+exit+wait, anon session" },
	};
	static int (*const enter[MAX_SIDES])(void) = { enter_pag, enter_none,
						       enter_anon };
	int r, k, j;
	uint64_t t0;

	for (r = 0; r < FORK_ROUNDS; r++) {
		for (k = 0; k < MAX_SIDES; k++) {
			j = (r + k) % MAX_SIDES;
			if (enter[j]())
				return -1;
			t0 = now_ns();
			if (fork_exit_wait(FORK_PER))
				return -1;
			s[j].us[r] = (double)(now_ns() - t0) / FORK_PER / 1000;
		}
	}
	report(&s[0], &s[1], FORK_ROUNDS);
	printf("  target <= 1.02x (in a PAG against no session keyring)\n");
	report(&s[0], &s[2], FORK_ROUNDS);
	return 0;
}

int main(void)
{
	dev = open("/dev/" PAG_DEV_NAME, O_RDONLY | O_CLOEXEC);
	if (dev < 0) {
		perror("pag_kernel: /dev/" PAG_DEV_NAME);
		return 1;
	}
	if (pag_nl_open(&nl)) {
		fprintf(stderr, "pag_kernel: cannot open the pag family\n");
		return 1;
	}
	if (bench_setpag() || bench_fork()) {
		perror("pag_kernel");
		return 1;
	}
	pag_nl_close(&nl);
	return 0;
}
