// SPDX-License-Identifier: GPL-2.0
/*
 * Cost of the pag BPF LSM programs: socket()+close() and a unix stream
 * connect/accept/close loop, with the programs attached versus detached,
 * and connecting to a full fence.  Rounds alternate between the two
 * states and the best round of each counts, so drift of a shared machine
 * hits both alike.  Prints ratios (attached / detached); asserts nothing.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <linux/pag_bpf.h>

#include "loader.h"
#include "pag/pag.h"
#include "pag/peer.h"

#define ROUNDS 5

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int srv = -1;
static struct sockaddr_un addr;
static socklen_t alen;

static int socket_close(int n)
{
	int i, fd;

	for (i = 0; i < n; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return -errno;
		close(fd);
	}
	return 0;
}

static int connect_accept_close(int n)
{
	int i, fd, acc;

	for (i = 0; i < n; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&addr, alen))
			return -errno;
		acc = accept(srv, NULL, NULL);
		if (acc < 0)
			return -errno;
		close(acc);
		close(fd);
	}
	return 0;
}

/* Best time per operation of @fn over ROUNDS rounds, in ns; <0 on error. */
static double best(int (*fn)(int), int n)
{
	double t, min = 1e30;
	int r;

	if (fn(n / 10))
		return -1;
	for (r = 0; r < ROUNDS; r++) {
		t = now();
		if (fn(n))
			return -1;
		t = (now() - t) / n * 1e9;
		if (t < min)
			min = t;
	}
	return min;
}

static int setup_listener(void)
{
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, "pag-bench-%d",
		 getpid());
	alen = offsetof(struct sockaddr_un, sun_path) + 1 +
	       strlen(addr.sun_path + 1);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&addr, alen) ||
	    listen(srv, 64))
		return -errno;
	return 0;
}

/* Admit no PAG and a full set of others, so the search runs to the end. */
static int fence_listener(void)
{
	static int32_t pags[PAG_FENCE_MAX];
	int i;

	for (i = 0; i < PAG_FENCE_MAX; i++)
		pags[i] = 1000 + i;
	return pag_fence_set(srv, pags, PAG_FENCE_MAX, 1);
}

struct bench {
	const char *name;
	int (*fn)(int);
	int n;
	double detached, attached;
};

/* Join a new PAG of pag.ko (in the VM); 0 or a negative errno. */
static int enter_pag(void)
{
	struct pag_handle *h;
	int err = pag_open(&h, PAG_OPEN_KERNEL_ONLY);

	if (err)
		return err;
	err = pag_create(h, NULL);
	pag_close(h);
	return err < 0 ? err : 0; /* the new PAG's id */
}

int main(void)
{
	struct bench b[] = {
		{ .name = "socket()+close()", .fn = socket_close, .n = 20000 },
		{ .name = "unix connect+accept+close",
		  .fn = connect_accept_close,
		  .n = 5000 },
	};
	double fenced = -1, in_pag = -1, t;
	size_t i;
	int err;

	pag_bpf_unload(true);
	err = setup_listener();
	if (err) {
		fprintf(stderr, "bpf_lsm_bench: listener: %s\n",
			strerror(-err));
		return 1;
	}
	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		b[i].detached = best(b[i].fn, b[i].n);
		if (pag_bpf_load(false))
			return 1;
		b[i].attached = best(b[i].fn, b[i].n);
		if (pag_bpf_unload(true))
			return 1;
		/* And once more detached, keeping the better of the two. */
		t = best(b[i].fn, b[i].n);
		if (t < b[i].detached)
			b[i].detached = t;
		if (b[i].detached <= 0 || b[i].attached <= 0) {
			fprintf(stderr, "bpf_lsm_bench: %s failed\n",
				b[i].name);
			return 1;
		}
	}
	if (!pag_bpf_load(false) && !fence_listener())
		fenced = best(connect_accept_close, b[1].n);
	/* Sockets in a PAG also read the clock; the rows above are in none. */
	err = pag_bpf_load(false) ?: enter_pag();
	if (!err)
		in_pag = best(socket_close, b[0].n);
	else
		fprintf(stderr, "bpf_lsm_bench: in a PAG: %s\n",
			strerror(-err));
	pag_bpf_unload(true);

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		printf("%-28s attached/detached %.3f  (%.0f ns vs %.0f ns)\n",
		       b[i].name, b[i].attached / b[i].detached, b[i].attached,
		       b[i].detached);
	if (fenced > 0)
		printf("%-28s fenced(%d)/detached %.3f  (%.0f ns)\n",
		       "unix connect+accept+close", PAG_FENCE_MAX,
		       fenced / b[1].detached, fenced);
	if (in_pag > 0)
		printf("%-28s in a PAG/detached %.3f  (%.0f ns)\n",
		       "socket()+close()", in_pag / b[0].detached, in_pag);
	close(srv);
	return 0;
}
