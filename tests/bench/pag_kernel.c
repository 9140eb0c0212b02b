// SPDX-License-Identifier: GPL-2.0
/*
 * pag.ko benchmarks, printed as ratios against a baseline of the same run:
 *   setpag (PAG_CMD_NEW) vs KEYCTL_JOIN_SESSION_KEYRING(NULL);
 *   fork+exit+wait inside a PAG vs outside one.
 * The two sides alternate in rounds so that drift hits both alike.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../kernel/pag_nl.h"
#include "../kernel/pag_util.h"

#define ROUNDS 20

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
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

static void report(const char *what, const char *base, uint64_t t, uint64_t b,
		   int n)
{
	printf("%-28s %8.1f us/op   %-28s %8.1f us/op   ratio %.3f\n", what,
	       (double)t / n / 1000, base, (double)b / n / 1000,
	       (double)t / (double)b);
}

int main(void)
{
	uint64_t t_pag = 0, t_join = 0, t_in = 0, t_out = 0, t0;
	int per = 100, forks = 50, r, i;
	struct pag_nl nl;

	if (pag_nl_open(&nl)) {
		fprintf(stderr, "pag_kernel: cannot open the pag family\n");
		return 1;
	}
	for (r = 0; r < ROUNDS; r++) {
		t0 = now_ns();
		for (i = 0; i < per; i++)
			if (pag_nl_new(&nl, NULL))
				return 1;
		t_pag += now_ns() - t0;
		t0 = now_ns();
		for (i = 0; i < per; i++)
			if (keyctl_join_session_keyring(NULL) < 0)
				return 1;
		t_join += now_ns() - t0;
	}
	report("setpag", "join_session_keyring(NULL)", t_pag, t_join,
	       ROUNDS * per);

	for (r = 0; r < ROUNDS; r++) {
		if (pag_nl_new(&nl, NULL))
			return 1;
		t0 = now_ns();
		if (fork_exit_wait(forks))
			return 1;
		t_in += now_ns() - t0;
		if (pag_nl_leave(&nl))
			return 1;
		t0 = now_ns();
		if (fork_exit_wait(forks))
			return 1;
		t_out += now_ns() - t0;
	}
	report("fork+exit+wait in a PAG", "fork+exit+wait outside", t_in, t_out,
	       ROUNDS * forks);
	pag_nl_close(&nl);
	return 0;
}
