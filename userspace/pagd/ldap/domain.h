/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the LDAP provider's two files share: provider.c is the domain
 * (answers from the cache, freshness, online state), fetch.c asks the
 * server (searches, mapping entries, writing answers to the cache).  Not
 * for use outside ldap/.
 */
#ifndef PAGD_LDAP_DOMAIN_H
#define PAGD_LDAP_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "pagd/idcache.h"
#include "pagd/domain.h"
#include "pagd/ldap/conn.h"
#include "pagd/ldap/map.h"
#include "pagd/ldap/offline.h"

struct ipa_subdomains;

enum op_what {
	OP_USERS,
	OP_GROUPS,
	OP_GIDS, /* groups listing a user: ids only */
	/* a user by name and the groups listing it, in one search */
	OP_USER_GIDS,
};

struct fetch;

struct fetch_op {
	struct fetch *f;
	enum op_what what;
};

struct entries {
	struct pagd_user *users;
	struct pagd_group *groups;
	char **dns;
	size_t n, cap;
};

struct fetch {
	struct pagd_ldap_dom *l;
	struct fetch *next, **pprev;
	enum id_kind kind;
	char *name;
	uint32_t id;
	struct id_wait *waiters;
	struct fetch_op op[2];
	unsigned int outstanding;
	int err;
	struct entries users, groups;
	uint32_t *gids;
	size_t n_gids, cap_gids;
};

struct pagd_ldap_dom {
	struct domain *d;
	const struct domain_conf *dc;
	struct idcache *cache;
	struct pagd_ldap_conn *conn;
	struct offline off;
	struct pagd_ldap_map_ctx map;
	char *tree, *user_base, *group_base;
	char *accounts_base; /* cn=accounts above both */
	struct fetch *fetches;
	/* what the last lookup of each kind returned */
	struct idcache_user su;
	struct idcache_group sg;
	struct idcache_gids sgids;
	bool enum_loaded[2];
	uint64_t enum_expires[2];
	struct ipa_subdomains *subdomains; /* subdomains_provider = ipa */
};

static inline uint64_t pagd_ldap_now(void)
{
	return (uint64_t)time(NULL);
}

/* Loads the cached enumeration of users (or groups) into the domain. */
void pagd_ldap_dom_enum_load(struct pagd_ldap_dom *l, bool users);

/*
 * pagd_ldap_fetch_start() - search the server for what @q needs.
 * Return: the fetch, which calls its waiters when the answer is in the
 * cache, or NULL when no search could be queued.
 */
struct fetch *pagd_ldap_fetch_start(struct pagd_ldap_dom *l,
				    const struct id_query *q);
/* The fetch in flight for the same query, if any. */
struct fetch *pagd_ldap_fetch_find(struct pagd_ldap_dom *l,
				   const struct id_query *q);
/* The connection's entry, done and reset callbacks for a fetch's searches. */
void pagd_ldap_fetch_entry(void *ud, LDAP *ld, LDAPMessage *e);
void pagd_ldap_fetch_done(void *ud, int err);
void pagd_ldap_fetch_reset(void *ud);

#endif /* PAGD_LDAP_DOMAIN_H */
