// SPDX-License-Identifier: GPL-2.0
/*
 * The PAG of a socket peer.
 *
 * The BPF LSM program tags every socket with its creator's PAG and carries
 * the client's tag to the accepted socket; libpag reads it back by fd from
 * the pinned sk_storage map.  Until that call is wired in, no peer has a
 * PAG, and main-socket clients get the default domains: never more.
 */
#include <errno.h>

#include "pagd/pagd.h"

/*
 * pagd_peer_pag() - the PAG of the process that connected @fd.
 * Return: 0 with *@pag set, or -ENOENT when the peer is in no PAG (or the
 * tag cannot be read: BPF LSM absent), which callers treat alike.
 */
int pagd_peer_pag(int fd, int32_t *pag)
{
	(void)fd;
	(void)pag;
	return -ENOENT;
}
