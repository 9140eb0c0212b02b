// SPDX-License-Identifier: GPL-2.0
/*
 * The PAG of a socket peer.
 *
 * The BPF LSM program tags every socket with its creator's PAG and carries
 * the client's tag to the accepted socket; libpag reads it back by fd and
 * checks it against pag.ko's registry (a tag taken before a PAG with a
 * reused id was created is not that PAG's).  Whatever cannot be proven is
 * "no PAG": such clients get the default domains, never more.  Without BPF
 * LSM or pag.ko we say so once at start-up; SO_PEERCRED is never trusted
 * in their place.
 */
#include <errno.h>

#include <pag/pag.h>
#include <pag/peer.h>

#include "common/log.h"
#include "pagd/pagd.h"

/* One registry handle for the daemon's lifetime: a lookup per connection. */
static struct pag_handle *registry;

/**
 * pagd_peer_init() - find out whether peers can be told apart by PAG
 *
 * Return: 0 always; a missing piece is logged, not fatal.
 */
int pagd_peer_init(void)
{
	char why[256];
	int r;

	if (pag_bpf_probe(why, sizeof(why)) != PAG_BPF_ACTIVE) {
		log_warning("no peer identity by PAG (%s): main-socket clients "
			    "get the default domains; give containers socket "
			    "directories",
			    why);
		return 0;
	}
	r = pag_open(&registry, PAG_OPEN_KERNEL_ONLY);
	if (r < 0) {
		log_errno(LOG_WARNING, r,
			  "no peer identity by PAG: pag.ko: %m; main-socket "
			  "clients get the default domains");
		registry = NULL;
	}
	return 0;
}

void pagd_peer_exit(void)
{
	pag_close(registry);
	registry = NULL;
}

/*
 * pagd_peer_pag() - the PAG of the process that connected @fd.
 * Return: 0 with *@pag set, or -ENOENT when the peer is in no PAG or its
 * PAG cannot be proven (ended, reused id, no BPF LSM), which callers treat
 * alike.
 */
int pagd_peer_pag(int fd, int32_t *pag)
{
	int32_t id = 0;
	int r;

	if (!registry)
		return -ENOENT;
	r = pag_peer_pag_h(registry, fd, &id, NULL);
	if (r < 0) {
		log_errno(LOG_DEBUG, r, "peer of fd %d: no provable PAG: %m",
			  fd);
		return -ENOENT;
	}
	if (!id)
		return -ENOENT;
	*pag = id;
	return 0;
}
