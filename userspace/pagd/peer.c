// SPDX-License-Identifier: GPL-2.0
/*
 * The PAG of a socket peer.
 *
 * The BPF LSM program computes, when libpag asks, the PAG of the client
 * the kernel recorded on the accepted socket at connect (SO_PEERCRED's
 * credentials); libpag reads it back by fd and checks its incarnation
 * against pag.ko's registry.  Whatever cannot be proven is
 * "no PAG": such clients get the default domains, never more.  Without BPF
 * LSM or pag.ko we say so once at start-up; SO_PEERCRED is never trusted
 * in their place.
 */
#include <errno.h>

#include <pag/pag.h>
#include <pag/peer.h>

#include "common/log.h"
#include "pagd/pagd.h"

/*
 * One registry handle for the daemon's lifetime: a lookup per connection,
 * and the creation time of a PAG bound without one.  Peers are told apart
 * only with BPF LSM as well (@peers).
 */
static struct pag_handle *registry;
static bool peers;

struct pag_handle *pagd_open_pag_ko(const char *without, const char *then)
{
	struct pag_handle *h;
	int r = pag_open(&h, PAG_OPEN_KERNEL_ONLY);

	if (r < 0) {
		log_errno(LOG_WARNING, r, "%s (pag.ko: %m): %s", without, then);
		return NULL;
	}
	return h;
}

/**
 * pagd_peer_init() - find out whether peers can be told apart by PAG
 *
 * Return: 0 always; a missing piece is logged, not fatal.
 */
int pagd_peer_init(void)
{
	char why[256];

	registry = pagd_open_pag_ko("no peer identity by PAG",
				    "main-socket clients get the default "
				    "domains");
	if (!registry)
		return 0;
	if (pag_bpf_probe(why, sizeof(why)) != PAG_BPF_ACTIVE) {
		log_warning("no peer identity by PAG (%s): main-socket clients "
			    "get the default domains; give containers socket "
			    "directories",
			    why);
		return 0;
	}
	peers = true;
	return 0;
}

void pagd_peer_exit(void)
{
	pag_close(registry);
	registry = NULL;
	peers = false;
}

/*
 * pagd_peer_pag() - the PAG of the process that connected @fd.
 * Return: 0 with *@pag and *@created_ns (the incarnation) set, or -ENOENT
 * when the peer is in no PAG or its
 * PAG cannot be proven (ended, reused id, no BPF LSM), which callers treat
 * alike.
 */
int pagd_peer_pag(int fd, int32_t *pag, uint64_t *created_ns)
{
	uint64_t ns = 0;
	int32_t id = 0;
	int r;

	if (!registry || !peers)
		return -ENOENT;
	r = pag_peer_pag_h(registry, fd, &id, &ns);
	if (r < 0) {
		log_errno(LOG_DEBUG, r, "peer of fd %d: no provable PAG: %m",
			  fd);
		return -ENOENT;
	}
	if (!id || !ns)
		return -ENOENT;
	*pag = id;
	*created_ns = ns;
	return 0;
}

int pagd_peer_incarnation(int fd, int32_t *pag, uint64_t *created_ns)
{
	struct pag_peer tag;
	int r;

	if (!registry || !peers)
		return -ENOENT;
	r = pag_peer_tag_h(registry, fd, &tag);
	if (r < 0) {
		log_errno(LOG_DEBUG, r, "peer of fd %d: no PAG tag: %m", fd);
		return -ENOENT;
	}
	/* as pag_peer_pag_h() refuses them: no time, or older than its PAG */
	if (!tag.pag || !tag.created_ns ||
	    pag_tag_check(&tag, tag.created_ns) < 0)
		return -ENOENT;
	*pag = tag.pag;
	*created_ns = tag.created_ns;
	return 0;
}

int pagd_pag_created(int32_t pag, uint64_t *created_ns)
{
	struct pag_info info;
	int r;

	if (!registry)
		return -EOPNOTSUPP;
	r = pag_get(registry, pag, 0, &info);
	if (r == -ESRCH)
		r = -ENOENT;
	if (r < 0)
		return r;
	*created_ns = info.created_ns;
	return 0;
}

int pagd_pag_alive(int32_t pag, uint64_t created_ns)
{
	int r;

	if (!registry)
		return -EOPNOTSUPP;
	if (!created_ns)
		return 0; /* recorded without pag.ko: cannot be the live one */
	r = pag_get(registry, pag, created_ns, NULL);
	if (r >= 0)
		return 1;
	if (r == -ENOENT || r == -ESRCH || r == -ESTALE)
		return 0;
	return r;
}
