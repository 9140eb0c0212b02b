// SPDX-License-Identifier: GPL-2.0
/*
 * The LDAP identity provider: a domain whose users and groups live in one
 * tenant's subtree of an IdM directory.
 *
 * The tree is cn=TENANT,cn=tenants,ldap_suffix (or ldap_search_base as
 * given); users are searched under cn=users,cn=accounts and groups under
 * cn=groups,cn=accounts of it, and nothing else is ever read.
 *
 * Lookups answer from the identity cache (../idcache.c).  prepare() checks the
 * record a query needs: fresh, it answers now; missing or expired while
 * online, it starts a fetch (fetch.c; or joins the one in flight for the
 * same query) and the caller waits.  A fetch writes what it found, or a
 * negative record, then wakes its waiters, who read the cache.  When the
 * fetch fails because no server answers, the domain goes offline
 * (offline.c) and waiters get whatever the cache holds, expired or not.
 *
 * A user by name and the groups listing it are one search under
 * cn=accounts, (|(uid=NAME)(memberUid=NAME)) with the object classes,
 * asking groups only for cn and gidNumber: a process starting in a
 * container asks getpwnam and then initgroups of the same user, and the
 * second is then answered from the cache.  A user in hundreds of groups
 * costs one round trip and no member lists; entries are taken by where
 * they are (users under cn=users, groups under cn=groups) and by class;
 * the slapd fixture indexes memberUid as a server should.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/ldap/domain.h"
#include "pagd/ldap/provider.h"
#include "pagd/ipa/ad.h"
#include "pagd/ipa/subdomains.h"

static bool fresh(int r, uint64_t expires)
{
	return r >= 0 && expires > pagd_ldap_now();
}

/*
 * Lookups: whatever the cache holds for the lookup @k of @name or @id, fresh or
 * not: a struct pagd_user (in l->su) or a struct pagd_group (in l->sg) as
 * @k asks, or NULL.
 */
static const void *cached(const struct domain *d, enum idcache_kind k,
			  const char *name, uint32_t id)
{
	struct pagd_ldap_dom *l = d->priv;
	bool user = k == IDC_USER_NAME || k == IDC_USER_UID;
	uint64_t exp;
	int r;

	if (!l->cache)
		return NULL;
	if (user)
		r = idcache_get_user(l->cache, d->name, k, name, id, &l->su,
				     &exp);
	else
		r = idcache_get_group(l->cache, d->name, k, name, id, &l->sg,
				      &exp);
	if (r <= 0)
		return NULL;
	return user ? (const void *)&l->su.u : (const void *)&l->sg.g;
}

static const struct pagd_user *ld_user_by_name(const struct domain *d,
					       const char *name)
{
	struct pagd_ldap_dom *l = d->priv;
	struct ad_dom *a;
	bool trusted;

	if (l->subdomains) {
		a = ipa_subdomains_ad(l->subdomains, name, &trusted);
		if (trusted)
			return a ? ad_dom_user_by_name(a, name) : NULL;
	}
	return cached(d, IDC_USER_NAME, name, 0);
}

static const struct pagd_user *ld_user_by_uid(const struct domain *d,
					      uint32_t uid)
{
	struct pagd_ldap_dom *l = d->priv;
	struct ad_dom *a;
	bool trusted;

	if (l->subdomains) {
		a = ipa_subdomains_ad_by_id(l->subdomains, uid, &trusted);
		if (trusted)
			return a ? ad_dom_user_by_uid(a, uid) : NULL;
	}
	return cached(d, IDC_USER_UID, NULL, uid);
}

static const struct pagd_group *ld_group_by_name(const struct domain *d,
						 const char *name)
{
	struct pagd_ldap_dom *l = d->priv;
	struct ad_dom *a;
	bool trusted;

	if (l->subdomains) {
		a = ipa_subdomains_ad(l->subdomains, name, &trusted);
		if (trusted)
			return a ? ad_dom_group_by_name(a, name) : NULL;
	}
	return cached(d, IDC_GROUP_NAME, name, 0);
}

static const struct pagd_group *ld_group_by_gid(const struct domain *d,
						uint32_t gid)
{
	struct pagd_ldap_dom *l = d->priv;
	struct ad_dom *a;
	bool trusted;

	if (l->subdomains) {
		a = ipa_subdomains_ad_by_id(l->subdomains, gid, &trusted);
		if (trusted)
			return a ? ad_dom_group_by_gid(a, gid) : NULL;
	}
	return cached(d, IDC_GROUP_GID, NULL, gid);
}

static size_t ld_user_groups(const struct domain *d, const struct pagd_user *u,
			     const uint32_t **gids)
{
	struct pagd_ldap_dom *l = d->priv;
	struct ad_dom *a;
	bool trusted;
	uint64_t exp;

	*gids = NULL;
	if (l->subdomains) {
		a = ipa_subdomains_ad(l->subdomains, u->name, &trusted);
		if (trusted)
			return a ? ad_dom_user_groups(a, u->name, gids) : 0;
	}
	if (!l->cache ||
	    idcache_get_gids(l->cache, d->name, u->name, &l->sgids, &exp) <= 0)
		return 0;
	*gids = l->sgids.gids;
	return l->sgids.n;
}

/* Enumeration snapshots: the domain's arrays, replaced whole. */

static void free_users(struct pagd_user *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pagd_ldap_map_user_free(&u[i]);
	free(u);
}

static void free_groups(struct pagd_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pagd_ldap_map_group_free(&g[i]);
	free(g);
}

void pagd_ldap_dom_enum_load(struct pagd_ldap_dom *l, bool users)
{
	enum idcache_kind k = users ? IDC_ENUM_USERS : IDC_ENUM_GROUPS;
	struct pagd_user *u = NULL;
	struct pagd_group *g = NULL;
	struct domain *d = l->d;
	uint64_t exp;
	size_t n;

	if (idcache_get_enum(l->cache, d->name, k, &u, &g, &n, &exp) <= 0)
		return;
	if (users) {
		free_users(d->users, d->n_users);
		d->users = u;
		d->n_users = n;
	} else {
		free_groups(d->groups, d->n_groups);
		d->groups = g;
		d->n_groups = n;
	}
	l->enum_loaded[!users] = true;
	l->enum_expires[!users] = exp;
}

static void on_up(void *ud)
{
	struct pagd_ldap_dom *l = ud;

	offline_up(&l->off);
	if (l->subdomains)
		ipa_subdomains_conn_up(l->subdomains);
}

static void on_down(void *ud, const char *why)
{
	struct pagd_ldap_dom *l = ud;

	offline_down(&l->off, why);
}

static const struct pagd_ldap_conn_ops conn_ops = {
	.up = on_up,
	.down = on_down,
	.entry = pagd_ldap_fetch_entry,
	.done = pagd_ldap_fetch_done,
	.reset = pagd_ldap_fetch_reset,
};

static void on_retry(void *ud)
{
	struct pagd_ldap_dom *l = ud;

	pagd_ldap_conn_connect(l->conn);
}

static bool is_fresh(struct pagd_ldap_dom *l, const struct id_query *q)
{
	const char *dom = l->d->name;
	uint64_t exp;
	int r;

	switch (q->kind) {
	case ID_USER_NAME:
	case ID_INITGR:
		r = idcache_get_user(l->cache, dom, IDC_USER_NAME, q->name, 0,
				     &l->su, &exp);
		if (!fresh(r, exp))
			return false;
		if (q->kind == ID_USER_NAME)
			return true;
		r = idcache_get_gids(l->cache, dom, q->name, &l->sgids, &exp);
		return fresh(r, exp);
	case ID_USER_UID:
		r = idcache_get_user(l->cache, dom, IDC_USER_UID, NULL, q->id,
				     &l->su, &exp);
		return fresh(r, exp);
	case ID_GROUP_NAME:
	case ID_GROUP_GID:
		r = idcache_get_group(l->cache, dom,
				      q->kind == ID_GROUP_NAME ? IDC_GROUP_NAME
							       : IDC_GROUP_GID,
				      q->name, q->id, &l->sg, &exp);
		return fresh(r, exp);
	case ID_ENUM_USERS:
	case ID_ENUM_GROUPS: {
		bool users = q->kind == ID_ENUM_USERS;

		if (!l->enum_loaded[!users])
			pagd_ldap_dom_enum_load(l, users);
		return l->enum_loaded[!users] &&
		       l->enum_expires[!users] > pagd_ldap_now();
	}
	default:
		return true;
	}
}

static int ld_prepare(const struct domain *d, const struct id_query *q,
		      struct id_wait *w)
{
	struct pagd_ldap_dom *l = d->priv;
	struct fetch *f;

	if (!l->conn || q->kind == ID_NONE)
		return 0;
	if (l->subdomains &&
	    (q->name || q->kind == ID_USER_UID || q->kind == ID_GROUP_GID)) {
		int r = ipa_subdomains_prepare(l->subdomains, q, w);

		if (r != -ENOENT)
			return r;
	}
	if ((q->kind == ID_ENUM_USERS || q->kind == ID_ENUM_GROUPS) &&
	    !l->dc->ldap.enumerate)
		return 0;
	if (is_fresh(l, q) || l->off.offline)
		return 0;
	f = pagd_ldap_fetch_find(l, q);
	if (!f)
		f = pagd_ldap_fetch_start(l, q);
	if (!f)
		return 0;
	w->next = f->waiters;
	if (w->next)
		w->next->pprev = &w->next;
	w->pprev = &f->waiters;
	f->waiters = w;
	return 1;
}

static const char *ld_status(const struct domain *d)
{
	const struct pagd_ldap_dom *l = d->priv;

	return l->off.offline ? "offline" : "online";
}

static void ld_set_online(struct domain *d, bool online)
{
	struct pagd_ldap_dom *l = d->priv;

	if (!l->conn)
		return;
	if (l->subdomains)
		ipa_subdomains_set_online(l->subdomains, online);
	if (online) {
		offline_reset(&l->off);
		return;
	}
	pagd_ldap_conn_drop(l->conn, -ENOTCONN);
	offline_down(&l->off, "asked to (SIGUSR1 or SetDomainsOnline)");
}

static void ld_free(struct domain *d)
{
	struct pagd_ldap_dom *l = d->priv;

	if (!l)
		return;
	/* pending fetches end, their waiters answered from the cache; so
	 * does a trust discovery, before its subdomains go */
	pagd_ldap_conn_free(l->conn);
	ipa_subdomains_free(l->subdomains);
	offline_fini(&l->off);
	idcache_user_free(&l->su);
	idcache_group_free(&l->sg);
	free(l->sgids.gids);
	free(l->tree);
	free(l->user_base);
	free(l->group_base);
	free(l->accounts_base);
	free(l);
	d->priv = NULL;
}

static void ld_each_subdomain(const struct domain *d,
			      void (*fn)(void *ud,
					 const struct subdomain_info *i),
			      void *ud)
{
	const struct pagd_ldap_dom *l = d->priv;

	if (l->subdomains)
		ipa_subdomains_each(l->subdomains, fn, ud);
}

static const struct provider_ops pagd_ldap_ops = {
	.name = "ldap",
	.user_by_name = ld_user_by_name,
	.user_by_uid = ld_user_by_uid,
	.group_by_name = ld_group_by_name,
	.group_by_gid = ld_group_by_gid,
	.user_groups = ld_user_groups,
	.prepare = ld_prepare,
	.status = ld_status,
	.set_online = ld_set_online,
	.each_subdomain = ld_each_subdomain,
	.free = ld_free,
};

int pagd_ldap_domain_new(sd_event *e, struct idcache *cache,
			 const struct domain_conf *dc, const char *state_dir,
			 struct domain **out)
{
	const struct pagd_ldap_conf *cf = &dc->ldap;
	struct pagd_ldap_dom *l;
	struct domain *d;
	int r;

	r = domain_new(dc, &d);
	if (r < 0)
		return r;
	l = calloc(1, sizeof(*l));
	if (!l) {
		domain_free(d);
		return -ENOMEM;
	}
	d->ops = &pagd_ldap_ops;
	d->priv = l;
	l->d = d;
	l->dc = dc;
	l->cache = cache;
	if (cf->search_base)
		l->tree = strdup(cf->search_base);
	else if (asprintf(&l->tree, "cn=%s,cn=tenants,%s", dc->tenant,
			  cf->suffix) < 0)
		l->tree = NULL;
	if (!l->tree ||
	    asprintf(&l->user_base, "cn=users,cn=accounts,%s", l->tree) < 0 ||
	    asprintf(&l->group_base, "cn=groups,cn=accounts,%s", l->tree) < 0 ||
	    asprintf(&l->accounts_base, "cn=accounts,%s", l->tree) < 0) {
		domain_free(d);
		return -ENOMEM;
	}
	l->map = (struct pagd_ldap_map_ctx){ .domain = d->name,
					     .tree = l->tree };
	if (e && cache) {
		offline_init(&l->off, e, d->name, cf->offline_timeout,
			     cf->offline_timeout_max, on_retry, l);
		r = pagd_ldap_conn_new(e, d->name, cf, &conn_ops, l, &l->conn);
		if (r == 0 && cf->ipa_subdomains)
			r = ipa_subdomains_new(e, cache, dc, l->tree, state_dir,
					       l->conn, &l->subdomains);
		if (r < 0) {
			domain_free(d);
			return r;
		}
		/* learn at once whether the server answers */
		pagd_ldap_conn_connect(l->conn);
	}
	*out = d;
	return 0;
}
