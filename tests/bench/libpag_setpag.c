// SPDX-License-Identifier: GPL-2.0
/*
 * setpag through libpag, printed as ratios against the same run's
 * KEYCTL_JOIN_SESSION_KEYRING(NULL), the cost of a fresh anonymous session
 * keyring without pag.ko:
 *   pag_create() on a handle kept open (what pagsh and launchers do), with
 *   /dev/pag (one ioctl) and with netlink only (no device: the fallback);
 *   pag_open() + pag_create() + pag_close() (a one-shot tool).
 * The sides alternate in many short rounds, in an order that rotates every
 * round; the ratio printed is the median of the rounds' ratios and the
 * times the medians of each side's rounds (under TCG single timings swing
 * by tens of per cent).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <keyutils.h>
#include <pag/pag.h>

#include "../../userspace/lib/internal.h"
#include "bench_util.h"

#define ROUNDS 41
#define PER    50
#define SIDES  4

static struct pag_handle *h_dev, *h_nl;

static void report(const char *what, const double *t, const double *b)
{
	double r[ROUNDS];
	int i;

	for (i = 0; i < ROUNDS; i++)
		r[i] = t[i] / b[i];
	printf("%-32s %8.1f us/op   %-26s %8.1f us/op   ratio %.3f\n", what,
	       median(t, ROUNDS), "join_session_keyring(NULL)",
	       median(b, ROUNDS), median(r, ROUNDS));
}

static int kept_dev(void)
{
	return pag_create(h_dev, NULL) < 0 ? -1 : 0;
}

static int kept_nl(void)
{
	return pag_create(h_nl, NULL) < 0 ? -1 : 0;
}

static int once(void)
{
	struct pag_handle *h;
	int id;

	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY))
		return -1;
	id = pag_create(h, NULL);
	pag_close(h);
	return id < 0 ? -1 : 0;
}

static int join(void)
{
	return keyctl_join_session_keyring(NULL) < 0 ? -1 : 0;
}

int main(void)
{
	static const char *const name[SIDES - 1] = {
		"pag_create, /dev/pag (kept)",
		"pag_create, netlink (kept)",
		"pag_open+create+close",
	};
	static int (*const op[SIDES])(void) = { kept_dev, kept_nl, once, join };
	static double us[SIDES][ROUNDS];
	int r, k, i, j;
	uint64_t t0;

	if (pag_open(&h_dev, PAG_OPEN_KERNEL_ONLY) ||
	    pag_open(&h_nl, PAG_OPEN_KERNEL_ONLY)) {
		fprintf(stderr, "libpag_setpag: pag.ko is not loaded\n");
		return 1;
	}
	if (h_dev->dev < 0) {
		fprintf(stderr, "libpag_setpag: no /dev/pag\n");
		return 1;
	}
	/* What a handle does where /dev/pag is missing. */
	close(h_nl->dev);
	h_nl->dev = -1;

	for (r = 0; r < ROUNDS; r++) {
		for (k = 0; k < SIDES; k++) {
			j = (r + k) % SIDES;
			t0 = now_ns();
			for (i = 0; i < PER; i++)
				if (op[j]())
					goto fail;
			us[j][r] = (double)(now_ns() - t0) / PER / 1000;
		}
	}
	for (j = 0; j < SIDES - 1; j++)
		report(name[j], us[j], us[SIDES - 1]);
	pag_close(h_dev);
	pag_close(h_nl);
	return 0;
fail:
	fprintf(stderr, "libpag_setpag: %s / %s\n", pag_errmsg(h_dev),
		pag_errmsg(h_nl));
	return 1;
}
