// SPDX-License-Identifier: GPL-2.0
/*
 * PAG handles (issue 15), printed as ratios against a baseline of the same
 * run:
 *   a switch (PAG_IOC_SWITCH between two PAGs the process holds handles
 *   for) vs KEYCTL_JOIN_SESSION_KEYRING of an existing named session
 *   keyring, the closest thing Linux offers (target: at most 1.05x);
 *   10,000 handles of one PAG vs 10,000 eventfds (another anonymous-inode
 *   file): slab memory per descriptor (from /proc/slabinfo; the file
 *   table's growth is the same for both and not counted) and the time to
 *   close them all.
 *
 * As in pag_kernel: sides alternate in many short rounds, in an order
 * that rotates every round, and the ratio printed is the median of the
 * rounds' ratios.  Run in the instruction-counted VM (tools/vmtest -I 0).
 */

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>

#include "../kernel/pag_util.h"
#include "bench_util.h"

#include <linux/pag.h>

#define ROUNDS	  41
#define PER	  100
#define N_HANDLES 10000
#define N_ROUNDS  5

static int dev = -1;
static int ref[2];
static const char *const names[2] = { "pag-bench.a", "pag-bench.b" };

static int op_switch(int i)
{
	return ioctl(dev, PAG_IOC_SWITCH, ref[i & 1]);
}

static int op_join(int i)
{
	return keyctl_join_session_keyring(names[i & 1]) < 0 ? -1 : 0;
}

/*
 * Two named session keyrings that the join finds (searchable by their
 * owner) and that outlive being left (linked into the user keyring).
 */
static int make_named(void)
{
	int i;
	key_serial_t k;

	for (i = 0; i < 2; i++) {
		k = keyctl_join_session_keyring(names[i]);
		if (k < 0 || keyctl_setperm(k, KEY_POS_ALL | KEY_USR_ALL) ||
		    keyctl_link(k, KEY_SPEC_USER_KEYRING))
			return -1;
	}
	return 0;
}

static int bench_switch(void)
{
	static double t[2][ROUNDS], r[ROUNDS];
	static const char *const side[2] = { "switch (PAG_IOC_SWITCH)",
					     "join_session_keyring(name)" };
	int (*const op[2])(int) = { op_switch, op_join };
	key_serial_t a, a2;
	int n, k, i, j;
	uint64_t t0;

	if (make_named())
		return -1;
	/*
	 * A join must find the keyring made before, not make one.  (Joining
	 * the keyring one is in returns 0, hence the detour through b.)
	 */
	a = keyctl_join_session_keyring(names[0]);
	a2 = keyctl_join_session_keyring(names[1]) > 0
		     ? keyctl_join_session_keyring(names[0])
		     : -1;
	if (a <= 0 || a != a2) {
		fprintf(stderr,
			"pag_switch: the named keyring is not reused\n");
		return -1;
	}
	for (n = 0; n < ROUNDS; n++) {
		for (k = 0; k < 2; k++) {
			j = (n + k) % 2;
			t0 = now_ns();
			for (i = 0; i < PER; i++)
				if (op[j](i))
					return -1;
			t[j][n] = (double)(now_ns() - t0) / PER / 1000;
		}
		r[n] = t[0][n] / t[1][n];
	}
	printf("%-30s %8.2f us/op   %-30s %8.2f us/op   ratio %.3f\n", side[0],
	       median(t[0], ROUNDS), side[1], median(t[1], ROUNDS),
	       median(r, ROUNDS));
	printf("  target <= 1.05x\n");
	return 0;
}

/*
 * Bytes in use in the slab caches: the sum over /proc/slabinfo of active
 * objects times their size (per-CPU caches make it approximate; the same
 * for both sides).  -1 when it cannot be read (not root).
 */
static long slab_bytes(void)
{
	unsigned long active, total, size;
	char line[512], name[64];
	long bytes = 0;
	FILE *f;

	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lu %lu %lu", name, &active, &total,
			   &size) == 4)
			bytes += (long)(active * size);
	fclose(f);
	return bytes;
}

static int make_handle(void)
{
	return ioctl(dev, PAG_IOC_REF_CURRENT, 0);
}

static int make_eventfd(void)
{
	return eventfd(0, EFD_CLOEXEC);
}

/* Make @n descriptors with @make; bytes per one, and the close time. */
static int fill_and_close(int (*make)(void), int *fds, double *bytes,
			  double *close_us)
{
	long before, after;
	uint64_t t0;
	int i;

	before = slab_bytes();
	for (i = 0; i < N_HANDLES; i++) {
		fds[i] = make();
		if (fds[i] < 0)
			return -1;
	}
	after = slab_bytes();
	*bytes = (double)(after - before) / N_HANDLES;
	t0 = now_ns();
	for (i = 0; i < N_HANDLES; i++)
		close(fds[i]);
	*close_us = (double)(now_ns() - t0) / 1000;
	return 0;
}

static int bench_many(void)
{
	static int fds[N_HANDLES];
	static double mem[2][N_ROUNDS], us[2][N_ROUNDS], r[N_ROUNDS];
	struct rlimit rl = { N_HANDLES + 256, N_HANDLES + 256 };
	int (*const make[2])(void) = { make_handle, make_eventfd };
	int n, k, j;

	if (setrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	for (n = 0; n < N_ROUNDS; n++) {
		for (k = 0; k < 2; k++) {
			j = (n + k) % 2;
			if (fill_and_close(make[j], fds, &mem[j][n], &us[j][n]))
				return -1;
		}
		r[n] = us[0][n] / us[1][n];
	}
	printf("%-30s %8.0f B/fd      %-30s %8.0f B/fd\n",
	       "10,000 PAG handles, memory", median(mem[0], N_ROUNDS),
	       "10,000 eventfds, memory", median(mem[1], N_ROUNDS));
	printf("%-30s %8.0f us        %-30s %8.0f us        ratio %.3f\n",
	       "close 10,000 PAG handles", median(us[0], N_ROUNDS),
	       "close 10,000 eventfds", median(us[1], N_ROUNDS),
	       median(r, N_ROUNDS));
	return 0;
}

int main(void)
{
	dev = open("/dev/" PAG_DEV_NAME, O_RDONLY | O_CLOEXEC);
	if (dev < 0) {
		perror("pag_switch: /dev/" PAG_DEV_NAME);
		return 1;
	}
	if (ioctl(dev, PAG_IOC_NEW, 0) <= 0) {
		perror("pag_switch: PAG_IOC_NEW");
		return 1;
	}
	ref[0] = ioctl(dev, PAG_IOC_REF_NEW, 0);
	ref[1] = ioctl(dev, PAG_IOC_REF_NEW, 0);
	if (ref[0] < 0 || ref[1] < 0) {
		perror("pag_switch: PAG_IOC_REF_NEW");
		return 1;
	}
	if (bench_switch()) {
		perror("pag_switch: switch");
		return 1;
	}
	if (ioctl(dev, PAG_IOC_SWITCH, ref[0])) {
		perror("pag_switch: PAG_IOC_SWITCH");
		return 1;
	}
	if (bench_many()) {
		perror("pag_switch: 10,000 handles");
		return 1;
	}
	return 0;
}
