// SPDX-License-Identifier: GPL-2.0
/*
 * 10,000 live PAGs (issue targets: the dump at most 50 ms, kernel memory
 * at most 1 KiB per PAG beyond the keyring itself), printed against
 * baselines of the same run:
 *   - the dump of the crowd's PAGs as `pag list` reads it (libpag's
 *     pag_iterate(), every message parsed), against reading /proc/keys,
 *     which lists the same keyrings; also the kernel's side alone (the
 *     messages received, not parsed);
 *   - slab memory per PAG, against per plain anonymous session keyring
 *     (KEYCTL_JOIN_SESSION_KEYRING(NULL)): the difference is what a PAG
 *     costs beyond its keyring (its marker key, registry entry, ...).
 * make bench runs it under tools/vmtest -I 0, where the guest's clock
 * advances 1 ns per instruction executed: its milliseconds are millions
 * of instructions, which a host core retiring at least one instruction
 * per nanosecond runs in at most as many milliseconds.
 */

#include <stdio.h>

#include <pag/pag.h>

#include "../../userspace/lib/internal.h"
#include "bench_util.h"
#include "../kernel/pag_crowd.h"

#define CROWD  10000
#define ROUNDS 5

static double ms_since(uint64_t t0)
{
	return (double)(boottime_ns() - t0) / 1e6;
}

/* Slab in use (reclaimable and not), in bytes. */
static long long slab_bytes(void)
{
	char line[256];
	long long kb, total = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %lld kB", &kb) == 1)
			total = kb * 1024;
	fclose(f);
	return total;
}

/* Drop what the key GC and RCU still hold, so slab figures settle. */
static void settle(void)
{
	wait_no_pags(60000);
	sleep(2);
	sync();
	if (write_str("/proc/sys/vm/drop_caches", "3"))
		perror("drop_caches");
	sleep(1);
}

/*
 * The dump as the kernel makes it: request, then read every part into a
 * @size-byte buffer (the kernel sizes a dump's parts to the reader's
 * buffer, up to 32 KiB) and count the messages, parsing nothing.
 */
static int dump_raw(struct pag_nl *nl, size_t size)
{
	static char buf[65536];
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = pag_msg_get(nl, req, 0, 0, true);
	int n = 0;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t len = recv(mnl_socket_get_fd(nl->sock), buf, size, 0);

		if (len <= 0)
			return -1;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, (int)len);
		     nlh = mnl_nlmsg_next(nlh, (int *)&len)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				return n;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return -1;
			n++;
		}
	}
}

static int read_proc_keys(void)
{
	char buf[65536];
	int fd = open("/proc/keys", O_RDONLY | O_CLOEXEC), lines = 0;
	ssize_t len;

	if (fd < 0)
		return -1;
	while ((len = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < len; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

/*
 * Starts a crowd of @kind in @c, after the slab has settled; returns the
 * slab bytes per member.
 */
static double crowd_with_slab(enum crowd_kind kind, struct crowd *c)
{
	long long before, during;

	settle();
	before = slab_bytes();
	if (crowd_start(c, kind, CROWD)) {
		perror("crowd");
		return -1;
	}
	sleep(1);
	during = slab_bytes();
	return (double)(during - before) / CROWD;
}

/* Median milliseconds of ROUNDS calls of @fn, which must return @want. */
static double timed(int (*fn)(void *), void *arg, int want, const char *what)
{
	double ms[ROUNDS];

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t t0 = boottime_ns();
		int n = fn(arg);

		ms[r] = ms_since(t0);
		if (n < want) {
			fprintf(stderr, "pag_scale: %s listed %d of %d\n", what,
				n, want);
			exit(1);
		}
	}
	return median(ms, ROUNDS);
}

static int proc_keys_fn(void *arg)
{
	(void)arg;
	return read_proc_keys();
}

static int count_cb(const struct pag_info *info, void *arg)
{
	(void)info;
	++*(int *)arg;
	return 0;
}

static int dump_fn(void *h)
{
	int n = 0;

	return pag_iterate(h, count_cb, &n) ? -1 : n;
}

static int dump_raw_fn(void *h)
{
	return dump_raw(&((struct pag_handle *)h)->req, 32768);
}

int main(void)
{
	double keyring_b, pag_b, keys_ms, dump_ms, raw_ms;
	struct pag_handle *h;
	struct crowd c;
	int err;

	err = pag_open(&h, PAG_OPEN_KERNEL_ONLY);
	if (err < 0) {
		fprintf(stderr, "pag_scale: pag_open: %s\n", strerror(-err));
		return 1;
	}
	/* Baselines: plain keyrings, and /proc/keys listing them all. */
	keyring_b = crowd_with_slab(CROWD_KEYRING, &c);
	if (keyring_b < 0)
		return 1;
	keys_ms = timed(proc_keys_fn, NULL, CROWD, "/proc/keys");
	crowd_release(&c);

	pag_b = crowd_with_slab(CROWD_PAG, &c);
	if (pag_b < 0)
		return 1;
	dump_ms = timed(dump_fn, h, CROWD, "the dump");
	raw_ms = timed(dump_raw_fn, h, CROWD, "the unparsed dump");
	crowd_release(&c);
	pag_close(h);

	printf("%d live PAGs (baseline: as many plain session keyrings), "
	       "median of %d rounds\n",
	       CROWD, ROUNDS);
	printf("%-38s %11s %11s %8s  %s\n", "measure", "ours", "baseline",
	       "ratio", "target");
	printf("%-38s %8.1f ms %8.1f ms %7.2fx  %s\n",
	       "dump, libpag (pag list) vs /proc/keys", dump_ms, keys_ms,
	       dump_ms / keys_ms, "<= 50 ms");
	printf("%-38s %8.1f ms %8.1f ms %7.2fx  %s\n",
	       "dump, unparsed vs /proc/keys", raw_ms, keys_ms,
	       raw_ms / keys_ms, "(kernel side)");
	printf("%-38s %8.0f B  %8.0f B  %7.2fx  %s\n",
	       "slab per PAG vs per keyring", pag_b, keyring_b,
	       pag_b / keyring_b, "<= keyring + 1024 B");
	printf("a PAG beyond its keyring: %.0f bytes (each member's thread "
	       "is in both)\n",
	       pag_b - keyring_b);
	return 0;
}
