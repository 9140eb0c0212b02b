// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libpag peer API: socket tags and fences kept by the pag BPF LSM program
 * in the maps pinned under PAG_BPF_PIN_DIR, and the check against the
 * registry of pag.ko (through libpag's handle) that keeps a tag from being
 * attributed to a PAG that reused its id.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>
#include <linux/pag.h>
#include <linux/pag_bpf.h>

#include "bpf/pag_fence_forget.skel.h"
#include "bpf/pag_fence_list.skel.h"
#include "internal.h"
#include "pag/peer.h"

#define LSM_LIST    "/sys/kernel/security/lsm"
#define LOCKDOWN    "/sys/kernel/security/lockdown"
#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define BPFFS	    "/sys/fs/bpf"

static int say(char *why, size_t len, int state, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* What went wrong last in this thread's fence call, for pag_fence_errmsg(). */
static __thread char fence_err[160];

PAG_EXPORT const char *pag_fence_errmsg(void)
{
	return fence_err;
}

static int say(char *why, size_t len, int state, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return state;
}

/* Read a small sysfs/securityfs file into @buf, NUL-terminated, no newline. */
static int read_line(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static bool lsm_list_has(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, name, len))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

PAG_EXPORT int pag_bpf_probe(char *why, size_t len)
{
	char buf[256];
	struct statfs sfs;
	int err;

	err = read_line(LSM_LIST, buf, sizeof(buf));
	if (err)
		return say(why, len, PAG_BPF_NO_SECURITYFS,
			   "cannot read %s: %s (is securityfs mounted?)",
			   LSM_LIST, strerror(-err));
	if (!lsm_list_has(buf, "bpf"))
		return say(why, len, PAG_BPF_NO_BPF_LSM,
			   "BPF LSM is not active: 'bpf' is not in %s "
			   "(\"%s\"); boot with lsm=%s,bpf",
			   LSM_LIST, buf, buf);
	if (access(VMLINUX_BTF, R_OK))
		return say(why, len, PAG_BPF_NO_BTF,
			   "the kernel has no BTF (%s: %s)", VMLINUX_BTF,
			   strerror(errno));
	if (!read_line(LOCKDOWN, buf, sizeof(buf)) &&
	    strstr(buf, "[confidentiality]"))
		return say(why, len, PAG_BPF_LOCKDOWN,
			   "kernel lockdown is in confidentiality mode (%s), "
			   "which forbids BPF reads of kernel memory",
			   LOCKDOWN);
	if (statfs(BPFFS, &sfs) || sfs.f_type != BPF_FS_MAGIC)
		return say(why, len, PAG_BPF_NO_BPFFS,
			   "no bpf filesystem mounted at %s", BPFFS);
	if (access(PAG_BPF_PIN_TAGS, F_OK))
		return say(why, len, PAG_BPF_NOT_LOADED,
			   "BPF LSM is available but the pag programs were "
			   "never loaded (no %s)",
			   PAG_BPF_PIN_TAGS);
	if (access(PAG_BPF_PIN_LINKS "/pag_unix_stream_connect", F_OK))
		return say(why, len, PAG_BPF_NOT_LOADED,
			   "the pag programs are detached; tags and fences are "
			   "kept in %s but new sockets are not tagged",
			   PAG_BPF_PIN_DIR);
	return say(why, len, PAG_BPF_ACTIVE,
		   "pag BPF LSM programs attached, maps pinned in %s",
		   PAG_BPF_PIN_DIR);
}

/*
 * Open the pinned map @path, whose values must be @value_size bytes:
 * -EPROTO for a map of another version of pag (`pag bpf load` says so too).
 */
static int map_open(const char *path, bool write, size_t value_size)
{
	struct bpf_obj_get_opts opts = {
		.sz = sizeof(opts),
		.file_flags = write ? 0 : BPF_F_RDONLY,
	};
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int fd, err;

	fd = bpf_obj_get_opts(path, &opts);
	if (fd >= 0) {
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			err = -errno;
		else if (info.value_size != value_size)
			err = -EPROTO;
		else
			return fd;
		close(fd);
		return err;
	}
	if (errno != ENOENT)
		return -errno;
	/* Not loaded, or cannot be: tell the two apart for the caller. */
	return pag_bpf_probe(NULL, 0) > PAG_BPF_NOT_LOADED ? -EOPNOTSUPP
							   : -ENOENT;
}

/* Rounds of the tag query before a busy socket is given up on. */
#define QUERY_TRIES 4

/*
 * Ask the program for @fd's tags (PAG_BPF_SOL_QUERY with a fresh nonce)
 * and read its answer from @map: the value is the answer only if it
 * carries our nonce, so a value left by an earlier query (or an older
 * pag) is never taken for one when the program did not run (detached, or
 * an earlier LSM refused the getsockopt).  Another thread asking about
 * the same socket at the same time may overwrite our nonce: ask again.
 */
static int tag_query(int map, int fd, struct pag_sock_tag *tag)
{
	socklen_t len;
	uint32_t nonce;
	int err = -ENODATA, i, buf;

	for (i = 0; i < QUERY_TRIES && err == -ENODATA; i++) {
		if (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce)) {
			err = -errno;
			break;
		}
		/* Never 0 (no query wrote it) and a positive optname. */
		nonce = (nonce & 0x7fffffff) | 1;
		len = sizeof(buf);
		if (!getsockopt(fd, PAG_BPF_SOL_QUERY, (int)nonce, &buf,
				&len)) {
			err = -EPROTO; /* the level means something here */
			break;
		}
		if (errno != EOPNOTSUPP && errno != ENOPROTOOPT) {
			/* ENOTSOCK, EBADF, or an LSM's refusal (EACCES) */
			err = -errno;
			break;
		}
		if (bpf_map_lookup_elem(map, &fd, tag))
			err = errno == ENOENT ? -ENODATA : -errno;
		else if (tag->query != nonce)
			err = -ENODATA;
		else
			err = 0;
	}
	return err;
}

static int tags_map_open(void)
{
	return map_open(PAG_BPF_PIN_TAGS, false, sizeof(struct pag_sock_tag));
}

static int tag_lookup(int fd, struct pag_sock_tag *tag)
{
	int map = tags_map_open(), err;

	if (map < 0)
		return map;
	err = tag_query(map, fd, tag);
	close(map);
	return err;
}

/*
 * tag_lookup() with the map @h keeps open.  A kept map may be one that
 * `pag bpf load` has since replaced, which the programs no longer write:
 * its answer never carries our nonce (-ENODATA), and the pinned map is
 * opened again and asked once more.
 */
static int tag_lookup_h(struct pag_handle *h, int fd, struct pag_sock_tag *tag)
{
	int err;

	if (h->tags_map >= 0) {
		err = tag_query(h->tags_map, fd, tag);
		if (err != -ENODATA)
			return err;
		close(h->tags_map);
		h->tags_map = -1;
	}
	h->tags_map = tags_map_open();
	if (h->tags_map < 0) {
		err = h->tags_map;
		h->tags_map = -1;
		return err;
	}
	return tag_query(h->tags_map, fd, tag);
}

PAG_EXPORT int pag_sock_tag(int fd, struct pag_peer *tag)
{
	struct pag_sock_tag t;
	int err;

	err = tag_lookup(fd, &t);
	if (err)
		return err;
	if (!(t.flags & PAG_TAG_F_OWN))
		return -ENODATA;
	tag->pag = t.pag;
	tag->tagged_ns = t.tagged_ns;
	tag->created_ns = t.created_ns;
	/* A connected socket's own tag is its peer's record of it. */
	tag->flags = t.flags & PAG_TAG_F_PEER ? PAG_PEER_F_CARRIED : 0;
	return 0;
}

/* The peer's tag from @t; -ENODATA when it has none. */
static int peer_of(const struct pag_sock_tag *t, struct pag_peer *tag)
{
	if (!(t->flags & PAG_TAG_F_PEER))
		return -ENODATA;
	tag->pag = t->peer_pag;
	tag->tagged_ns = t->peer_tagged_ns;
	tag->created_ns = t->peer_created_ns;
	tag->flags = PAG_PEER_F_CARRIED;
	return 0;
}

/* An unconnected socket has no peer to ask about. */
static int check_connected(int fd)
{
	struct sockaddr_un addr;
	socklen_t alen = sizeof(addr);

	return getpeername(fd, (struct sockaddr *)&addr, &alen) ? -errno : 0;
}

PAG_EXPORT int pag_peer_tag(int fd, struct pag_peer *tag)
{
	struct pag_sock_tag t;
	int err;

	err = check_connected(fd);
	if (!err)
		err = tag_lookup(fd, &t);
	return err ? err : peer_of(&t, tag);
}

PAG_EXPORT int pag_peer_tag_h(struct pag_handle *h, int fd,
			      struct pag_peer *tag)
{
	struct pag_sock_tag t;
	int err;

	err = check_connected(fd);
	if (!err)
		err = tag_lookup_h(h, fd, &t);
	return err ? err : peer_of(&t, tag);
}

PAG_EXPORT int pag_tag_check(const struct pag_peer *tag,
			     uint64_t pag_created_ns)
{
	return tag->tagged_ns < pag_created_ns ? -ESTALE : 0;
}

/* --- the registry of pag.ko ---------------------------------------------- */

PAG_EXPORT int pag_peer_pag_h(struct pag_handle *h, int fd, int32_t *pag,
			      uint64_t *created_ns)
{
	struct pag_info info = { 0 };
	struct pag_peer tag;
	int err;

	err = pag_peer_tag_h(h, fd, &tag);
	if (err)
		return err;
	if (tag.pag) {
		/* The tag's PAG had no readable creation time: no usable PAG.
		 */
		if (!tag.created_ns)
			return -ESTALE;
		if (pag_backend(h) != PAG_BACKEND_KERNEL)
			return -ENOPKG;
		/* The tag names its incarnation; the registry says if it lives.
		 */
		err = pag_get(h, tag.pag, tag.created_ns, &info);
		if (err == -ENOENT || err == -ESRCH || err == -ESTALE)
			return -ESTALE;
		if (err < 0)
			return err;
		if (!(info.present & PAG_INFO_HAS(PAG_A_PAG_CREATED_NS)))
			return -EPROTO;
		if (info.created_ns != tag.created_ns)
			return -ESTALE;
		err = pag_tag_check(&tag, info.created_ns);
		if (err)
			return err;
	}
	*pag = tag.pag;
	if (created_ns)
		*created_ns = tag.pag ? tag.created_ns : 0;
	return 0;
}

PAG_EXPORT int pag_peer_pag(int fd, int32_t *pag, uint64_t *created_ns)
{
	struct pag_handle *h;
	int err;

	err = pag_open(&h, PAG_OPEN_KERNEL_ONLY);
	if (err)
		return err == -ENOENT ? -ENOPKG : err;
	err = pag_peer_pag_h(h, fd, pag, created_ns);
	pag_close(h);
	return err;
}

/* --- fences -------------------------------------------------------------- */

static int cmp_incarnation(const void *a, const void *b)
{
	const struct pag_incarnation *x = a, *y = b;

	if (x->pag != y->pag)
		return (x->pag > y->pag) - (x->pag < y->pag);
	return (x->created_ns > y->created_ns) -
	       (x->created_ns < y->created_ns);
}

static int check_unix(int fd)
{
	int domain;
	socklen_t len = sizeof(domain);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len))
		return -errno;
	return domain == AF_UNIX ? 0 : -EAFNOSUPPORT;
}

/*
 * Take the lock that serializes fence writes (and loads), PAG_BPF_PIN_LOCK:
 * a directory only root can open, so nobody else can hold it.  Returns
 * its fd (close() drops the lock) or a negative errno; -ENOENT when the
 * programs were never loaded.
 */
static int fence_lock(void)
{
	int fd = open(PAG_BPF_PIN_LOCK, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		if (errno != ENOENT)
			return -errno;
		return pag_bpf_probe(NULL, 0) > PAG_BPF_NOT_LOADED ? -EOPNOTSUPP
								   : -ENOENT;
	}
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			int err = -errno;

			close(fd);
			return err;
		}
	}
	return fd;
}

/*
 * A listening socket with connections already queued: they were never
 * checked against the fence about to be set.
 */
static int check_backlog(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int listening = 0;
	socklen_t len = sizeof(listening);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len))
		return -errno;
	if (!listening)
		return 0;
	if (poll(&pfd, 1, 0) < 0)
		return -errno;
	if (pfd.revents & POLLIN) {
		snprintf(
			fence_err, sizeof(fence_err), "%s",
			"the socket is listening and has connections queued "
			"that no fence checked: set the fence before listen()");
		return -EBUSY;
	}
	return 0;
}

PAG_EXPORT int pag_fence_set(int fd, const struct pag_incarnation *pags,
			     size_t n, int no_pag)
{
	struct pag_incarnation *sorted = NULL;
	struct pag_fence *fence;
	size_t i, count = 0;
	int map, lock, err;

	fence_err[0] = '\0';
	if (n > PAG_FENCE_MAX)
		return -E2BIG;
	for (i = 0; i < n; i++)
		if (pags[i].pag <= 0 || !pags[i].created_ns ||
		    pags[i].created_ns >= PAG_FENCE_CREATED_BUSY)
			return -EINVAL;
	err = check_unix(fd);
	if (err)
		return err;

	fence = calloc(1, sizeof(*fence));
	if (n)
		sorted = malloc(n * sizeof(*sorted));
	if (!fence || (n && !sorted)) {
		err = -ENOMEM;
		goto out;
	}
	if (n)
		memcpy(sorted, pags, n * sizeof(*pags));
	qsort(sorted, n, sizeof(*sorted), cmp_incarnation);
	/*
	 * One incarnation per id: of two, the older has ended (an id is
	 * reused only once its PAG is gone), so the newest stands.
	 */
	for (i = 0; i < n; i++) {
		if (i + 1 < n && sorted[i + 1].pag == sorted[i].pag)
			continue;
		fence->pags[count].pag = sorted[i].pag;
		fence->pags[count].created_ns = sorted[i].created_ns;
		count++;
	}
	fence->count = count;
	fence->flags = no_pag ? PAG_FENCE_F_NO_PAG : 0;

	map = map_open(PAG_BPF_PIN_FENCES, true, sizeof(struct pag_fence));
	if (map < 0) {
		err = map;
		goto out;
	}
	lock = fence_lock();
	if (lock < 0) {
		err = lock;
		goto out_close;
	}
	err = check_backlog(fd);
	if (!err && bpf_map_update_elem(map, &fd, fence, BPF_ANY))
		err = -errno;
	close(lock);
out_close:
	close(map);
out:
	free(sorted);
	free(fence);
	return err;
}

PAG_EXPORT int pag_fence_clear(int fd)
{
	int map, lock, err = 0;

	map = map_open(PAG_BPF_PIN_FENCES, true, sizeof(struct pag_fence));
	if (map < 0)
		return map;
	lock = fence_lock();
	if (lock < 0) {
		close(map);
		return lock;
	}
	if (bpf_map_delete_elem(map, &fd) && errno != ENOENT)
		err = -errno;
	close(lock);
	close(map);
	return err;
}

PAG_EXPORT int pag_fence_get(int fd, struct pag_incarnation *pags, size_t max,
			     size_t *n, int *no_pag)
{
	struct pag_fence *fence;
	int map, err = 0;
	size_t count, i;

	fence = malloc(sizeof(*fence));
	if (!fence)
		return -ENOMEM;
	map = map_open(PAG_BPF_PIN_FENCES, false, sizeof(struct pag_fence));
	if (map < 0) {
		err = map;
		goto out;
	}
	if (bpf_map_lookup_elem(map, &fd, fence)) {
		err = errno == ENOENT ? -ENODATA : -errno;
		goto out_close;
	}
	/* pag_fence_forget() leaves duplicates; report each entry once. */
	*n = 0;
	count = fence->count > PAG_FENCE_MAX ? PAG_FENCE_MAX : fence->count;
	for (i = 0; i < count; i++) {
		const struct pag_fence_entry *e = &fence->pags[i];

		if (i && e->pag == e[-1].pag &&
		    e->created_ns == e[-1].created_ns)
			continue;
		if (*n < max) {
			pags[*n].pag = e->pag;
			pags[*n].created_ns = e->created_ns;
		}
		(*n)++;
	}
	*no_pag = !!(fence->flags & PAG_FENCE_F_NO_PAG);
out_close:
	close(map);
out:
	free(fence);
	return err;
}

/*
 * Run @prog over every fence of @map; what it writes is appended to @out
 * (malloc'd, *@len bytes) when @out is given, else dropped.
 */
static int iter_run(struct bpf_program *prog, int map, char **out, size_t *len)
{
	LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info info = { 0 };
	struct bpf_link *link;
	size_t size = 0;
	int iter, err = 0;
	char buf[4096];
	ssize_t r;

	info.map.map_fd = map;
	opts.link_info = &info;
	opts.link_info_len = sizeof(info);
	link = bpf_program__attach_iter(prog, &opts);
	if (!link)
		return -errno;
	iter = bpf_iter_create(bpf_link__fd(link));
	if (iter < 0) {
		err = -errno;
		goto out;
	}
	if (out) {
		*out = NULL;
		*len = 0;
	}
	while ((r = read(iter, buf, sizeof(buf))) > 0) {
		char *grown;

		if (!out)
			continue;
		if (*len + r > size) {
			size = (*len + r) * 2;
			grown = realloc(*out, size);
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			*out = grown;
		}
		memcpy(*out + *len, buf, r);
		*len += r;
	}
	if (r < 0)
		err = -errno;
	if (err && out) {
		free(*out);
		*out = NULL;
	}
	close(iter);
out:
	bpf_link__destroy(link);
	return err;
}

PAG_EXPORT int pag_fence_forget(int32_t pag, uint64_t created_ns)
{
	struct pag_fence_forget *skel = NULL;
	int map, lock = -1, err;

	if (pag <= 0 || created_ns >= PAG_FENCE_CREATED_BUSY)
		return -EINVAL;
	map = map_open(PAG_BPF_PIN_FENCES, false, sizeof(struct pag_fence));
	if (map < 0)
		return map;
	skel = pag_fence_forget__open();
	if (!skel) {
		err = -errno;
		goto out;
	}
	err = bpf_map__reuse_fd(skel->maps.pag_fences, map);
	if (!err)
		err = pag_fence_forget__load(skel);
	if (err)
		goto out;
	skel->bss->forget_pag = pag;
	skel->bss->forget_created = created_ns;
	/*
	 * Two forgets at once would each rewrite entries the other reads, and
	 * could copy an ended entry back into place; a fence set in the middle
	 * would be half rewritten.  Hold the fence lock for the walk.
	 */
	lock = fence_lock();
	if (lock < 0) {
		err = lock;
		goto out;
	}
	/* Reading runs the program over every fence; it prints nothing. */
	err = iter_run(skel->progs.pag_fence_forget, map, NULL, NULL);
	if (!err)
		err = (int)skel->bss->forgotten;
out:
	if (lock >= 0)
		close(lock);
	pag_fence_forget__destroy(skel);
	close(map);
	return err;
}

PAG_EXPORT int pag_fence_pags(struct pag_incarnation **pags, size_t *n)
{
	struct pag_fence_list *skel;
	size_t len = 0, pos, count = 0, i;
	struct pag_incarnation *all = NULL;
	char *buf = NULL;
	int map, err;

	map = map_open(PAG_BPF_PIN_FENCES, false, sizeof(struct pag_fence));
	if (map < 0)
		return map;
	skel = pag_fence_list__open();
	if (!skel) {
		err = -errno;
		close(map);
		return err;
	}
	err = bpf_map__reuse_fd(skel->maps.pag_fences, map);
	if (!err)
		err = pag_fence_list__load(skel);
	if (!err)
		err = iter_run(skel->progs.pag_fence_list, map, &buf, &len);
	if (err)
		goto out;
	/* Whole fences, one after the other. */
	if (len % sizeof(struct pag_fence)) {
		err = -EPROTO;
		goto out;
	}
	all = calloc(len / sizeof(struct pag_fence) * PAG_FENCE_MAX + 1,
		     sizeof(*all));
	if (!all) {
		err = -ENOMEM;
		goto out;
	}
	for (pos = 0; pos < len; pos += sizeof(struct pag_fence)) {
		const struct pag_fence *f = (const void *)(buf + pos);
		uint32_t k =
			f->count > PAG_FENCE_MAX ? PAG_FENCE_MAX : f->count;

		for (i = 0; i < k; i++) {
			/* A time of a rewrite in progress names no PAG. */
			if (!f->pags[i].created_ns ||
			    f->pags[i].created_ns >= PAG_FENCE_CREATED_BUSY)
				continue;
			all[count].pag = f->pags[i].pag;
			all[count].created_ns = f->pags[i].created_ns;
			count++;
		}
	}
	qsort(all, count, sizeof(*all), cmp_incarnation);
	for (*n = 0, i = 0; i < count; i++)
		if (!*n || cmp_incarnation(&all[*n - 1], &all[i]))
			all[(*n)++] = all[i];
	*pags = all;
	all = NULL;
out:
	free(all);
	free(buf);
	pag_fence_list__destroy(skel);
	close(map);
	return err;
}
