// SPDX-License-Identifier: GPL-2.0
/*
 * setpag through libpag, printed as ratios against the same run's
 * KEYCTL_JOIN_SESSION_KEYRING(NULL), the cost of a fresh anonymous session
 * keyring without pag.ko:
 *   pag_create() on a handle kept open (what pagsh and launchers do);
 *   pag_open() + pag_create() + pag_close() (a one-shot tool).
 * The sides alternate in rounds so that drift hits both alike.
 */

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <keyutils.h>
#include <pag/pag.h>

#define ROUNDS 20
#define PER    100

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void report(const char *what, uint64_t t, uint64_t b, int n)
{
	printf("%-30s %8.1f us/op   %-26s %8.1f us/op   ratio %.3f\n", what,
	       (double)t / n / 1000, "join_session_keyring(NULL)",
	       (double)b / n / 1000, (double)t / (double)b);
}

int main(void)
{
	uint64_t t_kept = 0, t_once = 0, t_join = 0, t0;
	struct pag_handle *h, *h1;
	int r, i;

	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY)) {
		fprintf(stderr, "libpag_setpag: pag.ko is not loaded\n");
		return 1;
	}
	for (r = 0; r < ROUNDS; r++) {
		t0 = now_ns();
		for (i = 0; i < PER; i++)
			if (pag_create(h, NULL) < 0)
				goto fail;
		t_kept += now_ns() - t0;
		t0 = now_ns();
		for (i = 0; i < PER; i++) {
			if (pag_open(&h1, PAG_OPEN_KERNEL_ONLY))
				goto fail;
			if (pag_create(h1, NULL) < 0) {
				pag_close(h1);
				goto fail;
			}
			pag_close(h1);
		}
		t_once += now_ns() - t0;
		t0 = now_ns();
		for (i = 0; i < PER; i++)
			if (keyctl_join_session_keyring(NULL) < 0)
				goto fail;
		t_join += now_ns() - t0;
	}
	report("pag_create (handle kept)", t_kept, t_join, ROUNDS * PER);
	report("pag_open+create+close", t_once, t_join, ROUNDS * PER);
	pag_close(h);
	return 0;
fail:
	fprintf(stderr, "libpag_setpag: %s\n", pag_errmsg(h));
	pag_close(h);
	return 1;
}
