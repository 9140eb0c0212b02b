// SPDX-License-Identifier: GPL-2.0
/*
 * Cost of the pag BPF LSM programs: socket()+close() and a unix stream
 * connect/accept/close loop, with the programs attached versus detached,
 * in no PAG and in a PAG, connecting to a full fence, and the same loop
 * with the server asking for its peer's tag as libpag does (the storage
 * is made then, not at connect; both states make the same calls); and,
 * with the programs attached, a connect to a fenced listener against the
 * same connect to an unfenced one.  Each row prints the target.
 *
 * The programs are loaded once; each round of a row times the same loop
 * (same function, same listener, same fds) once detached and once
 * attached, in alternating order, so drift of a shared machine (other VMs,
 * RCU callbacks of the previous round) hits both states alike.  The row
 * reports the median of the per-round ratios and their spread.  Prints
 * ratios (attached / detached); asserts nothing.
 *
 *   bpf_lsm_bench [-r ROUNDS] [-s SCALE] [-p PROG,...] [-o OBJECT] [-k]
 *
 * Under a loaded host, wall-clock rounds in the emulated VM scatter by a
 * factor of several; `make bench` runs the VM with --icount, where the
 * guest's clock counts instructions and the rounds agree within a few
 * percent.  -k runs only the socket()+close() row in no PAG (quick looks).
 * -p attaches only the named programs (to see what each hook costs); -o
 * loads another BPF object with the same maps instead of pag_lsm (to try a
 * variant of the programs).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pag.h>
#include <linux/pag_bpf.h>

#include "bpf/pag_lsm.skel.h"
#include "pag/pag.h"
#include "bench_util.h"

#define MAX_ROUNDS 101
#define MAX_PROGS  16

static struct bpf_object *obj;
static struct bpf_link *links[MAX_PROGS];
static const char *only;
static bool quick;
static int rounds = 15, scale = 1;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- the loops ----------------------------------------------------------- */

static int plain_srv = -1, fenced_srv = -1;
static struct sockaddr_un plain_addr, fenced_addr;
static socklen_t plain_alen, fenced_alen;

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

/* The tag map's fd, for the query row; -1 for the other rows. */
static int tags_fd = -1;

/*
 * What a server pays to learn its peer's PAG, as libpag asks: the query
 * (which the kernel fails, EOPNOTSUPP) and the map lookup (which finds
 * nothing while detached).  The nonce need not vary here.
 */
static void query(int acc)
{
	struct pag_sock_tag tag;
	socklen_t len;
	int buf;

	len = sizeof(buf);
	getsockopt(acc, PAG_BPF_SOL_QUERY, 1, &buf, &len);
	bpf_map_lookup_elem(tags_fd, &acc, &tag);
}

static int connect_loop(int n, int srv, const struct sockaddr_un *addr,
			socklen_t alen)
{
	int i, fd, acc;

	for (i = 0; i < n; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (const struct sockaddr *)addr, alen)) {
			close(fd);
			return -errno;
		}
		acc = accept(srv, NULL, NULL);
		if (acc < 0)
			return -errno;
		if (tags_fd >= 0)
			query(acc);
		close(acc);
		close(fd);
	}
	return 0;
}

static int connect_plain(int n)
{
	return connect_loop(n, plain_srv, &plain_addr, plain_alen);
}

static int connect_queried(int n)
{
	int err;

	tags_fd =
		bpf_map__fd(bpf_object__find_map_by_name(obj, "pag_sock_tags"));
	if (tags_fd < 0)
		return -ENOENT;
	err = connect_loop(n, plain_srv, &plain_addr, plain_alen);
	tags_fd = -1;
	return err;
}

static int connect_fenced(int n)
{
	return connect_loop(n, fenced_srv, &fenced_addr, fenced_alen);
}

static int listener(struct sockaddr_un *addr, socklen_t *alen, const char *name)
{
	int fd;

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1,
		 "pag-bench-%d-%s", getpid(), name);
	*alen = offsetof(struct sockaddr_un, sun_path) + 1 +
		strlen(addr->sun_path + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, *alen) ||
	    listen(fd, 64))
		return -errno;
	return fd;
}

/* Creation time of the PAG enter_pag() made, for the fence. */
static uint64_t pag_created;

/*
 * A full fence that admits @pag, so the search runs all its steps; only
 * sockets in @pag reach the listener.  Written through the object's own
 * map fd, so pag's pins are not needed.
 */
static int fence_listener(int32_t pag)
{
	static struct pag_fence fence;
	struct bpf_map *map;
	int32_t base = pag > PAG_FENCE_MAX ? pag - PAG_FENCE_MAX / 2 : 1;
	int i;

	map = bpf_object__find_map_by_name(obj, "pag_fences");
	if (!map)
		return -ENOENT;
	for (i = 0; i < PAG_FENCE_MAX; i++) {
		fence.pags[i].pag = base + i;
		fence.pags[i].created_ns = pag_created;
	}
	fence.count = PAG_FENCE_MAX;
	fence.flags = 0;
	if (bpf_map_update_elem(bpf_map__fd(map), &fenced_srv, &fence, BPF_ANY))
		return -errno;
	return 0;
}

/* --- attaching and detaching --------------------------------------------- */

static bool wanted(const char *name)
{
	const char *p = only;
	size_t len = strlen(name);

	if (!only)
		return true;
	while ((p = strstr(p, name))) {
		if ((p == only || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

static int attach(void)
{
	struct bpf_program *prog;
	int n = 0;

	bpf_object__for_each_program(prog, obj)
	{
		if (!wanted(bpf_program__name(prog)))
			continue;
		if (n == MAX_PROGS)
			return -E2BIG;
		links[n] = bpf_program__attach(prog);
		if (!links[n])
			return -errno;
		n++;
	}
	return 0;
}

static void detach(void)
{
	int i;

	for (i = 0; i < MAX_PROGS; i++) {
		bpf_link__destroy(links[i]);
		links[i] = NULL;
	}
}

/* The object, loaded once, with the keyring prefix of pag.ko. */
static int load(const char *path, struct pag_lsm **skel)
{
	char prefix[] = PAG_KEYRING_PREFIX;
	struct bpf_map *config;
	__u32 zero = 0;
	int err;

	if (path) {
		obj = bpf_object__open_file(path, NULL);
		if (!obj)
			return -errno;
		err = bpf_object__load(obj);
	} else {
		*skel = pag_lsm__open();
		if (!*skel)
			return -errno;
		obj = (*skel)->obj;
		err = pag_lsm__load(*skel);
	}
	if (err)
		return err;
	config = bpf_object__find_map_by_name(obj, "pag_config");
	if (!config)
		return -ENOENT;
	/* Sized for the prefix without its NUL. */
	if (bpf_map_update_elem(bpf_map__fd(config), &zero, prefix, BPF_ANY))
		return -errno;
	return 0;
}

/* --- rows ------------------------------------------------------------ */

struct row {
	const char *name;
	int (*fn)(int);
	int n;
	/* The ceiling for the ratio; 0 for none. */
	double target;
};

static void print_target(double target)
{
	if (target > 0)
		printf("  target <= %.2fx %s\n", target,
		       "(pass or fail by this median)");
	else
		printf("  target: none\n");
}

/* Time per operation of @fn(@n), in ns; <0 on error. */
static double timed(int (*fn)(int), int n)
{
	double t = now();

	if (fn(n))
		return -1;
	return (now() - t) / n * 1e9;
}

/* One pass in each state, not counted. */
static int fn_warm(const struct row *row, int n)
{
	int err = attach();

	if (!err)
		err = row->fn(n / 4);
	detach();
	return err ?: row->fn(n / 4);
}

static int run_row(const struct row *row, const char *state)
{
	double ratio[MAX_ROUNDS], det[MAX_ROUNDS], att[MAX_ROUNDS];
	int r, n = row->n * scale, err;

	/* Warm both states up: caches, slabs, the trampoline. */
	if (fn_warm(row, n))
		return -1;
	for (r = 0; r < rounds; r++) {
		bool attached_first = r & 1;

		if (attached_first) {
			err = attach();
			att[r] = err ? -1 : timed(row->fn, n);
			detach();
			det[r] = timed(row->fn, n);
		} else {
			det[r] = timed(row->fn, n);
			err = attach();
			att[r] = err ? -1 : timed(row->fn, n);
			detach();
		}
		if (det[r] <= 0 || att[r] <= 0) {
			fprintf(stderr, "bpf_lsm_bench: %s failed: %s\n",
				row->name, strerror(err ? -err : errno));
			return -1;
		}
		ratio[r] = att[r] / det[r];
	}
	qsort(ratio, rounds, sizeof(double), cmp_double);
	qsort(det, rounds, sizeof(double), cmp_double);
	qsort(att, rounds, sizeof(double), cmp_double);
	printf("%-26s %-9s attached/detached median %.3f  "
	       "[quartiles %.3f %.3f, range %.3f %.3f]  (%.0f ns vs %.0f ns, "
	       "%d rounds)\n",
	       row->name, state, ratio[rounds / 2], ratio[rounds / 4],
	       ratio[rounds - 1 - rounds / 4], ratio[0], ratio[rounds - 1],
	       att[rounds / 2], det[rounds / 2], rounds);
	print_target(row->target);
	fflush(stdout);
	return 0;
}

/*
 * @row against @base, both with the programs attached, in alternating
 * order: what a fence adds to a connect over the same connect to an
 * unfenced listener.
 */
static int run_pair(const struct row *row, const struct row *base)
{
	double ratio[MAX_ROUNDS], a[MAX_ROUNDS], b[MAX_ROUNDS];
	int r, n = row->n * scale, err;

	err = attach();
	if (!err && (row->fn(n / 4) || base->fn(n / 4)))
		err = -errno ?: -EIO;
	for (r = 0; !err && r < rounds; r++) {
		if (r & 1) {
			a[r] = timed(row->fn, n);
			b[r] = timed(base->fn, n);
		} else {
			b[r] = timed(base->fn, n);
			a[r] = timed(row->fn, n);
		}
		if (a[r] <= 0 || b[r] <= 0)
			err = -errno ?: -EIO;
		else
			ratio[r] = a[r] / b[r];
	}
	detach();
	if (err) {
		fprintf(stderr, "bpf_lsm_bench: %s failed: %s\n", row->name,
			strerror(-err));
		return -1;
	}
	qsort(ratio, rounds, sizeof(double), cmp_double);
	qsort(a, rounds, sizeof(double), cmp_double);
	qsort(b, rounds, sizeof(double), cmp_double);
	printf("%-26s %-9s fenced/unfenced median %.3f  "
	       "[quartiles %.3f %.3f, range %.3f %.3f]  (%.0f ns vs %.0f ns, "
	       "%d rounds, both attached)\n",
	       row->name, "in a PAG", ratio[rounds / 2], ratio[rounds / 4],
	       ratio[rounds - 1 - rounds / 4], ratio[0], ratio[rounds - 1],
	       a[rounds / 2], b[rounds / 2], rounds);
	print_target(row->target);
	fflush(stdout);
	return 0;
}

/* Join a new PAG of pag.ko; its id or a negative errno. */
static int enter_pag(void)
{
	struct pag_info info = { 0 };
	struct pag_handle *h;
	int err = pag_open(&h, PAG_OPEN_KERNEL_ONLY);

	if (err)
		return err;
	err = pag_create(h, &info);
	pag_created = info.created_ns;
	pag_close(h);
	return err;
}

int main(int argc, char **argv)
{
	static const struct row no_pag[] = {
		{ "socket()+close()", socket_close, 2000, 1.03 },
		{ "unix connect+accept+close", connect_plain, 1000, 1.10 },
	};
	static const struct row in_pag[] = {
		{ "socket()+close()", socket_close, 2000, 1.03 },
		{ "unix connect+accept+close", connect_plain, 1000, 1.10 },
		{ "connect to a full fence", connect_fenced, 1000, 1.10 },
		{ "connect+accept+query+close", connect_queried, 1000, 0 },
	};
	static const struct row fenced = { "fenced listener", connect_fenced,
					   1000, 0 };
	static const struct row unfenced = { "unfenced", connect_plain, 1000,
					     0 };
	struct pag_lsm *skel = NULL;
	const char *path = NULL;
	int opt, err, rc = 0;
	int32_t pag;
	size_t i;

	while ((opt = getopt(argc, argv, "r:s:p:o:k")) != -1) {
		switch (opt) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 's':
			scale = atoi(optarg);
			break;
		case 'p':
			only = optarg;
			break;
		case 'o':
			path = optarg;
			break;
		case 'k':
			quick = true;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-r ROUNDS] [-s SCALE] "
				"[-p PROG,...] [-o OBJECT] [-k]\n",
				argv[0]);
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || scale < 1) {
		fprintf(stderr, "bpf_lsm_bench: rounds 1..%d, scale >= 1\n",
			MAX_ROUNDS);
		return 2;
	}
	/* Programs attached for good would be in both states alike. */
	if (!access(PAG_BPF_PIN_LINKS, F_OK)) {
		fprintf(stderr,
			"bpf_lsm_bench: pag's programs are loaded "
			"(%s); 'pag bpf unload' first\n",
			PAG_BPF_PIN_LINKS);
		return 1;
	}
	err = load(path, &skel);
	if (err) {
		fprintf(stderr, "bpf_lsm_bench: cannot load the programs: %s\n",
			strerror(-err));
		return 1;
	}
	plain_srv = listener(&plain_addr, &plain_alen, "plain");
	fenced_srv = listener(&fenced_addr, &fenced_alen, "fenced");
	if (plain_srv < 0 || fenced_srv < 0) {
		fprintf(stderr, "bpf_lsm_bench: listener: %s\n",
			strerror(-(plain_srv < 0 ? plain_srv : fenced_srv)));
		return 1;
	}

	for (i = 0; i < (quick ? 1 : sizeof(no_pag) / sizeof(no_pag[0])); i++)
		if (run_row(&no_pag[i], "no PAG"))
			rc = 1;
	if (quick)
		goto out;

	pag = enter_pag();
	err = pag < 0 ? pag : fence_listener(pag);
	if (err) {
		fprintf(stderr, "bpf_lsm_bench: in a PAG: %s\n",
			strerror(-err));
		rc = 1;
	}
	for (i = 0; !err && i < sizeof(in_pag) / sizeof(in_pag[0]); i++)
		if (run_row(&in_pag[i], "in a PAG"))
			rc = 1;
	if (!err && run_pair(&fenced, &unfenced))
		rc = 1;

out:
	close(plain_srv);
	close(fenced_srv);
	if (skel)
		pag_lsm__destroy(skel);
	else
		bpf_object__close(obj);
	return rc;
}
