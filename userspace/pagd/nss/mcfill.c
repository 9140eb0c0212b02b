// SPDX-License-Identifier: GPL-2.0
/*
 * Filling the memory cache lazily, as SSSD does: a successful lookup by
 * name or id, or an initgroups, answered on the socket goes into the
 * memory cache, so that the client's next lookup of the same key is served
 * from the file.
 *
 * The record is taken from the reply itself, not from the view: the memory
 * cache then says exactly what the socket said, names qualified or not.
 * A name lookup is stored only under the name that was asked for, and only
 * when the answer carries that very name, and an id lookup only when the
 * answer has that id: a record found in the file must be the answer the
 * socket gives for that key.  Misses are not stored (the client asks the
 * socket again), nor is an initgroups with no groups, which the socket
 * reports as "not found".
 */
#include <errno.h>
#include <string.h>

#include "pagd/nss/mcfill.h"
#include "pagd/nss/memcache.h"
#include "pagd/nss/protocol.h"

int mcfill(struct memcache *mc, const uint8_t *req, const uint8_t *rep,
	   size_t rep_len)
{
	uint32_t req_len = nss_get_u32(req), cmd = nss_get_u32(req + 4);
	const uint8_t *body = req + NSS_HEADER_SIZE, *e;
	const char *name = NULL, *strs;
	size_t blen, elen;
	uint32_t id = 0;

	if (req_len < NSS_HEADER_SIZE || req_len > NSS_REQUEST_MAX)
		return 0;
	blen = req_len - NSS_HEADER_SIZE;
	/* header, then the count and a reserved word, then one entry */
	if (!mc || rep_len < NSS_HEADER_SIZE + 8 ||
	    nss_get_u32(rep) != rep_len || nss_get_u32(rep + 4) != cmd ||
	    nss_get_u32(rep + 8) != 0 ||
	    nss_get_u32(rep + NSS_HEADER_SIZE) == 0)
		return 0;
	e = rep + NSS_HEADER_SIZE + 8;
	elen = rep_len - NSS_HEADER_SIZE - 8;
	switch (cmd) {
	case SSS_NSS_GETPWNAM:
	case SSS_NSS_GETGRNAM:
	case SSS_NSS_INITGR:
		/* protocol.c answered only a well-formed name */
		if (blen < 2 || body[blen - 1] != '\0')
			return 0;
		name = (const char *)body;
		break;
	case SSS_NSS_GETPWUID:
	case SSS_NSS_GETGRGID:
		if (blen != 4)
			return 0;
		id = nss_get_u32(body);
		break;
	default:
		return 0;
	}
	if (cmd == SSS_NSS_INITGR) {
		uint32_t n = nss_get_u32(rep + NSS_HEADER_SIZE);

		if (elen != (size_t)n * 4)
			return -EINVAL;
		return memcache_put_initgroups(mc, name, e, n);
	}
	if (nss_get_u32(rep + NSS_HEADER_SIZE) != 1 || elen < 9)
		return 0;
	strs = (const char *)e + 8;
	if (name ? strcmp(strs, name) != 0 : nss_get_u32(e) != id)
		return 0;
	if (cmd == SSS_NSS_GETPWNAM || cmd == SSS_NSS_GETPWUID)
		return memcache_put_passwd(
			mc, name ? MEMCACHE_BY_NAME : MEMCACHE_BY_ID,
			nss_get_u32(e), nss_get_u32(e + 4), strs, elen - 8);
	return memcache_put_group(mc, name ? MEMCACHE_BY_NAME : MEMCACHE_BY_ID,
				  nss_get_u32(e), nss_get_u32(e + 4), strs,
				  elen - 8);
}
