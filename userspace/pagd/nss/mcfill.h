/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PAGD_NSS_MCFILL_H
#define PAGD_NSS_MCFILL_H

#include <stddef.h>
#include <stdint.h>

struct memcache;

/*
 * mcfill() - store in @mc what the reply @rep (@rep_len bytes) to the NSS
 * request @req (a whole, well-framed request) may serve from the file.
 * Return: 0 (also when nothing is stored), or a negative errno from
 * memcache.c; the reply is sent either way.
 */
int mcfill(struct memcache *mc, const uint8_t *req, const uint8_t *rep,
	   size_t rep_len);

#endif /* PAGD_NSS_MCFILL_H */
