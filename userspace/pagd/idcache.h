/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The identity cache: what fetching providers learnt, in LMDB under
 * STATE_DIR/cache, so that answers survive a restart and are served while
 * the server is unreachable.  Every record carries its expiry (seconds
 * since the epoch); a record with no entry says "known not to exist".
 *
 * Keys are DOMAIN NUL KIND KEY, so domains never see each other's records:
 *   'u' name -> user        'U' uid -> user
 *   'g' name -> group       'G' gid -> group
 *   'i' name -> gids of the groups listing the user
 *   'E' / 'F' -> every user / every group (enumeration)
 *
 * The cache is not the state: it is written without fsync and may be
 * deleted at any time.
 */
#ifndef PAGD_IDCACHE_H
#define PAGD_IDCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pagd/domain.h"

struct idcache;

enum idcache_kind {
	IDC_USER_NAME = 'u',
	IDC_USER_UID = 'U',
	IDC_GROUP_NAME = 'g',
	IDC_GROUP_GID = 'G',
	IDC_INITGR = 'i',
	IDC_ENUM_USERS = 'E',
	IDC_ENUM_GROUPS = 'F',
};

/* A decoded record: the entry's strings point into buf. */
struct idcache_user {
	struct pagd_user u;
	char *buf;
	size_t cap;
};

struct idcache_group {
	struct pagd_group g;
	char *buf;
	size_t cap;
	size_t members_cap;
};

struct idcache_gids {
	uint32_t *gids;
	size_t n;
	size_t cap;
};

int idcache_open(const char *dir, struct idcache **out);
void idcache_close(struct idcache *c);

/*
 * idcache_get_*() - read a record.
 * Return: 1 with the entry decoded, 0 for a negative record, -ENOENT when
 * there is no record; *@expires is set in both first cases.
 */
int idcache_get_user(struct idcache *c, const char *dom, enum idcache_kind k,
		     const char *name, uint32_t id, struct idcache_user *out,
		     uint64_t *expires);
int idcache_get_group(struct idcache *c, const char *dom, enum idcache_kind k,
		      const char *name, uint32_t id, struct idcache_group *out,
		      uint64_t *expires);
int idcache_get_gids(struct idcache *c, const char *dom, const char *name,
		     struct idcache_gids *out, uint64_t *expires);
/* An enumeration record: users or groups, in a fresh domain-owned array. */
int idcache_get_enum(struct idcache *c, const char *dom, enum idcache_kind k,
		     struct pagd_user **users, struct pagd_group **groups,
		     size_t *n, uint64_t *expires);

/* Writes: between begin and end, one transaction. */
int idcache_begin(struct idcache *c);
int idcache_end(struct idcache *c, bool commit);
int idcache_put_user(struct idcache *c, const char *dom,
		     const struct pagd_user *u, uint64_t expires);
int idcache_put_group(struct idcache *c, const char *dom,
		      const struct pagd_group *g, uint64_t expires);
int idcache_put_gids(struct idcache *c, const char *dom, const char *name,
		     const uint32_t *gids, size_t n, uint64_t expires);
/* A negative record: nothing with that name or id. */
int idcache_put_none(struct idcache *c, const char *dom, enum idcache_kind k,
		     const char *name, uint32_t id, uint64_t expires);
int idcache_put_enum(struct idcache *c, const char *dom, enum idcache_kind k,
		     const struct pagd_user *const *users,
		     const struct pagd_group *const *groups, size_t n,
		     uint64_t expires);

void idcache_user_free(struct idcache_user *u);
void idcache_group_free(struct idcache_group *g);

#endif /* PAGD_IDCACHE_H */
