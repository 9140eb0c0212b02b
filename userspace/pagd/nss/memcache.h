/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The writer of SSSD's memory cache: the files passwd, group and initgroups
 * that the stock libnss_sss maps from /var/lib/sss/mc and reads without a
 * system call, falling back to the socket on a miss or an expired record.
 *
 * Each file is a header, a data table of 40-byte slots holding records, a
 * bitmap of the slots in use and a hash table of record chains.  A record
 * answers one lookup key: a name (getpwnam, getgrnam, initgroups) or an id
 * (getpwuid, getgrgid), hashed with MurmurHash3 and the file's seed.  Every
 * store is made safe for readers mapping the file concurrently by the
 * format's barrier words; a full data table evicts the oldest records.
 *
 * Knows nothing of views or the protocol: the responder decides what to
 * store (mcfill.c).
 */
#ifndef PAGD_NSS_MEMCACHE_H
#define PAGD_NSS_MEMCACHE_H

#include <stddef.h>
#include <stdint.h>

struct memcache;

enum memcache_map {
	MEMCACHE_PASSWD,
	MEMCACHE_GROUP,
	MEMCACHE_INITGROUPS,
	MEMCACHE_N_MAPS,
};

/* The file names, as libnss_sss opens them. */
extern const char *const memcache_file[MEMCACHE_N_MAPS];

/* Which key a passwd or group record answers. */
enum memcache_key {
	MEMCACHE_BY_NAME,
	MEMCACHE_BY_ID,
};

/*
 * memcache_open() - fresh memory cache files in @dir (made if missing).
 * @timeout:	seconds a record stays valid
 * @slots:	data table slots per file; 0 for the default
 *
 * Files left there (by an earlier run) are recycled first: clients that
 * map them re-open, so they never serve what an earlier pagd wrote.
 *
 * Return: 0, or a negative errno (logged, naming the file).
 */
int memcache_open(const char *dir, unsigned int timeout, uint32_t slots,
		  struct memcache **out);

/*
 * memcache_reset() - forget every record: fresh files take the old ones'
 * place, and the old ones are marked recycled for clients that map them.
 * Return: 0, or a negative errno (logged; the cache then stores nothing).
 */
int memcache_reset(struct memcache *mc);

/* For records stored from now on. */
void memcache_set_timeout(struct memcache *mc, unsigned int timeout);

/* Recycle the files, unlink them, free @mc (NULL is fine). */
void memcache_close(struct memcache *mc);

/* Recycle and unlink memory cache files in @dir that no one writes. */
void memcache_discard(const char *dir);

/*
 * memcache_put_passwd() - store the answer to a passwd lookup.
 * @by:		the key it answers: the record's name, or its uid
 * @strs:	name, passwd, gecos, dir and shell, each NUL-terminated,
 *		back to back (the layout of both the NSS reply and the record)
 *
 * Return: 0; -EINVAL when @strs is not five strings; -E2BIG when the record
 * cannot fit; -EIO when the cache is unusable (it was reset).
 */
int memcache_put_passwd(struct memcache *mc, enum memcache_key by, uint32_t uid,
			uint32_t gid, const char *strs, size_t len);

/*
 * memcache_put_group() - store the answer to a group lookup.
 * @strs:	name, passwd and @n_members member names, NUL-terminated,
 *		back to back
 * Return: as memcache_put_passwd().
 */
int memcache_put_group(struct memcache *mc, enum memcache_key by, uint32_t gid,
		       uint32_t n_members, const char *strs, size_t len);

/*
 * memcache_put_initgroups() - store the gids initgroups of @name returns:
 * @n_gids 32-bit words in host order at @gids (any alignment).
 * Return: as memcache_put_passwd().
 */
int memcache_put_initgroups(struct memcache *mc, const char *name,
			    const void *gids, uint32_t n_gids);

#endif /* PAGD_NSS_MEMCACHE_H */
